from django import template

from dexa import rules

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    return rules.CATEGORY_LABELS.get(code or "", "No category")


@register.filter
def site_label(code: str) -> str:
    return rules.SITE_LABELS.get(code or "", "")


@register.filter
def change_label(code: str) -> str:
    return rules.CHANGE_LABELS.get(code or "", "")
