"""Test settings: the real settings, with only what tests need changed.

Tests use PostgreSQL and Redis when they answer (by default the local services) and say so
plainly when they fall back to SQLite and in-process tasks. `SIP_TEST_REQUIRE_SERVICES=true`
(set by .ci/run) turns a fallback into an error.
"""

import os
import socket
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sipportal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from .settings import *  # noqa: E402, F403
from .settings import BASE_DIR, DATABASES, SQLITE_OPTIONS, env_bool  # noqa: E402


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


REQUIRE_SERVICES = env_bool("SIP_TEST_REQUIRE_SERVICES", False)
_database_url = os.environ["DATABASE_URL"]
_redis_url = os.environ["REDIS_URL"]

if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" and not _answers(_database_url, 5432):
    if REQUIRE_SERVICES:
        raise SystemExit(f"PostgreSQL does not answer at {_database_url} and SIP_TEST_REQUIRE_SERVICES is set")
    print(f"NOTE: PostgreSQL does not answer at {_database_url}; the tests run on SQLite.", file=sys.stderr)  # noqa: T201  (said plainly, once)
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "test.sqlite3",
        "OPTIONS": SQLITE_OPTIONS,
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A test database in a file, as the demo's: an in-memory one shares its cache between
    # connections and answers "table is locked" at once to the worker thread of tests/test_worker.py
    # instead of waiting, whatever the busy timeout.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(DATABASES["default"]["NAME"]).with_name("test_sip_portal.sqlite3"))
    }

REDIS_AVAILABLE = _answers(_redis_url, 6379)
if not REDIS_AVAILABLE:
    if REQUIRE_SERVICES:
        raise SystemExit(f"Redis does not answer at {_redis_url} and SIP_TEST_REQUIRE_SERVICES is set")
    print(f"NOTE: Redis does not answer at {_redis_url}; the tests that need a worker are skipped.", file=sys.stderr)  # noqa: T201  (said plainly, once)

# Tasks run eagerly unless a test starts a real worker (tests/test_worker.py does).
CELERY_BROKER_URL = _redis_url
CELERY_TASK_ALWAYS_EAGER = True

# Tests (and the worker thread some of them start) share one process: no cache server needed.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sip-test-media-"))
