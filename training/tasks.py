"""Core-training emails and the periodic work of the waiting list, run by background workers."""

import datetime
from collections import defaultdict
from urllib.parse import urlparse

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Role
from accounts.tasks import EMAIL_TASK_OPTIONS, send_templated_email

from . import services
from .models import Booking, Place, Session


def school_contacts(school) -> list[str]:
    """Who at the school hears about its bookings: its headteachers."""
    return sorted(
        m.user.email
        for m in Membership.objects.filter(school=school, role=Role.HEADTEACHER).select_related("user")
        if m.user.is_active
    )


def _school_page(school) -> str:
    return settings.SITE_URL + reverse("training:school", args=[school.la.code, school.urn])


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue on lines starting with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def session_ics(session: Session, place: Place | None = None) -> str:
    """An iCalendar event for the session, in UTC so that no time-zone table is needed."""
    tz = timezone.get_default_timezone()

    def utc(time: datetime.time) -> str:
        moment = datetime.datetime.combine(session.date, time, tzinfo=tz).astimezone(datetime.UTC)
        return moment.strftime("%Y%m%dT%H%M%SZ")

    host = urlparse(settings.SITE_URL).hostname or "sip-portal"
    uid = f"training-place-{place.pk}@{host}" if place else f"training-session-{session.pk}@{host}"
    description = f"Core training: {session.course}."
    if session.target_group:
        description += f" For {session.target_group}."
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SIP Portal//Core training//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{timezone.now().astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART:{utc(session.starts_at)}",
        f"DTEND:{utc(session.ends_at)}",
        f"SUMMARY:{_ics_text(str(session.course))}",
        f"LOCATION:{_ics_text(session.venue)}",
        f"DESCRIPTION:{_ics_text(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


@shared_task(**EMAIL_TASK_OPTIONS)
def send_booking_confirmation(self, booking_id: int, session_id: int, la_id: int, place_ids: list[int]) -> None:
    """Tell the school what it booked; a calendar invitation comes with places that are confirmed."""
    with scope(la=la_id):
        booking = Booking.objects.select_related("school", "school__la", "course").filter(pk=booking_id).first()
        session = Session.objects.select_related("course").filter(pk=session_id).first()
        if booking is None or session is None:
            return
        places = list(Place.objects.filter(pk__in=place_ids, booking=booking, session=session))
        confirmed = [p for p in places if p.state == Place.State.CONFIRMED]
        to = school_contacts(booking.school) + sorted({p.staff_email for p in confirmed if p.staff_email})
        if not to or not places:
            return
        attachments = [("core-training.ics", session_ics(session), "text/calendar")] if confirmed else None
        send_templated_email(
            self,
            "training/emails/booking.txt",
            to,
            {
                "booking": booking,
                "session": session,
                "places": places,
                "attach": bool(confirmed),
                "link": _school_page(booking.school),
            },
            attachments=attachments,
        )


@shared_task(**EMAIL_TASK_OPTIONS)
def send_offer(self, place_id: int, la_id: int) -> None:
    """A freed place, offered to the first on the waiting list, held until its expiry."""
    with scope(la=la_id):
        place = (
            Place.objects.select_related("session__course", "booking__school__la")
            .filter(pk=place_id, state=Place.State.OFFERED)
            .first()
        )
        if place is None:
            return
        to = school_contacts(place.booking.school) + ([place.staff_email] if place.staff_email else [])
        send_templated_email(
            self, "training/emails/offer.txt", to, {"place": place, "link": _school_page(place.booking.school)}
        )


@shared_task(**EMAIL_TASK_OPTIONS)
def send_session_cancelled(self, session_id: int, la_id: int, place_ids: list[int]) -> None:
    """The LA cancelled a session: each school with places on it is told once."""
    with scope(la=la_id):
        session = Session.objects.select_related("course", "course__la").filter(pk=session_id).first()
        if session is None:
            return
        by_school = defaultdict(list)
        for place in Place.objects.filter(pk__in=place_ids, session=session).select_related("booking__school__la"):
            by_school[place.booking.school].append(place)
        for school, places in by_school.items():
            to = school_contacts(school) + sorted({p.staff_email for p in places if p.staff_email})
            if to:
                send_templated_email(
                    self,
                    "training/emails/cancelled.txt",
                    to,
                    {"session": session, "school": school, "places": places, "link": _school_page(school)},
                )


def reminders_due(today: datetime.date | None = None) -> list[int]:
    """Mark the sessions whose reminder is due as reminded and return them (each is reminded once)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.TRAINING_REMINDER_DAYS)
    with scopes_disabled(), transaction.atomic():
        due = list(
            Session.objects.select_for_update(skip_locked=True)
            .filter(date__range=(today, horizon), cancelled_at__isnull=True, reminded_at__isnull=True)
            .values_list("pk", "course__la_id")
        )
        Session.objects.filter(pk__in=[pk for pk, _ in due]).update(reminded_at=timezone.now())
    return due


@shared_task(**EMAIL_TASK_OPTIONS)
def send_session_reminder(self, session_id: int, la_id: int) -> None:
    with scope(la=la_id):
        session = Session.objects.select_related("course").filter(pk=session_id, cancelled_at__isnull=True).first()
        if session is None:
            return
        by_school = defaultdict(list)
        places = session.places.filter(state=Place.State.CONFIRMED).select_related("booking__school__la")
        for place in places:
            by_school[place.booking.school].append(place)
        for school, school_places in by_school.items():
            to = school_contacts(school) + sorted({p.staff_email for p in school_places if p.staff_email})
            if to:
                send_templated_email(
                    self,
                    "training/emails/reminder.txt",
                    to,
                    {"session": session, "school": school, "places": school_places, "link": _school_page(school)},
                    attachments=[("core-training.ics", session_ics(session), "text/calendar")],
                )


@shared_task
def send_reminders() -> int:
    """Periodic: remind schools of sessions in the next few days (one email per school and session)."""
    due = reminders_due()
    for session_id, la_id in due:
        send_session_reminder.delay(session_id, la_id)
    return len(due)


@shared_task
def expire_offers() -> int:
    """Periodic: lapse offers not taken up in time and offer each seat to the next in the list."""
    return services.offers_expire()
