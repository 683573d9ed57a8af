"""The core-training programme for each demo LA, with bookings, a waiting list and a register.

The 17 courses of 2004–05 with sessions, a full session with a waiting list, bookings with the
six questions answered, a freed place offered to the home school, and a past session whose register
has been taken, with its PDF and the certificates of those who attended (rendered here, so the demo
needs no worker), and one attended place whose change in the school is still to be recorded. Dates
follow today's; running the seed again changes nothing.
"""

import datetime

from django.utils import timezone

from accounts.models import Membership, Role
from jobs.runner import run_job
from priorities.models import Priority
from schools.models import School
from tenancy.models import LocalAuthority
from training.documents import certificate_key, register_key, register_places
from training.models import Booking, Course, Place, Session, TrainingDocument
from training.programme import CORE_PROGRAMME_2004_05

VENUES = {
    "302": "Barnet Professional Development Centre, Hendon",
    "352": "Manchester Teachers' Centre, Ardwick",
    "926": "Norfolk Education Centre, Norwich",
}
ANSWERS = {
    "who_attends": "The head of department and the teacher who leads Year 7, who will share it with the team.",
    "pre_course_work": "In the department meeting before the session; they need the tracked pupils' data.",
    "follow_up": "Yes: it goes into the department's Key Stage 3 plan for the spring term.",
    "resources_support": "Cover for the day, and a department meeting afterwards to share the materials.",
    "expected_improvements": "More pupils entering at level 3 reach level 5 by the end of Year 9.",
    "monitoring": "Lesson observations each half term and the tracked pupils' assessments.",
}
STAFF = ["Ms Aisha Khan", "Mr Owen Bell", "Mrs Ruth Adler", "Mr Sanjay Patel", "Ms Chloe Dunn", "Mr Ian Fraser"]


def _is_school_day(day: datetime.date) -> bool:
    """Monday to Friday, outside the Christmas holiday (19 December to 3 January)."""
    in_christmas = (day.month == 12 and day.day >= 19) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not in_christmas


def _school_day(day: datetime.date, step: int = 1) -> datetime.date:
    """The school day on or after `day` (before it, with step -1)."""
    while not _is_school_day(day):
        day += datetime.timedelta(days=step)
    return day


def _after_school_days(day: datetime.date, count: int) -> datetime.date:
    for _ in range(count):
        day = _school_day(day + datetime.timedelta(days=1))
    return day


def _course_date(number: int, session: int, today: datetime.date) -> datetime.date:
    """Sessions spread over the coming weeks, each course on its own school day."""
    first = _school_day(today + datetime.timedelta(days=14))
    return _after_school_days(first, 2 * number + 25 * session)


def _place(booking, session, name, state, **extra) -> Place:
    place, _ = Place.objects.update_or_create(
        booking=booking, session=session, staff_name=name, defaults={"state": state, **extra}
    )
    return place


def seed_training(year: int) -> None:
    today = timezone.localdate()
    now = timezone.now()
    for la in LocalAuthority.objects.filter(code__in=VENUES):
        courses = []
        for position, (subject, title, part, length) in enumerate(CORE_PROGRAMME_2004_05, start=1):
            course, _ = Course.objects.update_or_create(
                la=la,
                academic_year=year,
                subject=subject,
                title=title,
                part=part,
                defaults={"length_days": length, "position": position, "retired_at": None},
            )
            courses.append(course)
        sessions = {}
        for number, course in enumerate(courses):
            for index in range(2):
                date = _course_date(number, index, today)
                full_day = course.length_days == 1
                sessions[number, index], _ = Session.objects.update_or_create(
                    course=course,
                    venue=f"{VENUES[la.code]}, room {index + 1}",
                    target_group="Teachers of pupils entering Year 7 at level 3" if "level 3" in course.title else "",
                    defaults={
                        "date": date,
                        "starts_at": datetime.time(9, 15) if full_day else datetime.time(13, 30),
                        "ends_at": datetime.time(15, 30) if full_day else datetime.time(16, 0),
                        "capacity": 4 if (number, index) == (1, 0) else 20,
                        "minimum_places": 2 if (number, index) == (1, 0) else 6,
                        "booking_deadline": date - datetime.timedelta(days=7),
                        "cancelled_at": None,
                    },
                )
        head = Membership.objects.filter(la=la, role=Role.HEADTEACHER).select_related("school").first()
        if head is None:
            continue
        home = head.school
        others = list(School.objects.filter(la=la).exclude(pk=home.pk).order_by("urn")[:3])
        priority = Priority.objects.in_year(year).filter(school=home, is_active=True).order_by("position").first()

        heads = {m.school_id: m.user for m in Membership.objects.filter(la=la, role=Role.HEADTEACHER)}

        def booking(school, course, *, linked=None, heads=heads):
            # A school's head booked; a school with no one on the portal has no author.
            found, _ = Booking.objects.update_or_create(
                school=school,
                course=course,
                defaults={**ANSWERS, "priority": linked, "created_by": heads.get(school.pk)},
            )
            return found

        # Improving writing, Part 3: the home school's English staff, confirmed.
        writing = booking(home, courses[0], linked=priority)
        _place(writing, sessions[0, 0], STAFF[0], Place.State.CONFIRMED, staff_email="a.khan@school.demo.test")
        _place(writing, sessions[0, 0], STAFF[1], Place.State.CONFIRMED)
        # Level 3 to level 5 in English, Part 1: full (4 places), three waiting. The home school is
        # first in the list, so a place freed while trying the demo goes to someone who can answer.
        full = sessions[1, 0]
        for n, school in enumerate([home, others[0]]):
            b = booking(school, courses[1], linked=priority if school == home else None)
            _place(b, full, STAFF[2 * n], Place.State.CONFIRMED)
            _place(b, full, STAFF[2 * n + 1], Place.State.CONFIRMED)
        _place(
            booking(home, courses[1], linked=priority),
            full,
            "Ms Grace Okoye",
            Place.State.WAITING,
            waiting_since=now - datetime.timedelta(hours=6),
        )
        for n, school in enumerate(others[1:3]):
            b = booking(school, courses[1])
            _place(b, full, STAFF[4 + n], Place.State.WAITING, waiting_since=now - datetime.timedelta(hours=5 - n))
        # A past session of Increasing pupils' rates of progress in mathematics, register taken.
        past_day = _school_day(today - datetime.timedelta(days=10), step=-1)
        past, _ = Session.objects.update_or_create(
            course=courses[6],
            venue=f"{VENUES[la.code]}, lecture theatre",
            target_group="Heads of mathematics",
            defaults={
                "date": past_day,
                "starts_at": datetime.time(9, 15),
                "ends_at": datetime.time(15, 30),
                "capacity": 20,
                "minimum_places": 0,
                "booking_deadline": past_day - datetime.timedelta(days=7),
                "cancelled_at": None,
            },
        )
        maths = booking(home, courses[6], linked=priority)
        _place(
            maths,
            past,
            "Mr Tom Reeve",
            Place.State.CONFIRMED,
            attendance=Place.Attendance.ATTENDED,
            impact="Every Year 8 maths lesson now starts with a problem pupils discuss in pairs.",
            impact_recorded_at=now,
        )
        _place(maths, past, "Ms Jo Hart", Place.State.CONFIRMED, attendance=Place.Attendance.CANCELLED_LATE)
        # Attended, with what changed still to record: work for the head or the training contact.
        _place(maths, past, "Mrs Ruth Adler", Place.State.CONFIRMED, attendance=Place.Attendance.ATTENDED)
        other_maths = booking(others[0], courses[6])
        _place(other_maths, past, "Mr Lee Brook", Place.State.CONFIRMED, attendance=Place.Attendance.ABSENT)
        # A place freed on the second English session, offered to the home school to take or decline.
        english = booking(home, courses[1], linked=priority)
        _place(
            english,
            sessions[1, 1],
            STAFF[5],
            Place.State.OFFERED,
            offer_expires_at=now + datetime.timedelta(hours=30),
            waiting_since=now - datetime.timedelta(days=2),
        )
        _render_documents(past)


def _render_documents(session: Session) -> None:
    """The register's PDF and the attended staff's certificates, made once."""
    from training.tasks import render_in_scope

    wanted = [(TrainingDocument.Kind.REGISTER, None, register_key(session, list(register_places(session))))]
    for place in session.places.filter(attendance=Place.Attendance.ATTENDED, state=Place.State.CONFIRMED):
        wanted.append((TrainingDocument.Kind.CERTIFICATE, place, certificate_key(place)))
    for kind, place, key in wanted:
        document, _ = TrainingDocument.objects.get_or_create(
            session=session, kind=kind, content_key=key, defaults={"place": place}
        )
        if not document.is_ready:
            run_job(TrainingDocument, document.pk, render_in_scope)
