from django import template

from bonetrack.core.navigation import patient_tabs

register = template.Library()


@register.simple_tag(takes_context=True)
def patient_tabs_for(context, patient):
    """The tabs of one patient's record, marking the current page."""
    match = getattr(context.get("request"), "resolver_match", None)
    return patient_tabs(patient, match.view_name if match else "")
