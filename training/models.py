"""The LA's core-training programme (courses and their sessions) and schools' bookings of named staff."""

import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone

from jobs.models import DocumentJob
from tenancy.scoping import ScopedManager

from .programme import FULL_DAY, HALF_DAY, SENIOR_LEADER_QUESTIONS


class Subject(models.TextChoices):
    ENGLISH = "english", "English"
    MATHEMATICS = "mathematics", "Mathematics"
    SCIENCE = "science", "Science"
    ICT = "ict", "ICT"
    BEHAVIOUR_ATTENDANCE = "behaviour-attendance", "Behaviour and attendance"
    AFL = "afl", "Assessment for learning"


class CourseQuerySet(models.QuerySet):
    def offered(self):
        """Courses the LA still runs (not retired)."""
        return self.filter(retired_at__isnull=True)


class Course(models.Model):
    """One course of an LA's programme in one academic year."""

    la = models.ForeignKey("tenancy.LocalAuthority", on_delete=models.CASCADE, related_name="courses")
    academic_year = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=30, choices=Subject.choices)
    title = models.CharField(max_length=200)
    part = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    length_days = models.DecimalField(
        "length", max_digits=2, decimal_places=1, choices=[(FULL_DAY, "1 day"), (HALF_DAY, "½ day")]
    )
    requires_approval = models.BooleanField(
        "bookings need the LA's approval", default=False, help_text="Places are held until the LA approves them."
    )
    position = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(la="la", _manager_class=models.Manager.from_queryset(CourseQuerySet))

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # A course (and each of its parts) once in an LA's year.
            models.UniqueConstraint(
                fields=["la", "academic_year", "subject", "title", "part"],
                condition=Q(part__isnull=False),
                name="course_part_once_per_la_year",
            ),
            models.UniqueConstraint(
                fields=["la", "academic_year", "subject", "title"],
                condition=Q(part__isnull=True),
                name="course_once_per_la_year",
            ),
            models.CheckConstraint(name="course_half_or_full_day", condition=Q(length_days__in=[HALF_DAY, FULL_DAY])),
        ]
        indexes = [models.Index(fields=["la", "academic_year", "subject"])]

    def __str__(self) -> str:
        return f"{self.title}, Part {self.part}" if self.part else self.title

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Session(models.Model):
    """A date of a course: where, when, for how many."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    starts_at = models.TimeField("start time")
    ends_at = models.TimeField("end time")
    venue = models.CharField(max_length=200)
    capacity = models.PositiveSmallIntegerField("places", validators=[MinValueValidator(1)])
    minimum_places = models.PositiveSmallIntegerField(
        "minimum numbers", default=0, help_text="Below this the session is flagged as its deadline nears."
    )
    booking_deadline = models.DateField(help_text="Schools can book and cancel up to the end of this day.")
    target_group = models.CharField(
        max_length=200, blank=True, help_text="For example: teachers of pupils entering at level 3."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(la="course__la")

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_it_starts",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message="End time must be after the start time",
            ),
            models.CheckConstraint(
                name="session_deadline_not_after_it",
                condition=Q(booking_deadline__lte=F("date")),
                violation_error_message="Booking deadline must be on or before the day of the session",
            ),
            models.CheckConstraint(
                name="session_has_places",
                condition=Q(capacity__gte=1),
                violation_error_message="Places must be 1 or more",
            ),
            models.CheckConstraint(
                name="session_minimum_fits",
                condition=Q(minimum_places__lte=F("capacity")),
                violation_error_message="Minimum numbers must not be more than the places",
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.course}, {self.date:%-d %B %Y}"

    # Which field each constraint is about, so its message shows on that field (Django puts a
    # constraint's message at the top of the form, away from the box to correct). The places'
    # own validator already says they must be 1 or more.
    CONSTRAINT_FIELDS: ClassVar[dict[str, str]] = {
        "session_ends_after_it_starts": "ends_at",
        "session_deadline_not_after_it": "booking_deadline",
        "session_minimum_fits": "minimum_places",
    }

    def clean(self):
        errors = {}
        for constraint in self._meta.constraints:
            field = self.CONSTRAINT_FIELDS.get(constraint.name)
            if field is None:
                continue
            try:
                constraint.validate(type(self), self)
            except ValidationError as error:
                errors[field] = error.messages
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def deadline_passed(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.booking_deadline

    def booking_open(self, today: datetime.date | None = None) -> bool:
        """Schools can book (or join the waiting list): up to the deadline, which is never after the day."""
        return not self.is_cancelled and not self.course.is_retired and not self.deadline_passed(today)

    def is_past(self, today: datetime.date | None = None) -> bool:
        return self.date < (today or timezone.localdate())

    @property
    def has_taken_place(self) -> bool:
        return self.date <= timezone.localdate()


class Booking(models.Model):
    """A school's booking of one course: the six answers and what in the school's plan it serves.

    The named staff are its places, one per person and session.
    """

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="training_bookings")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="bookings")
    who_attends = models.TextField(blank=True)
    pre_course_work = models.TextField(blank=True)
    follow_up = models.TextField(blank=True)
    resources_support = models.TextField(blank=True)
    expected_improvements = models.TextField(blank=True)
    monitoring = models.TextField(blank=True)
    priority = models.ForeignKey(
        "priorities.Priority", null=True, blank=True, on_delete=models.SET_NULL, related_name="training_bookings"
    )
    plan_action = models.ForeignKey(
        "priorities.PlanAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="training_bookings"
    )
    # Empty when the person who booked has since been deleted.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(la="school__la")

    class Meta:
        ordering = ["course__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "course"], name="one_booking_per_school_course")]

    def __str__(self) -> str:
        return f"{self.school} on {self.course}"

    @property
    def answers(self) -> list[tuple[str, str]]:
        """(question, answer) for the six questions, in the guidance's order."""
        return [(question, getattr(self, name)) for name, question in SENIOR_LEADER_QUESTIONS]


class PlaceQuerySet(models.QuerySet):
    def holding(self):
        """Places that take one of the session's seats."""
        return self.filter(state__in=Place.HOLDING)

    def waiting(self):
        return self.filter(state=Place.State.WAITING).order_by("waiting_since", "pk")

    def counts(self):
        """Seats held and people waiting, per session, for annotating sessions."""
        return {
            "held": Count("places", filter=Q(places__state__in=Place.HOLDING)),
            "waiting": Count("places", filter=Q(places__state=Place.State.WAITING)),
        }


class Place(models.Model):
    """One named member of staff on one session: booked, waiting, offered a freed place, or gone."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for LA approval"
        CONFIRMED = "confirmed", "Booked"
        WAITING = "waiting", "On the waiting list"
        OFFERED = "offered", "Offered a place"
        CANCELLED = "cancelled", "Cancelled by the school"
        DECLINED = "declined", "Offer declined"
        LAPSED = "lapsed", "Offer not taken up in time"
        REJECTED = "rejected", "Not approved by the LA"
        WITHDRAWN = "withdrawn", "Session cancelled by the LA"

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Absent"
        CANCELLED_LATE = "cancelled-late", "Cancelled late"

    HOLDING = (State.PENDING, State.CONFIRMED, State.OFFERED)
    ACTIVE = (*HOLDING, State.WAITING)

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="places")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="places")
    staff_name = models.CharField("name", max_length=150)
    staff_email = models.EmailField("email", blank=True)
    state = models.CharField(max_length=12, choices=State.choices)
    waiting_since = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(max_length=15, choices=Attendance.choices, blank=True)
    impact = models.TextField("what changed after the session", blank=True)
    impact_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(la="session__course__la", _manager_class=models.Manager.from_queryset(PlaceQuerySet))

    class Meta:
        ordering = ["session__date", "booking__school__name", "staff_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "booking", "staff_name"],
                condition=Q(state__in=["pending", "confirmed", "waiting", "offered"]),
                name="one_active_place_per_person_and_session",
            ),
            models.CheckConstraint(
                name="offer_has_an_expiry", condition=~Q(state="offered") | Q(offer_expires_at__isnull=False)
            ),
            models.CheckConstraint(
                name="waiting_place_has_a_queue_time", condition=~Q(state="waiting") | Q(waiting_since__isnull=False)
            ),
        ]
        indexes = [
            models.Index(fields=["session", "state"]),
            models.Index(fields=["state", "offer_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.staff_name} ({self.booking.school}) on {self.session}"

    @property
    def is_holding(self) -> bool:
        return self.state in self.HOLDING

    @property
    def is_active(self) -> bool:
        """Holding a seat or waiting for one."""
        return self.state in self.ACTIVE


def document_path(document: "TrainingDocument", filename: str) -> str:
    # Under the storage's own root, never the static root; served only by the authorising views.
    return f"training/{document.session.course.la.code}/{document.session_id}/{filename}"


class TrainingDocument(DocumentJob):
    """A PDF rendered by the background workers: a session's register as it stood, or a certificate.

    The register is keyed by a digest of what it shows, so asking twice for the same register
    (or two people asking at once) makes one PDF, and a register changed since is a new one.
    A certificate is keyed by its place: one per person and session.
    """

    class Kind(models.TextChoices):
        REGISTER = "register", "Register"
        CERTIFICATE = "certificate", "Certificate of attendance"

    task_name: ClassVar[str] = "training.render_document"
    time_limit: ClassVar[int] = 180

    kind = models.CharField(max_length=12, choices=Kind.choices)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="documents")
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    content_key = models.CharField(max_length=64)

    objects = ScopedManager(la="session__course__la")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "content_key"], name="one_training_document_per_content"
            ),
            models.CheckConstraint(
                name="certificate_names_its_place",
                condition=Q(kind="register", place__isnull=True) | Q(kind="certificate", place__isnull=False),
            ),
            models.CheckConstraint(name="done_training_document_has_file", condition=~Q(state="done") | ~Q(file="")),
        ]
        indexes = [models.Index(fields=["state", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.session}"

    def storage_path(self, filename: str) -> str:
        return document_path(self, filename)
