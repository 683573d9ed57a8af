from django.shortcuts import render

from accounts.models import Invitation, Membership
from schools.models import School
from schools.selectors import schools_visible_to


def la_home(request, la_code):
    """The LA overview: what this person can do here, by role."""
    access = request.access
    context = {
        "memberships": access.memberships,
        "schools": schools_visible_to(request.user, request.la).select_related("la")[:25],
    }
    if access.is_la_admin:
        pending = [i for i in Invitation.objects.filter(accepted_at=None, revoked_at=None) if i.is_usable]
        context.update(
            school_count=School.objects.count(),
            gaining_ground_count=School.objects.in_gaining_ground().count(),
            people_count=Membership.objects.values("user").distinct().count(),
            pending_invitations=len(pending),
        )
    return render(request, "tenancy/la_home.html", context)
