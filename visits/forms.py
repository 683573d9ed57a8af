from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from django import forms

from accounts.models import Role, User
from accounts.validators import is_one_named_person
from common.dates import GovukDateField
from common.forms import GovukFormMixin, RowForm
from schools.models import School
from tenancy.academic_year import current_academic_year

from .models import PriorityEvaluation, Visit
from .services import Proposal, StepDecision


class AssignmentForm(GovukFormMixin, forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none())
    sip = forms.ModelChoiceField(label="SIP", queryset=User.objects.none())
    days_allocated = forms.DecimalField(
        label="Days allocated this year",
        min_value=0,
        max_value=50,
        decimal_places=1,
        required=False,
        help_text="Leave empty for the standard allocation (5 days, or 9 for a Gaining Ground school), "
        "or to keep the allocation when handing a school over.",
    )

    def __init__(self, *args, la, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request inside the LA's scope; a closed school takes no new SIP.
        self.fields["school"].queryset = School.objects.open().order_by("name")
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
        if self.instance.academic_year < current_academic_year():
            self.fields["amendment_reason"].label = "Why are you correcting a record of an earlier year?"
            self.fields["amendment_reason"].help_text = "Kept with the record's history and in the audit log."
        elif not self.instance.is_final:
            del self.fields["amendment_reason"]
            # The layout was built with the field; rebuild it so rendering does not look for it.
            self.helper = FormHelper(self)
            self.helper.form_tag = False
            self.helper.disable_csrf = True


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


class PrepareYearForm(GovukFormMixin, forms.Form):
    """Next year's caseload: one SIP choice and one allocation per school, prefilled with the proposal."""

    def __init__(self, *args, la, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        sips = list(
            User.objects.filter(memberships__role=Role.SIP, memberships__la=la).distinct().order_by("full_name")
        )
        self.sips = {str(sip.pk): sip for sip in sips}
        choices = [("", "No SIP yet"), *[(str(sip.pk), sip.full_name or sip.email) for sip in sips]]
        for proposal in proposals:
            key = proposal.school.pk
            self.fields[f"sip-{key}"] = forms.ChoiceField(
                label=f"SIP for {proposal.school.name}",
                choices=choices,
                required=False,
                initial=str(proposal.sip_id) if proposal.sip_id and str(proposal.sip_id) in self.sips else "",
            )
            self.fields[f"days-{key}"] = forms.DecimalField(
                label=f"Days for {proposal.school.name}",
                min_value=0,
                max_value=50,
                decimal_places=1,
                initial=proposal.days,
                error_messages={"required": f"Enter the days for {proposal.school.name}."},
            )

    def rows(self):
        return [(p, self[f"sip-{p.school.pk}"], self[f"days-{p.school.pk}"]) for p in self.proposals]

    def confirmed(self) -> list[Proposal]:
        return [
            Proposal(
                school=p.school,
                sip=self.sips.get(self.cleaned_data[f"sip-{p.school.pk}"]),
                days_allocated=self.cleaned_data[f"days-{p.school.pk}"],
            )
            for p in self.proposals
        ]


class StepDecisionForm(GovukFormMixin, forms.Form):
    """One open next step at year end: carry it into the new year, or close it with a reason."""

    decision = forms.ChoiceField(
        label="What happens to this next step?",
        choices=[("carry", "Carry it into the new year"), ("close", "Close it"), ("", "Decide later")],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why is it closed?", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, step, **kwargs):
        self.step = step
        super().__init__(*args, prefix=f"step-{step.pk}", **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "close" and not cleaned.get("reason", "").strip():
            self.add_error("reason", f"Say why “{self.step.action}” is closed.")
        return cleaned

    def chosen(self) -> StepDecision | None:
        choice = self.cleaned_data.get("decision")
        if not choice:
            return None
        return StepDecision(step_id=self.step.pk, carry=choice == "carry", reason=self.cleaned_data.get("reason", ""))
