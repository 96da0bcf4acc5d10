from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A select for long choice lists (e.g. the ~420 time zones, grouped by region).

    Django renders every option through a template include, which costs tens of milliseconds for hundreds of
    options; here the options (and their optgroups) are joined in Python: the same markup, escaped by format_html.
    """

    template_name = "core/widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = format_html_join(
            "\n", "{}", ((_group_html(group, options),) for group, options, _ in context["widget"]["optgroups"])
        )
        return context


def _group_html(group: str | None, options: list[dict]) -> str:
    html = format_html_join(
        "\n",
        '<option value="{}"{}>{}</option>',
        ((option["value"], mark_safe(" selected") if option["selected"] else "", option["label"]) for option in options),
    )
    return format_html('<optgroup label="{}">\n{}\n</optgroup>', group, html) if group else html
