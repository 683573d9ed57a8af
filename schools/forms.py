from django import forms

from common.forms import GovukFormMixin

from .models import RESULT_RANGES, DataImport, EligibilityAssessment, PerformanceResult, PupilGroup

ENTRY_GROUPS = [
    PupilGroup.ALL,
    PupilGroup.FSM,
    PupilGroup.NON_FSM,
    PupilGroup.BOYS,
    PupilGroup.GIRLS,
    PupilGroup.LOW_PRIOR,
    PupilGroup.MIDDLE_PRIOR,
    PupilGroup.HIGH_PRIOR,
]
GROUP_MEASURES = ["cohort", "five_ac_em", "progress_english", "progress_maths"]
ALL_PUPIL_MEASURES = ["cva", "cva_lower", "cva_upper", "percentage_fsm"]


class UploadForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What is in the file?",
        choices=DataImport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what is in the file"},
    )
    file = forms.FileField(
        label="CSV file",
        help_text="A Get Information about Schools extract (edubasealldata…csv), or the performance data template.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Choose a CSV file (its name ends in .csv).")
        return upload


class GainingGroundForm(GovukFormMixin, forms.Form):
    gaining_ground_joined = forms.IntegerField(
        label="Joined Gaining Ground in",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="The year the academic year starts: 2025 for 2025/26. Leave empty if it never joined.",
    )
    gaining_ground_joined.error_name = "the year it joined"
    gaining_ground_left = forms.IntegerField(
        label="Left Gaining Ground in",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Leave empty while it is still in the programme.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    gaining_ground_left.error_name = "the year it left"


class ResultsForm(GovukFormMixin, forms.Form):
    """One year's results for one school: a row of measures for each pupil group."""

    def __init__(self, *args, results: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for group in ENTRY_GROUPS:
            measures = GROUP_MEASURES + (ALL_PUPIL_MEASURES if group == PupilGroup.ALL else [])
            for name in measures:
                model_field = PerformanceResult._meta.get_field(name)
                key = f"{group}-{name}"
                low, high = RESULT_RANGES[name]
                if name == "cohort":
                    field = forms.IntegerField(min_value=low, max_value=high, required=False)
                else:
                    field = forms.DecimalField(
                        max_digits=6, decimal_places=1, required=False, min_value=low, max_value=high
                    )
                label = str(model_field.verbose_name)
                # Only the first letter: GCSEs, English, CVA and FSM keep their capitals.
                field.label = label[0].upper() + label[1:]
                field.error_name = f"{label} for {PupilGroup(group).label}"
                self.fields[key] = field
                existing = results.get(group)
                if existing is not None and not self.is_bound:
                    self.initial[key] = getattr(existing, name)
            self.fields[f"{group}-version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
            self.initial.setdefault(f"{group}-version", results[group].version if group in results else 0)
        self.word_errors()

    def groups(self):
        """(label, [bound fields]) per group, for the template's table."""
        for group in ENTRY_GROUPS:
            yield PupilGroup(group).label, [f for f in self if f.name.startswith(f"{group}-") and not f.is_hidden]

    def clean(self):
        cleaned = super().clean()
        cva, low, high = (cleaned.get(f"all-{n}") for n in ("cva", "cva_lower", "cva_upper"))
        if None not in (cva, low, high) and not low <= cva <= high:
            self.add_error("all-cva", "CVA must lie between its lower and upper limits.")
        return cleaned

    def rows(self) -> tuple[dict, dict]:
        rows, versions = {}, {}
        for group in ENTRY_GROUPS:
            names = GROUP_MEASURES + (ALL_PUPIL_MEASURES if group == PupilGroup.ALL else [])
            rows[group] = {name: self.cleaned_data.get(f"{group}-{name}") for name in names}
            versions[group] = self.cleaned_data.get(f"{group}-version") or 0
        return rows, versions


class EligibilityForm(GovukFormMixin, forms.Form):
    finding = forms.ChoiceField(
        label="Does the school meet this criterion?",
        choices=EligibilityAssessment.Finding.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the school meets this criterion"},
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="What shows it: data, inspection findings, what you have seen in the school.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    followed_suggestion = forms.BooleanField(widget=forms.HiddenInput, required=False)
