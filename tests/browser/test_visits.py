import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from caseload.models import SipAssignment
from tenancy.academic_year import current_academic_year
from tests.factories import PriorityFactory, VisitFactory
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
    today = timezone.localdate()  # a visit is recorded on its day or after, never before
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
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
    due = today + datetime.timedelta(days=44)
    page.locator("#id_steps-0-due_on_0").fill(str(due.day))
    page.locator("#id_steps-0-due_on_1").fill(str(due.month))
    page.locator("#id_steps-0-due_on_2").fill(str(due.year))
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


def test_the_private_working_notes_never_print(page, world):
    with scopes_disabled():
        visit = VisitFactory(
            assignment=world.a.assignment,
            state="final",
            finalised_at=timezone.now(),
            summary="Maths intervention is working.",
            private_notes="Head of English seems overwhelmed.",
        )
    sign_in(page, world.a.sip.email)
    page.goto(f"/la/926/schools/{world.a.school.urn}/visits/{visit.pk}/")
    notes = page.get_by_text("Head of English seems overwhelmed.")
    assert notes.is_visible()  # on screen, for the SIP
    page.emulate_media(media="print")
    assert not notes.is_visible()  # what the print stylesheet leaves on paper
    assert page.get_by_text("Maths intervention is working.").is_visible()

    page.emulate_media(media="screen")
    page.get_by_role("link", name="Print or share the visit note").click()
    page.wait_for_url("**/note/")
    assert "Maths intervention is working." in page.content()
    assert "Head of English seems overwhelmed." not in page.content()
    assert page.get_by_role("button", name="Print this visit note").is_visible()  # shown where JavaScript runs
    assert_accessible(page)


def test_the_caseload_year_picker_and_the_year_end_page_work_without_javascript_and_are_accessible(page, world):
    with scopes_disabled():
        assignment = world.a.assignment
        last_year = SipAssignment.objects.get(school=world.a.school, academic_year=assignment.academic_year - 1)
        label = f"{last_year.academic_year}/{str(last_year.academic_year + 1)[-2:]}"
        earlier = VisitFactory(
            assignment=last_year,
            date=datetime.date(last_year.academic_year + 1, 3, 5),
            state="final",
            finalised_at=timezone.now(),
        )
        earlier.next_steps.create(action="Embed the tracking of FSM boys", owner="Mr Tom Hartley", due_on=earlier.date)
    sign_in(page, world.a.la_admin.email)
    page.goto("/la/926/caseload/")
    assert "without a SIP" in page.locator("#no-sip").inner_text()
    assert_accessible(page)
    page.get_by_role("navigation", name="Academic year").get_by_role("link", name=label).click()
    page.wait_for_url(f"**/caseload/?year={last_year.academic_year}")
    assert "an earlier year" in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, world.a.sip.email)
    page.goto(f"/la/926/schools/{world.a.school.urn}/visits/year-end/")
    step = page.get_by_role("group", name="Embed the tracking of FSM boys")
    step.get_by_label("Close it").check()
    page.get_by_role("button", name="Save the decisions").click()
    assert "Say why “Embed the tracking of FSM boys” is closed." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    step.get_by_label("Carry it into the new year").check()
    page.get_by_role("button", name="Save the decisions").click()
    assert "1 next step decided." in page.locator(".govuk-notification-banner").inner_text()
