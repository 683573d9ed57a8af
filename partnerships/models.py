"""Partner schools and matching, the partnership and its Form 2, and the support ledger.

Everything about a partnership belongs to the Gaining Ground school's LA (the tenant). The
partner school may be in another LA: its people reach the partnership only through
`partnerships.selectors.get_partnership_for_user`, never through that LA's tenant pages.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from jobs.models import DocumentJob
from tenancy.scoping import ScopedManager


class Strength(models.TextChoices):
    ENGLISH = "english", "English"
    MATHS = "maths", "Mathematics"
    SCIENCE = "science", "Science"
    ICT = "ict", "ICT"
    AFL = "afl", "Assessment for learning"
    BEHAVIOUR = "behaviour", "Behaviour and attendance"
    LEADERSHIP = "leadership", "Leadership"
    PUPIL_GROUPS = "pupil-groups", "Specific pupil groups (such as FSM)"


class SupportingSchool(models.Model):
    """A school on the matching body's register of schools that can support another (any LA)."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="supporting")
    offering_support = models.BooleanField("currently offering support", default=True)
    capacity = models.PositiveSmallIntegerField("partnerships at once", default=1)
    strengths = models.JSONField(default=list, blank=True, help_text="Codes of Strength.")
    evidence = models.TextField("evidence of the strengths", blank=True)
    contact_name = models.CharField("named contact", max_length=150, blank=True)
    contact_email = models.EmailField("contact email", blank=True)
    contact_phone = models.CharField("contact phone number", max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["school__name"]

    def __str__(self) -> str:
        return f"{self.school} (supporting school)"

    def strength_labels(self) -> list[str]:
        return [Strength(code).label for code in self.strengths if code in Strength.values]


class MatchProposal(models.Model):
    """The matching body's choice of a partner school for one Form 1, and the partner head's answer.

    A declined proposal stays as history; the profile goes back to the queue.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", "Waiting for the partner head"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey("priorities.PriorityProfile", on_delete=models.PROTECT, related_name="proposals")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="match_proposals")
    partner_school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    matching_body = models.ForeignKey("tenancy.NationalBody", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    recommended_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_rank = models.PositiveIntegerField(null=True, blank=True, help_text="Empty when it was excluded.")
    score = models.JSONField(default=dict, blank=True, help_text="The chosen school's score, part by part.")
    reason_not_top = models.TextField("why not the top candidate", blank=True)
    capacity_confirmed = models.BooleanField("capacity and willingness confirmed with the partner head")
    la_consulted = models.BooleanField("the LA was consulted")
    checks_notes = models.TextField("due-diligence notes", blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_reason = models.TextField(blank=True)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(state__in=["proposed", "accepted"]),
                name="one_open_proposal_per_profile",
            ),
            models.CheckConstraint(name="proposal_not_to_itself", condition=~Q(school=F("partner_school"))),
        ]
        indexes = [models.Index(fields=["partner_school", "state"])]

    def __str__(self) -> str:
        return f"{self.partner_school} to support {self.school}"


class Partnership(models.Model):
    """A Gaining Ground school and its partner school for one academic year."""

    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.PROTECT, related_name="partnerships")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="partnerships")
    partner_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="partnerships_as_partner"
    )
    proposal = models.OneToOneField(MatchProposal, on_delete=models.PROTECT, related_name="partnership")
    academic_year = models.PositiveSmallIntegerField()
    name = models.CharField("partnership name", max_length=200)
    consultant_head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["-academic_year", "name"]
        indexes = [models.Index(fields=["partner_school", "ended_on"]), models.Index(fields=["la", "academic_year"])]

    def __str__(self) -> str:
        return self.name


class Form2(models.Model):
    """The Partnership Strategy Action Plan (Appendix B), one version at a time.

    After submission it changes only as a new version.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        RETURNED = "returned", "Returned with comments"
        AGREED = "agreed", "Agreed at the meeting"
        APPROVED = "approved", "Approved by the SIP"
        SUBMITTED = "submitted", "Submitted and shared"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="plans")
    version_number = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    partner_head_name = models.CharField("partner school headteacher: name", max_length=150, blank=True)
    partner_head_phone = models.CharField("partner school headteacher: phone", max_length=30, blank=True)
    partner_head_email = models.EmailField("partner school headteacher: email", blank=True)
    sip_name = models.CharField("SIP: name", max_length=150, blank=True)
    sip_phone = models.CharField("SIP: phone", max_length=30, blank=True)
    sip_email = models.EmailField("SIP: email", blank=True)
    ssat_name = models.CharField("SSAT contact: name", max_length=150, blank=True)
    ssat_phone = models.CharField("SSAT contact: phone", max_length=30, blank=True)
    ssat_email = models.EmailField("SSAT contact: email", blank=True)
    coordinator_name = models.CharField("regional partnership coordinator: name", max_length=150, blank=True)
    coordinator_phone = models.CharField("regional partnership coordinator: phone", max_length=30, blank=True)
    coordinator_email = models.EmailField("regional partnership coordinator: email", blank=True)
    meeting_on = models.DateField("date of the meeting", null=True, blank=True)
    meeting_attendees = models.TextField("who attended", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(la="partnership__la")

    class Meta:
        ordering = ["-version_number"]
        verbose_name = "Form 2"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "version_number"], name="one_form2_version"),
            models.CheckConstraint(
                name="submitted_form2_has_time", condition=~Q(state="submitted") | Q(submitted_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"Partnership Strategy Action Plan of {self.partnership}, version {self.version_number}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class Form2Document(DocumentJob):
    """The PDF of one submitted version of Form 2, rendered once by a worker, on the shared job pattern."""

    task_name = "partnerships.render_form2"
    time_limit = 180

    # One PDF per version, however many people ask at once.
    plan = models.OneToOneField(Form2, on_delete=models.CASCADE, related_name="document")

    objects = ScopedManager(la="plan__partnership__la")

    class Meta:
        constraints = [
            models.CheckConstraint(name="done_form2_document_has_file", condition=~Q(state="done") | ~Q(file=""))
        ]
        indexes = [models.Index(fields=["state", "queued_at"])]

    def __str__(self) -> str:
        return f"PDF of {self.plan}"

    def storage_path(self, filename: str) -> str:
        # Outside the static root, under the storage's own root; never served by URL.
        partnership = self.plan.partnership
        return f"partnerships/{partnership.la.code}/{partnership.pk}/{filename}"


class FocusArea(models.Model):
    """One of Form 2's up to four key focus areas, from Form 1's three most important issues."""

    plan = models.ForeignKey(Form2, on_delete=models.CASCADE, related_name="focus_areas")
    position = models.PositiveSmallIntegerField()
    priority = models.CharField(max_length=200)
    key_focus_areas = models.TextField()
    starts_on = models.DateField("start")
    ends_on = models.DateField("end")

    objects = ScopedManager(la="plan__partnership__la")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="one_focus_area_per_position"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=4), name="at_most_four_focus_areas"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="focus_area_in_order"),
        ]

    def __str__(self) -> str:
        return self.priority


class Strategy(models.Model):
    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="strategies")
    strategy = models.TextField()
    lead = models.CharField("lead (one named person)", max_length=150)
    starts_on = models.DateField("start")
    ends_on = models.DateField("end")

    objects = ScopedManager(la="focus_area__plan__partnership__la")

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name_plural = "strategies"
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="strategy_in_order")]

    def __str__(self) -> str:
        return self.strategy[:80]


class Form2Event(models.Model):
    """The visible history of a Form 2: who agreed, approved, returned or submitted it, and why."""

    # What each action reads as in the history; the transitions' messages say the same.
    LABELS = {
        "started": "Started",
        "agree": "Agreed at the meeting",
        "approve": "Approved by the SIP",
        "submit": "Submitted to SSAT and shared with the chair of governors and the LA",
        "return": "Returned with a comment",
        "new-version": "New version started",
    }

    plan = models.ForeignKey(Form2, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    comment = models.TextField(blank=True)

    objects = ScopedManager(la="plan__partnership__la")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.action, self.action.replace("-", " ").capitalize())


class MonitoringNote(models.Model):
    """The SSAT consultant head's note on how a strategy is going."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="monitoring_notes")
    strategy_text = models.CharField("strategy", max_length=300, blank=True)
    note = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(la="partnership__la")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.note[:80]


class LedgerKind(models.TextChoices):
    PARTNER_DAYS = "partner-days", "Partner school support (days)"
    CONSULTANT_DAYS = "consultant-days", "SSAT consultant head (days)"
    STUDY_SUPPORT = "study-support", "Academic study support (£)"
    IMPROVEMENT_FUNDING = "improvement-funding", "Improvement funding (£)"


class LedgerLine(models.Model):
    """One use of the Gaining Ground offer, recorded by the person who delivered or spent it."""

    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="ledger_lines")
    academic_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=LedgerKind.choices)
    on = models.DateField("date")
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    purpose = models.CharField("what it was for", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_as = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive")]
        indexes = [models.Index(fields=["la", "academic_year"]), models.Index(fields=["school", "academic_year"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} on {self.on}"
