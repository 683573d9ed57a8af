"""Background work through a real Celery worker on Redis (skipped locally when Redis is down;
.ci/run requires it)."""

import time

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from sipportal.celery import app

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_AVAILABLE, reason="Redis does not answer"),
]


@pytest.fixture(scope="module")
def celery_worker():
    """One worker for the module: a stopped embedded worker can keep a reserved message."""
    from celery.contrib.testing.worker import start_worker

    app.conf.update(task_always_eager=False, broker_url=settings.CELERY_BROKER_URL)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    # No ping check: tasks keep no results, and start_worker waits until the worker consumes.
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.update(task_always_eager=True)


def wait_for_mail(count: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_an_invitation_email_is_sent_by_a_worker_after_the_commit(client, world, celery_worker):
    client.force_login(world.a.la_admin)
    response = client.post(
        reverse("people:invitation-new", args=["926"]), {"email": "via-worker@example.org", "role": Role.SIP}
    )
    assert response.status_code == 302
    wait_for_mail(1)
    assert [m.to for m in mail.outbox] == [["via-worker@example.org"]]
    assert "/accounts/invitations/" in mail.outbox[0].body


def test_health_reports_the_worker_while_it_runs(client, db, celery_worker):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}


def test_an_email_that_hits_a_dropped_connection_is_retried_and_sent_once(client, world, celery_worker, monkeypatch):
    from .email_backends import FailsOnceBackend

    monkeypatch.setattr(settings, "EMAIL_BACKEND", "tests.email_backends.FailsOnceBackend")
    # Retry at once rather than after the production back-off of 30 s and more.
    monkeypatch.setattr(settings, "EMAIL_RETRY_BASE_SECONDS", 0)
    FailsOnceBackend.failures_left = 1
    client.force_login(world.a.la_admin)
    client.post(reverse("people:invitation-new", args=["926"]), {"email": "retry@example.org", "role": Role.SIP})
    wait_for_mail(1)
    time.sleep(0.5)  # a duplicate would arrive now
    assert FailsOnceBackend.failures_left == 0
    assert [m.to for m in mail.outbox] == [["retry@example.org"]]


def test_an_uploaded_extract_is_imported_by_the_worker_with_progress_to_follow(client, world, celery_worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .gias_files import gias_csv, gias_row

    client.force_login(world.a.la_admin)
    content = gias_csv([gias_row(f"{910000 + n}") for n in range(2500)])
    response = client.post(
        reverse("schools:imports", args=["926"]),
        {"kind": "gias", "file": SimpleUploadedFile("edubasealldata20261101.csv", content)},
    )
    status_url = response["Location"] + "?format=json"
    deadline = time.monotonic() + 60
    while not (status := client.get(status_url).json())["finished"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status["state"] == "done" and status["rows"] == 2500
    page = client.get(response["Location"]).content.decode()
    assert "2500 rows read" in page


def wait_for(predicate, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)
    return predicate()


def test_an_import_that_always_crashes_ends_failed_with_its_reason_and_the_uploader_is_told(world, celery_worker):
    from django.db import transaction
    from django_scopes import scope

    from jobs.runner import job_enqueue
    from schools.models import DataImport

    with scope(la=world.a.la.pk), transaction.atomic():
        # The uploaded file is not in storage: every run of this import crashes.
        data_import = DataImport.objects.create(
            la=world.a.la,
            kind="gias",
            original_name="lost.csv",
            file="imports/2026/11/lost.csv",
            requested_by=world.a.la_admin,
        )
        job_enqueue(data_import)

    def finished():
        data_import.refresh_from_db()
        return data_import.finished

    with scope(la=world.a.la.pk):
        assert wait_for(finished)
    assert data_import.state == "failed" and data_import.attempts == 1
    assert data_import.failure.startswith("An unexpected error stopped it (FileNotFoundError).")
    wait_for_mail(1)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([world.a.la_admin.email], "Your import of lost.csv did not complete")
    ]


def test_an_email_job_that_always_crashes_ends_failed_with_its_reason_and_sends_nothing(db, celery_worker):
    from django.db import transaction
    from django_scopes import scopes_disabled

    from jobs.emails import email_request
    from jobs.models import EmailJob

    with transaction.atomic():
        job = email_request(kind="password-reset", event_key="crashes", user_id="not-a-number")

    def finished():
        with scopes_disabled():
            job.refresh_from_db()
        return job.finished

    assert wait_for(finished)
    assert job.state == "failed" and job.failure.startswith("An unexpected error stopped it (ValueError).")
    time.sleep(0.3)
    with scopes_disabled():
        assert mail.outbox == [] and EmailJob.objects.get(pk=job.pk).attempts == 1
