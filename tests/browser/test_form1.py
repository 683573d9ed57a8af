import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from demo.management.commands.seed_demo import DEMO_PASSWORD
from schools.models import School
from tenancy.academic_year import academic_year_label, current_academic_year

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (LA, its demo Gaining Ground school, the matching body's account and area)
ROUTES = [
    ("926", "830301", "ssat@demo.test", "ssat"),
    ("302", "830101", "college@demo.test", "national-college"),
    ("352", "830201", "college@demo.test", "national-college"),
]


def demo_sign_in(page, email):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


@pytest.mark.parametrize(("la", "urn", "body_account", "body"), ROUTES)
def test_form_1_goes_from_the_head_through_the_sip_to_the_right_matching_body(page, la, urn, body_account, body):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    demo_sign_in(page, f"head.{la}@demo.test")
    page.goto(f"/la/{la}/schools/{urn}/")
    page.get_by_role("link", name="School Priority Profile (Form 1)").click()
    page.get_by_role("button", name="Start this year's profile").click()
    assert_accessible(page)

    # The task list: contact details first (prefilled; the phone numbers are missing).
    page.get_by_role("link", name="Contact details").click()
    page.get_by_label("Key contact at school: phone number").fill("01603 000111")
    page.get_by_label("SIP: phone number").fill("07700 900111")
    page.get_by_role("button", name="Save and continue").click()

    # Priorities come prefilled from the school's plan; try saving only two, see the error.
    page.get_by_role("link", name="Priorities and key focus areas").click()
    page.locator("#id_priorities-2-priority").fill("")
    page.locator("#id_priorities-2-key_focus_areas").fill("")
    for box in ("starts_on_0", "starts_on_1", "ends_on_0", "ends_on_1"):
        page.locator(f"#id_priorities-2-{box}").fill("")
    page.get_by_role("button", name="Save and continue").click()
    assert "Give at least 3 and at most 5 priorities; you gave 2." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.locator("#id_priorities-2-priority").fill("Attendance of the tracked Year 10 group")
    page.locator("#id_priorities-2-key_focus_areas").fill("First-day calling; mentoring")
    page.locator("#id_priorities-2-starts_on_0").fill("9")
    page.locator("#id_priorities-2-starts_on_1").fill("2026")
    page.locator("#id_priorities-2-ends_on_0").fill("7")
    page.locator("#id_priorities-2-ends_on_1").fill("2027")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="The three most important issues").click()
    page.wait_for_url("**/most-important/")
    boxes = page.get_by_role("checkbox")
    boxes.first.wait_for()  # .all() does not wait for the page to arrive
    for box in boxes.all()[:3]:
        box.check()
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Check answers and send").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send to the SIP").click()
    assert "sent to the SIP" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    demo_sign_in(page, f"sip.{la}@demo.test")
    page.goto(f"/la/{la}/schools/{urn}/priorities/profile/")
    page.get_by_role("link", name=f"Version 1 of {academic_year_label(current_academic_year())}").click()
    page.get_by_role("link", name="Check answers").click()
    page.get_by_role("button", name="Agree the profile").click()
    submit = "Submit to SSAT" if body == "ssat" else "Submit to the National College"
    page.get_by_role("button", name=submit).click()
    assert "submitted to" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    demo_sign_in(page, body_account)
    page.goto(f"/national/{body}/profiles/")
    with scopes_disabled():
        name = School.objects.get(urn=urn).name
    page.get_by_role("link", name=name).click()
    page.wait_for_url(f"**/national/{body}/profiles/*/")
    assert "Attendance of the tracked Year 10 group" in page.content()
    assert_accessible(page)
    other = "national-college" if body == "ssat" else "ssat"
    other_account = "college@demo.test" if body == "ssat" else "ssat@demo.test"
    sign_out(page)
    demo_sign_in(page, other_account)
    page.goto(f"/national/{other}/profiles/")
    # The demo has other schools' profiles in both queues; this school's is never in the other one.
    assert "School Priority Profiles to match" in page.content() and name not in page.content()
