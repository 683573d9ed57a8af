"""A throwaway background stack on loopback, for the fault drill and the worker fault tests.

A Redis server of its own and Celery workers (with the job sweeper on beat).

Everything here is started by this module and stopped by the process id it recorded; the
shared Redis on 6379 is never touched.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Fast clocks for drills and tests: heartbeat every second, silent after 4, sweep every second.
FAST_JOBS = {
    "JOB_HEARTBEAT_SECONDS": "1",
    "JOB_STALE_SECONDS": "4",
    "JOB_REQUEUE_SECONDS": "2",
    "JOB_SWEEP_SECONDS": "1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, seconds: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class RedisServer:
    """redis-server on a loopback port of its own, without persistence."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def start(self) -> "RedisServer":
        command = [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603  (fixed arguments)
        if not wait_until(self.answers, 10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        wait_until(lambda: not self.answers(), 5)


class Worker:
    """`celery worker -B` in its own process group, so the whole worker can be killed at once."""

    count = 0

    def __init__(self, env: dict[str, str]):
        Worker.count += 1
        self.env = env
        self.name = f"drill{os.getpid()}-{Worker.count}@%h"
        self.schedule = Path(tempfile.mkdtemp(prefix="sip-beat-")) / "schedule"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        command = [sys.executable, "-m", "celery", "--app", "sipportal", "worker", "--beat", "--schedule"]
        command += [str(self.schedule), "--pool", "prefork", "--concurrency", "1", "--loglevel", "WARNING"]
        command += ["--hostname", self.name, "--without-gossip", "--without-mingle"]
        self.log = self.schedule.with_name("worker.log")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603  (fixed arguments)
                command, cwd=ROOT, env=self.env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker: main process, pool process and beat, with no goodbye."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(*, database_url: str, redis_url: str, media_root: str, email_dir: str, **extra) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    return (
        env
        | FAST_JOBS
        | {
            "DJANGO_SETTINGS_MODULE": "sipportal.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": media_root,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": email_dir,
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )


def sent_subjects(email_dir: str) -> list[str]:
    """Subjects of the messages the file-based email backend wrote."""
    subjects = []
    for path in sorted(Path(email_dir).glob("*.log")):
        subjects += [line[len("Subject: ") :] for line in path.read_text().splitlines() if line.startswith("Subject: ")]
    return subjects
