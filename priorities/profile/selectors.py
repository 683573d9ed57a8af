"""Reads of Form 1: object helpers (404 for the wrong school, recorded) and what its pages show."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .._access import get_school_with_perm, not_found
from ..models import (
    MOST_IMPORTANT_COUNT,
    PRIORITY_COUNT_RULE,
    TRANSITIONS,
    PriorityProfile,
    ProfileEvent,
    Transition,
    priority_count_is_right,
)


def get_profile_school_for_user(request, urn: str):
    """The school, for someone who may read its Form 1; a recorded 404 otherwise."""
    return get_school_with_perm(request, urn, "priorities.view_profile", what="School Priority Profile")


def get_profile_school_for_edit(request, urn: str):
    """As get_profile_school_for_user; PermissionDenied for someone who may read Form 1 but not write it."""
    school = get_profile_school_for_user(request, urn)
    if not request.user.has_perm("priorities.change_profile", school):
        raise PermissionDenied("Only the school's headteacher and its SIP start its School Priority Profile.")
    return school


def get_profile_for_user(request, urn: str, profile_id: int) -> PriorityProfile:
    """The profile of this school, for someone who may read it; a recorded 404 otherwise."""
    school = get_profile_school_for_user(request, urn)
    profile = (
        PriorityProfile.objects.select_related("school", "school__la", "matching_body")
        .filter(pk=profile_id, school=school)
        .first()
    )
    if profile is None:
        raise not_found(request, f"School Priority Profile {profile_id}")
    return profile


@dataclass(frozen=True)
class Problem:
    """Something a profile still needs, and the section that fixes it."""

    message: str
    section: str


def profile_problems(profile: PriorityProfile, *, transition: Transition | None = None) -> list[str]:
    """What the profile still needs before `transition` (or at all), in words."""
    return [p.message for p in profile_problem_list(profile, transition=transition)]


def profile_problem_list(profile: PriorityProfile, *, transition: Transition | None = None) -> list[Problem]:
    problems = []
    if profile.awaits_carry_over:
        problems.append(Problem("Say which of last year's priorities to keep, change or drop.", "last-year"))
    missing = profile.missing_contact_labels()
    if missing:
        problems.append(Problem(f"Give the {_and_list(missing)}.", "contacts"))
    rows = list(profile.priorities.all())
    if not priority_count_is_right(len(rows)):
        problems.append(Problem(f"{PRIORITY_COUNT_RULE}; there are {len(rows)}.", "priorities"))
    if transition is not None and transition.needs_agreement_checks:
        if sum(1 for r in rows if r.most_important) != MOST_IMPORTANT_COUNT:
            problems.append(Problem("Mark the three most important issues.", "most-important"))
    return problems


def offered_transitions(user, profile: PriorityProfile) -> list[Transition]:
    """The moves this person may make now, from the transition table."""
    return [t for t in TRANSITIONS.values() if t.allowed_for(user, profile)]


def get_transition_for_user(name: str, offered: list[Transition]) -> Transition:
    """The move named in the form, if it is one of those offered to this person now; 403 otherwise."""
    transition = TRANSITIONS.get(name)
    if transition not in offered:
        raise PermissionDenied("This profile cannot be moved on that way by you now.")
    return transition


def warnings_for(profile: PriorityProfile, offered: list[Transition]) -> list[Problem]:
    """What stops the offered moves, once each, the same whatever state the profile came from."""
    found: dict[str, Problem] = {}
    for transition in offered:
        if transition.needs_comment:
            continue
        for problem in profile_problem_list(profile, transition=transition):
            found.setdefault(problem.message, problem)
    return list(found.values())


def sections(profile: PriorityProfile) -> list[tuple[str, str, str]]:
    """The task list: each section and whether it is complete."""
    rows = list(profile.priorities.all())
    contacts = not profile.missing_contact_labels()
    partnerships = any(getattr(profile, n) for n in PriorityProfile.PARTNERSHIP_FIELDS)
    marked = sum(1 for p in rows if p.most_important)
    last_year = []
    if profile.carried_from_id:
        decided = "Not started" if profile.awaits_carry_over else "Completed"
        last_year = [("last-year", "Last year's priorities: keep, change or drop", decided)]
    return last_year + [
        ("contacts", "Contact details", "Completed" if contacts else "Incomplete"),
        (
            "priorities",
            "Priorities and key focus areas",
            "Completed" if priority_count_is_right(len(rows)) else "Incomplete",
        ),
        ("partnerships", "Partnerships", "Completed" if partnerships else "Optional"),
        (
            "most-important",
            "The three most important issues",
            "Completed" if marked == MOST_IMPORTANT_COUNT else "Not started" if marked == 0 else "Incomplete",
        ),
    ]


def latest_return(profile: PriorityProfile) -> ProfileEvent | None:
    """The SIP's comments, while the profile is back with the headteacher."""
    if profile.state != PriorityProfile.State.RETURNED:
        return None
    return profile.events.filter(action=ProfileEvent.Kind.RETURNED).select_related("actor").order_by("-at").first()


def section_url(profile: PriorityProfile, section: str) -> str:
    return reverse(
        "schools:priorities:profile-section", args=[profile.school.la.code, profile.school.urn, profile.pk, section]
    )


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def profiles_of(school):
    """The school's priority profiles (Form 1), in their usual order."""
    return PriorityProfile.objects.filter(school=school)


def profile_as_saved(profile: PriorityProfile) -> PriorityProfile:
    """A fresh copy of the profile as it now stands (after someone else saved it)."""
    return PriorityProfile.objects.get(pk=profile.pk)
