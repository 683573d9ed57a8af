from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.access import memberships_of
from accounts.models import NATIONAL_ROLES, Role
from tenancy.academic_year import academic_year_label, year_from_request, year_links

from .selectors import (
    gaining_ground_schools_for,
    las_served_by,
    matching_years,
    priorities_of_profile_for_matching,
    profiles_for_matching,
)


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
            "matches": membership.role in (Role.SSAT, Role.NATIONAL_COLLEGE),
        },
    )


def _matching_membership(request, body):
    membership = get_national_membership(request, body)
    if membership.role not in (Role.SSAT, Role.NATIONAL_COLLEGE):
        raise Http404("No such page")
    return membership


def profiles(request, body):
    membership = _matching_membership(request, body)
    year = year_from_request(request)
    return render(
        request,
        "national/profiles.html",
        {
            "membership": membership,
            "profiles": profiles_for_matching(membership, year),
            "year_label": academic_year_label(year),
            "years": year_links(year, matching_years(membership)),
        },
    )


def profile(request, body, profile_id):
    membership = _matching_membership(request, body)
    found = get_object_or_404(profiles_for_matching(membership), pk=profile_id)
    return render(
        request,
        "national/profile.html",
        {
            "membership": membership,
            "profile": found,
            "priorities": priorities_of_profile_for_matching(membership, found),
        },
    )
