"""Reading schools for a person. Views call these, never School.objects.get directly."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import access_for
from accounts.models import SCHOOL_ROLES

from .models import School


def schools_visible_to(user, la) -> QuerySet[School]:
    """The schools of `la` this person may see (runs inside the LA's scope)."""
    access = access_for(user, la.pk)
    schools = School.objects.all()
    if access.is_la_admin:
        return schools
    return schools.filter(pk__in=access.sip_school_ids | access.school_ids(*SCHOOL_ROLES))


def get_school_for_user(request, urn: str) -> School:
    """The school with this URN in the request's LA, if the person may see it; else 404."""
    school = get_object_or_404(School.objects.select_related("la"), urn=urn)
    if not request.user.has_perm("schools.view_school", school):
        raise Http404("No such school")
    return school
