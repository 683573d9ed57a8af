"""Reading schools for a person. Views call these, never School.objects.get directly."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import access_for
from accounts.models import SCHOOL_ROLES
from audit.models import Action
from audit.services import audit_record
from caseload.models import SipAssignment
from tenancy.academic_year import current_academic_year

from .models import EligibilityAssessment, School


def schools_visible_to(user, la) -> QuerySet[School]:
    """The schools of `la` this person may see (runs inside the LA's scope)."""
    access = access_for(user, la.pk)
    schools = School.objects.all()
    if access.is_la_admin:
        return schools
    return schools.filter(pk__in=access.sip_school_ids | access.school_ids(*SCHOOL_ROLES))


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
