"""The national dashboards in the browser: accessible, and no sideways scrolling at 320 px."""

import pytest

from accounts.models import Role
from dashboards.figures import refresh_figures
from tenancy.models import NationalBody
from tests.test_dashboards import add_schools, national_person

from .conftest import assert_accessible
from .test_reflow import WIDER_THAN_VIEWPORT, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_national_advisers_dashboard_and_its_lists_are_accessible_and_reflow(chromium, live_server, world):
    adviser = national_person("adviser-all", Role.NS_ADVISER, NationalBody.Kind.NATIONAL_STRATEGIES, "all")
    add_schools(world.a.la, 7, gaining_ground=True)
    refresh_figures()
    pages = [
        "/national/national-strategies/",
        "/national/national-strategies/?region=east",
        "/national/national-strategies/figures/plan/?region=east&figure=red",
    ]
    for width in (320, 1280):
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 800}, bypass_csp=True
        )
        context.add_cookies([session_cookie(adviser, live_server.url)])
        page = context.new_page()
        page.set_default_timeout(10_000)
        for url in pages:
            assert page.goto(url).ok, url
            assert not page.evaluate(WIDER_THAN_VIEWPORT), f"{url} scrolls sideways at {width} px"
            assert_accessible(page)
        page.goto("/national/national-strategies/?region=east")
        # The chart's values are text, the bars only decoration; the table's cells link to the schools.
        assert page.get_by_text("% of the days allocated").count() == 1
        page.get_by_role("link", name="schools behind this figure: Schools with a SIP, Norfolk").click()
        page.wait_for_url("**/figures/visits/?la=926&figure=schools")
        assert page.get_by_role("heading", level=1, name="Schools with a SIP").is_visible()
        assert page.get_by_role("row", name=world.a.school.name).is_visible()
        context.close()
