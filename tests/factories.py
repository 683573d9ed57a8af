import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User
from priorities.models import PlanAction, Priority, PriorityProfile, ProfilePriority
from schools.models import DataImport, PerformanceResult, School
from tenancy.academic_year import current_academic_year
from tenancy.models import ChallengeArea, LocalAuthority, NationalBody, Region
from visits.models import NextStep, SipAssignment, Visit

PASSWORD = "correct horse battery staple"


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{800 + n:03d}")
    name = factory.Sequence(lambda n: f"Authority {n}")
    region = Region.EAST
    challenge_area = ChallengeArea.NONE


class NationalBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalBody
        django_get_or_create = ("kind",)

    kind = NationalBody.Kind.SSAT
    name = factory.LazyAttribute(lambda o: NationalBody.Kind(o.kind).label)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    la = factory.SubFactory(LocalAuthorityFactory)
    urn = factory.Sequence(lambda n: f"{100000 + n:06d}")
    name = factory.Sequence(lambda n: f"School {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.LA_ADMIN
    la = factory.LazyAttribute(lambda o: o.school.la if o.school else LocalAuthorityFactory())
    school = None


class SipAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SipAssignment

    school = factory.SubFactory(SchoolFactory)
    sip = factory.SubFactory(UserFactory)
    academic_year = factory.LazyFunction(current_academic_year)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    la = factory.SubFactory(LocalAuthorityFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.SIP
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class DataImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataImport

    la = factory.SubFactory(LocalAuthorityFactory)
    kind = DataImport.Kind.GIAS
    state = DataImport.State.DONE
    original_name = "edubasealldata20261101.csv"
    file = factory.django.FileField(filename="edubasealldata20261101.csv", data=b"URN\n")


class PerformanceResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceResult

    school = factory.SubFactory(SchoolFactory)
    academic_year = 2024


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    key_focus_areas = "Progress of the tracked groups"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 7, 31)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    assignment = factory.SubFactory(SipAssignmentFactory)
    date = factory.LazyFunction(lambda: timezone.localdate())
    kind = Visit.Kind.STANDARD
    length_days = Decimal("1.0")
    state = Visit.State.DRAFT
    summary = "Agreed with the headteacher."


class NextStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NextStep

    visit = factory.SubFactory(VisitFactory)
    action = factory.Sequence(lambda n: f"Action {n}")
    owner = "Ms Ada Lovelace"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityProfile

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.LazyFunction(current_academic_year)
    key_contact_name = "Ms Ada Lovelace"
    key_contact_phone = "01603 000000"
    key_contact_email = "head@example.org"
    sip_name = "Sam SIP"
    sip_phone = "07700 900000"
    sip_email = "sip@example.org"


class ProfilePriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfilePriority

    profile = factory.SubFactory(ProfileFactory)
    position = factory.Sequence(lambda n: n % 5 + 1)
    priority = factory.Sequence(lambda n: f"Profile priority {n}")
    key_focus_areas = "Focus"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 7, 1)


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    priority = factory.SubFactory(PriorityFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    owner = "Mr Tom Hartley"
