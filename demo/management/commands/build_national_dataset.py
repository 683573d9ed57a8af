"""Build the whole country's data on an empty database, for benchmarks and for trying the portal at size.

    manage.py build_national_dataset [--scale 1.0] [--seed 1] [--audit-rows N]

At scale 1: 150 LAs, Kent (886) with 600 schools of every phase, about 3,500 secondary schools,
about 2,000 SIPs who each work with 5–8 schools in the years they are commissioned (an LA uses
about a third of its SIPs in a year), five academic years of assignments with visits, evaluations
and next steps, priorities and plans, results, eligibility, Form 1s, the register of supporting
schools, proposals, partnerships, Form 2s and ledger lines, SIP reports, core training with
bookings, and a million audit rows. `--scale 0.05` is a quick try.

Rows are written with bulk_create in large batches under scopes_disabled, the audit rows with
COPY; the same seed gives the same rows. Named accounts (password `sip-portal-demo`) are
printed at the end.
"""

import datetime
import json
import random
import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Membership, Role, User
from audit.models import Action, AuditEvent
from caseload.models import SipAssignment
from dashboards.figures import refresh_figures
from partnerships.models import (
    FocusArea,
    Form2,
    Form2Event,
    LedgerKind,
    LedgerLine,
    MatchProposal,
    Partnership,
    Strategy,
    SupportingSchool,
)
from priorities.models import Milestone, PlanAction, Priority, PriorityProfile, ProfileEvent, ProfilePriority, RagReview
from reports.models import Report, ReportEvent
from schools.models import EligibilityAssessment, EligibilityCriterion, OfstedRating, PerformanceResult, Phase, School
from schools.models import Status as SchoolStatus
from tenancy.academic_year import academic_year_label, current_academic_year
from tenancy.models import LocalAuthority, NationalBody, Region
from training.models import Booking, Course, Place, Session
from training.programme import CORE_PROGRAMME_2004_05
from visits.agenda import agenda_template
from visits.models import NextStep, PriorityEvaluation, Visit, VisitPerson

from . import _national_places as places
from ._demo_history import PRIORITY_POOL, random_evaluation
from ._demo_results import seed_national
from .seed_demo import DEMO_PASSWORD

YEARS_OF_HISTORY = 5  # this year and the four before it
BATCH = 5000
NAMED = {
    "la-admin.county": "la-admin.886@national.test",
    "la-admin.small": "la-admin.small@national.test",
    "sip.40": "sip.40@national.test",
    "sip.5": "sip.5@national.test",
    "head": "head@national.test",
    "governor": "governor@national.test",
    "ssat": "ssat@national.test",
    "college": "college@national.test",
    "adviser": "adviser@national.test",
    "adviser.national": "adviser.national@national.test",
}
# How often each kind of event is in the log, roughly as an LA's year of work writes them.
AUDIT_MIX = [
    (Action.SIGN_IN, 30),
    (Action.SIGN_OUT, 10),
    (Action.VISIT_PLANNED, 8),
    (Action.VISIT_FINALISED, 8),
    (Action.PLAN_CHANGED, 8),
    (Action.PLAN_REVIEWED, 5),
    (Action.PROFILE_CHANGED, 5),
    (Action.REPORT_CHANGED, 5),
    (Action.REPORT_DOWNLOADED, 4),
    (Action.RESULTS_CHANGED, 3),
    (Action.TRAINING_BOOKED, 3),
    (Action.ACCESS_DENIED, 2),
    (Action.SIP_ASSIGNED, 2),
    (Action.ELIGIBILITY_RECORDED, 2),
    (Action.DATA_EXPORTED, 2),
    (Action.SIGN_IN_FAILED, 2),
    (Action.REPORT_ISSUED, 1),
]


def at(day: datetime.date, hour: int = 16) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Builder:
    def __init__(self, *, scale: float, seed: int, audit_rows: int, out):
        self.rng = random.Random(seed)  # noqa: S311  (invented data)
        self.scale = scale
        self.audit_rows = audit_rows
        self.out = out
        self.year = current_academic_year()
        self.years = list(range(self.year - YEARS_OF_HISTORY + 1, self.year + 1))
        self.today = timezone.localdate()
        self.password = make_password(DEMO_PASSWORD)
        self.names_used: set[str] = set()
        self.timings: list[tuple[str, float, int]] = []

    # Helpers -----------------------------------------------------------------------------------
    def step(self, what: str, rows: int, started: float) -> None:
        took = time.monotonic() - started
        self.timings.append((what, took, rows))
        self.out(f"  {what}: {rows:,} rows in {took:.1f} s")

    def bulk(self, model, objects: list) -> list:
        return model.objects.bulk_create(objects, batch_size=BATCH)

    def person_name(self) -> str:
        return f"{self.rng.choice(places.FIRST_NAMES)} {self.rng.choice(places.LAST_NAMES)}"

    def user(self, email: str, full_name: str | None = None) -> User:
        return User(email=email, full_name=full_name or self.person_name(), password=self.password, is_active=True)

    # The register ------------------------------------------------------------------------------
    def build_las(self) -> None:
        started = time.monotonic()
        count = max(5, round(150 * self.scale))
        candidates = [entry for entry in places.LAS if entry[0] != places.COUNTY]
        step = len(candidates) / (count - 1)
        chosen = [candidates[int(i * step)] for i in range(count - 1)]
        chosen.append(next(entry for entry in places.LAS if entry[0] == places.COUNTY))
        self.las = self.bulk(
            LocalAuthority,
            [
                LocalAuthority(code=code, name=name, region=region, challenge_area=places.challenge_area(code))
                for code, name, region in sorted(chosen)
            ],
        )
        self.county = next(la for la in self.las if la.code == places.COUNTY)
        self.bodies = {}
        for kind, name in [
            (NationalBody.Kind.SSAT, "Specialist Schools and Academies Trust (SSAT)"),
            (NationalBody.Kind.NATIONAL_COLLEGE, "National College"),
            (NationalBody.Kind.NATIONAL_STRATEGIES, "The National Strategies"),
        ]:
            self.bodies[kind] = NationalBody.objects.get_or_create(kind=kind, defaults={"name": name})[0]
        seed_national()
        self.step("local authorities", len(self.las), started)

    def school_name(self, kinds) -> str:
        for _ in range(50):
            name = (
                f"{self.rng.choice(places.PLACE_WORDS)} {self.rng.choice(places.PLACE_WORDS)} {self.rng.choice(kinds)}"
            )
            if name not in self.names_used:
                break
        self.names_used.add(name)
        return name

    def build_schools(self) -> None:
        started = time.monotonic()
        rng = self.rng
        county_size = max(60, round(600 * self.scale))
        county_mix = [  # (phase, share, low age, high age, kinds)
            (Phase.PRIMARY, 0.76, 4, 11, places.PRIMARY_KINDS),
            (Phase.SECONDARY, 0.17, 11, 18, places.SECONDARY_KINDS),
            (Phase.ALL_THROUGH, 0.01, 4, 18, ("All-through School",)),
            (Phase.NOT_APPLICABLE, 0.05, 5, 19, ("Special School", "Pupil Referral Unit")),
            (Phase.SIXTEEN_PLUS, 0.01, 16, 19, ("Sixth Form College",)),
        ]
        others = [la for la in self.las if la != self.county]
        secondary_target = round(3500 * self.scale) - round(county_size * 0.17)
        weights = [max(0.3, rng.gauss(1, 0.45)) for _ in others]
        per_la = [max(4, round(secondary_target * w / sum(weights))) for w in weights]
        plan = []
        for phase, share, low, high, kinds in county_mix:
            plan += [(self.county, phase, low, high, kinds)] * round(county_size * share)
        for la, count in zip(others, per_la, strict=True):
            plan += [(la, Phase.SECONDARY, 11, rng.choice([16, 18]), places.SECONDARY_KINDS)] * count
        schools = []
        for number, (la, phase, low, high, kinds) in enumerate(plan):
            secondary = phase == Phase.SECONDARY
            struggling = secondary and rng.random() < 0.2
            closed = rng.random() < 0.03
            joined = left = None
            if struggling and rng.random() < 0.7:
                joined = rng.choice(self.years)
                if joined < self.year - 1 and rng.random() < 0.3:
                    left = joined + 2
            schools.append(
                School(
                    la=la,
                    urn=f"{200000 + number}",
                    establishment_number=f"{4000 + number % 5000}",
                    name=self.school_name(kinds),
                    establishment_type=rng.choice(["Community school", "Academy converter", "Foundation school"]),
                    phase=phase,
                    status=SchoolStatus.CLOSED if closed else SchoolStatus.OPEN,
                    closed_on=datetime.date(self.year - 1, 8, 31) if closed else None,
                    statutory_low_age=low,
                    statutory_high_age=high,
                    number_of_pupils=rng.randrange(150, 450) if not secondary else rng.randrange(500, 1800),
                    percentage_fsm=Decimal(f"{rng.uniform(30, 48) if struggling else rng.uniform(4, 30):.2f}"),
                    street=f"{rng.choice(places.PLACE_WORDS)} Road",
                    town=la.name,
                    postcode=f"{la.code[-2:]}{rng.randrange(1, 9)} {rng.randrange(1, 9)}AB",
                    easting=300000 + rng.randrange(300000),
                    northing=100000 + rng.randrange(500000),
                    headteacher_name=self.person_name(),
                    ofsted_rating=rng.choice(
                        [OfstedRating.SATISFACTORY, OfstedRating.INADEQUATE, OfstedRating.REQUIRES_IMPROVEMENT]
                        if struggling
                        else [OfstedRating.GOOD, OfstedRating.GOOD, OfstedRating.OUTSTANDING, OfstedRating.SATISFACTORY]
                    ),
                    trust_name=f"{la.name} Learning Trust" if rng.random() < 0.2 else "",
                    gaining_ground_joined=joined,
                    gaining_ground_left=left,
                )
            )
        self.schools = self.bulk(School, schools)
        self.by_la = {}
        for school in self.schools:
            self.by_la.setdefault(school.la_id, []).append(school)
        self.step("schools", len(self.schools), started)

    # People ------------------------------------------------------------------------------------
    def build_people(self) -> None:
        started = time.monotonic()
        rng = self.rng
        users, memberships = [], []
        self.admins, self.sip_pools = {}, {}
        small = min((la for la in self.las if la != self.county), key=lambda la: len(self.by_la[la.id]))
        self.small_la = small
        for la in self.las:
            admin_email = {self.county.id: NAMED["la-admin.county"], small.id: NAMED["la-admin.small"]}.get(
                la.id, f"la-admin.{la.code}@national.test"
            )
            admin = self.user(admin_email)
            users.append(admin)
            memberships.append((admin, Role.LA_ADMIN, la, None))
            self.admins[la.id] = admin
            per_year = max(1, round(len(self.by_la[la.id]) / 6.5))
            pool = [self.user(f"sip.{la.code}.{n:03d}@national.test") for n in range(max(2, round(per_year * 3.1)))]
            if la == self.county:
                pool[0] = self.user(NAMED["sip.40"], "Diane Forty")
            if la == small:
                pool[0] = self.user(NAMED["sip.5"], "Frank Fivefold")
            self.sip_pools[la.id] = pool
            users += pool
            memberships += [(sip, Role.SIP, la, None) for sip in pool]
        self.heads, self.governors = {}, {}
        for school in self.schools:
            head = self.user(f"head.{school.urn}@national.test", school.headteacher_name)
            governor = self.user(f"governor.{school.urn}@national.test")
            self.heads[school.id], self.governors[school.id] = head, governor
            users += [head, governor]
            memberships += [(head, Role.HEADTEACHER, school.la, school), (governor, Role.GOVERNOR, school.la, school)]
        national = []
        for key, role, kind, region, name in [
            ("ssat", Role.SSAT, NationalBody.Kind.SSAT, "", "Sam Okafor"),
            ("college", Role.NATIONAL_COLLEGE, NationalBody.Kind.NATIONAL_COLLEGE, "", "Nadia Brennan"),
            ("adviser", Role.NS_ADVISER, NationalBody.Kind.NATIONAL_STRATEGIES, Region.SOUTH_EAST, "Alan Pryce"),
            ("adviser.national", Role.NS_ADVISER, NationalBody.Kind.NATIONAL_STRATEGIES, Region.LONDON, "Nia Hale"),
        ]:
            person = self.user(NAMED[key], name)
            users.append(person)
            national.append((person, role, kind, region))
        self.consultant_heads = [self.user(f"consultant-head.{n:02d}@national.test") for n in range(20)]
        self.coordinators = [self.user(f"coordinator.{n:02d}@national.test") for n in range(9)]
        users += self.consultant_heads + self.coordinators
        self.bulk(User, users)
        rows = [
            Membership(user=user, role=role, la=la, school=school, is_chair=role == Role.GOVERNOR)
            for user, role, la, school in memberships
        ]
        rows += [
            Membership(user=user, role=role, national_body=self.bodies[kind], region=region)
            for user, role, kind, region in national
        ]
        rows += [
            Membership(user=user, role=Role.CONSULTANT_HEAD, national_body=self.bodies[NationalBody.Kind.SSAT])
            for user in self.consultant_heads
        ]
        rows += [
            Membership(user=user, role=Role.PARTNERSHIP_COORDINATOR, national_body=self.bodies[NationalBody.Kind.SSAT])
            for user in self.coordinators
        ]
        self.bulk(Membership, rows)
        self.ssat = next(u for u in users if u.email == NAMED["ssat"])
        self.step("people and memberships", len(users) + len(rows), started)
        del rng

    # Caseload, priorities, visits -------------------------------------------------------------
    def build_caseload(self) -> None:
        started = time.monotonic()
        rng = self.rng
        assignments = []
        county_first = [s for s in self.by_la[self.county.id] if s.phase == Phase.SECONDARY and not s.is_closed]
        county_first += [s for s in self.by_la[self.county.id] if s.phase != Phase.SECONDARY and not s.is_closed]
        self.sip40_schools = {s.id for s in county_first[:40]}
        for la in self.las:
            pool = self.sip_pools[la.id]
            for year in self.years:
                schools = [s for s in self.by_la[la.id] if not (s.is_closed and year >= self.year)]
                if la == self.county:
                    fixed = [s for s in schools if s.id in self.sip40_schools]
                    assignments += [self.assignment(s, pool[0], year) for s in fixed]
                    schools = [s for s in schools if s.id not in self.sip40_schools]
                    others = pool[1:]
                elif la == self.small_la:
                    assignments += [self.assignment(s, pool[0], year) for s in schools[:5]]
                    schools, others = schools[5:], pool[1:]
                else:
                    others = pool
                rng.shuffle(schools)
                if year == self.year:  # a few schools wait for their SIP this year
                    schools = schools[: len(schools) - max(1, len(schools) // 40)]
                active = rng.sample(others, min(len(others), max(1, round(len(schools) / 6.5))))
                index = 0
                for sip in active:
                    take = rng.randint(5, 8)
                    assignments += [self.assignment(s, sip, year) for s in schools[index : index + take]]
                    index += take
                for n, school in enumerate(schools[index:]):
                    assignments.append(self.assignment(school, active[n % len(active)], year))
        self.assignments = self.bulk(SipAssignment, assignments)
        self.step("SIP assignments", len(self.assignments), started)

    def assignment(self, school, sip, year) -> SipAssignment:
        days = Decimal("9") if school.in_gaining_ground_in(year) else Decimal("5")
        return SipAssignment(school=school, sip=sip, academic_year=year, days_allocated=days)

    def build_priorities(self) -> None:
        started = time.monotonic()
        rng = self.rng
        priorities = []
        self.priorities_of = {}
        for a in self.assignments:
            finished = a.academic_year < self.year
            picks = rng.sample(range(len(PRIORITY_POOL)), 3)
            label = academic_year_label(a.academic_year)
            rows = []
            for position, pick in enumerate(picks, start=1):
                title, focus, *_ = PRIORITY_POOL[pick]
                rows.append(
                    Priority(
                        school_id=a.school_id,
                        title=f"{title} ({label})" if finished else title,
                        key_focus_areas=focus,
                        starts_on=datetime.date(a.academic_year, 9, 1),
                        ends_on=datetime.date(a.academic_year + 1, 7, 31),
                        position=position,
                        is_active=not finished,
                    )
                )
            self.priorities_of[a.id] = (rows, picks)
            priorities += rows
        self.bulk(Priority, priorities)
        actions = []
        for a in self.assignments:
            rows, picks = self.priorities_of[a.id]
            for priority, pick in zip(rows, picks, strict=True):
                _, _, text, owner, criterion = PRIORITY_POOL[pick]
                rag = rng.choice(["green", "green", "amber", "red", ""])
                actions.append(
                    PlanAction(
                        priority=priority,
                        description=text,
                        owner=owner,
                        success_criteria=criterion,
                        data_sources="Half-termly tracking data",
                        rag=rag,
                        rag_reason={"green": "On track.", "amber": "Behind by a few weeks.", "red": "Not started."}.get(
                            rag, ""
                        ),
                    )
                )
        self.bulk(PlanAction, actions)
        milestones, reviews = [], []
        for action in actions:
            year = action.priority.starts_on.year
            for month, day in ((12, 12), (4, 30)):
                due = datetime.date(year if month >= 9 else year + 1, month, day)
                done = due - datetime.timedelta(days=2) if due < self.today and rng.random() < 0.75 else None
                milestones.append(Milestone(action=action, description="Review of impact", due_on=due, done_on=done))
            if action.rag:
                reviews.append(RagReview(action=action, rag=action.rag, reason=action.rag_reason))
        self.bulk(Milestone, milestones)
        self.bulk(RagReview, reviews)
        self.step(
            "priorities, plan actions, milestones, reviews",
            len(priorities) * 2 + len(milestones) + len(reviews),
            started,
        )

    def build_visits(self) -> None:
        started = time.monotonic()
        rng = self.rng
        visits, plans = [], []
        for a in self.assignments:
            year, finished = a.academic_year, a.academic_year < self.year
            school = a.school
            days = [(datetime.date(year, 10, 5 + rng.randrange(20)), Visit.Kind.STANDARD)]
            if finished:
                days += [(datetime.date(year + 1, 3, 2 + rng.randrange(20)), Visit.Kind.STANDARD)]
                days += [(datetime.date(year + 1, 6, 2 + rng.randrange(20)), Visit.Kind.STANDARD)]
                if school.in_gaining_ground_in(year):
                    days += [
                        (datetime.date(year, 12, 1 + rng.randrange(10)), Visit.Kind.GAINING_GROUND),
                        (datetime.date(year + 1, 5, 5 + rng.randrange(20)), Visit.Kind.GOVERNORS),
                    ]
            else:
                if rng.random() < 0.5:
                    days.append((datetime.date(year, 11, 3 + rng.randrange(25)), Visit.Kind.STANDARD))
                days.append((datetime.date(year + 1, 1, 10 + rng.randrange(15)), Visit.Kind.STANDARD))
            days.sort()
            for number, (day, kind) in enumerate(days):
                happened = day <= self.today
                state = Visit.State.FINAL if happened and (finished or rng.random() < 0.85) else Visit.State.DRAFT
                if not happened:
                    state = Visit.State.PLANNED
                visit = Visit(
                    assignment=a,
                    sip_id=a.sip_id,
                    date=day,
                    kind=kind,
                    length_days=Decimal("1.0"),
                    state=state,
                    agenda=agenda_template(kind),
                    classroom_evidence=f"{3 + rng.randrange(4)} lessons seen with a senior leader." if happened else "",
                    tracked_pupils=f"{4 + rng.randrange(4)} of the 8 tracked pupils are on target." if happened else "",
                    documents_seen="Tracking data; the self-evaluation form." if happened else "",
                    summary=f"Visit {number + 1}: progress on the priorities reviewed." if happened else "",
                    private_notes="Capacity in the senior team is thin." if happened else "",
                    finalised_at=at(day) if state == Visit.State.FINAL else None,
                    finalised_by_id=a.sip_id if state == Visit.State.FINAL else None,
                )
                visits.append(visit)
                plans.append((visit, a, number == len(days) - 1, finished))
        self.bulk(Visit, visits)
        people, evaluations, steps = [], [], []
        for visit, a, last, finished in plans:
            if visit.state == Visit.State.PLANNED:
                continue
            head = a.school.headteacher_name
            people.append(VisitPerson(visit=visit, name=head, role="Headteacher"))
            evaluations += [random_evaluation(rng, visit, priority) for priority in self.priorities_of[a.id][0]]
            due = visit.date + datetime.timedelta(days=21)
            done = (finished or due < self.today) and rng.random() < 0.8
            steps.append(
                NextStep(
                    visit=visit,
                    action=f"Share the {visit.date:%B} tracking data with governors",
                    owner=head,
                    due_on=due,
                    done_on=visit.date + datetime.timedelta(days=19) if done else None,
                )
            )
            steps.append(
                NextStep(
                    visit=visit,
                    action="Review the curriculum model for Key Stage 4",
                    owner=head,
                    due_on=visit.date + datetime.timedelta(days=45),
                    done_on=visit.date + datetime.timedelta(days=40) if finished and not last else None,
                )
            )
        self.visits = visits
        self.bulk(VisitPerson, people)
        self.bulk(PriorityEvaluation, evaluations)
        self.bulk(NextStep, steps)
        self.step(
            "visits, people met, evaluations, next steps",
            len(visits) + len(people) + len(evaluations) + len(steps),
            started,
        )

    # Results, eligibility ----------------------------------------------------------------------
    def build_results(self) -> None:
        started = time.monotonic()
        rng = self.rng
        results, assessments = [], []
        criteria = list(EligibilityCriterion.objects.order_by("number"))
        admin_of = self.admins
        for school in self.schools:
            if school.phase not in (Phase.SECONDARY, Phase.ALL_THROUGH):
                continue
            struggling = school.gaining_ground_joined is not None or float(school.percentage_fsm) > 30
            base = rng.uniform(25, 40) if struggling else rng.uniform(45, 75)
            for year in self.years[:-1]:
                five = base + rng.uniform(-3, 4)
                for group, shift in (("all", 0), ("fsm", -22 if struggling else -15), ("non-fsm", 6)):
                    results.append(
                        PerformanceResult(
                            school=school,
                            academic_year=year,
                            group=group,
                            five_ac_em=Decimal(f"{max(1, min(99, five + shift)):.1f}"),
                            progress_english=Decimal(f"{rng.uniform(45, 85):.1f}"),
                            progress_maths=Decimal(f"{rng.uniform(40, 85):.1f}"),
                            cohort=rng.randrange(90, 300) if group == "all" else None,
                            cva=Decimal(f"{rng.uniform(980, 1020):.1f}") if group == "all" else None,
                            percentage_fsm=school.percentage_fsm.quantize(Decimal("0.1")) if group == "all" else None,
                        )
                    )
            assessed = criteria if struggling else criteria[:3]
            for criterion in assessed:
                assessments.append(
                    EligibilityAssessment(
                        school=school,
                        criterion=criterion,
                        finding=rng.choice(["met", "met", "not-met"]) if struggling else "not-met",
                        evidence="From the performance tables and the last inspection.",
                        assessed_by=admin_of[school.la_id],
                        assessed_at=at(datetime.date(self.year - 1, 6, 1)),
                    )
                )
        self.bulk(PerformanceResult, results)
        self.bulk(EligibilityAssessment, assessments)
        self.step("results and eligibility", len(results) + len(assessments), started)

    # Form 1, matching, partnerships ------------------------------------------------------------
    def build_gaining_ground(self) -> None:
        started = time.monotonic()
        rng = self.rng
        la_of = {la.id: la for la in self.las}
        profiles, priorities, events = [], [], []
        for a in self.assignments:
            school = a.school
            if not school.in_gaining_ground_in(a.academic_year):
                continue
            la = la_of[school.la_id]
            finished = a.academic_year < self.year
            state = PriorityProfile.State.SUBMITTED
            if not finished:
                state = rng.choice(["submitted", "submitted", "submitted", "agreed", "with-sip", "draft", "returned"])
            submitted = at(datetime.date(a.academic_year, 10, 10 + rng.randrange(40) % 20))
            profile = PriorityProfile(
                school=school,
                academic_year=a.academic_year,
                state=state,
                key_contact_name=school.headteacher_name,
                key_contact_phone="01632 960000",
                key_contact_email=f"head.{school.urn}@national.test",
                sip_name="",
                sip_email="",
                partner_criteria="A school that has closed its FSM gap in maths.",
                matching_body=self.bodies[la.matching_body_kind] if state == "submitted" else None,
                submitted_at=submitted if state == "submitted" else None,
            )
            profiles.append((profile, a))
        self.bulk(PriorityProfile, [p for p, _ in profiles])
        for profile, a in profiles:
            for position, priority in enumerate(self.priorities_of[a.id][0], start=1):
                priorities.append(
                    ProfilePriority(
                        profile=profile,
                        position=position,
                        priority=priority.title,
                        key_focus_areas=priority.key_focus_areas,
                        starts_on=priority.starts_on,
                        ends_on=priority.ends_on,
                        most_important=True,
                        outline="Half-termly tracking and coaching, led by the deputy head.",
                    )
                )
            events.append(ProfileEvent(profile=profile, actor_id=self.heads[a.school_id].id, action="started"))
            if profile.state == "submitted":
                events.append(ProfileEvent(profile=profile, actor_id=a.sip_id, action="submit"))
        self.bulk(ProfilePriority, priorities)
        self.bulk(ProfileEvent, events)

        # The register of supporting schools: good and outstanding secondaries not in the programme.
        candidates = [
            s
            for s in self.schools
            if s.phase == Phase.SECONDARY
            and not s.is_closed
            and s.gaining_ground_joined is None
            and s.ofsted_rating in (OfstedRating.GOOD, OfstedRating.OUTSTANDING)
        ]
        register = [
            SupportingSchool(
                school=s,
                offering_support=rng.random() < 0.85,
                capacity=rng.choice([1, 1, 2, 3]),
                strengths=rng.sample(["english", "maths", "science", "leadership", "pupil-groups", "afl"], 2),
                evidence="Results above the national figures for three years.",
                contact_name=s.headteacher_name,
                contact_email=f"head.{s.urn}@national.test",
            )
            for s in candidates
            if rng.random() < 0.12
        ]
        self.bulk(SupportingSchool, register)
        partners = [r.school for r in register]

        proposals, pairs = [], []
        submitted = [(p, a) for p, a in profiles if p.state == "submitted"]
        for profile, a in submitted:
            finished = a.academic_year < self.year
            outcome = rng.random()
            if not finished and outcome > 0.75:
                continue  # still waiting in the queue
            partner = rng.choice(partners)
            declined = outcome < 0.15
            if declined:
                other = rng.choice(partners)
                proposals.append(self.proposal(profile, a, other, MatchProposal.State.DECLINED, responded=True))
            state = MatchProposal.State.PROPOSED if not finished and outcome > 0.6 else MatchProposal.State.ACCEPTED
            proposal = self.proposal(profile, a, partner, state, responded=state == "accepted")
            proposals.append(proposal)
            if state == "accepted":
                pairs.append((proposal, a))
        if partners:
            self.bulk(MatchProposal, proposals)
        partnerships = [
            Partnership(
                la_id=p.la_id,
                school_id=p.school_id,
                partner_school_id=p.partner_school_id,
                proposal=p,
                academic_year=a.academic_year,
                name=f"Gaining Ground partnership {a.academic_year}: {a.school.name}",
                consultant_head=rng.choice(self.consultant_heads),
                coordinator=rng.choice(self.coordinators),
                ended_on=datetime.date(a.academic_year + 1, 7, 31) if a.academic_year < self.year else None,
            )
            for p, a in pairs
        ]
        self.bulk(Partnership, partnerships)
        plans = []
        for partnership in partnerships:
            finished = partnership.academic_year < self.year
            state = "submitted" if finished else rng.choice(["draft", "draft", "agreed", "approved", "submitted"])
            plans.append(
                Form2(
                    partnership=partnership,
                    state=state,
                    sip_name="",
                    meeting_on=datetime.date(partnership.academic_year, 11, 20) if state != "draft" else None,
                    meeting_attendees="Both headteachers and the SIP" if state != "draft" else "",
                    submitted_at=at(datetime.date(partnership.academic_year, 12, 1)) if state == "submitted" else None,
                )
            )
        self.bulk(Form2, plans)
        areas, strategies, form2_events, ledger = [], [], [], []
        for plan, (_proposal, a) in zip(plans, pairs, strict=True):
            for position, priority in enumerate(self.priorities_of[a.id][0], start=1):
                areas.append(
                    FocusArea(
                        plan=plan,
                        position=position,
                        priority=priority.title,
                        key_focus_areas=priority.key_focus_areas,
                        starts_on=priority.starts_on,
                        ends_on=priority.ends_on,
                    )
                )
            form2_events.append(Form2Event(plan=plan, actor_id=a.sip_id, action="started"))
        self.bulk(FocusArea, areas)
        for area in areas:
            strategies.append(
                Strategy(
                    focus_area=area,
                    strategy="Joint lesson observations and shared schemes of work",
                    lead=self.person_name(),
                    starts_on=area.starts_on,
                    ends_on=area.ends_on,
                )
            )
        self.bulk(Strategy, strategies)
        self.bulk(Form2Event, form2_events)
        for partnership in partnerships:
            year = partnership.academic_year
            last = min(self.today, datetime.date(year + 1, 7, 31))
            span = max(1, (last - datetime.date(year, 9, 15)).days)
            for kind, amount in [
                (LedgerKind.PARTNER_DAYS, "1.0"),
                (LedgerKind.PARTNER_DAYS, "1.0"),
                (LedgerKind.PARTNER_DAYS, "0.5"),
                (LedgerKind.CONSULTANT_DAYS, "1.0"),
                (LedgerKind.STUDY_SUPPORT, "2500.00"),
                (LedgerKind.IMPROVEMENT_FUNDING, "1200.00"),
            ]:
                ledger.append(
                    LedgerLine(
                        la_id=partnership.la_id,
                        school_id=partnership.school_id,
                        academic_year=year,
                        kind=kind,
                        on=datetime.date(year, 9, 15) + datetime.timedelta(days=rng.randrange(span)),
                        amount=Decimal(amount),
                        purpose="Against the first focus area",
                        recorded_by_id=self.heads[partnership.school_id].id,
                    )
                )
        self.bulk(LedgerLine, ledger)
        total = len(profiles) + len(priorities) + len(events) + len(register) + len(proposals)
        total += len(partnerships) + len(plans) + len(areas) + len(strategies) + len(ledger)
        self.step("Form 1s, register, proposals, partnerships, Form 2s, ledger", total, started)

    def proposal(self, profile, a, partner, state, *, responded: bool) -> MatchProposal:
        return MatchProposal(
            la_id=a.school.la_id,
            profile=profile,
            school_id=a.school_id,
            partner_school=partner,
            matching_body_id=profile.matching_body_id,
            state=state,
            recommended_school=partner,
            chosen_rank=1,
            capacity_confirmed=True,
            la_consulted=True,
            proposed_by=self.ssat,
            responded_by_id=self.heads[partner.id].id if responded else None,
            responded_at=profile.submitted_at + datetime.timedelta(days=12) if responded else None,
            response_reason="No capacity this term." if state == "declined" else "",
        )

    # Reports, training -------------------------------------------------------------------------
    def build_reports(self) -> None:
        started = time.monotonic()
        rng = self.rng
        reports = []
        for visit in self.visits:
            a = visit.assignment
            if visit.state != Visit.State.FINAL or a.academic_year < self.year - 2:
                continue
            term = 1 if visit.date.month >= 9 else 2 if visit.date.month <= 3 else 3
            issued = a.academic_year < self.year or rng.random() < 0.6
            state = Report.State.ISSUED if issued else rng.choice([Report.State.DRAFT, Report.State.SHARED])
            reports.append(
                Report(
                    school_id=a.school_id,
                    academic_year=a.academic_year,
                    term=term,
                    title=f"SIP report, {visit.date:%B %Y}",
                    visit=visit,
                    author_id=a.sip_id,
                    state=state,
                    key_strengths="Leadership of mathematics; attendance.",
                    priorities="The three priorities of the plan, each with its strategy.",
                    self_evaluation_judgement="satisfactory",
                    self_evaluation="Accurate, based on tracking data.",
                    capacity_judgement="good",
                    capacity="A stable senior team.",
                    targets="5+ A*–C incl. English and maths: 45% this year, 50% next.",
                    shared_at=at(visit.date + datetime.timedelta(days=7)) if state != "draft" else None,
                    issued_at=at(visit.date + datetime.timedelta(days=14)) if issued else None,
                    issued_by_id=a.sip_id if issued else None,
                )
            )
        self.bulk(Report, reports)
        events = [ReportEvent(report=r, actor_id=r.author_id, action=r.state) for r in reports]
        self.bulk(ReportEvent, events)
        self.step("SIP reports", len(reports) + len(events), started)

    def build_training(self) -> None:
        started = time.monotonic()
        rng = self.rng
        courses = []
        for la in self.las:
            for position, (subject, title, part, length) in enumerate(CORE_PROGRAMME_2004_05):
                courses.append(
                    Course(
                        la=la,
                        academic_year=self.year,
                        subject=subject,
                        title=title,
                        part=part,
                        length_days=length,
                        position=position,
                    )
                )
        self.bulk(Course, courses)
        sessions = []
        by_la = {}
        for course in courses:
            for n in range(rng.choice([1, 2])):
                day = self.today + datetime.timedelta(days=rng.randrange(-60, 120))
                session = Session(
                    course=course,
                    date=day,
                    starts_at=datetime.time(9, 30),
                    ends_at=datetime.time(15, 30) if course.length_days == 1 else datetime.time(12, 30),
                    venue=f"{course.la.name} Professional Development Centre, room {n + 1}",
                    capacity=30,
                    minimum_places=8,
                    booking_deadline=day - datetime.timedelta(days=7),
                )
                sessions.append(session)
                by_la.setdefault(course.la_id, []).append(session)
        self.bulk(Session, sessions)
        bookings, wanted = [], []
        for la in self.las:
            la_sessions = by_la[la.id]
            for school in self.by_la[la.id]:
                if school.is_closed or rng.random() < 0.3:
                    continue
                courses_booked = set()
                for session in rng.sample(la_sessions, min(3, len(la_sessions))):
                    if session.course_id in courses_booked:
                        continue
                    courses_booked.add(session.course_id)
                    bookings.append(
                        Booking(
                            school=school,
                            course_id=session.course_id,
                            who_attends="Head of department and one teacher",
                            expected_improvements="More pupils reach level 5.",
                        )
                    )
                    wanted.append((bookings[-1], session))
        self.bulk(Booking, bookings)
        taken: dict[int, int] = {}
        places_rows = []
        for booking, session in wanted:
            for n in range(rng.choice([1, 2, 2, 3])):
                taken[session.id] = taken.get(session.id, 0) + 1
                full = taken[session.id] > session.capacity
                places_rows.append(
                    Place(
                        booking=booking,
                        session=session,
                        staff_name=f"{self.person_name()} {n}",
                        state=Place.State.WAITING if full else Place.State.CONFIRMED,
                        waiting_since=timezone.now() if full else None,
                        attendance="attended" if session.date < self.today and not full else "",
                    )
                )
        self.bulk(Place, places_rows)
        self.step("core training", len(courses) + len(sessions) + len(bookings) + len(places_rows), started)

    # The audit log -----------------------------------------------------------------------------
    def build_audit(self) -> None:
        """COPY, not the ORM: a million rows in well under a minute."""
        started = time.monotonic()
        rng = self.rng
        actions, weights = zip(*AUDIT_MIX, strict=True)
        labels = dict(Action.choices)
        sizes = [len(self.by_la[la.id]) for la in self.las]
        start = at(datetime.date(self.years[0], 9, 1), 8).timestamp()
        end = timezone.now().timestamp()
        people_of = {
            la.id: [self.admins[la.id], *self.sip_pools[la.id][:8]] + [self.heads[s.id] for s in self.by_la[la.id][:10]]
            for la in self.las
        }
        columns = "at, actor_id, actor_email, action, la_id, school_id, object_type, object_id, object_repr, "
        columns += "ip_address, detail"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {AuditEvent._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            # Drawn in bulk: choices() with weights per row costs more than the COPY itself.
            drawn_las = rng.choices(self.las, weights=sizes, k=self.audit_rows)
            drawn_actions = rng.choices(actions, weights=weights, k=self.audit_rows)
            for la, action in zip(drawn_las, drawn_actions, strict=True):
                person = rng.choice(people_of[la.id])
                school = rng.choice(self.by_la[la.id]) if not action.startswith("auth.") else None
                moment = datetime.datetime.fromtimestamp(start + (end - start) * rng.random() ** 0.7, tz=datetime.UTC)
                detail = {"path": f"/la/{la.code}/audit/"} if action == Action.ACCESS_DENIED else {}
                copy.write_row(
                    (
                        moment,
                        person.id,
                        person.email,
                        action,
                        la.id,
                        school.id if school else None,
                        "school" if school else "",
                        str(school.id) if school else "",
                        school.name if school else labels[action],
                        f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                        json.dumps(detail),
                    )
                )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {AuditEvent._meta.db_table}")
        self.step("audit events (COPY)", self.audit_rows, started)

    def build(self) -> None:
        self.build_las()
        self.build_schools()
        self.build_people()
        self.build_caseload()
        self.build_priorities()
        self.build_visits()
        self.build_results()
        self.build_gaining_ground()
        self.build_reports()
        self.build_training()


class Command(BaseCommand):
    help = "Build a national-scale data set (150 LAs, 3,500 secondaries, a million audit rows) on an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the whole country; 0.05 a quick try.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed builds the same rows.")
        parser.add_argument("--audit-rows", type=int, default=None, help="Default: a million times the scale.")

    def handle(self, *args, scale, seed, audit_rows, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The national data set is built on PostgreSQL (set DATABASE_URL).")
        if not 0.01 <= scale <= 2:
            raise CommandError("Give a scale between 0.01 and 2.")
        with scopes_disabled():
            if LocalAuthority.objects.exists():
                raise CommandError("The database already holds LAs: build the national data set on an empty one.")
            builder = Builder(
                scale=scale,
                seed=seed,
                audit_rows=round(1_000_000 * scale) if audit_rows is None else audit_rows,
                out=self.stdout.write,
            )
            started = time.monotonic()
            with transaction.atomic():
                builder.build()
            builder.build_audit()
            # The dashboards' figures, as the background refresh would have left them.
            figures_started = time.monotonic()
            refresh_figures()
            builder.out(f"  dashboard figures refreshed in {time.monotonic() - figures_started:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        took = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"National data set built in {took:.0f} s. Password: {DEMO_PASSWORD}"))
        with scopes_disabled():
            county_sip = Membership.objects.filter(user__email=NAMED["sip.40"]).first()
            head_school = self.named_head_school(county_sip)
        for key, email in NAMED.items():
            if key in ("head", "governor"):
                continue
            self.stdout.write(f"  {email}")
        self.stdout.write(f"  {NAMED['head']} and {NAMED['governor']}: {head_school}")

    def named_head_school(self, county_sip) -> str:
        """The named head and governor: of a Gaining Ground school of Kent's 40-school SIP (with a partnership)."""
        if county_sip is None:
            return "none"
        year = current_academic_year()
        schools = School.objects.filter(
            sip_assignments__sip=county_sip.user, sip_assignments__academic_year=year
        ).order_by(F("gaining_ground_joined").desc(nulls_last=True), "urn")
        school = schools.filter(partnerships__academic_year=year).first() or schools.first()
        for key, role in (("head", Role.HEADTEACHER), ("governor", Role.GOVERNOR)):
            user = User.objects.create_user(
                NAMED[key], DEMO_PASSWORD, full_name=school.headteacher_name if key == "head" else "Gwen Chair"
            )
            Membership.objects.create(user=user, role=role, la=school.la, school=school, is_chair=key == "governor")
        return f"{school.name} ({school.urn}), {school.la.name}"
