import pytest
from django_scopes import scopes_disabled

from tenancy.academic_year import current_academic_year
from tests.factories import PriorityFactory
from visits.models import Visit

from .conftest import assert_accessible
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_sip_plans_records_and_finalises_a_visit_and_the_head_reads_it(page, world):
    with scopes_disabled():
        PriorityFactory(school=world.a.school, title="Maths progress of FSM boys")
    sign_in(page, world.a.sip.email)
    page.wait_for_url("**/la/926/caseload/")
    assert_accessible(page)
    page.get_by_role("link", name=world.a.school.name).click()
    page.get_by_role("button", name="Plan a visit").click()
    page.get_by_label("Day", exact=True).fill("2")
    page.get_by_label("Month", exact=True).fill("12")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Gaining Ground additional day").check()
    page.get_by_label("A full day").check()
    page.get_by_role("button", name="Plan the visit").click()
    page.wait_for_url("**/visits/*/")
    assert "08:30 Arrive at the school." in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Record the visit").click()
    page.locator("#id_people-0-name").fill("Ms Ada Lovelace")
    page.locator("#id_people-0-role").fill("Headteacher")
    page.get_by_label("Agreed summary").fill("Maths intervention is working.")
    page.get_by_label("On track").check()
    page.get_by_label("Evidence", exact=True).fill("Up 6 points on the autumn check.")
    page.locator("#id_steps-0-action").fill("Share the tracking data with governors")
    page.locator("#id_steps-0-owner").fill("Ms Ada Lovelace, Mr Tom Hartley")
    page.locator("#id_steps-0-due_on_0").fill("15")
    page.locator("#id_steps-0-due_on_1").fill("1")
    page.locator("#id_steps-0-due_on_2").fill("2027")
    page.get_by_role("button", name="Save and check before finalising").click()

    # One owner only: the error summary links to the field, and the typed text is still there.
    summary = page.locator(".govuk-error-summary")
    assert "Name one person who owns this step" in summary.inner_text()
    assert page.get_by_label("Agreed summary").input_value() == "Maths intervention is working."
    assert_accessible(page)
    page.locator("#id_steps-0-owner").fill("Ms Ada Lovelace")
    page.get_by_role("button", name="Save and check before finalising").click()

    page.wait_for_url("**/finalise/")
    assert_accessible(page)
    page.get_by_role("button", name="Finalise the visit record").click()
    assert "finalised and shared with the headteacher" in page.locator(".govuk-notification-banner").inner_text()
    with scopes_disabled():
        visit = Visit.objects.get(assignment__academic_year=current_academic_year())
    assert visit.state == "final"

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, world.a.head.email)
    page.goto(f"/la/926/schools/{world.a.school.urn}/visits/{visit.pk}/")
    assert "Maths intervention is working." in page.content()
    assert "Share the tracking data with governors" in page.content()
    assert page.get_by_role("button", name="Amend the record").count() == 0
    assert_accessible(page)
