"""What a session's register and a certificate of attendance hold, and the worker's rendering of them.

Both go through the portal's one PDF pipeline (`jobs.pdf`): tagged PDF/UA, static files only.
"""

import hashlib
import json

from django.template.loader import render_to_string
from django.utils.text import slugify

from jobs.documents import render_job_pdf

from .models import Place, Session, TrainingDocument


def register_places(session: Session):
    """The booked places the register lists, by school and name (one query)."""
    return (
        session.places.filter(state=Place.State.CONFIRMED)
        .select_related("booking__school")
        .order_by("booking__school__name", "staff_name", "pk")
    )


def register_key(session: Session, places) -> str:
    """A digest of everything the register shows: the same register always has the same key."""
    content = [
        str(session.course),
        session.date.isoformat(),
        session.starts_at.isoformat(),
        session.ends_at.isoformat(),
        session.venue,
        session.target_group,
        [(p.pk, p.booking.school.name, p.booking.school.urn, p.staff_name, p.attendance) for p in places],
    ]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def certificate_key(place: Place) -> str:
    return f"place-{place.pk}"


def register_html(session: Session, places) -> str:
    counts = {label: sum(p.attendance == value for p in places) for value, label in Place.Attendance.choices}
    return render_to_string(
        "training/pdf/register.html",
        {
            "session": session,
            "la": session.course.la,
            "places": places,
            "counts": counts,
            "unmarked": sum(not p.attendance for p in places),
        },
    )


def certificate_html(place: Place) -> str:
    return render_to_string(
        "training/pdf/certificate.html",
        {"place": place, "session": place.session, "course": place.session.course, "la": place.session.course.la},
    )


def document_filename(document: TrainingDocument) -> str:
    session = document.session
    course = slugify(str(session.course))[:80]
    if document.kind == TrainingDocument.Kind.CERTIFICATE:
        return f"certificate-{slugify(document.place.staff_name)[:60]}-{course}-{session.date:%Y-%m-%d}.pdf"
    return f"register-{course}-{session.date:%Y-%m-%d}.pdf"


def document_render(document: TrainingDocument) -> None:
    """Render the register or certificate and finish its job in one transaction (the runner called us)."""
    session = Session.objects.select_related("course__la").get(pk=document.session_id)
    if document.kind == TrainingDocument.Kind.CERTIFICATE:
        place = Place.objects.select_related("booking__school", "session__course__la").get(pk=document.place_id)
        html = certificate_html(place)
    else:
        html = register_html(session, list(register_places(session)))
    render_job_pdf(document, html=html, filename=document_filename(document))
