"""Every URL in the URLconf, tried as every role against objects it must not see.

A new URL pattern with a parameter this file has no sample for fails `test_every_url_parameter_has_a_sample`,
a new tenant page must declare in ACCESS what each role gets, and a new URL outside /la/ and
/national/ must be listed in PUBLIC_ROUTES with its reason, so nothing can escape the walk.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Membership, Role
from schools.models import SchoolLink
from tenancy.models import NationalBody

from .conftest import add_history
from .factories import (
    DataImportFactory,
    InvitationFactory,
    PlanActionFactory,
    PriorityFactory,
    ProfileFactory,
    SchoolFactory,
    VisitFactory,
)
from .training_factories import PlaceFactory, SessionFactory

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")

# Routes anyone may open, each with the reason it is outside the tenant walk.
PUBLIC_ROUTES = {
    "": "the home dispatcher: redirects to sign-in or to the person's own home",
    "accounts/sign-in/": "signing in",
    "accounts/sign-out/": "signing out",
    "accounts/password-reset/": "asking for a reset link",
    "accounts/password-reset/sent/": "confirmation page, no data",
    "accounts/password-reset/<uidb64>/<token>/": "the emailed link, guarded by its token",
    "accounts/password-reset/complete/": "confirmation page, no data",
    "accounts/invitations/<str:token>/": "the emailed invitation link, guarded by its signed token",
    "accessibility/": "the accessibility statement",
    "health/": "readiness check for the load balancer; reports no data",
    "health/live/": "liveness check for the container",
}


ROLES = ("la_admin", "sip", "head", "governor")
# What each role of the LA gets from a GET of each tenant page (after /la/<la_code>/), with
# the LA's own objects: 200, 403 (the person's LA but not their role), 404 (not theirs to know
# of: a school or record they have no role in), 405 (POST only). Order: ROLES.
ACCESS = {
    "": (200, 200, 200, 200),
    "people/": (200, 403, 403, 403),
    "people/<int:membership_id>/": (200, 403, 403, 403),
    "people/<int:membership_id>/remove/": (200, 403, 403, 403),
    "invitations/": (200, 403, 403, 403),
    "invitations/new/": (200, 403, 403, 403),
    "invitations/<int:invitation_id>/resend/": (405, 405, 405, 405),
    "invitations/<int:invitation_id>/revoke/": (405, 405, 405, 405),
    "schools/": (200, 200, 200, 200),
    "schools/export.csv": (200, 200, 200, 200),
    "schools/imports/": (200, 403, 403, 403),
    "schools/imports/<int:import_id>/": (200, 403, 403, 403),
    "schools/imports/performance-template.csv": (200, 403, 403, 403),
    "schools/<str:urn>/": (200, 200, 200, 200),
    "schools/<str:urn>/gaining-ground/": (200, 403, 403, 403),
    "schools/<str:urn>/predecessors/<int:link_id>/confirm/": (200, 403, 403, 403),
    "schools/<str:urn>/results/<int:year>/": (200, 200, 403, 403),
    "schools/<str:urn>/eligibility/<int:number>/": (200, 200, 403, 403),
    "schools/<str:urn>/priorities/": (200, 200, 200, 200),
    "schools/<str:urn>/priorities/new/": (403, 200, 200, 403),
    "schools/<str:urn>/priorities/<int:priority_id>/": (403, 200, 200, 403),
    "schools/<str:urn>/priorities/profile/": (200, 200, 200, 404),
    "schools/<str:urn>/priorities/profile/<int:profile_id>/": (200, 200, 200, 404),
    "schools/<str:urn>/priorities/profile/<int:profile_id>/check/": (200, 200, 200, 404),
    "schools/<str:urn>/priorities/profile/<int:profile_id>/print/": (200, 200, 200, 404),
    "schools/<str:urn>/priorities/profile/<int:profile_id>/<slug:section>/": (200, 200, 200, 404),
    "schools/<str:urn>/priorities/plan/": (200, 200, 200, 200),
    "schools/<str:urn>/priorities/plan/year-end/": (403, 200, 200, 403),
    "schools/<str:urn>/priorities/plan/priorities/<int:priority_id>/actions/new/": (403, 200, 200, 403),
    "schools/<str:urn>/priorities/plan/actions/<int:action_id>/": (403, 200, 200, 403),
    "schools/<str:urn>/priorities/plan/actions/<int:action_id>/review/": (403, 200, 200, 403),
    "caseload/": (200, 200, 403, 403),
    "caseload/assign/": (200, 403, 403, 403),
    "caseload/prepare/": (200, 403, 403, 403),
    "schools/<str:urn>/visits/": (200, 200, 200, 404),
    "schools/<str:urn>/visits/new/": (403, 200, 403, 404),
    "schools/<str:urn>/visits/year-end/": (403, 200, 403, 404),
    # The sample visit is being recorded: the head sees a visit only once it is finalised.
    "schools/<str:urn>/visits/<int:visit_id>/": (200, 200, 404, 404),
    "schools/<str:urn>/visits/<int:visit_id>/note/": (200, 200, 404, 404),
    "schools/<str:urn>/visits/<int:visit_id>/record/": (403, 200, 404, 404),
    "schools/<str:urn>/visits/<int:visit_id>/finalise/": (403, 200, 404, 404),
    "audit/": (200, 403, 403, 403),
    "gaining-ground/ledger/": (200, 403, 403, 403),
    "gaining-ground/ledger.csv": (200, 403, 403, 403),
    # The sample report is issued, with its PDFs rendered; the sample PDF is the governors'.
    "schools/<str:urn>/reports/": (200, 200, 200, 200),
    "schools/<str:urn>/reports/new/": (403, 200, 403, 403),
    "schools/<str:urn>/reports/<int:report_id>/": (200, 200, 200, 200),
    "schools/<str:urn>/reports/<int:report_id>/edit/": (403, 302, 403, 403),
    "schools/<str:urn>/reports/<int:report_id>/comment/": (405, 405, 405, 405),
    "schools/<str:urn>/reports/<int:report_id>/steps/<slug:step>/": (405, 405, 405, 405),
    "schools/<str:urn>/reports/<int:report_id>/new-version/": (403, 200, 403, 403),
    "schools/<str:urn>/reports/<int:report_id>/pdf/<slug:audience>/": (200, 200, 200, 200),
    "schools/<str:urn>/reports/<int:report_id>/pdf/<slug:audience>/retry/": (405, 405, 405, 405),
    "reports/": (200, 403, 403, 403),
    "reports/archives/<int:archive_id>/": (200, 403, 403, 403),
    "reports/archives/<int:archive_id>/download/": (200, 403, 403, 403),
    # Core training: governors see none of it; a school books and changes only its own places.
    "training/": (200, 200, 200, 403),
    "training/copy/": (405, 405, 405, 405),
    "training/take-up/": (200, 403, 403, 403),
    "training/courses/new/": (200, 403, 403, 403),
    "training/courses/<int:course_id>/": (200, 200, 200, 403),
    "training/courses/<int:course_id>/edit/": (200, 403, 403, 403),
    "training/courses/<int:course_id>/retire/": (405, 405, 405, 405),
    "training/courses/<int:course_id>/sessions/new/": (200, 403, 403, 403),
    "training/sessions/<int:session_id>/": (200, 200, 200, 403),
    "training/sessions/<int:session_id>/edit/": (200, 403, 403, 403),
    "training/sessions/<int:session_id>/cancel/": (405, 405, 405, 405),
    "training/sessions/<int:session_id>/book/": (403, 403, 200, 403),
    "training/sessions/<int:session_id>/register/": (200, 403, 403, 403),
    # The register's downloads and certificates answer 404 to anyone who may not have them.
    "training/sessions/<int:session_id>/register.csv": (200, 404, 404, 404),
    "training/sessions/<int:session_id>/register.pdf": (302, 404, 404, 404),
    "training/sessions/<int:session_id>/register/pdf/": (405, 405, 405, 405),
    "training/places/<int:place_id>/cancel/": (405, 405, 405, 405),
    "training/places/<int:place_id>/accept/": (405, 405, 405, 405),
    "training/places/<int:place_id>/decline/": (405, 405, 405, 405),
    "training/places/<int:place_id>/decide/": (405, 405, 405, 405),
    "training/places/<int:place_id>/impact/": (403, 403, 200, 404),
    "training/places/<int:place_id>/certificate.pdf": (200, 404, 200, 404),
    "training/places/<int:place_id>/certificate/": (405, 405, 405, 405),
    "training/schools/<str:urn>/": (200, 200, 200, 403),
    "training/schools/<str:urn>/contact/": (404, 404, 200, 403),
    "training/schools/<str:urn>/contact/<int:membership_id>/remove/": (404, 404, 405, 403),
    "training/schools/<str:urn>/contact/invitations/<int:invitation_id>/revoke/": (404, 404, 405, 403),
}
TENANT_PREFIX = "la/<str:la_code>/"


def all_routes():
    """(route, is_admin) for every pattern, with the prefixes of the resolvers it sits in."""

    def walk(patterns, prefix, in_admin):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route, in_admin or entry.app_name == "admin")
            elif isinstance(entry, URLPattern):
                yield route, in_admin

    seen = []
    for route, in_admin in walk(get_resolver().url_patterns, "", False):
        if (route, in_admin) not in seen:
            seen.append((route, in_admin))
    return seen


def tenant_routes():
    return [r for r, admin in all_routes() if r.startswith("la/<str:la_code>/")]


def national_routes():
    return [r for r, admin in all_routes() if r.startswith("national/")]


def samples_for(la_world, world):
    """Values for each URL parameter, taken from one LA of the world."""
    with scopes_disabled():
        data_import = DataImportFactory(la=la_world.la)
        assignment = la_world.assignment
        visit = VisitFactory(assignment=assignment)
        priority = PriorityFactory(school=la_world.school)
        profile = ProfileFactory(school=la_world.school)
        action = PlanActionFactory(priority=priority)
        predecessor = SchoolFactory(la=la_world.la, name="Walk Predecessor", status="closed")
        link = SchoolLink.objects.create(predecessor=predecessor, successor=la_world.school, link_type="Predecessor")
        report, archive = issued_report_sample(la_world)
        session = SessionFactory(course__la=la_world.la)
        place = PlaceFactory(
            session=session, booking__school=la_world.school, booking__course=session.course, attendance="attended"
        )
        certificate_sample(place)
        contact = training_contact_of(la_world)
        contact_membership = Membership.objects.get(user=contact)
        contact_invitation = InvitationFactory(
            la=la_world.la,
            school=la_world.school,
            role=Role.TRAINING_CONTACT,
            email=f"walk-contact-{la_world.la.code}@example.org",
        )
    return {
        "la_code": la_world.la.code,
        "urn": la_world.school.urn,
        # The school's training contact: the LA's people pages and the head's contact page both reach it.
        "membership_id": contact_membership.pk,
        "invitation_id": contact_invitation.pk,
        "import_id": data_import.pk,
        "year": 2024,
        "number": 1,
        "visit_id": visit.pk,
        "priority_id": priority.pk,
        "profile_id": profile.pk,
        "section": "contacts",
        "action_id": action.pk,
        "link_id": link.pk,
        "report_id": report.pk,
        "audience": "governors",
        "step": "issue",
        "archive_id": archive.pk,
        "course_id": session.course_id,
        "session_id": session.pk,
        "place_id": place.pk,
    }


def training_contact_of(la_world):
    """The training contact of the LA's first school (made once per LA)."""
    from .factories import MembershipFactory, UserFactory

    email = f"training-contact.{la_world.la.code}@example.org"
    membership = Membership.objects.filter(user__email=email).first()
    if membership:
        return membership.user
    user = UserFactory(email=email, full_name="Training Contact")
    MembershipFactory(user=user, role=Role.TRAINING_CONTACT, la=la_world.la, school=la_world.school)
    return user


def certificate_sample(place):
    """A ready certificate for the sample place (a stand-in file: the walk is about access)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from training.models import TrainingDocument

    name = default_storage.save(f"training/walk/{place.pk}.pdf", ContentFile(b"%PDF-1.7 walk"))
    TrainingDocument.objects.create(
        kind="certificate", session=place.session, place=place, content_key=f"place-{place.pk}", state="done", file=name
    )


def issued_report_sample(la_world):
    """An issued report of the LA's first school with a ready PDF per audience, and a ready ZIP.

    The files are stand-ins written through the storage: the walk is about access, not rendering.
    """
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from reports.models import RenderedDocument, Report, ReportArchive

    report = Report.objects.create(
        school=la_world.school,
        academic_year=2026,
        term=1,
        title="Walk report",
        author=la_world.sip,
        state="issued",
        issued_at=timezone.now(),
    )
    for audience in report.audiences():
        name = default_storage.save(f"reports/walk/{report.pk}-{audience}.pdf", ContentFile(b"%PDF-1.7 walk"))
        RenderedDocument.objects.create(report=report, audience=audience, state="done", file=name, pages=1)
    name = default_storage.save(f"archives/walk/{report.pk}.zip", ContentFile(b"PK walk"))
    archive = ReportArchive.objects.create(la=la_world.la, academic_year=2026, term=1, state="done", file=name)
    return report, archive


def fill(route: str, samples: dict) -> str:
    return "/" + PARAMETER.sub(lambda m: str(samples[m.group(1)]), route)


def test_every_url_is_walked_or_listed_as_public():
    unlisted = [
        route
        for route, admin in all_routes()
        if not admin
        and not route.startswith(("la/<str:la_code>/", "national/", "partnerships/"))
        and route not in PUBLIC_ROUTES
    ]
    assert unlisted == [], f"add these to the walk or to PUBLIC_ROUTES with a reason: {unlisted}"
    assert set(PUBLIC_ROUTES) <= {route for route, _ in all_routes()}, "PUBLIC_ROUTES lists a route that is gone"


def test_every_url_parameter_has_a_sample(world):
    samples = samples_for(world.a, world) | national_samples(world) | partnership_samples(world)[0]
    missing = {
        route: [p for p in PARAMETER.findall(route) if p not in samples]
        for route in tenant_routes() + national_routes() + partnership_routes()
    }
    missing = {route: params for route, params in missing.items() if params}
    assert missing == {}, f"give these URL parameters a sample in samples_for(): {missing}"


def test_every_tenant_page_opens_for_some_role_of_its_own_la(client, world):
    """The samples are real: with its own LA's objects each page answers someone, so the 404s
    below come from the boundary, not from a bad sample."""
    samples = samples_for(world.a, world)
    for route in tenant_routes():
        answers = {}
        for role, person in world.a.people.items():
            client.force_login(person)
            answers[role] = client.get(fill(route, samples)).status_code
        assert any(code in (200, 302, 405) for code in answers.values()), f"{route}: {answers}"


@pytest.mark.parametrize("role", ["la_admin", "sip", "head", "governor"])
def test_another_las_urls_answer_404_for_every_role(client, world, role):
    samples = samples_for(world.b, world)
    client.force_login(world.a.people[role])
    for route in tenant_routes():
        url = fill(route, samples)
        assert client.get(url).status_code == 404, f"GET {url} as {role} of {world.a.la}"
        assert client.post(url).status_code == 404, f"POST {url} as {role} of {world.a.la}"


@pytest.mark.parametrize("role", ["la_admin", "sip", "head", "governor"])
def test_another_las_objects_under_ones_own_la_code_are_not_found(client, world, role):
    samples = samples_for(world.b, world) | {"la_code": world.a.la.code}
    client.force_login(world.a.people[role])
    expected = (404,) if role == "la_admin" else (403, 404)
    for route in tenant_routes():
        if PARAMETER.findall(route) == ["la_code"]:
            continue  # nothing of the other LA in the URL
        url = fill(route, samples)
        response = client.post(url)
        assert response.status_code in expected, f"POST {url} as {role} answered {response.status_code}"
        assert world.b.school.name not in response.content.decode()


@pytest.mark.parametrize("role", ["sip", "head", "governor"])
def test_a_school_one_has_no_role_in_is_not_found(client, world, role):
    samples = samples_for(world.a, world) | {"urn": world.a.other_school.urn}
    client.force_login(world.a.people[role])
    school_routes = [r for r in tenant_routes() if "<str:urn>" in r]
    assert school_routes
    for route in school_routes:
        url = fill(route, samples)
        assert client.get(url).status_code == 404, f"GET {url} as {role}"


def test_anonymous_visitors_are_sent_to_sign_in_from_every_tenant_page(client, world):
    samples = samples_for(world.a, world)
    for route in tenant_routes():
        url = fill(route, samples)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/"), url


def national_samples(world) -> dict:
    """A profile submitted to SSAT by a school of the first LA (Norfolk: no Challenge area), and a
    school on the register of supporting schools."""
    from partnerships.models import SupportingSchool

    with scopes_disabled():
        profile = ProfileFactory(
            school=world.a.school,
            state="submitted",
            matching_body=NationalBody.objects.get(kind="ssat"),
            submitted_at=timezone.now(),
            version_number=2,
        )
        register = SupportingSchool.objects.create(school=world.b.other_school, strengths=["maths"])
        report, _ = issued_report_sample(world.a)
        document = report.documents.get(audience="ssat")
    from dashboards.figures import refresh_figures

    refresh_figures()
    return {
        "body": "ssat",
        "profile_id": profile.pk,
        "register_id": register.pk,
        "document_id": document.pk,
        "table": "ledger",
    }


def partnership_routes():
    return [r for r, admin in all_routes() if r.startswith("partnerships/")]


def partnership_samples(world) -> tuple[dict, dict]:
    """A partnership of Norfolk's school with a partner school in Suffolk (another LA), its draft
    Form 2, and the people: Norfolk's roles, the partner head, SSAT, and Barnet's head."""
    from partnerships import services

    from .partnership_world import build_match

    match = build_match(world)
    with scopes_disabled():
        proposal = services.match_propose(
            actor=world.ssat,
            profile=match.profile,
            body=NationalBody.objects.get(kind="ssat"),
            partner_school_id=match.best.pk,
            capacity_confirmed=True,
            la_consulted=True,
        )
        partnership = services.proposal_respond(actor=match.partner_head, proposal=proposal, accept=True)
        plan = partnership.plans.get()
        area = plan.focus_areas.first()
    samples = {
        "partnership_id": partnership.pk,
        "plan_id": plan.pk,
        "focus_area_id": area.pk,
        "proposal_id": proposal.pk,
    }
    people = world.a.people | {"partner_head": match.partner_head, "ssat": world.ssat, "other_la_head": world.b.head}
    return samples, people


PARTNERSHIP_ROLES = ("la_admin", "sip", "head", "governor", "partner_head", "ssat", "other_la_head")
# What each person gets from a GET of each partnership page, with a draft Form 2: the chair of
# governors and the LA read the plan only once submitted, so its pages are not theirs to know of.
PARTNERSHIP_ACCESS = {
    "partnerships/": (200, 200, 200, 200, 200, 200, 200),
    "partnerships/proposals/<int:proposal_id>/": (404, 404, 404, 404, 200, 404, 404),
    "partnerships/<int:partnership_id>/": (200, 200, 200, 200, 200, 200, 404),
    "partnerships/<int:partnership_id>/assign/": (403, 403, 403, 403, 403, 200, 404),
    "partnerships/<int:partnership_id>/notes/new/": (403, 403, 403, 403, 403, 200, 404),
    "partnerships/<int:partnership_id>/ledger/": (200, 200, 200, 200, 200, 200, 404),
    "partnerships/<int:partnership_id>/form2/<int:plan_id>/print/": (404, 200, 200, 404, 200, 200, 404),
    "partnerships/<int:partnership_id>/form2/<int:plan_id>/details/": (404, 200, 200, 404, 200, 403, 404),
    "partnerships/<int:partnership_id>/form2/<int:plan_id>/focus-areas/<int:focus_area_id>/": (
        404,
        200,
        200,
        404,
        200,
        403,
        404,
    ),
    "partnerships/<int:partnership_id>/form2/<int:plan_id>/transition/": (405, 405, 405, 405, 405, 405, 404),
    "partnerships/<int:partnership_id>/form2/<int:plan_id>/new-version/": (405, 405, 405, 405, 405, 405, 404),
    # A draft has no PDF; tests/test_form2_pdf.py walks a submitted plan's PDF for each person.
    "partnerships/<int:partnership_id>/form2/<int:plan_id>/pdf/": (404, 404, 404, 404, 404, 404, 404),
    "partnerships/<int:partnership_id>/form2/<int:plan_id>/pdf/retry/": (404, 404, 404, 404, 404, 404, 404),
}


def test_every_partnership_page_declares_what_each_person_gets():
    assert sorted(set(partnership_routes()) ^ set(PARTNERSHIP_ACCESS)) == []


def test_partnership_pages_answer_each_person_as_declared_across_two_las(client, world):
    """The first data shared across LAs: the partner head (Suffolk) reaches the Norfolk
    partnership's pages and nothing else of Norfolk; a head of another LA reaches none of it."""
    samples, people = partnership_samples(world)
    for route in partnership_routes():
        url = fill(route, samples)
        for role, person in people.items():
            client.force_login(person)
            expected = PARTNERSHIP_ACCESS[route][PARTNERSHIP_ROLES.index(role)]
            assert client.get(url).status_code == expected, f"GET {url} as {role}"
        client.logout()
        assert client.get(url).status_code == 302, url


def test_the_partner_head_of_another_la_gets_404_on_every_tenant_page_of_the_partnerships_la(client, world):
    samples, people = partnership_samples(world)
    tenant_samples = samples_for(world.a, world)
    client.force_login(people["partner_head"])
    for route in tenant_routes():
        url = fill(route, tenant_samples)
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url


def test_national_pages_answer_404_to_la_roles_and_open_for_their_body(client, world):
    samples = national_samples(world)
    for route in national_routes():
        url = fill(route, samples)
        for role, person in world.a.people.items():
            client.force_login(person)
            assert client.get(url).status_code == 404, f"{url} as {role}"
        client.force_login(world.ssat)
        assert client.get(url).status_code == 200
        client.logout()
        assert client.get(url).status_code == 302


NATIONAL_PEOPLE = ("ssat", "college", "adviser_london", "adviser_all", "consultant_head")
# The dashboards (national/<body>/, figures/…): what each national person gets, for their own body,
# with the query naming an LA: Norfolk (East, SSAT's) or Barnet (London, the National College's).
DASHBOARD_ACCESS = {
    "national/<slug:body>/": (200, 200, 200, 200, 200),
    "national/<slug:body>/figures/<slug:table>/": (200, 200, 200, 200, 404),
    "national/<slug:body>/figures/<slug:table>/?la=926": (200, 404, 404, 200, 404),
    "national/<slug:body>/figures/<slug:table>/?la=302": (404, 200, 200, 200, 404),
    "national/<slug:body>/figures/<slug:table>/?region=east": (200, 404, 404, 200, 404),
    "national/<slug:body>/figures/<slug:table>.csv": (200, 200, 200, 200, 404),
    "national/<slug:body>/figures/<slug:table>.csv?region=london": (404, 200, 200, 200, 404),
}


def national_people(world) -> dict:
    """Each national person of the walk with the body slug of their membership."""
    from tests.factories import MembershipFactory, NationalBodyFactory, UserFactory

    with scopes_disabled():
        strategies = NationalBodyFactory(kind=NationalBody.Kind.NATIONAL_STRATEGIES)
        college = NationalBodyFactory(kind=NationalBody.Kind.NATIONAL_COLLEGE)
        ssat = NationalBody.objects.get(kind=NationalBody.Kind.SSAT)
        people = {"ssat": (world.ssat, "ssat")}
        for key, role, body, region in [
            ("college", Role.NATIONAL_COLLEGE, college, ""),
            ("adviser_london", Role.NS_ADVISER, strategies, "london"),
            ("adviser_all", Role.NS_ADVISER, strategies, "all"),
            ("consultant_head", Role.CONSULTANT_HEAD, ssat, ""),
        ]:
            user = UserFactory(email=f"{key}@example.org")
            MembershipFactory(user=user, role=role, la=None, national_body=body, region=region)
            people[key] = (user, body.kind)
    return people


def test_every_dashboard_page_declares_what_each_national_person_gets():
    routes = {
        r for r in national_routes() if r.startswith("national/<slug:body>/figures/") or r == "national/<slug:body>/"
    }
    declared = {route.split("?")[0] for route in DASHBOARD_ACCESS}
    assert routes == declared, "declare in DASHBOARD_ACCESS what each national person gets"


def test_dashboard_pages_answer_each_national_person_as_declared(client, world):
    samples = national_samples(world) | {"table": "ledger"}
    people = national_people(world)
    for route, expected in DASHBOARD_ACCESS.items():
        for key, answer in zip(NATIONAL_PEOPLE, expected, strict=True):
            person, body = people[key]
            client.force_login(person)
            url = fill(route.split("?")[0], samples | {"body": body}) + (
                "?" + route.split("?")[1] if "?" in route else ""
            )
            assert client.get(url).status_code == answer, f"GET {url} as {key}"
            # Another body's dashboard is not theirs to know of.
            other = "national-college" if body == "ssat" else "ssat"
            assert client.get(fill(route.split("?")[0], samples | {"body": other})).status_code == 404


@pytest.mark.parametrize("role", ["la_admin", "sip", "head", "governor"])
def test_la_roles_cannot_use_the_site_admin(client, world, role):
    client.force_login(world.a.people[role])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_tenant_page_declares_what_each_role_gets():
    routes = {route.removeprefix(TENANT_PREFIX) for route in tenant_routes()}
    assert sorted(routes - set(ACCESS)) == [], "declare in ACCESS what each role gets from these pages"
    assert sorted(set(ACCESS) - routes) == [], "ACCESS lists pages that are gone"


def _walk(client, world, samples) -> dict:
    """(route, role) → (status, queries) for a GET of every tenant page as every role."""
    found = {}
    for route in tenant_routes():
        for role, person in world.a.people.items():
            client.force_login(person)
            with CaptureQueriesContext(connection) as queries:
                status = client.get(fill(route, samples)).status_code
            found[route.removeprefix(TENANT_PREFIX), role] = (status, len(queries))
    return found


@pytest.mark.one_year
def test_every_page_answers_each_role_as_declared_and_costs_the_same_with_years_of_history(client, world):
    """The same pages, first in the portal's first year, then with two earlier years behind them
    (on PostgreSQL, where a subquery that returns a row per year fails the page): every role gets
    what ACCESS says, and no page's query count grows with the history."""
    samples = samples_for(world.a, world)
    first_year = _walk(client, world, samples)
    add_history(world)
    with_history = _walk(client, world, samples)
    for (route, role), (status, queries) in with_history.items():
        expected = ACCESS[route][ROLES.index(role)]
        assert status == expected, f"{route} as {role}: {status}, declared {expected}"
        assert first_year[route, role] == (status, queries), (
            f"{route} as {role}: {first_year[route, role]} in the first year, {(status, queries)} with history"
        )


# The school training contact (invited by the head): the school's core training and nothing else
# of the school, nor of the LA. Every tenant page declares what the contact gets, as in ACCESS.
TRAINING_CONTACT_ACCESS = {
    "": 200,
    "people/": 403,
    "people/<int:membership_id>/": 403,
    "people/<int:membership_id>/remove/": 403,
    "invitations/": 403,
    "invitations/new/": 403,
    "invitations/<int:invitation_id>/resend/": 405,
    "invitations/<int:invitation_id>/revoke/": 405,
    "schools/": 403,
    "schools/export.csv": 403,
    "schools/imports/": 403,
    "schools/imports/<int:import_id>/": 403,
    "schools/imports/performance-template.csv": 403,
    "schools/<str:urn>/": 404,
    "schools/<str:urn>/gaining-ground/": 404,
    "schools/<str:urn>/predecessors/<int:link_id>/confirm/": 404,
    "schools/<str:urn>/results/<int:year>/": 404,
    "schools/<str:urn>/eligibility/<int:number>/": 404,
    "schools/<str:urn>/priorities/": 404,
    "schools/<str:urn>/priorities/new/": 404,
    "schools/<str:urn>/priorities/<int:priority_id>/": 404,
    "schools/<str:urn>/priorities/profile/": 404,
    "schools/<str:urn>/priorities/profile/<int:profile_id>/": 404,
    "schools/<str:urn>/priorities/profile/<int:profile_id>/check/": 404,
    "schools/<str:urn>/priorities/profile/<int:profile_id>/print/": 404,
    "schools/<str:urn>/priorities/profile/<int:profile_id>/<slug:section>/": 404,
    "schools/<str:urn>/priorities/plan/": 404,
    "schools/<str:urn>/priorities/plan/year-end/": 404,
    "schools/<str:urn>/priorities/plan/priorities/<int:priority_id>/actions/new/": 404,
    "schools/<str:urn>/priorities/plan/actions/<int:action_id>/": 404,
    "schools/<str:urn>/priorities/plan/actions/<int:action_id>/review/": 404,
    "schools/<str:urn>/reports/": 404,
    "schools/<str:urn>/reports/new/": 404,
    "schools/<str:urn>/reports/<int:report_id>/": 404,
    "schools/<str:urn>/reports/<int:report_id>/edit/": 404,
    "schools/<str:urn>/reports/<int:report_id>/comment/": 404,
    "schools/<str:urn>/reports/<int:report_id>/steps/<slug:step>/": 404,
    "schools/<str:urn>/reports/<int:report_id>/new-version/": 404,
    "schools/<str:urn>/reports/<int:report_id>/pdf/<slug:audience>/": 404,
    "schools/<str:urn>/reports/<int:report_id>/pdf/<slug:audience>/retry/": 404,
    "caseload/": 403,
    "caseload/assign/": 403,
    "caseload/prepare/": 403,
    "schools/<str:urn>/visits/": 404,
    "schools/<str:urn>/visits/new/": 404,
    "schools/<str:urn>/visits/year-end/": 404,
    "schools/<str:urn>/visits/<int:visit_id>/": 404,
    "schools/<str:urn>/visits/<int:visit_id>/note/": 404,
    "schools/<str:urn>/visits/<int:visit_id>/record/": 404,
    "schools/<str:urn>/visits/<int:visit_id>/finalise/": 404,
    "reports/": 403,
    "reports/archives/<int:archive_id>/": 403,
    "reports/archives/<int:archive_id>/download/": 403,
    "audit/": 403,
    "gaining-ground/ledger/": 403,
    "gaining-ground/ledger.csv": 403,
    "training/": 200,
    "training/copy/": 405,
    "training/take-up/": 403,
    "training/courses/new/": 403,
    "training/courses/<int:course_id>/": 200,
    "training/courses/<int:course_id>/edit/": 403,
    "training/courses/<int:course_id>/retire/": 405,
    "training/courses/<int:course_id>/sessions/new/": 403,
    "training/sessions/<int:session_id>/": 200,
    "training/sessions/<int:session_id>/edit/": 403,
    "training/sessions/<int:session_id>/cancel/": 405,
    "training/sessions/<int:session_id>/book/": 200,
    "training/sessions/<int:session_id>/register/": 403,
    "training/sessions/<int:session_id>/register.csv": 404,
    "training/sessions/<int:session_id>/register.pdf": 404,
    "training/sessions/<int:session_id>/register/pdf/": 405,
    "training/places/<int:place_id>/cancel/": 405,
    "training/places/<int:place_id>/accept/": 405,
    "training/places/<int:place_id>/decline/": 405,
    "training/places/<int:place_id>/decide/": 405,
    "training/places/<int:place_id>/impact/": 200,
    "training/places/<int:place_id>/certificate.pdf": 200,
    "training/places/<int:place_id>/certificate/": 405,
    "training/schools/<str:urn>/": 200,
    "training/schools/<str:urn>/contact/": 404,
    "training/schools/<str:urn>/contact/<int:membership_id>/remove/": 404,
    "training/schools/<str:urn>/contact/invitations/<int:invitation_id>/revoke/": 404,
}


def test_every_tenant_page_declares_what_the_training_contact_gets():
    routes = {route.removeprefix(TENANT_PREFIX) for route in tenant_routes()}
    assert sorted(routes - set(TRAINING_CONTACT_ACCESS)) == [], "declare in TRAINING_CONTACT_ACCESS"
    assert sorted(set(TRAINING_CONTACT_ACCESS) - routes) == [], "TRAINING_CONTACT_ACCESS lists pages that are gone"


@pytest.mark.one_year
def test_the_training_contact_gets_what_is_declared_and_another_las_pages_answer_404(client, world):
    samples = samples_for(world.a, world)
    with scopes_disabled():
        contact = training_contact_of(world.a)
    client.force_login(contact)

    def walk():
        found = {}
        for route in tenant_routes():
            with CaptureQueriesContext(connection) as queries:
                status = client.get(fill(route, samples)).status_code
            found[route.removeprefix(TENANT_PREFIX)] = (status, len(queries))
        return found

    first_year = walk()
    add_history(world)
    with_history = walk()
    for route, (status, queries) in with_history.items():
        assert status == TRAINING_CONTACT_ACCESS[route], f"{route}: {status}, declared {TRAINING_CONTACT_ACCESS[route]}"
        assert first_year[route] == (status, queries), f"{route}: {first_year[route]} then {(status, queries)}"
    other_la = samples_for(world.b, world)
    for route in tenant_routes():
        assert client.get(fill(route, other_la)).status_code == 404, route
    other_school = samples | {"urn": world.a.other_school.urn}
    for route in [r for r in tenant_routes() if "<str:urn>" in r]:
        assert client.get(fill(route, other_school)).status_code == 404, route
