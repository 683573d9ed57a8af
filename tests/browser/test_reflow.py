"""WCAG 2.2 reflow: at 320 CSS pixels wide no page of the portal scrolls sideways.

Every page of the URL walk is loaded as a role that can open it, with the walk's sample objects.
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.test_url_walk import fill, national_routes, national_samples, samples_for, tenant_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = ["/accounts/sign-in/", "/accounts/password-reset/", "/accessibility/", "/no-such-page/"]
WIDER_THAN_VIEWPORT = "document.documentElement.scrollWidth > window.innerWidth"


def session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def pages_by_person(world) -> dict:
    """{person: [url, …]}: each page with the first role of the walk that can open it as HTML."""
    client = Client()
    samples = samples_for(world.a, world)
    people = list(world.a.people.values())
    found: dict = {}
    for route in tenant_routes():
        url = fill(route, samples)
        for person in people:
            client.force_login(person)
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                found.setdefault(person, []).append(url)
                break
    national = national_samples(world)
    client.force_login(world.ssat)
    for route in national_routes():
        url = fill(route, national)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.setdefault(world.ssat, []).append(url)
    return found


def overflowing(context, urls) -> list[str]:
    page = context.new_page()
    page.set_default_timeout(10_000)
    wide = []
    for url in urls:
        response = page.goto(url)
        assert response.ok or url == "/no-such-page/", f"{url} answered {response.status}"
        if page.evaluate(WIDER_THAN_VIEWPORT):
            width = page.evaluate("document.documentElement.scrollWidth")
            culprits = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .filter(e => !e.parentElement.closest('[role=region][tabindex]'))
                    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
            )
            wide.append(f"{url}: {width}px wide ({', '.join(culprits)})")
    page.close()
    return wide


def test_no_page_scrolls_sideways_at_320_pixels(chromium, live_server, world):
    wide, opened = [], 0
    for person, urls in pages_by_person(world).items():
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
        context.add_cookies([session_cookie(person, live_server.url)])
        wide += overflowing(context, urls)
        opened += len(urls)
        context.close()
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    wide += overflowing(context, PUBLIC_PAGES)
    context.close()
    assert opened >= 30, opened
    assert wide == [], "\n".join(wide)


def test_the_header_keeps_sign_out_on_one_line_at_1280_pixels(chromium, live_server, world):
    for person in (world.a.la_admin, world.a.sip):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
        context.add_cookies([session_cookie(person, live_server.url)])
        page = context.new_page()
        page.goto("/la/926/")
        page.screenshot(path=f"/tmp/front-header-{person.pk}.png")
        sign_out = page.get_by_role("button", name="Sign out")
        # One line of text, on the same row as the person's name.
        lines = sign_out.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
        )
        assert lines == 1, person
        name_box = page.get_by_test_id("signed-in-as").bounding_box()
        button_box = sign_out.bounding_box()
        assert button_box["y"] < name_box["y"] + name_box["height"], (person, name_box, button_box)
        context.close()
