"""Visits over several academic years: the ledger, year views, handover, the turn of the year.

The world has 2024/25 and 2025/26 behind its first school (tests/conftest.py). The clock is pinned
at 2 December 2026, in 2026/27, unless a test moves it, so nothing here depends on the day it runs.
"""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import Action, AuditEvent
from visits.models import NextStep, SipAssignment, Visit
from visits.selectors import next_year_to_prepare

from .factories import (
    MembershipFactory,
    NextStepFactory,
    PriorityFactory,
    SchoolFactory,
    SipAssignmentFactory,
    UserFactory,
    VisitFactory,
)
from .test_visits import record_data

LONDON = ZoneInfo("Europe/London")
THIS_YEAR = 2026


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=LONDON)


@pytest.fixture
def clock(db):
    """The clock at 2 December 2026; `clock.move_to(at(day))` moves it."""
    traveller = time_machine.travel(at(datetime.date(THIS_YEAR, 12, 2)), tick=False)
    coordinates = traveller.start()
    yield coordinates
    traveller.stop()


@pytest.fixture
def norfolk(clock, world):
    """Norfolk's world with the clock pinned before it was built (its assignment is 2026/27's)."""
    return world.a


@pytest.fixture
def priorities(norfolk):
    with scopes_disabled():
        return [
            PriorityFactory(school=norfolk.school, title="Maths progress of FSM boys", position=1),
            PriorityFactory(school=norfolk.school, title="Assessment for learning in English", position=2),
        ]


def visits_url(name, la_world, *args):
    return reverse(f"visits:{name}", args=[la_world.la.code, la_world.school.urn, *args])


def caseload_url(la_world, query=""):
    return reverse("visits:caseload", args=[la_world.la.code]) + query


def final_visit(assignment, day, **extra):
    return VisitFactory(assignment=assignment, date=day, state="final", finalised_at=at(day), **extra)


def this_years_assignment(la_world):
    with scopes_disabled():
        return SipAssignment.objects.get(school=la_world.school, academic_year=THIS_YEAR)


def earlier_years(school, sip, years=3):
    """Earlier years of one more school: an assignment, two finalised visits, steps open and done."""
    for year in range(THIS_YEAR - years, THIS_YEAR):
        assignment = SipAssignmentFactory(school=school, sip=sip, academic_year=year)
        for month in (10, 3):
            day = datetime.date(year if month >= 9 else year + 1, month, 5)
            visit = final_visit(assignment, day)
            NextStepFactory(visit=visit, due_on=day + datetime.timedelta(days=30))
            NextStepFactory(visit=visit, due_on=day + datetime.timedelta(days=30), done_on=day)


# --- days used: only visits that have happened ---------------------------------------------


def test_a_future_visit_never_counts_as_used_and_cannot_be_recorded_before_its_day(client, norfolk, priorities):
    assignment = this_years_assignment(norfolk)
    with scopes_disabled():
        final_visit(assignment, datetime.date(2026, 10, 5))
        future = VisitFactory(assignment=assignment, date=datetime.date(2027, 1, 20), state="planned")
        # A draft dated after today (as older versions allowed) is not a visit that happened either.
        VisitFactory(assignment=assignment, date=datetime.date(2027, 2, 3), state="draft")
    client.force_login(norfolk.sip)
    (row,) = client.get(caseload_url(norfolk)).context["rows"]
    assert row.days_used == Decimal("1.0")
    assert row.last_visit == datetime.date(2026, 10, 5)
    assert row.next_visit == datetime.date(2027, 1, 20)

    detail = client.get(visits_url("visit", norfolk, future.pk)).content.decode()
    assert "You can record this visit from 20 January 2027" in detail
    page = client.post(visits_url("record", norfolk, future.pk), record_data(future.version, priorities))
    assert "record it on the day or after" in page.content.decode()
    future.refresh_from_db()
    assert future.state == "planned" and future.summary == "Agreed with the headteacher."


# --- private notes never print -----------------------------------------------------------


def test_the_printed_visit_note_never_holds_the_private_notes(client, norfolk):
    with scopes_disabled():
        visit = final_visit(
            this_years_assignment(norfolk),
            datetime.date(2026, 11, 3),
            summary="Shared summary for the school",
            private_notes="Head of English seems overwhelmed",
        )
    for person in (norfolk.sip, norfolk.la_admin, norfolk.head):
        client.force_login(person)
        note = client.get(visits_url("note", norfolk, visit.pk)).content.decode()
        assert "Shared summary for the school" in note
        assert "Head of English seems overwhelmed" not in note and "Private working notes" not in note
    client.force_login(norfolk.sip)
    detail = client.get(visits_url("visit", norfolk, visit.pk)).content.decode()
    # On the SIP's own page the notes are marked so the print stylesheet hides them, and the page
    # offers the note that leaves them out.
    section = re.search(r'<section class="([^"]*)" data-private[^>]*>(.*?)</section>', detail, re.S)
    assert section and "sip-no-print" in section.group(1).split()
    assert "Head of English seems overwhelmed" in section.group(2)
    assert visits_url("note", norfolk, visit.pk) in detail


# --- earlier next steps ticked done stay until finalised -----------------------------------


def test_earlier_steps_ticked_done_stay_on_the_record_and_can_be_unticked_until_it_is_finalised(
    client, norfolk, priorities
):
    assignment = this_years_assignment(norfolk)
    with scopes_disabled():
        earlier = final_visit(assignment, datetime.date(2026, 10, 1))
        step = NextStepFactory(visit=earlier, action="Publish the AfL plan", due_on=datetime.date(2026, 10, 20))
        visit = VisitFactory(assignment=assignment, date=datetime.date(2026, 12, 1), state="planned")
    client.force_login(norfolk.sip)
    client.post(visits_url("record", norfolk, visit.pk), record_data(visit.version, priorities, done=str(step.pk)))
    step.refresh_from_db()
    assert step.done_on == datetime.date(2026, 12, 1)

    page = client.get(visits_url("record", norfolk, visit.pk)).content.decode()
    assert re.search(rf'id="done-{step.pk}"[^>]*checked', page), "the ticked step is still there, ticked"
    detail = client.get(visits_url("visit", norfolk, visit.pk)).content.decode()
    assert "Publish the AfL plan" in detail and "Done at this visit" in detail
    visit.refresh_from_db()
    client.post(visits_url("record", norfolk, visit.pk), record_data(visit.version, priorities))  # unticked
    step.refresh_from_db()
    assert step.done_on is None

    visit.refresh_from_db()
    client.post(visits_url("record", norfolk, visit.pk), record_data(visit.version, priorities, done=str(step.pk)))
    visit.refresh_from_db()
    assert client.post(visits_url("finalise", norfolk, visit.pk), {"version": visit.version}).status_code == 302
    with scopes_disabled():
        later = VisitFactory(assignment=assignment, date=datetime.date(2026, 12, 2), state="planned")
    assert "Publish the AfL plan" not in client.get(visits_url("record", norfolk, later.pk)).content.decode()


# --- the LA's caseload: schools without a SIP, handover, the days split ----------------------


def test_the_la_caseload_warns_about_schools_without_a_sip_this_year(client, norfolk):
    client.force_login(norfolk.la_admin)
    page = client.get(caseload_url(norfolk)).content.decode()
    warning = page[page.index('id="no-sip"') : page.index("</ul>", page.index('id="no-sip"'))]
    assert "1 school without a SIP in 2026/27" in warning
    assert norfolk.other_school.name in warning and norfolk.school.name not in warning
    client.force_login(norfolk.sip)
    assert 'id="no-sip"' not in client.get(caseload_url(norfolk)).content.decode()


def test_reassigning_a_sip_mid_year_is_a_handover(client, norfolk):
    assignment = this_years_assignment(norfolk)
    with scopes_disabled():
        logged = final_visit(assignment, datetime.date(2026, 10, 6))
        planned = VisitFactory(assignment=assignment, date=datetime.date(2027, 1, 12), state="planned")
        new_sip = UserFactory(full_name="Nadia New")
        MembershipFactory(user=new_sip, role=Role.SIP, la=norfolk.la)
    client.force_login(norfolk.la_admin)
    response = client.post(
        reverse("visits:assign", args=[norfolk.la.code]), {"school": norfolk.school.pk, "sip": new_sip.pk}, follow=True
    )
    assert "is handed over from sip of Norfolk to Nadia New" in response.content.decode()
    logged.refresh_from_db()
    planned.refresh_from_db()
    assignment.refresh_from_db()
    assert logged.sip == norfolk.sip and planned.sip == new_sip  # the old SIP keeps what they logged
    assert assignment.sip == new_sip and assignment.days_allocated == Decimal("5")
    with scope(la=norfolk.la.pk):
        assert AuditEvent.objects.get(action=Action.SIP_HANDED_OVER).detail["visits_kept_by_previous_sip"] == 1

    client.force_login(new_sip)
    (row,) = client.get(caseload_url(norfolk)).context["rows"]
    assert row.days_used == Decimal("1.0")  # the year's days carry over
    listing = client.get(visits_url("list", norfolk)).content.decode()
    assert "sip of Norfolk" in listing and "Nadia New" in listing


def test_days_used_show_the_handbooks_split_for_a_gaining_ground_school(client, norfolk):
    assignment = this_years_assignment(norfolk)
    with scopes_disabled():
        assignment.days_allocated = Decimal("9")
        assignment.save()
        final_visit(assignment, datetime.date(2026, 9, 15))
        final_visit(assignment, datetime.date(2026, 10, 6), kind="gaining-ground", length_days=Decimal("0.5"))
        final_visit(assignment, datetime.date(2026, 11, 10), kind="governors")
        other = SipAssignmentFactory(school=norfolk.other_school, sip=norfolk.sip)
        final_visit(other, datetime.date(2026, 11, 11))
    client.force_login(norfolk.sip)
    response = client.get(caseload_url(norfolk, "?sort=school"))
    standard, gaining_ground = response.context["rows"]  # Norfolk Academy, Norfolk High School
    assert [(line.label, line.used, line.allocated) for line in gaining_ground.ledger] == [
        ("Standard days", Decimal("1.0"), Decimal("5")),
        ("Additional days", Decimal("1.5"), Decimal("4")),
    ]
    assert [(line.label, line.used, line.allocated) for line in standard.ledger] == [
        ("Days", Decimal("1.0"), Decimal("5"))
    ]
    page = response.content.decode()
    assert "Standard days: 1 of 5" in page and "Additional days: 1.5 of 4" in page and "Governors day: held" in page


# --- year views -------------------------------------------------------------------------------


def test_the_caseload_and_a_schools_visits_say_their_year_and_offer_earlier_ones(client, norfolk):
    with scopes_disabled():
        final_visit(this_years_assignment(norfolk), datetime.date(2026, 11, 4))
    client.force_login(norfolk.sip)
    page = client.get(caseload_url(norfolk)).content.decode()
    assert "My schools in Norfolk, 2026/27" in page
    assert 'href="?year=2025">2025/26</a>' in page and 'href="?year=2024">2024/25</a>' in page

    last_year = client.get(caseload_url(norfolk, "?year=2025"))
    assert "My schools in Norfolk, 2025/26" in last_year.content.decode()
    (row,) = last_year.context["rows"]
    # 2025/26 of the world's history: autumn, spring and governors visits, a day each.
    assert row.academic_year == 2025 and row.days_used == Decimal("3.0")
    assert row.last_visit == datetime.date(2026, 5, 11)
    for nonsense in ("?year=1900", "?year=abc", "?year=2999"):
        assert "My schools in Norfolk, 2026/27" in client.get(caseload_url(norfolk, nonsense)).content.decode()

    visits = client.get(visits_url("list", norfolk)).content.decode()
    assert "SIP visits, 2026/27" in visits and "4 November 2026" in visits and "6 October 2025" not in visits
    earlier = client.get(visits_url("list", norfolk) + "?year=2025").content.decode()
    assert "SIP visits, 2025/26" in earlier and "6 October 2025" in earlier and "4 November 2026" not in earlier
    assert "Plan a visit" not in earlier and "kept as history" in earlier


def test_last_years_caseload_names_a_school_that_has_another_sip_now_without_a_dead_link(client, norfolk):
    with scopes_disabled():
        handed_on = SchoolFactory(la=norfolk.la, name="Diss Mere High School")
        earlier_years(handed_on, norfolk.sip, years=1)
        SipAssignmentFactory(school=handed_on, sip=UserFactory(), academic_year=THIS_YEAR)
    client.force_login(norfolk.sip)
    page = client.get(caseload_url(norfolk, "?year=2025")).content.decode()
    assert "Diss Mere High School <span" in page and "(another SIP's school this year)" in page
    assert f"/schools/{handed_on.urn}/visits/" not in page
    assert f"/schools/{norfolk.school.urn}/visits/?year=2025" in page
    # The LA administrator opens every school, whoever its SIP is.
    client.force_login(norfolk.la_admin)
    page = client.get(caseload_url(norfolk, "?year=2025")).content.decode()
    assert f"/schools/{handed_on.urn}/visits/?year=2025" in page


def test_last_years_visits_are_read_only_and_an_la_admin_corrects_them_with_a_reason(client, norfolk, priorities):
    with scopes_disabled():
        last_year = SipAssignment.objects.get(school=norfolk.school, academic_year=THIS_YEAR - 1)
        visit = final_visit(last_year, datetime.date(2026, 3, 5), summary="What was agreed in March")
    client.force_login(norfolk.sip)
    assert client.get(visits_url("record", norfolk, visit.pk)).status_code == 403
    assert (
        client.post(visits_url("record", norfolk, visit.pk), record_data(visit.version, priorities)).status_code == 403
    )

    client.force_login(norfolk.la_admin)
    assert "Correct the record" in client.get(visits_url("visit", norfolk, visit.pk)).content.decode()
    page = client.post(
        visits_url("record", norfolk, visit.pk), record_data(visit.version, priorities, summary="Corrected")
    ).content.decode()
    assert "Say why you are correcting a record of an earlier year." in page
    visit.refresh_from_db()
    assert visit.summary == "What was agreed in March"
    response = client.post(
        visits_url("record", norfolk, visit.pk),
        record_data(
            visit.version, priorities, summary="Corrected", amendment_reason="The date of the review was wrong"
        ),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.summary == "Corrected" and visit.sip == norfolk.sip
    with scope(la=norfolk.la.pk):
        event = AuditEvent.objects.get(action=Action.VISIT_CORRECTED)
    assert event.detail["reason"] == "The date of the review was wrong" and event.actor == norfolk.la_admin


# --- the turn of the year ---------------------------------------------------------------------


def test_open_steps_at_year_end_are_carried_into_the_new_year_or_closed_with_a_reason(
    client, clock, norfolk, priorities
):
    assignment = this_years_assignment(norfolk)
    with scopes_disabled():
        visit = final_visit(assignment, datetime.date(2027, 6, 8))
        carry = NextStepFactory(visit=visit, action="Embed the tracking of FSM boys", due_on=datetime.date(2027, 7, 9))
        close = NextStepFactory(visit=visit, action="Recruit a second maths lead", due_on=datetime.date(2027, 7, 9))
        NextStepFactory(visit=visit, action="Already done", done_on=datetime.date(2027, 6, 20))
    clock.move_to(at(datetime.date(2027, 7, 15)))
    client.force_login(norfolk.sip)
    response = client.get(visits_url("year-end", norfolk))
    page = response.content.decode()
    assert "Open next steps at the end of 2026/27" in page
    assert "Embed the tracking of FSM boys" in page and "Recruit a second maths lead" in page
    assert "Still open from 2025/26" in page  # the earlier years' undecided steps too
    assert "Already done" not in page
    earlier = {f.step.pk for f in response.context["forms"]} - {carry.pk, close.pk}

    refused = client.post(visits_url("year-end", norfolk), {f"step-{close.pk}-decision": "close"}).content.decode()
    assert "Say why “Recruit a second maths lead” is closed." in refused
    response = client.post(
        visits_url("year-end", norfolk),
        {
            f"step-{carry.pk}-decision": "carry",
            f"step-{close.pk}-decision": "close",
            f"step-{close.pk}-reason": "The post was cut in the budget.",
            **{f"step-{pk}-decision": "carry" for pk in earlier},
        },
    )
    assert response.status_code == 302
    carry.refresh_from_db()
    close.refresh_from_db()
    assert carry.carried_into_year == 2027 and carry.is_open
    assert close.closed_reason == "The post was cut in the budget." and not close.is_open
    with scope(la=norfolk.la.pk):
        assert AuditEvent.objects.filter(action=Action.NEXT_STEP_CARRIED, detail__step=carry.pk).exists()
        assert AuditEvent.objects.filter(action=Action.NEXT_STEP_CLOSED, detail__step=close.pk).exists()
    assert "No open next steps are waiting" in client.get(visits_url("year-end", norfolk)).content.decode()

    # The new year: the carried step heads the first visit's agenda; the closed one is gone.
    clock.move_to(at(datetime.date(2027, 9, 2)))
    with scopes_disabled():
        SipAssignmentFactory(school=norfolk.school, sip=norfolk.sip, academic_year=2027)
    client.force_login(norfolk.sip)  # access is read per request, for the new year
    client.post(visits_url("new", norfolk), {"date": "2027-09-20", "kind": "standard", "length_days": "1.0"})
    with scope(la=norfolk.la.pk):
        first = Visit.objects.get(assignment__academic_year=2027)
        (row,) = [r for r in client.get(caseload_url(norfolk)).context["rows"]]
    carried = [line for line in first.agenda.splitlines() if line.startswith("Carried from")]
    assert first.agenda.startswith("Carried from") and len(carried) == 1 + len(earlier)
    assert "Carried from 2026/27: Embed the tracking of FSM boys (Ms Ada Lovelace, due 9 July 2027)." in carried
    assert "Recruit a second maths lead" not in first.agenda
    assert row.open_steps == 1 + len(earlier)  # carried steps stay open until done


def test_an_la_admin_prepares_next_years_caseload_from_1_july(client, clock, norfolk):
    la = norfolk.la
    with scopes_disabled():
        leaving = SchoolFactory(
            la=la, name="Aardvark Leaving School", gaining_ground_joined=2024, gaining_ground_left=2027
        )
        joining = SchoolFactory(la=la, name="Beech Joining School", gaining_ground_joined=2027)
        SipAssignmentFactory(school=leaving, sip=norfolk.sip, days_allocated=Decimal("9"))
        SipAssignmentFactory(school=joining, sip=norfolk.sip)
    client.force_login(norfolk.la_admin)
    assert "from 1 July" in client.get(reverse("visits:prepare", args=[la.code])).content.decode()
    with scope(la=la.pk):
        assert next_year_to_prepare(la, datetime.date(2027, 6, 30)) is None

    clock.move_to(at(datetime.date(2027, 7, 1)))
    client.force_login(norfolk.la_admin)  # a new session on the new day
    with scope(la=la.pk):
        assert next_year_to_prepare(la, datetime.date(2027, 7, 1)) == (2027, 4)
    caseload = client.get(caseload_url(norfolk)).content.decode()
    assert "Prepare 2027/28" in caseload and "4 schools without a SIP for next year" in caseload
    response = client.get(reverse("visits:prepare", args=[la.code]))
    rows = response.context["rows"]
    names = [proposal.school.name for proposal, _, _ in rows]
    assert names[0] == norfolk.other_school.name  # no SIP this year: listed first
    proposed = {p.school.name: (p.sip_id, p.days, p.change) for p, _, _ in rows}
    assert proposed[norfolk.school.name] == (norfolk.sip.pk, Decimal("9"), "")
    assert proposed[leaving.name] == (norfolk.sip.pk, Decimal("5"), "Leaves Gaining Ground")
    assert proposed[joining.name] == (norfolk.sip.pk, Decimal("9"), "Joins Gaining Ground")

    form = {}
    for _proposal, sip, days in rows:
        form[sip.html_name] = sip.value() or ""
        form[days.html_name] = str(days.value())
    form[f"sip-{norfolk.other_school.pk}"] = str(norfolk.sip.pk)
    form[f"days-{joining.pk}"] = "8"
    form[f"sip-{leaving.pk}"] = ""  # no SIP for it yet
    assert client.post(reverse("visits:prepare", args=[la.code]), form).status_code == 302
    with scope(la=la.pk):
        next_year = {a.school.name: (a.sip, a.days_allocated) for a in SipAssignment.objects.filter(academic_year=2027)}
        assert AuditEvent.objects.filter(action=Action.CASELOAD_PREPARED).exists()
    assert next_year[joining.name] == (norfolk.sip, Decimal("8"))
    assert next_year[norfolk.other_school.name] == (norfolk.sip, Decimal("5"))
    assert leaving.name not in next_year and len(next_year) == 3
    with scope(la=la.pk):
        assert next_year_to_prepare(la, datetime.date(2027, 7, 1)) == (2027, 1)

    # Confirming again: the page starts from what is saved; "No SIP yet" takes an assignment back.
    rows = client.get(reverse("visits:prepare", args=[la.code])).context["rows"]
    form = {sip.html_name: sip.value() or "" for _, sip, _ in rows} | {d.html_name: str(d.value()) for *_, d in rows}
    assert form[f"sip-{joining.pk}"] == str(norfolk.sip.pk) and form[f"days-{joining.pk}"] == "8.0"
    form[f"sip-{joining.pk}"] = ""
    assert client.post(reverse("visits:prepare", args=[la.code]), form).status_code == 302
    with scope(la=la.pk):
        assert not SipAssignment.objects.filter(academic_year=2027, school=joining).exists()

    client.force_login(norfolk.sip)
    assert client.get(reverse("visits:prepare", args=[la.code])).status_code == 403


# --- object helpers ---------------------------------------------------------------------------


def test_a_visit_of_another_school_is_not_found_and_the_attempt_is_recorded(client, norfolk):
    with scopes_disabled():
        elsewhere = SipAssignmentFactory(school=norfolk.other_school, sip=UserFactory())
        visit = final_visit(elsewhere, datetime.date(2026, 10, 1))
    client.force_login(norfolk.head)
    assert client.get(visits_url("visit", norfolk, visit.pk)).status_code == 404
    with scope(la=norfolk.la.pk):
        event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert event.detail["tried"] == "visit" and event.detail["visit"] == visit.pk


# --- query counts with years of history --------------------------------------------------------


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


@pytest.mark.parametrize("person", ["sip", "la_admin"])
def test_the_caseload_costs_the_same_queries_for_1_or_40_schools_with_years_of_history(client, norfolk, person):
    client.force_login(getattr(norfolk, person))  # its one school has two earlier years
    path = caseload_url(norfolk)
    few, rows = _queries(client, path)
    few_last_year, rows_last_year = _queries(client, path + "?year=2025")
    assert rows == rows_last_year == 1
    with scopes_disabled():
        for school in SchoolFactory.create_batch(39, la=norfolk.la, gaining_ground_joined=2024):
            earlier_years(school, norfolk.sip)
            visit = final_visit(SipAssignmentFactory(school=school, sip=norfolk.sip), datetime.date(2026, 10, 1))
            NextStepFactory(visit=visit)
    many, rows = _queries(client, path)
    assert rows == 40 and many == few
    many_last_year, rows = _queries(client, path + "?year=2025")
    assert rows == 40 and many_last_year == few_last_year


def test_the_service_refuses_a_next_step_owned_by_a_team_whatever_form_sent_it(norfolk):
    from visits.services import VisitError, VisitRecord, visit_record

    with scopes_disabled():
        visit = VisitFactory(assignment=this_years_assignment(norfolk), date=datetime.date(2026, 12, 1))
    record = VisitRecord(
        fields={"agenda": "", "classroom_evidence": "", "tracked_pupils": "", "documents_seen": "", "summary": "S"},
        next_steps=[{"action": "Cover plan", "owner": "English department", "due_on": datetime.date(2027, 1, 8)}],
    )
    record.fields["private_notes"] = ""
    with scope(la=norfolk.la.pk), pytest.raises(VisitError, match="Name one person"):
        visit_record(actor=norfolk.sip, visit=visit, version=visit.version, record=record)
    with scope(la=norfolk.la.pk):
        assert not NextStep.objects.filter(visit=visit).exists()
        visit.refresh_from_db()
    assert visit.summary == "Agreed with the headteacher."


def test_a_step_closed_at_year_end_is_no_longer_open_or_overdue_anywhere(client, norfolk):
    with scopes_disabled():
        still_open = list(
            NextStep.objects.filter(visit__assignment__school=norfolk.school, done_on=None).order_by("pk")
        )
    assert len(still_open) == 2  # one from each earlier year of the world's history
    overview = reverse("overview:home", args=[norfolk.la.code])
    client.force_login(norfolk.sip)
    assert f"2 overdue next steps at {norfolk.school.name}" in client.get(overview).content.decode()
    (row,) = client.get(caseload_url(norfolk)).context["rows"]
    assert (row.open_steps, row.overdue_steps) == (2, 2)

    with scopes_disabled():
        NextStep.objects.filter(pk=still_open[0].pk).update(
            closed_on=datetime.date(2026, 9, 1), closed_reason="Superseded by this year's plan."
        )
    assert f"1 overdue next step at {norfolk.school.name}" in client.get(overview).content.decode()
    (row,) = client.get(caseload_url(norfolk)).context["rows"]
    assert (row.open_steps, row.overdue_steps) == (1, 1)
