import pytest
from django.core import mail

from tests.factories import PASSWORD

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def test_a_headteacher_signs_in_by_keyboard_and_sees_only_their_own_la(page, world):
    page.goto("/")
    assert page.url.endswith("/accounts/sign-in/?next=/")
    assert_accessible(page)

    # The first Tab reaches the skip link; the form is usable with the keyboard alone.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.get_by_label("Email address").focus()
    page.keyboard.type(world.a.head.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/la/926/schools/{world.a.school.urn}/")
    assert page.get_by_role("heading", level=1).inner_text() == world.a.school.name
    assert page.get_by_test_id("active-la").inner_text() == "Norfolk (926)"
    assert_accessible(page)

    response = page.goto(f"/la/302/schools/{world.b.school.urn}/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert world.b.school.name not in page.content()


def test_an_la_admin_corrects_a_mistake_and_sends_an_invitation(page, world):
    sign_in(page, world.a.la_admin.email)
    page.wait_for_url("**/la/926/")
    assert_accessible(page)
    page.get_by_role("link", name="Invitations").click()
    page.get_by_role("button", name="Invite someone").or_(page.get_by_role("link", name="Invite someone")).first.click()

    page.get_by_label("Email address").fill("new.head@example.org")
    page.get_by_label("Headteacher", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()

    # The error summary names the problem, links to the field, and what was typed is kept.
    summary = page.locator(".govuk-error-summary")
    assert "Choose the school for this role." in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Email address").input_value() == "new.head@example.org"
    assert_accessible(page)
    summary.get_by_role("link", name="Choose the school for this role.").click()
    assert page.evaluate("document.activeElement.id") == "id_school"

    page.get_by_label("School", exact=True).select_option(label=world.a.school.name)
    page.get_by_role("button", name="Send the invitation").click()
    assert "Invitation sent to new.head@example.org." in page.locator(".govuk-notification-banner").inner_text()
    assert [m.to for m in mail.outbox] == [["new.head@example.org"]]
    assert_accessible(page)
