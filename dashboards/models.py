"""The national oversight figures: one snapshot of every school's counts, refreshed in the background.

The dashboards read across up to 150 LAs and 3,500 schools, from a dozen tables over the year.
Rather than join them on every request, a background job (`FiguresRefresh`, on the shared job
pattern) computes one row per school (`SchoolFigures`) in a fixed number of grouped queries and
each LA's totals of those rows (`LaFigures`); the pages add up LA totals, list school rows behind
a figure, and say when the figures were computed.
"""

import uuid

from django.db import models

from jobs.models import Job, JobState
from tenancy.scoping import ScopedManager


class FiguresRefresh(Job):
    """One computation of the national figures for an academic year. The newest done one is shown."""

    task_name = "dashboards.refresh_figures"
    time_limit = 15 * 60

    academic_year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    schools = models.PositiveIntegerField(default=0, help_text="How many school rows it wrote.")
    # Names this snapshot in caches shared by every server (a row's id can come back in a new database).
    token = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["academic_year", "state", "-finished_at"])]

    def __str__(self) -> str:
        return f"Figures for {self.academic_year}, {self.get_state_display().lower()}"

    @property
    def as_at(self):
        """When the figures were computed: the moment the refresh finished."""
        return self.finished_at if self.state == JobState.DONE else None


class SchoolFigures(models.Model):
    """One school's counts for one academic year, as computed by one refresh.

    Counts and totals only: never a note, a comment or a report's text.
    """

    class MatchState(models.TextChoices):
        NONE = "", "Not submitted"
        WAITING = "waiting", "Waiting for a proposal"
        PROPOSED = "proposed", "Proposed, waiting for the partner head"
        ACCEPTED = "accepted", "Accepted"

    run = models.ForeignKey(FiguresRefresh, on_delete=models.CASCADE, related_name="rows")
    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    academic_year = models.PositiveSmallIntegerField()

    # The Gaining Ground pipeline.
    eligible = models.BooleanField(default=False)
    in_gaining_ground = models.BooleanField(default=False)
    form1_submitted = models.BooleanField(default=False)
    matched = models.BooleanField(default=False)
    form2_approved = models.BooleanField(default=False)
    # Visits against the days allocated.
    has_sip = models.BooleanField(default=False)
    days_allocated = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    days_used = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    # This year's plan actions by status, and those with a milestone overdue.
    actions_red = models.PositiveIntegerField(default=0)
    actions_amber = models.PositiveIntegerField(default=0)
    actions_green = models.PositiveIntegerField(default=0)
    actions_not_reviewed = models.PositiveIntegerField(default=0)
    actions_overdue = models.PositiveIntegerField(default=0)
    # Slippage by cause, from finalised visit records (counts of evaluations).
    slipped_over_ambitious = models.PositiveIntegerField(default=0)
    slipped_unexpected = models.PositiveIntegerField(default=0)
    slipped_inertia = models.PositiveIntegerField(default=0)
    # SIP reports.
    reports_issued = models.PositiveIntegerField(default=0)
    report_overdue = models.BooleanField(default=False)
    # The support ledger against the offer.
    partner_days = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    consultant_days = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    sip_extra_days = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    study_support = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    improvement_funding = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    # Matching and Form 2.
    match_state = models.CharField(max_length=10, choices=MatchState.choices, blank=True, default="")
    proposals_declined = models.PositiveIntegerField(default=0)
    days_waiting = models.PositiveIntegerField(
        null=True, blank=True, help_text="From submission to the first proposal (or until now, still waiting)."
    )
    days_to_answer = models.PositiveIntegerField(
        null=True, blank=True, help_text="From the latest answered proposal to the partner head's answer."
    )
    form2_state = models.CharField(max_length=10, blank=True, default="")
    # As a supporting school on the register.
    on_register = models.BooleanField(default=False)
    offering_support = models.BooleanField(default=False)
    capacity = models.PositiveIntegerField(default=0)
    partnerships_in_use = models.PositiveIntegerField(default=0)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["school__name"]
        verbose_name_plural = "school figures"
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="one_figures_row_per_school_per_run")]
        indexes = [models.Index(fields=["run", "la"])]

    def __str__(self) -> str:
        return f"Figures of school {self.school_id} for {self.academic_year}"

    @property
    def actions_total(self) -> int:
        return self.actions_red + self.actions_amber + self.actions_green + self.actions_not_reviewed

    @property
    def places_free(self) -> int:
        """Places a supporting school can still offer: none when it is not offering support."""
        return max(0, self.capacity - self.partnerships_in_use) if self.offering_support else 0

    @property
    def slipped_total(self) -> int:
        return self.slipped_over_ambitious + self.slipped_unexpected + self.slipped_inertia


class LaFigures(models.Model):
    """One LA's totals of its schools' figures, written by the same refresh as the school rows.

    Every dashboard figure is a count or a sum, and every remit is a set of whole LAs, so a page
    adds up at most 150 of these rows rather than aggregating thousands of school rows. The
    medians cannot be added: each LA keeps its schools' values for them.
    """

    run = models.ForeignKey(FiguresRefresh, on_delete=models.CASCADE, related_name="la_rows")
    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    academic_year = models.PositiveSmallIntegerField()
    # Aggregate name (see `selectors.aggregate_name`) -> value; decimals as strings, to stay exact.
    totals = models.JSONField(default=dict)
    # Field -> the schools' values, for the columns that show a median.
    median_values = models.JSONField(default=dict)

    objects = ScopedManager(la="la")

    class Meta:
        verbose_name_plural = "LA figures"
        constraints = [models.UniqueConstraint(fields=["run", "la"], name="one_figures_row_per_la_per_run")]

    def __str__(self) -> str:
        return f"Figures of LA {self.la_id} for {self.academic_year}"
