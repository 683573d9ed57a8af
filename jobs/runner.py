"""One way to run every background job: enqueue on commit, claim, heartbeat, finish or fail, sweep.

A job's row decides, never the broker's message: a message for a job that is finished, or held
by a live worker, does nothing. So a duplicate message, a redelivery or a sweeper's re-send is
harmless, and a job whose message was lost (broker down, worker killed) is sent again by the
sweeper.
"""

import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta

from celery import current_app as app
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_scopes import scopes_disabled
from kombu.exceptions import OperationalError

from .models import Job, JobState
from .status import broker_reachable

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover  (Redis is a dependency; this keeps a broker-less install honest)
    RedisError = OSError

# What a broker that is down raises when a message is sent.
BROKER_ERRORS = (OperationalError, RedisError, ConnectionError, OSError, TimeoutError)

UNEXPECTED = (
    "An unexpected error stopped it ({error}). Nothing was changed. "
    "Try again; if it happens again, tell the site administrator."
)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_models() -> list[type[Job]]:
    return [model for model in apps.get_models() if issubclass(model, Job)]


def _rows(model: type[Job]):
    # Job rows are read by id, across tenants: the sweeper and the runner serve every LA.
    return model._default_manager.all()


# --- sending ------------------------------------------------------------------------------


def job_enqueue(job: Job) -> None:
    """Send the job to a worker once the current transaction commits.

    A broker that is down never fails the request: the row stays "requested", marked as waiting
    for the broker, and the sweeper sends it when background processing is back.
    """
    model, pk = type(job), job.pk
    transaction.on_commit(lambda: job_send(model, pk))


def job_send(model: type[Job], pk: int) -> bool:
    """Put a message for the job on the broker now. False when the broker cannot take it."""
    with scopes_disabled():
        _rows(model).filter(pk=pk, state=JobState.REQUESTED).update(queued_at=timezone.now())
    if model.task_name not in app.tasks:
        autodiscover_modules("tasks")  # a web process imports tasks modules only when needed
    try:
        # No publish retries: a request must not hang on a broker that is down.
        if not app.conf.task_always_eager and not broker_reachable():
            raise OperationalError("the broker does not accept connections")
        app.tasks[model.task_name].apply_async(args=[pk], retry=False)
    except BROKER_ERRORS:
        logger.warning("broker unavailable: %s %s stays requested", model.__name__, pk, exc_info=True)
        with scopes_disabled():
            _rows(model).filter(pk=pk, state=JobState.REQUESTED).update(waiting_for_broker=True)
        return False
    with scopes_disabled():
        _rows(model).filter(pk=pk, state=JobState.REQUESTED, waiting_for_broker=True).update(waiting_for_broker=False)
    return True


def jobs_send(model: type[Job], pks: list[int]) -> None:
    """Send several jobs now; once the broker refuses one, the rest wait with it for the sweeper.

    Each refused send costs the broker client's connection attempts, so a batch of documents
    would otherwise keep the person who asked waiting once per document.
    """
    for number, pk in enumerate(pks):
        if not job_send(model, pk):
            with scopes_disabled():
                _rows(model).filter(pk__in=pks[number + 1 :], state=JobState.REQUESTED).update(waiting_for_broker=True)
            return


def job_retry_failed(job: Job) -> bool:
    """Put a failed job back to be run from the start and send it on commit. False if it had not failed."""
    with scopes_disabled():
        updated = (
            _rows(type(job))
            .filter(pk=job.pk, state=JobState.FAILED)
            .update(state=JobState.REQUESTED, failure="", attempts=0, worker="", heartbeat_at=None, finished_at=None)
        )
    if updated:
        job.refresh_from_db()
        job_enqueue(job)
    return bool(updated)


# --- running ------------------------------------------------------------------------------


def _holder_alive(job: Job, now) -> bool:
    """Whether the worker named on a running job may still be working on it."""
    if job.heartbeat_at is None or now - job.heartbeat_at > timedelta(seconds=settings.JOB_STALE_SECONDS):
        return False
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        # On this machine a dead process is certain at once; elsewhere the heartbeat decides.
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    return True


def _claim(model: type[Job], pk: int, worker: str) -> Job | None:
    now = timezone.now()
    with transaction.atomic(), scopes_disabled():
        job = _rows(model).select_for_update().filter(pk=pk).first()
        if job is None or job.state in model.final_states:
            return None
        if job.state == JobState.RUNNING and job.worker != worker and _holder_alive(job, now):
            return None
        if job.attempts >= model.max_attempts:
            failed = job_fail(
                job,
                worker=job.worker,
                reason=f"It was started {job.attempts} times without finishing, so it was stopped. "
                "Nothing was changed. Try again; if it happens again, tell the site administrator.",
            )
            if failed:
                transaction.on_commit(job.on_failed)
            return None
        _rows(model).filter(pk=pk).update(
            state=JobState.RUNNING,
            worker=worker,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            waiting_for_broker=False,
            failure="",
        )
        return _rows(model).get(pk=pk)


class Heartbeat:
    """Writes "still alive" on the job's row from a thread with its own database connection."""

    def __init__(self, job: Job):
        self.model, self.pk, self.worker = type(job), job.pk, job.worker
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{self.pk}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=30)

    def _beat(self) -> None:
        try:
            while not self.stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    with scopes_disabled():
                        _rows(self.model).filter(pk=self.pk, worker=self.worker, state=JobState.RUNNING).update(
                            heartbeat_at=timezone.now()
                        )
                except Exception:
                    logger.exception("heartbeat of %s %s failed", self.model.__name__, self.pk)
        finally:
            connections.close_all()  # this thread's connections only


def job_finish(job: Job, *, state: str = JobState.DONE, **fields) -> bool:
    """Mark the job finished, in the caller's transaction.

    False if this worker no longer holds it (the sweeper gave it to another): the caller then
    rolls its work back.
    """
    with scopes_disabled():
        return bool(
            _rows(type(job))
            .filter(pk=job.pk, state=JobState.RUNNING, worker=job.worker)
            .update(state=state, finished_at=timezone.now(), **fields)
        )


def job_fail(job: Job, *, worker: str | None, reason: str) -> bool:
    """Mark a job failed with a reason a person can read. Only a job not yet finished changes."""
    model = type(job)
    with scopes_disabled():
        rows = _rows(model).exclude(state__in=model.final_states).filter(pk=job.pk)
        if worker is not None:
            rows = rows.filter(worker=worker)
        return bool(rows.update(state=JobState.FAILED, finished_at=timezone.now(), failure=reason))


def _fail_and_tell(job: Job, reason: str) -> None:
    with scopes_disabled():
        if job_fail(job, worker=job.worker, reason=reason):
            job.refresh_from_db()
            try:
                job.on_failed()
            except Exception:
                logger.exception("could not tell anyone that %s %s failed", type(job).__name__, job.pk)


class Retry(Exception):
    """Raised by a job's work for a failure that can pass (a mail relay restarting)."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def job_task_options(model: type[Job]) -> dict:
    """Celery options for the task that runs `model`'s rows: `@shared_task(**job_task_options(Model))`.

    Acknowledged late and put back when a worker dies mid-run (as the settings say for every task),
    and stopped just inside the row's `time_limit`, so that the row, not the broker, says what
    happened.
    """
    return {
        "name": model.task_name,
        "bind": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "soft_time_limit": model.time_limit - 30,
        "time_limit": model.time_limit - 10,
    }


def run_job(model: type[Job], pk: int, work: Callable[[Job], None], *, task=None) -> Job | None:
    """Claim the job, run `work(job)` with a heartbeat, and record how it ended.

    `work` writes its result and calls `job_finish` in one transaction. Any exception it raises
    ends the job "failed" with a reason, except `Retry`, which puts it back for the task to retry.
    """
    worker = worker_name()
    job = _claim(model, pk, worker)
    if job is None:
        return None
    eager = task is None or task.request.is_eager
    try:
        # A worker in another process can die; an in-process run cannot outlive its caller.
        with nullcontext() if eager else Heartbeat(job):
            work(job)
    except Retry as retry:
        retries = task.request.retries if task else 0
        if task is None or eager or retries >= task.max_retries:
            _fail_and_tell(job, f"It could not be completed after {retries + 1} tries ({retry.error}).")
            return _reload(job)
        with scopes_disabled():
            _rows(model).filter(pk=pk, worker=worker, state=JobState.RUNNING).update(
                state=JobState.REQUESTED, worker="", heartbeat_at=None
            )
        raise task.retry(exc=retry.error, countdown=retry_countdown(retries)) from retry.error
    except SoftTimeLimitExceeded:
        minutes = max(1, round(model.time_limit / 60))
        _fail_and_tell(job, f"It took longer than its limit of {minutes} minutes and was stopped. Nothing was changed.")
    except Exception as error:
        logger.exception("%s %s failed", model.__name__, pk)
        _fail_and_tell(job, UNEXPECTED.format(error=type(error).__name__))
    return _reload(job)


def _reload(job: Job) -> Job:
    with scopes_disabled():
        return _rows(type(job)).get(pk=job.pk)


def retry_countdown(retries: int) -> float:
    """Exponential back-off with jitter: 30 s, 1 min, 2 min … capped at 10 min (by default)."""
    import random

    base = settings.EMAIL_RETRY_BASE_SECONDS
    return min(base * 2**retries, 600) * random.uniform(0.5, 1.0)  # noqa: S311  (jitter, not a secret)


# --- sweeping -----------------------------------------------------------------------------


def sweep(now=None) -> Counter:
    """Fail jobs past their time limit; send again jobs nobody took or whose worker went silent."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    unsent = now - timedelta(seconds=settings.JOB_REQUEUE_SECONDS)
    report: Counter = Counter()
    with scopes_disabled():
        for model in job_models():
            rows = _rows(model)
            # Past the limit (with a margin for the task's own hard limit to act first).
            too_old = now - timedelta(seconds=model.time_limit + settings.JOB_STALE_SECONDS)
            for job in rows.filter(state=JobState.RUNNING, started_at__lt=too_old):
                minutes = max(1, round(model.time_limit / 60))
                _fail_and_tell(job, f"It took longer than its limit of {minutes} minutes and was stopped.")
                report["failed"] += 1
            silent = rows.filter(state=JobState.RUNNING).filter(Q(heartbeat_at__lt=stale) | Q(heartbeat_at=None))
            for job in silent:
                # Conditional: a heartbeat that arrives meanwhile keeps the job with its worker.
                same = rows.filter(pk=job.pk, state=JobState.RUNNING, worker=job.worker, heartbeat_at=job.heartbeat_at)
                if same.update(state=JobState.REQUESTED, worker="", heartbeat_at=None):
                    report["requeued silent"] += 1
                    _send_or_give_up(model, job.pk, report)
            waiting = rows.filter(state=JobState.REQUESTED).filter(
                Q(queued_at=None) | Q(queued_at__lt=unsent) | Q(waiting_for_broker=True)
            )
            for pk in waiting.values_list("pk", flat=True):
                report["requeued waiting"] += 1
                _send_or_give_up(model, pk, report)
    return report


def _send_or_give_up(model: type[Job], pk: int, report: Counter) -> None:
    job = _rows(model).get(pk=pk)
    if job.attempts >= model.max_attempts:
        _fail_and_tell(
            job,
            f"It was started {job.attempts} times without finishing, so it was stopped. Nothing was changed. "
            "Try again; if it happens again, tell the site administrator.",
        )
        report["failed"] += 1
    elif not job_send(model, pk):
        report["broker down"] += 1
