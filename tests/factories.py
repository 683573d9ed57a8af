import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Invitation, Membership, Role, User
from priorities.models import PlanAction, Priority, PriorityProfile, ProfilePriority
from schools.models import DataImport, PerformanceResult, School
from tenancy.academic_year import academic_year_label, current_academic_year
from tenancy.models import ChallengeArea, LocalAuthority, NationalBody, Region
from visits.models import NextStep, SipAssignment, Visit

PASSWORD = "correct horse battery staple"


class ModelFactory(factory.django.DjangoModelFactory):
    """Test data is made outside any LA's scope, as the tests' own setup: the scoped managers
    refuse writes without a scope, so a factory writes with scopes disabled."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class LocalAuthorityFactory(ModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{800 + n:03d}")
    name = factory.Sequence(lambda n: f"Authority {n}")
    region = Region.EAST
    challenge_area = ChallengeArea.NONE


class NationalBodyFactory(ModelFactory):
    class Meta:
        model = NationalBody
        django_get_or_create = ("kind",)

    kind = NationalBody.Kind.SSAT
    name = factory.LazyAttribute(lambda o: NationalBody.Kind(o.kind).label)


class SchoolFactory(ModelFactory):
    class Meta:
        model = School

    la = factory.SubFactory(LocalAuthorityFactory)
    urn = factory.Sequence(lambda n: f"{100000 + n:06d}")
    name = factory.Sequence(lambda n: f"School {n}")


class UserFactory(ModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(ModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.LA_ADMIN
    la = factory.LazyAttribute(lambda o: o.school.la if o.school else LocalAuthorityFactory())
    school = None


class SipAssignmentFactory(ModelFactory):
    class Meta:
        model = SipAssignment

    school = factory.SubFactory(SchoolFactory)
    sip = factory.SubFactory(UserFactory)
    academic_year = factory.LazyFunction(current_academic_year)


class InvitationFactory(ModelFactory):
    class Meta:
        model = Invitation

    la = factory.SubFactory(LocalAuthorityFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.SIP
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class DataImportFactory(ModelFactory):
    class Meta:
        model = DataImport

    la = factory.SubFactory(LocalAuthorityFactory)
    kind = DataImport.Kind.GIAS
    state = DataImport.State.DONE
    original_name = "edubasealldata20261101.csv"
    file = factory.django.FileField(filename="edubasealldata20261101.csv", data=b"URN\n")


class PerformanceResultFactory(ModelFactory):
    class Meta:
        model = PerformanceResult

    school = factory.SubFactory(SchoolFactory)
    academic_year = 2024


class PriorityFactory(ModelFactory):
    class Meta:
        model = Priority

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    key_focus_areas = "Progress of the tracked groups"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 7, 31)


class VisitFactory(ModelFactory):
    class Meta:
        model = Visit

    assignment = factory.SubFactory(SipAssignmentFactory)
    date = factory.LazyFunction(lambda: timezone.localdate())
    kind = Visit.Kind.STANDARD
    length_days = Decimal("1.0")
    state = Visit.State.DRAFT
    summary = "Agreed with the headteacher."


class NextStepFactory(ModelFactory):
    class Meta:
        model = NextStep

    visit = factory.SubFactory(VisitFactory)
    action = factory.Sequence(lambda n: f"Action {n}")
    owner = "Ms Ada Lovelace"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class ProfileFactory(ModelFactory):
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


class ProfilePriorityFactory(ModelFactory):
    class Meta:
        model = ProfilePriority

    profile = factory.SubFactory(ProfileFactory)
    position = factory.Sequence(lambda n: n % 5 + 1)
    priority = factory.Sequence(lambda n: f"Profile priority {n}")
    key_focus_areas = "Focus"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 7, 1)


class PlanActionFactory(ModelFactory):
    class Meta:
        model = PlanAction

    priority = factory.SubFactory(PriorityFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    owner = "Mr Tom Hartley"


def build_history(school, sip, years, *, matching_body=None) -> None:
    """Earlier academic years of one school's work, as a real second or third year would have it.

    For each year: the SIP's assignment; an autumn, a spring and (in Gaining Ground) a governors
    visit, finalised, with an evaluation of that year's priority; next steps, one done and one
    still open; that year's priority with a reviewed plan action and its milestone; a submitted
    Form 1 with three priorities; results for all pupils and for FSM pupils.
    """
    from priorities.models import Milestone, RagReview
    from visits.models import PriorityEvaluation

    for year in years:
        gaining_ground = school.in_gaining_ground_in(year)
        assignment = SipAssignmentFactory(
            school=school, sip=sip, academic_year=year, days_allocated=Decimal("9" if gaining_ground else "5")
        )
        priority = PriorityFactory(
            school=school,
            title=f"{academic_year_label(year)}: progress of FSM pupils in maths",
            starts_on=datetime.date(year, 9, 1),
            ends_on=datetime.date(year + 1, 7, 31),
            is_active=False,
        )
        action = PlanActionFactory(priority=priority, success_criteria="FSM expected progress up 10 points")
        Milestone.objects.create(
            action=action,
            description="Tracking review",
            due_on=datetime.date(year + 1, 2, 1),
            done_on=datetime.date(year + 1, 2, 3),
        )
        RagReview.objects.create(action=action, rag="green", reason="On track at the spring review.", reviewed_by=sip)
        action.rag, action.rag_reason = "green", "On track at the spring review."
        action.save(update_fields=["rag", "rag_reason"])
        days = [(datetime.date(year, 10, 6), Visit.Kind.STANDARD), (datetime.date(year + 1, 3, 2), Visit.Kind.STANDARD)]
        if gaining_ground:
            days.append((datetime.date(year + 1, 5, 11), Visit.Kind.GOVERNORS))
        for day, kind in days:
            visit = VisitFactory(
                assignment=assignment,
                date=day,
                kind=kind,
                state=Visit.State.FINAL,
                finalised_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16))),
                private_notes=f"Private note of {day:%B %Y}",
            )
            PriorityEvaluation.objects.create(
                visit=visit,
                priority=priority,
                status="slipping",
                evidence="Two groups behind.",
                cause=PriorityEvaluation.Cause.INERTIA,
                response="The head will review the timetable.",
            )
            NextStepFactory(
                visit=visit, due_on=day + datetime.timedelta(days=20), done_on=day + datetime.timedelta(days=18)
            )
        NextStepFactory(
            visit=visit, action=f"Still open from {academic_year_label(year)}", due_on=datetime.date(year + 1, 7, 1)
        )
        if matching_body is not None:
            profile = ProfileFactory(
                school=school,
                academic_year=year,
                state=PriorityProfile.State.SUBMITTED,
                matching_body=matching_body,
                submitted_at=timezone.make_aware(datetime.datetime(year, 11, 15, 12)),
            )
            for position in (1, 2, 3):
                ProfilePriorityFactory(
                    profile=profile,
                    position=position,
                    priority=f"{academic_year_label(year)} priority {position}",
                    starts_on=datetime.date(year, 9, 1),
                    ends_on=datetime.date(year + 1, 7, 1),
                    most_important=True,
                )
        for group, five_ac_em in (("all", 31 + year % 7), ("fsm", 18 + year % 5)):
            PerformanceResultFactory(
                school=school,
                academic_year=year - 1,  # results published in a year are the previous year's
                group=group,
                five_ac_em=Decimal(five_ac_em),
                progress_english=Decimal("58.0"),
                progress_maths=Decimal("55.0"),
            )
