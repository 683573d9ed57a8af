import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from sipportal.celery import app


def test_health_reports_the_database_and_in_process_tasks(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process", "worker": "in-process"}
    assert client.get("/health/live/").json() == {"status": "ok"}


def test_no_email_leaves_before_the_invitation_is_committed(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("people:invitation-new", args=["926"]), {"email": "later@example.org", "role": Role.SIP})
        assert mail.outbox == []
    assert len(callbacks) == 1


@pytest.mark.skipif(not settings.REDIS_AVAILABLE, reason="Redis does not answer")
def test_health_says_so_when_no_worker_answers(client, db):
    app.conf.update(task_always_eager=False)
    try:
        response = client.get("/health/")
    finally:
        app.conf.update(task_always_eager=True)
    assert response.status_code == 503
    assert response.json()["worker"] == "down" and response.json()["broker"] == "ok"
