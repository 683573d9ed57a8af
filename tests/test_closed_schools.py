"""A closed school keeps its history but leaves the lists and pickers; one still assigned is a to-do."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.forms import InvitationForm
from caseload.models import SipAssignment
from national.selectors import gaining_ground_schools_for
from schools.models import School, Status
from visits.models import Visit

from .factories import SchoolFactory, SipAssignmentFactory

LIST = reverse("schools:list", args=["926"])


def close(school, on=datetime.date(2026, 8, 31)) -> None:
    with scopes_disabled():
        School.objects.filter(pk=school.pk).update(status=Status.CLOSED, closed_on=on)
        school.refresh_from_db()


def listed(client, query="") -> list[str]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].paginated_rows]


def test_the_school_list_shows_open_schools_unless_asked_for_closed_ones(client, world):
    close(world.a.other_school)
    client.force_login(world.a.la_admin)
    assert listed(client) == [world.a.school.name]
    assert listed(client, "?status=closed") == [world.a.other_school.name]
    assert set(listed(client, "?status=all")) == {world.a.school.name, world.a.other_school.name}
    # Other filters keep the default: the closed school stays out.
    assert listed(client, "?phase=secondary") == [world.a.school.name]
    page = client.get(LIST + "?status=all").content.decode()
    assert "Open and closed schools" in page and ">Closed</strong>" in page
    assert client.get(LIST + "?status=nonsense").status_code == 200


def test_the_csv_export_follows_the_same_default(client, world):
    close(world.a.other_school)
    client.force_login(world.a.la_admin)
    body = b"".join(client.get(reverse("schools:export", args=["926"])).streaming_content).decode()
    assert world.a.school.name in body and world.a.other_school.name not in body
    body = b"".join(client.get(reverse("schools:export", args=["926"]) + "?status=all").streaming_content).decode()
    assert world.a.other_school.name in body


def test_a_closed_school_keeps_its_page_and_its_visit_history(client, world):
    close(world.a.school)
    client.force_login(world.a.la_admin)
    page = client.get(reverse("schools:detail", args=["926", world.a.school.urn]))
    assert page.status_code == 200 and "Closed" in page.content.decode()
    with scopes_disabled():
        earlier = Visit.objects.filter(assignment__school=world.a.school, assignment__academic_year__lt=2026)
        assert earlier.exists()
        visit = earlier.first()
    visits = client.get(
        reverse("visits:list", args=["926", world.a.school.urn]) + f"?year={visit.assignment.academic_year}"
    )
    assert visits.status_code == 200


def test_the_assign_page_offers_no_closed_school_and_refuses_one_posted(client, world):
    close(world.a.other_school)
    client.force_login(world.a.la_admin)
    url = reverse("visits:assign", args=["926"])
    page = client.get(url).content.decode()
    assert world.a.school.name in page and world.a.other_school.name not in page
    response = client.post(url, {"school": world.a.other_school.pk, "sip": world.a.sip.pk})
    assert response.status_code == 200 and "from the options given" in response.content.decode()
    with scopes_disabled():
        assert not SipAssignment.objects.filter(school=world.a.other_school).exists()


def test_preparing_next_year_leaves_closed_schools_out(client, world):
    close(world.a.other_school)
    with time_machine.travel(datetime.datetime(2027, 7, 1, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        client.force_login(world.a.la_admin)
        page = client.get(reverse("visits:prepare", args=["926"])).content.decode()
    assert world.a.school.name in page and world.a.other_school.name not in page


def test_nobody_is_invited_to_a_closed_school(world):
    close(world.a.other_school)
    with scope(la=world.a.la):
        choices = list(InvitationForm().fields["school"].queryset)
    assert choices == [world.a.school]


def test_a_closed_gaining_ground_school_is_no_matching_candidate(world):
    with scopes_disabled():
        membership = world.ssat.memberships.get()
        assert world.a.school in gaining_ground_schools_for(membership)
    close(world.a.school)
    with scopes_disabled():
        assert world.a.school not in gaining_ground_schools_for(membership)


def test_a_school_closed_with_a_sip_this_year_is_on_the_la_admins_to_do_list(client, world):
    client.force_login(world.a.la_admin)
    home = reverse("overview:home", args=["926"])
    assert not any("has closed" in item.text for item in client.get(home).context["todo"])
    close(world.a.school)
    items = [item for item in client.get(home).context["todo"] if "has closed" in item.text]
    assert [item.text for item in items] == [
        f"{world.a.school.name} has closed while {world.a.sip.full_name} is its SIP for 2026/27"
    ]
    assert items[0].urgent and items[0].detail.startswith("Closed on 31 August 2026.")
    assert items[0].href == reverse("schools:detail", args=["926", world.a.school.urn])
    # Nobody else sees it: it is the LA administrator's to decide.
    client.force_login(world.a.sip)
    assert not any("has closed" in item.text for item in client.get(home).context["todo"])


def test_the_closed_schools_to_do_costs_one_query_however_many_close(client, world):
    client.force_login(world.a.la_admin)
    home = reverse("overview:home", args=["926"])
    close(world.a.school)
    with CaptureQueriesContext(connection) as few:
        client.get(home)
    for _ in range(10):
        school = SchoolFactory(la=world.a.la)
        with scopes_disabled():
            SipAssignmentFactory(school=school, sip=world.a.sip)
        close(school)
    with CaptureQueriesContext(connection) as many:
        items = [i for i in client.get(home).context["todo"] if "has closed" in i.text]
    assert len(items) == 11 and len(many) == len(few)


@pytest.mark.one_year
def test_assigning_a_sip_to_a_closed_school_is_refused_by_the_service(world):
    from common.errors import DomainError
    from visits.services import assignment_set

    close(world.a.other_school)
    with scope(la=world.a.la), pytest.raises(DomainError, match="has closed"):
        assignment_set(actor=world.a.la_admin, school=world.a.other_school, sip=world.a.sip, academic_year=2026)
