"""Time ranking partner-school candidates for one profile, with 10 and 3,500 on the register.

Compared with the school list page of 3,500 schools, with query counts; the candidates page
should stay within 2x the school list.

.venv/bin/python bench/bench_matching.py
"""

import datetime
import statistics
import time
from decimal import Decimal

from _setup import setup

setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from accounts.models import Membership, Role, User  # noqa: E402
from partnerships.models import SupportingSchool  # noqa: E402
from partnerships.selectors import ranked_candidates  # noqa: E402
from priorities.models import PriorityProfile, ProfilePriority  # noqa: E402
from schools.models import NationalAverage, PerformanceResult, School  # noqa: E402
from tenancy.academic_year import current_academic_year  # noqa: E402
from tenancy.models import LocalAuthority, NationalBody  # noqa: E402

setup_test_environment()
RUNS = 10


def measure(client, url):
    client.get(url)  # warm
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(timings), max(timings), len(captured)


def main():
    year = current_academic_year()
    with scopes_disabled():
        norfolk = LocalAuthority.objects.create(code="926", name="Norfolk", region="east")
        suffolk = LocalAuthority.objects.create(code="935", name="Suffolk", region="east")
        ssat_body = NationalBody.objects.create(kind="ssat", name="SSAT")
        ssat = User.objects.create_user("ssat@example.org", "bench-password-123", full_name="Bench SSAT")
        Membership.objects.create(user=ssat, role=Role.SSAT, national_body=ssat_body)
        admin = User.objects.create_user("admin@example.org", "bench-password-123", full_name="Bench Admin")
        Membership.objects.create(user=admin, role=Role.LA_ADMIN, la=suffolk)
        school = School.objects.create(
            la=norfolk,
            urn="900000",
            name="Gaining Ground High",
            gaining_ground_joined=year,
            easting=620000,
            northing=300000,
            percentage_fsm=Decimal("30"),
            number_of_pupils=900,
        )
        profile = PriorityProfile.objects.create(
            school=school, academic_year=year, state="submitted", matching_body=ssat_body, submitted_at=timezone.now()
        )
        for position, title in enumerate(["Mathematics", "Reading and writing", "FSM pupils' progress"], start=1):
            ProfilePriority.objects.create(
                profile=profile,
                position=position,
                priority=title,
                key_focus_areas="Focus",
                most_important=True,
                starts_on=datetime.date(year, 9, 1),
                ends_on=datetime.date(year + 1, 7, 1),
            )
        for group, five in (("all", "50"), ("fsm", "30"), ("non-fsm", "55")):
            NationalAverage.objects.create(
                academic_year=year - 1,
                group=group,
                five_ac_em=Decimal(five),
                progress_english=Decimal("70"),
                progress_maths=Decimal("65"),
            )
    client = Client()
    client.force_login(ssat)
    url = f"/national/ssat/profiles/{profile.pk}/"
    strengths = [["maths"], ["english", "afl"], ["pupil-groups", "maths"], ["science"], ["leadership"]]
    results = {}
    for total in (10, 3500):
        with scopes_disabled():
            have = SupportingSchool.objects.count()
            new = School.objects.bulk_create(
                [
                    School(
                        la=suffolk,
                        urn=f"{100000 + n}",
                        name=f"Candidate {n:05d}",
                        easting=600000 + 20 * n,
                        northing=250000 + 15 * n,
                        percentage_fsm=Decimal(n % 40),
                        number_of_pupils=500 + n % 900,
                        ofsted_rating=["outstanding", "good", "satisfactory"][n % 3],
                    )
                    for n in range(have, total)
                ]
            )
            SupportingSchool.objects.bulk_create(
                [SupportingSchool(school=s, capacity=1 + n % 3, strengths=strengths[n % 5]) for n, s in enumerate(new)]
            )
            PerformanceResult.objects.bulk_create(
                [
                    PerformanceResult(school=s, academic_year=year - 1, group=g, five_ac_em=Decimal(25 + n % 50))
                    for n, s in enumerate(new)
                    for g in ("all", "fsm", "non-fsm")
                ]
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a load this size: plans need the row counts
        start = time.perf_counter()
        ranked_candidates(profile)
        rank_only = time.perf_counter() - start
        median, worst, queries = measure(client, url)
        results[total] = median
        print(
            f"candidates page, {total:>5} on the register: median {median * 1000:.1f} ms, worst {worst * 1000:.1f} ms, "
            f"{queries} queries (ranking alone {rank_only * 1000:.1f} ms)"
        )
    client.force_login(admin)
    median, worst, queries = measure(client, "/la/935/schools/?sort=name")
    print(f"school list, 3,500 schools: median {median * 1000:.1f} ms, worst {worst * 1000:.1f} ms, {queries} queries")
    print(f"candidates page / school list at 3,500: {results[3500] / median:.2f}x (target: at most 2x)")


if __name__ == "__main__":
    main()
