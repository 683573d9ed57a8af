"""Reads of the programme and bookings; each page in a fixed number of queries."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Role
from audit.models import Action
from audit.services import audit_record
from common.todo import Todo
from schools.models import School

from .documents import certificate_key, register_key, register_places
from .models import Booking, Course, Place, Session, Subject, TrainingDocument
from .rules import BOOKING_ROLES, booking_school_ids

# A session below its minimum this close to its deadline is flagged to the LA.
LOW_BOOKING_WARNING_DAYS = 7


def sessions_with_counts(sessions: QuerySet[Session], school_ids=()) -> QuerySet[Session]:
    """Sessions with seats held and people waiting (and, for a school, its own), in the one query."""
    annotations = Place.objects.counts()
    if school_ids:
        mine = Q(places__booking__school_id__in=list(school_ids))
        annotations["mine_held"] = Count("places", filter=mine & Q(places__state__in=Place.HOLDING))
        annotations["mine_waiting"] = Count("places", filter=mine & Q(places__state=Place.State.WAITING))
        annotations["mine_offered"] = Count("places", filter=mine & Q(places__state=Place.State.OFFERED))
    return sessions.annotate(**annotations)


def session_flags(session: Session, today: datetime.date | None = None) -> list[str]:
    """What the LA should know about a session with counts (see sessions_with_counts)."""
    today = today or timezone.localdate()
    flags = []
    if session.is_cancelled:
        return ["Cancelled"]
    if session.is_past(today):
        return ["Took place"]
    if session.held >= session.capacity:
        flags.append("Full")
    if session.deadline_passed(today):
        flags.append("Booking closed")
    if session.held < session.minimum_places and today <= session.booking_deadline <= today + datetime.timedelta(
        days=LOW_BOOKING_WARNING_DAYS
    ):
        flags.append(f"Below its minimum of {session.minimum_places} with the deadline near")
    return flags


def programme(la, academic_year: int, school_ids=()) -> list[Course]:
    """The year's courses, each with its sessions and their counts: two queries whatever the bookings."""
    sessions = sessions_with_counts(Session.objects.all(), school_ids).order_by("date", "starts_at", "pk")
    courses = list(
        Course.objects.filter(la=la, academic_year=academic_year)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("sessions", queryset=sessions))
    )
    for course in courses:
        for session in course.sessions.all():
            session.flags = session_flags(session)
    return courses


def programme_years(la) -> list[int]:
    return list(Course.objects.filter(la=la).values_list("academic_year", flat=True).distinct())


def get_course_for_user(request, course_id: int) -> Course:
    course = get_object_or_404(Course.objects.select_related("la"), pk=course_id)
    if not request.user.has_perm("training.view_programme", request.la):
        raise PermissionDenied
    return course


def get_session_for_user(request, session_id: int) -> Session:
    if not request.user.has_perm("training.view_programme", request.la):
        raise PermissionDenied
    return get_object_or_404(
        sessions_with_counts(Session.objects.select_related("course", "course__la")), pk=session_id
    )


def get_course_for_edit(request, course_id: int) -> Course:
    """A course of the LA's programme to change, retire or add sessions to: 403 for anyone but the LA."""
    if not request.user.has_perm("training.manage_programme", request.la):
        raise PermissionDenied
    return get_course_for_user(request, course_id)


def get_session_for_edit(request, session_id: int) -> Session:
    """A session to change, cancel or take the register of: 403 for anyone but the LA."""
    if not request.user.has_perm("training.manage_programme", request.la):
        raise PermissionDenied
    return get_session_for_user(request, session_id)


def get_session_for_booking(request, session_id: int) -> tuple[Session, School]:
    """A session and the school its head or training contact books for; 403 for anyone who books for no school."""
    session = get_session_for_user(request, session_id)
    head_schools = booking_school_ids(request.access)
    if not head_schools:
        raise PermissionDenied
    return session, get_bookable_school_for_user(request, head_schools)


def get_place_for_edit(request, place_id: int) -> Place:
    """A place its school's head or training contact changes (cancel, take up, what changed).

    404 as get_place_for_user for other schools; 403 for the school's SIP and the LA, who only read it.
    """
    place = get_place_for_user(request, place_id)
    if not request.user.has_perm("training.book", place.booking.school):
        raise PermissionDenied
    return place


def get_place_for_decision(request, place_id: int) -> Place:
    """A place held for the LA's approval, for the LA to approve or refuse: 403 for anyone else."""
    if not request.user.has_perm("training.manage_programme", request.la):
        raise PermissionDenied
    return get_place_for_user(request, place_id)


def get_place_for_user(request, place_id: int) -> Place:
    """A place of a school the person may see training of; 404 for any other school's."""
    place = get_object_or_404(
        Place.objects.select_related("session", "session__course", "booking", "booking__school", "booking__school__la"),
        pk=place_id,
    )
    if not request.user.has_perm("training.view_school_training", place.booking.school):
        raise Http404("No such place")
    return place


def places_for_session(session: Session, school_ids=None) -> QuerySet[Place]:
    """The session's places (every school's for the LA, else the given schools'), in one query."""
    places = session.places.select_related("booking__school").order_by(
        "booking__school__name", "waiting_since", "staff_name", "pk"
    )
    if school_ids is not None:
        places = places.filter(booking__school_id__in=list(school_ids))
    return places


def offers_no_one_can_answer(places: list[Place]) -> list[Place]:
    """Mark the offered places whose school has no active head or training contact to take them up.

    Such an offer reaches nobody and lapses unseen, so the LA is shown it. One query at most.
    """
    offered = {p.booking.school_id for p in places if p.state == Place.State.OFFERED}
    answering = set()
    if offered:
        answering = set(
            Membership.objects.filter(school_id__in=offered, role__in=BOOKING_ROLES, user__is_active=True).values_list(
                "school_id", flat=True
            )
        )
    for place in places:
        place.no_one_to_answer = place.state == Place.State.OFFERED and place.booking.school_id not in answering
    return places


def waiting_list(session: Session) -> QuerySet[Place]:
    return session.places.waiting().select_related("booking__school")


def take_up(la, academic_year: int) -> tuple[list[Subject], list[dict]]:
    """Per school, the places booked in each subject this year (and so who has booked nothing)."""
    counts = (
        Place.objects.filter(
            session__course__academic_year=academic_year,
            state__in=(*Place.HOLDING,),
        )
        .values("booking__school_id", "session__course__subject")
        .annotate(n=Count("pk"))
    )
    by_school: dict[int, dict[str, int]] = {}
    for row in counts:
        by_school.setdefault(row["booking__school_id"], {})[row["session__course__subject"]] = row["n"]
    subjects = list(Subject)
    rows = []
    for school in School.objects.order_by("name").only("pk", "name", "urn", "la_id"):
        booked = by_school.get(school.pk, {})
        rows.append(
            {
                "school": school,
                "cells": [booked.get(s.value, 0) for s in subjects],
                "gaps": [s.label for s in subjects if not booked.get(s.value)],
            }
        )
    return subjects, rows


def school_training(school, academic_year: int) -> dict:
    """A school's bookings for the year with their places, and the subjects it has not booked."""
    bookings = list(
        Booking.objects.filter(school=school, course__academic_year=academic_year)
        .select_related("course", "priority", "plan_action")
        .prefetch_related(
            Prefetch("places", queryset=Place.objects.select_related("session").order_by("session__date", "pk"))
        )
        .order_by("course__position", "pk")
    )
    booked_subjects = {
        b.course.subject for b in bookings if any(p.state in Place.ACTIVE or p.attendance for p in b.places.all())
    }
    gaps = [s.label for s in Subject if s.value not in booked_subjects]
    certificates = {
        d.place_id: d
        for d in TrainingDocument.objects.filter(
            kind=TrainingDocument.Kind.CERTIFICATE,
            place__booking__school=school,
            session__course__academic_year=academic_year,
        )
    }
    for booking in bookings:
        for place in booking.places.all():
            place.certificate = certificates.get(place.pk)
    return {"bookings": bookings, "gaps": gaps}


# The overview's to-do list (one query an item) --------------------------------------------------


def todo_for_la_admin(request) -> list:
    """Places waiting for the LA's approval, and sessions below their minimum near the deadline."""
    today = timezone.localdate()
    la = request.la
    items = []
    pending = Place.objects.filter(state=Place.State.PENDING, session__cancelled_at__isnull=True).count()
    if pending:
        items.append(
            Todo(
                f"{pending} core-training place{'s' if pending != 1 else ''} waiting for your approval",
                reverse("training:take-up", args=[la.code]),
                urgent=True,
            )
        )
    low = [
        s
        for s in sessions_with_counts(
            Session.objects.filter(
                cancelled_at__isnull=True,
                minimum_places__gt=0,
                booking_deadline__range=(today, today + datetime.timedelta(days=LOW_BOOKING_WARNING_DAYS)),
            ).select_related("course")
        )
        if s.held < s.minimum_places
    ]
    items += [
        Todo(
            f"{s.course} on {s.date:%-d %B %Y} has {s.held} of its minimum {s.minimum_places} places booked",
            reverse("training:session", args=[la.code, s.pk]),
            detail=f"Bookings close {s.booking_deadline:%-d %B %Y}",
        )
        for s in low
    ]
    return items


def todo_for_head(request) -> list:
    """Freed places offered to the school of a head or training contact, each held only for a while."""
    offers = Place.objects.filter(
        state=Place.State.OFFERED, booking__school_id__in=booking_school_ids(request.access)
    ).select_related("session__course", "booking__school__la")
    return [
        Todo(
            f"A place on {p.session.course} ({p.session.date:%-d %B %Y}) is offered to {p.staff_name}",
            reverse("training:school", args=[p.booking.school.la.code, p.booking.school.urn]),
            detail=f"Take it or decline it by {timezone.localtime(p.offer_expires_at):%-d %B %Y, %H:%M}",
            urgent=True,
        )
        for p in offers
    ]


def get_bookable_school_for_user(request, head_schools: set[int]) -> School:
    """The school a head or training contact books for: their own (chosen by ?school=URN if several)."""
    schools = School.objects.filter(pk__in=head_schools).order_by("name")
    wanted = request.GET.get("school") or request.POST.get("school")
    school = schools.filter(urn=wanted).first() if wanted else None
    school = school or schools.first()
    if school is None:
        raise Http404("No such school")
    return school


def school_booking(school, course) -> Booking | None:
    """The school's booking on a course (its answers to the six questions), if it has one."""
    return Booking.objects.filter(school=school, course=course).first()


def _not_found(request, reason: str, school=None):
    audit_record(
        action=Action.ACCESS_DENIED,
        request=request,
        la=request.la,
        school=school,
        detail={"path": request.path[:500], "reason": reason},
    )
    return Http404(reason)


def get_school_training_for_user(request, urn: str) -> School:
    """A school whose core training this person may see (its SIP, head or training contact, or the LA).

    404 for any other school, written to the audit log. A training contact reaches the school's
    training through this, never its other pages.
    """
    school = get_object_or_404(School.objects.select_related("la"), urn=urn)
    if request.user.has_perm("training.view_school_training", school):
        return school
    if request.user.has_perm("schools.view_school", school):
        # The school's own people without a part in its training (its governors).
        raise PermissionDenied
    raise _not_found(request, "No such school", school)


def get_school_contact_for_head(request, urn: str) -> School:
    """The school whose training contact the person names: its headteacher only (404 otherwise)."""
    school = get_school_training_for_user(request, urn)
    if not request.user.has_perm("training.manage_contact", school):
        raise _not_found(request, "Only the headteacher names the training contact", school)
    return school


def training_contacts(school) -> dict:
    """The school's training contacts and the invitations waiting for an answer (two queries)."""
    contacts = list(
        Membership.objects.filter(school=school, role=Role.TRAINING_CONTACT).select_related("user").order_by("pk")
    )
    invitations = [
        i
        for i in Invitation.objects.filter(
            school=school, role=Role.TRAINING_CONTACT, accepted_at__isnull=True, revoked_at__isnull=True
        ).order_by("-created_at")
        if i.is_usable
    ]
    return {"contacts": contacts, "invitations": invitations}


def get_contact_for_head(school, membership_id: int) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, school=school, role=Role.TRAINING_CONTACT)


def get_contact_invitation_for_head(school, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation, pk=invitation_id, school=school, role=Role.TRAINING_CONTACT)


# Registers and certificates --------------------------------------------------------------------


def get_session_for_register(request, session_id: int) -> Session:
    """A session of the LA, for the register and its downloads: the LA's administrators only.

    404 (logged) for everyone else, so a register's existence is not given away.
    """
    if not request.user.has_perm("training.download_register", request.la):
        raise _not_found(request, "The register is for the LA's administrators")
    return get_object_or_404(Session.objects.select_related("course", "course__la"), pk=session_id)


def current_register(session: Session) -> tuple[list[Place], TrainingDocument | None]:
    """The register's places as they stand, and the PDF of exactly that register if one was asked for."""
    places = list(register_places(session))
    document = TrainingDocument.objects.filter(
        session=session, kind=TrainingDocument.Kind.REGISTER, content_key=register_key(session, places)
    ).first()
    return places, document


def get_certificate_place_for_user(request, place_id: int) -> tuple[Place, TrainingDocument | None]:
    """A place marked attended and its certificate, for its school's head or training contact or the LA.

    404 (logged) for anyone else, and for a place with no attendance to certify.
    """
    place = get_object_or_404(
        Place.objects.select_related("session__course__la", "booking__school__la"),
        pk=place_id,
    )
    school = place.booking.school
    if not request.user.has_perm("training.download_certificate", school):
        raise _not_found(request, "No such certificate", school)
    if place.state != Place.State.CONFIRMED or place.attendance != Place.Attendance.ATTENDED:
        raise Http404("Only attendance the register shows is certified")
    document = TrainingDocument.objects.filter(
        session_id=place.session_id, kind=TrainingDocument.Kind.CERTIFICATE, content_key=certificate_key(place)
    ).first()
    return place, document
