"""The LA's register of schools."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager


class Phase(models.TextChoices):
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all-through", "All-through"
    MIDDLE_DEEMED_SECONDARY = "middle-secondary", "Middle deemed secondary"
    PRIMARY = "primary", "Primary"
    SIXTEEN_PLUS = "16-plus", "16 plus"
    NOT_APPLICABLE = "not-applicable", "Not applicable"


class School(models.Model):
    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.PROTECT, related_name="schools")
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "Enter the 6-digit unique reference number (URN).")],
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.SECONDARY)
    postcode = models.CharField(max_length=10, blank=True)
    gaining_ground_joined = models.PositiveSmallIntegerField(
        "joined Gaining Ground", null=True, blank=True, help_text="Academic year it joined, e.g. 2026 for 2026/27."
    )
    gaining_ground_left = models.PositiveSmallIntegerField("left Gaining Ground", null=True, blank=True)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(urn__regex=r"^[0-9]{6}$"), name="school_urn_six_digits"),
            models.CheckConstraint(
                name="school_gaining_ground_years_in_order",
                condition=Q(gaining_ground_left__isnull=True)
                | Q(gaining_ground_joined__isnull=False, gaining_ground_left__gte=models.F("gaining_ground_joined")),
            ),
        ]
        indexes = [models.Index(fields=["la", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def in_gaining_ground(self) -> bool:
        return self.gaining_ground_joined is not None and self.gaining_ground_left is None
