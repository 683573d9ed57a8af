from django import forms

from common.forms import GovukFormMixin
from schools.models import PupilGroup

from .models import Report
from .services import EDITABLE_FIELDS, TERM_NAMES

TEXT = forms.Textarea(attrs={"rows": 5})


class ReportForm(GovukFormMixin, forms.ModelForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    underachieving_groups = forms.MultipleChoiceField(
        label="Groups underachieving or not making good progress",
        help_text="Name the groups; write about them below. Governors see the groups, never individual pupils.",
        choices=[(v, label) for v, label in PupilGroup.choices if v != PupilGroup.ALL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Report
        fields = list(EDITABLE_FIELDS)
        widgets = {name: TEXT for name in EDITABLE_FIELDS if name not in ("title", "underachieving_groups")} | {
            "self_evaluation_judgement": forms.RadioSelect,
            "capacity_judgement": forms.RadioSelect,
        }

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("self_evaluation_judgement", "capacity_judgement"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
            self.fields[name].required = False
        if school is not None and not school.in_gaining_ground:
            del self.fields["partnership"]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "lock_version"}


class CommentForm(GovukFormMixin, forms.Form):
    accuracy = forms.ChoiceField(
        label="Is the report factually accurate?",
        choices=[("accurate", "Yes, it is factually accurate"), ("inaccurate", "No, something is inaccurate")],
        widget=forms.RadioSelect,
    )
    inaccuracies = forms.CharField(label="What is inaccurate", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    comment = forms.CharField(
        label="Your comments for the SIP",
        help_text="The SIP reads these before issuing. The report does not need your agreement to be issued.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )


class NewVersionForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why does the issued report need a new version?",
        help_text="Kept with the new version and shown on it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    reason.error_name = "the reason for a new version"


class ArchiveForm(GovukFormMixin, forms.Form):
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int)
    term = forms.TypedChoiceField(
        label="Term", coerce=int, choices=[(n, f"{name.capitalize()} term") for n, name in TERM_NAMES.items()]
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        from tenancy.academic_year import academic_year_label

        self.fields["academic_year"].choices = [(y, academic_year_label(y)) for y in years]
