from django import forms

from common.dates import GovukDateField
from common.forms import GovukFormMixin, RowForm
from priorities.models import PlanAction, Priority
from tenancy.academic_year import current_academic_year

from .models import Course, Place, Session
from .programme import SENIOR_LEADER_QUESTIONS

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CourseForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["subject", "title", "part", "length_days", "requires_approval"]
        widgets = {"length_days": forms.RadioSelect, "subject": forms.RadioSelect}
        help_texts = {"part": "Leave empty if the course is not in parts."}


class SessionForm(GovukFormMixin, forms.ModelForm):
    date = GovukDateField(label="Date", help_text="For example, 14 1 2027")
    booking_deadline = GovukDateField(label="Booking deadline", help_text="The last day a school can book or cancel")

    class Meta:
        model = Session
        fields = [
            "date",
            "starts_at",
            "ends_at",
            "venue",
            "capacity",
            "minimum_places",
            "booking_deadline",
            "target_group",
        ]
        widgets = {"starts_at": TIME, "ends_at": TIME}


class StaffForm(RowForm):
    name = forms.CharField(label="Name", required=False, max_length=150)
    email = forms.EmailField(
        label="Email (optional)", required=False, help_text="They get the confirmation and reminders too."
    )
    clear_hint = "clear the row"

    def clean(self):
        cleaned = forms.Form.clean(self)
        if cleaned.get("email") and not cleaned.get("name", "").strip() and "name" not in self.errors:
            self.add_error("name", "Enter the name of the person with this email, or clear the row.")
        return cleaned

    def is_empty(self) -> bool:
        return not (self.cleaned_data.get("name") or "").strip() and not self.cleaned_data.get("email")


StaffFormSet = forms.formset_factory(StaffForm, extra=4)


# What each question asks, for its error message ("Enter who will attend each session").
QUESTION_ERROR_NAMES = {
    "who_attends": "who will attend each session",
    "pre_course_work": "when they will do the pre-course work and what is needed",
    "follow_up": "how the follow-up work is incorporated into Key Stage 3 planning",
    "resources_support": "what resources and support senior leaders will provide",
    "expected_improvements": "what improvements in teaching and learning you expect",
    "monitoring": "how progress will be monitored and improvements evaluated",
}


def _question(number: int) -> forms.CharField:
    name, question = SENIOR_LEADER_QUESTIONS[number - 1]
    field = forms.CharField(label=f"{number}. {question}", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    field.error_name = QUESTION_ERROR_NAMES[name]
    return field


class PlanActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, action):
        return f"{action} ({action.priority})"


class AnswersForm(GovukFormMixin, forms.Form):
    """The six questions for senior leaders, verbatim, and what the training serves in the school's plan."""

    who_attends = _question(1)
    pre_course_work = _question(2)
    follow_up = _question(3)
    resources_support = _question(4)
    expected_improvements = _question(5)
    monitoring = _question(6)
    priority = forms.ModelChoiceField(
        label="School priority this training serves (optional)", queryset=Priority.objects.none(), required=False
    )
    plan_action = PlanActionChoiceField(
        label="Improvement-plan action it serves (optional)", queryset=PlanAction.objects.none(), required=False
    )

    def __init__(self, *args, school, academic_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request inside the LA's scope: the priorities and actions of the course's year.
        year = current_academic_year() if academic_year is None else academic_year
        priorities = Priority.objects.in_year(year).filter(school=school, is_active=True)
        self.fields["priority"].queryset = priorities
        self.fields["plan_action"].queryset = PlanAction.objects.filter(priority__in=priorities).select_related(
            "priority"
        )


class ImpactForm(GovukFormMixin, forms.Form):
    impact = forms.CharField(
        label="What has changed in teaching and learning since the session?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


def attendance_marks(data, places: list[Place]) -> tuple[dict[int, str], list[str]]:
    """The register's marks from a POST: {place id: mark}, and errors in words."""
    marks, errors = {}, []
    allowed = {"", *Place.Attendance.values}
    for place in places:
        mark = data.get(f"mark-{place.pk}", "")
        if mark not in allowed:
            errors.append(f"Choose attended, absent or cancelled late for {place.staff_name}.")
        else:
            marks[place.pk] = mark
    return marks, errors


class ContactInvitationForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    full_name = forms.CharField(label="Full name (optional)", required=False, max_length=150)
