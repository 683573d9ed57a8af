"""The visit log: visits to a school, what was recorded at each, and the next steps agreed."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.validators import validate_one_named_person

# Who a school's SIP is lives in the caseload app (accounts, schools and priorities read it too);
# re-exported here for code that still imports it from the visit log.
from caseload.models import (  # noqa: F401
    GAINING_GROUND_EXTRA_DAYS,
    STANDARD_DAYS,
    SipAssignment,
    standard_allocation,
)
from tenancy.scoping import ScopedManager


class Visit(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard SIP day"
        GAINING_GROUND = "gaining-ground", "Gaining Ground additional day"
        GOVERNORS = "governors", "Governors day"

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        DRAFT = "draft", "Being recorded"
        FINAL = "final", "Finalised"

    assignment = models.ForeignKey("caseload.SipAssignment", on_delete=models.PROTECT, related_name="visits")
    # Who logged the visit. It stays theirs when the school's SIP changes mid-year (a handover).
    sip = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits_logged", verbose_name="SIP"
    )
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

    def save(self, *args, **kwargs):
        # Unless said otherwise, a visit is logged by the school's SIP of the time.
        if self.sip_id is None and self.assignment_id is not None:
            self.sip_id = self.assignment.sip_id
        super().save(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.state == self.State.FINAL

    @property
    def academic_year(self) -> int:
        return self.assignment.academic_year

    def has_happened(self, today) -> bool:
        """A visit counts (days used, last visit) only once its day has come."""
        return self.date <= today


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
    owner = models.CharField("owner (one named person)", max_length=150, validators=[validate_one_named_person])
    due_on = models.DateField("due")
    done_on = models.DateField(null=True, blank=True)
    # The visit at which it was ticked off: it stays on that record, and can be unticked, until
    # the record is finalised.
    done_at_visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="steps_ticked_off"
    )
    # The year-end decision, by the SIP: carried into the next year, or closed with a reason.
    carried_into_year = models.PositiveSmallIntegerField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    objects = ScopedManager(la="visit__assignment__school__la")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["visit", "done_on"])]
        constraints = [
            models.CheckConstraint(
                name="closed_step_has_a_reason",
                condition=Q(closed_on__isnull=True, closed_reason="")
                | Q(closed_on__isnull=False) & ~Q(closed_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.action

    @property
    def is_open(self) -> bool:
        return self.done_on is None and self.closed_on is None


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
