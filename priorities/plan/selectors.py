"""Reads of the improvement plan: object helpers (404 for the wrong school, recorded) and page queries."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Subquery
from django.utils import timezone

from .._access import get_school_with_perm, not_found
from ..models import Milestone, PlanAction, Priority, PriorityProfile, ProfilePriority

CHANGE_REFUSED = "The school's headteacher and its SIP change the plan; you can read it."


def get_plan_school_for_user(request, urn: str):
    """The school, for someone who may read its priorities and plan; a recorded 404 otherwise."""
    return get_school_with_perm(request, urn, "priorities.view_plan", what="improvement plan")


def get_plan_school_for_edit(request, urn: str):
    """As get_plan_school_for_user; PermissionDenied for someone who may read but not change it."""
    school = get_plan_school_for_user(request, urn)
    if not request.user.has_perm("priorities.change_priorities", school):
        raise PermissionDenied(CHANGE_REFUSED)
    return school


def get_priority_for_edit(request, urn: str, priority_id: int) -> Priority:
    school = get_plan_school_for_edit(request, urn)
    priority = Priority.objects.select_related("school", "school__la").filter(pk=priority_id, school=school).first()
    if priority is None:
        raise not_found(request, f"priority {priority_id}")
    return priority


def get_plan_action_for_edit(request, urn: str, action_id: int) -> PlanAction:
    school = get_plan_school_for_edit(request, urn)
    action = (
        PlanAction.objects.select_related("priority", "priority__school", "priority__school__la")
        .filter(pk=action_id, priority__school=school)
        .first()
    )
    if action is None:
        raise not_found(request, f"plan action {action_id}")
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


def plan_page(school) -> dict:
    """The plan's priorities with actions, milestones and reviews, and the milestones to chase."""
    priorities = list(
        Priority.objects.filter(school=school, is_active=True).prefetch_related(
            Prefetch("actions", queryset=PlanAction.objects.prefetch_related("milestones", "reviews__reviewed_by"))
        )
    )
    today = timezone.localdate()
    milestones = Milestone.objects.filter(
        action__priority__school=school, done_on__isnull=True, due_on__isnull=False
    ).select_related("action")
    return {
        "priorities": priorities,
        "overdue": [m for m in milestones if m.due_on < today],
        "due_soon": [m for m in milestones if today <= m.due_on <= today + datetime.timedelta(days=31)],
        "missing": plan_quality(priorities),
        "today": today,
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
