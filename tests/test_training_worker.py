"""The waiting list's periodic task through a real Celery worker on Redis (skipped locally when
Redis is down; .ci/run requires it)."""

import datetime
import time

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from sipportal.celery import app
from training.models import Place

from .factories import MembershipFactory, UserFactory
from .test_worker import celery_worker, wait_for_mail  # noqa: F401  (the module's worker fixture)
from .training_factories import PlaceFactory, SessionFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_AVAILABLE, reason="Redis does not answer"),
]


def test_beat_runs_the_offer_expiry_and_the_reminders_every_few_minutes():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["training.tasks.expire_offers"] <= 600
    assert "training.tasks.send_reminders" in schedule
    app.loader.import_default_modules()
    assert {"training.tasks.expire_offers", "training.tasks.send_reminders"} <= set(app.tasks)


def test_an_expired_offer_is_passed_on_by_the_worker_and_the_next_school_is_emailed(world, celery_worker):  # noqa: F811
    with scopes_disabled():
        head2 = UserFactory(email="head2.926@example.org")
        MembershipFactory(user=head2, role=Role.HEADTEACHER, la=world.a.la, school=world.a.other_school)
        session = SessionFactory(course__la=world.a.la, capacity=1)
        lapsed = PlaceFactory(
            session=session,
            booking__school=world.a.school,
            booking__course=session.course,
            state=Place.State.OFFERED,
            offer_expires_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        nxt = PlaceFactory(
            session=session,
            booking__school=world.a.other_school,
            booking__course=session.course,
            state=Place.State.WAITING,
            waiting_since=timezone.now(),
        )
    # What beat sends on its schedule, by name.
    app.send_task("training.tasks.expire_offers")
    wait_for_mail(1)
    lapsed.refresh_from_db()
    nxt.refresh_from_db()
    assert lapsed.state == Place.State.LAPSED
    assert nxt.state == Place.State.OFFERED
    assert nxt.offer_expires_at > timezone.now() + datetime.timedelta(hours=47)
    [offer] = mail.outbox
    assert offer.to == [head2.email] and "held until" in offer.body
    time.sleep(0.5)  # a second run of the task finds nothing more to do
    app.send_task("training.tasks.expire_offers")
    time.sleep(1)
    assert len(mail.outbox) == 1


def test_a_worker_makes_the_register_pdf_and_the_certificates(world, celery_worker):  # noqa: F811
    """The same background rendering as reports: rows on the job pattern, claimed by a real worker."""
    from django_scopes import scope

    from jobs.models import JobState
    from training import services
    from training.models import TrainingDocument

    with scopes_disabled():
        session = SessionFactory(
            course__la=world.a.la,
            date=timezone.localdate() - datetime.timedelta(days=1),
            booking_deadline=timezone.localdate() - datetime.timedelta(days=8),
        )
        place = PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)
    with scope(la=world.a.la.pk):
        services.attendance_record(actor=world.a.la_admin, session=session, marks={place.pk: "attended"})
        services.register_pdf_request(actor=world.a.la_admin, session=session)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with scopes_disabled():
            states = sorted(TrainingDocument.objects.values_list("kind", "state"))
        if all(state in (JobState.DONE, JobState.FAILED) for _, state in states) and len(states) == 2:
            break
        time.sleep(0.2)
    assert states == [("certificate", JobState.DONE), ("register", JobState.DONE)]
    with scopes_disabled():
        assert all(d.worker and d.attempts == 1 and d.pages == 1 for d in TrainingDocument.objects.all())
