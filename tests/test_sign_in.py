import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from audit.models import Action, AuditEvent
from demo.management.commands.seed_demo import DEMO_PASSWORD

from .factories import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Password-reset limits live in the cache, which outlives one test in this process.
    cache.clear()
    yield
    cache.clear()


def sign_in(client, email, password, **extra):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def audit_actions():
    with scopes_disabled():
        return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_the_sign_in_page_has_labelled_fields(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<label for="id_username" class="govuk-label">' in html
    assert '<label for="id_password" class="govuk-label">' in html
    assert html.count('name="csrfmiddlewaretoken"') == 1
    assert 'href="#main-content"' in html


def test_a_wrong_password_shows_an_error_summary_and_keeps_the_email(client, world):
    response = sign_in(client, world.a.head.email, "not the password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert f'value="{world.a.head.email}"' in html
    assert "<title>Error: " in html
    assert Action.SIGN_IN_FAILED in audit_actions()


def test_signing_in_rotates_the_session_and_is_audited(client, world):
    client.get(reverse("accounts:login"))
    client.session["probe"] = 1
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    response = sign_in(client, world.a.head.email, PASSWORD)
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != before
    assert audit_actions()[-1] == Action.SIGN_IN


@pytest.mark.parametrize(
    ("who", "home"),
    [
        ("la_admin", "/la/926/"),
        ("sip", "/la/926/caseload/"),
        ("head", "/la/926/schools/{urn}/"),
        ("governor", "/la/926/schools/{urn}/reports/"),
    ],
)
def test_each_role_lands_on_its_own_home(client, world, who, home):
    sign_in(client, world.a.people[who].email, PASSWORD)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == home.format(urn=world.a.school.urn)
    assert response.status_code == 200


def test_national_staff_land_on_their_bodys_area(client, world):
    from dashboards.figures import refresh_figures

    refresh_figures()
    sign_in(client, world.ssat.email, PASSWORD)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/national/ssat/"
    # SSAT serves LAs outside the Challenge areas: its dashboard has Norfolk's figures, not Barnet's.
    html = response.content.decode()
    assert world.a.la.name in html and world.b.la.name not in html


def test_signing_out_needs_a_post_and_ends_the_session(client, world):
    client.force_login(world.a.head)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(f"/la/926/schools/{world.a.school.urn}/").status_code == 302
    assert audit_actions()[-1] == Action.SIGN_OUT


def test_repeated_failures_lock_the_account_from_that_address_only(client, world, settings):
    email = world.a.head.email
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # Changing the case of the address does not buy more attempts.
        sign_in(client, email.upper() if attempt % 2 else email, "wrong", REMOTE_ADDR="10.0.0.1")
    locked = sign_in(client, email, PASSWORD, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert Action.LOCKED_OUT in audit_actions()
    # The same account from another address, and another account from the same address, still work.
    assert sign_in(client, email, PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302
    client.logout()
    assert sign_in(client, world.a.governor.email, PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_password_reset_sends_a_working_link(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": world.a.head.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.a.head.email]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line).strip()
    path = link.split("8000", 1)[-1] if "8000" in link else link
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new = "a much longer passphrase 42"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert sign_in(client, world.a.head.email, new).status_code == 302
    assert Action.PASSWORD_RESET_REQUESTED in audit_actions() and Action.PASSWORD_CHANGED in audit_actions()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


DEMO_HOMES = {
    "admin@demo.test": "/admin/",
    "la-admin.302@demo.test": "/la/302/",
    "la-admin.352@demo.test": "/la/352/",
    "la-admin.926@demo.test": "/la/926/",
    "sip.302@demo.test": "/la/302/caseload/",
    "sip.352@demo.test": "/la/352/caseload/",
    "sip.926@demo.test": "/la/926/caseload/",
    "head.302@demo.test": "/la/302/schools/830101/",
    "head.352@demo.test": "/la/352/schools/830201/",
    "head.926@demo.test": "/la/926/schools/830301/",
    "governor.302@demo.test": "/la/302/schools/830101/reports/",
    "governor.352@demo.test": "/la/352/schools/830201/reports/",
    "governor.926@demo.test": "/la/926/schools/830301/reports/",
    "ssat@demo.test": "/national/ssat/",
    "college@demo.test": "/national/national-college/",
    "adviser@demo.test": "/national/national-strategies/",
    "adviser.national@demo.test": "/national/national-strategies/",
    "head.830302@demo.test": "/la/926/schools/830302/",
    "governor.830302@demo.test": "/la/926/schools/830302/reports/",
    "head.830403@demo.test": "/la/935/schools/830403/",
    "governor.830404@demo.test": "/la/935/schools/830404/reports/",
    "sip.935@demo.test": "/la/935/caseload/",
    "partner-head.935@demo.test": "/partnerships/",
    "consultant-head@demo.test": "/partnerships/",
    "coordinator@demo.test": "/partnerships/",
    "sip.multi@demo.test": "/",
}


def _row_counts() -> dict[str, int]:
    with scopes_disabled():
        return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_every_demo_account_signs_in_and_lands_on_its_home(client, db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = _row_counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert _row_counts() == first  # running the seed again adds nothing
    for email, home in DEMO_HOMES.items():
        client.logout()
        assert sign_in(client, email, DEMO_PASSWORD).status_code == 302, email
        response = client.get("/", follow=True)
        landed = response.redirect_chain[-1][0] if response.redirect_chain else "/"
        assert landed == home, email
        assert response.status_code == 200, email
    # The SIP working for two LAs chooses between them.
    html = response.content.decode()
    assert "Barnet (302)" in html and "Norfolk (926)" in html
    # Another LA's pages answer 404 to a demo headteacher.
    client.logout()
    sign_in(client, "head.926@demo.test", DEMO_PASSWORD)
    assert client.get("/la/302/").status_code == 404
    assert client.get("/la/302/schools/830101/").status_code == 404


def test_demo_people_have_names_and_demo_schools_have_their_own_addresses_and_heads(db):
    from accounts.models import Membership, Role, User
    from schools.models import School

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    with scopes_disabled():
        names = list(User.objects.values_list("full_name", flat=True))
        assert not [n for n in names if " of " in n or n.endswith(" SIP") or "Manager" in n or "Chair" in n]
        schools = list(School.objects.all())
        assert len({(s.street, s.town) for s in schools}) == len(schools)
        assert len({s.postcode for s in schools}) == len(schools)
        assert len({s.headteacher_name for s in schools}) == len(schools)
        for head in Membership.objects.filter(role=Role.HEADTEACHER, user__email__endswith="@demo.test"):
            assert head.user.full_name == head.school.headteacher_name


def audit_addresses(action):
    with scopes_disabled():
        return set(AuditEvent.objects.filter(action=action).values_list("ip_address", flat=True))


PROXY = "10.8.0.2"


def test_behind_a_proxy_failures_lock_that_client_only_and_the_audit_log_names_it(client, world, settings):
    settings.PROXY_COUNT = 1
    email = world.a.head.email
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # Whatever the client writes into the header itself stays left of what the proxy appends.
        sign_in(client, email, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, 203.0.113.5")
    locked = sign_in(client, email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    assert audit_addresses(Action.SIGN_IN_FAILED) == {"203.0.113.5"}
    assert audit_addresses(Action.LOCKED_OUT) == {"203.0.113.5"}
    # Another client through the same proxy signs in to the same account, and is recorded as itself.
    assert sign_in(client, email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302
    assert audit_addresses(Action.SIGN_IN) == {"203.0.113.6"}


def test_with_two_proxies_the_client_is_the_second_address_from_the_right(client, world, settings):
    settings.PROXY_COUNT = 2
    forwarded = "1.1.1.1, 203.0.113.7, 10.8.0.1"
    sign_in(client, world.a.head.email, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert audit_addresses(Action.SIGN_IN_FAILED) == {"203.0.113.7"}


def test_without_a_proxy_a_forged_forwarded_header_buys_no_attempts_and_is_not_recorded(client, world, settings):
    settings.PROXY_COUNT = 0
    email = world.a.head.email
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, email, "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    locked = sign_in(client, email, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert locked.status_code == 429
    assert audit_addresses(Action.SIGN_IN_FAILED) == {"10.0.0.1"}


@pytest.mark.parametrize(
    ("proxies", "forwarded"),
    [(1, "not-an-address"), (1, "203.0.113.9, <script>"), (2, "203.0.113.9"), (1, "")],
    ids=["garbled", "garbled-last", "shorter-than-the-chain", "empty"],
)
def test_a_forwarded_header_that_cannot_be_read_falls_back_to_the_connection_address(
    client, world, settings, proxies, forwarded
):
    settings.PROXY_COUNT = proxies
    response = sign_in(client, world.a.head.email, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 200
    assert audit_addresses(Action.SIGN_IN_FAILED) == {PROXY}


def reset(client, email, **extra):
    return client.post(reverse("accounts:password-reset"), {"email": email}, **extra)


def test_ten_reset_requests_for_one_address_send_only_the_allowed_emails_and_answer_alike(
    client, world, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-11-20 10:00:00Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        answers = [reset(client, world.a.head.email, REMOTE_ADDR=f"10.1.0.{n}") for n in range(10)]
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    # Throttled or not, the person sees the same page: it tells nothing about the account or the limit.
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, reverse("accounts:password-reset-done"))}
    with scopes_disabled():
        requests = AuditEvent.objects.filter(action=Action.PASSWORD_RESET_REQUESTED)
        assert requests.count() == 10
        assert requests.filter(detail__throttled=True).count() == 10 - settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    # Another address is not held back by this one's limit, and an hour later this one works again.
    with time_machine.travel("2026-11-20 10:00:01Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        reset(client, world.a.governor.email, REMOTE_ADDR="10.1.1.1")
    assert mail.outbox[-1].to == [world.a.governor.email]
    with time_machine.travel("2026-11-20 11:00:05Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        reset(client, world.a.head.email, REMOTE_ADDR="10.1.0.1")
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS + 2


def test_one_client_asking_for_many_addresses_is_throttled_too(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 4
    people = [world.a.head, world.a.governor, world.a.sip, world.a.la_admin, world.b.head, world.b.governor]
    with django_capture_on_commit_callbacks(execute=True):
        answers = [reset(client, person.email, REMOTE_ADDR="10.2.0.1") for person in people]
    assert [m.to[0] for m in mail.outbox] == [person.email for person in people[:4]]
    assert {r["Location"] for r in answers} == {reverse("accounts:password-reset-done")}
    # Someone else's computer is not affected.
    with django_capture_on_commit_callbacks(execute=True):
        reset(client, world.b.governor.email, REMOTE_ADDR="10.2.0.2")
    assert mail.outbox[-1].to == [world.b.governor.email]
