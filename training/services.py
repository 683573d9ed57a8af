"""Writes of the core-training programme and its bookings. Each writes its audit record.

Seats are counted under a row lock on the session, so two schools booking the last place at
the same moment cannot both get it: the second waits for the first's commit and then sees the
session full.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from common.errors import DomainError
from jobs.emails import email_request
from jobs.models import JobState
from jobs.runner import job_retry_failed, jobs_send
from priorities.models import PlanAction, Priority

from .documents import certificate_key, register_key, register_places
from .models import Booking, Course, Place, Session, TrainingDocument
from .programme import CORE_PROGRAMME_2004_05, SENIOR_LEADER_QUESTIONS

ANSWER_FIELDS = [name for name, _ in SENIOR_LEADER_QUESTIONS]
COURSE_FIELDS = ("subject", "title", "part", "length_days", "requires_approval")
SESSION_FIELDS = (
    "date",
    "starts_at",
    "ends_at",
    "venue",
    "capacity",
    "minimum_places",
    "booking_deadline",
    "target_group",
)


class TrainingError(DomainError):
    pass


def _email_booking(booking_id: int, session, place_ids: list[int]) -> None:
    """One email about the places just booked (or confirmed), sent once after the commit."""
    email_request(
        kind="training-booking",
        event_key=f"training-booking:{session.pk}:{','.join(str(pk) for pk in sorted(place_ids))}",
        la_id=session.course.la_id,
        booking_id=booking_id,
        session_id=session.pk,
        place_ids=sorted(place_ids),
    )


# The programme ---------------------------------------------------------------------------------


@transaction.atomic
def programme_copy(*, actor, la, academic_year: int, request=None) -> list[Course]:
    """Give the LA's year the 17 courses of the 2004–05 programme; courses it already has stay as they are."""
    existing = {(c.subject, c.title, c.part) for c in Course.objects.filter(la=la, academic_year=academic_year)}
    added = []
    for position, (subject, title, part, length) in enumerate(CORE_PROGRAMME_2004_05, start=1):
        if (subject, title, part) in existing:
            continue
        course = Course(
            la=la,
            academic_year=academic_year,
            subject=subject,
            title=title,
            part=part,
            length_days=length,
            position=position,
        )
        course.full_clean()
        added.append(course)
    Course.objects.bulk_create(added)
    audit_record(
        action=Action.TRAINING_PROGRAMME_CHANGED,
        actor=actor,
        request=request,
        la=la,
        detail={"year": academic_year, "copied": len(added)},
    )
    return added


@transaction.atomic
def course_save(*, actor, la, academic_year: int, values: dict, course: Course | None = None, request=None) -> Course:
    """Add a course to the LA's programme for the year, or change one."""
    if course is None:
        last = Course.objects.filter(la=la, academic_year=academic_year).order_by("-position").first()
        course = Course(la=la, academic_year=academic_year, position=(last.position + 1) if last else 1)
    before = {name: str(getattr(course, name)) for name in COURSE_FIELDS} if course.pk else None
    for name in COURSE_FIELDS:
        setattr(course, name, values[name])
    try:
        course.full_clean()
    except ValidationError as error:
        raise TrainingError(" ".join(error.messages)) from error
    course.save()
    audit_record(
        action=Action.TRAINING_PROGRAMME_CHANGED,
        actor=actor,
        request=request,
        la=la,
        obj=course,
        detail={"course": course.pk, "from": before, "to": {n: str(getattr(course, n)) for n in COURSE_FIELDS}},
    )
    return course


@transaction.atomic
def course_retire(*, actor, course: Course, request=None) -> Course:
    """Stop offering a course; its sessions and bookings stay on record."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.is_retired:
        raise TrainingError("This course is already retired.")
    course.retired_at = timezone.now()
    course.save(update_fields=["retired_at"])
    audit_record(
        action=Action.TRAINING_PROGRAMME_CHANGED,
        actor=actor,
        request=request,
        la=course.la,
        obj=course,
        detail={"course": course.pk, "retired": True},
    )
    return course


@transaction.atomic
def session_save(*, actor, course: Course, values: dict, session: Session | None = None, request=None) -> Session:
    """Add a session to a course, or change one; never fewer places than are already taken."""
    if session is None:
        if course.is_retired:
            raise TrainingError("This course is retired; add sessions to a course the LA still runs.")
        session = Session(course=course)
    else:
        session = Session.objects.select_for_update().get(pk=session.pk)
        held = session.places.holding().count()
        if values["capacity"] < held:
            raise TrainingError(
                f"{held} places are already taken; the session needs at least {held} places.", field="capacity"
            )
    # A session already held can still be changed (its register needs it), but none is added in the past.
    moved = session.pk is None or values["date"] != session.date
    for name in SESSION_FIELDS:
        setattr(session, name, values[name])
    if moved and session.is_past():
        raise TrainingError("Date must be today or in the future", field="date")
    try:
        session.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise TrainingError(messages[0], field=None if field == NON_FIELD_ERRORS else field) from error
    session.save()
    audit_record(
        action=Action.TRAINING_SESSION_CHANGED,
        actor=actor,
        request=request,
        la=course.la,
        obj=session,
        detail={"session": session.pk, **{n: str(getattr(session, n)) for n in SESSION_FIELDS}},
    )
    if session.pk:
        _offer_free_places(session)
    return session


@transaction.atomic
def session_cancel(*, actor, session: Session, request=None) -> Session:
    """The LA cancels a session: every place is withdrawn and the school is told by email."""
    session = Session.objects.select_for_update().select_related("course__la").get(pk=session.pk)
    if session.is_cancelled:
        raise TrainingError("This session is already cancelled.")
    session.cancelled_at = timezone.now()
    session.save(update_fields=["cancelled_at"])
    affected = list(session.places.filter(state__in=Place.ACTIVE).values_list("pk", flat=True))
    session.places.filter(pk__in=affected).update(state=Place.State.WITHDRAWN, offer_expires_at=None)
    audit_record(
        action=Action.TRAINING_SESSION_CANCELLED,
        actor=actor,
        request=request,
        la=session.course.la,
        obj=session,
        detail={"session": session.pk, "places": len(affected)},
    )
    if affected:
        by_school: dict[int, list[int]] = {}
        for place_id, school_id in Place.objects.filter(pk__in=affected).values_list("pk", "booking__school_id"):
            by_school.setdefault(school_id, []).append(place_id)
        for school_id, place_ids in by_school.items():
            email_request(
                kind="training-cancelled",
                event_key=f"training-cancelled:{session.pk}:{school_id}",
                la_id=session.course.la_id,
                session_id=session.pk,
                school_id=school_id,
                place_ids=place_ids,
            )
    return session


# Bookings -------------------------------------------------------------------------------------


@dataclass
class StaffMember:
    name: str
    email: str = ""


def _check_links(school, priority: Priority | None, plan_action: PlanAction | None) -> None:
    if priority is not None and priority.school_id != school.pk:
        raise TrainingError("Choose one of your school's own priorities.", field="priority")
    if plan_action is not None and plan_action.priority.school_id != school.pk:
        raise TrainingError("Choose one of your school's own plan actions.", field="plan_action")


@transaction.atomic
def booking_answer(
    *, actor, school, course: Course, answers: dict, priority=None, plan_action=None, request=None
) -> Booking:
    """Record (or change) the school's answers to the six questions for a course, and what it serves."""
    _check_links(school, priority, plan_action)
    booking, _ = Booking.objects.select_for_update().get_or_create(
        school=school, course=course, defaults={"created_by": actor}
    )
    for name in ANSWER_FIELDS:
        setattr(booking, name, answers.get(name, "").strip())
    booking.priority = priority
    booking.plan_action = plan_action
    booking.full_clean()
    booking.save()
    return booking


@transaction.atomic
def places_book(
    *,
    actor,
    school,
    session: Session,
    staff: list[StaffMember],
    answers: dict,
    priority=None,
    plan_action=None,
    request=None,
) -> list[Place]:
    """Book named staff onto a session for the school, with its answers to the six questions.

    Places up to the free seats are booked (or held for the LA's approval); the others join
    the waiting list in the order given.
    """
    if not staff:
        raise TrainingError("Name at least one member of staff who will attend.", field="staff")
    names = [s.name.strip() for s in staff]
    if len({n.lower() for n in names}) != len(names):
        raise TrainingError("Each person can have one place on a session; a name is given twice.", field="staff")
    # The lock that stops overbooking: every booking of this session queues here.
    session = Session.objects.select_for_update().select_related("course", "course__la").get(pk=session.pk)
    if session.is_cancelled:
        raise TrainingError("This session has been cancelled by the LA.")
    if session.course.is_retired:
        raise TrainingError("This course is no longer offered.")
    if session.deadline_passed():
        raise TrainingError(f"Bookings for this session closed on {session.booking_deadline:%-d %B %Y}.")
    booking = booking_answer(
        actor=actor,
        school=school,
        course=session.course,
        answers=answers,
        priority=priority,
        plan_action=plan_action,
        request=request,
    )
    already = set(
        n.lower()
        for n in session.places.filter(booking=booking, state__in=Place.ACTIVE).values_list("staff_name", flat=True)
    )
    clash = [n for n in names if n.lower() in already]
    if clash:
        raise TrainingError(f"{', '.join(clash)} already has a place or is waiting for one on this session.")
    free = session.capacity - session.places.holding().count()
    # Nobody jumps the queue: while others wait, new names wait behind them.
    if session.places.filter(state=Place.State.WAITING).exists():
        free = 0
    now = timezone.now()
    seat_state = Place.State.PENDING if session.course.requires_approval else Place.State.CONFIRMED
    places = []
    for number, member in enumerate(staff):
        place = Place(
            booking=booking,
            session=session,
            staff_name=member.name.strip(),
            staff_email=member.email.strip(),
            state=seat_state if number < free else Place.State.WAITING,
            waiting_since=None if number < free else now,
        )
        place.full_clean(exclude=["booking", "session"])
        places.append(place)
    Place.objects.bulk_create(places)
    audit_record(
        action=Action.TRAINING_BOOKED,
        actor=actor,
        request=request,
        la=session.course.la,
        obj=school,
        detail={"session": session.pk, "places": {p.staff_name: p.state for p in places}},
    )
    _email_booking(booking.pk, session, [p.pk for p in places])
    return places


def _lock_place(place: Place) -> tuple[Place, Session]:
    """The session first, then the place: the same order as booking, so two writers never deadlock."""
    session = Session.objects.select_for_update().select_related("course", "course__la").get(pk=place.session_id)
    place = Place.objects.select_for_update().select_related("booking__school").get(pk=place.pk)
    return place, session


def _change(place: Place, actor, request, what: str) -> None:
    audit_record(
        action=Action.TRAINING_PLACE_CHANGED,
        actor=actor,
        request=request,
        la=place.booking.school.la,
        obj=place.booking.school,
        detail={"place": place.pk, "session": place.session_id, "person": place.staff_name, "change": what},
    )


@transaction.atomic
def place_cancel(*, actor, place: Place, request=None) -> Place:
    """The school cancels a place (or leaves the waiting list) up to the booking deadline.

    A freed seat goes at once to the first place on the waiting list as an offer.
    """
    place, session = _lock_place(place)
    if place.state not in Place.ACTIVE:
        raise TrainingError("This place is no longer active.")
    if session.deadline_passed() and place.state != Place.State.WAITING:
        raise TrainingError(
            f"Cancellations closed on {session.booking_deadline:%-d %B %Y}; tell the LA, "
            "who will record it on the register as cancelled late."
        )
    place.state = Place.State.CANCELLED
    place.offer_expires_at = None
    place.save(update_fields=["state", "offer_expires_at", "updated_at"])
    _change(place, actor, request, "cancelled")
    _offer_free_places(session)
    return place


def _offer_free_places(session: Session) -> list[Place]:
    """Offer each free seat to the first place waiting. The caller holds the session's lock."""
    if session.is_cancelled or session.date < timezone.localdate():
        return []
    free = session.capacity - session.places.holding().count()
    if free <= 0:
        return []
    offered = list(session.places.waiting().select_for_update()[:free])
    expires = timezone.now() + datetime.timedelta(hours=settings.TRAINING_OFFER_HOURS)
    for place in offered:
        place.state = Place.State.OFFERED
        place.offer_expires_at = expires
        place.save(update_fields=["state", "offer_expires_at", "updated_at"])
        email_request(
            kind="training-offer",
            event_key=f"training-offer:{place.pk}:{place.offer_expires_at:%Y%m%dT%H%M%S}",
            la_id=session.course.la_id,
            place_id=place.pk,
        )
    return offered


@transaction.atomic
def offer_accept(*, actor, place: Place, request=None) -> Place:
    """The school takes up an offered place (held for the LA's approval where the course needs it)."""
    place, session = _lock_place(place)
    if place.state != Place.State.OFFERED or place.offer_expires_at <= timezone.now():
        raise TrainingError("This offer is no longer open.")
    place.state = Place.State.PENDING if session.course.requires_approval else Place.State.CONFIRMED
    place.offer_expires_at = None
    place.save(update_fields=["state", "offer_expires_at", "updated_at"])
    _change(place, actor, request, "offer accepted")
    _email_booking(place.booking_id, session, [place.pk])
    return place


@transaction.atomic
def offer_decline(*, actor, place: Place, request=None) -> Place:
    """The school declines an offered place in one click; the seat goes to the next in the list."""
    place, session = _lock_place(place)
    if place.state != Place.State.OFFERED:
        raise TrainingError("This offer is no longer open.")
    place.state = Place.State.DECLINED
    place.offer_expires_at = None
    place.save(update_fields=["state", "offer_expires_at", "updated_at"])
    _change(place, actor, request, "offer declined")
    _offer_free_places(session)
    return place


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Lapse every offer past its time and pass each seat on. Returns how many lapsed.

    Runs outside any tenant scope (a periodic task over every LA); each session is handled in
    its own transaction under its lock.
    """
    now = now or timezone.now()
    from django_scopes import scopes_disabled

    with scopes_disabled():
        session_ids = list(
            Place.objects.filter(state=Place.State.OFFERED, offer_expires_at__lte=now)
            .values_list("session_id", flat=True)
            .distinct()
        )
        lapsed = 0
        for session_id in session_ids:
            with transaction.atomic():
                session = Session.objects.select_for_update().select_related("course").get(pk=session_id)
                expired = list(
                    session.places.select_for_update().filter(state=Place.State.OFFERED, offer_expires_at__lte=now)
                )
                for place in expired:
                    place.state = Place.State.LAPSED
                    place.offer_expires_at = None
                    place.save(update_fields=["state", "offer_expires_at", "updated_at"])
                lapsed += len(expired)
                _offer_free_places(session)
    return lapsed


@transaction.atomic
def place_decide(*, actor, place: Place, approve: bool, request=None) -> Place:
    """The LA approves a place held for its approval, or refuses it (freeing the seat)."""
    place, session = _lock_place(place)
    if place.state != Place.State.PENDING:
        raise TrainingError("This place is not waiting for approval.")
    place.state = Place.State.CONFIRMED if approve else Place.State.REJECTED
    place.save(update_fields=["state", "updated_at"])
    _change(place, actor, request, "approved" if approve else "not approved")
    if approve:
        _email_booking(place.booking_id, session, [place.pk])
    else:
        _offer_free_places(session)
    return place


@transaction.atomic
def attendance_record(*, actor, session: Session, marks: dict[int, str], request=None) -> int:
    """The LA's register: attended, absent or cancelled late, for the session's booked places."""
    session = Session.objects.select_for_update().select_related("course__la").get(pk=session.pk)
    if session.date > timezone.localdate():
        raise TrainingError("The register can be taken on the day of the session or after it.")
    allowed = set(Place.Attendance.values) | {""}
    places = {p.pk: p for p in session.places.filter(state=Place.State.CONFIRMED).select_for_update()}
    changed = []
    for place_id, mark in marks.items():
        if place_id not in places:
            raise TrainingError("The register lists a place that is not booked on this session.")
        if mark not in allowed:
            raise TrainingError("Choose attended, absent or cancelled late.")
        if places[place_id].attendance != mark:
            places[place_id].attendance = mark
            changed.append(places[place_id])
    Place.objects.bulk_update(changed, ["attendance"])
    _certificates_request(session, [p for p in changed if p.attendance == Place.Attendance.ATTENDED], actor=actor)
    audit_record(
        action=Action.TRAINING_ATTENDANCE,
        actor=actor,
        request=request,
        la=session.course.la,
        obj=session,
        detail={"session": session.pk, "marks": {str(p.pk): p.attendance for p in changed}},
    )
    return len(changed)


@transaction.atomic
def impact_record(*, actor, place: Place, impact: str, request=None) -> Place:
    """After the session, the school records what changed, against the improvements it expected."""
    place = Place.objects.select_for_update().select_related("session", "booking__school").get(pk=place.pk)
    if place.state != Place.State.CONFIRMED or not place.session.has_taken_place:
        raise TrainingError("What changed can be recorded once the person has been on the session.")
    if not impact.strip():
        raise TrainingError("Say what changed after the session.", field="impact")
    place.impact = impact.strip()
    place.impact_recorded_at = timezone.now()
    place.save(update_fields=["impact", "impact_recorded_at", "updated_at"])
    _change(place, actor, request, "impact recorded")
    return place


# Registers and certificates as PDFs ------------------------------------------------------------


def _send_on_commit(pks: list[int]) -> None:
    if pks:
        transaction.on_commit(lambda: jobs_send(TrainingDocument, pks))


def _certificates_request(session: Session, places: list[Place], *, actor=None) -> list[TrainingDocument]:
    """A certificate for each place (existing ones are kept; failed ones are tried again)."""
    documents, created = [], []
    for place in places:
        document, is_new = TrainingDocument.objects.get_or_create(
            session=session,
            kind=TrainingDocument.Kind.CERTIFICATE,
            content_key=certificate_key(place),
            defaults={"place": place, "requested_by": actor},
        )
        if is_new:
            created.append(document.pk)
        elif document.state == JobState.FAILED:
            job_retry_failed(document)
        documents.append(document)
    _send_on_commit(created)
    return documents


@transaction.atomic
def certificate_request(*, actor, place: Place, request=None) -> TrainingDocument:
    """Ask for a certificate of attendance (again, if its rendering failed)."""
    if place.state != Place.State.CONFIRMED or place.attendance != Place.Attendance.ATTENDED:
        raise TrainingError("A certificate is for someone the register shows as attended.")
    [document] = _certificates_request(place.session, [place], actor=actor)
    return document


@transaction.atomic
def register_pdf_request(*, actor, session: Session, request=None) -> TrainingDocument:
    """Ask for the register as it stands as a PDF. The same register asked for twice is one PDF."""
    key = register_key(session, list(register_places(session)))
    document, is_new = TrainingDocument.objects.get_or_create(
        session=session,
        kind=TrainingDocument.Kind.REGISTER,
        content_key=key,
        defaults={"requested_by": actor},
    )
    if is_new:
        _send_on_commit([document.pk])
    elif document.state == JobState.FAILED:
        job_retry_failed(document)
    return document


@transaction.atomic
def document_download(*, actor, document: TrainingDocument, request=None) -> None:
    """Record who downloaded which register or certificate PDF, and when."""
    session = document.session
    detail = {"kind": document.kind, "session": session.pk, "document": document.pk, "format": "pdf"}
    school = None
    if document.place_id:
        detail |= {"place": document.place_id, "person": document.place.staff_name}
        school = document.place.booking.school
    audit_record(
        action=Action.TRAINING_DOWNLOADED,
        actor=actor,
        request=request,
        la=session.course.la,
        obj=document,
        school=school,
        detail=detail,
    )


@transaction.atomic
def register_csv_download(*, actor, session: Session, request=None) -> None:
    """Record a download of the register as CSV."""
    audit_record(
        action=Action.TRAINING_DOWNLOADED,
        actor=actor,
        request=request,
        la=session.course.la,
        obj=session,
        detail={"kind": TrainingDocument.Kind.REGISTER, "session": session.pk, "format": "csv"},
    )
