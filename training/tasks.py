"""Core-training emails and the periodic work of the waiting list, run by background workers."""

import datetime
from urllib.parse import urlparse

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Role
from jobs.emails import email_builder, email_request
from jobs.runner import job_task_options, run_job

from . import services
from .models import Booking, Place, Session, TrainingDocument


def school_contacts(school) -> list[str]:
    """Who at the school hears about its bookings: its headteachers and its training contact."""
    return sorted(
        {
            m.user.email
            for m in Membership.objects.filter(
                school=school, role__in=(Role.HEADTEACHER, Role.TRAINING_CONTACT)
            ).select_related("user")
            if m.user.is_active
        }
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


def _people_of(school, places) -> list[str]:
    return school_contacts(school) + sorted({p.staff_email for p in places if p.staff_email})


@email_builder("training-booking")
def booking_email(*, booking_id: int, session_id: int, place_ids: list[int]):
    """Tell the school what it booked; a calendar invitation comes with places that are confirmed."""
    booking = Booking.objects.select_related("school", "school__la", "course").filter(pk=booking_id).first()
    session = Session.objects.select_related("course").filter(pk=session_id).first()
    if booking is None or session is None:
        return None
    places = list(Place.objects.filter(pk__in=place_ids, booking=booking, session=session))
    confirmed = [p for p in places if p.state == Place.State.CONFIRMED]
    to = school_contacts(booking.school) + sorted({p.staff_email for p in confirmed if p.staff_email})
    if not to or not places:
        return None
    context = {
        "booking": booking,
        "session": session,
        "places": places,
        "attach": bool(confirmed),
        "link": _school_page(booking.school),
    }
    attachments = [("core-training.ics", session_ics(session), "text/calendar")] if confirmed else []
    return "training/emails/booking.txt", to, context, attachments


@email_builder("training-offer")
def offer_email(*, place_id: int):
    """A freed place, offered to the first on the waiting list, held until its expiry."""
    place = (
        Place.objects.select_related("session__course", "booking__school__la")
        .filter(pk=place_id, state=Place.State.OFFERED)
        .first()
    )
    if place is None:
        return None
    # The school's head and training contact, who can take it up; the session page tells the LA
    # when the school has no one to.
    to = school_contacts(place.booking.school) + ([place.staff_email] if place.staff_email else [])
    if not to:
        return None
    return "training/emails/offer.txt", to, {"place": place, "link": _school_page(place.booking.school)}


@email_builder("training-cancelled")
def cancelled_email(*, session_id: int, school_id: int, place_ids: list[int]):
    """The LA cancelled a session: each school with places on it is told once."""
    session = Session.objects.select_related("course", "course__la").filter(pk=session_id).first()
    places = list(Place.objects.filter(pk__in=place_ids, session_id=session_id, booking__school_id=school_id))
    if session is None or not places:
        return None
    school = places[0].booking.school
    to = _people_of(school, places)
    context = {"session": session, "school": school, "places": places, "link": _school_page(school)}
    return ("training/emails/cancelled.txt", to, context) if to else None


@email_builder("training-reminder")
def reminder_email(*, session_id: int, school_id: int):
    """A few days before the session, to a school with confirmed places on it."""
    session = Session.objects.select_related("course").filter(pk=session_id, cancelled_at__isnull=True).first()
    if session is None:
        return None
    places = list(
        session.places.filter(state=Place.State.CONFIRMED, booking__school_id=school_id).select_related(
            "booking__school__la"
        )
    )
    if not places:
        return None
    school = places[0].booking.school
    to = _people_of(school, places)
    context = {"session": session, "school": school, "places": places, "link": _school_page(school)}
    attachments = [("core-training.ics", session_ics(session), "text/calendar")]
    return ("training/emails/reminder.txt", to, context, attachments) if to else None


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


@shared_task
def send_reminders() -> int:
    """Periodic: remind schools of sessions in the next few days (one email per school and session)."""
    due = reminders_due()
    for session_id, la_id in due:
        with scope(la=la_id):
            schools = set(
                Place.objects.filter(session_id=session_id, state=Place.State.CONFIRMED).values_list(
                    "booking__school_id", flat=True
                )
            )
        for school_id in sorted(schools):
            email_request(
                kind="training-reminder",
                event_key=f"training-reminder:{session_id}:{school_id}",
                la_id=la_id,
                session_id=session_id,
                school_id=school_id,
            )
    return len(due)


@shared_task
def expire_offers() -> int:
    """Periodic: lapse offers not taken up in time and offer each seat to the next in the list."""
    return services.offers_expire()


def render_in_scope(document: TrainingDocument) -> None:
    from .documents import document_render

    with scope(la=document.session.course.la_id):
        document_render(document)


@shared_task(**job_task_options(TrainingDocument))
def render_document(self, document_id: int) -> None:
    """Render a register or certificate PDF; a second message for the same row does nothing."""
    run_job(TrainingDocument, document_id, render_in_scope, task=self)
