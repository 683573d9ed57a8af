"""Fault drill: break the background stack on purpose and print what happened.

Runs on loopback only, in bounded time (each fault gives up after --limit seconds, 60 by
default). It starts its own stack beside the shared services: a Redis server on a free loopback
port (the broker and the cache) and Celery workers with the job sweeper on beat, on a database of
its own (PostgreSQL `sipportal_drill` by default, recreated). The web side is the portal itself,
driven in this process as an LA administrator.

    .venv/bin/python bench/fault_drill.py [--rows 20000] [--limit 60]

Faults:
  1. the whole worker killed (SIGKILL) in the middle of an import, then a new worker started;
  2. Redis down when a file is uploaded and a password reset is asked for, then Redis back;
  3. an import that always crashes (its stored file is gone);
  4. an email job that always crashes.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._stack import RedisServer, Worker, sent_subjects, wait_until, worker_env  # noqa: E402

REDIS = RedisServer()
MEDIA = tempfile.mkdtemp(prefix="sip-drill-media-")
EMAIL = tempfile.mkdtemp(prefix="sip-drill-email-")
os.environ.update(REDIS_URL=REDIS.url, MEDIA_ROOT=MEDIA, LOG_LEVEL="CRITICAL")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sipportal_drill")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipportal.settings")

from _setup import setup  # noqa: E402

START = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] {message}", flush=True)  # noqa: T201  (the drill's report)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--limit", type=float, default=60)
    options = parser.parse_args()

    REDIS.start()
    say(f"own Redis on 127.0.0.1:{REDIS.port}; database {os.environ['DATABASE_URL'].rsplit('/', 1)[1]}")
    setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # a test client that may use the "testserver" host
    env = worker_env(database_url=os.environ["DATABASE_URL"], redis_url=REDIS.url, media_root=MEDIA, email_dir=EMAIL)
    workers: list[Worker] = []

    def start_worker() -> Worker:
        worker = Worker(env).start()
        workers.append(worker)
        return worker

    outcomes = []
    try:
        client, la, admin = _world()
        outcomes.append(_killed_worker(client, la, start_worker, options))
        for worker in workers:
            worker.stop()
        outcomes.append(_redis_down(client, la, admin, start_worker, options))
        outcomes.append(_crashing_import(la, admin, options))
        outcomes.append(_crashing_email(options))
        outcomes.append(_killed_pdf_worker(la, start_worker, workers, options))
    finally:
        for worker in workers:
            worker.stop()
        REDIS.stop()
    say("summary: " + "; ".join(outcomes))
    return 0 if all(outcome.endswith("OK") for outcome in outcomes) else 1


def _world():
    from django.test import Client
    from django_scopes import scopes_disabled

    from accounts.models import Role
    from tests.factories import LocalAuthorityFactory, MembershipFactory, UserFactory

    with scopes_disabled():
        la = LocalAuthorityFactory(code="926", name="Norfolk")
        admin = UserFactory(email="la-admin.drill@example.org", full_name="Drill Admin")
        MembershipFactory(user=admin, role=Role.LA_ADMIN, la=la)
    client = Client()
    client.force_login(admin)
    return client, la, admin


def _upload(client, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("schools:imports", args=["926"]),
        {"kind": "gias", "file": SimpleUploadedFile("edubasealldata.csv", content)},
    )


def _import(pk):
    from django_scopes import scopes_disabled

    from schools.models import DataImport

    with scopes_disabled():
        return DataImport.objects.get(pk=pk)


def _import_id(response) -> int:
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def _killed_worker(client, la, start_worker, options) -> str:
    from tests.gias_files import gias_csv, gias_row

    say(f"fault 1: the whole worker killed mid-import ({options.rows} rows)")
    first = start_worker()
    response = _upload(client, gias_csv([gias_row(f"{900000 + n}") for n in range(options.rows)]))
    pk = _import_id(response)
    say(f"  upload answered {response.status_code}; import {pk} is {_import(pk).state}")
    if not wait_until(lambda: _import(pk).state == "running", options.limit):
        return "fault 1: the first worker never started the import: FAILED"
    time.sleep(1)
    first.kill()
    job = _import(pk)
    say(f"  SIGKILL to worker {first.process.pid} and its children; import is {job.state}, held by {job.worker}")
    restarted = time.monotonic()
    start_worker()
    say("  new worker started")
    finished = wait_until(lambda: _import(pk).finished, options.limit, step=0.5)
    job = _import(pk)
    took = time.monotonic() - restarted
    say(f"  import {job.state} after {took:.1f}s with the new worker: {job.rows_total} rows, attempts {job.attempts}")
    ok = finished and job.state == "done" and job.rows_total == options.rows
    return f"fault 1: {job.state} in {took:.0f}s: {'OK' if ok else 'FAILED'}"


def _redis_down(client, la, admin, start_worker, options) -> str:
    from django.test import Client
    from django.urls import reverse

    from tests.gias_files import gias_csv, gias_row

    say("fault 2: Redis down at upload and at a password reset")
    REDIS.stop()
    started = time.monotonic()
    response = _upload(client, gias_csv([gias_row("930001")]))
    pk = _import_id(response) if response.status_code == 302 else None
    say(f"  upload answered {response.status_code} in {time.monotonic() - started:.1f}s")
    page = client.get(response["Location"]).content.decode() if pk else ""
    queued = "Background processing is not available at the moment" in page
    say(f"  import {pk} is {_import(pk).state if pk else '-'}; page says it is queued: {queued}")
    health = client.get("/health/")
    say(f"  /health/ answered {health.status_code} {health.json()}")
    reset = Client().post(reverse("accounts:password-reset"), {"email": admin.email})
    say(f"  password reset answered {reset.status_code}")
    REDIS.start()
    back = time.monotonic()
    start_worker()
    say("  Redis back, worker started")
    finished = pk is not None and wait_until(lambda: _import(pk).finished, options.limit, step=0.5)
    say(f"  import {_import(pk).state if pk else '-'} {time.monotonic() - back:.1f}s after Redis came back")
    wait_until(lambda: sent_subjects(EMAIL), options.limit, step=0.5)
    time.sleep(3)  # a duplicate would arrive by now: the sweeper runs every second here
    subjects = sent_subjects(EMAIL)
    say(f"  emails sent: {len(subjects)} {subjects}")
    ok = response.status_code == 302 and queued and finished and _import(pk).state == "done" and len(subjects) == 1
    return (
        f"fault 2: upload {response.status_code}, import {_import(pk).state if pk else '-'}, {len(subjects)} email: "
        + ("OK" if ok else "FAILED")
    )


def _crashing_import(la, admin, options) -> str:
    from django.db import transaction
    from django_scopes import scopes_disabled

    from jobs.runner import job_enqueue
    from schools.models import DataImport

    say("fault 3: an import that always crashes (its stored file is gone)")
    before = len(sent_subjects(EMAIL))
    with scopes_disabled(), transaction.atomic():
        job = DataImport.objects.create(
            la=la, kind="gias", original_name="lost.csv", file="imports/lost.csv", requested_by=admin
        )
        job_enqueue(job)
    wait_until(lambda: _import(job.pk).finished, options.limit, step=0.2)
    job = _import(job.pk)
    wait_until(lambda: len(sent_subjects(EMAIL)) > before, 10, step=0.2)
    told = sent_subjects(EMAIL)[before:]
    say(f"  import {job.state}: {job.failure!r}; uploader told: {told}")
    ok = job.state == "failed" and job.failure and told
    return f"fault 3: {job.state}: {'OK' if ok else 'FAILED'}"


def _crashing_email(options) -> str:
    from django.db import transaction
    from django_scopes import scopes_disabled

    from jobs.emails import email_request
    from jobs.models import EmailJob

    say("fault 4: an email job that always crashes")
    before = len(sent_subjects(EMAIL))
    with transaction.atomic():
        job = email_request(kind="password-reset", event_key=f"drill-crash-{time.time()}", user_id="not-a-number")
    with scopes_disabled():
        wait_until(lambda: EmailJob.objects.get(pk=job.pk).finished, options.limit, step=0.2)
        job = EmailJob.objects.get(pk=job.pk)
    sent = len(sent_subjects(EMAIL)) - before
    say(f"  email job {job.state}: {job.failure!r}; messages sent: {sent}")
    return f"fault 4: {job.state}, {sent} sent: {'OK' if job.state == 'failed' and sent == 0 else 'FAILED'}"


def _killed_pdf_worker(la, start_worker, workers, options) -> str:
    """Issue a long report; kill the worker rendering its PDFs; the next worker makes one of each."""
    from django_scopes import scope, scopes_disabled

    from accounts.models import Role
    from caseload.models import SipAssignment
    from reports import services
    from reports.models import RenderedDocument
    from tenancy.academic_year import current_academic_year
    from tests.factories import MembershipFactory, SchoolFactory, UserFactory

    say("fault 5: the whole worker killed while it renders a report's PDFs")
    for worker in workers:
        worker.stop()
    with scopes_disabled():
        school = SchoolFactory(la=la, name="Drill High School", gaining_ground_joined=2020)
        sip = UserFactory(email="sip.drill@example.org", full_name="Drill SIP")
        MembershipFactory(user=sip, role=Role.SIP, la=la)
        SipAssignment.objects.create(school=school, sip=sip, academic_year=current_academic_year())
    long = "\n\n".join(f"Paragraph {n}: " + "planning was challenged and improved. " * 12 for n in range(150))
    with scope(la=la.pk):
        report = services.report_start(actor=sip, school=school)
        report = services.report_save(
            actor=sip,
            report=report,
            lock_version=report.lock_version,
            values={"key_strengths": "Leadership.", "challenge": long, "capacity_judgement": "good"},
        )
    first = start_worker()
    with scope(la=la.pk):
        services.report_transition(actor=sip, report=report, action="issue")

    def documents():
        with scopes_disabled():
            return list(RenderedDocument.objects.filter(report=report))

    if not wait_until(lambda: any(d.state == "running" for d in documents()), options.limit, step=0.2):
        return "fault 5: no worker started rendering: FAILED"
    time.sleep(1)
    first.kill()
    say(f"  SIGKILL to worker {first.process.pid}; documents: {sorted((d.audience, d.state) for d in documents())}")
    start_worker()
    done = wait_until(lambda: all(d.finished for d in documents()), options.limit * 2, step=0.5)
    found = documents()
    say(f"  after the new worker: {sorted((d.audience, d.state, d.attempts) for d in found)}")
    ok = done and len(found) == len({d.audience for d in found}) and all(d.state == "done" for d in found)
    return f"fault 5: {len(found)} PDFs, {sum(d.state == 'done' for d in found)} ready: {'OK' if ok else 'FAILED'}"


if __name__ == "__main__":
    sys.exit(main())
