"""The school's priorities and improvement plan: object helper → form → service → response."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from common.conflicts import Conflict, VersionConflict
from common.errors import DomainError
from common.forms import add_domain_error
from tenancy.academic_year import academic_year_label, current_academic_year, year_from_request, year_links

from ..forms import MilestoneFormSet, PlanActionForm, PriorityForm, ReviewForm, YearEndForm, add_correction_reason
from . import selectors, services
from .selectors import (
    get_plan_action_for_edit,
    get_plan_school_for_edit,
    get_plan_school_for_user,
    get_priority_for_edit,
    get_year_end_action_for_edit,
)


def priority_list(request, la_code, urn):
    school = get_plan_school_for_user(request, urn)
    priorities = list(selectors.priorities_of(school))
    differences = selectors.form1_differences(school, priorities)
    for priority in priorities:
        priority.form1_row = differences.get(priority.pk)
    return render(
        request,
        "priorities/priority_list.html",
        {
            "school": school,
            "priorities": priorities,
            "can_edit": request.user.has_perm("priorities.change_priorities", school),
            "can_correct": request.user.has_perm("priorities.correct_history", school),
        },
    )


def priority_edit(request, la_code, urn, priority_id=None):
    if priority_id:
        priority = get_priority_for_edit(request, urn, priority_id)
        school = priority.school
    else:
        priority, school = None, get_plan_school_for_edit(request, urn)
    form = PriorityForm(
        request.POST or None, instance=priority, initial={"version": priority.version if priority else 0}
    )
    if priority is not None and priority.is_history:
        add_correction_reason(form)
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.priority_save(
                actor=request.user,
                school=school,
                priority=priority,
                values=values,
                version=form.cleaned_data.get("version"),
                correction_reason=form.cleaned_data.get("correction_reason", ""),
                request=request,
            )
        except VersionConflict as error:
            saved = selectors.priority_as_saved(priority)
            conflict = Conflict.for_form(form, saved, error=error, version=saved.version)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Priority “{values['title']}” saved.")
            return redirect("schools:priorities:list", la_code, urn)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": "Change a priority" if priority else "Add a priority",
            "caption": school.name,
            "back_url": reverse("schools:priorities:list", args=[la_code, urn]),
            "button": "Save the priority",
            "conflict": conflict,
        },
    )


def plan(request, la_code, urn):
    school = get_plan_school_for_user(request, urn)
    year = min(year_from_request(request), current_academic_year())  # no plan for next year yet
    page = selectors.plan_page(school, year)
    return render(
        request,
        "priorities/plan.html",
        {
            "school": school,
            "years": year_links(year, selectors.plan_years(school)),
            "year": year,
            "year_label": academic_year_label(year),
            "can_edit": not page["is_history"] and request.user.has_perm("priorities.change_priorities", school),
            "can_correct": page["is_history"] and request.user.has_perm("priorities.correct_history", school),
            **page,
        },
    )


def plan_action(request, la_code, urn, action_id=None, priority_id=None):
    if action_id:
        action = get_plan_action_for_edit(request, urn, action_id)
        priority = action.priority
    else:
        action, priority = None, get_priority_for_edit(request, urn, priority_id)
    school = priority.school
    form = PlanActionForm(request.POST or None, instance=action, initial={"version": action.version if action else 0})
    if priority.is_history:
        add_correction_reason(form)
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
    conflict = None
    if request.method == "POST" and form.is_valid() and milestones.is_valid():
        try:
            services.plan_action_save(
                actor=request.user,
                priority=priority,
                action=action,
                version=form.cleaned_data.get("version") or 0,
                values={name: form.cleaned_data[name] for name in form.Meta.fields},
                milestones=[m.cleaned_data for m in milestones if not m.is_empty()],
                correction_reason=form.cleaned_data.get("correction_reason", ""),
                request=request,
            )
        except VersionConflict as error:
            saved = selectors.plan_action_as_saved(action)
            conflict = Conflict.for_form(form, saved, error=error, version=saved.version)
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
            "conflict": conflict,
        },
    )


def plan_review(request, la_code, urn, action_id):
    action = selectors.get_plan_action_for_review(request, urn, action_id)
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
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": "Review the status of an action",
            "caption": action.description[:100],
            "back_url": back,
            "button": "Save the review",
        },
    )


def plan_year_end(request, la_code, urn):
    """Actions left open when their year ended: carry each into this year, or close it with a reason."""
    school = get_plan_school_for_edit(request, urn)
    chosen = None
    if request.method == "POST":
        action = get_year_end_action_for_edit(request, urn, _int(request.POST.get("action")))
        chosen = YearEndForm(request.POST, prefix=f"action-{action.pk}")
        if chosen.is_valid():
            try:
                services.plan_action_year_end(actor=request.user, action=action, request=request, **chosen.cleaned_data)
            except DomainError as error:
                add_domain_error(chosen, error)
            else:
                done = "carried into this year" if chosen.cleaned_data["decision"] == "carried" else "closed"
                messages.success(request, f"“{action.description[:80]}” {done}.")
                return redirect(request.path)
    rows = []
    for action in selectors.year_end_actions(school):
        form = chosen if chosen is not None and chosen.prefix == f"action-{action.pk}" else None
        rows.append((action, form or YearEndForm(prefix=f"action-{action.pk}")))
    return render(
        request,
        "priorities/plan_year_end.html",
        {
            "school": school,
            "rows": rows,
            "errors": chosen if chosen is not None and chosen.errors else None,
            "back_url": reverse("schools:priorities:plan", args=[la_code, urn]),
        },
    )


def _int(value) -> int:
    return int(value) if value and str(value).isdigit() else 0
