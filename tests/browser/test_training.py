import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.factories import MembershipFactory, UserFactory
from training.models import Place
from training.programme import SENIOR_LEADER_QUESTIONS

from .conftest import assert_accessible
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name: str, day: datetime.date) -> None:
    """Type a date into the day, month and year boxes of a GOV.UK date input."""
    for index, value in enumerate((day.day, day.month, day.year)):
        page.locator(f"#id_{name}_{index}").fill(str(value))


def test_the_la_adds_a_session_two_schools_book_and_a_cancelled_place_is_offered_to_the_waiting_school(page, world):
    with scopes_disabled():
        head2 = UserFactory(email="head2.926@example.org", full_name="Second Head")
        MembershipFactory(user=head2, role=Role.HEADTEACHER, la=world.a.la, school=world.a.other_school)
    day = timezone.localdate() + datetime.timedelta(days=30)

    # The LA starts the year from the 2004–05 programme and adds a session of two places.
    sign_in(page, world.a.la_admin.email)
    page.goto("/la/926/training/")
    page.get_by_role("button", name="Add the 2004–05 programme's courses").click()
    assert "17 courses of the 2004–05 programme added" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="How to get more pupils from level 3 to level 5 in English, Part 1").click()
    page.get_by_role("button", name="Add a session").click()
    fill_date(page, "date", day)
    page.get_by_label("Venue").fill("Norfolk Education Centre, Norwich")
    page.get_by_label("Places").fill("2")
    fill_date(page, "booking_deadline", day - datetime.timedelta(days=7))
    page.get_by_label("Target group").fill("Teachers of pupils entering at level 3")
    assert_accessible(page)
    page.get_by_role("button", name="Save the session").click()
    page.wait_for_url("**/training/sessions/*/")
    session_url = page.url
    page.get_by_role("button", name="Sign out").click()

    # The first school's head books two named staff and answers the six questions.
    sign_in(page, world.a.head.email)
    page.goto(session_url)
    page.get_by_role("button", name="Book places").click()
    page.locator("#id_staff-0-name").fill("Ms Aisha Khan")
    page.locator("#id_staff-1-name").fill("Mr Owen Bell")
    for number, (_, question) in enumerate(SENIOR_LEADER_QUESTIONS, start=1):
        page.get_by_label(f"{number}. {question}").fill(f"Our answer to question {number}.")
    assert_accessible(page)
    page.get_by_role("button", name="Book", exact=True).click()
    assert "Booked: Ms Aisha Khan, Mr Owen Bell." in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The second school finds the session full and joins the waiting list.
    sign_in(page, head2.email)
    page.goto(session_url)
    assert "Full" in page.content()
    page.get_by_role("button", name="Join the waiting list").click()
    page.locator("#id_staff-0-name").fill("Mr Sanjay Patel")
    for number, (_, question) in enumerate(SENIOR_LEADER_QUESTIONS, start=1):
        page.get_by_label(f"{number}. {question}").fill(f"Second school, answer {number}.")
    page.get_by_role("button", name="Book", exact=True).click()
    assert "On the waiting list: Mr Sanjay Patel." in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name="Sign out").click()

    # The first school cancels one place; the second school is offered it.
    sign_in(page, world.a.head.email)
    page.goto(f"/la/926/training/schools/{world.a.school.urn}/")
    mail.outbox.clear()
    page.get_by_role("button", name="Cancel Mr Owen Bell's place").click()
    assert "Mr Owen Bell's place is cancelled." in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name="Sign out").click()
    with scopes_disabled():
        assert Place.objects.get(staff_name="Mr Sanjay Patel").state == Place.State.OFFERED
    assert [m.to for m in mail.outbox] == [[head2.email]]

    sign_in(page, head2.email)
    page.goto(f"/la/926/training/schools/{world.a.other_school.urn}/")
    assert "Offered a place" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Take the place for Mr Sanjay Patel").click()
    assert "Mr Sanjay Patel has the place." in page.locator(".govuk-notification-banner").inner_text()


def test_the_las_register_take_up_and_programme_pages_are_accessible(page, world):
    from tests.training_factories import PlaceFactory, SessionFactory

    with scopes_disabled():
        past = SessionFactory(
            course__la=world.a.la,
            date=timezone.localdate() - datetime.timedelta(days=1),
            booking_deadline=timezone.localdate() - datetime.timedelta(days=8),
            capacity=1,
        )
        PlaceFactory(session=past, booking__school=world.a.school, booking__course=past.course, staff_name="Ms Khan")
        PlaceFactory(
            session=past,
            booking__school=world.a.other_school,
            booking__course=past.course,
            state=Place.State.WAITING,
            waiting_since=timezone.now(),
        )
    sign_in(page, world.a.la_admin.email)
    page.goto(f"/la/926/training/sessions/{past.pk}/register/")
    assert_accessible(page)
    page.get_by_label("Attended").check()
    page.get_by_role("button", name="Save the register").click()
    assert "Register saved (1 changed)." in page.locator(".govuk-notification-banner").inner_text()
    for path in ("/la/926/training/", "/la/926/training/take-up/", f"/la/926/training/sessions/{past.pk}/"):
        page.goto(path)
        assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/la/926/training/sessions/{past.pk}/register/")
    assert_accessible(page)


def test_the_la_prints_the_register_and_the_head_names_a_training_contact(page, world):
    from tests.training_factories import PlaceFactory, SessionFactory

    with scopes_disabled():
        past = SessionFactory(
            course__la=world.a.la,
            date=timezone.localdate() - datetime.timedelta(days=1),
            booking_deadline=timezone.localdate() - datetime.timedelta(days=8),
        )
        PlaceFactory(session=past, booking__school=world.a.school, booking__course=past.course, staff_name="Ms Khan")
    sign_in(page, world.a.la_admin.email)
    page.goto(f"/la/926/training/sessions/{past.pk}/register/")
    page.get_by_label("Attended").check()
    page.get_by_role("button", name="Save the register").click()
    page.get_by_role("button", name="Make the register as a PDF to print").click()
    assert page.get_by_role("link", name="Download the register to print (PDF, 1 page)").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.a.head.email)
    page.goto(f"/la/926/training/schools/{world.a.school.urn}/")
    assert page.get_by_role("link", name="Certificate of attendance for Ms Khan (PDF)").is_visible()
    page.get_by_role("link", name="The school's training contact").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("tara@school.example.org")
    page.get_by_role("button", name="Send the invitation").click()
    assert "Invitation sent to tara@school.example.org." in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
