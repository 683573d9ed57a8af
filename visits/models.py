"""SIP caseload: which SIP works with which school in which academic year."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django_scopes import ScopedManager

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
