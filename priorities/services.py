"""Form 1 (the School Priority Profile), its workflow, and the improvement plan.

Status changes go through `profile_transition`, whose table says who may move a profile from
which state to which. Each change writes its audit record in the same transaction.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.predicates import is_schools_head, is_schools_sip
from audit.models import Action
from audit.services import audit_record
from sipportal.errors import DomainError
from tenancy.academic_year import current_academic_year
from tenancy.models import NationalBody
from visits.models import SipAssignment

from .models import Milestone, PlanAction, Priority, PriorityProfile, ProfileEvent, ProfilePriority, RagReview

State = PriorityProfile.State
MIN_PRIORITIES, MAX_PRIORITIES = 3, 5
CONTACT_FIELDS = ("key_contact_name", "key_contact_phone", "key_contact_email", "sip_name", "sip_phone", "sip_email")
PARTNERSHIP_FIELDS = ("proposed_partner_school", "partner_criteria", "other_comments")
EDITABLE_STATES = (State.DRAFT, State.WITH_SIP, State.RETURNED)


class ProfileError(DomainError):
    pass


@transaction.atomic
def priority_save(*, actor, school, priority: Priority | None, values: dict, request=None) -> Priority:
    """Add or change one of the school's improvement priorities."""
    if priority is None:
        priority = Priority(school=school, position=Priority.objects.filter(school=school).count() + 1)
    for name, value in values.items():
        setattr(priority, name, value)
    priority.full_clean()
    priority.save()
    audit_record(
        action=Action.PRIORITY_CHANGED, actor=actor, request=request, obj=school, detail={"priority": priority.title}
    )
    return priority


# --- who is who -------------------------------------------------------------------------------


def matching_body_for(school) -> NationalBody:
    """The body that matches this school with a partner.

    SSAT, except in the London and Greater Manchester Challenge areas, where the National College
    matches. The LA's attribute decides, never a person.
    """
    kind = NationalBody.Kind.NATIONAL_COLLEGE if school.la.matched_by_national_college else NationalBody.Kind.SSAT
    body = NationalBody.objects.filter(kind=kind).first()
    if body is None:
        raise ProfileError(
            f"{NationalBody.Kind(kind).label} is not set up in the portal yet; ask the site administrator."
        )
    return body


# --- Form 1 -----------------------------------------------------------------------------------


@transaction.atomic
def profile_start(*, actor, school, request=None) -> PriorityProfile:
    """This year's profile: the latest version, or a new draft.

    A new draft is filled with what the portal knows: the headteacher, the SIP, the school's
    current priorities.
    """
    year = current_academic_year()
    existing = PriorityProfile.objects.filter(school=school, academic_year=year).order_by("-version_number").first()
    if existing:
        return existing
    profile = PriorityProfile(school=school, academic_year=year)
    head = school.memberships.filter(role=Role.HEADTEACHER).select_related("user").first()
    if head:
        profile.key_contact_name, profile.key_contact_email = head.user.full_name, head.user.email
        profile.key_contact_phone = head.user.phone
    assignment = SipAssignment.objects.filter(school=school, academic_year=year).select_related("sip").first()
    if assignment:
        profile.sip_name, profile.sip_email, profile.sip_phone = (
            assignment.sip.full_name,
            assignment.sip.email,
            assignment.sip.phone,
        )
    profile.save()
    rows = [
        ProfilePriority(
            profile=profile,
            position=position,
            priority=p.title,
            key_focus_areas=p.key_focus_areas,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
        )
        for position, p in enumerate(Priority.objects.filter(school=school, is_active=True)[:MAX_PRIORITIES], start=1)
    ]
    ProfilePriority.objects.bulk_create(rows)
    ProfileEvent.objects.create(profile=profile, actor=actor, action="started")
    audit_record(
        action=Action.PROFILE_CHANGED,
        actor=actor,
        request=request,
        obj=school,
        detail={"profile": profile.pk, "started": True},
    )
    return profile


def _locked(profile: PriorityProfile, lock_version: int) -> PriorityProfile:
    locked = PriorityProfile.objects.select_for_update().select_related("school", "school__la").get(pk=profile.pk)
    if locked.lock_version != lock_version:
        raise ProfileError(
            "Someone else changed this profile since you opened it. What you typed is below; "
            "check it against the saved profile and save again."
        )
    return locked


def _check_editable(actor, profile: PriorityProfile) -> None:
    if profile.state not in EDITABLE_STATES:
        raise ProfileError(f"This profile is {profile.get_state_display().lower()}: start a new version to change it.")
    if not (is_schools_head(actor, profile.school) or is_schools_sip(actor, profile.school)):
        raise ProfileError("Only the school's headteacher and SIP change its profile.")


@transaction.atomic
def profile_save(
    *,
    actor,
    profile: PriorityProfile,
    lock_version: int,
    values: dict | None = None,
    priorities: list[dict] | None = None,
    request=None,
) -> PriorityProfile:
    """Save one section of the profile (contact details, partnerships, or the priorities)."""
    profile = _locked(profile, lock_version)
    _check_editable(actor, profile)
    for name, value in (values or {}).items():
        setattr(profile, name, value)
    if priorities is not None:
        if not MIN_PRIORITIES <= len(priorities) <= MAX_PRIORITIES:
            raise ProfileError(
                f"Give at least {MIN_PRIORITIES} and at most {MAX_PRIORITIES} priorities; there are {len(priorities)}."
            )
        kept = {p.priority: p.most_important for p in profile.priorities.all()}
        profile.priorities.all().delete()
        rows = [
            ProfilePriority(
                profile=profile, position=position, most_important=kept.get(values["priority"], False), **values
            )
            for position, values in enumerate(priorities, start=1)
        ]
        for row in rows:
            row.full_clean(exclude=["profile"])
        ProfilePriority.objects.bulk_create(rows)
    profile.lock_version += 1
    profile.full_clean()
    profile.save()
    audit_record(
        action=Action.PROFILE_CHANGED, actor=actor, request=request, obj=profile.school, detail={"profile": profile.pk}
    )
    return profile


@transaction.atomic
def profile_mark_most_important(
    *, actor, profile: PriorityProfile, lock_version: int, positions: list[int], request=None
) -> PriorityProfile:
    """Mark the three most important issues the headteacher and SIP agree on."""
    profile = _locked(profile, lock_version)
    _check_editable(actor, profile)
    if len(set(positions)) != 3:
        raise ProfileError("Choose exactly three priorities as the most important issues.", field="positions")
    for row in profile.priorities.all():
        row.most_important = row.position in positions
        row.save(update_fields=["most_important"])
    profile.lock_version += 1
    profile.save(update_fields=["lock_version", "updated_at"])
    ProfileEvent.objects.create(profile=profile, actor=actor, action="marked-most-important")
    return profile


def profile_problems(profile: PriorityProfile, *, for_agreement: bool = False) -> list[str]:
    """What the profile still needs, in words for the people completing it."""
    problems = []
    if not all(getattr(profile, name) for name in CONTACT_FIELDS):
        problems.append("Complete the contact details of the key contact and the SIP.")
    count = profile.priorities.count()
    if not MIN_PRIORITIES <= count <= MAX_PRIORITIES:
        problems.append(f"Give at least {MIN_PRIORITIES} and at most {MAX_PRIORITIES} priorities.")
    if for_agreement and profile.priorities.filter(most_important=True).count() != 3:
        problems.append("Mark the three most important issues.")
    return problems


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    who: str  # "head" or "sip"
    audit: Action
    needs_agreement_checks: bool = False
    needs_comment: bool = False


TRANSITIONS = {
    "send": Transition((State.DRAFT, State.RETURNED), State.WITH_SIP, "head", Action.PROFILE_SENT),
    "return": Transition(
        (State.WITH_SIP, State.AGREED), State.RETURNED, "sip", Action.PROFILE_RETURNED, needs_comment=True
    ),
    "agree": Transition((State.WITH_SIP,), State.AGREED, "sip", Action.PROFILE_AGREED, needs_agreement_checks=True),
    "submit": Transition(
        (State.AGREED,), State.SUBMITTED, "sip", Action.PROFILE_SUBMITTED, needs_agreement_checks=True
    ),
}


def allowed_transitions(user, profile: PriorityProfile) -> list[str]:
    roles = {"head": is_schools_head(user, profile.school), "sip": is_schools_sip(user, profile.school)}
    return [name for name, t in TRANSITIONS.items() if profile.state in t.sources and roles[t.who]]


@transaction.atomic
def profile_transition(
    *, actor, profile: PriorityProfile, name: str, lock_version: int, comment: str = "", request=None
) -> PriorityProfile:
    """Move the profile on: send to the SIP, return with comments, agree, or submit."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ProfileError("That is not something a profile can do.")
    profile = _locked(profile, lock_version)
    if name not in allowed_transitions(actor, profile):
        raise ProfileError(f"A profile that is {profile.get_state_display().lower()} cannot be {name}ed by you.")
    if transition.needs_comment and not comment.strip():
        raise ProfileError("Say what needs changing, for the headteacher.", field="comment")
    problems = profile_problems(profile, for_agreement=transition.needs_agreement_checks)
    if problems:
        raise ProfileError(" ".join(problems))
    profile.state = transition.target
    if name == "submit":
        profile.matching_body = matching_body_for(profile.school)
        profile.submitted_at = timezone.now()
    profile.lock_version += 1
    profile.save()
    ProfileEvent.objects.create(profile=profile, actor=actor, action=name, comment=comment.strip())
    audit_record(
        action=transition.audit,
        actor=actor,
        request=request,
        obj=profile.school,
        detail={
            "profile": profile.pk,
            "version": profile.version_number,
            "body": profile.matching_body and profile.matching_body.kind,
        },
    )
    if name == "agree":
        plan_seed_from_profile(profile)
    from .tasks import send_profile_email

    send_profile_email.delay_on_commit(profile.pk, profile.school.la_id, name)
    return profile


@transaction.atomic
def profile_new_version(*, actor, profile: PriorityProfile, request=None) -> PriorityProfile:
    """A submitted profile changes only through a new version, which starts as a draft copy."""
    if profile.state != State.SUBMITTED:
        raise ProfileError("Only a submitted profile gets a new version; change this one instead.")
    if not (is_schools_head(actor, profile.school) or is_schools_sip(actor, profile.school)):
        raise ProfileError("Only the school's headteacher and SIP start a new version.")
    latest = (
        PriorityProfile.objects.filter(school=profile.school, academic_year=profile.academic_year)
        .order_by("-version_number")
        .first()
    )
    if latest.pk != profile.pk:
        raise ProfileError("A newer version already exists.")
    copy = PriorityProfile.objects.create(
        school=profile.school,
        academic_year=profile.academic_year,
        version_number=profile.version_number + 1,
        **{name: getattr(profile, name) for name in CONTACT_FIELDS + PARTNERSHIP_FIELDS},
    )
    ProfilePriority.objects.bulk_create(
        [
            ProfilePriority(
                profile=copy,
                position=p.position,
                priority=p.priority,
                key_focus_areas=p.key_focus_areas,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                most_important=p.most_important,
                outline=p.outline,
            )
            for p in profile.priorities.all()
        ]
    )
    ProfileEvent.objects.create(
        profile=copy, actor=actor, action="new-version", comment=f"From version {profile.version_number}"
    )
    audit_record(
        action=Action.PROFILE_NEW_VERSION, actor=actor, request=request, obj=profile.school, detail={"profile": copy.pk}
    )
    return copy


# --- the improvement plan ---------------------------------------------------------------------


def plan_seed_from_profile(profile: PriorityProfile) -> None:
    """The agreed Form 1 priorities become the plan's priorities (once each, by title)."""
    existing = set(Priority.objects.filter(school=profile.school).values_list("title", flat=True))
    position = len(existing)
    for row in profile.priorities.all():
        if row.priority in existing:
            continue
        position += 1
        Priority.objects.create(
            school=profile.school,
            title=row.priority,
            key_focus_areas=row.key_focus_areas,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            position=position,
        )


@transaction.atomic
def plan_action_save(
    *,
    actor,
    priority: Priority,
    action: PlanAction | None,
    version: int,
    values: dict,
    milestones: list[dict],
    request=None,
) -> PlanAction:
    """Add or change a plan action with its milestones, refusing a stale edit."""
    if action is not None:
        action = PlanAction.objects.select_for_update().get(pk=action.pk)
        if action.version != version:
            raise ProfileError(
                "Someone else changed this action since you opened it. "
                "What you typed is below; check it and save again."
            )
        action.version += 1
    else:
        action = PlanAction(priority=priority)
    for name, value in values.items():
        setattr(action, name, value)
    action.full_clean()
    action.save()
    action.milestones.all().delete()
    Milestone.objects.bulk_create([Milestone(action=action, **m) for m in milestones])
    audit_record(
        action=Action.PLAN_CHANGED, actor=actor, request=request, obj=priority.school, detail={"action": action.pk}
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
