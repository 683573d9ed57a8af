import pytest
from django.core.management import call_command

from .conftest import assert_accessible
from .test_form1 import demo_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_plan_action_edited_in_two_places_shows_both_versions_and_then_saves(page, chromium, live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    demo_sign_in(page, "head.926@demo.test")
    page.goto("/la/926/schools/830301/priorities/plan/")
    page.locator(".govuk-summary-card__action a", has_text="Change").first.click()
    action_url = page.url

    # Meanwhile the SIP changes the same action and saves.
    other = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    sip = other.new_page()
    demo_sign_in(sip, "sip.926@demo.test")
    sip.goto(action_url)
    sip.get_by_label("Action").fill("The SIP's wording of the action")
    sip.get_by_role("button", name="Save the action").click()
    sip.wait_for_url(lambda url: url.endswith("/priorities/plan/"))
    other.close()

    # The head, on a phone, saves what they typed: both versions are shown, nothing is lost.
    page.set_viewport_size({"width": 320, "height": 800})
    page.get_by_label("Action").fill("The head's wording of the action")
    page.get_by_role("button", name="Save the action").click()
    panel = page.locator("#conflict")
    assert "The SIP's wording of the action" in panel.inner_text()
    assert "The head's wording of the action" in panel.inner_text()
    assert page.get_by_label("Action").input_value() == "The head's wording of the action"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)

    page.get_by_role("button", name="Save the action").click()
    page.wait_for_url(lambda url: url.endswith("/priorities/plan/"))
    assert "The head's wording of the action" in page.content()
