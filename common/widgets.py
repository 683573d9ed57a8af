"""Widgets the portal renders itself where Django's templates cost too much."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class Select(forms.Select):
    """A <select> whose options are written in Python, not with a template each.

    Django renders every option with two template includes: a county's 600 schools or its SIPs
    cost more than the rest of the page. Same markup; named `Select` because crispy-forms-gds
    chooses the GOV.UK classes (`govuk-select`, its error class) by the widget's class name.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _ in widget["optgroups"]:
            lines = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options),
            )
            parts.append(
                format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, lines) if group_name else lines
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every part is escaped by format_html above)
