from django import template

from bonetrack.core.timezones import local_today
from dexa import rules

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    return rules.CATEGORY_LABELS.get(code or "", "No category")


@register.filter
def diagnosis_label(code: str, reason: str = "") -> str:
    """The diagnosis of record in words: "Osteoporosis (based on a fragility fracture)" when R1b decided it."""
    return rules.diagnosis_label(code or "", reason or "") or "No category"


@register.filter
def site_label(code: str) -> str:
    return rules.SITE_LABELS.get(code or "", "")


@register.filter
def change_label(code: str) -> str:
    return rules.CHANGE_LABELS.get(code or "", "")


@register.filter
def scan_due_state(patient) -> str:
    """Says "overdue" once the next scan's due date is before the patient's local today, "today" on that day, else ""."""
    due = patient.next_scan_due_on
    if due is None:
        return ""
    today = local_today(patient.user)
    return "overdue" if due < today else "today" if due == today else ""
