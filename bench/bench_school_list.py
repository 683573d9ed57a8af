"""Time the LA school list page with 10 and with 3,500 schools, and count its queries.

.venv/bin/python bench/bench_school_list.py
"""

import statistics
import time

from _setup import setup

setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from accounts.models import Membership, Role, User  # noqa: E402
from schools.models import EligibilityAssessment, EligibilityCriterion, School  # noqa: E402
from tenancy.academic_year import current_academic_year  # noqa: E402
from tenancy.models import LocalAuthority  # noqa: E402
from visits.models import SipAssignment  # noqa: E402

setup_test_environment()
RUNS = 20


def measure(client, url):
    client.get(url)  # warm
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(timings), max(timings), len(captured)


def main():
    with scopes_disabled():
        la = LocalAuthority.objects.create(code="926", name="Norfolk", region="east")
        admin = User.objects.create_user("bench@example.org", "bench-password-123", full_name="Bench Admin")
        Membership.objects.create(user=admin, role=Role.LA_ADMIN, la=la)
        sip = User.objects.create_user("sip@example.org", "bench-password-123", full_name="Bench SIP")
        Membership.objects.create(user=sip, role=Role.SIP, la=la)
    client = Client()
    client.force_login(admin)
    url = "/la/926/schools/?sort=name"
    criterion = EligibilityCriterion.objects.get(number=9)
    for total in (10, 3500):
        with scopes_disabled():
            have = School.objects.count()
            new = School.objects.bulk_create(
                [School(la=la, urn=f"{100000 + n}", name=f"School {n:05d}") for n in range(have, total)]
            )
            SipAssignment.objects.bulk_create(
                [SipAssignment(school=s, sip=sip, academic_year=current_academic_year()) for s in new[::10]]
            )
            EligibilityAssessment.objects.bulk_create(
                [EligibilityAssessment(school=s, criterion=criterion, finding="met") for s in new[::7]]
            )
        median, worst, queries = measure(client, url)
        print(
            f"school list, {total:>5} schools: median {median * 1000:.1f} ms, "
            f"worst {worst * 1000:.1f} ms, {queries} queries"
        )
        median, worst, queries = measure(client, url + "&gaining_ground=no&criterion=" + str(criterion.pk))
        print(
            f"  filtered by criterion:  median {median * 1000:.1f} ms, worst {worst * 1000:.1f} ms, {queries} queries"
        )


if __name__ == "__main__":
    main()
