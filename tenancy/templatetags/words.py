"""Words in templates."""

from django import template

from common.forms import label_in_sentence

register = template.Library()


@register.filter
def in_sentence(label) -> str:
    """A label for the middle of a sentence, with its capitals kept where they belong.

    "Headteacher" becomes "headteacher"; "SIP", "LA administrator" and "Gaining Ground additional
    day" stay as they are (|lower would not keep them).
    """
    return label_in_sentence(str(label)) if label else ""
