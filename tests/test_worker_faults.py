"""Background work that survives its faults, with real workers in their own processes.

Each test has a Redis server of its own on a free loopback port (bench/_stack.py), so stopping
it harms nobody, and workers run `celery worker --beat` with the job sweeper on fast clocks.
"""

import shutil
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope

from audit.models import Action, AuditEvent
from bench._stack import sent_subjects, wait_until
from schools.models import DataImport, School

from .gias_files import gias_csv, gias_row
from .worker_stack import use_broker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_AVAILABLE, reason="Redis does not answer"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
        reason="workers in other processes need a database server",
    ),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="these tests start a Redis server of their own"),
]


def import_state(la, pk) -> DataImport:
    with scope(la=la.pk):
        return DataImport.objects.get(pk=pk)


def test_a_whole_worker_killed_mid_import_leaves_exactly_one_import_done_by_the_next_worker(
    client, world, start_worker
):
    client.force_login(world.a.la_admin)
    first = start_worker()
    content = gias_csv([gias_row(f"{900000 + n}") for n in range(20000)])
    response = client.post(
        reverse("schools:imports", args=["926"]),
        {"kind": "gias", "file": SimpleUploadedFile("edubasealldata.csv", content)},
    )
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert wait_until(lambda: import_state(world.a.la, pk).state == "running", 60), "the first worker never started"
    time.sleep(1)
    first.kill()
    assert import_state(world.a.la, pk).state == "running"  # killed mid-import: nobody will finish it

    restarted = time.monotonic()
    start_worker()
    assert wait_until(lambda: import_state(world.a.la, pk).finished, 60, step=0.5)
    took = time.monotonic() - restarted
    data_import = import_state(world.a.la, pk)
    assert data_import.state == "done" and data_import.rows_total == 20000, data_import.failure
    assert data_import.attempts == 2 and took < 60
    with scope(la=world.a.la.pk):
        assert School.objects.filter(urn__gte="900000", urn__lt="920000").count() == 20000
        assert AuditEvent.objects.filter(action=Action.DATA_IMPORTED).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "20000 rows read" in page


def test_with_redis_down_the_upload_and_a_reset_are_queued_and_done_once_redis_is_back(
    client, world, redis, start_worker
):
    redis.stop()
    client.force_login(world.a.la_admin)
    started = time.monotonic()
    response = client.post(
        reverse("schools:imports", args=["926"]),
        {"kind": "gias", "file": SimpleUploadedFile("edubasealldata.csv", gias_csv([gias_row("900101")]))},
    )
    assert response.status_code == 302 and time.monotonic() - started < 3  # no waiting on the broker
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    data_import = import_state(world.a.la, pk)
    assert data_import.state == "requested" and data_import.waiting_for_broker
    page = client.get(response["Location"]).content.decode()
    assert "Background processing is not available at the moment" in page
    assert (
        "Background processing is not available at the moment"
        in client.get(reverse("schools:imports", args=["926"])).content.decode()
    )
    health = client.get("/health/")
    assert health.status_code == 503 and health.json()["broker"] == "down"

    client.logout()
    started = time.monotonic()
    reset = client.post(reverse("accounts:password-reset"), {"email": world.a.head.email})
    assert reset.status_code in (200, 302) and time.monotonic() - started < 3

    redis.start()
    use_broker(redis.url, eager=False)
    start_worker()
    assert wait_until(lambda: import_state(world.a.la, pk).finished, 60, step=0.5)
    assert import_state(world.a.la, pk).state == "done"
    assert wait_until(lambda: sent_subjects(start_worker.email_dir), 30, step=0.5)
    time.sleep(3)  # a second copy would be sent by now (the sweeper runs every second)
    assert sent_subjects(start_worker.email_dir) == ["Reset your SIP Portal password"]


def test_progress_not_available_when_the_cache_is_down(client, world, redis, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with scope(la=world.a.la.pk):
        data_import = DataImport.objects.create(
            la=world.a.la, kind="gias", original_name="x.csv", file="imports/x.csv", state="running"
        )
    redis.stop()
    client.force_login(world.a.la_admin)
    url = reverse("schools:import", args=["926", data_import.pk])
    assert "Progress not available at the moment" in client.get(url).content.decode()
    assert client.get(url + "?format=json").json()["status"] == "Importing. Progress not available at the moment."
