"""The academic year and its terms at the edges that matter, and the pages that depend on them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tenancy.academic_year import academic_year_label, academic_year_of, current_academic_year, term_of

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("day", "year", "term"),
    [
        (datetime.date(2027, 8, 31), 2026, "summer"),
        (datetime.date(2027, 9, 1), 2027, "autumn"),
        (datetime.date(2026, 12, 31), 2026, "autumn"),
        (datetime.date(2027, 1, 1), 2026, "spring"),
        (datetime.date(2027, 3, 31), 2026, "spring"),
        (datetime.date(2027, 4, 1), 2026, "summer"),
        (datetime.date(2028, 2, 29), 2027, "spring"),
    ],
)
def test_the_year_and_term_of_a_day(day, year, term):
    assert academic_year_of(day) == year
    assert term_of(day)[0] == term
    _, first, last = term_of(day)
    assert first <= day <= last


def test_the_year_turns_at_midnight_on_1_september_in_london():
    # 23:30 UTC on 31 August is already 00:30 on 1 September in London (BST).
    with time_machine.travel(datetime.datetime(2027, 8, 31, 23, 30, tzinfo=datetime.UTC)):
        assert current_academic_year() == 2027
    with time_machine.travel(datetime.datetime(2027, 8, 31, 22, 30, tzinfo=datetime.UTC)):
        assert current_academic_year() == 2026


@pytest.mark.parametrize(
    ("moment", "label"),
    [
        (datetime.datetime(2027, 8, 31, 17, 0, tzinfo=LONDON), "2026/27"),
        (datetime.datetime(2027, 9, 1, 8, 0, tzinfo=LONDON), "2027/28"),
        (datetime.datetime(2026, 12, 31, 12, 0, tzinfo=LONDON), "2026/27"),
        (datetime.datetime(2028, 2, 29, 12, 0, tzinfo=LONDON), "2027/28"),
    ],
)
def test_the_caseload_answers_and_names_its_year_on_the_edges(client, world, moment, label):
    with time_machine.travel(moment, tick=False):
        for person in (world.a.sip, world.a.la_admin):
            client.force_login(person)
            response = client.get(reverse("visits:caseload", args=["926"]))
            assert response.status_code == 200
            assert label in response.content.decode()
        assert academic_year_label(current_academic_year()) == label
