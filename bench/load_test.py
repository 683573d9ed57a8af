"""Requests per second from gunicorn with 2 workers on the national-scale data set.

    .venv/bin/python bench/load_test.py [--seconds 20] [--clients 4] [--workers 2]

Starts gunicorn on a free loopback port against the data set's database (`sipportal_national`
unless DATABASE_URL says another; build it first with bench/bench_pages.py or
`manage.py build_national_dataset`), signs the people in, and for each page keeps `--clients`
persistent connections busy for `--seconds`, then reports requests per second, the median and
p95 latency and any answer that was not 200. Everything it starts it stops, by process id; it
listens on 127.0.0.1 only and ends within (pages × seconds) plus start-up.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sipportal_national")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipportal.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

# (what, who, path): a typical SIP page, the SIP's caseload and the county's whole caseload.
PAGES = [
    ("a school's page, as its SIP", "sip.40@national.test", "/la/886/schools/{urn}/"),
    ("a school's visits, as its SIP", "sip.40@national.test", "/la/886/schools/{urn}/visits/"),
    ("the SIP's caseload (40 schools)", "sip.40@national.test", "/la/886/caseload/"),
    ("the county's caseload (LA admin, 600 schools)", "la-admin.886@national.test", "/la/886/caseload/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sessions_and_urn() -> tuple[dict[str, str], str]:
    """A signed-in session cookie per person (written to the session store as a sign-in would)."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django_scopes import scopes_disabled

    from accounts.models import Membership, User

    settings.ALLOWED_HOSTS = ["testserver"]
    cookies = {}
    for _, email, _ in PAGES:
        if email not in cookies:
            client = Client()
            client.force_login(User.objects.get(email=email))
            cookies[email] = client.cookies[settings.SESSION_COOKIE_NAME].value
    with scopes_disabled():
        urn = Membership.objects.get(user__email="head@national.test", role="headteacher").school.urn
    return cookies, urn


def hammer(port: int, path: str, cookie: str, seconds: float, clients: int) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"}

    def run():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes = [], {}
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            codes[response.status] = codes.get(response.status, 0) + 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4, help="Connections kept busy at once.")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    cookies, urn = sessions_and_urn()
    port = free_port()
    env = os.environ | {
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore:No directory at",  # no collectstatic here: static files are not timed
    }
    command = [str(Path(sys.executable).with_name("gunicorn")), "sipportal.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603  (fixed arguments)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/health/live/", headers={"Host": "127.0.0.1"})
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("gunicorn did not answer within 60 seconds", file=sys.stderr)
                return 1
            time.sleep(0.3)
        print(
            f"gunicorn, {args.workers} workers, 127.0.0.1:{port}; "
            f"{args.clients} connections, {args.seconds:.0f} s a page"
        )
        for what, email, template in PAGES:
            path = template.format(urn=urn)
            hammer(port, path, cookies[email], 2, args.clients)  # warm both workers
            latencies, statuses = hammer(port, path, cookies[email], args.seconds, args.clients)
            ordered = sorted(latencies)
            print(
                f"{what}: {len(latencies) / args.seconds:.1f} requests/s, "
                f"median {statistics.median(ordered) * 1000:.0f} ms, "
                f"p95 {ordered[round(0.95 * (len(ordered) - 1))] * 1000:.0f} ms, answers {statuses}  ({path})",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
