"""The job pattern without a worker: the sweeper, time limits, repeated messages."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope

from audit.models import Action, AuditEvent
from jobs.runner import run_job, sweep
from schools.models import DataImport, School
from schools.tasks import import_in_scope
from sipportal.celery import app

from .gias_files import gias_csv, gias_row


@pytest.fixture
def make_import(world):
    def make(**fields):
        with scope(la=world.a.la.pk):
            data_import = DataImport(
                la=world.a.la, kind="gias", original_name="extract.csv", requested_by=world.a.la_admin, **fields
            )
            data_import.file.save("extract.csv", ContentFile(gias_csv([gias_row("900201")])), save=False)
            data_import.save()
        return data_import

    return make


def state_of(data_import) -> DataImport:
    with scope(la=data_import.la_id):
        return DataImport.objects.get(pk=data_import.pk)


def imported(world) -> bool:
    with scope(la=world.a.la.pk):
        return School.objects.filter(urn="900201").exists()


def test_the_sweeper_runs_again_an_import_whose_worker_went_silent(world, make_import):
    silent = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    data_import = make_import(state="running", worker="gone-host:4242", heartbeat_at=silent, attempts=1)
    report = sweep()
    data_import = state_of(data_import)
    assert report["requeued silent"] == 1
    assert data_import.state == "done" and data_import.attempts == 2 and imported(world)


def test_a_message_for_an_import_a_live_worker_holds_does_nothing(world, make_import):
    data_import = make_import(state="running", worker="other-host:4242", heartbeat_at=timezone.now(), attempts=1)
    assert run_job(DataImport, data_import.pk, import_in_scope) is None
    assert sweep() == {}
    assert state_of(data_import).state == "running" and not imported(world)


def test_running_an_import_twice_writes_it_once(world, make_import):
    data_import = make_import()
    assert run_job(DataImport, data_import.pk, import_in_scope).state == "done"
    assert run_job(DataImport, data_import.pk, import_in_scope) is None
    with scope(la=world.a.la.pk):
        assert AuditEvent.objects.filter(action=Action.DATA_IMPORTED).count() == 1


def test_an_import_past_its_time_limit_fails_with_the_reason_and_the_uploader_is_told(
    world, make_import, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(hours=2)
    data_import = make_import(state="running", worker="busy-host:1", started_at=long_ago, heartbeat_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["failed"] == 1
    data_import = state_of(data_import)
    assert data_import.state == "failed" and not imported(world)
    assert data_import.failure == "It took longer than its limit of 20 minutes and was stopped."
    assert [m.to for m in mail.outbox] == [[world.a.la_admin.email]]
    assert "It took longer than its limit of 20 minutes" in mail.outbox[0].body


def test_an_import_started_too_often_fails_instead_of_starting_again(
    world, make_import, django_capture_on_commit_callbacks
):
    data_import = make_import(attempts=DataImport.max_attempts)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    data_import = state_of(data_import)
    assert data_import.state == "failed" and not imported(world)
    assert data_import.failure.startswith("It was started 5 times without finishing, so it was stopped.")
    assert len(mail.outbox) == 1


def test_beat_runs_the_sweeper_every_minute():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # as a worker does when it starts
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]
    assert entry["schedule"] == 60 and entry["task"] in app.tasks
