"""The national oversight dashboards: each body's figures, suppressed, "as at", drilled into, as CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import Action, AuditEvent
from dashboards.figures import refresh_figures, request_refresh
from dashboards.models import FiguresRefresh, SchoolFigures
from dashboards.suppression import SYMBOL, Cell, primary, secondary
from dashboards.tables import TABLES
from jobs.models import JobState
from tenancy.models import ChallengeArea, NationalBody, Region
from visits.models import PriorityEvaluation, Visit

from .factories import (
    LocalAuthorityFactory,
    MembershipFactory,
    NationalBodyFactory,
    PlanActionFactory,
    PriorityFactory,
    SchoolFactory,
    SipAssignmentFactory,
    UserFactory,
    VisitFactory,
)

SECRET_NOTE = "Private: the head is about to resign"
SECRET_SUMMARY = "Summary agreed about the maths department"
SECRET_EVIDENCE = "Lesson observation of Mr Jones"


def national_person(key: str, role, kind, region: str = ""):
    with scopes_disabled():
        user = UserFactory(email=f"{key}@example.org", full_name=key)
        MembershipFactory(user=user, role=role, la=None, national_body=NationalBodyFactory(kind=kind), region=region)
    return user


@pytest.fixture
def people(world):
    return {
        "ssat": world.ssat,
        "college": national_person("college", Role.NATIONAL_COLLEGE, NationalBody.Kind.NATIONAL_COLLEGE),
        "adviser_east": national_person("adviser-east", Role.NS_ADVISER, NationalBody.Kind.NATIONAL_STRATEGIES, "east"),
        "adviser_london": national_person(
            "adviser-london", Role.NS_ADVISER, NationalBody.Kind.NATIONAL_STRATEGIES, "london"
        ),
        "adviser_all": national_person("adviser-all", Role.NS_ADVISER, NationalBody.Kind.NATIONAL_STRATEGIES, "all"),
    }


def add_schools(la, count: int, *, gaining_ground: bool = False, with_work: bool = True) -> list:
    """Schools of the LA with this year's SIP, a visit that has happened and a reviewed plan action."""
    made = []
    with scopes_disabled():
        sip = UserFactory()
        for n in range(count):
            school = SchoolFactory(
                la=la, name=f"{la.name} School {n}", gaining_ground_joined=2026 if gaining_ground else None
            )
            assignment = SipAssignmentFactory(
                school=school, sip=sip, days_allocated=Decimal("9" if gaining_ground else "5")
            )
            if with_work:
                VisitFactory(assignment=assignment, date=datetime.date(2026, 10, 1), state=Visit.State.DRAFT)
                PlanActionFactory(priority=PriorityFactory(school=school), rag="red")
            made.append(school)
    return made


def dashboard_html(client, user, body, query="") -> str:
    client.force_login(user)
    response = client.get(f"/national/{body}/{query}")
    assert response.status_code == 200
    return response.content.decode()


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "hidden"), [(0, False), (1, True), (4, True), (5, False), (120, False)])
def test_a_count_from_1_to_4_is_hidden_and_0_and_5_are_shown(value, hidden):
    cell = Cell(value)
    primary(cell, "count")
    assert cell.suppressed is hidden


def test_a_total_or_median_is_hidden_when_worked_out_from_1_to_4_schools():
    days = Cell(Decimal("37.5"), base=3)
    primary(days, "days")
    assert days.suppressed
    money = Cell(Decimal("90000"), base=5)
    primary(money, "money")
    assert not money.suppressed
    median = Cell(Decimal("12"), base=2)
    primary(median, "median")
    assert median.suppressed


def test_one_hidden_part_of_a_shown_total_hides_the_next_smallest_part_too():
    # Red 2 (hidden), amber 7, green 30, total 39: 2 = 39 - 7 - 30 unless amber goes too.
    row = [Cell(2), Cell(7), Cell(30), Cell(39)]
    for cell in row:
        primary(cell, "count")
    secondary([row], None, [([0, 1, 2], 3)], [])
    assert [c.suppressed for c in row] == [True, True, False, False]


def test_a_hidden_total_beside_parts_all_shown_hides_a_part_too():
    # Places 4 (Suffolk) and 12 (Norfolk), All 16: Suffolk's 4 is hidden, so Norfolk's 12 goes too;
    # then Norfolk's in use 0 and free 12 would give its 12 back, and Suffolk's 4 = 16 - 12.
    suffolk = [Cell(1), Cell(3), Cell(4)]
    norfolk = [Cell(0), Cell(12), Cell(12)]
    total = [Cell(1), Cell(15), Cell(16)]
    for cell in [*suffolk, *norfolk, *total]:
        primary(cell, "count")
    secondary([suffolk, norfolk], total, [([0, 1], 2)], [0, 1, 2])
    assert norfolk[2].suppressed and norfolk[1].suppressed  # the 12 of places, and the free 12 beside it
    for row in (suffolk, norfolk, total):
        parts, whole = row[:2], row[2]
        assert not (whole.suppressed and not any(p.suppressed for p in parts if p.value)), row


def test_a_total_of_zero_is_hidden_when_a_cell_above_it_is():
    # No consultant head days in a region of 3 schools (hidden) and none in one of 9: an "All" of 0
    # would say the small region used none.
    rows = [[Cell(0, base=3)], [Cell(0, base=9)]]
    total = [Cell(0, base=12)]
    for cell in [*rows[0], *rows[1], *total]:
        primary(cell, "days")
    secondary(rows, total, [], [0])
    assert rows[0][0].suppressed and total[0].suppressed


def test_one_hidden_cell_above_the_all_row_hides_another_in_its_column():
    rows = [[Cell(3)], [Cell(12)], [Cell(40)]]
    total = [Cell(55)]
    for row in rows + [total]:
        primary(row[0], "count")
    secondary(rows, total, [], [0])
    assert [r[0].suppressed for r in rows] == [True, True, False] and not total[0].suppressed


def test_a_single_row_hides_the_all_row_where_it_is_hidden():
    rows = [[Cell(3), Cell(8)]]
    total = [Cell(3), Cell(8)]
    for cell in rows[0] + total:
        primary(cell, "count")
    secondary(rows, total, [], [0, 1])
    assert [c.suppressed for c in total] == [True, False]


# --- who sees what ---------------------------------------------------------------------------


def test_each_body_sees_only_the_las_it_serves(client, world, people):
    with scopes_disabled():
        LocalAuthorityFactory(
            code="352", name="Manchester", region=Region.NORTH_WEST, challenge_area=ChallengeArea.GREATER_MANCHESTER
        )
    refresh_figures()
    ssat = dashboard_html(client, people["ssat"], "ssat")
    assert "Norfolk" in ssat and "Barnet" not in ssat and "Manchester" not in ssat
    college = dashboard_html(client, people["college"], "national-college")
    # London and Greater Manchester: two regions, so one row each, to be chosen.
    assert "London" in college and "North West" in college and "Norfolk" not in college
    assert "Barnet" in dashboard_html(client, people["college"], "national-college", "?region=london")
    adviser = dashboard_html(client, people["adviser_london"], "national-strategies")
    assert "Barnet" in adviser and "Norfolk" not in adviser
    national = dashboard_html(client, people["adviser_all"], "national-strategies")
    assert "East of England" in national and "London" in national and "North West" in national
    east = dashboard_html(client, people["adviser_all"], "national-strategies", "?region=east")
    assert "Norfolk" in east and "Barnet" not in east
    # The adviser reads the programme's tables; the matching bodies read matching's.
    assert "Gaining Ground pipeline" in adviser and "Matching pipeline" not in adviser
    assert "Matching pipeline" in ssat and "Gaining Ground pipeline" not in ssat and "SIP visits" not in ssat


def test_the_drill_down_answers_404_outside_the_bodys_remit(client, world, people):
    refresh_figures()
    cases = [
        ("ssat", "ssat", "ledger", "?la=302", 404),
        ("ssat", "ssat", "ledger", "?la=926", 200),
        ("ssat", "ssat", "visits", "", 404),  # not a table SSAT reads
        ("college", "national-college", "ledger", "?la=926", 404),
        ("college", "national-college", "form2", "?la=302", 200),
        ("adviser_london", "national-strategies", "pipeline", "?la=926", 404),
        ("adviser_london", "national-strategies", "pipeline", "?region=east", 404),
        ("adviser_london", "national-strategies", "matching", "", 404),
        ("adviser_east", "national-strategies", "pipeline", "?la=926&figure=nonsense", 404),
        ("adviser_east", "national-strategies", "pipeline", "?la=926&figure=in_programme", 200),
        ("adviser_all", "national-strategies", "pipeline", "?la=302", 200),
    ]
    for who, body, table, query, expected in cases:
        client.force_login(people[who])
        assert client.get(f"/national/{body}/figures/{table}/{query}").status_code == expected, (who, table, query)
        if "figure" not in query:
            assert client.get(f"/national/{body}/figures/{table}.csv{query.replace('la=', 'x=')}").status_code == (
                404 if expected == 404 and "la=" not in query else 200
            ), (who, table, query)
    for person in world.a.people.values():
        client.force_login(person)
        assert client.get("/national/ssat/figures/ledger/?la=926").status_code == 404
        assert client.get("/national/ssat/figures/ledger.csv").status_code == 404
    client.force_login(people["adviser_east"])
    page = client.get("/national/national-strategies/figures/pipeline/?la=926&figure=in_programme").content.decode()
    assert world.a.school.name in page and world.b.school.name not in page


# --- suppression on the page and in the CSV -------------------------------------------------------


def test_small_counts_are_marked_on_the_page_and_in_the_csv_and_large_ones_shown(client, world, people):
    add_schools(world.a.la, 6)  # with the world's school: 7 with a SIP, one (hidden) in Gaining Ground
    refresh_figures()
    client.force_login(people["adviser_east"])
    html = dashboard_html(client, people["adviser_east"], "national-strategies")
    assert "Data as at 2 December 2026, 10:00" in html
    assert 'class="sip-suppressed">c<' in html and "a number from 1 to 4" in html
    response = client.get("/national/national-strategies/figures/visits.csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["SIP visits against days allocated", "Data as at 2 December 2026, 10:00"]
    assert rows[2][:2] == ["Norfolk", "7"]
    pipeline = list(
        csv.reader(
            io.StringIO(client.get("/national/national-strategies/figures/pipeline.csv").content.decode("utf-8-sig"))
        )
    )
    assert pipeline[2][:3] == ["Norfolk", SYMBOL, SYMBOL]  # one school eligible and in the programme
    assert pipeline[3][:3] == ["All", SYMBOL, SYMBOL]
    # A hidden figure is no link to the schools behind it; a shown one is.
    assert "figure=eligible" not in html.split('id="visits"')[0]
    assert "figures/visits/?la=926&amp;figure=schools" in html


def test_the_csv_neutralises_formulas_and_is_audited(client, world, people):
    with scopes_disabled():
        evil = LocalAuthorityFactory(code="999", name="=HYPERLINK(1)", region=Region.EAST)
    add_schools(evil, 5)
    refresh_figures()
    client.force_login(people["adviser_east"])
    text = client.get("/national/national-strategies/figures/plan.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    event = AuditEvent.objects.with_scopes_disabled().filter(action=Action.DATA_EXPORTED).latest("at")
    assert event.actor == people["adviser_east"] and event.detail["what"] == "dashboard plan"


def test_no_visit_notes_or_report_text_reach_any_dashboard_page_list_or_csv(client, world, people):
    with scopes_disabled():
        assignment = world.a.assignment
        priority = PriorityFactory(school=world.a.school)
        visit = VisitFactory(
            assignment=assignment,
            date=datetime.date(2026, 11, 2),
            state=Visit.State.FINAL,
            finalised_at=timezone.now(),
            private_notes=SECRET_NOTE,
            summary=SECRET_SUMMARY,
        )
        PriorityEvaluation.objects.create(
            visit=visit,
            priority=priority,
            status="slipping",
            evidence=SECRET_EVIDENCE,
            cause="inertia",
            response=SECRET_NOTE,
        )
    refresh_figures()
    seen = []
    for who, body in [
        ("adviser_east", "national-strategies"),
        ("ssat", "ssat"),
        ("adviser_all", "national-strategies"),
    ]:
        client.force_login(people[who])
        seen.append(client.get(f"/national/{body}/?region=east").content.decode())
        for table in TABLES:
            if client.get(f"/national/{body}/figures/{table.key}/").status_code == 404:
                continue
            seen.append(client.get(f"/national/{body}/figures/{table.key}.csv").content.decode("utf-8-sig"))
            for column in table.columns:
                seen.append(client.get(f"/national/{body}/figures/{table.key}/?figure={column.key}").content.decode())
    everything = "\n".join(seen)
    assert "Slippage by cause" in everything and "Inertia among staff" in everything
    for secret in (SECRET_NOTE, SECRET_SUMMARY, SECRET_EVIDENCE):
        assert secret not in everything


# --- the figures ------------------------------------------------------------------------------


def test_the_figures_follow_a_school_through_matching_and_form2(client, world, people):
    from partnerships import services

    from .partnership_world import build_match, propose

    match = build_match(world)
    proposal = propose(world, match)
    with scopes_disabled():
        services.proposal_respond(actor=match.partner_head, proposal=proposal, accept=True)
    refresh_figures()
    with scopes_disabled():
        row = SchoolFigures.objects.get(school=world.a.school)
        partner = SchoolFigures.objects.get(school=match.best)
    assert (row.in_gaining_ground, row.form1_submitted, row.matched, row.match_state) == (True, True, True, "accepted")
    assert row.form2_state == "draft" and not row.form2_approved and row.days_waiting == 0 and row.days_to_answer == 0
    assert (partner.on_register, partner.capacity, partner.partnerships_in_use) == (True, 2, 1)
    client.force_login(world.ssat)
    page = client.get("/national/ssat/figures/matching/?la=926&figure=accepted").content.decode()
    assert world.a.school.name in page and "Accepted" in page
    assert "Suffolk Outstanding High" in client.get("/national/ssat/figures/capacity/?figure=in_use").content.decode()


def test_places_in_use_are_counted_as_matching_counts_them_and_free_places_listed(client, world, people):
    from partnerships.selectors import ranked_candidates

    from .partnership_world import build_match, propose

    match = build_match(world)
    propose(world, match)
    refresh_figures()  # proposed, not yet answered: the place is held
    with scopes_disabled():
        partner = SchoolFigures.objects.get(school=match.best)
    assert (partner.capacity, partner.partnerships_in_use, partner.places_free) == (2, 1, 1)
    best = next(c for c in ranked_candidates(match.profile) if c.school_id == match.best.pk)
    assert next(p for p in best.parts if p.key == "capacity").why == "1 of 2 places free"
    client.force_login(world.ssat)
    page = client.get("/national/ssat/figures/capacity/?figure=spare").content.decode()
    row = page[page.index(match.best.name) :]
    row = row[: row.index("</tr>")]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[2:-1]] == ["Yes", "2", "1", "1"]


def test_the_refresh_runs_as_a_background_job_and_the_page_shows_its_time(client, world, people):
    from dashboards.tasks import _refresh
    from jobs.runner import run_job

    html = dashboard_html(client, people["ssat"], "ssat")
    assert "have not been computed yet" in html
    job = request_refresh()
    assert request_refresh() is None  # one at a time
    run_job(FiguresRefresh, job.pk, _refresh)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.schools > 0
    assert "Data as at 2 December 2026, 10:00" in dashboard_html(client, people["ssat"], "ssat")
    refresh_figures()  # a newer snapshot replaces the older one and its rows
    assert FiguresRefresh.objects.filter(state=JobState.DONE).count() == 1
    with scopes_disabled():
        assert SchoolFigures.objects.exclude(run=FiguresRefresh.objects.get(state=JobState.DONE)).count() == 0


def test_the_las_stored_totals_add_up_to_what_the_school_rows_say(world, people):
    from accounts.access import memberships_of
    from dashboards.selectors import figures_rows, latest_refresh, place_totals, remit_for
    from dashboards.tables import AGGREGATES, MEDIAN_FIELDS, tables_for

    for n in range(3):
        with scopes_disabled():
            la = LocalAuthorityFactory(code=f"{880 + n}", name=f"Shire {n}", region=["east", "london", "east"][n])
        add_schools(la, 4 + n, gaining_ground=n != 1)
    add_schools(world.a.la, 3, gaining_ground=True)
    refresh_figures()
    run = latest_refresh()
    for user, region in [(people["adviser_all"], ""), (people["adviser_all"], "east"), (people["ssat"], "")]:
        membership = memberships_of(user)[0]
        remit = remit_for(membership, region)
        tables = tables_for(membership.role)
        found, values = place_totals(run, remit, tables)
        group = "la__region" if remit.by_region else "la_id"
        rows = figures_rows(run, remit).order_by()
        expected = {r.pop(group): r for r in rows.values(group).annotate(**AGGREGATES)}
        assert found.keys() == expected.keys() and len(found) >= 2
        for key, totals in found.items():
            assert totals == {name: expected[key][name] for name in totals}, key
        for name in MEDIAN_FIELDS:
            for key in found:
                listed = [v for v in rows.filter(**{group: key}).values_list(name, flat=True) if v is not None]
                assert sorted(values.get((key, name), [])) == sorted(listed)


def test_a_snapshots_tables_are_put_together_once_and_the_next_refresh_replaces_them(client, world, people):
    def main(html: str) -> str:  # the page's own content (the script nonce changes with each request)
        return html[html.index("<main") : html.index("</main>")]

    refresh_figures()
    first = _queries(client, people["ssat"], "/national/ssat/")
    before = main(dashboard_html(client, people["ssat"], "ssat"))
    assert _queries(client, people["ssat"], "/national/ssat/") == first - 1  # the LAs' totals are not read again
    add_schools(world.a.la, 6, gaining_ground=True)
    assert main(dashboard_html(client, people["ssat"], "ssat")) == before  # the same snapshot
    refresh_figures()
    after = main(dashboard_html(client, people["ssat"], "ssat"))
    assert after != before and _queries(client, people["ssat"], "/national/ssat/") == first - 1
    # The lists behind the figures too: each list is its own, and read from the snapshot once.
    everyone = "/national/ssat/figures/ledger/"
    listed = _queries(client, people["ssat"], everyone)
    assert _queries(client, people["ssat"], everyone) == listed - 2  # neither the count nor the page again
    schools = main(client.get(everyone).content.decode())
    assert world.a.school.name in schools
    assert main(client.get(everyone + "?figure=partner").content.decode()) != schools


# --- cost -------------------------------------------------------------------------------------


def _queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_las_or_schools(client, world, people):
    urls = [
        (people["adviser_all"], "/national/national-strategies/"),
        (people["adviser_all"], "/national/national-strategies/?region=east"),
        (people["adviser_east"], "/national/national-strategies/figures/visits/?figure=schools"),
        (people["adviser_east"], "/national/national-strategies/figures/plan.csv"),
        (people["ssat"], "/national/ssat/"),
        (people["ssat"], "/national/ssat/figures/ledger/"),
    ]
    refresh_figures()
    small = [_queries(client, user, url) for user, url in urls]
    for n in range(6):
        with scopes_disabled():
            la = LocalAuthorityFactory(code=f"{870 + n}", name=f"County {n}", region=list(Region.values)[n % 9])
        add_schools(la, 12, gaining_ground=n % 2 == 0)
    add_schools(world.a.la, 60, gaining_ground=True)
    refresh_figures()
    large = [_queries(client, user, url) for user, url in urls]
    assert small == large


def test_the_demos_national_accounts_land_on_dashboards_with_figures_some_hidden(client, db):
    from django.core.management import call_command

    from accounts.models import User

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    for email, path in [
        ("adviser@demo.test", "/national/national-strategies/"),
        ("adviser.national@demo.test", "/national/national-strategies/?region=east"),
        ("ssat@demo.test", "/national/ssat/"),
        ("college@demo.test", "/national/national-college/?region=london"),
    ]:
        client.force_login(User.objects.get(email=email))
        html = client.get(path).content.decode()
        assert "Data as at" in html, email
        assert 'class="sip-suppressed"' in html, email  # some figures hidden
        assert "/figures/" in html and "figure=" in html, email  # and some shown, linked


def test_overdue_reports_are_counted_by_the_same_rule_as_the_las_list(world):
    from django_scopes import scope

    from reports.models import Report
    from reports.selectors import overdue_reports

    late, reported = add_schools(world.a.la, 2, with_work=False)
    with scopes_disabled():
        for school in (late, reported):
            assignment = school.sip_assignments.get()
            VisitFactory(
                assignment=assignment,
                date=datetime.date(2026, 10, 1),
                state=Visit.State.FINAL,
                finalised_at=timezone.now(),
            )
        Report.objects.create(
            school=reported,
            academic_year=2026,
            term=1,
            title="R",
            author=world.a.sip,
            state="issued",
            issued_at=timezone.now(),
        )
    refresh_figures()
    with scopes_disabled():
        flagged = set(
            SchoolFigures.objects.filter(report_overdue=True, la=world.a.la).values_list("school_id", flat=True)
        )
    with scope(la=world.a.la.pk):
        expected = {row.school_id for row in overdue_reports()}
    assert flagged == expected and late.pk in flagged and reported.pk not in flagged
