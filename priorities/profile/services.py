"""Writes of Form 1 (the School Priority Profile) and its workflow.

Status changes go through `profile_transition`, which reads the transition table on the model
layer (`priorities.models.TRANSITIONS`): who may move a profile from which state to which. Each
change writes its history event and its audit record in the same transaction.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.predicates import is_schools_head, is_schools_sip
from audit.models import Action
from audit.services import audit_record
from caseload.models import SipAssignment
from common.conflicts import check_version
from jobs.emails import email_request
from schools.models import School
from tenancy.academic_year import academic_year_label, current_academic_year
from tenancy.models import NationalBody

from ..errors import ProfileError
from ..models import (
    MAX_PRIORITIES,
    MOST_IMPORTANT_COUNT,
    PRIORITY_COUNT_RULE,
    TRANSITIONS,
    Priority,
    PriorityProfile,
    ProfileEvent,
    ProfilePriority,
    priority_count_is_right,
)
from .selectors import profile_problems

SECTION_NAMES = {"contacts": "the contact details", "partnerships": "the partnerships", "priorities": "the priorities"}


def matching_body_for(school) -> NationalBody:
    """The body that matches this school with a partner: the LA's setting decides, never a person."""
    body = NationalBody.objects.filter(kind=school.la.matching_body_kind).first()
    if body is None:
        raise ProfileError(
            f"{NationalBody.Kind(school.la.matching_body_kind).label} is not set up in the portal yet; "
            "ask the site administrator."
        )
    return body


@transaction.atomic
def profile_start(*, actor, school, request=None) -> PriorityProfile:
    """This year's profile: the latest version, or a new draft.

    Idempotent: a second request (a double click) lands on the profile the first created. A new
    draft is filled with what the portal knows: the headteacher, the SIP, and last year's Form 1
    priorities (each then to keep, change or drop), or, in a school's first year, its current
    priorities. Only a school in Gaining Ground has a Form 1.
    """
    # Two requests at once queue here, so the second finds what the first created.
    school = School.objects.select_for_update().select_related("la").get(pk=school.pk)
    year = current_academic_year()
    existing = PriorityProfile.objects.filter(school=school, academic_year=year).order_by("-version_number").first()
    if existing:
        return existing
    if not school.in_gaining_ground:
        raise ProfileError(
            f"{school.name} is not in Gaining Ground. Form 1 finds a partner school for schools in the "
            "programme; record the school's Gaining Ground year first if it has joined."
        )
    last_year = (
        PriorityProfile.objects.filter(school=school, academic_year__lt=year, priorities__isnull=False)
        .order_by("-academic_year", "-version_number")
        .first()
    )
    profile = PriorityProfile(school=school, academic_year=year, carried_from=last_year)
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
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        # Where the row lock is not available (SQLite), the unique constraint still holds.
        return PriorityProfile.objects.filter(school=school, academic_year=year).order_by("-version_number").first()
    if last_year is not None:
        # Last year's priorities, each to keep, change or drop; last year's marks do not carry.
        rows = [
            ProfilePriority(
                profile=profile,
                position=row.position,
                priority=row.priority,
                key_focus_areas=row.key_focus_areas,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                from_last_year=True,
            )
            for row in last_year.priorities.all()
        ]
    else:
        rows = [
            ProfilePriority(
                profile=profile,
                position=position,
                priority=p.title,
                key_focus_areas=p.key_focus_areas,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
            )
            for position, p in enumerate(
                Priority.objects.filter(school=school, is_active=True)[:MAX_PRIORITIES], start=1
            )
        ]
    ProfilePriority.objects.bulk_create(rows)
    ProfileEvent.objects.create(
        profile=profile, actor=actor, action=ProfileEvent.Kind.STARTED, comment=academic_year_label(year)
    )
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
    check_version(saved=locked.lock_version, sent=lock_version, what="this profile")
    return locked


def _check_editable(actor, profile: PriorityProfile, correction_reason: str = "") -> dict:
    """Refuse someone who may not change the profile now; for an earlier year's, demand a reason.

    Returns what the audit record adds for a correction.
    """
    refusal = profile.edit_refusal(actor)
    if refusal:
        raise ProfileError(refusal)
    if profile.is_history:
        if not correction_reason.strip():
            raise ProfileError("Say why you are correcting this earlier year's record.", field="correction_reason")
        return {"correction": correction_reason.strip()}
    return {}


@transaction.atomic
def profile_save(
    *,
    actor,
    profile: PriorityProfile,
    lock_version: int,
    section: str,
    values: dict | None = None,
    priorities: list[dict] | None = None,
    correction_reason: str = "",
    request=None,
) -> PriorityProfile:
    """Save one section of the profile (contact details, partnerships, or the priorities).

    Every save is in the profile's history, so whoever holds it next sees what changed.
    """
    profile = _locked(profile, lock_version)
    correction = _check_editable(actor, profile, correction_reason)
    for name, value in (values or {}).items():
        setattr(profile, name, value)
    if priorities is not None:
        if not priority_count_is_right(len(priorities)):
            raise ProfileError(f"{PRIORITY_COUNT_RULE}; there are {len(priorities)}.")
        kept = {p.priority: p.most_important for p in profile.priorities.all()}
        last_year = [p.priority for p in profile.priorities.all() if p.from_last_year]
        if profile.awaits_carry_over:
            # Saving the whole list decides last year's priorities too: kept by title, else dropped.
            _record_carry_over(actor, profile, [row["priority"] for row in priorities], request)
        profile.priorities.all().delete()
        rows = [
            ProfilePriority(
                profile=profile,
                position=position,
                most_important=kept.get(row["priority"], False),
                from_last_year=row["priority"] in last_year,
                **row,
            )
            for position, row in enumerate(priorities, start=1)
        ]
        for row in rows:
            row.full_clean(exclude=["profile"])
        ProfilePriority.objects.bulk_create(rows)
    profile.lock_version += 1
    profile.full_clean()
    profile.save()
    ProfileEvent.objects.create(
        profile=profile,
        actor=actor,
        action=ProfileEvent.Kind.CHANGED,
        comment=f"Changed {SECTION_NAMES.get(section, section)}"
        + (f" (corrected: {correction['correction']})" if correction else ""),
    )
    audit_record(
        action=Action.PROFILE_CHANGED,
        actor=actor,
        request=request,
        obj=profile.school,
        detail={"profile": profile.pk, "section": section, **correction},
    )
    return profile


CARRY_CHOICES = {"keep": "Kept", "change": "To change", "drop": "Dropped"}


@transaction.atomic
def profile_carry_over(
    *, actor, profile: PriorityProfile, lock_version: int, decisions: dict[int, str], request=None
) -> PriorityProfile:
    """Decide, for each of last year's priorities, whether this year's profile keeps, changes or drops it.

    `decisions` maps each carried priority's position to "keep", "change" or "drop". Dropped ones
    leave the profile; the decision is in the history and the audit log.
    """
    profile = _locked(profile, lock_version)
    _check_editable(actor, profile)
    carried = list(profile.priorities.filter(from_last_year=True).order_by("position"))
    if {row.position for row in carried} != set(decisions) or not set(decisions.values()) <= set(CARRY_CHOICES):
        raise ProfileError("Say for each of last year's priorities whether to keep, change or drop it.")
    said = {choice: [row.priority for row in carried if decisions[row.position] == choice] for choice in CARRY_CHOICES}
    profile.priorities.filter(pk__in=[r.pk for r in carried if decisions[r.position] == "drop"]).delete()
    # Close the gaps in ascending order, so no two rows ever share a position.
    for position, row in enumerate(profile.priorities.order_by("position"), start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    profile.carry_over_decided_at = timezone.now()
    profile.lock_version += 1
    profile.save(update_fields=["carry_over_decided_at", "lock_version", "updated_at"])
    comment = "; ".join(f"{CARRY_CHOICES[c]}: {', '.join(titles)}" for c, titles in said.items() if titles)
    ProfileEvent.objects.create(profile=profile, actor=actor, action=ProfileEvent.Kind.CARRIED_OVER, comment=comment)
    audit_record(
        action=Action.PROFILE_CHANGED,
        actor=actor,
        request=request,
        obj=profile.school,
        detail={"profile": profile.pk, "carried_over": said},
    )
    return profile


def _record_carry_over(actor, profile: PriorityProfile, titles: list[str], request) -> None:
    last_year = [p.priority for p in profile.priorities.all() if p.from_last_year]
    said = {"keep": [t for t in last_year if t in titles], "drop": [t for t in last_year if t not in titles]}
    profile.carry_over_decided_at = timezone.now()
    comment = "; ".join(f"{CARRY_CHOICES[c]}: {', '.join(t)}" for c, t in said.items() if t)
    ProfileEvent.objects.create(profile=profile, actor=actor, action=ProfileEvent.Kind.CARRIED_OVER, comment=comment)
    audit_record(
        action=Action.PROFILE_CHANGED,
        actor=actor,
        request=request,
        obj=profile.school,
        detail={"profile": profile.pk, "carried_over": said},
    )


@transaction.atomic
def profile_mark_most_important(
    *,
    actor,
    profile: PriorityProfile,
    lock_version: int,
    positions: list[int],
    correction_reason: str = "",
    request=None,
) -> PriorityProfile:
    """Mark the three most important issues the headteacher and SIP agree on."""
    profile = _locked(profile, lock_version)
    correction = _check_editable(actor, profile, correction_reason)
    if len(set(positions)) != MOST_IMPORTANT_COUNT:
        raise ProfileError(
            f"Choose exactly {MOST_IMPORTANT_COUNT} priorities as the most important issues.", field="positions"
        )
    rows = list(profile.priorities.all())
    for row in rows:
        row.most_important = row.position in positions
        row.save(update_fields=["most_important"])
    profile.lock_version += 1
    profile.save(update_fields=["lock_version", "updated_at"])
    chosen = [row.priority for row in rows if row.most_important]
    ProfileEvent.objects.create(
        profile=profile, actor=actor, action=ProfileEvent.Kind.MARKED_MOST_IMPORTANT, comment="; ".join(chosen)
    )
    audit_record(
        action=Action.PROFILE_CHANGED,
        actor=actor,
        request=request,
        obj=profile.school,
        detail={"profile": profile.pk, "most_important": chosen, **correction},
    )
    return profile


@transaction.atomic
def profile_transition(
    *, actor, profile: PriorityProfile, name: str, lock_version: int, comment: str = "", request=None
) -> PriorityProfile:
    """Move the profile on: send to the SIP, return with comments, agree, or submit."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ProfileError("That is not something a profile can do.")
    profile = _locked(profile, lock_version)
    if not transition.allowed_for(actor, profile):
        raise ProfileError(
            f"You cannot do this now (“{transition.button}”): the profile is {profile.get_state_display().lower()}."
        )
    if transition.needs_comment and not comment.strip():
        raise ProfileError("Say what needs changing, for the headteacher.", field="comment")
    problems = profile_problems(profile, transition=transition)
    if problems:
        raise ProfileError(" ".join(problems))
    profile.state = transition.target
    if name == "submit":
        profile.matching_body = matching_body_for(profile.school)
        profile.submitted_at = timezone.now()
    profile.lock_version += 1
    profile.save()
    event = ProfileEvent.objects.create(
        profile=profile,
        actor=actor,
        action=transition.event,
        comment=comment.strip() or (profile.matching_body.name if name == "submit" else ""),
    )
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
        from ..plan.services import plan_seed_from_profile

        plan_seed_from_profile(profile)
    # Recorded with the state change, sent after the commit: the two cannot disagree.
    email_request(
        kind="profile",
        event_key=f"profile:{profile.pk}:{event.pk}",
        la_id=profile.school.la_id,
        profile_id=profile.pk,
        action=name,
    )
    return profile


@transaction.atomic
def profile_new_version(*, actor, profile: PriorityProfile, request=None) -> PriorityProfile:
    """A submitted profile changes only through a new version, which starts as a draft copy."""
    if profile.state != PriorityProfile.State.SUBMITTED:
        raise ProfileError("Only a submitted profile gets a new version; change this one instead.")
    if profile.is_history:
        raise ProfileError(f"The profile of {profile.year_label} is kept as history; start this year's instead.")
    if not (is_schools_head(actor, profile.school) or is_schools_sip(actor, profile.school)):
        raise ProfileError("Only the school's headteacher and SIP start a new version.")
    latest = (
        PriorityProfile.objects.select_for_update()
        .filter(school=profile.school, academic_year=profile.academic_year)
        .order_by("-version_number")
        .first()
    )
    if latest.pk != profile.pk:
        raise ProfileError("A newer version already exists.")
    fields = PriorityProfile.CONTACT_FIELDS + PriorityProfile.PARTNERSHIP_FIELDS
    copy = PriorityProfile.objects.create(
        school=profile.school,
        academic_year=profile.academic_year,
        version_number=profile.version_number + 1,
        **{name: getattr(profile, name) for name in fields},
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
        profile=copy,
        actor=actor,
        action=ProfileEvent.Kind.NEW_VERSION,
        comment=f"From version {profile.version_number}",
    )
    audit_record(
        action=Action.PROFILE_NEW_VERSION, actor=actor, request=request, obj=profile.school, detail={"profile": copy.pk}
    )
    return copy
