"""Tenants (local authorities) and the national bodies that see across them."""

from django.core.validators import RegexValidator
from django.db import models


class Region(models.TextChoices):
    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE = "yorkshire-humber", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"


class ChallengeArea(models.TextChoices):
    NONE = "none", "None"
    LONDON = "london", "London Challenge"
    GREATER_MANCHESTER = "greater-manchester", "Greater Manchester Challenge"


class LocalAuthority(models.Model):
    """The tenant. Everything about schools belongs to exactly one LA."""

    code = models.CharField(
        "DfE LA code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "Enter the 3-digit DfE LA code, like 302.")],
    )
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=20, choices=Region.choices)
    challenge_area = models.CharField(
        max_length=20,
        choices=ChallengeArea.choices,
        default=ChallengeArea.NONE,
        help_text="London and Greater Manchester Challenge LAs are matched by the National College.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "local authority"
        verbose_name_plural = "local authorities"
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{3}$"), name="la_code_three_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def matched_by_national_college(self) -> bool:
        """The one rule for who matches this LA's schools: the National College in the Challenge areas, else SSAT."""
        return self.challenge_area != ChallengeArea.NONE

    @property
    def matching_body_kind(self) -> str:
        return NationalBody.Kind.NATIONAL_COLLEGE if self.matched_by_national_college else NationalBody.Kind.SSAT

    @property
    def matching_body_name(self) -> str:
        """For sentences: "the National College" or "SSAT"."""
        return "the National College" if self.matched_by_national_college else "SSAT"


class NationalBody(models.Model):
    """A body that is not a tenant but sees some data across tenants."""

    class Kind(models.TextChoices):
        SSAT = "ssat", "SSAT"
        NATIONAL_COLLEGE = "national-college", "National College"
        NATIONAL_STRATEGIES = "national-strategies", "National Strategies"

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.kind
