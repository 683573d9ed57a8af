"""Each role's overview opens with its to-do list."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from priorities.models import ProfileEvent

from .factories import ProfileFactory, SchoolFactory, SipAssignmentFactory, VisitFactory


def todo(client, person):
    client.force_login(person)
    response = client.get(reverse("overview:home", args=["926"]))
    assert response.status_code == 200
    return [item.text for item in response.context["todo"]], response.content.decode()


def test_the_sip_sees_a_form_1_waiting_and_overdue_next_steps(client, world):
    with scopes_disabled():
        ProfileFactory(school=world.a.school, state="with-sip")
    texts, page = todo(client, world.a.sip)
    assert f"Form 1 of {world.a.school.name} is waiting for you to agree or return it" in texts
    # The world's earlier years each left a next step open, now overdue.
    assert f"2 overdue next steps at {world.a.school.name}" in texts
    assert "Needs action" in page


def test_the_sip_is_reminded_of_a_past_visit_not_yet_finalised(client, world):
    with scopes_disabled():
        VisitFactory(assignment=world.a.assignment, date=datetime.date(2026, 11, 24), state="draft")
    texts, _ = todo(client, world.a.sip)
    assert f"Finalise your visit of 24 November 2026 to {world.a.school.name}" in texts


def test_the_head_sees_a_returned_form_1_with_the_sips_comments(client, world):
    with scopes_disabled():
        profile = ProfileFactory(school=world.a.school, state="returned")
        ProfileEvent.objects.create(profile=profile, actor=world.a.sip, action="return", comment="Add dates, please.")
    texts, page = todo(client, world.a.head)
    assert f"Your SIP returned Form 1 of {world.a.school.name} with comments" in texts
    assert "Add dates, please." in page


def test_the_head_of_a_gaining_ground_school_is_asked_to_start_this_years_form_1(client, world):
    texts, _ = todo(client, world.a.head)
    assert f"Start the School Priority Profile (Form 1) of {world.a.school.name} for 2026/27" in texts


def test_the_la_admin_sees_schools_without_a_sip_and_gaining_ground_schools_without_form_1(client, world):
    texts, _ = todo(client, world.a.la_admin)
    # The other school has no SIP this year; the Gaining Ground school has not started Form 1.
    assert "1 school has no SIP for 2026/27" in texts
    assert "1 Gaining Ground school has not started Form 1 for 2026/27" in texts
    assert not any(t.startswith("Prepare") for t in texts)


def test_from_july_the_la_admin_is_asked_to_prepare_next_year(client, world):
    with time_machine.travel(datetime.datetime(2027, 7, 1, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        texts, _ = todo(client, world.a.la_admin)
    assert "Prepare 2027/28: confirm next year's SIP for 2 schools before 1 September" in texts
    with time_machine.travel(datetime.datetime(2027, 6, 30, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        texts, _ = todo(client, world.a.la_admin)
    assert not any(t.startswith("Prepare") for t in texts)


def test_a_governor_has_nothing_to_do_and_is_told_so(client, world):
    texts, page = todo(client, world.a.governor)
    assert texts == [] and "Nothing is waiting for you here." in page


@pytest.mark.parametrize("role", ["la_admin", "sip", "head"])
def test_the_overview_costs_the_same_queries_for_one_or_thirty_schools(client, world, role):
    person = world.a.people[role]
    client.force_login(person)
    path = reverse("overview:home", args=["926"])
    with CaptureQueriesContext(connection) as few:
        before = len(client.get(path).context["todo"])
    with scopes_disabled():
        for _ in range(30):
            school = SchoolFactory(la=world.a.la, gaining_ground_joined=2025)
            SipAssignmentFactory(school=school, sip=world.a.sip)
            ProfileFactory(school=school, state="with-sip")
            VisitFactory(assignment=school.sip_assignments.get(), date=datetime.date(2026, 11, 2), state="planned")
    with CaptureQueriesContext(connection) as many:
        after = len(client.get(path).context["todo"])
    assert len(many) == len(few)
    if role == "sip":
        assert after == before + 60  # a Form 1 to agree and a visit to record at each new school
