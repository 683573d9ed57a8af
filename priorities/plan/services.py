"""Writes of the school's improvement priorities and plan. Each writes its audit record."""

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from common.conflicts import check_version, display
from tenancy.academic_year import academic_year_dates, current_academic_year

from ..errors import ProfileError
from ..models import Milestone, PlanAction, Priority, PriorityProfile, RagReview


def _correction(priority: Priority, reason: str) -> dict:
    """An earlier year's plan changes only as a correction with a reason, for the audit log."""
    if not priority.is_history:
        return {}
    if not reason.strip():
        raise ProfileError("Say why you are correcting this earlier year's record.", field="correction_reason")
    return {"correction": reason.strip()}


@transaction.atomic
def priority_save(
    *,
    actor,
    school,
    priority: Priority | None,
    values: dict,
    version: int | None = None,
    correction_reason: str = "",
    request=None,
) -> Priority:
    """Add or change one of the school's improvement priorities, refusing a stale edit."""
    correction = _correction(priority, correction_reason) if priority is not None else {}
    if priority is None:
        priority = Priority(school=school, position=Priority.objects.filter(school=school).count() + 1)
    else:
        priority = Priority.objects.select_for_update().get(pk=priority.pk)
        check_version(saved=priority.version, sent=version, what="this priority")
        priority.version += 1
    for name, value in values.items():
        setattr(priority, name, value)
    priority.full_clean()
    priority.save()
    audit_record(
        action=Action.PRIORITY_CHANGED,
        actor=actor,
        request=request,
        obj=school,
        detail={"priority": priority.title, **correction},
    )
    return priority


def plan_seed_from_profile(profile: PriorityProfile) -> None:
    """The agreed Form 1 is the source of truth for the priorities it names.

    A new title becomes a plan priority; a priority already in the plan (same title) takes the
    agreed focus areas and dates, so the plan and the governors' view never keep the old text.
    Later edits of a priority that make it differ are shown on the priorities page.
    """
    existing = {p.title: p for p in Priority.objects.select_for_update().filter(school=profile.school)}
    position = len(existing)
    for row in profile.priorities.all():
        agreed = {"key_focus_areas": row.key_focus_areas, "starts_on": row.starts_on, "ends_on": row.ends_on}
        priority = existing.get(row.priority)
        if priority is None:
            position += 1
            Priority.objects.create(school=profile.school, title=row.priority, position=position, **agreed)
        elif any(getattr(priority, name) != value for name, value in agreed.items()):
            for name, value in agreed.items():
                setattr(priority, name, value)
            priority.is_active = True
            priority.version += 1
            priority.save()


@transaction.atomic
def plan_action_save(
    *,
    actor,
    priority: Priority,
    action: PlanAction | None,
    version: int,
    values: dict,
    milestones: list[dict],
    correction_reason: str = "",
    request=None,
) -> PlanAction:
    """Add or change a plan action with its milestones, refusing a stale edit.

    A milestone cannot be done before its priority starts, nor on a day still to come.
    """
    correction = _correction(priority, correction_reason)
    today = timezone.localdate()
    for milestone in milestones:
        done = milestone.get("done_on")
        if done and done < priority.starts_on:
            raise ProfileError(
                f"“{milestone['description']}” cannot be done on {display(done)}: the priority starts on "
                f"{display(priority.starts_on)}."
            )
        if done and done > today:
            raise ProfileError(f"“{milestone['description']}” cannot be done on {display(done)}, a day still to come.")
    if action is not None:
        action = PlanAction.objects.select_for_update().get(pk=action.pk)
        check_version(saved=action.version, sent=version, what="this action")
        action.version += 1
    else:
        action = PlanAction(priority=priority)
    for name, value in values.items():
        setattr(action, name, value)
    action.full_clean()
    action.save()
    action.milestones.all().delete()
    rows = [Milestone(action=action, **m) for m in milestones]
    for row in rows:
        row.full_clean(exclude=["action"])
    Milestone.objects.bulk_create(rows)
    audit_record(
        action=Action.PLAN_CHANGED,
        actor=actor,
        request=request,
        obj=priority.school,
        detail={"action": action.pk, **correction},
    )
    return action


@transaction.atomic
def plan_action_review(*, actor, action: PlanAction, rag: str, reason: str, request=None) -> PlanAction:
    """Review an action's status (red, amber, green) with a reason; every review is kept."""
    if rag not in ("red", "amber", "green"):
        raise ProfileError("Choose red, amber or green.", field="rag")
    if not reason.strip():
        raise ProfileError("Give the reason for this status.", field="reason")
    action = PlanAction.objects.select_for_update().select_related("priority__school").get(pk=action.pk)
    RagReview.objects.create(action=action, rag=rag, reason=reason.strip(), reviewed_by=actor)
    action.rag, action.rag_reason = rag, reason.strip()
    action.version += 1
    action.save(update_fields=["rag", "rag_reason", "version"])
    audit_record(
        action=Action.PLAN_REVIEWED,
        actor=actor,
        request=request,
        obj=action.priority.school,
        detail={"action": action.pk, "rag": rag},
    )
    return action


@transaction.atomic
def plan_action_year_end(*, actor, action: PlanAction, decision: str, reason: str = "", request=None) -> PlanAction:
    """Decide what happens to an action left open when its priority's year ended.

    "carried": it continues in this year's plan, under this year's priority of the same title
    (created for this year if the plan has none), with its milestones not yet done.
    "closed": it ends here, with the reason. Either way the decision is kept and audited.
    """
    action = PlanAction.objects.select_for_update().select_related("priority__school").get(pk=action.pk)
    if not action.priority.is_history:
        raise ProfileError("This action's priority still runs this year; nothing to decide yet.")
    if action.year_end:
        raise ProfileError(f"This action was already {action.get_year_end_display().lower()}.")
    if decision not in (PlanAction.YearEnd.CARRIED, PlanAction.YearEnd.CLOSED):
        raise ProfileError("Choose whether to carry the action into this year or close it.", field="decision")
    if decision == PlanAction.YearEnd.CLOSED and not reason.strip():
        raise ProfileError("Say why the action closes.", field="reason")
    school, old = action.priority.school, action.priority
    if decision == PlanAction.YearEnd.CARRIED:
        year = current_academic_year()
        first, last = academic_year_dates(year)
        priority = Priority.objects.in_year(year).filter(
            school=school, title=old.title, is_active=True
        ).first() or Priority.objects.create(
            school=school,
            title=old.title,
            key_focus_areas=old.key_focus_areas,
            starts_on=first,
            ends_on=last.replace(month=7, day=31),
            position=Priority.objects.filter(school=school).count() + 1,
        )
        carried = PlanAction.objects.create(
            priority=priority,
            description=action.description,
            owner=action.owner,
            success_criteria=action.success_criteria,
            data_sources=action.data_sources,
            carried_from=action,
        )
        Milestone.objects.bulk_create(
            [
                Milestone(action=carried, description=m.description, due_on=m.due_on)
                for m in action.milestones.filter(done_on__isnull=True)
            ]
        )
    action.year_end, action.year_end_reason = decision, reason.strip()
    action.year_end_by, action.year_end_at = actor, timezone.now()
    action.version += 1
    action.save(update_fields=["year_end", "year_end_reason", "year_end_by", "year_end_at", "version"])
    audit_record(
        action=Action.PLAN_CHANGED,
        actor=actor,
        request=request,
        obj=school,
        detail={"action": action.pk, "year_end": decision, "reason": reason.strip()},
    )
    return action
