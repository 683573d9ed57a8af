"""Every page costs the same queries in a small LA as in a county of 600 schools, and for a SIP
with 5 schools as for one with 40.

The URL walk's pages, as each role, first with the world's LA grown to 10 schools (the SIP's 5
with visits, next steps, priorities, reports and training places), then to 600 schools of every
phase (the SIP's 40, other SIPs with the rest, eligibility, results, Form 1s and a busy audit
log); and the national pages as SSAT with a few and with many submitted Form 1s.
"""

from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Membership, Role
from audit.models import Action, AuditEvent
from reports.models import Report
from schools.models import EligibilityAssessment, EligibilityCriterion, Phase, School
from tenancy.academic_year import current_academic_year
from tenancy.models import NationalBody
from visits.models import SipAssignment

from .factories import NextStepFactory, PlanActionFactory, PriorityFactory, ProfileFactory, UserFactory, VisitFactory
from .test_url_walk import _walk, fill, national_routes, national_samples, samples_for
from .training_factories import BookingFactory, PlaceFactory

PHASES = [Phase.PRIMARY] * 7 + [Phase.SECONDARY, Phase.ALL_THROUGH, Phase.NOT_APPLICABLE]


def _grow(la_world, *, schools: int, sip_schools: int, session) -> None:
    """Bring the LA to `schools` schools, `sip_schools` of them the world's SIP's this year."""
    year = current_academic_year()
    with scopes_disabled():
        la = la_world.la
        have = School.objects.filter(la=la).count()
        start = 700000 + have
        new = School.objects.bulk_create(
            [
                School(la=la, urn=f"{start + n}", name=f"Grown School {start + n}", phase=PHASES[n % len(PHASES)])
                for n in range(schools - have)
            ]
        )
        mine = SipAssignment.objects.filter(sip=la_world.sip, academic_year=year).count()
        for school in new[: sip_schools - mine]:
            assignment = SipAssignment.objects.create(school=school, sip=la_world.sip, academic_year=year)
            visit = VisitFactory(assignment=assignment, state="final", finalised_at=timezone.now())
            NextStepFactory(visit=visit)
            PlanActionFactory(priority=PriorityFactory(school=school))
            Report.objects.create(
                school=school,
                academic_year=year,
                term=1,
                title="Autumn report",
                author=la_world.sip,
                state="issued",
                issued_at=timezone.now(),
            )
            booking = BookingFactory(school=school, course=session.course)
            PlaceFactory(session=session, booking=booking)
        others = new[sip_schools - mine :]
        for number in range(0, len(others), 8):
            sip = UserFactory()
            Membership.objects.create(user=sip, role=Role.SIP, la=la)
            SipAssignment.objects.bulk_create(
                [SipAssignment(school=s, sip=sip, academic_year=year) for s in others[number : number + 8]]
            )
        criterion = EligibilityCriterion.objects.get(number=1)
        EligibilityAssessment.objects.bulk_create(
            [EligibilityAssessment(school=s, criterion=criterion, finding="met") for s in new[::5]]
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(la=la, action=Action.VISIT_FINALISED, actor=la_world.sip, school=s, actor_email="x@y.z")
                for s in new
            ]
        )


def _national_walk(client, world, samples) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.ssat)
    found = {}
    for route in national_routes():
        with CaptureQueriesContext(connection) as queries:
            status = client.get(fill(route, samples)).status_code
        found[route] = (status, len(queries))
    return found


def test_every_page_costs_the_same_for_a_small_la_and_a_600_school_county_and_for_5_or_40_schools(client, world):
    samples = samples_for(world.a, world)
    national = national_samples(world)
    with scopes_disabled():
        from training.models import Session

        session = Session.objects.get(pk=samples["session_id"])
    _grow(world.a, schools=10, sip_schools=5, session=session)
    small = _walk(client, world, samples)
    small_national = _national_walk(client, world, national)

    _grow(world.a, schools=600, sip_schools=40, session=session)
    with scopes_disabled():
        ssat = NationalBody.objects.get(kind="ssat")
        for school in School.objects.filter(la=world.a.la, phase=Phase.SECONDARY)[:30]:
            ProfileFactory(school=school, state="submitted", matching_body=ssat, submitted_at=timezone.now())
        assert SipAssignment.objects.filter(sip=world.a.sip, academic_year=current_academic_year()).count() == 40
        assert School.objects.filter(la=world.a.la).count() == 600
    large = _walk(client, world, samples)
    # The dashboards show a snapshot: the grown data is in the next one, met for the first time.
    from dashboards.figures import refresh_figures

    refresh_figures()
    large_national = _national_walk(client, world, national)

    grew = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert grew == {}, f"(status, queries) at 10 schools and 600: {grew}"
    grew = {
        key: (small_national[key], large_national[key])
        for key in small_national
        if small_national[key] != large_national[key]
    }
    assert grew == {}, f"national pages (status, queries) with 1 and 31 Form 1s: {grew}"
