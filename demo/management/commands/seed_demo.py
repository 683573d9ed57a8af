"""Load the demo world: three LAs, their schools, and one account for each role.

Idempotent: running it again brings the same rows back to the demo state and adds nothing twice.
Other checks sign in with these accounts, so they are a contract.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

from accounts.models import ADVISER_REGIONS, ALL_REGIONS, Membership, Role
from caseload.models import SipAssignment, standard_allocation
from dashboards.figures import refresh_figures
from schools.models import OfstedRating, Phase, School, Status
from tenancy.academic_year import current_academic_year
from tenancy.models import ChallengeArea, LocalAuthority, NationalBody, Region

from ._demo_history import seed_year
from ._demo_partnerships import seed_partnerships
from ._demo_register import seed_conversion
from ._demo_reports import seed_reports
from ._demo_results import seed_national, seed_school
from ._demo_training import seed_training
from ._demo_visits import seed_visits

DEMO_PASSWORD = "sip-portal-demo"  # noqa: S105  (published demo accounts only)

LAS = [
    ("302", "Barnet", Region.LONDON, ChallengeArea.LONDON),
    ("352", "Manchester", Region.NORTH_WEST, ChallengeArea.GREATER_MANCHESTER),
    ("926", "Norfolk", Region.EAST, ChallengeArea.NONE),
]

# Invented schools: (URN, name, years in Gaining Ground or None). The first Gaining Ground
# school of each LA is the demo headteacher's and governor's.
SCHOOLS = {
    "302": [
        ("830101", "Northway Park Academy", 2025),
        ("830102", "Elmstead Hill School", 2025),
        ("830103", "Copthall Rise High School", None),
        ("830104", "Brentside Green Academy", None),
        ("830105", "Oakridge Lane School", None),
        ("830106", "Mill Meadow High School", None),
        ("830107", "St Aldhelm's Church of England School", None),
        ("830108", "Fernbrook Community College", None),
    ],
    "352": [
        ("830201", "Irkvale Academy", 2025),
        ("830202", "Medlock Bridge High School", 2026),
        ("830203", "Chorlton Water School", 2025),
        ("830204", "Ancoats Reach Academy", None),
        ("830205", "Blackley Moor High School", None),
        ("830206", "Didsbury Fields School", None),
        ("830207", "Gorton Hall Community School", None),
        ("830208", "Wythenshawe Park Academy", None),
        ("830209", "St Mark's Roman Catholic High School", None),
    ],
    "926": [
        ("830301", "Wensum Valley High School", 2025),
        ("830302", "Broadland Heath Academy", 2026),
        ("830303", "Breckland Ridge School", None),
        ("830304", "Yare Marsh Academy", None),
        ("830305", "Thetford Forest High School", None),
        ("830306", "Cromer Cliffs School", None),
        ("830307", "King's Lynn Quay Academy", None),
        ("830308", "Diss Mere High School", None),
    ],
}
# Invented but plausible: (street, town, postcode, headteacher) for each school.
ADDRESSES = {
    "830101": ("Northway Road", "Barnet", "EN5 2AB", "Dr Priya Raman"),
    "830102": ("Elmstead Avenue", "New Southgate", "N11 1QX", "Mr Jonathan Feld"),
    "830103": ("Copthall Way", "Mill Hill", "NW7 2PD", "Ms Rachel Osei"),
    "830104": ("Brent Street", "Hendon", "NW4 2EU", "Mr Arjun Mehta"),
    "830105": ("Oakridge Lane", "Whetstone", "N20 0JB", "Mrs Carol Whitfield"),
    "830106": ("Mill Meadow Road", "Edgware", "HA8 9LT", "Mr Simon Adler"),
    "830107": ("Church Hill Road", "East Barnet", "EN4 8XE", "Revd Dr Margaret Owusu"),
    "830108": ("Fernbrook Drive", "Colindale", "NW9 5HB", "Ms Leila Haddad"),
    "830201": ("Irk Vale Drive", "Collyhurst", "M9 5SR", "Mr Tom Hartley"),
    "830202": ("Medlock Street", "Ardwick", "M12 6JH", "Mrs Bernadette Quinn"),
    "830203": ("Water Lane", "Chorlton", "M21 7LU", "Dr Samuel Nwosu"),
    "830204": ("Reach Street", "Ancoats", "M4 6BW", "Ms Fiona McAllister"),
    "830205": ("Moor Lane", "Blackley", "M9 8QE", "Mr Imran Siddiqui"),
    "830206": ("Fields Road", "Didsbury", "M20 6HQ", "Mrs Alison Pickering"),
    "830207": ("Hall Lane", "Gorton", "M18 8RJ", "Mr Kevin Doyle"),
    "830208": ("Park Road", "Wythenshawe", "M22 4GT", "Ms Hannah Lowe"),
    "830209": ("St Mark's Close", "Levenshulme", "M19 3AP", "Mr Patrick Gallagher"),
    "830301": ("Valley Road", "Norwich", "NR5 8LD", "Ms Grace Adeyemi"),
    "830302": ("Heath Lane", "Sprowston", "NR7 8HF", "Mr Daniel Kowalski"),
    "830303": ("Ridge Road", "Dereham", "NR19 1JT", "Mrs Helen Marsh"),
    "830304": ("Marsh Road", "Great Yarmouth", "NR31 0PN", "Mr Robert Thrower"),
    "830305": ("Forest Way", "Thetford", "IP24 3EW", "Mrs Julie Catchpole"),
    "830306": ("Cliff Avenue", "Cromer", "NR27 9AD", "Mr Oliver Bunting"),
    "830307": ("Quay Street", "King's Lynn", "PE30 1HT", "Dr Anjali Shah"),
    "830308": ("Mere Street", "Diss", "IP22 4AG", "Ms Sarah Greengrass"),
}
# The people of each LA's demo accounts: LA administrator, SIP, chair of governors. The demo
# headteacher's name is the one on their school's record.
PEOPLE = {
    "302": ("Deborah Lewin", "Martin Achebe", "Mr Howard Fine"),
    "352": ("Lorraine Beswick", "Gareth Pryor", "Mrs Yvonne Clarke"),
    "926": ("Christine Alder", "Nicholas Vere", "Mr Peter Southgate"),
}
# Each home school's training contact, invited by its head to book core training.
TRAINING_CONTACTS = {"302": "Ms Farah Siddiqui", "352": "Mr Dylan Hughes", "926": "Mrs Priya Shah"}
OFSTED_CYCLE = [OfstedRating.GOOD, OfstedRating.OUTSTANDING, OfstedRating.GOOD]
MULTI_SIP_SCHOOLS = {"302": ["830103", "830104"], "926": ["830303", "830304"]}
# Schools whose SIP for this year the LA has not yet commissioned (a warning on the caseload).
NO_SIP_THIS_YEAR = {"302": ["830108"], "352": ["830208", "830209"], "926": ["830308"]}
HISTORY_YEARS = 2  # finished academic years before this one
NATIONAL = [
    (
        NationalBody.Kind.SSAT,
        "Specialist Schools and Academies Trust (SSAT)",
        "ssat@demo.test",
        "Sam Okafor",
        Role.SSAT,
        "",
    ),
    (
        NationalBody.Kind.NATIONAL_COLLEGE,
        "National College",
        "college@demo.test",
        "Nadia Brennan",
        Role.NATIONAL_COLLEGE,
        "",
    ),
    (
        NationalBody.Kind.NATIONAL_STRATEGIES,
        "The National Strategies",
        "adviser@demo.test",
        "Alan Pryce",
        Role.NS_ADVISER,
        Region.LONDON,
    ),
    (
        NationalBody.Kind.NATIONAL_STRATEGIES,
        "The National Strategies",
        "adviser.national@demo.test",
        "Naomi Hartley",
        Role.NS_ADVISER,
        ALL_REGIONS,
    ),
]


class Command(BaseCommand):
    help = "Load (or restore) the demo local authorities, schools and accounts."

    @transaction.atomic
    def handle(self, *args, **options):
        with scopes_disabled():
            logins = self._seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Every account's password is: " + DEMO_PASSWORD))
        width = max(len(email) for email, _ in logins)
        for email, what in logins:
            self.stdout.write(f"  {email.ljust(width)}  {what}")

    def _person(self, email: str, full_name: str, *, superuser: bool = False):
        user, _ = get_user_model().objects.update_or_create(
            email=email,
            defaults={"full_name": full_name, "is_active": True, "is_staff": superuser, "is_superuser": superuser},
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        return user

    def _seed(self) -> list[tuple[str, str]]:
        year = current_academic_year()
        seed_national()
        logins = [("admin@demo.test", "site administrator (Django admin)")]
        bodies = {
            kind: NationalBody.objects.update_or_create(kind=kind, defaults={"name": body_name})[0]
            for kind, body_name, *_ in NATIONAL
        }
        self._person("admin@demo.test", "Ada Administrator", superuser=True)
        multi = self._person("sip.multi@demo.test", "Morgan Ellis")
        for code, name, region, challenge in LAS:
            la, _ = LocalAuthority.objects.update_or_create(
                code=code, defaults={"name": name, "region": region, "challenge_area": challenge}
            )
            schools = {}
            for number, (urn, school_name, joined) in enumerate(SCHOOLS[code]):
                schools[urn], _ = School.objects.update_or_create(
                    urn=urn,
                    defaults={
                        "la": la,
                        "name": school_name,
                        "establishment_number": f"{4100 + number}",
                        "establishment_type": "Academy converter" if number % 3 == 2 else "Community school",
                        "phase": Phase.SECONDARY,
                        "status": Status.OPEN,
                        "statutory_low_age": 11,
                        "statutory_high_age": 18 if number % 2 else 16,
                        "number_of_pupils": 700 + 53 * number,
                        "percentage_fsm": 38 if joined else 9 + 2.5 * number,
                        "street": ADDRESSES[urn][0],
                        "town": ADDRESSES[urn][1],
                        "postcode": ADDRESSES[urn][2],
                        "headteacher_name": ADDRESSES[urn][3],
                        "ofsted_rating": OfstedRating.REQUIRES_IMPROVEMENT if joined else OFSTED_CYCLE[number % 3],
                        "trust_name": f"{name} Learning Trust" if number % 3 == 2 else "",
                        "gaining_ground_joined": joined,
                        "gaining_ground_left": None,
                    },
                )
                seed_school(schools[urn], struggling=bool(joined))
            gaining_ground = [s for s in schools.values() if s.in_gaining_ground]
            home_school = gaining_ground[0]

            la_admin = self._person(f"la-admin.{code}@demo.test", PEOPLE[code][0])
            Membership.objects.get_or_create(user=la_admin, role=Role.LA_ADMIN, la=la, school=None)
            sip = self._person(f"sip.{code}@demo.test", PEOPLE[code][1])
            Membership.objects.get_or_create(user=sip, role=Role.SIP, la=la, school=None)
            matching_body = bodies[
                NationalBody.Kind.NATIONAL_COLLEGE if la.matched_by_national_college else NationalBody.Kind.SSAT
            ]
            chair_name = PEOPLE[code][2]
            for school in schools.values():
                chair = {"chair_name": chair_name} if school == home_school else {}
                school_sip = multi if school.urn in MULTI_SIP_SCHOOLS.get(code, []) else sip
                if school_sip == multi:
                    Membership.objects.get_or_create(user=multi, role=Role.SIP, la=la, school=None)
                for past in range(year - HISTORY_YEARS, year):
                    assignment, _ = SipAssignment.objects.update_or_create(
                        school=school,
                        academic_year=past,
                        defaults={"sip": school_sip, "days_allocated": standard_allocation(school, past)},
                    )
                    seed_year(assignment, school.headteacher_name, matching_body=matching_body, **chair)
                if school.urn in NO_SIP_THIS_YEAR[code]:
                    continue
                assignment, _ = SipAssignment.objects.update_or_create(
                    school=school,
                    academic_year=year,
                    defaults={"sip": school_sip, "days_allocated": standard_allocation(school, year)},
                )
                if school == home_school:
                    seed_visits(assignment, school.headteacher_name, chair_name)
                else:
                    seed_year(assignment, school.headteacher_name, finished=False)
            head = self._person(f"head.{code}@demo.test", home_school.headteacher_name)
            Membership.objects.get_or_create(user=head, role=Role.HEADTEACHER, la=la, school=home_school)
            governor = self._person(f"governor.{code}@demo.test", PEOPLE[code][2])
            Membership.objects.update_or_create(
                user=governor, role=Role.GOVERNOR, la=la, school=home_school, defaults={"is_chair": True}
            )
            contact = self._person(f"training.{code}@demo.test", TRAINING_CONTACTS[code])
            Membership.objects.get_or_create(user=contact, role=Role.TRAINING_CONTACT, la=la, school=home_school)
            logins += [
                (la_admin.email, f"LA administrator, {la}"),
                (sip.email, f"SIP for {', '.join(s.name for s in gaining_ground)} and others"),
                (head.email, f"headteacher, {home_school.name}"),
                (governor.email, f"chair of governors, {home_school.name}"),
                (contact.email, f"training contact, {home_school.name}: core training only"),
            ]
        for kind, _body_name, email, person_name, role, region in NATIONAL:
            body = bodies[kind]
            person = self._person(email, person_name)
            Membership.objects.update_or_create(user=person, role=role, national_body=body, defaults={"region": region})
            logins.append((email, f"{role.label}{', ' + dict(ADVISER_REGIONS)[region] if region else ''}"))
        logins.append((multi.email, "SIP in Barnet (302) and Norfolk (926)"))
        seed_conversion()
        logins += seed_partnerships(self._person)
        seed_reports()
        seed_training(year)
        # The national dashboards read a snapshot; the workers refresh it, the demo starts with one.
        refresh_figures()
        return logins
