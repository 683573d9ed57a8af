"""Time the national dashboards and their figures' refresh on national-scale data.

150 LAs (33 London Challenge, 10 Greater Manchester), 3,500 secondary schools (15% in Gaining
Ground), 5 academic years of assignments, visits with evaluations, plans, reports, Form 1s,
proposals, partnerships, Form 2s and ledgers. Prints the refresh's time and each page's median,
p95 and query count, alternating each request with a bare signed-in page (/accessibility/).

DATABASE_URL=postgres://postgres@127.0.0.1:5432/sipportal_bench_dashboards .venv/bin/python bench/bench_dashboards.py
"""

import datetime
import os
import random
import statistics
import time
from decimal import Decimal

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sipportal_bench_dashboards")

from _setup import setup  # noqa: E402

setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from accounts.models import Membership, Role, User  # noqa: E402
from dashboards.figures import refresh_figures  # noqa: E402
from partnerships.models import Form2, LedgerLine, MatchProposal, Partnership, SupportingSchool  # noqa: E402
from priorities.models import PlanAction, Priority, PriorityProfile  # noqa: E402
from reports.models import Report  # noqa: E402
from schools.models import School  # noqa: E402
from tenancy.academic_year import current_academic_year  # noqa: E402
from tenancy.models import LocalAuthority, NationalBody, Region  # noqa: E402
from visits.models import PriorityEvaluation, SipAssignment, Visit  # noqa: E402

setup_test_environment()
RUNS = 20
YEARS = 5
rng = random.Random(14)  # noqa: S311  (made-up data, not secrets)


def build():
    now, this_year = timezone.now(), current_academic_year()
    regions = [r for r in Region.values if r != "london"]
    las = []
    for n in range(150):
        if n < 33:
            region, challenge = "london", "london"
        elif n < 43:
            region, challenge = "north-west", "greater-manchester"
        else:
            region, challenge = regions[n % len(regions)], "none"
        las.append(
            LocalAuthority(code=f"{200 + n}", name=f"Authority {n:03d}", region=region, challenge_area=challenge)
        )
    las = LocalAuthority.objects.bulk_create(las)
    sips = User.objects.bulk_create(
        [User(email=f"sip{n}@bench.test", full_name=f"SIP {n}", password=make_password(None)) for n in range(2000)]
    )
    schools = School.objects.bulk_create(
        [
            School(
                la=las[n % 150],
                urn=f"{300000 + n}",
                name=f"Secondary {n:04d}",
                gaining_ground_joined=rng.choice([this_year - 1, this_year]) if n % 7 == 0 else None,
            )
            for n in range(3500)
        ]
    )
    gg = [s for s in schools if s.gaining_ground_joined]
    assignments = SipAssignment.objects.bulk_create(
        [
            SipAssignment(school=s, sip=sips[i % 2000], academic_year=y, days_allocated=Decimal(9 if s in gg else 5))
            for y in range(this_year - YEARS + 1, this_year + 1)
            for i, s in enumerate(schools)
        ],
        batch_size=5000,
    )
    visits = []
    for a in assignments:
        start = datetime.date(a.academic_year, 9, 20)
        for k in range(3):
            day = start + datetime.timedelta(days=70 * k)
            final = day < timezone.localdate()
            visits.append(
                Visit(
                    assignment=a,
                    sip_id=a.sip_id,
                    date=day,
                    length_days=Decimal("1.0"),
                    state="final" if final else "planned",
                    finalised_at=now if final else None,
                    private_notes="private",
                    summary="summary",
                )
            )
    visits = Visit.objects.bulk_create(visits, batch_size=5000)
    priorities = Priority.objects.bulk_create(
        [
            Priority(
                school=s,
                title=f"Priority {k}",
                starts_on=datetime.date(y, 9, 1),
                ends_on=datetime.date(y + 1, 7, 31),
                is_active=y == this_year,
            )
            for y in range(this_year - YEARS + 1, this_year + 1)
            for s in schools
            for k in range(2)
        ],
        batch_size=5000,
    )
    PlanAction.objects.bulk_create(
        [
            PlanAction(priority=p, description="Act", owner="Ms A", rag=rng.choice(["", "red", "amber", "green"]))
            for p in priorities
            for _ in range(2)
        ],
        batch_size=5000,
    )
    by_school_year = {}
    for p in priorities:
        by_school_year.setdefault((p.school_id, p.starts_on.year), p)
    PriorityEvaluation.objects.bulk_create(
        [
            PriorityEvaluation(
                visit=v,
                priority=by_school_year[(v.assignment.school_id, v.assignment.academic_year)],
                status="slipping",
                evidence="evidence",
                cause=rng.choice(["over-ambitious", "unexpected", "inertia"]),
            )
            for v in visits
            if v.state == "final" and rng.random() < 0.5
        ],
        batch_size=5000,
    )
    Report.objects.bulk_create(
        [
            Report(
                school=v.assignment.school,
                academic_year=v.assignment.academic_year,
                term=1,
                title="R",
                author_id=v.sip_id,
                state="issued",
                issued_at=now,
                visit=v,
            )
            for v in visits[::3]
            if v.state == "final"
        ],
        batch_size=5000,
    )
    ssat, _ = NationalBody.objects.get_or_create(kind="ssat", defaults={"name": "SSAT"})
    college, _ = NationalBody.objects.get_or_create(kind="national-college", defaults={"name": "National College"})
    strategies, _ = NationalBody.objects.get_or_create(kind="national-strategies", defaults={"name": "NS"})
    partners = [s for s in schools if not s.gaining_ground_joined][:400]
    SupportingSchool.objects.bulk_create([SupportingSchool(school=s, capacity=2) for s in partners])
    for i, s in enumerate(gg):
        body = college if s.la.challenge_area != "none" else ssat
        profile = PriorityProfile.objects.create(
            school=s,
            academic_year=this_year,
            state="submitted",
            matching_body=body,
            submitted_at=now - datetime.timedelta(days=40),
        )
        if i % 3 == 0:
            continue
        state = "accepted" if i % 3 == 1 else "proposed"
        proposal = MatchProposal.objects.create(
            la=s.la,
            profile=profile,
            school=s,
            partner_school=partners[i % 400],
            matching_body=body,
            state=state,
            capacity_confirmed=True,
            la_consulted=True,
            responded_at=now if state == "accepted" else None,
        )
        if state == "accepted":
            partnership = Partnership.objects.create(
                la=s.la,
                school=s,
                partner_school=partners[i % 400],
                proposal=proposal,
                academic_year=this_year,
                name=f"P{i}",
            )
            Form2.objects.create(partnership=partnership, state=rng.choice(["draft", "agreed", "approved"]))
            LedgerLine.objects.bulk_create(
                [
                    LedgerLine(
                        la=s.la,
                        school=s,
                        academic_year=this_year,
                        kind=k,
                        on=datetime.date(this_year, 10, 1),
                        amount=Decimal(a),
                        purpose="x",
                    )
                    for k, a in [("partner-days", 2), ("consultant-days", 1), ("study-support", 3000)]
                ]
            )
    people = {}
    for key, role, body, region in [
        ("national", Role.NS_ADVISER, strategies, "all"),
        ("regional", Role.NS_ADVISER, strategies, "london"),
        ("ssat", Role.SSAT, ssat, ""),
    ]:
        user = User.objects.create_user(f"{key}@bench.test", "bench-password-123", full_name=key)
        Membership.objects.create(user=user, role=role, national_body=body, region=region)
        people[key] = user
    return people


def measure(client, url, bare="/accessibility/"):
    client.get(url)
    client.get(bare)
    page, base = [], []
    for _ in range(RUNS):
        for target, into in ((url, page), (bare, base)):
            start = time.perf_counter()
            response = client.get(target)
            into.append(time.perf_counter() - start)
            assert response.status_code == 200, (target, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    p95 = sorted(page)[int(0.95 * RUNS) - 1]
    return statistics.median(page), p95, statistics.median(base), len(captured)


def main():
    start = time.perf_counter()
    with scopes_disabled():
        people = build()
        built = time.perf_counter() - start
        counts = {m.__name__: m.objects.count() for m in (School, SipAssignment, Visit, PlanAction, PriorityEvaluation)}
    print(f"built in {built:.1f}s: {counts}")
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        run = refresh_figures()
        timings.append(time.perf_counter() - start)
    print(f"refresh_figures: {run.schools} school rows, {', '.join(f'{t:.2f}s' for t in timings)}")
    client = Client()
    print(f"{'page':<72} {'median':>8} {'p95':>8} {'bare':>7} {'ratio':>6} {'queries':>7}")
    for who, url in [
        ("national", "/national/national-strategies/"),
        ("national", "/national/national-strategies/?region=london"),
        ("regional", "/national/national-strategies/"),
        ("national", "/national/national-strategies/figures/plan/?figure=red"),
        ("national", "/national/national-strategies/figures/plan.csv"),
        ("ssat", "/national/ssat/"),
        ("ssat", "/national/ssat/figures/matching/?figure=waiting"),
    ]:
        client.force_login(people[who])
        median, p95, bare, queries = measure(client, url)
        print(
            f"{who + ' ' + url:<72} {median * 1000:7.1f}ms {p95 * 1000:7.1f}ms {bare * 1000:6.1f}ms "
            f"{median / bare:5.1f}x {queries:7d}"
        )


if __name__ == "__main__":
    main()
