import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from audit.models import Action, AuditEvent
from schools.models import EligibilityAssessment, EligibilityCriterion, School

from .factories import SchoolFactory, SipAssignmentFactory

LIST = reverse("schools:list", args=["926"])


def listed(client, query="") -> list[str]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].paginated_rows]


@pytest.fixture
def register(world):
    """Norfolk gets a few more schools of different kinds."""
    with scopes_disabled():
        primary = SchoolFactory(la=world.a.la, name="Acle Primary", phase="primary", ofsted_rating="outstanding")
        weak = SchoolFactory(la=world.a.la, name="Zeal Academy", ofsted_rating="inadequate", gaining_ground_joined=2024)
        EligibilityAssessment.objects.create(
            school=weak, criterion=EligibilityCriterion.objects.get(number=9), finding="met", evidence="CVA 980"
        )
    return {"primary": primary, "weak": weak}


def test_filters_narrow_the_list(client, world, register):
    client.force_login(world.a.la_admin)
    assert set(listed(client)) == {world.a.school.name, world.a.other_school.name, "Acle Primary", "Zeal Academy"}
    assert listed(client, "?phase=primary") == ["Acle Primary"]
    assert set(listed(client, "?gaining_ground=yes")) == {world.a.school.name, "Zeal Academy"}
    assert listed(client, "?ofsted_rating=inadequate") == ["Zeal Academy"]
    criterion = EligibilityCriterion.objects.get(number=9)
    assert listed(client, f"?criterion={criterion.pk}") == ["Zeal Academy"]
    assert listed(client, f"?sip={world.a.sip.pk}") == [world.a.school.name]


def test_the_sip_filter_offers_only_this_las_sips(client, world):
    client.force_login(world.a.la_admin)
    html = client.get(LIST).content.decode()
    assert world.a.sip.full_name in html and world.b.sip.full_name not in html


def test_the_list_sorts_by_a_column(client, world, register):
    client.force_login(world.a.la_admin)
    names = listed(client, "?sort=-name")
    assert names == sorted(names, reverse=True)


def test_each_person_lists_only_the_schools_they_may_see(client, world, register):
    client.force_login(world.a.head)
    assert listed(client) == [world.a.school.name]
    client.force_login(world.a.sip)
    assert listed(client) == [world.a.school.name]


def test_the_csv_export_is_filtered_neutralises_formulas_and_is_audited(client, world, register):
    with scopes_disabled():
        SchoolFactory(la=world.a.la, name="=cmd|' /C calc'!A0", phase="primary")
    client.force_login(world.a.la_admin)
    response = client.get(reverse("schools:export", args=["926"]) + "?phase=primary")
    assert response["Content-Disposition"] == 'attachment; filename="schools-926.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["URN", "LAEstab", "Name"]
    assert sorted(r[2] for r in rows[1:]) == ["'=cmd|' /C calc'!A0", "Acle Primary"]
    with scope(la=world.a.la.pk):
        event = AuditEvent.objects.get(action=Action.DATA_EXPORTED)
    assert event.actor == world.a.la_admin and event.detail["filters"] == {"phase": "primary"}


def test_the_list_costs_the_same_queries_for_10_or_3500_schools(client, world):
    client.force_login(world.a.la_admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST + "?sort=name")
            assert response.status_code == 200
        return len(captured), response.context["table"].paginator.count

    with scopes_disabled():
        School.objects.bulk_create(
            [School(la=world.a.la, urn=f"{500000 + n}", name=f"Extra {n:04d}") for n in range(8)]
        )
    few, count = queries()
    assert count == 10
    with scopes_disabled():
        School.objects.bulk_create(
            [School(la=world.a.la, urn=f"{600000 + n}", name=f"More {n:04d}") for n in range(3490)]
        )
        schools = list(School.objects.filter(la=world.a.la)[:40])
        for school in schools[2:40]:
            SipAssignmentFactory(school=school, sip=world.a.sip)
    many, count = queries()
    assert count == 3500
    assert many == few
