import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from schools.selectors import get_school_for_user
from sipportal.errors import DomainError
from sipportal.forms import add_domain_error, error_summary_items
from tenancy.academic_year import current_academic_year

from . import services
from .forms import (
    ContactsForm,
    MilestoneFormSet,
    MostImportantForm,
    PartnershipsForm,
    PlanActionForm,
    PriorityForm,
    ProfilePriorityFormSet,
    ReviewForm,
    TransitionForm,
)
from .models import Milestone, PlanAction, Priority, PriorityProfile


def _form_page(request, form, *, title, caption, back_url, button, intro="", status=200):
    return render(
        request,
        "form_page.html",
        {"form": form, "page_title": title, "caption": caption, "back_url": back_url, "button": button, "intro": intro},
        status=status,
    )


# --- improvement priorities ---------------------------------------------------------------------


def priority_list(request, la_code, urn):
    school = get_school_for_user(request, urn)
    return render(
        request,
        "priorities/priority_list.html",
        {
            "school": school,
            "priorities": Priority.objects.filter(school=school),
            "can_edit": request.user.has_perm("priorities.change_priorities", school),
        },
    )


def priority_edit(request, la_code, urn, priority_id=None):
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("priorities.change_priorities", school):
        raise PermissionDenied
    priority = get_object_or_404(Priority, pk=priority_id, school=school) if priority_id else None
    form = PriorityForm(request.POST or None, instance=priority)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.priority_save(actor=request.user, school=school, priority=priority, values=values, request=request)
        messages.success(request, f"Priority “{values['title']}” saved.")
        return redirect("schools:priorities:list", la_code, urn)
    return _form_page(
        request,
        form,
        title="Change a priority" if priority else "Add a priority",
        caption=school.name,
        back_url=reverse("schools:priorities:list", args=[la_code, urn]),
        button="Save the priority",
    )


# --- Form 1 -------------------------------------------------------------------------------------


def _profile_school(request, urn):
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("priorities.view_profile", school):
        raise Http404("No such page")
    return school


def _profile(request, school, profile_id) -> PriorityProfile:
    return get_object_or_404(
        PriorityProfile.objects.select_related("school", "school__la", "matching_body"), pk=profile_id, school=school
    )


def profile_home(request, la_code, urn):
    """This year's profile, or the button to start it."""
    school = _profile_school(request, urn)
    can_edit = request.user.has_perm("priorities.change_profile", school)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        profile = services.profile_start(actor=request.user, school=school, request=request)
        return redirect("schools:priorities:profile", la_code, urn, profile.pk)
    profiles = list(PriorityProfile.objects.filter(school=school))
    this_year = current_academic_year()
    return render(
        request,
        "priorities/profile_home.html",
        {
            "school": school,
            "profiles": profiles,
            "can_edit": can_edit,
            "started_this_year": any(p.academic_year == this_year for p in profiles),
        },
    )


def _sections(profile):
    """The task list: each section and whether it is complete."""
    filled = profile.priorities.all()
    contacts = all(getattr(profile, n) for n in services.CONTACT_FIELDS)
    partnerships = any(getattr(profile, n) for n in services.PARTNERSHIP_FIELDS)
    marked = sum(1 for p in filled if p.most_important)
    return [
        ("contacts", "Contact details", "Completed" if contacts else "Incomplete"),
        (
            "priorities",
            "Priorities and key focus areas",
            "Completed" if services.MIN_PRIORITIES <= len(filled) <= services.MAX_PRIORITIES else "Incomplete",
        ),
        ("partnerships", "Partnerships", "Completed" if partnerships else "Optional"),
        (
            "most-important",
            "The three most important issues",
            "Completed" if marked == 3 else "Not started" if marked == 0 else "Incomplete",
        ),
    ]


def profile_tasks(request, la_code, urn, profile_id):
    school = _profile_school(request, urn)
    profile = _profile(request, school, profile_id)
    editable = profile.state in services.EDITABLE_STATES and request.user.has_perm("priorities.change_profile", school)
    return render(
        request,
        "priorities/profile_tasks.html",
        {"school": school, "profile": profile, "sections": _sections(profile), "editable": editable},
    )


def _require_editable(request, school, profile):
    if not request.user.has_perm("priorities.change_profile", school) or profile.state not in services.EDITABLE_STATES:
        raise PermissionDenied


def profile_section(request, la_code, urn, profile_id, section):
    school = _profile_school(request, urn)
    profile = _profile(request, school, profile_id)
    _require_editable(request, school, profile)
    back = reverse("schools:priorities:profile", args=[la_code, urn, profile.pk])
    data = request.POST or None
    initial = {"lock_version": profile.lock_version}
    if section == "priorities":
        return _priorities_section(request, school, profile, back)
    if section == "most-important":
        rows = list(profile.priorities.all())
        form = MostImportantForm(
            data, priorities=rows, initial={**initial, "positions": [p.position for p in rows if p.most_important]}
        )
        title, button = "The three most important issues", "Save"
    else:
        form_class = {"contacts": ContactsForm, "partnerships": PartnershipsForm}.get(section)
        if form_class is None:
            raise Http404("No such section")
        form = form_class(data, instance=profile, initial=initial)
        title, button = ("Contact details" if section == "contacts" else "Partnerships"), "Save and continue"
    if request.method == "POST" and form.is_valid():
        try:
            if section == "most-important":
                services.profile_mark_most_important(
                    actor=request.user,
                    profile=profile,
                    lock_version=form.cleaned_data["lock_version"],
                    positions=form.cleaned_data["positions"],
                    request=request,
                )
            else:
                values = {name: form.cleaned_data[name] for name in form.Meta.fields}
                services.profile_save(
                    actor=request.user,
                    profile=profile,
                    lock_version=form.cleaned_data["lock_version"],
                    values=values,
                    request=request,
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(back)
    return _form_page(
        request, form, title=title, caption=f"{school.name} · School Priority Profile", back_url=back, button=button
    )


def _priorities_section(request, school, profile, back):
    rows = [
        {
            "priority": p.priority,
            "key_focus_areas": p.key_focus_areas,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "outline": p.outline,
        }
        for p in profile.priorities.all()
    ]
    formset = ProfilePriorityFormSet(request.POST or None, prefix="priorities", initial=rows)
    lock = TransitionForm(request.POST or None, initial={"lock_version": profile.lock_version})
    if request.method == "POST" and formset.is_valid() and lock.is_valid():
        try:
            services.profile_save(
                actor=request.user,
                profile=profile,
                lock_version=lock.cleaned_data["lock_version"],
                priorities=formset.rows(),
                request=request,
            )
        except DomainError as error:
            lock.add_error(None, error.message)
        else:
            return redirect(back)
    errors = [("", e) for e in formset.non_form_errors()] + error_summary_items([lock, *formset])
    return render(
        request,
        "priorities/profile_priorities.html",
        {"school": school, "profile": profile, "formset": formset, "lock": lock, "errors": errors, "back_url": back},
    )


def profile_check(request, la_code, urn, profile_id):
    """Check your answers, the history, and what this person may do with the profile now."""
    school = _profile_school(request, urn)
    profile = _profile(request, school, profile_id)
    allowed = services.allowed_transitions(request.user, profile)
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
        if name not in allowed:
            raise PermissionDenied
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
            except DomainError as error:
                add_domain_error(form, error)
            else:
                done = {
                    "send": "sent to the SIP",
                    "return": "returned to the headteacher",
                    "agree": "agreed",
                    "submit": f"submitted to {profile.matching_body.name}" if profile.matching_body else "submitted",
                }
                messages.success(request, f"The School Priority Profile is {done[name]}.")
                return redirect(request.path)
    return render(
        request,
        "priorities/profile_check.html",
        {
            "school": school,
            "profile": profile,
            "form": form,
            "allowed": allowed,
            "problems": services.profile_problems(profile, for_agreement=profile.state != PriorityProfile.State.DRAFT),
            "events": profile.events.select_related("actor"),
            "can_new_version": profile.state == PriorityProfile.State.SUBMITTED
            and request.user.has_perm("priorities.change_profile", school),
            "editable": profile.state in services.EDITABLE_STATES
            and request.user.has_perm("priorities.change_profile", school),
        },
    )


def profile_print(request, la_code, urn, profile_id):
    school = _profile_school(request, urn)
    profile = _profile(request, school, profile_id)
    return render(
        request, "priorities/profile_print.html", {"profile": profile, "priorities": profile.priorities.all()}
    )


# --- the improvement plan -----------------------------------------------------------------------


def plan(request, la_code, urn):
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("priorities.view_plan", school):
        raise Http404("No such page")
    priorities = list(
        Priority.objects.filter(school=school, is_active=True).prefetch_related(
            Prefetch("actions", queryset=PlanAction.objects.prefetch_related("milestones", "reviews__reviewed_by"))
        )
    )
    today = timezone.localdate()
    milestones = Milestone.objects.filter(
        action__priority__school=school, done_on__isnull=True, due_on__isnull=False
    ).select_related("action")
    return render(
        request,
        "priorities/plan.html",
        {
            "school": school,
            "priorities": priorities,
            "overdue": [m for m in milestones if m.due_on < today],
            "due_soon": [m for m in milestones if today <= m.due_on <= today + datetime.timedelta(days=31)],
            "missing": services.plan_quality(priorities),
            "can_edit": request.user.has_perm("priorities.change_priorities", school),
            "today": today,
        },
    )


def plan_action(request, la_code, urn, action_id=None, priority_id=None):
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("priorities.change_priorities", school):
        raise PermissionDenied
    if action_id:
        action = get_object_or_404(PlanAction.objects.select_related("priority"), pk=action_id, priority__school=school)
        priority = action.priority
    else:
        action = None
        priority = get_object_or_404(Priority, pk=priority_id, school=school)
    form = PlanActionForm(request.POST or None, instance=action, initial={"version": action.version if action else 0})
    milestones = MilestoneFormSet(
        request.POST or None,
        prefix="milestones",
        initial=[
            {"description": m.description, "due_on": m.due_on, "done_on": m.done_on} for m in action.milestones.all()
        ]
        if action
        else [],
    )
    back = reverse("schools:priorities:plan", args=[la_code, urn])
    if request.method == "POST" and form.is_valid() and milestones.is_valid():
        try:
            services.plan_action_save(
                actor=request.user,
                priority=priority,
                action=action,
                version=form.cleaned_data.get("version") or 0,
                values={name: form.cleaned_data[name] for name in form.Meta.fields},
                milestones=[m.cleaned_data for m in milestones if not m.is_empty()],
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Action saved.")
            return redirect(back)
    return render(
        request,
        "priorities/plan_action.html",
        {
            "school": school,
            "priority": priority,
            "action": action,
            "form": form,
            "milestones": milestones,
            "back_url": back,
        },
    )


def plan_review(request, la_code, urn, action_id):
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("priorities.change_priorities", school):
        raise PermissionDenied
    action = get_object_or_404(PlanAction.objects.select_related("priority"), pk=action_id, priority__school=school)
    form = ReviewForm(request.POST or None, initial={"rag": action.rag or None})
    back = reverse("schools:priorities:plan", args=[la_code, urn])
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_review(actor=request.user, action=action, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Status reviewed.")
            return redirect(back)
    return _form_page(
        request,
        form,
        title="Review the status of an action",
        caption=action.description[:100],
        back_url=back,
        button="Save the review",
    )
