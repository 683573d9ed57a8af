"""The nightly refresh: fetch the national extract from the URL a site administrator set, import it,
and tell each LA's administrators what changed. Files come from a server on loopback."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core import mail
from django_scopes import scopes_disabled

from schools.models import DataImport, RegisterSource, School, Status
from schools.tasks import refresh_register

from .gias_files import gias_csv, gias_row


@pytest.fixture
def served():
    """A local web server: put bytes at a path in `files`; other paths answer 404, /broken 500."""
    files: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802  (the http.server name)
            if self.path == "/broken":
                self.send_error(500, "Internal Server Error")
                return
            body = files.get(self.path)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.files = files
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def set_url(url: str) -> None:
    source = RegisterSource.load()
    source.extract_url = url
    source.save()


def nightly(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        refresh_register.delay()


def test_the_refresh_is_scheduled_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-register"]
    assert entry["task"] == "schools.refresh_register" and entry["schedule"].hour == {3}


def test_the_nightly_refresh_imports_the_extract_and_emails_each_changed_las_admins_once(
    world, served, django_capture_on_commit_callbacks
):
    a = world.a
    with scopes_disabled():
        School.objects.filter(pk=a.school.pk).update(headteacher_name="Ms Ada Lovelace")
    served.files["/edubasealldata20261202.csv"] = gias_csv(
        [
            gias_row(a.school.urn, EstablishmentName=a.school.name, HeadFirstName="Grace", HeadLastName="Hopper"),
            gias_row(a.other_school.urn, **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2026"}),
            gias_row("900601", EstablishmentName="Wymondham New Free School"),
            gias_row(
                world.b.school.urn, la_code="302", EstablishmentName=world.b.school.name, **{"GOR (name)": "London"}
            ),
            gias_row("900602", la_code="661", **{"GOR (name)": "Wales (pseudo)"}),
        ]
    )
    set_url(served.url + "/edubasealldata20261202.csv")
    nightly(django_capture_on_commit_callbacks)

    source = RegisterSource.load()
    assert source.last_problem == "" and source.last_success_at is not None
    data_import = source.last_import
    assert data_import.state == DataImport.State.DONE and data_import.la is None
    assert data_import.original_name == "edubasealldata20261202.csv"
    with scopes_disabled():
        assert School.objects.get(urn=a.other_school.urn).status == Status.CLOSED
        assert School.objects.filter(urn="900601").exists()
    # Barnet's school changed nothing that matters: only Norfolk's administrators hear.
    assert [m.to for m in mail.outbox] == [[a.la_admin.email]]
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Changes to Norfolk's schools in the national register"
    assert "Headteacher changed from Ms Ada Lovelace to Ms Grace Hopper." in body
    assert f"{a.other_school.name} (URN {a.other_school.urn}): Now closed." in body
    assert "Wymondham New Free School (URN 900601): Opened." in body
    assert world.b.school.name not in body

    # The same file the next night: nothing changed, nobody is emailed again.
    nightly(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert RegisterSource.load().last_import.counts["created"] == 0


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing.csv", "The server answered 404 Not Found."),
        ("/broken", "The server answered 500 Internal Server Error."),
    ],
)
def test_a_failed_fetch_leaves_the_register_untouched_and_says_why(
    world, served, django_capture_on_commit_callbacks, path, reason
):
    set_url(served.url + path)
    nightly(django_capture_on_commit_callbacks)
    source = RegisterSource.load()
    assert source.last_problem == f"Not fetched, so the register is unchanged. {reason}"
    assert source.last_attempt_at is not None and source.last_success_at is None
    with scopes_disabled():
        assert not DataImport.objects.exists()
    assert mail.outbox == []


def test_a_server_nobody_answers_on_is_a_failed_fetch_too(world, served, django_capture_on_commit_callbacks):
    url = served.url
    served.shutdown()
    served.server_close()
    set_url(url + "/edubasealldata.csv")
    nightly(django_capture_on_commit_callbacks)
    assert RegisterSource.load().last_problem.startswith(
        "Not fetched, so the register is unchanged. The file could not"
    )


def test_a_rejected_file_changes_nothing_is_shown_to_the_site_admin_and_the_next_night_tries_again(
    client, world, served, django_capture_on_commit_callbacks
):
    from .factories import UserFactory

    served.files["/edubasealldata.csv"] = gias_csv([gias_row("900611"), gias_row("900612", NumberOfPupils="lots")])
    set_url(served.url + "/edubasealldata.csv")
    nightly(django_capture_on_commit_callbacks)
    source = RegisterSource.load()
    assert source.last_import.state == DataImport.State.REJECTED
    assert source.last_problem == (
        "The file was rejected, so the register is unchanged: 1 problem, the first on line 3, "
        "NumberOfPupils: Enter a whole number."
    )
    with scopes_disabled():
        assert not School.objects.filter(urn__in=["900611", "900612"]).exists()
    admin = UserFactory(email="site-admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/schools/registersource/{source.pk}/change/").content.decode()
    assert "line 3" in page and "NumberOfPupils" in page

    # Fixed by the next night: imported, and the problem is gone.
    served.files["/edubasealldata.csv"] = gias_csv([gias_row("900611"), gias_row("900612")])
    nightly(django_capture_on_commit_callbacks)
    source = RegisterSource.load()
    assert source.last_problem == "" and source.last_import.state == DataImport.State.DONE
    with scopes_disabled():
        assert School.objects.filter(urn__in=["900611", "900612"]).count() == 2


def test_without_a_url_the_refresh_does_nothing(world, django_capture_on_commit_callbacks):
    nightly(django_capture_on_commit_callbacks)
    assert RegisterSource.load().last_attempt_at is None
