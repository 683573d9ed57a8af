from django import forms

from accounts.validators import is_one_named_person
from common.dates import GovukDateField, GovukMonthYearField
from common.forms import GovukFormMixin, RowForm

from .models import (
    MAX_PRIORITIES,
    MOST_IMPORTANT_COUNT,
    MOST_IMPORTANT_RULE,
    PRIORITY_COUNT_RULE,
    PlanAction,
    Priority,
    PriorityProfile,
    priority_count_is_right,
)


class PriorityForm(GovukFormMixin, forms.ModelForm):
    starts_on = GovukDateField(label="Start")
    ends_on = GovukDateField(label="End")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Priority
        fields = ["title", "key_focus_areas", "starts_on", "ends_on", "is_active"]
        widgets = {"key_focus_areas": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_active": "Still a priority"}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end must not be before the start.")
        return cleaned


def add_correction_reason(form) -> None:
    """An earlier year's record is corrected only with a reason, which goes to the audit log."""
    form.fields["correction_reason"] = forms.CharField(
        label="Why are you correcting this earlier year's record?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log with the correction.",
        error_messages={"required": "Say why you are correcting this earlier year's record."},
    )


class LockedForm(GovukFormMixin, forms.Form):
    """Carries the version the person started from, so a stale save is refused."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class ContactsForm(LockedForm, forms.ModelForm):
    class Meta:
        model = PriorityProfile
        fields = ["key_contact_name", "key_contact_phone", "key_contact_email", "sip_name", "sip_phone", "sip_email"]
        labels = {
            "key_contact_name": "Key contact at school: name",
            "key_contact_phone": "Key contact at school: phone number",
            "key_contact_email": "Key contact at school: email",
            "sip_name": "SIP: name",
            "sip_phone": "SIP: phone number",
            "sip_email": "SIP: email",
        }


class PartnershipsForm(LockedForm, forms.ModelForm):
    class Meta:
        model = PriorityProfile
        fields = ["proposed_partner_school", "partner_criteria", "other_comments"]
        widgets = {
            "partner_criteria": forms.Textarea(attrs={"rows": 4}),
            "other_comments": forms.Textarea(attrs={"rows": 4}),
        }


class ProfilePriorityForm(RowForm):
    clear_hint = "clear this priority"
    optional_fields = ("outline",)

    priority = forms.CharField(label="Priority", max_length=200, required=False)
    key_focus_areas = forms.CharField(label="Key focus areas", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    starts_on = GovukMonthYearField(label="Start", help_text="For example, 9 2026", required=False)
    # The end month counts in full: "to July 2027" runs to 31 July.
    ends_on = GovukMonthYearField(label="End", help_text="For example, 7 2027", end_of_month=True, required=False)
    outline = forms.CharField(
        label="Outline of how the school intends to tackle it",
        help_text="For the three most important issues; the matching body reads it.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end must not be before the start.")
        return cleaned


class BaseProfilePriorityFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        filled = [f for f in self.forms if not f.is_empty()]
        if not priority_count_is_right(len(filled)):
            raise forms.ValidationError(f"{PRIORITY_COUNT_RULE}; you gave {len(filled)}.")

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if not f.is_empty()]


ProfilePriorityFormSet = forms.formset_factory(
    ProfilePriorityForm, formset=BaseProfilePriorityFormSet, extra=0, min_num=MAX_PRIORITIES, max_num=MAX_PRIORITIES
)


class MostImportantForm(LockedForm):
    positions = forms.TypedMultipleChoiceField(
        label="Which three are the most important issues?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Agree these with the SIP: the three issues most important to pupils' progress.",
        error_messages={"required": "Select the three most important issues"},
    )

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["positions"].choices = [(p.position, p.priority) for p in priorities]

    def clean_positions(self):
        positions = self.cleaned_data["positions"]
        if len(positions) != MOST_IMPORTANT_COUNT:
            raise forms.ValidationError(f"{MOST_IMPORTANT_RULE}; you chose {len(positions)}.")
        return positions


class TransitionForm(LockedForm):
    """The version the page showed, and the SIP's comments when they return the profile."""

    comment = forms.CharField(
        label="Comments for the headteacher", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class PlanActionForm(GovukFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanAction
        fields = ["description", "owner", "success_criteria", "data_sources"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "data_sources": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_owner(self):
        owner = self.cleaned_data["owner"].strip()
        if not is_one_named_person(owner):
            raise forms.ValidationError("Name one accountable person, not a list or a team.")
        return owner


class MilestoneForm(GovukFormMixin, forms.Form):
    description = forms.CharField(label="Milestone", max_length=300, required=False)
    due_on = GovukDateField(label="Due date", required=False)
    done_on = GovukDateField(label="Date done", required=False)

    def is_empty(self) -> bool:
        return not any(self.cleaned_data.get(n) for n in self.fields)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("due_on") or cleaned.get("done_on")) and not cleaned.get("description"):
            self.add_error("description", "Describe the milestone, or clear its dates.")
        return cleaned


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2)


class ReviewForm(GovukFormMixin, forms.Form):
    rag = forms.ChoiceField(
        label="Status",
        choices=[("green", "Green: on track"), ("amber", "Amber: at risk"), ("red", "Red: off track")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="What shows it: the evidence, and what changes now."
    )


class CarryOverForm(LockedForm):
    """Last year's priorities, each to keep, change or drop."""

    CHOICES = [
        ("keep", "Keep it as it is"),
        ("change", "Keep it and change it"),
        ("drop", "Drop it"),
    ]

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[f"row_{row.position}"] = forms.ChoiceField(
                label=row.priority,
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                help_text=row.key_focus_areas,
                error_messages={"required": f"Say whether to keep, change or drop “{row.priority}”."},
            )

    def decisions(self) -> dict[int, str]:
        return {
            int(name.removeprefix("row_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("row_")
        }


class YearEndForm(GovukFormMixin, forms.Form):
    """What happens to one action left open when its priority's year ended."""

    decision = forms.ChoiceField(
        label="What happens to this action?",
        choices=[("carried", "Carry it into this year's plan"), ("closed", "Close it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to carry the action into this year or close it."},
    )
    reason = forms.CharField(
        label="Why (needed to close it)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "closed" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the action closes.")
        return cleaned
