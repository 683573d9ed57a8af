"""Who a school's SIP is: the caseload assignment of a SIP to a school for one academic year.

Access (accounts), the school register, Form 1 and the visit log all ask this question, so it lives
in its own app that imports nothing of the project but tenancy's scoped manager: every app may
depend on it, and it on none of them (its foreign keys name their models by string). The caseload
pages and the services that change assignments live in `visits`, beside the visit log that spends
the days.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from tenancy.academic_year import current_academic_year
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
        db_table = "visits_sipassignment"  # the table predates the caseload app
        ordering = ["-academic_year", "school__name"]
        constraints = [
            # A school has one SIP in a year.
            models.UniqueConstraint(fields=["school", "academic_year"], name="one_sip_per_school_per_year"),
            models.CheckConstraint(condition=models.Q(days_allocated__gte=0), name="sip_days_not_negative"),
        ]
        indexes = [models.Index(fields=["sip", "academic_year"], name="visits_sipa_sip_id_002584_idx")]

    def __str__(self) -> str:
        return f"{self.sip} at {self.school}, {self.academic_year}"

    @property
    def standard_days_allocated(self) -> Decimal:
        """The handbook's split of the allocation: up to 5 standard days."""
        return min(self.days_allocated, STANDARD_DAYS)

    @property
    def additional_days_allocated(self) -> Decimal:
        """The days beyond 5: for a Gaining Ground school the 4 additional days (one with governors)."""
        return max(self.days_allocated - STANDARD_DAYS, Decimal("0"))


def standard_allocation(school, academic_year: int | None = None) -> Decimal:
    """5 days a year; a Gaining Ground school gets 4 more (one of them with governors).

    With a year, membership is judged for that year (a school that leaves at its end gets 5).
    """
    in_programme = school.in_gaining_ground_in(current_academic_year() if academic_year is None else academic_year)
    return STANDARD_DAYS + (GAINING_GROUND_EXTRA_DAYS if in_programme else 0)
