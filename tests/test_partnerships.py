"""Partner-school matching, the partnership's Form 2 and the support ledger."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import AuditEvent
from common.streaming import spreadsheet_safe
from partnerships import services
from partnerships.matching import WEIGHTS
from partnerships.models import LedgerLine, MatchProposal, Partnership, SupportingSchool
from partnerships.selectors import partnership_access, ranked_candidates
from schools.models import School
from tenancy.models import NationalBody

from .factories import MembershipFactory, SchoolFactory, SipAssignmentFactory, UserFactory
from .partnership_world import build_match, propose, result, strategy_rows, supporting


@pytest.fixture
def match(world):
    return build_match(world)


def _accept(match, proposal):
    return services.proposal_respond(actor=match.partner_head, proposal=proposal, accept=True)


def _access(user, partnership):
    with scopes_disabled():
        return partnership_access(user, Partnership.objects.select_related("la").get(pk=partnership.pk))


# --- ranking ------------------------------------------------------------------------------------


def test_candidates_are_ranked_with_a_score_broken_into_named_checkable_parts(match):
    candidates = ranked_candidates(match.profile)
    assert [c.name for c in candidates] == ["Suffolk Outstanding High", "Suffolk Good School"]
    best = candidates[0]
    assert best.rank == 1 and not best.excluded
    parts = {p.key: p for p in best.parts}
    assert set(parts) == set(WEIGHTS)
    assert parts["fit"].fraction == 1.0 and "3 of 3 issues" in parts["fit"].why and "Mathematics" in parts["fit"].why
    assert "1.4 km" in parts["distance"].why
    assert "5+ A*–C incl. English and maths 60.0% vs 50.0%" in parts["results"].why
    assert parts["capacity"].why == "2 of 2 places free"
    assert parts["ofsted"].points == 10
    assert best.total == round(sum(p.fraction * p.weight for p in best.parts), 1)
    assert candidates[1].total < best.total


def test_every_candidates_total_is_the_sum_of_the_parts_the_page_explains(match):
    strengths = [["maths"], ["english", "afl"], [], ["leadership", "pupil-groups"], ["science"]]
    with scopes_disabled():
        for n in range(15):
            school = SchoolFactory(
                la=match.suffolk,
                easting=None if n % 4 == 0 else 600000 + 3000 * n,
                northing=300000,
                percentage_fsm=None if n % 5 == 0 else Decimal(n * 3),
                number_of_pupils=400 + 90 * n,
                ofsted_rating=["outstanding", "good", "satisfactory", ""][n % 4],
            )
            supporting(school, strengths=strengths[n % 5], capacity=1 + n % 3)
            if n % 3:
                result(school, five=Decimal(35 + n * 3), english=Decimal(60 + n), maths=None if n % 2 else Decimal(55))
    candidates = ranked_candidates(match.profile)
    assert len(candidates) == 17
    for candidate in candidates:
        assert candidate.total == round(sum(p.fraction * p.weight for p in candidate.parts), 1), candidate.name
    eligible = [c.total for c in candidates if not c.excluded]
    assert eligible == sorted(eligible, reverse=True) and len(set(eligible)) > 5


EXCLUSIONS = {
    "closed": ("status", "closed", "Closed."),
    "not offering": ("offering_support", False, "Not offering support"),
    "no capacity": ("capacity", 0, "No capacity: 0 of 0"),
    "in gaining ground": ("gaining_ground_joined", 2024, "Itself in Gaining Ground."),
    "below floor": ("five_ac_em", Decimal("25.0"), "Below the floor: 25.0%"),
    "same trust": ("trust_name", "Broadland Trust", "Same trust (Broadland Trust)"),
    "same sip": ("sip", None, "Same SIP as this school"),
    "already proposed": ("partnering", None, "Already proposed for this school: waiting for its headteacher"),
}


@pytest.mark.parametrize("name", list(EXCLUSIONS))
def test_every_hard_exclusion_is_shown_with_its_reason_not_dropped(world, match, name):
    field, value, reason = EXCLUSIONS[name]
    with scopes_disabled():
        school = School.objects.get(pk=match.second.pk)
        register = SupportingSchool.objects.get(school=school)
        if field in ("status", "gaining_ground_joined"):
            setattr(school, field, value)
            school.save()
        elif field == "trust_name":
            for each in (school, match.profile.school):
                each.trust_name = value
                each.save()
        elif field in ("offering_support", "capacity"):
            setattr(register, field, value)
            register.save()
        elif field == "five_ac_em":
            school.results.update(five_ac_em=value)
        elif field == "sip":
            SipAssignmentFactory(school=school, sip=world.a.sip)
        elif field == "partnering":
            MatchProposal.objects.create(
                la=world.a.la,
                profile=match.profile,
                school=world.a.school,
                partner_school=school,
                matching_body=NationalBody.objects.get(kind="ssat"),
                capacity_confirmed=True,
                la_consulted=True,
            )
    candidates = {c.school_id: c for c in ranked_candidates(match.profile)}
    excluded = candidates[match.second.pk]
    assert excluded.excluded and excluded.rank is None
    assert any(r.startswith(reason) for r in excluded.exclusions), excluded.exclusions
    assert not candidates[match.best.pk].excluded


def test_the_heads_proposed_partner_is_flagged_even_when_excluded(client, world, match):
    with scopes_disabled():
        match.profile.proposed_partner_school = "suffolk good  school"
        match.profile.save()
        SupportingSchool.objects.filter(school=match.second).update(offering_support=False)
    client.force_login(world.ssat)
    page = client.get(reverse("national:profile", args=["ssat", match.profile.pk])).content.decode()
    assert "Proposed by the school" in page and "Suffolk Good School" in page
    assert "is excluded: Not offering support at present." in page


# --- deciding -----------------------------------------------------------------------------------


def test_choosing_a_candidate_that_is_not_the_top_needs_a_reason_and_both_are_audited(client, world, match):
    client.force_login(world.ssat)
    url = reverse("national:profile", args=["ssat", match.profile.pk])
    form = {"partner_school": match.second.pk, "capacity_confirmed": "on", "la_consulted": "on"}
    response = client.post(url, form)
    assert response.status_code == 400
    assert "rather than the top candidate, Suffolk Outstanding High" in response.content.decode()
    response = client.post(url, form | {"reason_not_top": "The head asked for a science partner"})
    assert response.status_code == 302
    with scopes_disabled():
        proposal = MatchProposal.objects.get(profile=match.profile)
        event = AuditEvent.objects.get(action="matching.proposed")
    assert proposal.recommended_school == match.best and proposal.partner_school == match.second
    assert proposal.chosen_rank == 2
    assert event.detail["recommended"] == match.best.urn and event.detail["chosen"] == match.second.urn
    assert event.detail["reason_not_top"] == "The head asked for a science partner"


def test_due_diligence_must_be_recorded_before_proposing(client, world, match):
    client.force_login(world.ssat)
    url = reverse("national:profile", args=["ssat", match.profile.pk])
    response = client.post(url, {"partner_school": match.best.pk})
    assert response.status_code == 400 and "Confirm capacity and willingness" in response.content.decode()
    with scopes_disabled():
        assert not MatchProposal.objects.exists()


def test_a_decline_puts_the_profile_back_in_the_queue_with_the_history_kept(client, world, match):
    proposal = propose(world, match)
    client.force_login(world.ssat)
    queue = client.get(reverse("national:profiles", args=["ssat"])).content.decode()
    assert "Waiting for the partner head" in queue
    client.force_login(match.partner_head)
    url = reverse("partnerships:proposal", args=[proposal.pk])
    assert client.post(url, {"answer": "decline"}).status_code == 400  # a reason is needed
    assert client.post(url, {"answer": "decline", "reason": "No staff free this year"}).status_code == 302
    client.force_login(world.ssat)
    assert "To match" in client.get(reverse("national:profiles", args=["ssat"])).content.decode()
    page = client.get(reverse("national:profile", args=["ssat", match.profile.pk])).content.decode()
    assert "Declined" in page and "No staff free this year" in page
    # The school that declined is not offered again for this profile.
    candidates = {c.school_id: c for c in ranked_candidates(match.profile)}
    assert candidates[match.best.pk].excluded
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="matching.declined").count() == 1


def test_only_the_partner_schools_head_answers_a_proposal(client, world, match):
    proposal = propose(world, match)
    url = reverse("partnerships:proposal", args=[proposal.pk])
    for person in (world.a.head, world.a.sip, world.ssat, match.second_head):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "accept"}).status_code == 404
    with scopes_disabled():
        assert MatchProposal.objects.get(pk=proposal.pk).state == "proposed"


def test_accepting_starts_the_partnership_with_form2_prepopulated_as_appendix_b(client, world, match):
    proposal = propose(world, match)
    client.force_login(match.partner_head)
    response = client.post(reverse("partnerships:proposal", args=[proposal.pk]), {"answer": "accept"})
    with scopes_disabled():
        partnership = Partnership.objects.get()
        plan = partnership.plans.get()
        areas = list(plan.focus_areas.all())
    assert response["Location"] == reverse("partnerships:detail", args=[partnership.pk])
    assert partnership.la == world.a.la and partnership.partner_school == match.best
    assert partnership.name == "Norfolk High School and Suffolk Outstanding High partnership, 2026/27"
    assert plan.partner_head_name == "Pat Partner" and plan.sip_name == "Sam SIP"
    assert [a.priority for a in areas] == [
        "Raise attainment in mathematics",
        "Improve reading and writing",
        "Close the FSM gap",
    ]
    assert plan.state == "draft"
    # A second proposal for the same profile is refused while this one stands.
    with pytest.raises(services.PartnershipError):
        propose(world, match, school=match.second, reason="x")


# --- Form 2 workflow ---------------------------------------------------------------------------


def _partnership(world, match):
    proposal = propose(world, match)
    return _accept(match, proposal)


def _ready_plan(world, match, partnership):
    access = _access(world.a.head, partnership)
    with scope(la=world.a.la.pk):
        plan = partnership.plans.get()
        for area in plan.focus_areas.all():
            plan = services.form2_save_strategies(
                actor=world.a.head,
                access=access,
                plan=plan,
                focus_area=area,
                lock_version=plan.lock_version,
                rows=strategy_rows(2 if area.position == 1 else 1),
            )
        plan = services.form2_save_contacts(
            actor=world.a.head,
            access=access,
            plan=plan,
            lock_version=plan.lock_version,
            values={"meeting_on": datetime.date(2026, 11, 20), "meeting_attendees": "Both heads and the SIP"},
        )
    return plan


def test_the_plan_moves_draft_agreed_approved_submitted_and_each_step_has_its_people(world, match):
    partnership = _partnership(world, match)
    plan = _ready_plan(world, match, partnership)
    people = {
        "head": world.a.head,
        "partner_head": match.partner_head,
        "sip": world.a.sip,
        "governor": world.a.governor,
        "la_admin": world.a.la_admin,
        "ssat": world.ssat,
    }
    who_may = {
        "agree": {"head", "partner_head", "sip"},
        "approve": {"sip"},
        "submit": {"sip"},
    }
    for step, allowed in who_may.items():
        with scope(la=world.a.la.pk):
            plan.refresh_from_db()
            for name, person in people.items():
                access = _access(person, partnership)
                assert (step in services.allowed_transitions(access, plan)) == (name in allowed), (step, name)
            plan = services.form2_transition(
                actor=world.a.sip,
                access=_access(world.a.sip, partnership),
                plan=plan,
                name=step,
                lock_version=plan.lock_version,
            )
    assert plan.state == "submitted" and plan.submitted_at
    with scopes_disabled():
        assert [e.action for e in plan.events.all()] == ["started", "agree", "approve", "submit"]
        assert AuditEvent.objects.filter(action="form2.transition").count() == 3


def test_a_plan_without_strategies_and_meeting_cannot_be_agreed(world, match):
    partnership = _partnership(world, match)
    with scope(la=world.a.la.pk), pytest.raises(services.PartnershipError) as error:
        plan = partnership.plans.get()
        services.form2_transition(
            actor=world.a.head,
            access=_access(world.a.head, partnership),
            plan=plan,
            name="agree",
            lock_version=plan.lock_version,
        )
    assert "Agree at least one strategy" in error.value.message and "Record the meeting" in error.value.message


def test_the_sip_returns_with_a_comment_and_a_submitted_plan_changes_only_as_a_new_version(world, match):
    partnership = _partnership(world, match)
    plan = _ready_plan(world, match, partnership)
    sip = _access(world.a.sip, partnership)
    with scope(la=world.a.la.pk):
        plan = services.form2_transition(
            actor=world.a.sip, access=sip, plan=plan, name="agree", lock_version=plan.lock_version
        )
        with pytest.raises(services.PartnershipError):
            services.form2_transition(
                actor=world.a.sip, access=sip, plan=plan, name="return", lock_version=plan.lock_version
            )
        plan = services.form2_transition(
            actor=world.a.sip,
            access=sip,
            plan=plan,
            name="return",
            lock_version=plan.lock_version,
            comment="Name a lead in the partner school too",
        )
        assert plan.state == "returned"
        for step in ("agree", "approve", "submit"):
            plan = services.form2_transition(
                actor=world.a.sip, access=sip, plan=plan, name=step, lock_version=plan.lock_version
            )
        with pytest.raises(services.PartnershipError):
            services.form2_save_contacts(
                actor=world.a.sip, access=sip, plan=plan, lock_version=plan.lock_version, values={"sip_name": "X"}
            )
        copy = services.form2_new_version(actor=world.a.head, access=_access(world.a.head, partnership), plan=plan)
        assert copy.version_number == 2 and copy.state == "draft"
        assert copy.focus_areas.count() == 3 and copy.focus_areas.get(position=1).strategies.count() == 2


def test_concurrent_edits_of_form2_are_refused_not_silently_overwritten(client, world, match):
    partnership = _partnership(world, match)
    with scope(la=world.a.la.pk):
        plan = partnership.plans.get()
    url = reverse("partnerships:details", args=[partnership.pk, plan.pk])
    base = {
        "lock_version": plan.lock_version,
        "partner_head_name": "Pat Partner",
        "sip_name": "Sam SIP",
        "meeting_attendees": "",
    }
    client.force_login(match.partner_head)
    assert client.post(url, base | {"partner_head_phone": "01473 111111"}).status_code == 302
    client.force_login(world.a.sip)
    response = client.post(url, base | {"sip_phone": "07700 222222"})
    assert response.status_code == 400 and "Someone else changed this plan" in response.content.decode()
    with scope(la=world.a.la.pk):
        plan.refresh_from_db()
    assert plan.partner_head_phone == "01473 111111" and plan.sip_phone == ""


# --- access across LAs ---------------------------------------------------------------------------


def test_the_partner_head_of_another_la_sees_the_partnership_and_nothing_else_of_that_la(client, world, match):
    partnership = _partnership(world, match)
    client.force_login(match.partner_head)
    for name in ("detail", "ledger"):
        assert client.get(reverse(f"partnerships:{name}", args=[partnership.pk])).status_code == 200
    la = world.a.la.code
    for path in (
        f"/la/{la}/",
        f"/la/{la}/schools/",
        f"/la/{la}/schools/{world.a.school.urn}/",
        f"/la/{la}/schools/{world.a.school.urn}/visits/",
        f"/la/{la}/schools/{world.a.school.urn}/priorities/profile/",
        f"/la/{la}/gaining-ground/ledger/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(reverse("partnerships:assign", args=[partnership.pk])).status_code == 403
    # Another partnership of the same LA is not theirs.
    other = SchoolFactory(la=match.suffolk, name="Elsewhere")
    with scopes_disabled():
        supporting(other)
        result(other)
    assert client.get(reverse("partnerships:detail", args=[partnership.pk + 1000])).status_code == 404


def test_the_chair_of_governors_and_the_la_read_the_plan_only_once_submitted(client, world, match):
    partnership = _partnership(world, match)
    url = reverse("partnerships:detail", args=[partnership.pk])
    for person in (world.a.governor, world.a.la_admin):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "The plan is not shared with you yet" in page
    plan = _ready_plan(world, match, partnership)
    sip = _access(world.a.sip, partnership)
    with scope(la=world.a.la.pk):
        for step in ("agree", "approve", "submit"):
            plan = services.form2_transition(
                actor=world.a.sip, access=sip, plan=plan, name=step, lock_version=plan.lock_version
            )
    for person in (world.a.governor, world.a.la_admin):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "Joint maths coaching, strand 1" in page and "Submitted and shared" in page
        assert "Agree the strategies" not in page
    # A governor who is not the chair, and people of the other LA, get nothing.
    plain = UserFactory()
    with scopes_disabled():
        MembershipFactory(user=plain, role=Role.GOVERNOR, la=world.a.la, school=world.a.school)
    for person in (plain, world.b.la_admin, world.b.head):
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_the_consultant_head_is_assigned_and_records_monitoring_notes(client, world, match):
    partnership = _partnership(world, match)
    consultant = UserFactory(full_name="Chris Consultant")
    with scopes_disabled():
        MembershipFactory(
            user=consultant, role=Role.CONSULTANT_HEAD, la=None, national_body=NationalBody.objects.get(kind="ssat")
        )
    client.force_login(consultant)
    assert client.get(reverse("partnerships:detail", args=[partnership.pk])).status_code == 404
    client.force_login(world.ssat)
    response = client.post(reverse("partnerships:assign", args=[partnership.pk]), {"consultant_head": consultant.pk})
    assert response.status_code == 302
    client.force_login(consultant)
    response = client.post(reverse("partnerships:note", args=[partnership.pk]), {"note": "Coaching under way"})
    assert response.status_code == 302
    assert "Coaching under way" in client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()


# --- the ledger ---------------------------------------------------------------------------------


def test_ledger_lines_are_recorded_by_who_delivers_them_with_warnings(client, world, match):
    partnership = _partnership(world, match)
    url = reverse("partnerships:ledger", args=[partnership.pk])
    client.force_login(match.partner_head)
    line = {"kind": "partner-days", "on": "2026-11-10", "amount": "13", "purpose": "General support"}
    assert client.post(url, line).status_code == 302
    assert client.post(url, line | {"kind": "study-support"}).status_code == 400  # the head's to record
    client.force_login(world.a.head)
    assert client.post(url, line | {"kind": "study-support", "amount": "5000"}).status_code == 302
    with scopes_disabled():
        recorded = list(LedgerLine.objects.order_by("pk").values_list("recorded_as", "kind"))
    assert recorded == [("Partner school headteacher", "partner-days"), ("Headteacher", "study-support")]
    page = client.get(url).content.decode()
    assert "Over entitlement by 1 days." in page


def test_people_who_record_nothing_read_the_ledger_and_are_refused_a_line(client, world, match):
    partnership = _partnership(world, match)
    url = reverse("partnerships:ledger", args=[partnership.pk])
    line = {"kind": "partner-days", "on": "2026-11-10", "amount": "1", "purpose": "General support"}
    for person in (world.a.sip, world.a.la_admin, world.ssat):
        client.force_login(person)
        page = client.get(url)
        assert page.status_code == 200 and page.context["form"] is None
        assert client.post(url, line).status_code == 403
    with scopes_disabled():
        assert not LedgerLine.objects.exists()


def test_behind_pace_and_no_governors_day_warnings_follow_the_stated_rule(world, match, frozen_clock):
    from partnerships.selectors import school_ledger

    frozen_clock.move_to(datetime.datetime(2027, 4, 2, 10))
    with scope(la=world.a.la.pk):
        rows, _ = school_ledger(world.a.school, 2026, datetime.date(2027, 4, 2))
    warnings = {row.key: row.warnings for row in rows}
    assert warnings["partner-days"] == ["Behind pace: 0 days used, 8 days expected after 2 of 3 terms."]
    assert "No governors day" in " ".join(warnings["sip-days"])
    with scope(la=world.a.la.pk):
        rows, _ = school_ledger(world.a.school, 2026, datetime.date(2026, 12, 2))
    assert all(not row.warnings for row in rows)  # no term has ended yet


def test_the_la_table_totals_its_schools_and_the_csv_neutralises_formulas(client, world, match):
    with scopes_disabled():
        School.objects.filter(pk=world.a.other_school.pk).update(gaining_ground_joined=2026, name="=HYPERLINK(evil)")
        for school, days in ((world.a.school, "3"), (world.a.other_school, "2.5")):
            LedgerLine.objects.create(
                la=world.a.la,
                school=school,
                academic_year=2026,
                kind="partner-days",
                on=datetime.date(2026, 11, 1),
                amount=Decimal(days),
                purpose="Maths coaching",
            )
    client.force_login(world.a.la_admin)
    page = client.get(reverse("gaining_ground:la-ledger", args=[world.a.la.code]))
    assert page.status_code == 200 and "5.5" in page.content.decode()
    csv = client.get(reverse("gaining_ground:la-ledger-csv", args=[world.a.la.code])).content.decode()
    assert "'=HYPERLINK(evil)" in csv and "\n=HYPERLINK" not in csv
    assert spreadsheet_safe("+1") == "'+1" and spreadsheet_safe("@x") == "'@x" and spreadsheet_safe("-2") == "'-2"
    for person in (world.a.sip, world.a.head, world.a.governor):
        client.force_login(person)
        assert client.get(reverse("gaining_ground:la-ledger", args=[world.a.la.code])).status_code == 403


# --- scale ---------------------------------------------------------------------------------------


def _many_candidates(count: int, la) -> None:
    with scopes_disabled():
        start = School.objects.count()
        schools = School.objects.bulk_create(
            [
                School(
                    la=la, urn=f"{700000 + start + n:06d}", name=f"Candidate {n}", easting=600000 + n, northing=300000
                )
                for n in range(count)
            ]
        )
        SupportingSchool.objects.bulk_create([SupportingSchool(school=s, strengths=["maths"]) for s in schools])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queue_candidates_and_ledger_cost_the_same_queries_at_10_and_3500_candidates(client, world, match):
    partnership = _partnership(world, match)
    client.force_login(world.ssat)
    urls = [
        reverse("national:profiles", args=["ssat"]),
        reverse("national:profile", args=["ssat", match.profile.pk]),
        reverse("national:partnerships", args=["ssat"]),
        reverse("national:register", args=["ssat"]),
    ]
    _many_candidates(8, match.suffolk)
    small = [_queries(client, u) for u in urls]
    _many_candidates(3490, match.suffolk)
    large = [_queries(client, u) for u in urls]
    assert small == large
    with scopes_disabled():
        on_register = SupportingSchool.objects.count()
    page = client.get(urls[3] + "?page=2").content.decode()
    assert f"Page 2 of {-(-on_register // 50)} ({on_register} schools on the register)" in page
    assert page.count('scope="row"') == 50
    client.force_login(world.a.la_admin)
    ledger = reverse("gaining_ground:la-ledger", args=[world.a.la.code])
    before = _queries(client, ledger)
    with scopes_disabled():
        School.objects.filter(la=world.a.la).update(gaining_ground_joined=2025)
        SchoolFactory.create_batch(20, la=world.a.la, gaining_ground_joined=2026)
    assert _queries(client, ledger) == before
    assert partnership.pk


def test_the_sip_overview_lists_form2_waiting_for_approval(client, world, match):
    partnership = _partnership(world, match)
    plan = _ready_plan(world, match, partnership)
    with scope(la=world.a.la.pk):
        services.form2_transition(
            actor=world.a.head,
            access=_access(world.a.head, partnership),
            plan=plan,
            name="agree",
            lock_version=plan.lock_version,
        )
    client.force_login(world.a.sip)
    page = client.get(f"/la/{world.a.la.code}/").content.decode()
    assert "Form 2 of Norfolk High School is waiting for you to approve it" in page


def test_ledger_lines_outside_the_partnerships_year_are_refused(client, world, match):
    partnership = _partnership(world, match)
    client.force_login(match.partner_head)
    url = reverse("partnerships:ledger", args=[partnership.pk])
    line = {"kind": "partner-days", "on": "2026-08-10", "amount": "1", "purpose": "General support"}
    response = client.post(url, line)
    assert response.status_code == 400 and "in the partnership&#x27;s year, 2026/27" in response.content.decode()
    assert client.post(url, line | {"on": "2027-01-10"}).status_code == 400  # the future
    assert client.post(url, line | {"amount": "=1+1"}).status_code == 400


def test_emails_tell_the_partner_head_of_a_proposal_and_the_chair_and_la_of_a_submitted_plan(
    world, match, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(world, match)
    assert mail.outbox[-1].to == [match.partner_head.email]
    assert f"/partnerships/proposals/{proposal.pk}/" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        partnership = _accept(match, proposal)
    assert mail.outbox[-1].to == [world.ssat.email]
    plan = _ready_plan(world, match, partnership)
    sip = _access(world.a.sip, partnership)
    with scope(la=world.a.la.pk):
        for step in ("agree", "approve"):
            plan = services.form2_transition(
                actor=world.a.sip, access=sip, plan=plan, name=step, lock_version=plan.lock_version
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.form2_transition(
                actor=world.a.sip, access=sip, plan=plan, name="submit", lock_version=plan.lock_version
            )
    # Shared with the chair of governors and the LA: one email to SSAT, the chair and the LA's administrators.
    assert set(mail.outbox[-1].to) == {world.ssat.email, world.a.governor.email, world.a.la_admin.email}


def test_the_gias_import_maps_easting_and_northing_for_distance(client, world, django_capture_on_commit_callbacks):
    from .gias_files import HEADINGS, gias_csv, gias_row
    from .test_gias_import import latest_import, upload

    client.force_login(world.a.la_admin)
    client.capture = django_capture_on_commit_callbacks
    admin_client = client

    headings = [*HEADINGS, "Easting", "Northing"]
    rows = [gias_row("900101", Easting="623400", Northing="308950"), gias_row("900102", Easting="", Northing="")]
    upload(admin_client, gias_csv(rows, headings=headings))
    with scope(la=world.a.la.pk):
        located = School.objects.get(urn="900101")
        unknown = School.objects.get(urn="900102")
    assert (located.easting, located.northing) == (623400, 308950)
    assert (unknown.easting, unknown.northing) == (None, None)
    upload(admin_client, gias_csv([gias_row("900103", Easting="62x400", Northing="1")], headings=headings))
    rejected = latest_import(world.a.la)
    assert rejected.state == "rejected"
    assert "British National Grid coordinate" in str(rejected.errors)


def test_confirming_a_conversion_carries_this_years_partnership_to_the_new_urn(world, match):
    from schools import services as school_services
    from schools.models import School, SchoolLink, Status

    partnership = _partnership(world, match)
    old = partnership.school
    with scopes_disabled():
        School.objects.filter(pk=old.pk).update(status=Status.CLOSED, closed_on="2026-08-31")
        academy = SchoolFactory(la=old.la, name=f"{old.name} Academy", opened_on="2026-09-01")
        link = SchoolLink.objects.create(predecessor=old, successor=academy, link_type="Predecessor")
    with scope(la=old.la_id):
        moved = school_services.school_link_confirm(actor=world.a.la_admin, link=link)
    with scopes_disabled():
        partnership = Partnership.objects.get(pk=partnership.pk)
    assert partnership.school == academy
    assert moved["partnerships"] == [partnership.name]
