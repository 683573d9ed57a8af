from crispy_forms_gds.helper import FormHelper
from django import forms
from django import forms as dj_forms
from django.forms.utils import pretty_name
from django.utils.functional import cached_property

from common.widgets import Select

# Words that keep their capital letter at the start of a sentence's middle.
KEEP_CAPITAL = {"English", "Gaining", "Ofsted", "September", "January", "April"}

# Validation codes whose message Django fills in with %-style parameters.
PARAMETRISED = {
    "min_value",
    "max_value",
    "max_length",
    "min_length",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
    "invalid_choice",
    "step_size",
}


def label_in_sentence(label: str) -> str:
    """Lower-case a label's first letter for the middle of a sentence, unless it is an acronym or a name.

    "Email address" becomes "email address"; "SIP: name", "CVA", "% FSM" and "English" stay.
    """
    label = str(label).strip().rstrip(":")
    first = label.split(" ", 1)[0]
    if first[:1].isupper() and first[1:] == first[1:].lower() and first not in KEEP_CAPITAL:
        return label[0].lower() + label[1:]
    return label


def _number(value) -> str:
    return str(value)  # no thousands separator: bounds are often years (2000 to 2100)


def govuk_error_messages(field: forms.Field, name: str) -> dict[str, str]:
    """The Design System's wording for the field's errors, naming it by its label (or `error_name`)."""
    what = getattr(field, "error_name", None) or label_in_sentence(field.label or pretty_name(name))
    if what.endswith("?"):
        what = "an answer"  # a question does not fit "Enter …"; set error_name for better words
    subject = what[0].upper() + what[1:]
    low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
    choosing = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField, forms.FileField))
    messages = {"required": f"{'Select' if choosing else 'Enter'} {what}"}
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        # DecimalField and FloatField are IntegerField subclasses in Django.
        whole = not isinstance(field, (forms.DecimalField, forms.FloatField))
        kind = "a whole number" if whole else "a number"
        if low is not None and high is not None:
            in_range = f"Enter {what} as {kind} from {_number(low)} to {_number(high)}"
            messages |= {"invalid": in_range, "min_value": in_range, "max_value": in_range}
        else:
            messages["invalid"] = f"Enter {what} as {kind}"
            if low is not None:
                messages["min_value"] = f"{subject} must be {_number(low)} or more"
            if high is not None:
                messages["max_value"] = f"{subject} must be {_number(high)} or less"
        places = getattr(field, "decimal_places", None)
        if places is not None:
            messages["max_decimal_places"] = f"{subject} must have no more than {places} decimal place" + (
                "s" if places != 1 else ""
            )
            messages["max_digits"] = messages["max_whole_digits"] = f"{subject} is too large"
    if isinstance(field, forms.EmailField):
        messages["invalid"] = f"Enter {what} in the correct format, like name@example.com"
    if getattr(field, "max_length", None) is not None and not isinstance(field, forms.FileField):
        messages["max_length"] = f"{subject} must be {field.max_length} characters or fewer"
    if isinstance(field, forms.FileField):
        messages |= {
            "missing": f"Select {what}",
            "invalid": f"Select {what}",
            "empty": "The selected file is empty",
            "max_length": "The selected file's name must be 100 characters or fewer",
        }
    if choosing and not isinstance(field, forms.BooleanField):
        messages["invalid_choice"] = f"Choose {what} from the options given"
        messages["invalid_pk_value"] = messages["invalid_list"] = messages["invalid_choice"]
    messages.setdefault("invalid", f"Enter {what} in the correct format")
    # Django fills parametrised messages with `%`, so a literal % in a label ("% FSM") is doubled there.
    worded = {code: (m.replace("%", "%%") if code in PARAMETRISED else m) for code, m in messages.items()}
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        # Limits the model adds (a small integer's range) have no bound on the form field: name them
        # from the validator's own value.
        escaped = subject.replace("%", "%%")
        worded.setdefault("min_value", f"{escaped} must be %(limit_value)s or more")
        worded.setdefault("max_value", f"{escaped} must be %(limit_value)s or less")
    return worded


class GovukFormMixin:
    """Renders fields the GOV.UK way; the page template writes the <form>, error summary and buttons.

    Every field's errors are worded in the Design System's style from its label, unless the form
    gave the field its own message for that error.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.word_errors()

    @cached_property
    def helper(self) -> FormHelper:
        # Built when first rendered, not in __init__: a layout taken before a subclass removes a
        # field (the visit record's amendment reason) makes crispy warn on every render.
        for field in self.fields.values():
            if type(field.widget) is dj_forms.Select:
                # The same widget, rendered without a template per option (long lists of schools and SIPs).
                field.widget.__class__ = Select
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True  # the page template writes the token
        return helper

    def full_clean(self):
        # Again here: forms that add fields in __init__ after this mixin ran get worded too.
        self.word_errors()
        super().full_clean()

    def word_errors(self) -> None:
        """(Re)word the fields' default error messages; call again after adding fields."""
        for name, field in self.fields.items():
            defaults = {}
            for cls in reversed(type(field).__mro__):
                defaults.update(getattr(cls, "default_error_messages", {}))
            worded = govuk_error_messages(field, name)
            ours = getattr(field, "govuk_worded", set())
            for code, message in worded.items():
                current = field.error_messages.get(code)
                if current is None or current is defaults.get(code) or code in ours:
                    field.error_messages[code] = message
                    ours.add(code)
            field.govuk_worded = ours


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
                    what = label_in_sentence(field.label or pretty_name(name))
                    self.add_error(name, f"Enter the {what}, or {self.clear_hint}.")
        return cleaned


def error_summary_items(forms) -> list[tuple[str, str]]:
    """(field id, message) for every error of several forms, for one error summary on the page.

    Errors that belong to no field have an empty id.
    """
    found = []
    for form in forms:
        for name, errors in form.errors.items():
            field_id = form[name].auto_id if name in form.fields else ""
            if field_id and isinstance(form.fields[name].widget, dj_forms.MultiWidget):
                # A date input: link to its first wrong box.
                parts = getattr(form.fields[name].widget, "error_parts", None) or {0}
                field_id = f"{field_id}_{min(parts)}"
            found += [(field_id, message) for message in errors]
    return found
