from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.access import memberships_of
from accounts.models import NATIONAL_ROLES, Role
from tenancy.academic_year import academic_year_label, year_from_request, year_links

from .selectors import (
    gaining_ground_schools_for,
    get_profile_for_matching,
    get_register_entry,
    is_on_register,
    las_served_by,
    matching_years,
    priorities_of_profile_for_matching,
    profiles_for_matching,
    school_by_urn,
)


def get_national_membership(request, body: str):
    """The person's membership of the national body named in the URL, or 404."""
    for membership in memberships_of(request.user):
        if membership.role in NATIONAL_ROLES and membership.national_body.kind == body:
            return membership
    raise Http404("No such page")


def national_home(request, membership):
    """The home page of a national body without a dashboard: its LAs and their Gaining Ground schools."""
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
    from partnerships.selectors import open_proposal_state

    membership = _matching_membership(request, body)
    year = year_from_request(request)
    profiles = profiles_for_matching(membership, year).annotate(match_state=open_proposal_state())
    return render(
        request,
        "national/profiles.html",
        {
            "membership": membership,
            "profiles": Paginator(profiles, PER_PAGE).get_page(request.GET.get("page")),
            "year_label": academic_year_label(year),
            "years": year_links(year, matching_years(membership)),
        },
    )


# Rows on one page of the queue and of the register.
PER_PAGE = 50
# How many eligible candidates the page lists, and how many excluded ones with their reasons.
SHOWN_CANDIDATES = 10
SHOWN_EXCLUDED = 25


def profile(request, body, profile_id):
    """A submitted Form 1 with its ranked candidates; staff choose one and propose it."""
    from partnerships import services as partnership_services
    from partnerships.forms import ProposeForm
    from partnerships.matching import EXCLUSIONS, PART_LABELS, WEIGHTS
    from partnerships.selectors import (
        proposal_answerers,
        proposals_of,
        proposed_school_named,
        ranked_candidates,
        with_details,
    )

    membership = _matching_membership(request, body)
    found = get_profile_for_matching(membership, profile_id)
    candidates = ranked_candidates(found)
    eligible = [c for c in candidates if not c.excluded]
    excluded = [c for c in candidates if c.excluded]
    shown = eligible[:SHOWN_CANDIDATES]
    proposed = next((c for c in candidates if c.proposed_by_head), None)
    if proposed is not None and not proposed.excluded and proposed not in shown:
        shown.append(proposed)
    with_details([*shown, *excluded[:SHOWN_EXCLUDED], *([proposed] if proposed else [])])
    history = proposals_of(found)
    open_proposal = next((p for p in history if p.state in ("proposed", "accepted")), None)
    form = ProposeForm(request.POST or None, candidates=shown)
    answerers = proposal_answerers([c.school for c in shown])
    for candidate in shown:
        candidate.answer_warning = answerers[candidate.school.pk].warning
    if request.method == "POST" and open_proposal is None and form.is_valid():
        try:
            values = dict(form.cleaned_data)
            partnership_services.match_propose(
                actor=request.user,
                profile=found,
                body=membership.national_body,
                request=request,
                partner_school_id=values.pop("partner_school"),
                **values,
            )
        except partnership_services.PartnershipError as error:
            from common.forms import add_domain_error

            add_domain_error(form, error)
        else:
            answerer = answerers.get(form.cleaned_data["partner_school"])
            if answerer is None or answerer.answers_online:
                messages.success(request, "Proposed. The partner school's headteacher has been asked to accept.")
            else:
                messages.warning(request, f"Proposed. {answerer.warning}")
            return redirect("national:profile", body, found.pk)
    reasons = Counter(EXCLUSIONS[code] for c in excluded for code in c.excluded_by)
    return render(
        request,
        "national/profile.html",
        {
            "membership": membership,
            "profile": found,
            "priorities": priorities_of_profile_for_matching(membership, found),
            "candidates": shown,
            "excluded": excluded[:SHOWN_EXCLUDED],
            "excluded_more": max(0, len(excluded) - SHOWN_EXCLUDED),
            "excluded_reasons": sorted(reasons.items()),
            "eligible_count": len(eligible),
            "proposed": proposed,
            "proposed_school": proposed_school_named(found) if proposed is None else None,
            "weights": [(PART_LABELS[k], w) for k, w in WEIGHTS.items()],
            "history": history,
            "open_proposal": open_proposal,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def register(request, body):
    """The register of supporting schools, in every LA."""
    from partnerships.selectors import register_for_matching

    membership = _matching_membership(request, body)
    register = Paginator(register_for_matching(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "national/register.html", {"membership": membership, "register": register})


def register_edit(request, body, register_id=None):
    from partnerships.forms import RegisterForm
    from partnerships.services import PartnershipError, supporting_school_save

    membership = _matching_membership(request, body)
    with scopes_disabled():
        instance = get_register_entry(register_id) if register_id else None
        form = RegisterForm(request.POST or None, instance=instance)
        if request.method == "POST" and form.is_valid():
            register = form.save(commit=False)
            if instance is None:
                school = school_by_urn(form.cleaned_data["urn"])
                if school is None:
                    form.add_error("urn", "No school has this URN in the register of schools.")
                elif is_on_register(school):
                    form.add_error("urn", f"{school.name} is already on the register.")
                else:
                    register.school = school
            if not form.errors:
                try:
                    supporting_school_save(actor=request.user, register=register, request=request)
                except PartnershipError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, f"Saved {register.school.name}.")
                    return redirect("national:register", body)
        return render(
            request,
            "form_page.html",
            {
                "form": form,
                "page_title": f"{instance.school.name} on the register" if instance else "Add a supporting school",
                "caption": membership.national_body.name,
                "back_url": reverse("national:register", args=[body]),
                "button": "Save",
            },
            status=400 if form.errors else 200,
        )


def partnerships(request, body):
    """Every partnership of the LAs this body serves, with Form 2's state and the days used."""
    from partnerships.selectors import partnerships_for_body

    membership = _matching_membership(request, body)
    year = year_from_request(request)
    return render(
        request,
        "national/partnerships.html",
        {
            "membership": membership,
            "partnerships": partnerships_for_body(body, year),
            "year_label": academic_year_label(year),
            "years": year_links(year, []),
        },
    )
