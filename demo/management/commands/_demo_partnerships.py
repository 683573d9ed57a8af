"""Demo partner-school matching, partnerships and ledgers: every role has real work to see.

- Suffolk (935), a fourth LA, brings the partner school whose head is the demo partner head.
- Every demo school has GIAS Easting/Northing; the schools not in Gaining Ground are on the
  register of supporting schools.
- This year's profiles wait in both matching bodies' queues; one proposal (Lowestoft Harbour)
  waits for the partner head; one partnership (Broadland Heath) has its Form 2 being agreed; last year's partnership of
  Wensum Valley (the demo head's and governor's school) has its Form 2 approved and submitted,
  with its PDF rendered for the governor.
- Ledgers are part-used, with warnings.

Idempotent: a second run finds the rows and adds nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Role
from caseload.models import SipAssignment, standard_allocation
from jobs.runner import run_job
from partnerships import services
from partnerships.models import (
    Form2,
    Form2Document,
    Form2Event,
    LedgerLine,
    MatchProposal,
    Partnership,
    SupportingSchool,
)
from partnerships.selectors import partnership_access
from partnerships.tasks import render_in_scope
from priorities.models import PriorityProfile, ProfilePriority
from schools.models import OfstedRating, Phase, School, Status
from tenancy.academic_year import current_academic_year
from tenancy.models import LocalAuthority, NationalBody, Region

from ._demo_results import seed_school

# Rough centres of each LA on the British National Grid (metres).
CENTRES = {"302": (524000, 194000), "352": (384000, 398000), "926": (622000, 309000), "935": (616000, 254000)}
SUFFOLK = [
    ("830401", "Orwell Bridge High School", None, OfstedRating.OUTSTANDING),
    ("830402", "Stour Valley Academy", None, OfstedRating.GOOD),
    ("830403", "Lowestoft Harbour Academy", 2026, OfstedRating.REQUIRES_IMPROVEMENT),
    ("830404", "Haverhill Meadow School", 2026, OfstedRating.REQUIRES_IMPROVEMENT),
]
STRENGTHS = [
    ["maths", "afl"],
    ["english", "leadership"],
    ["science", "behaviour"],
    ["pupil-groups", "maths", "english"],
    ["ict", "leadership"],
]
ISSUES = [
    ("Raise attainment in mathematics at KS4", "Numeracy; tracking of the FSM group", "Weekly maths coaching"),
    ("Improve reading and writing across KS3", "Literacy across the curriculum", "Reading age screening"),
    ("Narrow the gap for pupils eligible for free school meals", "FSM pupils' progress", "Mentoring"),
]


def _suffolk():
    la, _ = LocalAuthority.objects.update_or_create(code="935", defaults={"name": "Suffolk", "region": Region.EAST})
    schools = {}
    for number, (urn, name, joined, ofsted) in enumerate(SUFFOLK):
        schools[urn], _ = School.objects.update_or_create(
            urn=urn,
            defaults={
                "la": la,
                "name": name,
                "establishment_number": f"{4200 + number}",
                "phase": Phase.SECONDARY,
                "status": Status.OPEN,
                "number_of_pupils": 820 + 40 * number,
                "percentage_fsm": 36 if joined else 22 + number,
                "ofsted_rating": ofsted,
                "headteacher_name": ["Mrs Ruth Aldous", "Mr Ben Clarke", "Ms Jo Nunn", "Mr Eli Crane"][number],
                "street": ["Bridge Road", "Valley Lane", "Harbour Road", "Meadow Way"][number],
                "town": ["Ipswich", "Sudbury", "Lowestoft", "Haverhill"][number],
                "postcode": ["IP3 8AA", "CO10 1AB", "NR32 1XA", "CB9 0AB"][number],
                "gaining_ground_joined": joined,
            },
        )
        seed_school(schools[urn], struggling=bool(joined))
    return la, schools


def _locations() -> None:
    for school in School.objects.filter(urn__startswith="830"):
        east, north = CENTRES.get(school.la.code, (500000, 300000))
        offset = int(school.urn[-2:])
        School.objects.filter(pk=school.pk).update(easting=east + offset * 1700, northing=north + offset * 1100)


def _register() -> None:
    for number, school in enumerate(
        School.objects.filter(urn__startswith="830", gaining_ground_joined__isnull=True).order_by("urn")
    ):
        SupportingSchool.objects.get_or_create(
            school=school,
            defaults={
                "capacity": 2,
                "strengths": STRENGTHS[number % len(STRENGTHS)],
                "evidence": "Results and Ofsted evidence checked by the matching body.",
                "contact_name": school.headteacher_name,
                "contact_email": f"office.{school.urn}@demo.test",
            },
        )


def _submitted_profile(school, year: int, body, sip) -> PriorityProfile:
    """A submitted Form 1 of that year, with its three most important issues and their outlines."""
    profile = PriorityProfile.objects.filter(school=school, academic_year=year, state="submitted").first()
    if profile is None:
        profile = PriorityProfile.objects.create(
            school=school,
            academic_year=year,
            state="submitted",
            matching_body=body,
            submitted_at=timezone.make_aware(datetime.datetime(year, 11, 20, 11)),
            key_contact_name=school.headteacher_name,
            key_contact_email=f"office.{school.urn}@demo.test",
            key_contact_phone="01603 000000",
            sip_name=sip.full_name,
            sip_email=sip.email,
            sip_phone="07700 900000",
            partner_criteria="A school strong in mathematics and with FSM pupils doing well.",
        )
        for position, (title, focus, outline) in enumerate(ISSUES, start=1):
            ProfilePriority.objects.create(
                profile=profile,
                position=position,
                priority=title,
                key_focus_areas=focus,
                outline=outline,
                starts_on=datetime.date(year, 9, 1),
                ends_on=datetime.date(year + 1, 7, 31),
                most_important=True,
            )
    else:
        # Earlier years' demo profiles name their issues; mark three and outline them.
        for row in profile.priorities.all()[:3]:
            if not row.most_important or not row.outline:
                row.most_important, row.outline = True, row.outline or "Coaching and half-termly tracking"
                row.save(update_fields=["most_important", "outline"])
    return profile


def _proposal(profile, partner, ssat_user, body) -> MatchProposal:
    existing = MatchProposal.objects.filter(profile=profile).exclude(state="declined").first()
    if existing:
        return existing
    return services.match_propose(
        actor=ssat_user,
        profile=profile,
        body=body,
        partner_school_id=partner.pk,
        capacity_confirmed=True,
        la_consulted=True,
        reason_not_top="The headteachers already work together on maths; both LAs support it.",
        checks_notes="Phoned the partner head; LA school improvement lead agreed.",
    )


def _partnership(proposal, partner_head) -> Partnership:
    if proposal.state == "proposed":
        return services.proposal_respond(actor=partner_head, proposal=proposal, accept=True)
    return proposal.partnership


def _agree_strategies(partnership, person, sip) -> None:
    plan = partnership.plans.order_by("-version_number").first()
    if not plan.is_editable or plan.meeting_on:
        return
    access = partnership_access(person, partnership)
    start = datetime.date(partnership.academic_year + 1, 1, 8)
    for area in plan.focus_areas.all():
        rows = [
            {
                "strategy": f"Joint work on “{area.priority}”: paired lesson observation and coaching",
                "lead": partnership.partner_school.headteacher_name,
                "starts_on": start,
                "ends_on": datetime.date(partnership.academic_year + 1, 7, 15),
            }
        ]
        if area.position == 1:
            rows.append(
                {
                    "strategy": "Shared tracking of the FSM group's maths progress each half term",
                    "lead": partnership.school.headteacher_name,
                    "starts_on": start,
                    "ends_on": datetime.date(partnership.academic_year + 1, 7, 15),
                }
            )
        plan = services.form2_save_strategies(
            actor=person, access=access, plan=plan, focus_area=area, lock_version=plan.lock_version, rows=rows
        )
    services.form2_save_contacts(
        actor=person,
        access=access,
        plan=plan,
        lock_version=plan.lock_version,
        values={
            "meeting_on": datetime.date(partnership.academic_year, 11, 25),
            "meeting_attendees": f"Both headteachers and {sip.full_name} (SIP)",
            "partner_head_phone": "01473 000401",
        },
    )


def _move_on(partnership, sip, steps) -> None:
    access = partnership_access(sip, partnership)
    plan = partnership.plans.order_by("-version_number").first()
    for step in steps:
        if step in services.allowed_transitions(access, plan):
            plan = services.form2_transition(
                actor=sip, access=access, plan=plan, name=step, lock_version=plan.lock_version
            )


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _backdate(proposal, *, proposed, answered=None, steps=(), note=None) -> None:
    """Give the seeded history the times it would have had: each step on its own day, in order.

    `steps` are the plan's events after "started" (which is the acceptance), oldest first.
    """
    MatchProposal.objects.filter(pk=proposal.pk).update(proposed_at=proposed, responded_at=answered)
    if answered is None:
        return
    partnership = Partnership.objects.get(proposal=proposal)
    Partnership.objects.filter(pk=partnership.pk).update(created_at=answered)
    for plan in partnership.plans.all():
        events = list(plan.events.order_by("pk"))
        times = [answered, *steps][: len(events)]
        for event, at in zip(events, times, strict=False):
            Form2Event.objects.filter(pk=event.pk).update(at=at)
        Form2.objects.filter(pk=plan.pk).update(created_at=answered)
        if plan.submitted_at and steps:
            Form2.objects.filter(pk=plan.pk).update(submitted_at=steps[-1])
    if note is not None:
        partnership.monitoring_notes.update(at=note)
    for line in LedgerLine.objects.filter(school=partnership.school, academic_year=partnership.academic_year):
        LedgerLine.objects.filter(pk=line.pk).update(created_at=_at(line.on, 17))


def _ledger(partnership, lines) -> None:
    for kind, day, amount, purpose, who in lines:
        LedgerLine.objects.get_or_create(
            school=partnership.school,
            academic_year=partnership.academic_year,
            kind=kind,
            on=day,
            defaults={
                "la": partnership.la,
                "amount": Decimal(amount),
                "purpose": purpose,
                "recorded_by": who,
                "recorded_as": {
                    "partner-days": "Partner school headteacher",
                    "consultant-days": "SSAT consultant head",
                }.get(kind, "Headteacher"),
            },
        )


def seed_partnerships(person) -> list[tuple[str, str]]:
    """Load the demo's matching, partnerships and ledgers; return the new accounts' logins."""
    year = current_academic_year()
    ssat_body = NationalBody.objects.get(kind="ssat")
    college = NationalBody.objects.get(kind="national-college")
    ssat_user = Membership.objects.filter(role=Role.SSAT).select_related("user").first().user
    suffolk, suffolk_schools = _suffolk()
    _locations()
    _register()
    orwell, stour = suffolk_schools["830401"], suffolk_schools["830402"]

    partner_head = person("partner-head.935@demo.test", "Mrs Ruth Aldous")
    Membership.objects.get_or_create(user=partner_head, role=Role.PARTNER_HEAD, la=suffolk, school=orwell)
    stour_head = person("head.830402@demo.test", "Mr Ben Clarke")
    Membership.objects.get_or_create(user=stour_head, role=Role.HEADTEACHER, la=suffolk, school=stour)
    consultant = person("consultant-head@demo.test", "Carol Whitby")
    Membership.objects.get_or_create(user=consultant, role=Role.CONSULTANT_HEAD, national_body=ssat_body)
    coordinator = person("coordinator@demo.test", "Rafael Mendes")
    Membership.objects.get_or_create(user=coordinator, role=Role.PARTNERSHIP_COORDINATOR, national_body=ssat_body)
    sip = Membership.objects.get(role=Role.SIP, la__code="926", user__email="sip.926@demo.test").user
    head = Membership.objects.get(role=Role.HEADTEACHER, user__email="head.926@demo.test").user
    broadland_school = School.objects.get(urn="830302")
    lowestoft_school, haverhill = suffolk_schools["830403"], suffolk_schools["830404"]

    # Each school that is agreeing a Form 2 or waiting for a partner has its head and chair of
    # governors, and Suffolk its SIP, so the README's journey can be finished.
    logins = []
    suffolk_sip = person("sip.935@demo.test", "Yusuf Harrow")
    Membership.objects.get_or_create(user=suffolk_sip, role=Role.SIP, la=suffolk, school=None)
    for school in (lowestoft_school, haverhill):
        SipAssignment.objects.update_or_create(
            school=school,
            academic_year=year,
            defaults={"sip": suffolk_sip, "days_allocated": standard_allocation(school, year)},
        )
    logins.append((suffolk_sip.email, "SIP for Lowestoft Harbour Academy and Haverhill Meadow School (Suffolk)"))
    heads = {}
    for school, chair_name in (
        (broadland_school, "Mrs Patricia Hollis"),
        (lowestoft_school, "Mr Graham Sutton"),
        (haverhill, "Ms Denise Farrow"),
    ):
        heads[school.urn] = person(f"head.{school.urn}@demo.test", school.headteacher_name)
        Membership.objects.get_or_create(user=heads[school.urn], role=Role.HEADTEACHER, la=school.la, school=school)
        chair = person(f"governor.{school.urn}@demo.test", chair_name)
        Membership.objects.update_or_create(
            user=chair, role=Role.GOVERNOR, la=school.la, school=school, defaults={"is_chair": True}
        )
        logins += [
            (heads[school.urn].email, f"headteacher, {school.name}"),
            (chair.email, f"chair of governors, {school.name}"),
        ]

    # Waiting in the queues: Suffolk's and Manchester's new Gaining Ground schools, Barnet's second.
    _submitted_profile(lowestoft_school, year, ssat_body, suffolk_sip)
    _submitted_profile(haverhill, year, ssat_body, suffolk_sip)
    for urn in ("830202", "830102"):
        queued = School.objects.get(urn=urn)
        _submitted_profile(queued, year, college, SipAssignment.objects.get(school=queued, academic_year=year).sip)

    # Broadland Heath (Norfolk): matched with Orwell Bridge, Form 2 being agreed.
    broadland = _submitted_profile(broadland_school, year, ssat_body, sip)
    agreeing = _partnership(_proposal(broadland, orwell, ssat_user, ssat_body), partner_head)
    _agree_strategies(agreeing, partner_head, sip)

    # Wensum Valley (the demo head's school), last year: Form 2 approved and submitted.
    wensum = School.objects.get(urn="830301")
    last_year = _submitted_profile(wensum, year - 1, ssat_body, sip)
    approved = _partnership(_proposal(last_year, stour, ssat_user, ssat_body), stour_head)
    _agree_strategies(approved, head, sip)
    _move_on(approved, sip, ["agree", "approve", "submit"])
    submitted = approved.plans.filter(state="submitted").order_by("-version_number").first()
    document = services.form2_document_request(plan=submitted, actor=sip)
    if not document.is_ready:
        # Rendered here, so the demo needs no worker to offer the governor the PDF.
        run_job(Form2Document, document.pk, render_in_scope)

    for partnership in (agreeing, approved):
        if partnership.consultant_head_id is None:
            services.partnership_assign(
                actor=ssat_user,
                access=partnership_access(ssat_user, partnership),
                consultant_head=consultant,
                coordinator=coordinator,
            )
    if not approved.monitoring_notes.exists():
        services.monitoring_note_add(
            actor=consultant,
            access=partnership_access(consultant, approved),
            strategy_text="",
            note="Paired observations done in both schools; FSM tracking shared each half term.",
        )

    # Ledgers: part-used. Last year's stopped short of the offer (behind pace at the year's end);
    # this year's improvement funding is over entitlement. Each line is recorded by its deliverer.
    _ledger(
        approved,
        [
            ("partner-days", datetime.date(year - 1, 12, 9), "4", "Strategy: paired observation", stour_head),
            ("partner-days", datetime.date(year, 2, 3), "3", "Strategy: paired observation", stour_head),
            ("consultant-days", datetime.date(year, 3, 10), "1", "Monitoring of the strategies", consultant),
            ("study-support", datetime.date(year, 1, 20), "12000", "Plan priority: maths coaching", head),
        ],
    )
    _ledger(
        agreeing,
        [
            ("partner-days", datetime.date(year, 11, 27), "2", "Strategy: paired observation", partner_head),
            (
                "improvement-funding",
                datetime.date(year, 11, 24),
                "10500",
                "Plan priority: literacy resources",
                heads[broadland_school.urn],
            ),
        ],
    )
    # Lowestoft Harbour asked for Orwell Bridge; the proposal waits for the partner head.
    lowestoft = PriorityProfile.objects.get(school=lowestoft_school, academic_year=year, state="submitted")
    lowestoft.proposed_partner_school = "Orwell Bridge High School"
    lowestoft.save(update_fields=["proposed_partner_school"])
    waiting = _proposal(lowestoft, orwell, ssat_user, ssat_body)

    # The history at the times it happened: each proposal after its Form 1 (20 November), each
    # meeting (25 November) after its acceptance, and the steps after the meeting.
    _backdate(
        agreeing.proposal,
        proposed=_at(datetime.date(year, 11, 21), 10),
        answered=_at(datetime.date(year, 11, 23), 9, 30),
    )
    _backdate(
        approved.proposal,
        proposed=_at(datetime.date(year - 1, 11, 21), 10),
        answered=_at(datetime.date(year - 1, 11, 23), 9, 30),
        steps=[
            _at(datetime.date(year - 1, 11, 25), 17),
            _at(datetime.date(year - 1, 11, 28), 10, 15),
            _at(datetime.date(year - 1, 12, 1), 11, 40),
        ],
        note=_at(datetime.date(year, 3, 10), 15),
    )
    _backdate(waiting, proposed=_at(datetime.date(year, 11, 26), 14))
    return [
        (partner_head.email, "partner-school headteacher, Orwell Bridge High School (Suffolk, 935)"),
        (consultant.email, "SSAT consultant head"),
        (coordinator.email, "regional partnership coordinator (SSAT)"),
        *logins,
    ]
