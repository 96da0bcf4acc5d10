from decimal import Decimal, InvalidOperation

from django import template

from nutrition import wording

register = template.Library()


@register.filter
def amount(value) -> str:
    """A quantity without trailing zeros: 1.50 -> "1.5", 2.00 -> "2", 0.25 -> "0.25"."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    except InvalidOperation:
        return str(value)
    return f"{number:f}"


@register.filter
def short_name(description: str) -> str:
    """The readable food name shown first; the full USDA description goes in a title or <details>."""
    return wording.short_name(description or "")


@register.filter
def plain_measure(measure: str) -> str:
    """ "small" for 'small (6" to 6-7/8" long)'; the details are `measure_details`."""
    return wording.plain_measure(measure or "")


@register.filter
def measure_details(measure: str) -> str:
    return wording.measure_details(measure or "")
