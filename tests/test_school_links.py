"""Academy conversions and other links: imported from GIAS's links file, confirmed by the LA administrator."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.models import User
from audit.models import Action, AuditEvent
from caseload.models import SipAssignment
from priorities.models import Priority, PriorityProfile
from schools.models import DataImport, PerformanceResult, School, SchoolLink, Status

from .factories import PerformanceResultFactory, PriorityFactory, ProfileFactory, SchoolFactory
from .gias_files import link_row, links_csv
from .test_gias_import import admin_client, latest_import, upload  # noqa: F401  (fixture used by name)

ACADEMY_URN = "900501"


@pytest.fixture
def converted(world):
    """Norfolk High School closed on 31 August 2026 and reopened as an academy under a new URN."""
    with scopes_disabled():
        School.objects.filter(pk=world.a.school.pk).update(status=Status.CLOSED, closed_on="2026-08-31")
        world.a.school.refresh_from_db()
        academy = SchoolFactory(
            la=world.a.la,
            urn=ACADEMY_URN,
            name="Norfolk High Academy",
            establishment_type="Academy converter",
            opened_on="2026-09-01",
        )
    return academy


def conversion_rows(world, academy) -> list[dict]:
    old = world.a.school
    return [
        link_row(academy.urn, old.urn, "Predecessor", old.name),
        link_row(old.urn, academy.urn, "Successor", academy.name),
    ]


def import_links(admin_client, world, academy, extra=()):  # noqa: F811
    upload(
        admin_client,
        links_csv([*conversion_rows(world, academy), *extra]),
        name="links_edubasealldata20261101.csv",
        kind="links",
    )
    return latest_import(world.a.la)


def the_link(world) -> SchoolLink:
    with scope(la=world.a.la.pk):
        return SchoolLink.objects.select_related("predecessor", "successor").get()


def test_a_links_file_keeps_each_conversion_once_and_counts_what_it_leaves_out(admin_client, world, converted):  # noqa: F811
    with scopes_disabled():
        barnet = SchoolFactory(la=world.b.la, urn="900509")
    data_import = import_links(
        admin_client,
        world,
        converted,
        extra=[
            link_row(converted.urn, "999991", "Predecessor - amalgamated", "A school long gone"),
            link_row(world.a.other_school.urn, converted.urn, "Sixth Form Centre Link"),
            link_row(barnet.urn, world.a.other_school.urn, "Successor"),
        ],
    )
    assert data_import.state == DataImport.State.DONE
    assert data_import.counts["created"] == 1 and data_import.counts["skipped"] == 4
    assert data_import.skipped_reasons == {
        "The same link, listed from the other school": 1,
        "Links to an establishment not in the register": 1,
        "Links that say neither school succeeded the other": 1,
        "Links between schools of two LAs": 1,
    }
    link = the_link(world)
    assert (link.predecessor, link.successor, link.link_type) == (world.a.school, converted, "Predecessor")
    assert str(link.established_on) == "2025-09-01" and not link.is_confirmed
    again = import_links(admin_client, world, converted)
    assert again.counts["unchanged"] == 1 and again.counts["created"] == 0


def test_a_bad_links_row_changes_nothing_and_is_reported_by_line_and_column(admin_client, world, converted):  # noqa: F811
    rows = [
        *conversion_rows(world, converted),
        link_row(converted.urn, "12345", "Predecessor"),
        link_row(converted.urn, world.a.other_school.urn, "Predecessor", date="31-02-2025"),
        link_row(converted.urn, converted.urn, "Predecessor"),
        link_row(converted.urn, world.a.other_school.urn, ""),
    ]
    upload(admin_client, links_csv(rows), kind="links")
    data_import = latest_import(world.a.la)
    assert data_import.state == DataImport.State.REJECTED
    assert [(e["line"], e["column"]) for e in data_import.errors] == [
        (4, "LinkURN"),
        (5, "LinkEstablishedDate"),
        (6, "LinkURN"),
        (7, "LinkType"),
    ]
    with scope(la=world.a.la.pk):
        assert not SchoolLink.objects.exists()


def test_the_national_links_file_imports_from_the_command_line(world, converted, tmp_path):
    path = tmp_path / "links_edubasealldata20261101.csv"
    path.write_bytes(links_csv(conversion_rows(world, converted)))
    out = io.StringIO()
    call_command("import_gias", str(path), stdout=out)
    assert "created 1" in out.getvalue()
    with scopes_disabled():
        data_import = DataImport.objects.latest("created_at")
        assert data_import.kind == DataImport.Kind.LINKS and data_import.la is None
        assert SchoolLink.objects.count() == 1


def test_the_school_pages_show_predecessor_and_successor_and_trends_join_across(
    admin_client,  # noqa: F811
    world,
    converted,
):
    with scopes_disabled():
        # The world's history already has the old school's results; pin one figure to look for.
        PerformanceResult.objects.update_or_create(
            school=world.a.school, academic_year=2024, group="all", defaults={"five_ac_em": "44.5"}
        )
        PerformanceResultFactory(school=converted, academic_year=2025, five_ac_em="48.0")
    import_links(admin_client, world, converted)
    page = admin_client.get(reverse("schools:detail", args=["926", converted.urn])).content.decode()
    assert "Predecessor" in page and world.a.school.name in page and "Not confirmed" in page
    assert "2024/25 (predecessor)" in page and "2025/26 (predecessor)" not in page and "44.5" in page
    assert f"are the results of {world.a.school.name} (URN {world.a.school.urn})" in page
    old = admin_client.get(reverse("schools:detail", args=["926", world.a.school.urn])).content.decode()
    assert "Successor" in old and "Norfolk High Academy" in old


def test_work_carries_over_to_the_new_urn_only_when_the_la_admin_confirms(admin_client, world, converted):  # noqa: F811
    old = world.a.school
    with scopes_disabled():
        priority = PriorityFactory(school=old, title="Raise attainment in maths")
        ended = PriorityFactory(school=old, title="Last year's priority", starts_on="2025-09-01", ends_on="2026-07-31")
        profile = ProfileFactory(school=old, state="with-sip")
    import_links(admin_client, world, converted)
    # Imported but not confirmed: nothing has moved.
    with scope(la=world.a.la.pk):
        assert not SipAssignment.objects.filter(school=converted).exists()
        assert not School.objects.get(pk=converted.pk).in_gaining_ground
    home = reverse("overview:home", args=["926"])
    assert any("has closed" in item.text for item in admin_client.get(home).context["todo"])

    link = the_link(world)
    url = reverse("schools:link-confirm", args=["926", converted.urn, link.pk])
    page = admin_client.get(url).content.decode()
    assert "this year's SIP assignment" in page
    response = admin_client.post(url)
    assert response.status_code == 302

    with scope(la=world.a.la.pk):
        academy, old = School.objects.get(pk=converted.pk), School.objects.get(pk=old.pk)
        assert academy.in_gaining_ground and academy.gaining_ground_joined == 2025
        assert not old.in_gaining_ground and old.in_gaining_ground_in(2025)
        assignment = SipAssignment.objects.get(school=academy, academic_year=2026)
        assert assignment.sip == world.a.sip
        # Earlier years stay with the predecessor: its history does not move.
        assert set(SipAssignment.objects.filter(school=old).values_list("academic_year", flat=True)) == {2024, 2025}
        assert Priority.objects.get(pk=priority.pk).school == academy
        assert Priority.objects.get(pk=ended.pk).school == old
        assert PriorityProfile.objects.get(pk=profile.pk).school == academy
        assert PriorityProfile.objects.filter(school=old, academic_year__lt=2026).exists()
        event = AuditEvent.objects.get(action=Action.SCHOOL_LINK_CONFIRMED)
        assert the_link(world).is_confirmed
    assert event.actor == world.a.la_admin and event.detail["from_urn"] == old.urn
    assert event.detail["priorities"] == ["Raise attainment in maths"] and event.detail["form_1_versions"] == 1
    # The closed school no longer has a SIP this year: the to-do has gone.
    assert not any("has closed" in item.text for item in admin_client.get(home).context["todo"])
    # Confirming again is refused with a reason, not an error page.
    again = admin_client.post(url)
    assert again.status_code == 200 and "already confirmed" in again.content.decode()


def test_only_the_las_administrators_confirm_a_link(client, admin_client, world, converted):  # noqa: F811
    import_links(admin_client, world, converted)
    link = the_link(world)
    url = reverse("schools:link-confirm", args=["926", converted.urn, link.pk])
    with scopes_disabled():
        SipAssignment.objects.filter(school=world.a.school, academic_year=2026).update(school=converted)
    client.force_login(world.a.sip)
    assert client.post(url).status_code == 403
    client.force_login(world.b.la_admin)
    assert client.post(url).status_code == 404
    # The link is named by the successor's URN: another school's page does not reach it.
    admin_client.force_login(world.a.la_admin)
    wrong = reverse("schools:link-confirm", args=["926", world.a.other_school.urn, link.pk])
    assert admin_client.post(wrong).status_code == 404
    assert not the_link(world).is_confirmed


def test_the_demo_shows_a_converted_school_with_its_predecessors_history(client, db):
    call_command("seed_demo", stdout=io.StringIO())
    with scopes_disabled():
        academy = School.objects.get(urn="149901")
        link = SchoolLink.objects.get(successor=academy)
        assert link.is_confirmed and link.predecessor.is_closed and academy.in_gaining_ground
        assert SipAssignment.objects.filter(school=academy, academic_year=2026).exists()
        assert SipAssignment.objects.filter(school=link.predecessor, academic_year__lt=2026).count() == 2
        admin = User.objects.get(email="la-admin.926@demo.test")
    client.force_login(admin)
    page = client.get(reverse("schools:detail", args=["926", "149901"])).content.decode()
    assert "Sheringham Shore High School" in page and "(predecessor)" in page and "Confirmed" in page
    assert "Weybourne Road, Upper Sheringham, Sheringham, Norfolk, NR26 8HF" in page
