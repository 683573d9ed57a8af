import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly this environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SIP_", "DATABASE_", "REDIS_", "SECRET_", "DEBUG", "ALLOWED_"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sipportal.settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG,"
            " s.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
    )


def test_with_no_environment_the_portal_runs_on_sqlite_with_in_process_tasks():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_a_database_url_and_redis_url_switch_to_postgresql_and_a_broker():
    result = load_settings(DATABASE_URL="postgres://u@db:5432/sip", REDIS_URL="redis://redis:6379/0")
    # Workers report import progress through the cache, so it must be Redis too.
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "True",
        "django.core.cache.backends.redis.RedisCache",
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"SIP_ENVIRONMENT": "production", "ALLOWED_HOSTS": "sip.example.org"}, "SECRET_KEY must be set"),
        ({"SIP_ENVIRONMENT": "production", "SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS must be set"),
        ({"SIP_ENVIRONMENT": "staging"}, "use development or production"),
    ],
)
def test_bad_settings_stop_the_portal_with_a_clear_message(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_pages_carry_a_content_security_policy_with_a_nonce_for_the_one_inline_script(client, db):
    response = client.get("/accounts/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
