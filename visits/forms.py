from decimal import Decimal

from django import forms

from accounts.models import Role, User
from schools.models import School
from sipportal.dates import GovukDateField
from sipportal.forms import GovukFormMixin, RowForm, is_one_named_person

from .models import PriorityEvaluation, Visit


class AssignmentForm(GovukFormMixin, forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())
    sip = forms.ModelChoiceField(label="SIP", queryset=User.objects.none())
    days_allocated = forms.DecimalField(
        label="Days allocated this year",
        min_value=0,
        max_value=50,
        decimal_places=1,
        required=False,
        help_text="Leave empty for the standard allocation: 5 days, or 9 for a Gaining Ground school.",
    )

    def __init__(self, *args, la, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request inside the LA's scope.
        self.fields["school"].queryset = School.objects.order_by("name")
        self.fields["sip"].queryset = (
            User.objects.filter(memberships__role=Role.SIP, memberships__la=la).distinct().order_by("full_name")
        )


class VisitPlanForm(GovukFormMixin, forms.Form):
    date = GovukDateField(label="Date of visit", help_text="For example, 27 11 2026")
    kind = forms.ChoiceField(label="Type of visit", choices=Visit.Kind.choices, widget=forms.RadioSelect)
    length_days = forms.TypedChoiceField(
        label="Length",
        choices=[("1.0", "A full day"), ("0.5", "Half a day")],
        coerce=Decimal,
        widget=forms.RadioSelect,
    )
    agenda = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="One item a line. Leave empty to start from the template for this type of visit.",
    )


class VisitRecordForm(GovukFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    amendment_reason = forms.CharField(
        label="Why are you changing a finalised record?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Kept with the record's history, which the headteacher can see.",
    )

    class Meta:
        model = Visit
        fields = ["agenda", "classroom_evidence", "tracked_pupils", "documents_seen", "summary", "private_notes"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_final:
            del self.fields["amendment_reason"]


class PersonForm(RowForm):
    name = forms.CharField(required=False, max_length=150)
    role = forms.CharField(required=False, max_length=150)


class SupportForm(RowForm):
    what = forms.CharField(label="Support", required=False, max_length=300)
    provider = forms.CharField(label="From whom", required=False, max_length=200)
    days = forms.DecimalField(required=False, min_value=0, max_value=100, decimal_places=1)


class NextStepForm(RowForm):
    action = forms.CharField(label="Next step", required=False, max_length=500)
    owner = forms.CharField(label="Owner", required=False, max_length=150, help_text="One named person.")
    due_on = GovukDateField(label="Due date", required=False)

    def clean_owner(self):
        owner = self.cleaned_data["owner"].strip()
        if owner and not is_one_named_person(owner):
            raise forms.ValidationError("Name one person who owns this step, not a list or a team.")
        return owner


class EvaluationForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Progress",
        choices=[("", "Not evaluated yet"), *PriorityEvaluation.Status.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    cause = forms.ChoiceField(
        label="If it is slipping, why?",
        choices=[("", "Choose a cause"), *PriorityEvaluation.Cause.choices],
        required=False,
    )
    cause.error_name = "the cause of the slippage"
    response = forms.CharField(
        label="What will be done about it", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, priority, **kwargs):
        self.priority = priority
        super().__init__(*args, prefix=f"priority-{priority.pk}", **kwargs)

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and not cleaned.get("evidence", "").strip():
            self.add_error("evidence", "Give the evidence for this judgement.")
        if status in (PriorityEvaluation.Status.SLIPPING, PriorityEvaluation.Status.OFF_TRACK):
            if not cleaned.get("cause"):
                self.add_error("cause", "Say why it is slipping: an over-ambitious plan, unexpected events or inertia.")
            if not cleaned.get("response", "").strip():
                self.add_error("response", "Say what will be done about the slippage.")
        elif cleaned.get("cause"):
            self.add_error("cause", "Only a priority that is slipping or off track has a cause of slippage.")
        return cleaned


PersonFormSet = forms.formset_factory(PersonForm, extra=2)
SupportFormSet = forms.formset_factory(SupportForm, extra=1)
NextStepFormSet = forms.formset_factory(NextStepForm, extra=2)
