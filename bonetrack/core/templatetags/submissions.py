from django import template
from django.utils.html import format_html

from bonetrack.core.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def form_token() -> str:
    """A hidden one-time token for a create form: the server saves each token once (bonetrack.core.submissions)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
