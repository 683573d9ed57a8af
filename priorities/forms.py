from django import forms

from sipportal.forms import GovukFormMixin

from .models import Priority

MONTH = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PriorityForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["title", "key_focus_areas", "starts_on", "ends_on", "is_active"]
        widgets = {"key_focus_areas": forms.Textarea(attrs={"rows": 3}), "starts_on": MONTH, "ends_on": MONTH}
        labels = {"is_active": "Still a priority"}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end must not be before the start.")
        return cleaned
