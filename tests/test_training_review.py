"""Core training as a reviewer found it walking the demo: each problem they met, put right."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Role
from reports.forms import NewVersionForm
from training import services
from training.models import Booking, Place, Session

from .factories import MembershipFactory, PlanActionFactory, PriorityFactory, UserFactory
from .test_training import book_data, places_of, second_head, url
from .training_factories import BookingFactory, PlaceFactory, SessionFactory

SESSION = {
    "date": "2027-01-20",
    "starts_at": "09:30",
    "ends_at": "15:30",
    "venue": "Norwich Professional Development Centre",
    "capacity": "20",
    "minimum_places": "0",
    "booking_deadline": "2027-01-13",
    "target_group": "",
}


@pytest.fixture
def session(world):
    with scopes_disabled():
        return SessionFactory(course__la=world.a.la, capacity=3)


# 1. A second session of a course booked, the first booking's author gone ---------------------


def test_booking_a_second_session_works_when_nobody_is_recorded_as_making_the_first_booking(client, world, session):
    with scopes_disabled():
        BookingFactory(school=world.a.school, course=session.course, created_by=None)
    client.force_login(world.a.head)
    response = client.post(url("book", world.a, session.pk), book_data(["Ms Aisha Khan"]))
    assert response.status_code == 302
    assert places_of(session) == {"Ms Aisha Khan": "confirmed"}


def test_a_booking_whose_author_was_deleted_can_still_be_changed(client, world, session):
    with scopes_disabled():
        author = UserFactory(email="deputy.926@example.org", full_name="Deputy Head")
        MembershipFactory(user=author, role=Role.HEADTEACHER, la=world.a.la, school=world.a.school)
    client.force_login(author)
    client.post(url("book", world.a, session.pk), book_data(["Ms Aisha Khan"]))
    with scopes_disabled():
        Membership.objects.filter(user=author).delete()
        author.delete()
        assert Booking.objects.get(school=world.a.school, course=session.course).created_by is None
        later = SessionFactory(course=session.course, date=session.date + datetime.timedelta(days=7))
    client.force_login(world.a.head)
    response = client.post(url("book", world.a, later.pk), book_data(["Mr Owen Bell"]))
    assert response.status_code == 302 and places_of(later) == {"Mr Owen Bell": "confirmed"}


# 2. A session's rules in plain words, on the field they are about -----------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_at": "09:00"}, "ends_at", "End time must be after the start time"),
        (
            {"booking_deadline": "2027-01-25"},
            "booking_deadline",
            "Booking deadline must be on or before the day of the session",
        ),
        ({"minimum_places": "25"}, "minimum_places", "Minimum numbers must not be more than the places"),
    ],
)
def test_a_session_that_breaks_a_rule_says_which_in_words_on_its_field(client, world, change, field, message):
    with scopes_disabled():
        course = SessionFactory(course__la=world.a.la).course
    client.force_login(world.a.la_admin)
    response = client.post(url("session-new", world.a, course.pk), {**SESSION, **change})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Constraint" not in page and "is violated" not in page
    assert page.count(message) == 2, "once in the error summary and once on the field"
    assert f'href="#id_{field}' in page
    assert f'id="id_{field}-error"' in page or f'id="id_{field}_0-error"' in page or "govuk-form-group--error" in page
    with scope(la=world.a.la.pk):
        assert Session.objects.filter(course=course).count() == 1


# 3. No new sessions in the past; Book only while booking is open ------------------------------


def test_a_new_session_dated_before_today_is_refused(client, world):
    with scopes_disabled():
        course = SessionFactory(course__la=world.a.la).course
    client.force_login(world.a.la_admin)
    response = client.post(
        url("session-new", world.a, course.pk), {**SESSION, "date": "2026-11-20", "booking_deadline": "2026-11-13"}
    )
    page = response.content.decode()
    assert "Date must be today or in the future" in page
    with scope(la=world.a.la.pk):
        assert Session.objects.filter(course=course).count() == 1


def test_a_past_session_can_still_be_changed_for_its_register(client, world):
    with scopes_disabled():
        past = SessionFactory(
            course__la=world.a.la, date=datetime.date(2026, 11, 20), booking_deadline=datetime.date(2026, 11, 13)
        )
    client.force_login(world.a.la_admin)
    response = client.post(
        url("session-edit", world.a, past.pk),
        {**SESSION, "date": "2026-11-20", "booking_deadline": "2026-11-13", "venue": "The lecture theatre"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        past.refresh_from_db()
        assert past.venue == "The lecture theatre"


def _status_cells(page: str, session: Session) -> str:
    """The programme row of a session: from its date link to the end of the row."""
    start = page.index(f"/sessions/{session.pk}/")
    return page[start : page.index("</tr>", start)]


def test_the_programme_offers_book_only_while_booking_is_open_and_never_places_left_for_a_past_session(client, world):
    today = timezone.localdate()
    with scopes_disabled():
        open_session = SessionFactory(course__la=world.a.la)
        course = open_session.course
        closed = SessionFactory(
            course=course, date=today + datetime.timedelta(days=3), booking_deadline=today - datetime.timedelta(days=1)
        )
        past = SessionFactory(
            course=course, date=datetime.date(2026, 11, 20), booking_deadline=datetime.date(2026, 11, 13)
        )
        PlaceFactory(session=past, booking__school=world.a.other_school, booking__course=course, attendance="attended")
    client.force_login(world.a.head)
    page = client.get(url("programme", world.a)).content.decode()
    assert ">Book<" in _status_cells(page, open_session) and "Places left" in _status_cells(page, open_session)
    for shut in (closed, past):
        row = _status_cells(page, shut)
        assert ">Book<" not in row and "Booking closed" in row
    assert "Places left" not in _status_cells(page, past)
    for shut in (closed, past):
        detail = client.get(url("session", world.a, shut.pk)).content.decode()
        assert "Book places" not in detail and "Join the waiting list" not in detail
    assert "Places left" not in client.get(url("session", world.a, past.pk)).content.decode()
    client.force_login(world.a.la_admin)
    assert "Places left" not in client.get(url("session", world.a, past.pk)).content.decode()


# 4. The booking form's errors name their question; this year's plan actions only ---------------


def test_each_unanswered_question_is_named_in_the_error_summary(client, world, session):
    client.force_login(world.a.head)
    page = client.post(url("book", world.a, session.pk), book_data(["Ms Khan"], answers={})).content.decode()
    assert "Enter an answer" not in page
    for message in (
        "Enter who will attend each session",
        "Enter when they will do the pre-course work and what is needed",
        "Enter how the follow-up work is incorporated into Key Stage 3 planning",
        "Enter what resources and support senior leaders will provide",
        "Enter what improvements in teaching and learning you expect",
        "Enter how progress will be monitored and improvements evaluated",
    ):
        assert page.count(message) == 2, message


def test_the_plan_action_picker_lists_this_years_actions_only(client, world, session):
    with scopes_disabled():
        last_year = PriorityFactory(
            school=world.a.school, starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 7, 31)
        )
        PlanActionFactory(priority=last_year, description="Last year's reading action")
        PlanActionFactory(priority__school=world.a.school, description="This year's reading action")
    client.force_login(world.a.head)
    page = client.get(url("book", world.a, session.pk)).content.decode()
    assert "This year&#x27;s reading action" in page
    assert "Last year&#x27;s reading action" not in page


def test_a_new_report_version_without_a_reason_asks_for_the_reason():
    form = NewVersionForm({})
    assert form.errors["reason"] == ["Enter the reason for a new version"]


# 5. The demo's sessions fall on school days ------------------------------------------------------


def test_the_demo_runs_sessions_on_school_days_and_its_past_session_shows_no_places_left(client, db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with scopes_disabled():
        sessions = list(Session.objects.filter(course__la__code__in=["302", "352", "926"]))
        assert sessions
        for s in sessions:
            assert s.date.weekday() < 5, s.date
            assert not (s.date.month == 12 and s.date.day >= 19) and not (s.date.month == 1 and s.date.day <= 3), s.date
        past = Session.objects.get(course__la__code="926", date__lt=timezone.localdate())
        admin = Membership.objects.get(user__email="la-admin.926@demo.test").user
        # The first on a waiting list is a school with someone to answer an offer.
        for waiting in Session.objects.filter(places__state="waiting").distinct():
            first = waiting.places.waiting().select_related("booking__school").first()
            assert Membership.objects.filter(
                school=first.booking.school, role__in=[Role.HEADTEACHER, Role.TRAINING_CONTACT]
            ).exists(), first
        for offered in Place.objects.filter(state="offered", session__course__la__code__in=["302", "352", "926"]):
            assert Membership.objects.filter(
                school=offered.booking.school_id, role__in=[Role.HEADTEACHER, Role.TRAINING_CONTACT]
            ).exists()
        for booking in Booking.objects.filter(school__la__code="926", school__memberships__role=Role.HEADTEACHER):
            assert booking.created_by is not None
    client.force_login(admin)
    page = client.get(url_for_demo(past)).content.decode()
    assert "Places left" not in page


def url_for_demo(session: Session) -> str:
    from django.urls import reverse

    return reverse("training:session", args=["926", session.pk])


# 6. An offer nobody at the school can answer ----------------------------------------------------


def test_an_offer_to_a_school_with_no_portal_user_is_shown_to_the_la_and_sends_no_empty_email(
    client, world, session, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        for _ in range(3):
            PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)
        waiting = PlaceFactory(
            session=session,
            booking__school=world.a.other_school,
            booking__course=session.course,
            staff_name="Ms Chloe Dunn",
            state=Place.State.WAITING,
            waiting_since=timezone.now(),
        )
        first = Place.objects.filter(session=session, booking__school=world.a.school).first()
    with django_capture_on_commit_callbacks(execute=True), scope(la=world.a.la.pk):
        services.place_cancel(actor=world.a.head, place=first)
    assert places_of(session)["Ms Chloe Dunn"] == "offered"
    assert mail.outbox == [], "nobody to send the offer to"
    client.force_login(world.a.la_admin)
    page = client.get(url("session", world.a, session.pk)).content.decode()
    assert f"No one at {world.a.other_school.name} can answer this offer" in page
    # Once the school has a head on the portal, the warning goes and the offer reaches them.
    head2 = second_head(world.a)
    page = client.get(url("session", world.a, session.pk)).content.decode()
    assert "can answer this offer" not in page
    with scopes_disabled():
        waiting.refresh_from_db()
    from training.tasks import offer_email

    with scope(la=world.a.la.pk):
        _template, to, _context = offer_email(place_id=waiting.pk)
    assert to == [head2.email]
