"""Report PDFs through real Celery workers in their own processes, on a Redis of the test's own.

A worker SIGKILLed mid-render leaves exactly one ready PDF per audience once another worker has
taken over; with the broker down, issuing succeeds, says "queued", and the PDFs are made when
the broker is back.
"""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from bench._stack import wait_until
from jobs.models import JobState
from reports import services
from reports.models import RenderedDocument, Report

from .test_reports import COMPLETE
from .worker_stack import use_broker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_AVAILABLE, reason="Redis does not answer"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
        reason="workers in other processes need a database server",
    ),
]


def _draft(la_world, **values):
    with scope(la=la_world.la.pk):
        report = services.report_start(actor=la_world.sip, school=la_world.school)
        return services.report_save(
            actor=la_world.sip, report=report, lock_version=report.lock_version, values=COMPLETE | values
        )


def _documents(report) -> dict[str, RenderedDocument]:
    with scopes_disabled():
        return {d.audience: d for d in RenderedDocument.objects.filter(report=report)}


def _all_done(report) -> bool:
    found = _documents(report)
    return bool(found) and all(d.finished for d in found.values())


def test_a_worker_killed_mid_render_leaves_exactly_one_ready_pdf_per_audience(client, world, start_worker):
    # Long enough (about 40 pages a version) for the kill to land mid-render.
    long = "\n\n".join(
        f"Paragraph {n}: " + "the department's planning was challenged and improved. " * 12 for n in range(150)
    )
    report = _draft(world.a, challenge=long)
    first = start_worker()
    client.force_login(world.a.sip)
    url = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{report.pk}/"
    assert client.post(url + "steps/issue/").status_code == 302

    def running():
        return [d for d in _documents(report).values() if d.state == JobState.RUNNING]

    assert wait_until(lambda: running(), 60), "the first worker never started"
    time.sleep(1)
    victim = running()[0]
    first.kill()
    assert _documents(report)[victim.audience].state == JobState.RUNNING  # nobody will finish it now

    start_worker()
    assert wait_until(lambda: _all_done(report), 120, step=0.5)
    found = _documents(report)
    assert sorted(found) == ["governors", "la", "school", "ssat"]
    assert all(d.state == JobState.DONE for d in found.values()), [d.failure for d in found.values()]
    assert found[victim.audience].attempts == 2
    # One file per audience in storage: the killed render left nothing behind.
    folder = Path(settings.MEDIA_ROOT) / Path(found["la"].file.name).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(d.file.name).name for d in found.values())
    with default_storage.open(found[victim.audience].file.name, "rb") as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages) == found[victim.audience].pages
    page = client.get(url).content.decode()
    assert page.count("Download the PDF for") == 4


def test_with_the_broker_down_issuing_succeeds_says_queued_and_renders_when_it_is_back(
    client, world, redis, start_worker
):
    report = _draft(world.a)
    redis.stop()
    client.force_login(world.a.sip)
    url = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{report.pk}/"
    started = time.monotonic()
    assert client.post(url + "steps/issue/").status_code == 302
    assert time.monotonic() - started < 10
    page = client.get(url).content.decode()
    assert "Issued" in page and "Queued" in page and "Background processing is down" in page
    assert all(d.is_queued_without_broker for d in _documents(report).values())

    redis.start()
    use_broker(redis.url, eager=False)
    start_worker()
    assert wait_until(lambda: _all_done(report), 90, step=0.5)
    assert all(d.state == JobState.DONE and d.attempts == 1 for d in _documents(report).values())
    assert client.get(url).content.decode().count("Download the PDF for") == 4


def test_two_messages_for_one_pdf_on_two_workers_make_one_render(world, start_worker):
    from jobs.runner import job_send

    report = _draft(world.a)
    with scope(la=world.a.la.pk):
        # Rows only: the message is sent below twice, to two workers at once.
        Report.objects.filter(pk=report.pk).update(state="issued", issued_at=timezone.now())
        RenderedDocument.objects.create(report=report, audience="governors")
    start_worker()
    start_worker()
    document = _documents(report)["governors"]
    for _ in range(2):
        job_send(RenderedDocument, document.pk)
    assert wait_until(lambda: _all_done(report), 90, step=0.5)
    time.sleep(2)  # the second message has been taken by now
    document = _documents(report)["governors"]
    assert document.state == JobState.DONE and document.attempts == 1
    folder = Path(settings.MEDIA_ROOT) / Path(document.file.name).parent
    assert [p.name for p in folder.iterdir()] == [Path(document.file.name).name]
