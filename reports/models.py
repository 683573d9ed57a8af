"""SIP reports: written by the SIP, discussed with the headteacher, issued, and rendered as PDF.

A report changes only while it is a draft or shared with the headteacher; after issue a change
is a new version (with its reason) that supersedes the old one. Each issued version is rendered
once per audience by a background job (`RenderedDocument`, on the shared job pattern).
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from jobs.models import DocumentJob, Job
from tenancy.scoping import ScopedManager


class Judgement(models.TextChoices):
    """The four-point scale SIPs and inspectors used for judgements."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    SATISFACTORY = "satisfactory", "Satisfactory"
    INADEQUATE = "inadequate", "Inadequate"


class Audience(models.TextChoices):
    GOVERNORS = "governors", "Governors"
    SCHOOL = "school", "The school"
    LA = "la", "The local authority"
    SSAT = "ssat", "SSAT"


# Each audience as it reads inside a sentence ("the PDF for the LA"): acronyms keep their capitals.
AUDIENCE_IN_SENTENCE = {
    Audience.GOVERNORS: "governors",
    Audience.SCHOOL: "the school",
    Audience.LA: "the LA",
    Audience.SSAT: "SSAT",
}


class Report(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", "SIP report"
        ANNUAL = "annual", "Annual report to governors"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared with the headteacher"
        ISSUED = "issued", "Issued"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VISIT)
    academic_year = models.PositiveSmallIntegerField()
    term = models.PositiveSmallIntegerField(choices=[(1, "Autumn term"), (2, "Spring term"), (3, "Summer term")])
    title = models.CharField(max_length=200)
    visit = models.ForeignKey(
        "visits.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="The visit it follows.",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version_number = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    version_reason = models.TextField("why this version", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)

    # The handbook's "Good reports" list, one section each.
    key_strengths = models.TextField(blank=True)
    priorities = models.TextField("priorities and strategies to address low achievement", blank=True)
    underachieving_groups = models.JSONField(
        "groups underachieving or not making good progress", default=list, blank=True
    )
    underachievement = models.TextField("about those groups", blank=True)
    self_evaluation_judgement = models.CharField(
        "robustness of the school's self-evaluation", max_length=15, choices=Judgement.choices, blank=True
    )
    self_evaluation = models.TextField("self-evaluation and its evidence base", blank=True)
    capacity_judgement = models.CharField(
        "the school's capacity to improve", max_length=15, choices=Judgement.choices, blank=True
    )
    capacity = models.TextField("capacity to improve: why", blank=True)
    challenge = models.TextField("evidence of challenge", blank=True)
    targets = models.TextField("targets, progress towards them and the trajectory", blank=True)
    support = models.TextField("support brokered and its impact", blank=True)
    partnership = models.TextField("the Gaining Ground partnership and its progress", blank=True)
    named_detail = models.TextField(
        "detail naming pupils or staff",
        blank=True,
        help_text="For the school and the LA only; never in the governors' version.",
    )
    private_notes = models.TextField(
        "private notes for the LA", blank=True, help_text="Only the LA's version shows these."
    )

    head_accuracy = models.CharField(
        "the headteacher on factual accuracy",
        max_length=12,
        blank=True,
        choices=[("accurate", "Confirmed factually accurate"), ("inaccurate", "Said something is inaccurate")],
    )
    head_inaccuracies = models.TextField("what the headteacher says is inaccurate", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=1)

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="issued_report_has_time", condition=~Q(state="issued") | Q(issued_at__isnull=False)
            ),
            models.CheckConstraint(
                name="new_report_version_has_reason",
                condition=Q(supersedes__isnull=True) | ~Q(version_reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["school", "state", "-issued_at"]),
            models.Index(fields=["academic_year", "term", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version_number}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.SHARED)

    @property
    def is_issued(self) -> bool:
        return self.state == self.State.ISSUED

    @property
    def is_current(self) -> bool:
        """Not superseded by a later version (reads the reverse one-to-one; select it to avoid a query)."""
        try:
            self.superseded_by  # noqa: B018  (raises when there is none)
        except Report.DoesNotExist:
            return True
        return False

    def audiences(self) -> list[str]:
        """The versions this report is rendered in: SSAT only for Gaining Ground schools."""
        found = [Audience.GOVERNORS, Audience.SCHOOL, Audience.LA]
        if self.school.in_gaining_ground_in(self.academic_year) and self.kind == self.Kind.VISIT:
            found.append(Audience.SSAT)
        return found


class ReportEvent(models.Model):
    """The report's visible history: drafted, shared, commented on, issued, new version."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    comment = models.TextField(blank=True)

    objects = ScopedManager(la="report__school__la")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


def document_path(document: "RenderedDocument", filename: str) -> str:
    # Outside the static root, under the storage's own root; never served by URL.
    return f"reports/{document.report.school.la.code}/{document.report_id}/{filename}"


class RenderedDocument(DocumentJob):
    """One PDF of one report version for one audience: the job row and, when done, the file."""

    task_name: ClassVar[str] = "reports.render_document"
    time_limit: ClassVar[int] = 180

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="documents")
    audience = models.CharField(max_length=10, choices=Audience.choices)

    objects = ScopedManager(la="report__school__la")

    class Meta:
        ordering = ["report", "audience"]
        constraints = [
            # One PDF per report version and audience, however many people ask at once.
            models.UniqueConstraint(fields=["report", "audience"], name="one_document_per_report_and_audience"),
            models.CheckConstraint(name="done_document_has_file", condition=~Q(state="done") | ~Q(file="")),
        ]
        indexes = [models.Index(fields=["state", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.report} for {self.audience_in_sentence}"

    @property
    def audience_in_sentence(self) -> str:
        return AUDIENCE_IN_SENTENCE.get(self.audience, self.audience)

    def storage_path(self, filename: str) -> str:
        return document_path(self, filename)


class ReportArchive(Job):
    """All issued reports of one term in the LA, as one ZIP built in the background."""

    task_name: ClassVar[str] = "reports.build_archive"
    time_limit: ClassVar[int] = 600

    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    academic_year = models.PositiveSmallIntegerField()
    term = models.PositiveSmallIntegerField(choices=[(1, "Autumn term"), (2, "Spring term"), (3, "Summer term")])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="archives/", blank=True, max_length=300)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Reports of {self.get_term_display().lower()} {self.academic_year}, {self.la}"

    @property
    def percent(self) -> int:
        return round(100 * self.added / self.total) if self.total else (100 if self.finished else 0)
