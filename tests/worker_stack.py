"""A broker and Celery workers of a test's own, in other processes: for tests that break them.

Each test gets its own Redis on a free loopback port (never the shared one) and starts workers
that can be SIGKILLed. Import the fixtures into a test module to use them.
"""

import pytest
from django.conf import settings

from bench._stack import RedisServer, Worker, worker_env
from sipportal.celery import app


def use_broker(url: str, *, eager: bool) -> None:
    """Point this process's Celery app at another broker (or back, eagerly)."""
    app.conf.update(broker_url=url, task_always_eager=eager)
    app._pool = None  # the producer pools hold connections to the previous broker
    app.amqp._producer_pool = None


@pytest.fixture
def redis():
    server = RedisServer().start()
    use_broker(server.url, eager=False)
    try:
        yield server
    finally:
        use_broker(settings.CELERY_BROKER_URL, eager=True)
        server.stop()


@pytest.fixture
def start_worker(redis, tmp_path):
    """start_worker() starts one more worker; start_worker.email_dir holds the emails it sends."""
    workers = []
    email_dir = tmp_path / "sent"
    email_dir.mkdir()
    database = settings.DATABASES["default"]
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    url = f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = worker_env(
        database_url=url, redis_url=redis.url, media_root=str(settings.MEDIA_ROOT), email_dir=str(email_dir)
    )

    def start() -> Worker:
        worker = Worker(env).start()
        workers.append(worker)
        return worker

    start.email_dir = str(email_dir)
    yield start
    for worker in workers:
        worker.stop()
