"""Form 1 pages: object helper → form → service → response."""

from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from common.conflicts import Conflict, ConflictRow, VersionConflict, display, set_version
from common.errors import DomainError
from common.forms import add_domain_error, error_summary_items

from ..forms import (
    CarryOverForm,
    ContactsForm,
    LockedForm,
    MostImportantForm,
    PartnershipsForm,
    ProfilePriorityFormSet,
    TransitionForm,
    add_correction_reason,
)
from ..models import PriorityProfile
from . import selectors, services
from .selectors import get_profile_for_user, get_profile_school_for_edit, get_profile_school_for_user

SECTION_FORMS = {"contacts": (ContactsForm, "Contact details"), "partnerships": (PartnershipsForm, "Partnerships")}


def profile_home(request, la_code, urn):
    """This year's profile, or the button to start it."""
    if request.method == "POST":
        school = get_profile_school_for_edit(request, urn)
        try:
            profile = services.profile_start(actor=request.user, school=school, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        return redirect("schools:priorities:profile", la_code, urn, profile.pk)
    school = get_profile_school_for_user(request, urn)
    can_start = request.user.has_perm("priorities.change_profile", school)
    profiles = list(selectors.profiles_of(school))
    return render(
        request,
        "priorities/profile_home.html",
        {
            "school": school,
            "profiles": profiles,
            "can_edit": can_start and school.in_gaining_ground,
            "started_this_year": any(not p.is_history for p in profiles),
        },
    )


def profile_tasks(request, la_code, urn, profile_id):
    profile = get_profile_for_user(request, urn, profile_id)
    return render(
        request,
        "priorities/profile_tasks.html",
        {
            "school": profile.school,
            "profile": profile,
            "sections": selectors.sections(profile),
            "editable": profile.can_edit(request.user),
            "refusal": profile.edit_refusal(request.user),
            "returned": selectors.latest_return(profile),
        },
    )


def profile_section(request, la_code, urn, profile_id, section):
    profile = get_profile_for_user(request, urn, profile_id)
    school = profile.school
    if section not in (*SECTION_FORMS, "priorities", "most-important", "last-year"):
        raise Http404("No such section")
    back = reverse("schools:priorities:profile", args=[la_code, urn, profile.pk])
    refusal = profile.edit_refusal(request.user)
    if refusal:
        # Say why rather than a bare 403; a POST is still refused.
        return render(
            request,
            "priorities/profile_locked.html",
            {"school": school, "profile": profile, "refusal": refusal, "back_url": back},
            status=403 if request.method == "POST" else 200,
        )
    if section == "priorities":
        return _priorities_section(request, profile, back)
    if section == "last-year":
        if profile.is_history:
            raise Http404("An earlier year's carry-over is not corrected")
        return _last_year_section(request, profile, back)
    data = request.POST or None
    initial = {"lock_version": profile.lock_version}
    if section == "most-important":
        rows = list(profile.priorities.all())
        form = MostImportantForm(
            data, priorities=rows, initial={**initial, "positions": [p.position for p in rows if p.most_important]}
        )
        title, button = "The three most important issues", "Save"
    else:
        form_class, title = SECTION_FORMS[section]
        form = form_class(data, instance=profile, initial=initial)
        button = "Save and continue"
    if profile.is_history:
        add_correction_reason(form)
    correction = {"correction_reason": data.get("correction_reason", "")} if data and profile.is_history else {}
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            if section == "most-important":
                services.profile_mark_most_important(
                    actor=request.user,
                    profile=profile,
                    lock_version=form.cleaned_data["lock_version"],
                    positions=form.cleaned_data["positions"],
                    request=request,
                    **correction,
                )
            else:
                services.profile_save(
                    actor=request.user,
                    profile=profile,
                    lock_version=form.cleaned_data["lock_version"],
                    section=section,
                    values={name: form.cleaned_data[name] for name in form.Meta.fields},
                    request=request,
                    **correction,
                )
        except VersionConflict as error:
            saved = selectors.profile_as_saved(profile)
            if section == "most-important":
                marked = sorted(p.position for p in saved.priorities.all() if p.most_important)
                form.cleaned_data["positions"] = sorted(form.cleaned_data["positions"])
                compare = SimpleNamespace(positions=marked)
            else:
                compare = saved
            conflict = Conflict.for_form(
                form, compare, error=error, version=saved.lock_version, version_field="lock_version"
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(back)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": title,
            "caption": f"{school.name} · School Priority Profile",
            "back_url": back,
            "button": button,
            "conflict": conflict,
        },
    )


def _last_year_section(request, profile, back):
    if profile.carried_from is None:
        raise Http404("This profile did not start from last year's")
    rows = list(profile.priorities.filter(from_last_year=True))
    form = CarryOverForm(request.POST or None, rows=rows, initial={"lock_version": profile.lock_version})
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_carry_over(
                actor=request.user,
                profile=profile,
                lock_version=form.cleaned_data["lock_version"],
                decisions=form.decisions(),
                request=request,
            )
        except VersionConflict as error:
            form.add_error(None, error.message)
            set_version(form, selectors.profile_as_saved(profile).lock_version, field="lock_version")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if "change" in form.decisions().values():
                messages.success(request, "Now change the priorities you chose to change.")
                return redirect(selectors.section_url(profile, "priorities"))
            return redirect(back)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": "Last year's priorities",
            "caption": f"{profile.school.name} · School Priority Profile {profile.year_label}",
            "intro": f"This profile starts from the priorities of {profile.carried_from.year_label}. "
            "For each, say whether this year's profile keeps it, keeps it to change, or drops it.",
            "back_url": back,
            "button": "Save and continue",
        },
    )


def _priority_rows_in_words(rows) -> list[str]:
    return [
        f"{r['priority']}: {r['key_focus_areas']} ({display(r['starts_on'])} to {display(r['ends_on'])})" for r in rows
    ]


def _priorities_section(request, profile, back):
    saved_rows = [
        {
            "priority": p.priority,
            "key_focus_areas": p.key_focus_areas,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "outline": p.outline,
        }
        for p in profile.priorities.all()
    ]
    formset = ProfilePriorityFormSet(request.POST or None, prefix="priorities", initial=saved_rows)
    lock = LockedForm(request.POST or None, initial={"lock_version": profile.lock_version})
    if profile.is_history:
        add_correction_reason(lock)
    conflict = None
    if request.method == "POST" and formset.is_valid() and lock.is_valid():
        try:
            services.profile_save(
                actor=request.user,
                profile=profile,
                lock_version=lock.cleaned_data["lock_version"],
                section="priorities",
                priorities=formset.rows(),
                correction_reason=lock.cleaned_data.get("correction_reason", ""),
                request=request,
            )
        except VersionConflict as error:
            saved = selectors.profile_as_saved(profile)
            theirs = _priority_rows_in_words(
                [
                    {
                        "priority": p.priority,
                        "key_focus_areas": p.key_focus_areas,
                        "starts_on": p.starts_on,
                        "ends_on": p.ends_on,
                    }
                    for p in saved.priorities.all()
                ]
            )
            yours = _priority_rows_in_words(formset.rows())
            rows = [
                ConflictRow(label=f"Priority {n}", saved=a, typed=b)
                for n, (a, b) in enumerate(_padded(theirs, yours), start=1)
                if a != b
            ]
            lock.add_error(None, error.message)
            set_version(lock, saved.lock_version, field="lock_version")
            conflict = Conflict(message=error.message, rows=rows)
        except DomainError as error:
            lock.add_error(None, error.message)
        else:
            return redirect(back)
    errors = [("", e) for e in formset.non_form_errors()] + error_summary_items([lock, *formset])
    return render(
        request,
        "priorities/profile_priorities.html",
        {
            "school": profile.school,
            "profile": profile,
            "formset": formset,
            "lock": lock,
            "errors": errors,
            "back_url": back,
            "conflict": conflict,
        },
    )


def _padded(theirs: list[str], yours: list[str]):
    length = max(len(theirs), len(yours))
    none = "Not provided"
    return zip(theirs + [none] * (length - len(theirs)), yours + [none] * (length - len(yours)), strict=True)


def profile_check(request, la_code, urn, profile_id):
    """Check your answers, the history, and what this person may do with the profile now."""
    profile = get_profile_for_user(request, urn, profile_id)
    school = profile.school
    offered = selectors.offered_transitions(request.user, profile)
    form = TransitionForm(request.POST or None, initial={"lock_version": profile.lock_version})
    if request.method == "POST":
        name = request.POST.get("transition", "")
        if name == "new-version":
            try:
                copy = services.profile_new_version(actor=request.user, profile=profile, request=request)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect(request.path)
            messages.success(request, f"Version {copy.version_number} started as a draft.")
            return redirect("schools:priorities:profile", la_code, urn, copy.pk)
        transition = selectors.get_transition_for_user(name, offered)
        if form.is_valid():
            try:
                profile = services.profile_transition(
                    actor=request.user,
                    profile=profile,
                    name=name,
                    lock_version=form.cleaned_data["lock_version"],
                    comment=form.cleaned_data["comment"],
                    request=request,
                )
            except VersionConflict:
                messages.error(
                    request,
                    "Someone changed this profile since you opened this page. Check the answers below "
                    f"again, then {transition.button[0].lower()}{transition.button[1:]}.",
                )
                return redirect(request.path)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                done = transition.done
                if name == "submit":
                    done = f"submitted to {profile.matching_body.name}"
                messages.success(request, f"The School Priority Profile is {done}.")
                return redirect(request.path)
    return render(
        request,
        "priorities/profile_check.html",
        {
            "school": school,
            "profile": profile,
            "form": form,
            "offered": offered,
            "asks_comment": any(t.needs_comment for t in offered),
            "warnings": selectors.warnings_for(profile, offered),
            "events": profile.events.select_related("actor"),
            "can_new_version": profile.state == PriorityProfile.State.SUBMITTED
            and not profile.is_history
            and request.user.has_perm("priorities.change_profile", school),
            "editable": profile.can_edit(request.user),
            "returned": selectors.latest_return(profile),
        },
    )


def profile_print(request, la_code, urn, profile_id):
    profile = get_profile_for_user(request, urn, profile_id)
    return render(
        request, "priorities/profile_print.html", {"profile": profile, "priorities": profile.priorities.all()}
    )
