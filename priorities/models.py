"""The school's improvement priorities (fed by Form 1), which visits evaluate, and the rules of Form 1.

Each rule lives here once and everything else asks it: how many priorities a Form 1 has, how
many are the most important, who may change a profile in which state, and the transition table
that moves it on (which the page uses for its buttons, warnings and messages as well).
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q

from accounts.predicates import is_la_admin, is_schools_head, is_schools_sip
from audit.models import Action
from tenancy.academic_year import academic_year_dates, academic_year_label, current_academic_year
from tenancy.scoping import ScopedManager

MIN_PRIORITIES, MAX_PRIORITIES = 3, 5
MOST_IMPORTANT_COUNT = 3


def priority_count_is_right(count: int) -> bool:
    """A Form 1 has three to five priorities."""
    return MIN_PRIORITIES <= count <= MAX_PRIORITIES


PRIORITY_COUNT_RULE = f"Give at least {MIN_PRIORITIES} and at most {MAX_PRIORITIES} priorities"
MOST_IMPORTANT_RULE = "Choose exactly three"


class PriorityQuerySet(models.QuerySet):
    def in_year(self, year: int):
        """Priorities that run for some of academic year `year`."""
        first, last = academic_year_dates(year)
        return self.filter(starts_on__lte=last, ends_on__gte=first)


class PriorityManager(models.Manager.from_queryset(PriorityQuerySet)):
    # Through all(), so an unscoped call raises ScopeError like any other query.
    def in_year(self, year: int):
        return self.all().in_year(year)


class Priority(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField("priority", max_length=200)
    key_focus_areas = models.TextField(blank=True)
    starts_on = models.DateField("start")
    ends_on = models.DateField("end")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedManager(la="school__la", _manager_class=PriorityManager)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="priority_ends_after_it_starts")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_history(self) -> bool:
        """It ended before this academic year: last year's plan, read-only."""
        return self.ends_on < academic_year_dates(current_academic_year())[0]


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
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Last year's profile whose priorities this one started from.",
    )
    carry_over_decided_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    CONTACT_FIELDS = (
        "key_contact_name",
        "key_contact_phone",
        "key_contact_email",
        "sip_name",
        "sip_phone",
        "sip_email",
    )
    PARTNERSHIP_FIELDS = ("proposed_partner_school", "partner_criteria", "other_comments")
    # Whoever holds the profile changes it: the head while it is with the school, the SIP also
    # while it is with them. So the head never changes what the SIP is looking at.
    HEAD_EDITS_IN = (State.DRAFT, State.RETURNED)
    SIP_EDITS_IN = (State.DRAFT, State.WITH_SIP, State.RETURNED)

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

    @property
    def awaits_carry_over(self) -> bool:
        """Started from last year's priorities, and nobody has yet said which to keep."""
        return self.carried_from_id is not None and self.carry_over_decided_at is None

    @property
    def year_label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def is_history(self) -> bool:
        """An earlier year's profile: kept as it was, read-only."""
        return self.academic_year < current_academic_year()

    @property
    def is_open(self) -> bool:
        """Still being written (not agreed or submitted)."""
        return self.state in self.SIP_EDITS_IN

    def edit_refusal(self, user) -> str:
        """Why this person cannot change the profile now, in words; empty when they can."""
        head, sip = is_schools_head(user, self.school), is_schools_sip(user, self.school)
        if self.is_history:
            if is_la_admin(user, self.school):
                return ""  # a correction, which needs a reason (see `is_history`)
            return (
                f"This is the School Priority Profile of {self.year_label}, kept as history; it no longer changes. "
                "An LA administrator can correct it, giving a reason."
            )
        if not (head or sip):
            return "Only the school's headteacher and its SIP change its School Priority Profile."
        if self.state == self.State.SUBMITTED:
            return (
                f"This profile was submitted to {self.matching_body or 'the matching body'}, so it no longer "
                "changes. Start a new version from the check page to change it."
            )
        if self.state == self.State.AGREED:
            return "This profile has been agreed. The SIP can return it to the headteacher if it needs to change."
        if sip and self.state in self.SIP_EDITS_IN or head and self.state in self.HEAD_EDITS_IN:
            return ""
        return (
            "This profile is with the SIP, who is checking it. While they do, it does not change; "
            "they will agree it or return it to you with comments."
        )

    def can_edit(self, user) -> bool:
        return not self.edit_refusal(user)

    @property
    def return_comment(self) -> str:
        """The SIP's comments when they last returned the profile (for the email and the task list)."""
        event = self.events.filter(action=ProfileEvent.Kind.RETURNED).order_by("-at", "-pk").first()
        return event.comment if event else ""

    @property
    def contact_answers(self) -> list[tuple[str, str]]:
        """(label, answer) for each contact detail, for the check page."""
        whose = {"key_contact": "Key contact at school", "sip": "SIP"}
        return [
            (
                f"{whose['sip' if n.startswith('sip_') else 'key_contact']}: {self._meta.get_field(n).verbose_name}",
                getattr(self, n),
            )
            for n in self.CONTACT_FIELDS
        ]

    def missing_contact_labels(self) -> list[str]:
        """The contact details still empty, by name (for "Still needed")."""
        whose = {"key_contact": "key contact's", "sip": "SIP's"}
        labels = []
        for name in self.CONTACT_FIELDS:
            if not getattr(self, name):
                person = "sip" if name.startswith("sip_") else "key_contact"
                labels.append(f"{whose[person]} {self._meta.get_field(name).verbose_name}")
        return labels


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
    from_last_year = models.BooleanField(default=False)

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

    class Kind(models.TextChoices):
        # The stored values are the transition names the history has always recorded.
        STARTED = "started", "Started"
        CHANGED = "changed", "Changed"
        CARRIED_OVER = "carried-over", "Decided which of last year's priorities to keep"
        MARKED_MOST_IMPORTANT = "marked-most-important", "Marked the three most important issues"
        SENT = "send", "Sent to the SIP"
        RETURNED = "return", "Returned to the headteacher"
        AGREED = "agree", "Agreed"
        SUBMITTED = "submit", "Submitted for matching"
        NEW_VERSION = "new-version", "Started a new version"

    profile = models.ForeignKey(PriorityProfile, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30, choices=Kind.choices)
    comment = models.TextField(blank=True)

    objects = ScopedManager(la="profile__school__la")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Transition:
    """One move of a Form 1: from which states, to which, by whom, and what the page says about it."""

    name: str
    sources: tuple[str, ...]
    target: str
    who: str  # "head" or "sip"
    audit: str
    event: str
    button: str
    done: str  # completes "The School Priority Profile is …"
    needs_agreement_checks: bool = False
    needs_comment: bool = False
    secondary: bool = False

    def allowed_for(self, user, profile: PriorityProfile) -> bool:
        if profile.state not in self.sources or profile.is_history:
            return False
        check = is_schools_head if self.who == "head" else is_schools_sip
        return check(user, profile.school)


_State = PriorityProfile.State
TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "send",
            (_State.DRAFT, _State.RETURNED),
            _State.WITH_SIP,
            "head",
            Action.PROFILE_SENT,
            ProfileEvent.Kind.SENT,
            "Send to the SIP",
            "sent to the SIP",
        ),
        Transition(
            "agree",
            (_State.WITH_SIP,),
            _State.AGREED,
            "sip",
            Action.PROFILE_AGREED,
            ProfileEvent.Kind.AGREED,
            "Agree the profile",
            "agreed",
            needs_agreement_checks=True,
        ),
        Transition(
            "submit",
            (_State.AGREED,),
            _State.SUBMITTED,
            "sip",
            Action.PROFILE_SUBMITTED,
            ProfileEvent.Kind.SUBMITTED,
            "Submit for matching",
            "submitted for matching",
            needs_agreement_checks=True,
        ),
        Transition(
            "return",
            (_State.WITH_SIP, _State.AGREED),
            _State.RETURNED,
            "sip",
            Action.PROFILE_RETURNED,
            ProfileEvent.Kind.RETURNED,
            "Return to the headteacher with comments",
            "returned to the headteacher",
            needs_comment=True,
            secondary=True,
        ),
    )
}


class PlanAction(models.Model):
    """An action of the improvement plan: one accountable person, success criteria, data."""

    class YearEnd(models.TextChoices):
        OPEN = "", "Not decided"
        CARRIED = "carried", "Carried into the next year"
        CLOSED = "closed", "Closed"

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
    # At the end of its priority's year, an action is carried into the new year or closed.
    year_end = models.CharField(max_length=7, choices=YearEnd.choices, blank=True, default="")
    year_end_reason = models.TextField(blank=True)
    year_end_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    year_end_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_into"
    )

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
