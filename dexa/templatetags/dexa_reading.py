from django import template

register = template.Library()


@register.filter
def source_for(sources: dict, field_name: str):
    """The source (page, line, picture) of a value read from a report, by the form field's name; None if typed."""
    return sources.get(field_name) if sources else None
