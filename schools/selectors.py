"""Reading schools for a person. Views call these, never School.objects.get directly."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import access_for
from accounts.models import SCHOOL_PAGE_ROLES
from audit.models import Action
from audit.services import audit_record
from caseload.models import SipAssignment
from tenancy.academic_year import current_academic_year

from .models import (
    DataImport,
    EligibilityAssessment,
    EligibilityCriterion,
    NationalAverage,
    PerformanceResult,
    School,
    SchoolLink,
)


def schools_visible_to(user, la) -> QuerySet[School]:
    """The schools of `la` this person may see (runs inside the LA's scope)."""
    access = access_for(user, la.pk)
    schools = School.objects.all()
    if access.is_la_admin:
        return schools
    return schools.filter(pk__in=access.sip_school_ids | access.school_ids(*SCHOOL_PAGE_ROLES))


def school_list_rows(user, la) -> QuerySet[School]:
    """The school list with this year's SIP and the count of criteria met, in one query."""
    sip_now = SipAssignment.objects.filter(school=OuterRef("pk"), academic_year=current_academic_year())
    met = (
        EligibilityAssessment.objects.filter(school=OuterRef("pk"), finding=EligibilityAssessment.Finding.MET)
        .values("school")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        schools_visible_to(user, la)
        .select_related("la")
        .annotate(
            sip_name=Subquery(sip_now.values("sip__full_name")[:1]),
            criteria_met=Coalesce(Subquery(met, output_field=IntegerField()), Value(0)),
        )
    )


def get_school_for_user(request, urn: str) -> School:
    """The school with this URN in the request's LA, if the person may see it; else 404."""
    school = get_object_or_404(School.objects.select_related("la"), urn=urn)
    if not request.user.has_perm("schools.view_school", school):
        audit_record(
            action=Action.ACCESS_DENIED,
            request=request,
            obj=school,
            detail={"path": request.path[:500], "reason": "No role in this school"},
        )
        raise Http404("No such school")
    return school


def get_school_for_edit(request, urn: str) -> School:
    """As get_school_for_user; PermissionDenied for people who may read the school but not change it."""
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("schools.change_school", school):
        raise PermissionDenied("You can read this school's record but not change it.")
    return school


def get_school_for_register_edit(request, urn: str) -> School:
    """As get_school_for_user; PermissionDenied for people who may read the school but not manage the register."""
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("schools.manage_register", school):
        raise PermissionDenied
    return school


def school_links(school: School) -> tuple[list[SchoolLink], list[SchoolLink]]:
    """The school's links from GIAS: (its predecessors, its successors), with both schools loaded."""
    links = list(
        SchoolLink.objects.filter(Q(successor=school) | Q(predecessor=school)).select_related(
            "predecessor__la", "successor__la"
        )
    )
    return [x for x in links if x.successor_id == school.pk], [x for x in links if x.predecessor_id == school.pk]


def results_across_links(own: list, predecessor_links: list[SchoolLink]) -> tuple[list, dict[int, School]]:
    """The school's results (`own`), and its predecessors' for the years before it has any of its own.

    Returns the results and {academic year: predecessor} for the years taken from a predecessor,
    so a trend reads across an academy conversion and the page can say where the join is.
    """
    own_years = {r.academic_year for r in own}
    first_own = min(own_years, default=None)
    joined: dict[int, School] = {}
    predecessors = {link.predecessor_id: link.predecessor for link in predecessor_links}
    if not predecessors:
        return own, joined
    taken = []
    for result in PerformanceResult.objects.filter(school_id__in=predecessors).order_by("academic_year"):
        year = result.academic_year
        if year in own_years or (first_own is not None and year > first_own):
            continue
        if joined.setdefault(year, predecessors[result.school_id]).pk != result.school_id:
            continue  # an amalgamation: one predecessor's figures a year, the first linked
        taken.append(result)
    return taken + own, joined


def get_link_for_confirming(request, school: School, link_id: int) -> SchoolLink:
    """A link naming `school` as successor, for its LA's administrators; 404 or PermissionDenied."""
    link = get_object_or_404(
        SchoolLink.objects.select_related("predecessor__la", "successor__la"), pk=link_id, successor=school
    )
    if not request.user.has_perm("schools.manage_register", school):
        raise PermissionDenied("Only the LA's administrators confirm a school's successor.")
    return link


def sip_assignment_of(school, year: int):
    """The school's SIP assignment in that academic year, with the SIP, or None."""
    return SipAssignment.objects.filter(school=school, academic_year=year).select_related("sip").first()


def national_averages() -> list:
    """The national reference figures of every year and group (reference data, not an LA's)."""
    return list(NationalAverage.objects.all())


def eligibility_criteria():
    """The handbook's ten Gaining Ground criteria, in order."""
    return EligibilityCriterion.objects.all()


def get_criterion(number: int) -> EligibilityCriterion:
    return get_object_or_404(EligibilityCriterion, number=number)


def assessment_of(school, criterion) -> EligibilityAssessment | None:
    return EligibilityAssessment.objects.filter(school=school, criterion=criterion).first()


def school_as_saved(school) -> School:
    """The school as it is saved now, to show beside what someone typed after an edit conflict."""
    return School.objects.get(pk=school.pk)


def recent_imports():
    """The LA's last 20 imports, newest first (inside the LA's scope)."""
    return DataImport.objects.select_related("requested_by")[:20]


def get_import_for_la(import_id: int) -> DataImport:
    """One of the LA's imports (inside its scope), or 404."""
    return get_object_or_404(DataImport.objects.select_related("requested_by"), pk=import_id)
