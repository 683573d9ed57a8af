"""Demo: a Norfolk school that converted to an academy, its history kept under its old URN.

Sheringham Shore High School (URN 830399) closed at the end of the last academic year and reopened as
Sheringham Shore Academy (URN 149901). GIAS's link is confirmed, so this year's SIP assignment and
Gaining Ground membership are the academy's, and its page shows the old school's results trend.
"""

import datetime

from accounts.models import Membership, Role
from caseload.models import SipAssignment, standard_allocation
from schools.models import OfstedRating, Phase, School, SchoolLink, Status
from schools.services import school_link_confirm
from tenancy.academic_year import current_academic_year
from tenancy.models import LocalAuthority, NationalBody

from ._demo_history import seed_year
from ._demo_results import seed_school

PREDECESSOR_URN, SUCCESSOR_URN = "830399", "149901"


def seed_conversion() -> None:
    year = current_academic_year()
    la = LocalAuthority.objects.get(code="926")
    la_admin = Membership.objects.filter(la=la, role=Role.LA_ADMIN).select_related("user").first().user
    sip = Membership.objects.filter(la=la, role=Role.SIP, user__email="sip.926@demo.test").get().user
    body = NationalBody.objects.get(
        kind=NationalBody.Kind.NATIONAL_COLLEGE if la.matched_by_national_college else NationalBody.Kind.SSAT
    )
    # Once confirmed, a second run keeps the confirmed state rather than confirming (and auditing) again.
    confirmed = SchoolLink.objects.filter(
        predecessor__urn=PREDECESSOR_URN, successor__urn=SUCCESSOR_URN, confirmed_at__isnull=False
    ).exists()
    common = {
        "la": la,
        "phase": Phase.SECONDARY,
        "statutory_low_age": 11,
        "statutory_high_age": 16,
        "number_of_pupils": 640,
        "percentage_fsm": 36,
        "street": "Holt Road",  # the academy has its own site: see below
        "locality": "Upper Sheringham",
        "address3": "Sheringham",
        "town": "",
        "county": "Norfolk",
        "postcode": "NR26 8ND",
        "headteacher_name": "Mrs Helen Shore",
        "ofsted_rating": OfstedRating.REQUIRES_IMPROVEMENT,
    }
    old, _ = School.objects.update_or_create(
        urn=PREDECESSOR_URN,
        defaults={
            **common,
            "name": "Sheringham Shore High School",
            "establishment_number": "4199",
            "establishment_type": "Community school",
            "status": Status.CLOSED,
            "opened_on": datetime.date(1968, 9, 1),
            "closed_on": datetime.date(year, 8, 31),
            "gaining_ground_joined": year - 1,
            "gaining_ground_left": year if confirmed else None,
        },
    )
    new, _ = School.objects.update_or_create(
        urn=SUCCESSOR_URN,
        defaults={
            **common,
            "name": "Sheringham Shore Academy",
            "street": "Weybourne Road",
            "postcode": "NR26 8HF",
            "headteacher_name": "Mr Daniel Reeve",
            "establishment_number": "4200",
            "establishment_type": "Academy converter",
            "trust_name": "North Norfolk Coast Trust",
            "status": Status.OPEN,
            "opened_on": datetime.date(year, 9, 1),
            "closed_on": None,
            "gaining_ground_joined": year - 1 if confirmed else None,
            "gaining_ground_left": None,
        },
    )
    seed_school(old, struggling=True)
    for past in (year - 2, year - 1):
        assignment, _ = SipAssignment.objects.update_or_create(
            school=old, academic_year=past, defaults={"sip": sip, "days_allocated": standard_allocation(old, past)}
        )
        seed_year(assignment, old.headteacher_name, matching_body=body)
    link, _ = SchoolLink.objects.update_or_create(
        predecessor=old,
        successor=new,
        defaults={"link_type": "Predecessor", "established_on": datetime.date(year, 9, 1)},
    )
    if confirmed:
        return
    # The year began under the old URN; confirming the link carries it to the academy.
    SipAssignment.objects.update_or_create(
        school=old, academic_year=year, defaults={"sip": sip, "days_allocated": standard_allocation(old, year)}
    )
    school_link_confirm(actor=la_admin, link=link)
