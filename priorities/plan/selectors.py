"""Reads of the improvement plan: object helpers (404 for the wrong school, recorded) and page queries."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Min, Prefetch, Subquery
from django.utils import timezone

from tenancy.academic_year import academic_year_dates, academic_year_of, current_academic_year

from .._access import get_school_with_perm, not_found
from ..models import Milestone, PlanAction, Priority, PriorityProfile, ProfilePriority

CHANGE_REFUSED = "The school's headteacher and its SIP change the plan; you can read it."
HISTORY_REFUSED = (
    "This belongs to an earlier year's plan, which is kept as history and no longer changes. "
    "An LA administrator can correct it, giving a reason."
)


def get_plan_school_for_user(request, urn: str):
    """The school, for someone who may read its priorities and plan; a recorded 404 otherwise."""
    return get_school_with_perm(request, urn, "priorities.view_plan", what="improvement plan")


def get_plan_school_for_edit(request, urn: str):
    """As get_plan_school_for_user; PermissionDenied for someone who may read but not change it."""
    school = get_plan_school_for_user(request, urn)
    if not request.user.has_perm("priorities.change_priorities", school):
        raise PermissionDenied(CHANGE_REFUSED)
    return school


def _check_may_change(request, school, priority: Priority) -> None:
    """This year's plan: the head and the SIP. An earlier year's: only an LA administrator, to correct it."""
    if priority.is_history:
        if not request.user.has_perm("priorities.correct_history", school):
            raise PermissionDenied(HISTORY_REFUSED)
    elif not request.user.has_perm("priorities.change_priorities", school):
        raise PermissionDenied(CHANGE_REFUSED)


def get_priority_for_edit(request, urn: str, priority_id: int) -> Priority:
    school = get_plan_school_for_user(request, urn)
    priority = Priority.objects.select_related("school", "school__la").filter(pk=priority_id, school=school).first()
    if priority is None:
        raise not_found(request, f"priority {priority_id}")
    _check_may_change(request, school, priority)
    return priority


def get_plan_action_for_edit(request, urn: str, action_id: int) -> PlanAction:
    school = get_plan_school_for_user(request, urn)
    action = (
        PlanAction.objects.select_related("priority", "priority__school", "priority__school__la")
        .filter(pk=action_id, priority__school=school)
        .first()
    )
    if action is None:
        raise not_found(request, f"plan action {action_id}")
    _check_may_change(request, school, action.priority)
    return action


def get_plan_action_for_review(request, urn: str, action_id: int) -> PlanAction:
    """As get_plan_action_for_edit; an earlier year's action is corrected as a whole, not re-reviewed (403)."""
    action = get_plan_action_for_edit(request, urn, action_id)
    if action.priority.is_history:
        raise PermissionDenied(HISTORY_REFUSED)
    return action


def form1_differences(school, priorities) -> dict[int, ProfilePriority]:
    """Priorities that differ from the school's latest agreed Form 1, with the Form 1 row to compare."""
    latest_agreed = (
        PriorityProfile.objects.filter(
            school=school, state__in=(PriorityProfile.State.AGREED, PriorityProfile.State.SUBMITTED)
        )
        .order_by("-academic_year", "-version_number")
        .values("pk")[:1]
    )
    # One query whether or not there is an agreed profile, so the page costs the same every year.
    rows = {row.priority: row for row in ProfilePriority.objects.filter(profile=Subquery(latest_agreed))}
    found = {}
    for priority in priorities:
        row = rows.get(priority.title)
        if row and (row.key_focus_areas, row.starts_on, row.ends_on) != (
            priority.key_focus_areas,
            priority.starts_on,
            priority.ends_on,
        ):
            found[priority.pk] = row
    return found


def year_end_actions(school):
    """Actions of priorities whose year has ended, not yet carried into this year or closed."""
    first_day = academic_year_dates(current_academic_year())[0]
    return (
        PlanAction.objects.filter(priority__school=school, priority__ends_on__lt=first_day, year_end="")
        .select_related("priority")
        .order_by("priority__ends_on", "priority__position", "pk")
    )


def get_year_end_action_for_edit(request, urn: str, action_id: int) -> PlanAction:
    """An action awaiting its year-end decision, for the head or SIP; recorded 404 otherwise."""
    school = get_plan_school_for_edit(request, urn)
    action = year_end_actions(school).filter(pk=action_id).first()
    if action is None:
        raise not_found(request, f"year-end plan action {action_id}")
    return action


def plan_years(school) -> list[int]:
    """The academic years the school has a plan for, newest first; always this year."""
    current = current_academic_year()
    first = Priority.objects.filter(school=school).aggregate(first=Min("starts_on"))["first"]
    start = min(academic_year_of(first), current) if first else current
    return list(range(current, start - 1, -1))


def plan_page(school, year: int) -> dict:
    """The plan of one academic year: priorities with actions, milestones and reviews.

    This year's plan is the school's active priorities, with the milestones to chase; an earlier
    year's is the priorities that ran in it, as history.
    """
    current = year >= current_academic_year()
    priorities = Priority.objects.filter(school=school, is_active=True) if current else Priority.objects.in_year(year)
    priorities = list(
        priorities.filter(school=school).prefetch_related(
            Prefetch("actions", queryset=PlanAction.objects.prefetch_related("milestones", "reviews__reviewed_by"))
        )
    )
    today = timezone.localdate()
    milestones = (
        Milestone.objects.filter(
            action__priority__school=school,
            action__priority__is_active=True,
            done_on__isnull=True,
            due_on__isnull=False,
        ).select_related("action")
        if current
        else []
    )
    return {
        "priorities": priorities,
        "overdue": [m for m in milestones if m.due_on < today],
        "due_soon": [m for m in milestones if today <= m.due_on <= today + datetime.timedelta(days=31)],
        "missing": plan_quality(priorities) if current else [],
        "today": today,
        "is_history": not current,
        "year_end_count": year_end_actions(school).count() if current else 0,
    }


def plan_quality(priorities: list[Priority]) -> list[str]:
    """The handbook's standards for a plan, as a list of what is missing (never blocks a save)."""
    missing = []
    for priority in priorities:
        actions = list(priority.actions.all())
        if not actions:
            missing.append(f"“{priority.title}” has no action.")
        if actions and not any(a.success_criteria.strip() for a in actions):
            missing.append(f"“{priority.title}” has no success criterion tied to pupil progress.")
        for action in actions:
            if not action.owner.strip():
                missing.append(f"The action “{action.description[:60]}” has no accountable person.")
            for milestone in action.milestones.all():
                if milestone.due_on is None:
                    missing.append(f"The milestone “{milestone.description[:60]}” has no date.")
            if not action.milestones.all():
                missing.append(f"The action “{action.description[:60]}” has no dated milestone.")
    return missing


def priorities_of(school):
    """The school's plan priorities, in their usual order."""
    return Priority.objects.filter(school=school)


def priority_as_saved(priority: Priority) -> Priority:
    """A fresh copy of the priority as it now stands (after someone else saved it)."""
    return Priority.objects.get(pk=priority.pk)


def plan_action_as_saved(action: PlanAction) -> PlanAction:
    """A fresh copy of the plan action as it now stands (after someone else saved it)."""
    return PlanAction.objects.get(pk=action.pk)
