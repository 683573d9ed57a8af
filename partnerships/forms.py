from decimal import Decimal

from django import forms

from common.dates import GovukDateField
from common.forms import GovukFormMixin, RowForm

from .models import Form2, LedgerKind, Strength, SupportingSchool


class ProposeForm(GovukFormMixin, forms.Form):
    partner_school = forms.TypedChoiceField(label="Partner school", coerce=int, widget=forms.RadioSelect)
    reason_not_top = forms.CharField(
        label="Why this school rather than the top candidate (needed when it is not the top one)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    capacity_confirmed = forms.BooleanField(
        label="Capacity and willingness confirmed with the partner school's headteacher", required=False
    )
    la_consulted = forms.BooleanField(label="The Gaining Ground school's LA was consulted", required=False)
    checks_notes = forms.CharField(
        label="Due-diligence notes", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_school"].choices = [
            (c.school.pk, f"{c.school.name} ({c.school.la.name}), {c.total} points") for c in candidates
        ]


class RespondForm(GovukFormMixin, forms.Form):
    answer = forms.ChoiceField(
        label="Will your school be the partner school?",
        choices=[("accept", "Yes, we accept the partnership"), ("decline", "No, we decline")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (needed when you decline)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class RegisterForm(GovukFormMixin, forms.ModelForm):
    urn = forms.RegexField(label="School URN", regex=r"^\d{6}$", error_messages={"invalid": "Enter the 6-digit URN."})
    strengths = forms.MultipleChoiceField(
        label="Areas it is strong in", choices=Strength.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = SupportingSchool
        fields = [
            "offering_support",
            "capacity",
            "strengths",
            "evidence",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["urn"]


class LockedForm(GovukFormMixin, forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class DetailsForm(LockedForm, forms.ModelForm):
    meeting_on = GovukDateField(label="Date of the meeting", required=False, help_text="For example, 25 11 2026")

    class Meta:
        model = Form2
        fields = [
            "partner_head_name",
            "partner_head_phone",
            "partner_head_email",
            "sip_name",
            "sip_phone",
            "sip_email",
            "ssat_name",
            "ssat_phone",
            "ssat_email",
            "coordinator_name",
            "coordinator_phone",
            "coordinator_email",
            "meeting_on",
            "meeting_attendees",
        ]
        widgets = {"meeting_attendees": forms.Textarea(attrs={"rows": 3})}


class StrategyForm(RowForm):
    clear_hint = "clear this strategy"

    strategy = forms.CharField(label="Strategy", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    lead = forms.CharField(label="Lead (one named person)", max_length=150, required=False)
    starts_on = GovukDateField(label="Start", required=False)
    ends_on = GovukDateField(label="End", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end must not be before the start.")
        return cleaned


StrategyFormSet = forms.formset_factory(StrategyForm, extra=2, max_num=8)


class TransitionForm(LockedForm):
    comment = forms.CharField(
        label="Comment (needed when you return the plan)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class AssignForm(GovukFormMixin, forms.Form):
    consultant_head = forms.ModelChoiceField(label="SSAT consultant head", queryset=None, required=False)
    coordinator = forms.ModelChoiceField(label="Regional partnership coordinator", queryset=None, required=False)

    def __init__(self, *args, consultant_heads=None, coordinators=None, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["consultant_head"].queryset = User.objects.none() if consultant_heads is None else consultant_heads
        self.fields["coordinator"].queryset = User.objects.none() if coordinators is None else coordinators


class NoteForm(GovukFormMixin, forms.Form):
    strategy_text = forms.ChoiceField(label="Strategy", required=False)
    note = forms.CharField(label="Monitoring note", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, strategies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy_text"].choices = [("", "The partnership as a whole")] + [
            (s.strategy[:300], s.strategy[:120]) for s in strategies
        ]


class LedgerLineForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What was used")
    on = GovukDateField(label="Date")
    amount = forms.DecimalField(
        label="Amount (days, or pounds for spending)", min_value=Decimal("0.5"), max_digits=9, decimal_places=2
    )
    purpose = forms.ChoiceField(label="What it was for (a Form 2 strategy or a plan priority)")

    def __init__(self, *args, kinds=(), purposes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, LedgerKind(k).label) for k in kinds]
        self.fields["purpose"].choices = [(p, p) for p in [*purposes, "General support"]]
