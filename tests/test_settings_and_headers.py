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
        (
            {"SIP_ENVIRONMENT": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "sip.example.org"},
            "DATABASE_URL must be set",
        ),
        (
            {
                "SIP_ENVIRONMENT": "production",
                "SECRET_KEY": "x" * 60,
                "ALLOWED_HOSTS": "sip.example.org",
                "DATABASE_URL": "postgres://u@db:5432/sip",
            },
            "REDIS_URL must be set",
        ),
        ({"PROXY_COUNT": "-1"}, "PROXY_COUNT=-1"),
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


PRODUCTION = {
    "SIP_ENVIRONMENT": "production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "sip.example.org",
    "DATABASE_URL": "postgres://u@db:5432/sip",
    "REDIS_URL": "redis://redis:6379/0",
}


def test_production_with_every_required_variable_runs_on_postgresql_with_workers():
    result = load_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "False",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_each_variable_production_requires_is_set_by_compose_and_ci_and_named_in_the_readme():
    from sipportal.settings import REQUIRED_IN_PRODUCTION

    for name in REQUIRED_IN_PRODUCTION:
        # Leaving any one out stops production from starting...
        result = load_settings(**{k: v for k, v in PRODUCTION.items() if k != name})
        assert result.returncode != 0 and f"{name} must be set" in result.stderr, name
    compose = (ROOT / "docker-compose.yml").read_text()
    app_environment = compose.split("environment:", 1)[1].split("volumes:", 1)[0]
    ci = (ROOT / ".ci" / "run").read_text()
    deploy_check = ci.split("check --deploy", 1)[0].rsplit("step ", 1)[1]
    readme_rows = {
        line.split("|")[1].strip(): line
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("| `")
    }
    for name in REQUIRED_IN_PRODUCTION:
        # ...so the deployment sets it, CI's deploy check sets it, and the README says so.
        assert f"\n    {name}: " in app_environment, f"docker-compose.yml does not set {name}"
        assert f"{name}=" in deploy_check, f".ci/run's check --deploy does not set {name}"
        assert "required in production" in readme_rows[f"`{name}`"], f"README does not say {name} is required"
        assert f"`{name}`" in readme_rows["`SIP_ENVIRONMENT`"]


def test_signed_in_pages_and_downloads_are_never_cached(client, world):
    client.force_login(world.a.head)
    page = client.get(f"/la/926/schools/{world.a.school.urn}/")
    assert page.status_code == 200
    client.force_login(world.a.la_admin)
    download = client.get("/la/926/schools/export.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    for response in (page, download):
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives
        assert "public" not in directives


def test_health_probes_over_plain_http_are_answered_while_pages_redirect_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/live/").json() == {"status": "ok"}
    redirect = client.get("/accounts/sign-in/")
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")


SQLITE_WRITERS = """
import os, sys, threading, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "sipportal.settings"
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE visit_note (id INTEGER PRIMARY KEY, writer INTEGER, body TEXT)")
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
connection.close()
errors = []

def writer(number):
    try:
        for _ in range(40):
            # Read, then write in the same transaction: the pattern of a form save.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM visit_note WHERE writer = %s", [number])
                count = cursor.fetchone()[0]
                time.sleep(0.001)
                cursor.execute("INSERT INTO visit_note (writer, body) VALUES (%s, %s)", [number, str(count)])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM visit_note")
    print(cursor.fetchone()[0])
print(errors[:1])
"""


def test_on_sqlite_four_people_saving_at_once_all_succeed(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SIP_", "DATABASE_", "REDIS_"))}
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_WRITERS],
        cwd=ROOT,
        env=clean | {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["wal", "160", "[]"]
