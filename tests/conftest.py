"""A small named world: two LAs, each with an LA admin, a SIP, a headteacher and a governor of
its first school, a second school nobody there is linked to; and SSAT staff."""

import importlib
from dataclasses import dataclass

import pytest
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
)


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
    """The rows migrations add (the Gaining Ground criteria). Transactional tests empty the
    database between tests, so put them back; on other tests this changes nothing."""
    from django.apps import apps

    migration = importlib.import_module("schools.migrations.0003_eligibility_criteria")
    migration.add_criteria(apps, None)


@pytest.fixture
def world(db, reference_data) -> World:
    with scopes_disabled():
        a = _build_la("926", "Norfolk", Region.EAST, ChallengeArea.NONE)
        b = _build_la("302", "Barnet", Region.LONDON, ChallengeArea.LONDON)
        ssat = UserFactory(email="ssat@example.org", full_name="SSAT Staff")
        MembershipFactory(
            user=ssat, role=Role.SSAT, la=None, national_body=NationalBodyFactory(kind=NationalBody.Kind.SSAT)
        )
    return World(a=a, b=b, ssat=ssat)
