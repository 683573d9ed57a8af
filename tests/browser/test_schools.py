import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from schools.models import DataImport, PerformanceResult
from tests.gias_files import gias_csv, gias_row

from .conftest import assert_accessible
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_la_admin_imports_an_extract_and_sees_what_changed(page, world, tmp_path):
    path = tmp_path / "edubasealldata20261101.csv"
    path.write_bytes(
        gias_csv([gias_row("900101", EstablishmentName="Caister Høy School"), gias_row("12", la_code="926")])
    )
    sign_in(page, world.a.la_admin.email)
    page.wait_for_url("**/la/926/")
    page.goto("/la/926/schools/imports/")
    assert_accessible(page)
    page.get_by_label("Schools (Get Information about Schools extract)").check()
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/la/926/schools/imports/*/")
    # In-process tasks in the test settings: the result is there at once.
    assert "Nothing was imported: 1 problem in the file" in page.content()
    expect(page.get_by_role("cell", name="A URN is 6 digits.")).to_be_visible()
    assert_accessible(page)

    path.write_bytes(gias_csv([gias_row("900101", EstablishmentName="Caister Høy School")]))
    page.goto("/la/926/schools/imports/")
    page.get_by_label("Schools (Get Information about Schools extract)").check()
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    with scopes_disabled():
        assert DataImport.objects.filter(state="done").count() == 1
    page.goto("/la/926/schools/?phase=secondary")
    expect(page.get_by_role("link", name="Caister Høy School")).to_be_visible()


def test_a_sip_confirms_a_suggested_criterion_and_the_head_reads_it(page, world):
    with scopes_disabled():
        # The school's 2024/25 results (from its history) gain a CVA significantly below average.
        PerformanceResult.objects.update_or_create(
            school=world.a.school,
            academic_year=2024,
            group="all",
            defaults={"cva": 980, "cva_lower": 974, "cva_upper": 986},
        )
    sign_in(page, world.a.sip.email)
    page.goto(f"/la/926/schools/{world.a.school.urn}/")
    assert_accessible(page)
    page.get_by_role("link", name="Start from the suggestion for criterion 9").click()
    assert page.get_by_label("Met", exact=True).is_checked()
    page.get_by_role("button", name="Save the finding").click()
    assert "Criterion 9 recorded" in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, world.a.head.email)
    page.wait_for_url(f"**/schools/{world.a.school.urn}/")
    assert "following the portal's suggestion" in page.content()
    assert page.get_by_role("link", name="Record a finding for criterion 9").count() == 0
    assert_accessible(page)
