from decimal import Decimal, InvalidOperation

from django import template

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
