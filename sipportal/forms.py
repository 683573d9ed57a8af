from crispy_forms_gds.helper import FormHelper
from django import forms

# The "one named person" rule lives with the other rules about people; kept importable from here.
from accounts.validators import is_one_named_person  # noqa: F401


class GovukFormMixin:
    """Renders fields the GOV.UK way; the page template writes the <form>, error summary and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the token


def add_domain_error(form, error) -> None:
    """Show a service's DomainError on the form: on its field when it names one, else at the top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class RowForm(GovukFormMixin, forms.Form):
    """A repeatable row: empty rows are ignored, half-filled ones are errors."""

    clear_hint = "clear the row"
    optional_fields: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not any(self.cleaned_data.get(name) not in (None, "") for name in self.fields)

    def clean(self):
        cleaned = super().clean()
        if not self.is_empty():
            for name, field in self.fields.items():
                if cleaned.get(name) in (None, "") and name not in self.errors and name not in self.optional_fields:
                    self.add_error(name, f"Enter the {field.label.lower()}, or {self.clear_hint}.")
        return cleaned


def error_summary_items(forms) -> list[tuple[str, str]]:
    """(field id, message) for every error of several forms, for one error summary on the page.

    Errors that belong to no field have an empty id.
    """
    found = []
    for form in forms:
        for name, errors in form.errors.items():
            field_id = form[name].auto_id if name in form.fields else ""
            found += [(field_id, message) for message in errors]
    return found
