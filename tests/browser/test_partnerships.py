"""The commissioning journey across two LAs: SSAT matches a Norfolk profile with a Suffolk school,
the partner head accepts, the heads and the SIP agree strategies, the SIP approves and submits,
and the chair of governors reads the plan."""

import pytest
from django_scopes import scopes_disabled

from partnerships.models import MatchProposal, Partnership
from tests.factories import PASSWORD
from tests.partnership_world import build_match

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/**")


def agree_strategy(page, focus: str, strategy: str, lead: str) -> None:
    page.get_by_role("link", name=f"Agree the strategies for {focus}").click()
    page.locator("#id_strategies-0-strategy").fill(strategy)
    page.locator("#id_strategies-0-lead").fill(lead)
    for box, value in zip(("0", "1", "2"), ("11", "1", "2027"), strict=True):
        page.locator(f"#id_strategies-0-starts_on_{box}").fill(value)
    for box, value in zip(("0", "1", "2"), ("16", "7", "2027"), strict=True):
        page.locator(f"#id_strategies-0-ends_on_{box}").fill(value)
    page.get_by_role("button", name="Save the strategies").click()
    page.wait_for_selector("text=Strategies saved.")


def test_ssat_matches_the_partner_head_accepts_the_partners_agree_the_sip_approves_the_chair_reads(page, world):
    match = build_match(world)

    # SSAT ranks the candidates and proposes the top one.
    sign_in(page, world.ssat.email)
    page.goto("/national/ssat/profiles/")
    page.get_by_role("link", name=world.a.school.name).click()
    page.wait_for_selector("text=Partner school candidates")
    assert "1. Suffolk Outstanding High (Suffolk)" in page.content()
    assert_accessible(page)
    page.get_by_label("Suffolk Outstanding High (Suffolk)").check()
    page.get_by_label("Capacity and willingness confirmed with the partner school's headteacher").check()
    page.get_by_label("The Gaining Ground school's LA was consulted").check()
    page.get_by_role("button", name="Propose this partner school").click()
    page.wait_for_selector("text=Proposed.")
    sign_out(page)

    # The partner head (Suffolk) answers at the emailed link and accepts.
    with scopes_disabled():
        proposal = MatchProposal.objects.get()
    sign_in(page, match.partner_head.email)
    page.goto(f"/partnerships/proposals/{proposal.pk}/")
    assert_accessible(page)
    page.get_by_label("Yes, we accept the partnership").check()
    page.get_by_role("button", name="Send your answer").click()
    page.wait_for_selector("text=You accepted the partnership")
    assert_accessible(page)
    agree_strategy(page, "Raise attainment in mathematics", "Paired maths coaching", "Pat Partner")
    sign_out(page)

    # The Gaining Ground head agrees a strategy and records the meeting.
    with scopes_disabled():
        partnership = Partnership.objects.get()
    sign_in(page, world.a.head.email)
    page.goto("/partnerships/")
    page.get_by_role("link", name=partnership.name).click()
    agree_strategy(page, "Improve reading and writing", "Reading age screening and catch-up", "Ms Ada Lovelace")
    page.get_by_role("link", name="Change the contact details and the meeting").click()
    page.locator("#id_meeting_on_0").fill("25")
    page.locator("#id_meeting_on_1").fill("11")
    page.locator("#id_meeting_on_2").fill("2026")
    page.get_by_label("Who attended").fill("Both headteachers and the SIP")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Saved.")
    sign_out(page)

    # The SIP agrees the last strategy, records the agreement, approves and submits.
    sign_in(page, world.a.sip.email)
    page.goto(f"/partnerships/{partnership.pk}/")
    agree_strategy(page, "Close the FSM gap", "Mentoring of the FSM group", "Mr Tom Hartley")
    for button, done in (
        ("Record that the plan was agreed at the meeting", "The plan is recorded as agreed at the meeting."),
        ("Approve the plan (SIP)", "Approved by the SIP. It can now be submitted."),
        (
            "Submit to SSAT and share with the chair of governors and the LA",
            "Submitted to SSAT and shared with the chair of governors and the LA.",
        ),
    ):
        page.get_by_role("button", name=button).click()
        page.wait_for_selector(f"text={done}")
    assert "Submitted and shared" in page.content()
    sign_out(page)

    # The chair of governors reads it, and cannot change it.
    sign_in(page, world.a.governor.email)
    page.goto("/partnerships/")
    page.get_by_role("link", name=partnership.name).click()
    content = page.content()
    assert "Paired maths coaching" in content and "Mentoring of the FSM group" in content
    assert "Agree the strategies" not in content and "Approve the plan" not in content
    assert_accessible(page)
    page.get_by_role("link", name="Printable Form 2").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Partnership Strategy Action Plan (Form 2)"
    assert page.get_by_role("button", name="Print this plan").is_visible()
    page.get_by_role("link", name="Back to the partnership").click()
    page.wait_for_url(f"**/partnerships/{partnership.pk}/")
