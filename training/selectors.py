"""Reads of the programme and bookings; each page in a fixed number of queries."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from common.todo import Todo
from schools.models import School

from .models import Booking, Course, Place, Session, Subject

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
    if session.held >= session.capacity:
        flags.append("Full")
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
    """Freed places offered to the head's school, each held only for a while."""
    offers = Place.objects.filter(
        state=Place.State.OFFERED, booking__school_id__in=request.access.school_ids(Role.HEADTEACHER)
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
    """The school a head books for: their own (one of them, chosen by ?school=URN if several)."""
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
