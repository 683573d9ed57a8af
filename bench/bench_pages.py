"""Time every page, as each person who uses it, on the national-scale data set.

    .venv/bin/python bench/bench_pages.py [--runs 10] [--only SUBSTRING] [--markdown]

The pages come from the URL patterns (the URL walk's ACCESS tables say who gets each), so a new
page joins by itself; a page whose URL names a parameter this file has no sample for is listed
as skipped. Each request is alternated with a bare signed-in view in the same process: the
portal's empty layout inside /la/<code>/ (tenant middleware, navigation, the same session), so
a slower machine or a busy neighbour moves both. For each page and person: median and p95 of the
page, its ratio to the bare view's median over the same turns, and its query count. The goal is a
median within 3× the bare view.

The data set lives in its own database (`sipportal_national` unless DATABASE_URL says another);
when it holds no LAs yet, it is built first (`manage.py build_national_dataset`, a few minutes;
`--scale` here passes through).
"""

import argparse
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sipportal_national")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipportal.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
BARE = "bench-bare/"
# People who use the pages, by the URL walk's role names; the data set's named accounts.
PEOPLE = {
    "la_admin": "la-admin.886@national.test",
    "sip": "sip.40@national.test",
    "head": "head@national.test",
    "governor": "governor@national.test",
    "ssat": "ssat@national.test",
    "college": "college@national.test",
    "adviser": "adviser@national.test",
    "adviser_national": "adviser.national@national.test",
}
# Files, not pages: timed, but marked, and not held to the goal.
DOWNLOAD = re.compile(r"(\.csv$|/pdf/|/download/$)")


def bench_urlconf():
    """The portal's URLs with the bare view added under /la/<la_code>/."""
    import types

    from django.contrib.auth.decorators import login_required
    from django.shortcuts import render
    from django.urls import path

    import sipportal.urls as portal

    @login_required
    def bare(request, la_code=None):
        return render(request, "base.html")

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path(f"la/<str:la_code>/{BARE}", bare), path(BARE, bare), *portal.urlpatterns]
    for handler in ("handler403", "handler404", "handler500"):
        setattr(module, handler, getattr(portal, handler))
    sys.modules["bench_urls"] = module
    return "bench_urls"


def ensure_dataset(scale: float) -> None:
    import psycopg
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scopes_disabled

    url = os.environ["DATABASE_URL"]
    admin_url, name = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    from dashboards.figures import refresh_figures
    from dashboards.selectors import latest_refresh
    from tenancy.models import LocalAuthority

    with scopes_disabled():
        if not LocalAuthority.objects.exists():
            print(f"Building the national data set in {name} (scale {scale})…", flush=True)
            call_command("build_national_dataset", scale=scale)
        if latest_refresh() is None:  # a data set built before the command refreshed the figures
            refresh_figures()
    connection.close()


def samples() -> tuple[dict, dict]:
    """URL parameter values from the big data: Kent's named head's school and its work this year."""
    from django.db.models import Q
    from django_scopes import scopes_disabled

    from accounts.models import Membership, Role
    from partnerships.models import MatchProposal, Partnership, SupportingSchool
    from priorities.models import PlanAction, PriorityProfile
    from reports.models import Report
    from schools.models import DataImport
    from tenancy.academic_year import current_academic_year
    from tenancy.models import ChallengeArea
    from training.models import Place
    from visits.models import Visit

    year = current_academic_year()
    found, overrides = {}, {}
    with scopes_disabled():
        head = Membership.objects.select_related("school__la").get(user__email=PEOPLE["head"], role=Role.HEADTEACHER)
        school, la = head.school, head.school.la
        found |= {"la_code": la.code, "urn": school.urn, "membership_id": head.pk, "year": year - 2, "number": 1}
        found |= {"section": "contacts", "audience": "governors", "step": "issue"}
        visits = Visit.objects.filter(assignment__school=school, assignment__academic_year=year)
        if visit := visits.filter(state="final").order_by("-date").first():
            found["visit_id"] = visit.pk
        if draft := visits.filter(state__in=["draft", "planned"]).order_by("date").first():
            overrides["record/"] = overrides["finalise/"] = {"visit_id": draft.pk}
        if action := PlanAction.objects.filter(priority__school=school, priority__is_active=True).first():
            found |= {"action_id": action.pk, "priority_id": action.priority_id}
        if profile := PriorityProfile.objects.filter(school=school, academic_year=year).first():
            found["profile_id"] = profile.pk
        if report := Report.objects.filter(school=school, state="issued").order_by("-issued_at").first():
            found["report_id"] = report.pk
        place = Place.objects.filter(booking__school=school).select_related("session").first()
        place = place or Place.objects.filter(session__course__la=la).select_related("session").first()
        if place:
            found |= {"place_id": place.pk, "session_id": place.session_id, "course_id": place.session.course_id}
        if data_import := DataImport.objects.filter(la=la).first():
            found["import_id"] = data_import.pk
        partnerships = Partnership.objects.order_by("-academic_year", "pk")
        partnership = partnerships.filter(Q(school=school) | Q(partner_school=school)).first()
        if partnership := partnership or partnerships.filter(la=la).first():
            found |= {"partnership_id": partnership.pk, "proposal_id": partnership.proposal_id}
            if plan := partnership.plans.order_by("-version_number").first():
                found["plan_id"] = plan.pk
                if area := plan.focus_areas.first():
                    found["focus_area_id"] = area.pk
        if proposal := MatchProposal.objects.filter(state="proposed").first():
            overrides["proposals/"] = {"proposal_id": proposal.pk}
        national = {}
        submitted = PriorityProfile.objects.filter(state="submitted", academic_year=year)
        if profile := submitted.filter(school__la=la).first():
            national["profile_id"] = profile.pk
        # The National College matches London and Greater Manchester: one of theirs.
        if profile := submitted.exclude(school__la__challenge_area=ChallengeArea.NONE).first():
            national["college"] = {"profile_id": profile.pk}
        if register := SupportingSchool.objects.first():
            national["register_id"] = register.pk
    return found | {"national": national}, overrides


def routes():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if entry.app_name != "admin":
                    yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    found = []
    for route in walk(get_resolver().url_patterns, ""):
        if route not in found and route.startswith(("la/", "national/", "partnerships/")) and BARE not in route:
            found.append(route)
    return found


def who_uses(route: str) -> list[str]:
    """The people to time a page for: those the URL walk says get it, else everyone who might."""
    from tests import test_url_walk as walk

    tenant = route.removeprefix(walk.TENANT_PREFIX)
    if route.startswith(walk.TENANT_PREFIX) and tenant in walk.ACCESS:
        return [role for role, code in zip(walk.ROLES, walk.ACCESS[tenant], strict=True) if code == 200]
    if route in getattr(walk, "PARTNERSHIP_ACCESS", {}):
        codes = dict(zip(walk.PARTNERSHIP_ROLES, walk.PARTNERSHIP_ACCESS[route], strict=True))
        return [role for role in ("la_admin", "sip", "head", "governor", "ssat") if codes.get(role) == 200]
    if route.startswith("national/"):
        return ["ssat", "college", "adviser", "adviser_national"]
    return list(PEOPLE)


# Each national person's body, as its URLs name it.
BODY = {"ssat": "ssat", "college": "national-college", "adviser": "national-strategies"}
BODY["adviser_national"] = BODY["adviser"]


def national_values(role: str) -> list[dict]:
    """A national person's URL values: their body, and each of their dashboard's tables in turn."""
    from accounts.models import Role
    from dashboards.tables import tables_for

    if role not in BODY:
        return []
    membership_role = {"ssat": Role.SSAT, "college": Role.NATIONAL_COLLEGE}.get(role, Role.NS_ADVISER)
    return [{"body": BODY[role], "table": table.key} for table in tables_for(membership_role)] or [{"body": BODY[role]}]


def fill(route: str, values: dict, overrides: dict, role: str) -> tuple[list[str], list[str]]:
    """The URLs to time for one person: one, or one per dashboard table for a route that names a table."""
    choices = [values]
    if route.startswith("national/"):
        mine = values["national"] | values["national"].get(role, {})
        choices = [values | mine | extra for extra in national_values(role)]
        if "<slug:table>" not in route:
            choices = choices[:1]
    urls, missing = [], []
    for chosen in choices:
        for ending, extra in overrides.items():
            if route.endswith(ending) or f"/{ending}" in route:
                chosen = chosen | extra
        missing = [p for p in PARAMETER.findall(route) if p not in chosen]
        if not missing:
            urls.append("/" + PARAMETER.sub(lambda m, chosen=chosen: str(chosen[m.group(1)]), route))
    return urls, missing


def measure(client, url: str, bare_url: str, runs: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page, bare = [], []
    client.get(bare_url)
    for _ in range(runs):
        start = time.perf_counter()
        client.get(bare_url)
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        response = client.get(url)
        page.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return response, page, bare, len(captured)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", default="", help="Time only the routes this regular expression finds.")
    parser.add_argument("--scale", type=float, default=1.0, help="Scale of the data set if it must be built.")
    parser.add_argument("--markdown", action="store_true", help="Print the table as Markdown, for the README.")
    args = parser.parse_args()

    django.setup()
    logging.disable(logging.WARNING)  # the people tried who may not open a page are expected 403s and 404s
    settings.ROOT_URLCONF = bench_urlconf()
    settings.DEBUG = False
    ensure_dataset(args.scale)
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User

    setup_test_environment()
    values, overrides = samples()
    users = {role: User.objects.get(email=email) for role, email in PEOPLE.items()}
    clients = {}
    rows, skipped = [], []
    for route in routes():
        if args.only and not re.search(args.only, route):
            continue
        timed, missing = False, []
        for role in who_uses(route):
            urls, missing = fill(route, values, overrides, role)
            for url in urls:
                if role not in clients:
                    clients[role] = Client()
                    clients[role].force_login(users[role])
                client = clients[role]
                if client.get(url).status_code != 200:
                    continue
                # National people have no LA: their bare view is the same layout outside /la/.
                bare_url = f"/{BARE}" if role in BODY else f"/la/{values['la_code']}/{BARE}"
                response, page, bare, queries = measure(client, url, bare_url, args.runs)
                median, bare_median = statistics.median(page), statistics.median(bare)
                rows.append((url, role, median, p95(page), median / bare_median, queries, bool(DOWNLOAD.search(url))))
                timed = True
                ratio = median / bare_median
                print(f"  {url} as {role}: {median * 1000:.0f} ms, {ratio:.1f}×, {queries} q", flush=True)
        if not timed:
            why = f"no sample for {', '.join(missing)}" if missing else "no person answered 200"
            skipped.append((route, why + (" (POST-only, or a form for another state)" if not missing else "")))
    print_table(rows, skipped, args.markdown)
    slow = [row for row in rows if row[4] > 3 and not row[6]]
    print(f"\n{len(rows)} page timings; {len(slow)} pages over 3× the bare view.")
    return 0


def print_table(rows, skipped, markdown: bool) -> None:
    heading = ("page", "as", "median ms", "p95 ms", "× bare", "queries")
    lines = [
        (
            url + (" (file)" if download else ""),
            role,
            f"{median * 1000:.0f}",
            f"{worst * 1000:.0f}",
            f"{ratio:.1f}",
            str(q),
        )
        for url, role, median, worst, ratio, q, download in rows
    ]
    if markdown:
        print("\n| " + " | ".join(heading) + " |\n|" + "---|" * len(heading))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(heading)]
        print()
        print("  ".join(h.ljust(w) for h, w in zip(heading, widths, strict=True)))
        for line in lines:
            print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)))
    for route, why in skipped:
        print(f"skipped /{route}: {why}")


if __name__ == "__main__":
    sys.exit(main())
