"""A Gaining Ground profile waiting for a partner school, and a register to match it from.

Norfolk's school (world.a.school) has a submitted Form 1 whose three most important issues are
mathematics, English and FSM pupils. The register holds schools of Suffolk, another LA, whose
head becomes the partner head.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Role
from partnerships.models import SupportingSchool
from schools.models import NationalAverage, OfstedRating, PerformanceResult
from tenancy.models import NationalBody

from .factories import (
    LocalAuthorityFactory,
    MembershipFactory,
    ProfileFactory,
    ProfilePriorityFactory,
    SchoolFactory,
    UserFactory,
)

RESULTS_YEAR = 2025


@dataclass
class Match:
    profile: object
    suffolk: object
    best: object  # a strong, near, roomy school in Suffolk
    second: object
    partner_head: object  # head of `best`, a Suffolk person
    second_head: object


def national_figures(year=RESULTS_YEAR):
    NationalAverage.objects.get_or_create(
        academic_year=year,
        group="all",
        defaults={
            "five_ac_em": Decimal("50.0"),
            "progress_english": Decimal("70.0"),
            "progress_maths": Decimal("65.0"),
        },
    )
    NationalAverage.objects.get_or_create(academic_year=year, group="fsm", defaults={"five_ac_em": Decimal("30.0")})
    NationalAverage.objects.get_or_create(academic_year=year, group="non-fsm", defaults={"five_ac_em": Decimal("55.0")})


def supporting(school, **extra) -> SupportingSchool:
    values = {"capacity": 2, "strengths": ["maths", "english"], "contact_name": "Ms Contact"} | extra
    return SupportingSchool.objects.create(school=school, **values)


def result(school, five=Decimal("60.0"), english=Decimal("75.0"), maths=Decimal("70.0")):
    return PerformanceResult.objects.create(
        school=school,
        academic_year=RESULTS_YEAR,
        group="all",
        five_ac_em=five,
        progress_english=english,
        progress_maths=maths,
    )


def build_match(world) -> Match:
    with scopes_disabled():
        national_figures()
        school = world.a.school
        school.easting, school.northing = 623000, 308000
        school.percentage_fsm, school.number_of_pupils = Decimal("25"), 900
        school.save()
        profile = ProfileFactory(
            school=school,
            state="submitted",
            matching_body=NationalBody.objects.get(kind="ssat"),
            submitted_at=timezone.now(),
            version_number=5,
        )
        for position, (title, focus) in enumerate(
            [
                ("Raise attainment in mathematics", "Numeracy across the curriculum"),
                ("Improve reading and writing", "Literacy in KS3"),
                ("Close the FSM gap", "Free school meals pupils' progress"),
                ("Improve attendance", "Persistent absence"),
            ],
            start=1,
        ):
            ProfilePriorityFactory(
                profile=profile,
                position=position,
                priority=title,
                key_focus_areas=focus,
                most_important=position <= 3,
                outline="Weekly tracking and coaching" if position <= 3 else "",
            )
        suffolk = LocalAuthorityFactory(code="935", name="Suffolk")
        best = SchoolFactory(
            la=suffolk,
            name="Suffolk Outstanding High",
            easting=624000,
            northing=309000,
            percentage_fsm=Decimal("24"),
            number_of_pupils=950,
            ofsted_rating=OfstedRating.OUTSTANDING,
        )
        second = SchoolFactory(
            la=suffolk,
            name="Suffolk Good School",
            easting=680000,
            northing=250000,
            percentage_fsm=Decimal("10"),
            number_of_pupils=500,
            ofsted_rating=OfstedRating.GOOD,
        )
        supporting(best, strengths=["maths", "english", "pupil-groups"], evidence="Top FSM progress in the region")
        supporting(second, strengths=["science"])
        result(best)
        result(second, five=Decimal("52.0"))
        partner_head = UserFactory(email="head.suffolk@example.org", full_name="Pat Partner")
        MembershipFactory(user=partner_head, role=Role.HEADTEACHER, la=suffolk, school=best)
        second_head = UserFactory(email="head2.suffolk@example.org", full_name="Sam Second")
        MembershipFactory(user=second_head, role=Role.HEADTEACHER, la=suffolk, school=second)
    return Match(profile, suffolk, best, second, partner_head, second_head)


def strategy_rows(count=1) -> list[dict]:
    return [
        {
            "strategy": f"Joint maths coaching, strand {n}",
            "lead": "Ms Ada Lovelace",
            "starts_on": datetime.date(2027, 1, 10),
            "ends_on": datetime.date(2027, 7, 1),
        }
        for n in range(1, count + 1)
    ]


def propose(world, match, school=None, reason=""):
    """SSAT proposes a partner school for the match's profile (the best candidate by default)."""
    from partnerships import services

    with scopes_disabled():
        return services.match_propose(
            actor=world.ssat,
            profile=match.profile,
            body=NationalBody.objects.get(kind="ssat"),
            partner_school_id=(school or match.best).pk,
            capacity_confirmed=True,
            la_consulted=True,
            reason_not_top=reason,
        )
