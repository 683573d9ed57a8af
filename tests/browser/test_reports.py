import datetime
import io

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from tests.factories import PriorityFactory, VisitFactory
from visits.models import PriorityEvaluation, Visit

from .conftest import assert_accessible
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sip_drafts_from_a_visit_the_head_comments_the_sip_issues_and_the_governor_downloads(page, world):
    with scopes_disabled():
        priority = PriorityFactory(school=world.a.school, title="Maths progress of FSM boys")
        visit = VisitFactory(
            assignment=world.a.assignment,
            date=timezone.localdate() - datetime.timedelta(days=3),
            state=Visit.State.FINAL,
            finalised_at=timezone.now(),
        )
        PriorityEvaluation.objects.create(
            visit=visit, priority=priority, status="on-track", evidence="Up 6 points on the autumn check."
        )
    reports = f"/la/926/schools/{world.a.school.urn}/reports/"

    sign_in(page, world.a.sip.email)
    page.goto(reports)
    assert_accessible(page)
    page.get_by_role("button", name="Write a report").click()
    page.get_by_role("button", name="Start a report").click()
    page.wait_for_url("**/edit/")
    assert "Maths progress of FSM boys: On track. Up 6 points on the autumn check." in page.content()
    assert_accessible(page)
    page.get_by_label("Key strengths").fill("Leadership of English is strong.")
    page.get_by_label("Eligible for free school meals", exact=True).check()
    page.get_by_label("About those groups").fill("FSM boys lag in maths.")
    page.locator("input[name=capacity_judgement][value=good]").check()
    page.get_by_label("Detail naming pupils or staff").fill("Mr Example, Year 10 maths, is new.")
    page.get_by_role("button", name="Save the report").click()
    page.wait_for_url(lambda url: url.endswith("/reports/" + url.rstrip("/").rsplit("/", 1)[1] + "/"))
    assert "Make a judgement on the robustness of the school's self-evaluation." in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Share with the headteacher").click()
    assert "Shared with the headteacher" in page.locator(".govuk-notification-banner").inner_text()
    report_url = page.url
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.a.head.email)
    page.goto(report_url)
    page.get_by_label("No, something is inaccurate").check()
    page.get_by_role("button", name="Send your comments to the SIP").click()
    assert "Say what is inaccurate" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("What is inaccurate").fill("The attendance figure is last year's.")
    page.get_by_label("Your comments for the SIP").fill("We see capacity as good.")
    page.get_by_role("button", name="Send your comments to the SIP").click()
    assert "Your comments are with the SIP" in page.content()
    assert page.get_by_role("button", name="Issue the report").count() == 0
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.a.sip.email)
    page.goto(report_url)
    assert "The attendance figure is last year's." in page.content()
    page.get_by_role("button", name="Issue the report").click()
    assert "Report issued" in page.content()
    assert page.get_by_role("link", name="Download the PDF for governors").count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.a.governor.email)
    page.wait_for_url(f"**{reports}")
    assert_accessible(page)
    assert page.get_by_role("link", name="Download the PDF for the local authority").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF for governors").click()
    assert download.value.suggested_filename.endswith("-v1-governors.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    assert "Leadership of English is strong." in text and "Mr Example" not in text
