"""The school's improvement priorities (later fed by Form 1), which visits evaluate."""

from django.db import models
from django.db.models import F, Q

from tenancy.scoping import ScopedManager


class Priority(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField("priority", max_length=200)
    key_focus_areas = models.TextField(blank=True)
    starts_on = models.DateField("start")
    ends_on = models.DateField("end")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="priority_ends_after_it_starts")
        ]

    def __str__(self) -> str:
        return self.title


class PriorityProfile(models.Model):
    """Form 1, the School Priority Profile.

    Filled by the headteacher, agreed with the SIP and submitted by the SIP to the matching body.
    After submission it changes only as a new version.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        WITH_SIP = "with-sip", "With the SIP"
        RETURNED = "returned", "Returned to the headteacher"
        AGREED = "agreed", "Agreed"
        SUBMITTED = "submitted", "Submitted"

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="priority_profiles")
    academic_year = models.PositiveSmallIntegerField()
    version_number = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    key_contact_name = models.CharField("name", max_length=150, blank=True)
    key_contact_phone = models.CharField("phone number", max_length=30, blank=True)
    key_contact_email = models.EmailField("email", blank=True)
    sip_name = models.CharField("name", max_length=150, blank=True)
    sip_phone = models.CharField("phone number", max_length=30, blank=True)
    sip_email = models.EmailField("email", blank=True)
    proposed_partner_school = models.CharField(
        "proposed partner school name (if appropriate)", max_length=200, blank=True
    )
    partner_criteria = models.TextField("requested criteria for partner school", blank=True)
    other_comments = models.TextField("any other comments", blank=True)
    matching_body = models.ForeignKey(
        "tenancy.NationalBody", null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["-academic_year", "-version_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "version_number"], name="one_profile_version_per_year"
            ),
            models.CheckConstraint(
                name="submitted_profile_has_body_and_time",
                condition=~Q(state="submitted") | Q(matching_body__isnull=False, submitted_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["state", "matching_body"])]

    def __str__(self) -> str:
        return f"School Priority Profile of {self.school}, version {self.version_number}"


class ProfilePriority(models.Model):
    """One of Form 1's three to five priorities."""

    profile = models.ForeignKey(PriorityProfile, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField()
    priority = models.CharField(max_length=200)
    key_focus_areas = models.TextField()
    starts_on = models.DateField("start")
    ends_on = models.DateField("end")
    most_important = models.BooleanField("one of the three most important issues", default=False)
    outline = models.TextField("outline of how the school intends to tackle it", blank=True)

    objects = ScopedManager(la="profile__school__la")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "position"], name="one_profile_priority_per_position"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="profile_priority_in_order"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=5), name="at_most_five_priorities"),
        ]

    def __str__(self) -> str:
        return self.priority


class ProfileEvent(models.Model):
    """The visible history of a Form 1: who sent, returned, agreed or submitted it, when, and why."""

    profile = models.ForeignKey(PriorityProfile, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    comment = models.TextField(blank=True)

    objects = ScopedManager(la="profile__school__la")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


class PlanAction(models.Model):
    """An action of the improvement plan: one accountable person, success criteria, data."""

    class Rag(models.TextChoices):
        NOT_REVIEWED = "", "Not reviewed"
        RED = "red", "Red: off track"
        AMBER = "amber", "Amber: at risk"
        GREEN = "green", "Green: on track"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("action")
    owner = models.CharField("accountable person (one named person)", max_length=150)
    success_criteria = models.TextField("success criteria (pupil progress)", blank=True)
    data_sources = models.TextField("data it draws on", blank=True)
    rag = models.CharField("status", max_length=5, choices=Rag.choices, blank=True, default="")
    rag_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedManager(la="priority__school__la")

    class Meta:
        ordering = ["priority__position", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class Milestone(models.Model):
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="milestones")
    description = models.CharField(max_length=300)
    due_on = models.DateField("due", null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    objects = ScopedManager(la="action__priority__school__la")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class RagReview(models.Model):
    """One review of an action's status, kept as history."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="reviews")
    rag = models.CharField(max_length=5, choices=PlanAction.Rag.choices)
    reason = models.TextField()
    reviewed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(la="action__priority__school__la")

    class Meta:
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_rag_display()} at {self.reviewed_at:%Y-%m-%d}"
