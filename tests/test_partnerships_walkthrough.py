"""What a reviewer walking the demo as each person found: partnerships reachable from the pages
people use, proposals that reach someone, Form 2's dates, messages and errors, and the report
draft's partnership section without staff names."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Membership
from partnerships import services
from partnerships.models import Form2, LedgerLine, Partnership, SupportingSchool
from reports import rendering
from reports import services as report_services
from visits.models import NextStep, Visit

from .factories import VisitFactory
from .partnership_world import build_match
from .test_partnerships import _access, _partnership, _ready_plan


@pytest.fixture
def match(world):
    return build_match(world)


def _move(world, partnership, plan, *steps, comment=""):
    sip = _access(world.a.sip, partnership)
    with scope(la=world.a.la.pk):
        for step in steps:
            plan = services.form2_transition(
                actor=world.a.sip, access=sip, plan=plan, name=step, lock_version=plan.lock_version, comment=comment
            )
    return plan


# --- 1. finding partnerships, Form 2 and the ledger ---------------------------------------------


def test_the_la_admin_lists_the_las_partnerships_and_finds_them_and_the_ledger_in_the_navigation(client, world, match):
    partnership = _partnership(world, match)
    client.force_login(world.a.la_admin)
    listing = client.get(reverse("partnerships:mine")).content.decode()
    assert partnership.name in listing and "You have no" not in listing
    overview = client.get(reverse("overview:home", args=[world.a.la.code])).content.decode()
    assert f'href="/la/{world.a.la.code}/gaining-ground/ledger/"' in overview and ">Gaining Ground<" in overview
    assert 'href="/partnerships/"' in overview
    # Another LA's administrator has no partnership there: neither link.
    client.force_login(world.b.la_admin)
    other = client.get(reverse("overview:home", args=[world.b.la.code])).content.decode()
    assert 'href="/partnerships/"' not in other
    assert client.get(reverse("partnerships:mine")).content.decode().count(partnership.name) == 0


def test_the_head_sip_and_chair_find_the_partnership_from_the_navigation_and_the_school_page(client, world, match):
    partnership = _partnership(world, match)
    school_url = reverse("schools:detail", args=[world.a.la.code, world.a.school.urn])
    for person in (world.a.head, world.a.sip):
        client.force_login(person)
        page = client.get(school_url).content.decode()
        assert 'href="/partnerships/"' in page
        assert reverse("partnerships:detail", args=[partnership.pk]) in page
        assert "Form 2 (draft)" in page
    # The chair reaches the partnership, but Form 2 only once it is shared.
    client.force_login(world.a.governor)
    landing = client.get(reverse("schools:reports:list", args=[world.a.la.code, world.a.school.urn])).content
    assert "Approved Form 2" not in landing.decode()
    plan = _move(world, partnership, _ready_plan(world, match, partnership), "agree", "approve", "submit")
    landing = client.get(reverse("schools:reports:list", args=[world.a.la.code, world.a.school.urn])).content
    assert reverse("partnerships:print", args=[partnership.pk, plan.pk]) in landing.decode()
    assert "Approved Form 2" in landing.decode()


# --- 2. a proposal to a school whose head has no account -----------------------------------------


def test_a_proposal_to_a_school_with_no_head_in_the_portal_warns_staff_and_emails_the_register_contact(
    client, world, match, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        Membership.objects.filter(user=match.second_head).delete()
        SupportingSchool.objects.filter(school=match.second).update(
            contact_name="Ms Contact", contact_email="office@second.example.org"
        )
    client.force_login(world.ssat)
    url = reverse("national:profile", args=["ssat", match.profile.pk])
    page = client.get(url).content.decode()
    assert "Suffolk Good School has no headteacher in the portal, so nobody can accept or decline" in page
    assert "Ms Contact (office@second.example.org), will be emailed" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "partner_school": match.second.pk,
                "reason_not_top": "Closer working relationship",
                "capacity_confirmed": "on",
                "la_consulted": "on",
            },
            follow=True,
        )
    confirmation = response.content.decode()
    assert "has been asked to accept" not in confirmation
    assert "Proposed. Suffolk Good School has no headteacher in the portal" in confirmation
    assert mail.outbox[-1].to == ["office@second.example.org"]
    assert "has no account there yet" in mail.outbox[-1].body


# --- 3, 4, 5. Form 2's pages ---------------------------------------------------------------------


def test_a_meeting_dated_in_the_future_is_refused_with_a_govuk_error(client, world, match):
    partnership = _partnership(world, match)
    with scopes_disabled():
        plan = Form2.objects.get(partnership=partnership)
    client.force_login(world.a.head)
    url = reverse("partnerships:details", args=[partnership.pk, plan.pk])
    form = client.get(url).content.decode()
    assert 'type="date"' not in form and "govuk-date-input" in form
    response = client.post(
        url,
        {
            "lock_version": plan.lock_version,
            "partner_head_name": "Pat Partner",
            "meeting_on_0": "1",
            "meeting_on_1": "5",
            "meeting_on_2": "2027",
            "meeting_attendees": "Both heads",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Date of the meeting must be today or in the past" in page
    with scopes_disabled():
        plan.refresh_from_db()
    assert plan.meeting_on is None


def test_the_strategies_page_has_govuk_dates_no_comment_box_and_says_when_nothing_changed(client, world, match):
    partnership = _partnership(world, match)
    with scopes_disabled():
        plan = Form2.objects.get(partnership=partnership)
        area = plan.focus_areas.first()
    client.force_login(world.a.head)
    url = reverse("partnerships:strategies", args=[partnership.pk, plan.pk, area.pk])
    page = client.get(url).content.decode()
    assert "Comment (needed when you return the plan)" not in page
    assert 'type="date"' not in page and 'name="strategies-0-starts_on_0"' in page
    management = {
        "strategies-TOTAL_FORMS": "2",
        "strategies-INITIAL_FORMS": "0",
        "strategies-MIN_NUM_FORMS": "0",
        "strategies-MAX_NUM_FORMS": "8",
        "lock_version": plan.lock_version,
    }
    response = client.post(url, management, follow=True)
    assert "Nothing changed: no strategies were saved." in response.content.decode()
    assert "Strategies saved." not in response.content.decode()
    row = {
        "strategies-0-strategy": "Paired observation",
        "strategies-0-lead": "Ms Ada Lovelace",
        "strategies-0-starts_on_0": "10",
        "strategies-0-starts_on_1": "1",
        "strategies-0-starts_on_2": "2027",
        "strategies-0-ends_on_0": "1",
        "strategies-0-ends_on_1": "7",
        "strategies-0-ends_on_2": "2027",
    }
    response = client.post(url, management | row, follow=True)
    assert "Strategies saved." in response.content.decode()
    with scopes_disabled():
        assert [(s.strategy, s.starts_on) for s in area.strategies.all()] == [
            ("Paired observation", datetime.date(2027, 1, 10))
        ]


def test_returning_without_a_comment_shows_the_error_summary_linked_to_the_comment(client, world, match):
    partnership = _partnership(world, match)
    plan = _move(world, partnership, _ready_plan(world, match, partnership), "agree")
    client.force_login(world.a.sip)
    response = client.post(
        reverse("partnerships:transition", args=[partnership.pk, plan.pk]),
        {"transition": "return", "lock_version": plan.lock_version, "comment": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_comment"' in page
    assert "Enter a comment saying what needs changing" in page
    assert 'govuk-form-group--error"> <label for="id_comment"' in page and 'aria-invalid="true" id="id_comment"' in page


def test_the_returning_comment_is_a_banner_at_the_top_for_the_people_who_must_act(client, world, match):
    partnership = _partnership(world, match)
    plan = _move(world, partnership, _ready_plan(world, match, partnership), "agree")
    _move(world, partnership, plan, "return", comment="Give the FSM strategy an end date in the spring.")
    client.force_login(world.a.head)
    page = client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()
    banner = page.index("govuk-notification-banner")
    assert banner < page.index("<h1") and "Give the FSM strategy an end date" in page[banner : page.index("<h1")]
    # The comment box is offered only to those who may return the plan.
    assert "Comment (needed when you return the plan)" not in page


# --- 6. messages and history in sentences --------------------------------------------------------


def test_form2_messages_and_history_read_as_sentences(client, world, match):
    partnership = _partnership(world, match)
    plan = _move(world, partnership, _ready_plan(world, match, partnership), "agree")
    client.force_login(world.a.sip)
    url = reverse("partnerships:transition", args=[partnership.pk, plan.pk])
    page = client.post(url, {"transition": "approve", "lock_version": plan.lock_version}, follow=True)
    page = page.content.decode()
    assert "Approved by the SIP. It can now be submitted." in page and "Done:" not in page
    with scopes_disabled():
        plan.refresh_from_db()
    page = client.post(url, {"transition": "submit", "lock_version": plan.lock_version}, follow=True)
    page = page.content.decode()
    assert "Submitted to SSAT and shared with the chair of governors and the LA." in page
    assert "Agreed at the meeting (sip of Norfolk)" in page and "Approved by the SIP (sip of Norfolk)" in page
    assert "agree by" not in page and "approve by" not in page


def test_report_pdfs_name_their_audience_in_proper_case(world):
    with scope(la=world.a.la.pk):
        report = report_services.report_start(actor=world.a.sip, school=world.a.school)
        assert "Version for SSAT" in rendering.document_html(report, "ssat")
        assert "Version for the LA" in rendering.document_html(report, "la")
        assert "Version for governors" in rendering.document_html(report, "governors")


# --- 8. the report draft -------------------------------------------------------------------------


def test_the_report_draft_names_no_staff_where_governors_read_and_prefills_the_partnership(world, match):
    partnership = _partnership(world, match)
    _move(world, partnership, _ready_plan(world, match, partnership), "agree", "approve", "submit")
    with scope(la=world.a.la.pk):
        visit = VisitFactory(
            assignment=world.a.assignment,
            date=datetime.date(2026, 11, 25),
            state=Visit.State.FINAL,
            finalised_at=timezone.now(),
        )
        NextStep.objects.create(
            visit=visit, action="Share the maths tracking", owner="head of Norfolk", due_on=datetime.date(2027, 1, 9)
        )
        LedgerLine.objects.create(
            la=world.a.la,
            school=world.a.school,
            academic_year=partnership.academic_year,
            kind="partner-days",
            on=datetime.date(2026, 11, 20),
            amount=2,
            purpose="Strategy: paired observation",
        )
        report = report_services.report_start(actor=world.a.sip, school=world.a.school)
        assert "Share the maths tracking (by 09 Jan 2027)" in report.challenge
        assert "head of Norfolk" not in report_services.governors_text(report)
        assert "Share the maths tracking: head of Norfolk" in report.named_detail
        assert "Partner school: Suffolk Outstanding High." in report.partnership
        assert "Joint maths coaching, strand 1" in report.partnership
        assert "Ms Ada Lovelace" not in report.partnership  # strategies without their leads
        assert "Partner school support: 2 days of 12 days" in report.partnership
        assert not [m for m in report_services.report_quality(report) if "is named" in m]
        assert not [m for m in report_services.report_quality(report) if "partnership" in m.lower()]


# --- 10. the printable Form 2 --------------------------------------------------------------------


def test_the_printable_form2_has_a_back_link_and_a_print_button(client, world, match):
    partnership = _partnership(world, match)
    with scopes_disabled():
        plan = Form2.objects.get(partnership=partnership)
    client.force_login(world.a.head)
    page = client.get(reverse("partnerships:print", args=[partnership.pk, plan.pk])).content.decode()
    assert f'href="{reverse("partnerships:detail", args=[partnership.pk])}" class="govuk-back-link"' in page
    assert "data-print" in page and "Print this plan" in page and "js/print" in page
    assert "use your browser's Print command" in page


# --- 9. the demo ---------------------------------------------------------------------------------


def test_the_demo_names_each_schools_own_people_and_dates_its_history_in_the_past(db):
    from django.core.management import call_command

    from accounts.models import Role
    from priorities.models import PlanAction
    from schools.models import School
    from visits.models import VisitPerson

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with scopes_disabled():
        heads = {s.headteacher_name: s for s in School.objects.all()}
        elsewhere = [
            (a.owner, a.priority.school.name)
            for a in PlanAction.objects.select_related("priority__school")
            if a.owner in heads and heads[a.owner] != a.priority.school
        ]
        elsewhere += [
            (n.owner, n.visit.assignment.school.name)
            for n in NextStep.objects.select_related("visit__assignment__school")
            if n.owner in heads and heads[n.owner] != n.visit.assignment.school
        ]
        elsewhere += [
            (p.name, p.visit.assignment.school.name)
            for p in VisitPerson.objects.select_related("visit__assignment__school")
            if p.name in heads and heads[p.name] != p.visit.assignment.school
        ]
        assert elsewhere == []
        for partnership in Partnership.objects.select_related("school", "partner_school"):
            own = {partnership.school.headteacher_name, partnership.partner_school.headteacher_name}
            for plan in partnership.plans.all():
                assert plan.sip_email.startswith("sip.") and plan.sip_email != "sip@demo.test"
                assert {s.lead for a in plan.focus_areas.all() for s in a.strategies.all()} <= own
                assert all(e.at < timezone.now() - datetime.timedelta(days=1) for e in plan.events.all())
            for line in LedgerLine.objects.filter(school=partnership.school).select_related("recorded_by"):
                assert line.recorded_by.full_name in own | {"Carol Whitby"}, (line, line.recorded_by)
        # Broadland Heath, Lowestoft Harbour and Haverhill Meadow have a head and a chair to act.
        for urn in ("830302", "830403", "830404"):
            roles = set(Membership.objects.filter(school__urn=urn).values_list("role", "is_chair"))
            assert {(Role.HEADTEACHER, False), (Role.GOVERNOR, True)} <= roles, urn
