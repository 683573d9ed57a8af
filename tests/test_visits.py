import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import Action, AuditEvent
from visits.models import NextStep, SipAssignment, Visit
from visits.selectors import caseload_rows, warnings_for

from .conftest import HISTORY_YEARS
from .factories import (
    MembershipFactory,
    NextStepFactory,
    PriorityFactory,
    SchoolFactory,
    SipAssignmentFactory,
    UserFactory,
    VisitFactory,
)


@pytest.fixture
def priorities(world):
    with scopes_disabled():
        return [
            PriorityFactory(school=world.a.school, title="Maths progress of FSM boys", position=1),
            PriorityFactory(school=world.a.school, title="Assessment for learning in English", position=2),
        ]


def url(name, world, *args):
    return reverse(f"visits:{name}", args=["926", world.a.school.urn, *args])


def record_data(visit_version, priorities, **overrides):
    data = {
        "version": visit_version,
        "agenda": "09:00 Headteacher and chair of governors",
        "classroom_evidence": "Year 9 maths: good use of mini whiteboards.",
        "tracked_pupils": "6 of the 8 tracked pupils on target.",
        "documents_seen": "Tracking data, AfL plan.",
        "summary": "Good progress in maths; English AfL slipping because of staff absence.",
        "private_notes": "Head of English seems overwhelmed.",
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-0-name": "Ms Grace Adeyemi",
        "people-0-role": "Headteacher",
        "people-1-name": "",
        "people-1-role": "",
        "support-TOTAL_FORMS": "1",
        "support-INITIAL_FORMS": "0",
        "support-0-what": "AfL training for the English department",
        "support-0-provider": "LA consultant",
        "support-0-days": "2",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-0-action": "Cover plan for the English department",
        "steps-0-owner": "Mr Tom Hartley",
        "steps-0-due_on": "2026-12-18",
        "steps-1-action": "",
        "steps-1-owner": "",
        "steps-1-due_on": "",
        f"priority-{priorities[0].pk}-status": "on-track",
        f"priority-{priorities[0].pk}-evidence": "FSM boys' maths up 6 points on the autumn check.",
        f"priority-{priorities[1].pk}-status": "slipping",
        f"priority-{priorities[1].pk}-evidence": "AfL seen in 2 of 5 lessons.",
        f"priority-{priorities[1].pk}-cause": "unexpected",
        f"priority-{priorities[1].pk}-response": "Adjust the plan: training moved to January.",
    }
    data.update(overrides)
    return data


def test_a_sip_plans_records_and_finalises_a_visit(client, world, priorities):
    client.force_login(world.a.sip)
    response = client.post(
        url("new", world), {"date": "2026-12-02", "kind": "gaining-ground", "length_days": "1.0", "agenda": ""}
    )
    assert response.status_code == 302
    with scope(la=world.a.la.pk):
        visit = Visit.objects.get(date=datetime.date(2026, 12, 2))
    assert visit.state == "planned" and visit.agenda.startswith("08:30 Arrive at the school.")
    assert "15:30 Data workshop for the governing body." in visit.agenda

    response = client.post(url("record", world, visit.pk), record_data(visit.version, priorities, finalise="1"))
    assert response.status_code == 302 and response["Location"] == url("finalise", world, visit.pk)
    check = client.get(response["Location"]).content.decode()
    assert "Check the record before finalising" in check and "Before you can finalise" not in check
    visit.refresh_from_db()
    assert client.post(url("finalise", world, visit.pk), {"version": visit.version}).status_code == 302
    visit.refresh_from_db()
    assert visit.state == "final" and visit.finalised_by == world.a.sip
    with scope(la=world.a.la.pk):
        assert AuditEvent.objects.filter(action=Action.VISIT_FINALISED).exists()
        assert list(visit.next_steps.values_list("owner", flat=True)) == ["Mr Tom Hartley"]
        assert visit.evaluations.get(priority=priorities[1]).cause == "unexpected"


def test_finalising_needs_a_summary_an_evaluation_of_each_priority_and_next_steps(client, world, priorities):
    with scopes_disabled():
        visit = VisitFactory(assignment=world.a.assignment, summary="")
    client.force_login(world.a.sip)
    page = client.get(url("finalise", world, visit.pk)).content.decode()
    for problem in (
        "Write the agreed summary.",
        "Record who you met.",
        "Evaluate progress against “Maths progress of FSM boys”.",
    ):
        assert problem in page
    assert client.post(url("finalise", world, visit.pk), {"version": visit.version}).status_code == 302
    visit.refresh_from_db()
    assert visit.state == "draft"


def test_slippage_needs_one_of_the_handbooks_causes_and_what_will_be_done(client, world, priorities):
    with scopes_disabled():
        visit = VisitFactory(assignment=world.a.assignment)
    client.force_login(world.a.sip)
    data = record_data(
        visit.version,
        priorities,
        **{f"priority-{priorities[1].pk}-cause": "", f"priority-{priorities[1].pk}-response": ""},
    )
    page = client.post(url("record", world, visit.pk), data).content.decode()
    assert "Say why it is slipping: an over-ambitious plan, unexpected events or inertia." in page
    assert "Say what will be done about the slippage." in page
    assert "6 of the 8 tracked pupils on target." in page  # what was typed is kept
    visit.refresh_from_db()
    assert visit.tracked_pupils == ""


@pytest.mark.parametrize("owner", ["Maths department", "Ms Adeyemi and Mr Hartley", "SLT/governors", "All staff"])
def test_a_next_step_has_exactly_one_named_owner(client, world, priorities, owner):
    with scopes_disabled():
        visit = VisitFactory(assignment=world.a.assignment)
    client.force_login(world.a.sip)
    page = client.post(
        url("record", world, visit.pk), record_data(visit.version, priorities, **{"steps-0-owner": owner})
    ).content.decode()
    assert "Name one person who owns this step, not a list or a team." in page


def test_open_next_steps_roll_into_the_next_visit_and_can_be_ticked_off(client, world, priorities):
    with scopes_disabled():
        assignment = world.a.assignment
        earlier = VisitFactory(
            assignment=assignment, date=datetime.date(2026, 10, 1), state="final", finalised_at="2026-10-01T16:00Z"
        )
        step = NextStepFactory(visit=earlier, action="Publish the AfL plan", due_on=datetime.date(2026, 10, 20))
        NextStepFactory(visit=earlier, action="Already done", done_on=datetime.date(2026, 10, 10))
        later = VisitFactory(assignment=assignment, date=datetime.date(2026, 12, 2), state="planned")
    client.force_login(world.a.sip)
    page = client.get(url("visit", world, later.pk)).content.decode()
    assert "To review first: open next steps from earlier visits" in page
    assert "Publish the AfL plan" in page and "Already done" not in page and "Overdue" in page
    client.post(url("record", world, later.pk), record_data(later.version, priorities, done=str(step.pk)))
    step.refresh_from_db()
    assert step.done_on == datetime.date(2026, 12, 2)


def test_the_head_sees_only_finalised_visits_and_never_the_private_notes(client, world, priorities):
    with scopes_disabled():
        assignment = world.a.assignment
        draft = VisitFactory(assignment=assignment, private_notes="Not for the school")
        final = VisitFactory(
            assignment=assignment,
            state="final",
            finalised_at="2026-10-01T16:00Z",
            summary="Shared summary",
            private_notes="Not for the school",
        )
    client.force_login(world.a.head)
    listing = client.get(url("list", world)).content.decode()
    assert "Finalised" in listing and "Being recorded" not in listing
    assert client.get(url("visit", world, draft.pk)).status_code == 404
    page = client.get(url("visit", world, final.pk)).content.decode()
    assert "Shared summary" in page and "Not for the school" not in page and "Private working notes" not in page
    assert client.get(url("record", world, final.pk)).status_code == 403
    client.force_login(world.a.la_admin)
    assert "Not for the school" in client.get(url("visit", world, draft.pk)).content.decode()
    client.force_login(world.a.governor)
    assert client.get(url("list", world)).status_code == 404


def test_amending_a_finalised_visit_needs_a_reason_and_keeps_the_history(client, world, priorities):
    with scopes_disabled():
        visit = VisitFactory(
            assignment=world.a.assignment,
            state="final",
            finalised_at="2026-10-01T16:00Z",
            summary="First version",
        )
    client.force_login(world.a.sip)
    page = client.post(
        url("record", world, visit.pk), record_data(visit.version, priorities, summary="Second version")
    ).content.decode()
    assert "Say why you are changing a finalised record." in page
    visit.refresh_from_db()
    assert (
        client.post(
            url("record", world, visit.pk),
            record_data(visit.version, priorities, summary="Second version", amendment_reason="Typo in the summary"),
        ).status_code
        == 302
    )
    visit.refresh_from_db()
    with scope(la=world.a.la.pk):
        [amendment] = visit.amendments.all()
    assert visit.summary == "Second version" and visit.state == "final"
    assert amendment.reason == "Typo in the summary" and amendment.before["summary"] == "First version"
    client.force_login(world.a.head)
    assert "Typo in the summary" in client.get(url("visit", world, visit.pk)).content.decode()


def test_a_stale_form_never_overwrites_a_newer_save_and_the_conflict_page_lets_the_next_save_through(
    client, world, priorities
):
    with scopes_disabled():
        visit = VisitFactory(assignment=world.a.assignment)
    client.force_login(world.a.sip)
    opened = visit.version
    client.post(url("record", world, visit.pk), record_data(opened, priorities, summary="Saved in tab one"))
    response = client.post(url("record", world, visit.pk), record_data(opened, priorities, summary="Typed in tab two"))
    page = response.content.decode()
    visit.refresh_from_db()
    assert visit.summary == "Saved in tab one"
    assert "Someone else saved a change" in page
    # The other person's saved value beside what this person typed, and the form keeps the typing.
    panel = page[page.index('id="conflict"') : page.index("</dl>", page.index('id="conflict"'))]
    assert "Saved in tab one" in panel and "Typed in tab two" in panel
    assert re.search(r'name="summary"[^>]*>\s*Typed in tab two</textarea>', page)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert int(version) == visit.version  # the page now carries the saved version
    again = client.post(url("record", world, visit.pk), record_data(version, priorities, summary="Typed in tab two"))
    assert again.status_code == 302
    visit.refresh_from_db()
    assert visit.summary == "Typed in tab two"


def test_a_record_finalised_while_someone_typed_asks_for_the_amendment_reason_on_the_conflict_page(
    client, world, priorities
):
    with scopes_disabled():
        visit = VisitFactory(assignment=world.a.assignment)
    client.force_login(world.a.sip)
    opened = visit.version
    client.post(url("record", world, visit.pk), record_data(opened, priorities, finalise="1"))
    visit.refresh_from_db()
    assert client.post(url("finalise", world, visit.pk), {"version": visit.version}).status_code == 302
    page = client.post(
        url("record", world, visit.pk), record_data(opened, priorities, summary="Typed in an old tab")
    ).content.decode()
    assert "Someone else saved a change" in page and "Why are you changing a finalised record?" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(
        url("record", world, visit.pk),
        record_data(version, priorities, summary="Typed in an old tab", amendment_reason="Late correction"),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    with scope(la=world.a.la.pk):
        assert visit.summary == "Typed in an old tab" and visit.amendments.get().reason == "Late correction"


def test_finalising_a_record_that_changed_meanwhile_asks_to_check_it_again_and_then_goes_through(
    client, world, priorities
):
    with scopes_disabled():
        visit = VisitFactory(assignment=world.a.assignment)
    client.force_login(world.a.sip)
    client.post(url("record", world, visit.pk), record_data(visit.version, priorities))
    stale = visit.version
    visit.refresh_from_db()
    response = client.post(url("finalise", world, visit.pk), {"version": stale}, follow=True)
    assert "This visit changed since you checked it" in response.content.decode()
    version = re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)
    assert client.post(url("finalise", world, visit.pk), {"version": version}).status_code == 302
    visit.refresh_from_db()
    assert visit.state == "final"


def test_a_visit_date_outside_the_assignments_year_is_refused(client, world, priorities):
    client.force_login(world.a.sip)
    page = client.post(
        url("new", world), {"date": "2030-01-10", "kind": "standard", "length_days": "1.0"}
    ).content.decode()
    assert "Choose a date in 2026/27" in page
    with scope(la=world.a.la.pk):
        assert not Visit.objects.filter(date=datetime.date(2030, 1, 10)).exists()


# --- caseload: the ledger and the warnings over a year -------------------------------------


def test_a_year_of_visits_gives_the_right_ledger_and_warnings(world):
    with scopes_disabled():
        school = world.a.school  # Gaining Ground
        assignment = SipAssignment.objects.get(school=school, academic_year=2026)
        assignment.days_allocated = Decimal("9")
        assignment.save()

        def visit(day, kind="standard", length="1.0", state="final"):
            return VisitFactory(
                assignment=assignment,
                date=day,
                kind=kind,
                length_days=Decimal(length),
                state=state,
                finalised_at="2026-10-01T16:00Z" if state == "final" else None,
            )

        first = visit(datetime.date(2026, 9, 15))
        NextStepFactory(visit=first, due_on=datetime.date(2026, 10, 1))  # overdue by November
        NextStepFactory(visit=first, due_on=datetime.date(2027, 2, 1))
        visit(datetime.date(2026, 10, 6), kind="gaining-ground", length="0.5")
        visit(datetime.date(2026, 11, 3), kind="gaining-ground", state="draft")

        def row(today):
            with scope(la=world.a.la.pk):
                return caseload_rows(SipAssignment.objects.filter(pk=assignment.pk), today=today).get()

        autumn = row(datetime.date(2026, 11, 20))
        assert (autumn.days_used, autumn.days_planned) == (Decimal("2.5"), Decimal("0"))
        assert (autumn.last_visit, autumn.next_visit) == (datetime.date(2026, 11, 3), None)
        # The school's open steps include the one still open from each earlier year (overdue by now).
        from_history = HISTORY_YEARS
        assert (autumn.open_steps, autumn.overdue_steps) == (2 + from_history, 1 + from_history)
        assert warnings_for(autumn) == ["No governors day planned."]

        visit(datetime.date(2027, 2, 9), kind="governors", state="planned")
        spring_before = row(datetime.date(2027, 1, 10))
        assert spring_before.next_visit == datetime.date(2027, 2, 9) and spring_before.days_planned == Decimal("1.0")
        assert warnings_for(spring_before) == []  # the governors day is planned; a visit is planned this term

        for day in (
            datetime.date(2027, 3, 2),
            datetime.date(2027, 3, 16),
            datetime.date(2027, 5, 4),
            datetime.date(2027, 6, 8),
        ):
            visit(day, kind="gaining-ground")
        visit(datetime.date(2027, 7, 6), state="planned")
        summer = row(datetime.date(2027, 6, 20))
        assert summer.days_used == Decimal("6.5")
        assert warnings_for(summer) == []
        for day in (datetime.date(2027, 6, 22), datetime.date(2027, 6, 29), datetime.date(2027, 7, 1)):
            visit(day)
        over = row(datetime.date(2027, 7, 2))
        assert over.days_used == Decimal("9.5")
        assert warnings_for(over) == ["9.5 days used of 9.0 allocated."]
        late = row(datetime.date(2027, 8, 30))
        assert "No visit this term." not in warnings_for(late)  # the summer term had visits


def test_a_school_not_visited_this_term_is_flagged(world):
    with scopes_disabled():
        assignment = world.a.assignment
        VisitFactory(
            assignment=assignment, date=datetime.date(2026, 10, 1), state="final", finalised_at="2026-10-01T16:00Z"
        )
    with scope(la=world.a.la.pk):
        row = caseload_rows(SipAssignment.objects.filter(pk=assignment.pk), today=datetime.date(2027, 2, 1)).get()
    assert "No visit this term." in warnings_for(row)


def test_an_la_admin_assigns_a_sip_with_the_standard_allocation(client, world):
    with scopes_disabled():
        school = SchoolFactory(la=world.a.la, gaining_ground_joined=2025)
    client.force_login(world.a.la_admin)
    assert (
        client.post(reverse("visits:assign", args=["926"]), {"school": school.pk, "sip": world.a.sip.pk}).status_code
        == 302
    )
    with scope(la=world.a.la.pk):
        assignment = SipAssignment.objects.get(school=school, academic_year=2026)
        assert AuditEvent.objects.filter(action=Action.SIP_ASSIGNED).exists()
    assert assignment.days_allocated == Decimal("9") and assignment.sip == world.a.sip
    page = client.post(
        reverse("visits:assign", args=["926"]), {"school": school.pk, "sip": world.a.head.pk}
    ).content.decode()
    assert "Choose SIP from the options given" in page  # only the LA's SIPs are offered


@pytest.mark.parametrize("role", ["head", "governor"])
def test_school_people_have_no_caseload(client, world, role):
    client.force_login(world.a.people[role])
    assert client.get(reverse("visits:caseload", args=["926"])).status_code == 403


def _caseload_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


def _schools_with_visits(la, sip, count):
    schools = SchoolFactory.create_batch(count, la=la)
    for school in schools:
        assignment = SipAssignmentFactory(school=school, sip=sip)
        visit = VisitFactory(assignment=assignment, state="final", finalised_at="2026-10-01T16:00Z")
        NextStepFactory(visit=visit)
        VisitFactory(assignment=assignment, state="planned", date=datetime.date(2027, 3, 1))


def test_a_sips_caseload_costs_the_same_queries_for_1_or_40_schools(client, world):
    client.force_login(world.a.sip)
    path = reverse("visits:caseload", args=["926"])
    few, rows = _caseload_queries(client, path)
    assert rows == 1
    with scopes_disabled():
        _schools_with_visits(world.a.la, world.a.sip, 39)
    many, rows = _caseload_queries(client, path)
    assert rows == 40 and many == few


def test_the_la_caseload_costs_the_same_queries_for_1_or_150_schools(client, world):
    client.force_login(world.a.la_admin)
    path = reverse("visits:caseload", args=["926"])
    few, rows = _caseload_queries(client, path)
    with scopes_disabled():
        sips = [UserFactory() for _ in range(5)]
        for sip in sips:
            MembershipFactory(user=sip, role=Role.SIP, la=world.a.la)
            _schools_with_visits(world.a.la, sip, 30)
    many, rows = _caseload_queries(client, path)
    assert rows == 50 and many == few  # a page of the 151
    assert client.get(path + "?page=4").context["page"].rows_page.paginator.count == 151
    assert len(client.get(path + "?page=4").context["rows"]) == 1
    open_shown = {row.school.pk: row.open_steps for row in client.get(path).context["rows"]}
    with scopes_disabled():
        for school_pk, shown in open_shown.items():
            assert shown == NextStep.objects.filter(visit__assignment__school=school_pk, done_on=None).count()


def test_the_caseload_sorts_and_filters(client, world):
    with scopes_disabled():
        assignment = world.a.assignment
        other = SipAssignmentFactory(school=world.a.other_school, sip=world.a.sip)
        VisitFactory(assignment=other, date=datetime.date(2026, 10, 1), state="final", finalised_at="2026-10-01T16:00Z")
        NextStepFactory(visit=VisitFactory(assignment=assignment, state="final", finalised_at="2026-10-01T16:00Z"))
    client.force_login(world.a.la_admin)
    path = reverse("visits:caseload", args=["926"])

    def names(query):
        return [row.school.name for row in client.get(path + query).context["rows"]]

    assert names("?sort=school") == sorted(names("?sort=school"))
    assert names("?sort=-school") == sorted(names("?sort=school"), reverse=True)
    assert names("?sort=-open")[0] == world.a.school.name
    assert names("?gaining_ground=yes") == [world.a.school.name]
    assert names("?gaining_ground=no") == [world.a.other_school.name]
    html = client.get(path + "?sort=school").content.decode()
    assert 'aria-sort="ascending"' in html


def test_open_steps_of_earlier_years_count_once_per_school_on_the_caseload(client, world):
    """A school has one assignment a year; its open steps from several years are counted once, as the
    school's (on PostgreSQL two years of steps used to fail the whole page)."""
    with scopes_disabled():
        visit = VisitFactory(
            assignment=world.a.assignment,
            date=datetime.date(2026, 10, 1),
            state="final",
            finalised_at="2026-10-01T16:00Z",
        )
        NextStepFactory(visit=visit, due_on=datetime.date(2026, 12, 20))
        NextStepFactory(visit=visit, due_on=datetime.date(2026, 11, 20))
        NextStepFactory(visit=visit, due_on=datetime.date(2026, 10, 20), done_on=datetime.date(2026, 10, 19))
        years_with_open_steps = set(
            NextStep.objects.filter(visit__assignment__school=world.a.school, done_on=None).values_list(
                "visit__assignment__academic_year", flat=True
            )
        )
    assert len(years_with_open_steps) == HISTORY_YEARS + 1
    for person in (world.a.sip, world.a.la_admin):
        client.force_login(person)
        response = client.get(reverse("visits:caseload", args=["926"]))
        assert response.status_code == 200
        (row,) = [r for r in response.context["rows"] if r.school == world.a.school]
        assert (row.open_steps, row.overdue_steps) == (HISTORY_YEARS + 2, HISTORY_YEARS + 1)
        assert "Open next steps (all years)" in response.content.decode()
