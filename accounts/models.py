"""People, their memberships (person + LA/school/national body + role) and invitations."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tenancy.models import Region
from tenancy.scoping import ScopedManager


class Role(models.TextChoices):
    LA_ADMIN = "la-admin", "LA administrator"
    SIP = "sip", "School improvement partner"
    HEADTEACHER = "headteacher", "Headteacher"
    GOVERNOR = "governor", "Governor"
    PARTNER_HEAD = "partner-head", "Partner-school headteacher"
    SSAT = "ssat", "SSAT staff"
    NATIONAL_COLLEGE = "national-college", "National College staff"
    NS_ADVISER = "ns-adviser", "National Strategies adviser"
    CONSULTANT_HEAD = "consultant-head", "SSAT consultant head"
    PARTNERSHIP_COORDINATOR = "coordinator", "Regional partnership coordinator"
    TRAINING_CONTACT = "training-contact", "School training contact"


# A National Strategies adviser oversees one region, or, as national staff, all of them.
ALL_REGIONS = "all"
ADVISER_REGIONS = [*Region.choices, (ALL_REGIONS, "All regions (national)")]

LA_ROLES = (Role.LA_ADMIN, Role.SIP)
SCHOOL_ROLES = (Role.HEADTEACHER, Role.GOVERNOR, Role.PARTNER_HEAD, Role.TRAINING_CONTACT)
# School roles that open the school's own pages. A training contact, invited by the head, reaches
# only the school's core training.
SCHOOL_PAGE_ROLES = (Role.HEADTEACHER, Role.GOVERNOR, Role.PARTNER_HEAD)
NATIONAL_ROLES = (Role.SSAT, Role.NATIONAL_COLLEGE, Role.NS_ADVISER, Role.CONSULTANT_HEAD, Role.PARTNERSHIP_COORDINATOR)
# Roles an LA administrator may invite people to.
INVITABLE_ROLES = LA_ROLES + SCHOOL_ROLES


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("A person needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with their email address; what they may see comes from memberships."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    phone = models.CharField("phone number", max_length=30, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("site administrator", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(models.Model):
    """One role of one person in one place: an LA, a school of an LA, or a national body.

    School memberships also carry the school's LA so that every LA-owned membership can be
    scoped by LA.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    la = models.ForeignKey(
        "tenancy.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    national_body = models.ForeignKey(
        "tenancy.NationalBody", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    region = models.CharField(
        max_length=20,
        choices=ADVISER_REGIONS,
        blank=True,
        help_text="National Strategies advisers only: their region, or all regions for national staff.",
    )
    is_chair = models.BooleanField("chair of governors", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                name="membership_place_matches_role",
                condition=(
                    Q(role__in=LA_ROLES, la__isnull=False, school__isnull=True, national_body__isnull=True)
                    | Q(role__in=SCHOOL_ROLES, la__isnull=False, school__isnull=False, national_body__isnull=True)
                    | Q(role__in=NATIONAL_ROLES, la__isnull=True, school__isnull=True, national_body__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="membership_adviser_has_region",
                condition=~Q(role=Role.NS_ADVISER) | ~Q(region=""),
            ),
            models.CheckConstraint(
                name="membership_only_governors_chair", condition=Q(is_chair=False) | Q(role=Role.GOVERNOR)
            ),
            models.UniqueConstraint(
                fields=["user", "role", "la"],
                condition=Q(school__isnull=True, la__isnull=False),
                name="membership_unique_la_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "national_body"],
                condition=Q(national_body__isnull=False),
                name="membership_unique_national_role",
            ),
        ]
        indexes = [models.Index(fields=["la", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.describe()}"

    def describe(self) -> str:
        role = "Chair of governors" if self.is_chair else self.get_role_display()
        place = self.school or self.la or self.national_body
        if self.role == Role.NS_ADVISER:
            place = f"{self.national_body}, {self.get_region_display()}"
        return f"{role}, {place}"


def new_invitation_nonce() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """An LA administrator's invitation of a person, by email, to a role in the LA or a school."""

    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.CASCADE, related_name="invitations")
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in INVITABLE_ROLES])
    is_chair = models.BooleanField("chair of governors", default=False)
    nonce = models.CharField(max_length=64, default=new_invitation_nonce, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_school_matches_role",
                condition=Q(role__in=LA_ROLES, school__isnull=True) | Q(role__in=SCHOOL_ROLES, school__isnull=False),
            ),
            models.CheckConstraint(
                name="invitation_only_governors_chair", condition=Q(is_chair=False) | Q(role=Role.GOVERNOR)
            ),
        ]
        indexes = [models.Index(fields=["la", "email"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.get_role_display()}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_usable(self) -> bool:
        return self.status == "pending"

    def describe_place(self) -> str:
        return str(self.school or self.la)
