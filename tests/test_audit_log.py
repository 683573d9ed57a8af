"""The LA's audit log: filters, paging by key at constant cost, and entries that say what happened."""

import datetime
import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Role
from audit.models import Action, AuditEvent

from .factories import VisitFactory

LOG = "/la/926/audit/"
BASE = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


def add_events(world, count, *, start=0, **fields):
    """`count` rows, a minute apart going back from BASE; every third pair shares a timestamp."""
    rows = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                la=world.a.la,
                action=fields.get("action", Action.SIGN_IN),
                actor_email=fields.get("actor_email", "someone@example.org"),
                school=fields.get("school"),
                object_repr=f"event {start + i}",
            )
            for i in range(count)
        ]
    )
    for i, row in enumerate(rows):
        row.at = BASE - datetime.timedelta(minutes=(start + i) // 2 * 2 if (start + i) % 3 == 0 else start + i)
    AuditEvent.objects.bulk_update(rows, ["at"])
    return rows


def shown(page: str) -> list[str]:
    return re.findall(r"<td class=\"govuk-table__cell\">(event \d+)", page)


def link(page: str, name: str) -> str | None:
    found = re.search(rf'href="(\?[^"]*)"[^>]*><span class="govuk-pagination__link-title">{name}', page)
    return LOG + found.group(1).replace("&amp;", "&") if found else None


def test_paging_by_key_shows_every_entry_once_newest_first_and_pages_back(client, world):
    with scopes_disabled():
        AuditEvent.objects.all().delete()
        add_events(world, 120)
        expected = list(
            AuditEvent.objects.filter(la=world.a.la).order_by("-at", "-pk").values_list("object_repr", flat=True)
        )
    client.force_login(world.a.la_admin)
    seen, pages, url = [], [], LOG
    while url:
        page = client.get(url).content.decode()
        pages.append(page)
        seen += shown(page)
        url = link(page, "Older entries")
    assert [len(shown(p)) for p in pages] == [50, 50, 20]
    assert seen == expected
    assert link(pages[0], "Newer entries") is None
    # "Newer entries" from the second page is the first page again.
    assert shown(client.get(link(pages[1], "Newer entries")).content.decode()) == shown(pages[0])
    assert "Page 1 of" not in pages[0]  # no count of the whole log


def test_a_bad_cursor_is_the_first_page_not_an_error(client, world):
    client.force_login(world.a.la_admin)
    assert client.get(LOG + "?before=yesterday").status_code == 200
    assert client.get(LOG + "?after=99999999999999999999999-1").status_code == 200


def page_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_page_n_costs_the_same_queries_as_page_1_and_the_count_stays_constant_as_the_log_grows(client, world):
    client.force_login(world.a.la_admin)
    with scopes_disabled():
        add_events(world, 60)
    small_first = page_queries(client, LOG)
    filtered = (
        f"{LOG}?person=someone%40example.org&action={Action.SIGN_IN}&school=&from_date_0=&from_date_1=&from_date_2="
    )
    small_filtered = page_queries(client, filtered)
    with scopes_disabled():
        add_events(world, 600, start=60)
    first = page_queries(client, LOG)
    page = client.get(LOG).content.decode()
    for _ in range(5):
        page = client.get(link(page, "Older entries")).content.decode()
    sixth = page_queries(client, link(page, "Older entries"))
    assert len(first) == len(small_first) == len(sixth), (len(first), len(small_first), len(sixth))
    assert len(page_queries(client, filtered)) == len(small_filtered)
    assert not [q for q in first + sixth if "COUNT(" in q.upper()]
    assert not [q for q in first + sixth if "OFFSET" in q.upper()]


def test_filters_by_person_action_school_and_dates(client, world):
    with scopes_disabled():
        AuditEvent.objects.all().delete()
        add_events(world, 3, start=0, actor_email="head@example.org", action=Action.PROFILE_SENT, school=world.a.school)
        add_events(world, 3, start=3, actor_email="sip@example.org", action=Action.VISIT_PLANNED, school=world.a.school)
        add_events(world, 3, start=6, actor_email="sip@example.org", action=Action.VISIT_PLANNED)
        old = add_events(world, 1, start=9, actor_email="sip@example.org", action=Action.SIGN_IN)
        old[0].at = BASE - datetime.timedelta(days=40)
        old[0].save(update_fields=["at"])
    client.force_login(world.a.la_admin)

    def entries(**params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return shown(client.get(f"{LOG}?{query}").content.decode())

    assert entries(person="head@example.org") == ["event 0", "event 1", "event 2"]
    assert len(entries(person="sip@example.org")) == 7
    assert len(entries(action=Action.VISIT_PLANNED)) == 6
    assert entries(school=world.a.school.urn, action=Action.VISIT_PLANNED) == ["event 3", "event 4", "event 5"]
    assert len(entries(school=world.a.school.name.split()[0])) == 6
    assert entries(from_date_0=1, from_date_1=10, from_date_2=2026, to_date_0=15, to_date_1=10, to_date_2=2026) == [
        "event 9"
    ]
    assert len(entries(from_date_0=1, from_date_1=11, from_date_2=2026)) == 9
    bad = client.get(f"{LOG}?from_date_0=31&from_date_1=2&from_date_2=2026").content.decode()
    assert "From must be a real date" in bad


def test_a_wrong_school_attempt_inside_the_la_is_logged_with_what_was_tried(client, world):
    client.force_login(world.a.head)
    url = reverse("schools:detail", args=["926", world.a.other_school.urn])
    assert client.get(url).status_code == 404
    with scope(la=world.a.la.pk):
        event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert event.actor == world.a.head and event.school == world.a.other_school
    client.force_login(world.a.la_admin)
    page = client.get(f"{LOG}?action={Action.ACCESS_DENIED}").content.decode()
    assert f"Tried to open {url}" in page and world.a.other_school.name in page


def test_a_page_refused_to_the_role_is_logged_with_its_path(client, world):
    client.force_login(world.a.sip)
    assert client.get(reverse("people:list", args=["926"])).status_code == 403
    client.force_login(world.a.la_admin)
    page = client.get(f"{LOG}?person={world.a.sip.email}&action={Action.ACCESS_DENIED}").content.decode()
    assert "Tried to open /la/926/people/" in page


def test_a_role_change_and_a_register_edit_say_what_changed(client, world):
    client.force_login(world.a.la_admin)
    with scopes_disabled():
        membership = Membership.objects.get(user=world.a.head)
    client.post(
        reverse("people:membership-edit", args=["926", membership.pk]),
        {"role": Role.GOVERNOR, "school": world.a.school.pk, "is_chair": "on"},
    )
    client.post(
        reverse("schools:gaining-ground", args=["926", world.a.school.urn]),
        {"gaining_ground_joined": "2025", "gaining_ground_left": "2026", "version": "1"},
    )
    page = client.get(LOG).content.decode()
    assert "Role: Headteacher → Governor" in page
    assert "Chair of governors: no → yes" in page
    assert "Left Gaining Ground in: (empty) → 2026" in page
    with scope(la=world.a.la.pk):
        event = AuditEvent.objects.get(action=Action.ROLE_CHANGED)
    assert event.school == world.a.school


def test_only_la_admins_read_the_log(client, world):
    for person in (world.a.sip, world.a.head, world.a.governor):
        client.force_login(person)
        assert client.get(LOG).status_code == 403


@pytest.mark.parametrize("final", [False, True])
def test_the_visit_record_form_renders_without_warnings(client, world, caplog, final):
    with scopes_disabled():
        visit = VisitFactory(assignment=world.a.assignment)
        if final:
            visit.state = "final"
            visit.finalised_at = timezone.now()
            visit.save()
    client.force_login(world.a.sip)
    with caplog.at_level(logging.WARNING):
        page = client.get(reverse("visits:record", args=["926", world.a.school.urn, visit.pk])).content.decode()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert ("Why are you changing a finalised record?" in page) == final
