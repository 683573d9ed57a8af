"""SIP caseload (who works with which school, with how many days) and the visit log."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from tenancy.scoping import ScopedManager

STANDARD_DAYS = Decimal("5")
GAINING_GROUND_EXTRA_DAYS = Decimal("4")


class SipAssignment(models.Model):
    """A SIP commissioned by the school's LA for one academic year, with a day allocation."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="sip_assignments")
    sip = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sip_assignments")
    academic_year = models.PositiveSmallIntegerField(help_text="The year the academic year starts, e.g. 2026.")
    days_allocated = models.DecimalField(
        max_digits=4, decimal_places=1, default=STANDARD_DAYS, validators=[MinValueValidator(Decimal("0"))]
    )

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["-academic_year", "school__name"]
        constraints = [
            # A school has one SIP in a year.
            models.UniqueConstraint(fields=["school", "academic_year"], name="one_sip_per_school_per_year"),
            models.CheckConstraint(condition=models.Q(days_allocated__gte=0), name="sip_days_not_negative"),
        ]
        indexes = [models.Index(fields=["sip", "academic_year"])]

    def __str__(self) -> str:
        return f"{self.sip} at {self.school}, {self.academic_year}"


def standard_allocation(school) -> Decimal:
    """5 days a year; a Gaining Ground school gets 4 more (one of them with governors)."""
    return STANDARD_DAYS + (GAINING_GROUND_EXTRA_DAYS if school.in_gaining_ground else 0)


class Visit(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard SIP day"
        GAINING_GROUND = "gaining-ground", "Gaining Ground additional day"
        GOVERNORS = "governors", "Governors day"

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        DRAFT = "draft", "Being recorded"
        FINAL = "final", "Finalised"

    assignment = models.ForeignKey(SipAssignment, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField()
    kind = models.CharField("type of visit", max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    length_days = models.DecimalField(
        "length",
        max_digits=2,
        decimal_places=1,
        choices=[(Decimal("1.0"), "A full day"), (Decimal("0.5"), "Half a day")],
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    agenda = models.TextField(blank=True, help_text="One item a line.")
    classroom_evidence = models.TextField("classroom visits", blank=True)
    tracked_pupils = models.TextField("the tracked pupils' progress", blank=True)
    documents_seen = models.TextField("documents seen", blank=True)
    summary = models.TextField("agreed summary", blank=True, help_text="Shared with the headteacher once finalised.")
    private_notes = models.TextField(
        "private working notes", blank=True, help_text="Seen only by you and the LA; never by the school."
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(la="assignment__school__la")

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="visit_length_half_or_full_day", condition=Q(length_days__in=[Decimal("0.5"), Decimal("1.0")])
            ),
            models.CheckConstraint(
                name="finalised_visit_has_time", condition=~Q(state="final") | Q(finalised_at__isnull=False)
            ),
        ]
        indexes = [models.Index(fields=["assignment", "date"]), models.Index(fields=["state", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.assignment.school}, {self.date:%d %B %Y}"

    @property
    def is_final(self) -> bool:
        return self.state == self.State.FINAL


class VisitPerson(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150)

    objects = ScopedManager(la="visit__assignment__school__la")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class PriorityEvaluation(models.Model):
    """Progress against one of the school's priorities, judged at one visit."""

    class Status(models.TextChoices):
        ON_TRACK = "on-track", "On track"
        SLIPPING = "slipping", "Slipping"
        OFF_TRACK = "off-track", "Off track"

    class Cause(models.TextChoices):
        # The handbook's three causes of slippage, and what each calls for.
        OVER_AMBITIOUS = "over-ambitious", "The plan was over-ambitious: recalibrate it"
        UNEXPECTED = "unexpected", "Unexpected events: adjust the plan"
        INERTIA = "inertia", "Inertia among staff: what the headteacher will do"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="evaluations")
    priority = models.ForeignKey("priorities.Priority", on_delete=models.PROTECT, related_name="evaluations")
    status = models.CharField(max_length=10, choices=Status.choices)
    evidence = models.TextField()
    cause = models.CharField("cause of slippage", max_length=20, choices=Cause.choices, blank=True)
    response = models.TextField("what will be done about it", blank=True)

    objects = ScopedManager(la="visit__assignment__school__la")

    class Meta:
        ordering = ["priority__position", "priority__pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "priority"], name="one_evaluation_per_priority_per_visit"),
            models.CheckConstraint(
                name="slippage_has_a_cause",
                condition=Q(status="on-track", cause="") | ~Q(status="on-track") & ~Q(cause=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority}: {self.get_status_display()}"


class BrokeredSupport(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="support")
    what = models.CharField(max_length=300)
    provider = models.CharField("from whom", max_length=200)
    days = models.DecimalField(max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0"))])

    objects = ScopedManager(la="visit__assignment__school__la")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.what} from {self.provider}"


class NextStep(models.Model):
    """An agreed action with exactly one named owner and a date, reviewed at the next visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="next_steps")
    action = models.CharField(max_length=500)
    owner = models.CharField("owner (one named person)", max_length=150)
    due_on = models.DateField("due")
    done_on = models.DateField(null=True, blank=True)

    objects = ScopedManager(la="visit__assignment__school__la")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["visit", "done_on"])]

    def __str__(self) -> str:
        return self.action


class VisitAmendment(models.Model):
    """A change to a finalised visit: who, when, why and what it was before."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="amendments")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    before = models.JSONField(default=dict)

    objects = ScopedManager(la="visit__assignment__school__la")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Amendment to {self.visit} at {self.at:%Y-%m-%d %H:%M}"
