"""Report PDFs: one render against WeasyPrint alone, 150 reports on one and two workers, memory.

Memory is measured over 500 renders.

    cd bench && ../.venv/bin/python bench_reports.py [--reports 150] [--renders 500]

Runs on PostgreSQL database `sipportal_bench_reports` (made afresh) with a Redis server and
Celery workers of its own on loopback ports; nothing shared is touched.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sipportal_bench_reports")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="sip-bench-media-")
os.environ.pop("REDIS_URL", None)  # the web side sends to the bench's own Redis, set below

from _setup import setup  # noqa: E402

SECTIONS = {
    "key_strengths": "Leadership of English is strong; attendance has risen for three terms. " * 4,
    "priorities": "Maths in key stage 4: a new scheme of work and weekly tracking of target groups. " * 6,
    "underachieving_groups": ["fsm", "boys"],
    "underachievement": "FSM boys make less progress in maths than other pupils. " * 5,
    "self_evaluation_judgement": "good",
    "self_evaluation": "The self-evaluation is accurate and rests on tracking checked termly. " * 5,
    "capacity_judgement": "satisfactory",
    "capacity": "Middle leaders are new; the senior team has the capacity to lead the work. " * 5,
    "challenge": "I challenged the use of intervention time for FSM pupils. " * 8,
    "targets": "Target: 45% five good GCSEs including English and maths by 2027; trajectory 38%, 41%. " * 3,
    "support": "Two days of partner school support in maths; planning has improved. " * 4,
    "partnership": "The partnership meets monthly; joint maths planning started. " * 4,
    "named_detail": "Mr Example is new to Year 10 maths.",
    "private_notes": "The LA may need to broker an interim head of maths.",
}


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_world(n_reports: int):
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from accounts.models import Membership, Role, User
    from caseload.models import SipAssignment
    from reports.models import Report
    from schools.models import School
    from tenancy.models import LocalAuthority

    with scopes_disabled():
        la = LocalAuthority.objects.create(code="926", name="Norfolk")
        school = School.objects.create(
            la=la, urn="830301", name="Wensum Valley High School", gaining_ground_joined=2025
        )
        sip = User.objects.create(email="sip@bench.test", full_name="Sam SIP")
        Membership.objects.create(user=sip, role=Role.SIP, la=la)
        SipAssignment.objects.create(school=school, sip=sip, academic_year=2026)
        now = timezone.now()
        reports = Report.objects.bulk_create(
            Report(
                school=school,
                academic_year=2026,
                term=1,
                title=f"SIP report {n}",
                author=sip,
                state="issued",
                issued_at=now,
                **SECTIONS,
            )
            for n in range(n_reports)
        )
    return la, reports


def new_documents(reports, audience="la") -> list[int]:
    from django_scopes import scopes_disabled

    from reports.models import RenderedDocument

    with scopes_disabled():
        RenderedDocument.objects.filter(audience=audience).delete()
        return [
            d.pk
            for d in RenderedDocument.objects.bulk_create(
                RenderedDocument(report=r, audience=audience) for r in reports
            )
        ]


def one_pdf_against_weasyprint(report, runs: int = 15) -> None:
    from django_scopes import scope
    from weasyprint import HTML

    from jobs.pdf import html_to_pdf
    from jobs.runner import run_job
    from reports.models import RenderedDocument
    from reports.rendering import document_html
    from reports.tasks import render_in_scope

    with scope(la=report.school.la_id):
        html = document_html(report, "la")
    html_to_pdf(html)  # warm both paths: fonts, imports
    HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    raw, ours = [], []
    for n in range(runs):
        started = time.perf_counter()
        HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
        raw.append(time.perf_counter() - started)
        pk = new_documents([report], audience=["governors", "school", "la", "ssat"][n % 4])[0]
        started = time.perf_counter()
        run_job(RenderedDocument, pk, render_in_scope)  # the whole job: claim, query, render, store, finish
        ours.append(time.perf_counter() - started)
    r, o = statistics.median(raw), statistics.median(ours)
    print(f"one PDF: WeasyPrint alone {r * 1000:.0f} ms, the portal's job {o * 1000:.0f} ms", end="")
    print(f" (median of {runs}), ratio {o / r:.2f}")


def with_workers(reports, count: int, redis_url: str) -> float:
    from django.conf import settings
    from django_scopes import scopes_disabled

    from bench._stack import Worker, wait_until, worker_env
    from jobs.runner import job_send
    from reports.models import RenderedDocument

    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = worker_env(
        database_url=url, redis_url=redis_url, media_root=os.environ["MEDIA_ROOT"], email_dir=tempfile.mkdtemp()
    )
    workers = [Worker(env).start() for _ in range(count)]
    try:
        time.sleep(8)  # let the workers start (import Django, WeasyPrint on first task)
        pks = new_documents(reports)
        started = time.perf_counter()
        for pk in pks:
            job_send(RenderedDocument, pk)
        with scopes_disabled():
            done = wait_until(
                lambda: RenderedDocument.objects.filter(pk__in=pks, state="done").count() == len(pks), 1800, step=0.5
            )
        took = time.perf_counter() - started
        assert done, "not every PDF was rendered"
    finally:
        for worker in workers:
            worker.stop()
    return took


def memory_over_renders(report, renders: int) -> None:
    from django_scopes import scope

    from jobs.pdf import html_to_pdf
    from reports.rendering import document_html

    with scope(la=report.school.la_id):
        html = document_html(report, "la")
    html_to_pdf(html)
    marks = []
    for n in range(1, renders + 1):
        html_to_pdf(html)
        if n == 1 or n % 100 == 0:
            marks.append((n, rss_mb()))
    print("memory (RSS, MB) after renders: " + ", ".join(f"{n}: {mb:.0f}" for n, mb in marks))
    print(f"growth from render 100 to {renders}: {marks[-1][1] - marks[1][1]:+.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=150)
    parser.add_argument("--renders", type=int, default=500)
    parser.add_argument("--skip-workers", action="store_true")
    args = parser.parse_args()
    setup()
    from sipportal.celery import app

    la, reports = make_world(args.reports)
    one_pdf_against_weasyprint(reports[0])
    if not args.skip_workers:
        from bench._stack import RedisServer

        redis = RedisServer().start()
        app.conf.update(broker_url=redis.url, task_always_eager=False)
        try:
            one = with_workers(reports, 1, redis.url)
            two = with_workers(reports, 2, redis.url)
        finally:
            redis.stop()
        print(f"{len(reports)} reports: 1 worker {one:.1f} s, 2 workers {two:.1f} s", end="")
        print(f", ratio {two / one:.2f} (cores: {os.cpu_count()})")
    memory_over_renders(reports[0], args.renders)


if __name__ == "__main__":
    sys.exit(main())
