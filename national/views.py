from django.http import Http404
from django.shortcuts import render

from accounts.access import memberships_of
from accounts.models import NATIONAL_ROLES

from .selectors import gaining_ground_schools_for, las_served_by


def get_national_membership(request, body: str):
    """The person's membership of the national body named in the URL, or 404."""
    for membership in memberships_of(request.user):
        if membership.role in NATIONAL_ROLES and membership.national_body.kind == body:
            return membership
    raise Http404("No such page")


def national_home(request, body):
    membership = get_national_membership(request, body)
    return render(
        request,
        "national/home.html",
        {
            "membership": membership,
            "las": las_served_by(membership),
            "schools": gaining_ground_schools_for(membership),
        },
    )
