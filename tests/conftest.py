"""A small named world: two LAs, each with an LA admin, a SIP, a headteacher and a governor of
its first school, a second school nobody there is linked to; and SSAT staff.

The world has history: the two academic years before this one (assignments, finalised visits
with done and still-open next steps, plans, submitted Form 1s, results), because every page
must be right in its second and third year. A test that needs one year only says so with
`@pytest.mark.one_year`. The clock is frozen at FROZEN_NOW (time passes from there), so no
test depends on the day it runs; browser and worker tests, whose other processes keep real
time, run on the real clock and compute their dates.
"""

import datetime
import importlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from accounts.models import Role
from tenancy.models import ChallengeArea, NationalBody, Region

from .factories import (
    LocalAuthorityFactory,
    MembershipFactory,
    NationalBodyFactory,
    SchoolFactory,
    SipAssignmentFactory,
    UserFactory,
    build_history,
)

# Fixtures of a broker and workers of a test's own (tests that kill workers or stop Redis).
from .worker_stack import redis, start_worker  # noqa: F401

# A Wednesday in the autumn term of 2026/27.
FROZEN_NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
HISTORY_YEARS = 2


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """Every test runs at FROZEN_NOW unless it drives another process that keeps real time."""
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("worker"):
        yield None
        return
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@dataclass
class LaWorld:
    la: object
    school: object
    other_school: object
    la_admin: object
    sip: object
    head: object
    governor: object

    @property
    def assignment(self):
        """The SIP's assignment to the first school this academic year."""
        from tenancy.academic_year import current_academic_year
        from visits.models import SipAssignment

        with scopes_disabled():
            return SipAssignment.objects.get(school=self.school, academic_year=current_academic_year())

    @property
    def people(self) -> dict:
        return {"la_admin": self.la_admin, "sip": self.sip, "head": self.head, "governor": self.governor}


def _build_la(code: str, name: str, region, challenge) -> LaWorld:
    la = LocalAuthorityFactory(code=code, name=name, region=region, challenge_area=challenge)
    school = SchoolFactory(la=la, name=f"{name} High School", gaining_ground_joined=2025)
    other_school = SchoolFactory(la=la, name=f"{name} Academy")
    people = {}
    for key, role, place in [
        ("la_admin", Role.LA_ADMIN, None),
        ("sip", Role.SIP, None),
        ("head", Role.HEADTEACHER, school),
        ("governor", Role.GOVERNOR, school),
    ]:
        user = UserFactory(email=f"{key.replace('_', '-')}.{code}@example.org", full_name=f"{key} of {name}")
        MembershipFactory(user=user, role=role, la=la, school=place, is_chair=key == "governor")
        people[key] = user
    SipAssignmentFactory(school=school, sip=people["sip"])
    return LaWorld(la=la, school=school, other_school=other_school, **people)


@dataclass
class World:
    a: LaWorld
    b: LaWorld
    ssat: object


@pytest.fixture
def reference_data(db) -> None:
    """The rows migrations add (the Gaining Ground criteria, the establishment types in scope).
    Transactional tests empty the database between tests, so put them back; on other tests this
    changes nothing."""
    from django.apps import apps

    migration = importlib.import_module("schools.migrations.0003_eligibility_criteria")
    migration.add_criteria(apps, None)
    importlib.import_module("schools.migrations.0007_establishment_types").seed(apps, None)


def add_history(world: "World", years: int = HISTORY_YEARS) -> None:
    """Give each LA's first school the `years` academic years before this one."""
    from tenancy.academic_year import current_academic_year

    past = range(current_academic_year() - years, current_academic_year())
    with scopes_disabled():
        ssat = NationalBodyFactory(kind=NationalBody.Kind.SSAT)
        college = NationalBodyFactory(kind=NationalBody.Kind.NATIONAL_COLLEGE)
        for la_world in (world.a, world.b):
            body = college if la_world.la.matched_by_national_college else ssat
            build_history(la_world.school, la_world.sip, past, matching_body=body)


def build_world() -> World:
    with scopes_disabled():
        a = _build_la("926", "Norfolk", Region.EAST, ChallengeArea.NONE)
        b = _build_la("302", "Barnet", Region.LONDON, ChallengeArea.LONDON)
        ssat = UserFactory(email="ssat@example.org", full_name="SSAT Staff")
        MembershipFactory(
            user=ssat, role=Role.SSAT, la=None, national_body=NationalBodyFactory(kind=NationalBody.Kind.SSAT)
        )
    return World(a=a, b=b, ssat=ssat)


@pytest.fixture
def world(request, db, reference_data) -> World:
    built = build_world()
    if not request.node.get_closest_marker("one_year"):
        add_history(built)
    return built
