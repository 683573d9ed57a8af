"""Core training on paper: the register as CSV and PDF, certificates of attendance, and the school's
training contact, who books for the school and sees nothing else of it."""

import datetime
import io
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from accounts.models import Membership, Role
from audit.models import Action, AuditEvent
from jobs.models import JobState
from training.models import Place, TrainingDocument

from .factories import MembershipFactory, UserFactory
from .test_training import ANSWERS, book_data, places_of, url
from .training_factories import PlaceFactory, SessionFactory


def pdf_text(document: TrainingDocument) -> str:
    with default_storage.open(document.file.name, "rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def response_pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def contact_for(la_world, school=None):
    with scopes_disabled():
        user = UserFactory(email=f"training.{la_world.la.code}@example.org", full_name="Tara Contact")
        MembershipFactory(user=user, role=Role.TRAINING_CONTACT, la=la_world.la, school=school or la_world.school)
    return user


@pytest.fixture
def held(world):
    """A session held two days ago with three people from two schools; the register not taken yet."""
    with scopes_disabled():
        session = SessionFactory(
            course__la=world.a.la,
            course__title="Interacting with mathematics at Key Stage 3",
            course__part=2,
            course__subject="mathematics",
            venue="Norfolk Education Centre, Norwich",
            date=timezone.localdate() - datetime.timedelta(days=2),
            booking_deadline=timezone.localdate() - datetime.timedelta(days=9),
        )
        places = [
            PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course, staff_name=n)
            for n in ("Ms Aisha Khan", "=cmd|' /C calc'!A0")
        ]
        places.append(
            PlaceFactory(
                session=session,
                booking__school=world.a.other_school,
                booking__course=session.course,
                staff_name="Mr Ray Other",
            )
        )
    return session, places


def take_register(client, world, session, marks, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("register", world.a, session.pk), {f"mark-{p.pk}": m for p, m in marks})
    assert response.status_code == 302


# The register ----------------------------------------------------------------------------------


def test_the_register_csv_neutralises_every_cell_and_each_download_is_audited(client, world, held):
    session, (khan, formula, other) = held
    with scopes_disabled():
        session.venue = "=HYPERLINK(1)"
        session.save()
        Place.objects.filter(pk=khan.pk).update(staff_email="+44@school.example.org", attendance="attended")
    client.force_login(world.a.la_admin)
    response = client.get(url("register-csv", world.a, session.pk))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Course,Date,Venue,School,URN,Name,Email,Attendance")
    assert len(rows) == 4
    assert all(",'=HYPERLINK(1)," in row for row in rows[1:])
    assert any("'+44@school.example.org" in row and "Attended" in row for row in rows)
    assert any("'=cmd|" in row for row in rows)
    event = AuditEvent.objects.with_scope(la=world.a.la.pk).get(action=Action.TRAINING_DOWNLOADED)
    assert event.actor == world.a.la_admin and event.detail["format"] == "csv"


def test_the_la_prints_the_register_as_a_pdf_made_by_the_workers(
    client, world, held, django_capture_on_commit_callbacks
):
    session, (khan, formula, other) = held
    marks = [(khan, "attended"), (formula, "cancelled-late"), (other, "absent")]
    take_register(client, world, session, marks, django_capture_on_commit_callbacks)
    page = client.get(url("register", world.a, session.pk)).content.decode()
    assert "Make the register as a PDF to print" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("register-pdf-request", world.a, session.pk))
    page = client.get(url("register", world.a, session.pk)).content.decode()
    assert "Download the register to print (PDF, 1 page)" in page
    response = client.get(url("register-pdf", world.a, session.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "register-interacting-with-mathematics-at-key-stage-3-part-2" in response["Content-Disposition"]
    text = response_pdf_text(response)
    assert "Register: Interacting with mathematics at Key Stage 3, Part 2" in text
    assert "Norfolk Education Centre, Norwich" in text and world.a.la.name in text
    for name, mark in (("Ms Aisha Khan", "Attended"), ("Mr Ray Other", "Absent")):
        assert name in text and mark in text
    assert "Cancelled late" in text
    with scope(la=world.a.la.pk):
        document = TrainingDocument.objects.get(kind="register")
        event = AuditEvent.objects.filter(action=Action.TRAINING_DOWNLOADED).get()
    with default_storage.open(document.file.name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    catalogue = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue and catalogue["/Lang"] == "en-GB", "a tagged PDF a screen reader reads"
    assert reader.metadata.title.startswith("Register: Interacting with mathematics")
    assert event.detail == {"kind": "register", "session": session.pk, "document": document.pk, "format": "pdf"}


def test_the_same_register_asked_for_twice_is_one_pdf_and_a_changed_register_is_a_new_one(
    client, world, held, django_capture_on_commit_callbacks
):
    session, (khan, *_) = held
    client.force_login(world.a.la_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("register-pdf-request", world.a, session.pk))
        client.post(url("register-pdf-request", world.a, session.pk))
    with scope(la=world.a.la.pk):
        assert TrainingDocument.objects.filter(kind="register").count() == 1
    take_register(client, world, session, [(khan, "attended")], django_capture_on_commit_callbacks)
    page = client.get(url("register", world.a, session.pk)).content.decode()
    assert "Make the register as a PDF to print" in page, "the earlier PDF no longer shows the register"
    response = client.get(url("register-pdf", world.a, session.pk))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("register-pdf-request", world.a, session.pk))
    with scope(la=world.a.la.pk):
        assert TrainingDocument.objects.filter(kind="register", state=JobState.DONE).count() == 2
    assert "Attended" in response_pdf_text(client.get(url("register-pdf", world.a, session.pk)))


@pytest.mark.parametrize("role", ["sip", "head", "governor"])
def test_only_the_las_administrators_download_the_register(client, world, held, role):
    session, _ = held
    client.force_login(world.a.people[role])
    for name in ("register-csv", "register-pdf"):
        assert client.get(url(name, world.a, session.pk)).status_code == 404
    assert client.post(url("register-pdf-request", world.a, session.pk)).status_code == 404
    client.force_login(world.b.la_admin)
    assert client.get(url("register-csv", world.a, session.pk)).status_code == 404
    assert client.get(reverse("training:register-csv", args=[world.b.la.code, session.pk])).status_code == 404


# Certificates ----------------------------------------------------------------------------------


def test_staff_marked_attended_get_a_certificate_their_head_downloads(
    client, world, held, django_capture_on_commit_callbacks
):
    session, (khan, formula, other) = held
    take_register(client, world, session, [(khan, "attended"), (formula, "absent")], django_capture_on_commit_callbacks)
    with scope(la=world.a.la.pk):
        [certificate] = TrainingDocument.objects.filter(kind="certificate")
    assert certificate.place_id == khan.pk and certificate.state == JobState.DONE
    text = re.sub(r"\s+", " ", pdf_text(certificate))
    for words in (
        "Certificate of attendance",
        "Ms Aisha Khan",
        "Interacting with mathematics at Key Stage 3, Part 2",
        f"{session.date:%-d %B %Y}",
        "Norfolk Education Centre, Norwich",
        world.a.la.name,
    ):
        assert words in text
    client.force_login(world.a.head)
    page = client.get(url("school", world.a, world.a.school.urn)).content.decode()
    assert url("certificate", world.a, khan.pk) in page
    assert url("certificate", world.a, formula.pk) not in page
    response = client.get(url("certificate", world.a, khan.pk))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "certificate-ms-aisha-khan-interacting-with-mathematics" in response["Content-Disposition"]
    assert "Ms Aisha Khan" in response_pdf_text(response)
    event = AuditEvent.objects.with_scope(la=world.a.la.pk).get(action=Action.TRAINING_DOWNLOADED)
    assert (event.actor, event.school_id, event.detail["person"]) == (world.a.head, world.a.school.pk, "Ms Aisha Khan")
    # Someone not marked attended has no certificate to download.
    assert client.get(url("certificate", world.a, formula.pk)).status_code == 404


def test_a_certificate_is_for_its_school_and_the_la_only(client, world, held, django_capture_on_commit_callbacks):
    session, (khan, _, other) = held
    take_register(client, world, session, [(khan, "attended"), (other, "attended")], django_capture_on_commit_callbacks)
    answers = {
        world.a.la_admin: 200,
        world.a.head: 200,
        contact_for(world.a): 200,
        world.a.sip: 404,
        world.a.governor: 404,
        world.b.la_admin: 404,
        world.b.head: 404,
    }
    for person, expected in answers.items():
        client.force_login(person)
        assert client.get(url("certificate", world.a, khan.pk)).status_code == expected, person
    client.force_login(world.a.head)
    assert client.get(url("certificate", world.a, other.pk)).status_code == 404, "another school's certificate"


def test_a_certificate_whose_making_failed_can_be_asked_for_again(
    client, world, held, django_capture_on_commit_callbacks
):
    session, (khan, *_) = held
    take_register(client, world, session, [(khan, "attended")], django_capture_on_commit_callbacks)
    with scopes_disabled():
        TrainingDocument.objects.filter(place=khan).update(state=JobState.FAILED, failure="It broke.", file="")
    client.force_login(world.a.head)
    page = client.get(url("school", world.a, world.a.school.urn)).content.decode()
    assert "Make the certificate" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("certificate-request", world.a, khan.pk))
    assert client.get(url("certificate", world.a, khan.pk)).status_code == 200


# The school's training contact -------------------------------------------------------------------


def test_a_head_invites_a_training_contact_who_lands_on_the_schools_training(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.head)
    page = client.get(url("school", world.a, world.a.school.urn)).content.decode()
    assert "The school's training contact" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("contact", world.a, world.a.school.urn),
            {"email": "Tara.Smith@School.example.org", "full_name": "Tara"},
        )
    assert response.status_code == 302
    [invitation_email] = mail.outbox
    assert "as school training contact for" in invitation_email.body
    link = re.search(r"http://\S+/accounts/invitations/\S+/", invitation_email.body).group(0)
    client.logout()
    client.post(
        urlparse(link).path,
        {"full_name": "Tara Smith", "password1": "a long pass phrase 7", "password2": "a long pass phrase 7"},
    )
    with scopes_disabled():
        membership = Membership.objects.get(user__email="tara.smith@school.example.org")
    assert (membership.role, membership.school) == (Role.TRAINING_CONTACT, world.a.school)
    response = client.get("/")
    assert response["Location"] == url("school", world.a, world.a.school.urn)
    page = client.get(response["Location"]).content.decode()
    assert "Back to" not in page and "The school's training contact" not in page
    nav = client.get(reverse("overview:home", args=[world.a.la.code])).content.decode()
    assert "Core training" in nav and ">Schools<" not in nav and "Core training of" in nav


def test_the_training_contact_books_cancels_takes_offers_and_records_what_changed(
    client, world, django_capture_on_commit_callbacks
):
    contact = contact_for(world.a)
    with scopes_disabled():
        session = SessionFactory(course__la=world.a.la, capacity=1)
        PlaceFactory(session=session, booking__school=world.a.other_school, booking__course=session.course)
    client.force_login(contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("book", world.a, session.pk), book_data(["Ms Aisha Khan", "Mr Owen Bell"]))
    assert response.status_code == 302
    assert places_of(session)["Ms Aisha Khan"] == "waiting"
    assert contact.email in mail.outbox[0].to, "the contact hears about the bookings"
    with scopes_disabled():
        taken = Place.objects.get(session=session, booking__school=world.a.other_school)
        khan = Place.objects.get(staff_name="Ms Aisha Khan")
        bell = Place.objects.get(staff_name="Mr Owen Bell")
    with scope(la=world.a.la.pk):
        from training import services

        services.place_cancel(actor=world.a.la_admin, place=taken)
    client.post(url("offer-accept", world.a, khan.pk))
    client.post(url("place-cancel", world.a, bell.pk))
    assert places_of(session) == {
        taken.staff_name: "cancelled",
        "Ms Aisha Khan": "confirmed",
        "Mr Owen Bell": "cancelled",
    }
    with scopes_disabled():
        past = SessionFactory(
            course__la=world.a.la,
            date=timezone.localdate() - datetime.timedelta(days=1),
            booking_deadline=timezone.localdate() - datetime.timedelta(days=7),
        )
        came = PlaceFactory(session=past, booking__school=world.a.school, booking__course=past.course)
    client.post(url("place-impact", world.a, came.pk), {"impact": "Guided writing every week."})
    came.refresh_from_db()
    assert came.impact == "Guided writing every week."
    with scopes_disabled():
        assert ANSWERS["monitoring"] in str(session.course.bookings.get(school=world.a.school).monitoring)


def test_the_training_contact_sees_nothing_else_of_the_school(client, world):
    contact = contact_for(world.a)
    client.force_login(contact)
    school = world.a.school
    for name in ("schools:detail", "schools:reports:list", "visits:list", "schools:priorities:profile-home"):
        assert client.get(reverse(name, args=[world.a.la.code, school.urn])).status_code == 404, name
    assert client.get(reverse("schools:priorities:plan", args=[world.a.la.code, school.urn])).status_code == 404
    assert client.get(reverse("schools:list", args=[world.a.la.code])).status_code == 403
    assert client.get(url("contact", world.a, school.urn)).status_code == 404, "only the head names the contact"
    assert client.get(url("school", world.a, world.a.other_school.urn)).status_code == 404
    assert client.get(url("take-up", world.a)).status_code == 403
    assert client.get(url("school", world.a, school.urn)).status_code == 200
    assert client.get(url("programme", world.a)).status_code == 200


def test_the_training_contact_books_only_for_their_own_school(client, world):
    contact = contact_for(world.a)
    with scopes_disabled():
        session = SessionFactory(course__la=world.a.la)
        theirs = PlaceFactory(session=session, booking__school=world.a.other_school, booking__course=session.course)
    client.force_login(contact)
    client.post(url("book", world.a, session.pk), book_data(["Ms Khan"]) | {"school": world.a.other_school.urn})
    with scopes_disabled():
        assert Place.objects.get(staff_name="Ms Khan").booking.school == world.a.school
    assert client.post(url("place-cancel", world.a, theirs.pk)).status_code == 404
    assert places_of(session)[theirs.staff_name] == "confirmed"


def test_the_head_removes_the_training_contact_and_withdraws_an_invitation(client, world):
    contact = contact_for(world.a)
    client.force_login(world.a.head)
    client.post(url("contact", world.a, world.a.school.urn), {"email": "next@school.example.org"})
    page = client.get(url("contact", world.a, world.a.school.urn)).content.decode()
    assert "Tara Contact" in page and "next@school.example.org" in page
    with scopes_disabled():
        membership = Membership.objects.get(user=contact)
        invitation = world.a.la.invitations.get(email="next@school.example.org")
    client.post(url("contact-revoke", world.a, world.a.school.urn, invitation.pk))
    client.post(url("contact-remove", world.a, world.a.school.urn, membership.pk))
    with scopes_disabled():
        assert not Membership.objects.filter(user=contact).exists()
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None
    client.force_login(contact)
    assert client.get(url("school", world.a, world.a.school.urn)).status_code == 404
    # Another school's contact cannot be removed through this school's page.
    other = contact_for(world.b)
    with scopes_disabled():
        theirs = Membership.objects.get(user=other)
    client.force_login(world.a.head)
    assert client.post(url("contact-remove", world.a, world.a.school.urn, theirs.pk)).status_code == 404


def test_a_governor_cannot_name_a_training_contact(client, world):
    client.force_login(world.a.governor)
    assert client.get(url("contact", world.a, world.a.school.urn)).status_code == 403
