"""What each national body may see across LAs. Each selector names its reader and its limits."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import ALL_REGIONS, Membership, Role
from schools.models import School
from tenancy.models import ChallengeArea, LocalAuthority


def las_served_by(membership: Membership) -> QuerySet[LocalAuthority]:
    """The LAs a national membership works with.

    SSAT matches outside the Challenge areas, the National College inside them; an adviser
    oversees one region, or every region as national staff.
    """
    las = LocalAuthority.objects.all()
    if membership.role == Role.SSAT:
        return las.filter(challenge_area=ChallengeArea.NONE)
    if membership.role == Role.NATIONAL_COLLEGE:
        return las.exclude(challenge_area=ChallengeArea.NONE)
    if membership.role == Role.NS_ADVISER:
        return las if membership.region == ALL_REGIONS else las.filter(region=membership.region)
    return las.none()


def gaining_ground_schools_for(membership: Membership) -> QuerySet[School]:
    """The Gaining Ground schools in the LAs this national membership serves.

    Only the school records: no visit notes or reports. Closed schools are no candidates.
    """
    la_ids = list(las_served_by(membership).values_list("pk", flat=True))
    return (
        School.objects.with_scope(la=la_ids)
        .open()
        .in_gaining_ground()
        .select_related("la")
        .order_by("la__name", "name")
    )


def profiles_for_matching(membership: Membership, year: int | None = None):
    """Submitted School Priority Profiles for this matching body, from the LAs it serves.

    One academic year's, or every year's when `year` is None (for finding one profile). Only the
    profile itself is read: nothing else of those schools.
    """
    from priorities.models import PriorityProfile

    la_ids = list(las_served_by(membership).values_list("pk", flat=True))
    profiles = (
        PriorityProfile.objects.with_scope(la=la_ids)
        .filter(state=PriorityProfile.State.SUBMITTED, matching_body=membership.national_body)
        .select_related("school", "school__la", "matching_body")
        .order_by("submitted_at")
    )
    return profiles if year is None else profiles.filter(academic_year=year)


def matching_years(membership: Membership) -> list[int]:
    """The academic years with profiles submitted to this matching body."""
    return sorted(set(profiles_for_matching(membership).order_by().values_list("academic_year", flat=True).distinct()))


def priorities_of_profile_for_matching(membership: Membership, profile):
    """The priorities of one profile from this matching body's queue (see `profiles_for_matching`)."""
    from priorities.models import ProfilePriority

    la_ids = list(las_served_by(membership).values_list("pk", flat=True))
    return ProfilePriority.objects.with_scope(la=la_ids).filter(profile=profile)


def get_profile_for_matching(membership: Membership, profile_id: int):
    """One submitted profile this matching body may read (any year); any other is a 404."""
    return get_object_or_404(profiles_for_matching(membership), pk=profile_id)


# The register of supporting schools is national: callers read it with scopes disabled.
def get_register_entry(register_id: int):
    """One entry of the national register of supporting schools, or 404."""
    from partnerships.models import SupportingSchool

    return get_object_or_404(SupportingSchool.objects.select_related("school"), pk=register_id)


def school_by_urn(urn) -> School | None:
    """The school with this URN in the register of schools, if any."""
    return School.objects.filter(urn=urn).first()


def is_on_register(school: School) -> bool:
    """Whether the school is already on the national register of supporting schools."""
    from partnerships.models import SupportingSchool

    return SupportingSchool.objects.filter(school=school).exists()
