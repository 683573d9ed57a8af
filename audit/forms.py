from django import forms

from common.dates import GovukDateField
from common.forms import GovukFormMixin

from .models import Action


class AuditFilterForm(GovukFormMixin, forms.Form):
    """The audit log's filters. Every one is optional; each is backed by an index on the log."""

    person = forms.CharField(
        label="Person's email address",
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
    )
    action = forms.ChoiceField(label="What they did", choices=[("", "Anything"), *Action.choices], required=False)
    school = forms.CharField(
        label="School",
        required=False,
        max_length=120,
        help_text="Its URN, or part of its name.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    from_date = GovukDateField(label="From", required=False, help_text="For example, 1 9 2026")
    to_date = GovukDateField(label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "To must be the same as or after From")
        return cleaned
