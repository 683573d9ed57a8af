"""What each person has waiting for them in an LA: the to-do list their overview opens with.

Each item is counted with one query whatever the size of the LA, so the overview costs the same
for a small LA and a county. Nothing here writes.
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from caseload.models import SipAssignment
from common.todo import Todo, counted
from priorities.models import PriorityProfile, ProfileEvent
from schools.models import School, Status
from tenancy.academic_year import academic_year_label, current_academic_year
from training import selectors as training_todo
from visits.models import NextStep, Visit
from visits.selectors import next_year_to_prepare


def _profile_check(school, profile) -> str:
    return reverse("schools:priorities:profile-check", args=[school.la.code, school.urn, profile.pk])


def todo_for_sip(request) -> list[Todo]:
    """Form 1s waiting for the SIP, overdue next steps and records still to finalise, at their schools."""
    today = timezone.localdate()
    school_ids = request.access.sip_school_ids
    items = [
        Todo(
            f"Form 1 of {p.school.name} is waiting for you to agree or return it",
            _profile_check(p.school, p),
            detail=f"Sent {p.updated_at:%-d %B %Y}",
        )
        for p in PriorityProfile.objects.filter(
            school_id__in=school_ids, academic_year=current_academic_year(), state=PriorityProfile.State.WITH_SIP
        ).select_related("school", "school__la")
    ]
    items += _form2_for_sip(school_ids)
    overdue = (
        School.objects.filter(pk__in=school_ids)
        .annotate(
            overdue=Count(
                "sip_assignments__visits__next_steps",
                filter=Q(
                    sip_assignments__visits__state=Visit.State.FINAL,
                    sip_assignments__visits__next_steps__done_on=None,
                    sip_assignments__visits__next_steps__closed_on=None,
                    sip_assignments__visits__next_steps__due_on__lt=today,
                ),
            )
        )
        .filter(overdue__gt=0)
        .select_related("la")
    )
    items += [
        Todo(
            f"{counted(s.overdue, 'overdue next step', 'overdue next steps')} at {s.name}",
            reverse("visits:list", args=[s.la.code, s.urn]),
            urgent=True,
        )
        for s in overdue
    ]
    unfinished = Visit.objects.filter(
        assignment__sip=request.user,
        assignment__school_id__in=school_ids,
        state__in=(Visit.State.PLANNED, Visit.State.DRAFT),
        date__lt=today,
    ).select_related("assignment__school", "assignment__school__la")
    items += [
        Todo(
            f"{'Record' if v.state == Visit.State.PLANNED else 'Finalise'} your visit of {v.date:%-d %B %Y} "
            f"to {v.assignment.school.name}",
            reverse("visits:visit", args=[v.assignment.school.la.code, v.assignment.school.urn, v.pk]),
        )
        for v in unfinished
    ]
    return items


def _form2_for_sip(school_ids) -> list[Todo]:
    """Partnership plans (Form 2) agreed at the meeting and waiting for the SIP (one query)."""
    from partnerships.models import Form2

    plans = Form2.objects.filter(
        partnership__school_id__in=school_ids, state__in=(Form2.State.AGREED, Form2.State.APPROVED)
    ).select_related("partnership__school")
    return [
        Todo(
            f"Form 2 of {p.partnership.school.name} is waiting for you to "
            f"{'approve' if p.state == Form2.State.AGREED else 'submit'} it",
            reverse("partnerships:detail", args=[p.partnership_id]),
        )
        for p in plans
    ]


def todo_for_head(request) -> list[Todo]:
    """A returned Form 1 with the SIP's comments, or this year's Form 1 not started; overdue steps."""
    today = timezone.localdate()
    year = current_academic_year()
    school_ids = request.access.school_ids(Role.HEADTEACHER)
    schools = list(School.objects.filter(pk__in=school_ids).select_related("la"))
    profiles = {
        p.school_id: p
        for p in PriorityProfile.objects.filter(school_id__in=school_ids, academic_year=year).order_by(
            "school_id", "version_number"
        )
    }
    returned = [p.pk for p in profiles.values() if p.state == PriorityProfile.State.RETURNED]
    comments = {
        e.profile_id: e.comment
        for e in ProfileEvent.objects.filter(profile_id__in=returned, action="return").order_by("profile_id", "at")
    }
    items = []
    for school in schools:
        profile = profiles.get(school.pk)
        if profile is not None and profile.state == PriorityProfile.State.RETURNED:
            items.append(
                Todo(
                    f"Your SIP returned Form 1 of {school.name} with comments",
                    reverse("schools:priorities:profile", args=[school.la.code, school.urn, profile.pk]),
                    detail=comments.get(profile.pk, ""),
                    urgent=True,
                )
            )
        elif profile is None and school.in_gaining_ground:
            items.append(
                Todo(
                    f"Start the School Priority Profile (Form 1) of {school.name} for {academic_year_label(year)}",
                    reverse("schools:priorities:profile-home", args=[school.la.code, school.urn]),
                )
            )
    overdue = (
        NextStep.objects.filter(
            visit__assignment__school_id__in=school_ids,
            visit__state=Visit.State.FINAL,
            done_on=None,
            closed_on=None,
            due_on__lt=today,
        )
        .values("visit__assignment__school")
        .annotate(n=Count("pk"))
    )
    by_school = {row["visit__assignment__school"]: row["n"] for row in overdue}
    for school in schools:
        if by_school.get(school.pk):
            n = by_school[school.pk]
            items.append(
                Todo(
                    f"{counted(n, 'next step agreed with your SIP is', 'next steps agreed with your SIP are')} overdue",
                    reverse("visits:list", args=[school.la.code, school.urn]),
                    urgent=True,
                )
            )
    items += training_todo.todo_for_head(request)
    return items


def todo_for_la_admin(request, today: datetime.date | None = None) -> list[Todo]:
    """What the LA administrator has to decide.

    Schools without a SIP this year, Gaining Ground schools without Form 1, closed schools that still
    have a SIP this year, and next year to prepare.
    """
    today = today or timezone.localdate()
    la = request.la
    year = current_academic_year()
    open_schools = School.objects.open()
    without_sip = open_schools.exclude(sip_assignments__academic_year=year).count()
    items = []
    if without_sip:
        items.append(
            Todo(
                f"{counted(without_sip, 'school has', 'schools have')} no SIP for {academic_year_label(year)}",
                reverse("visits:assign", args=[la.code]),
                urgent=True,
            )
        )
    no_profile = open_schools.in_gaining_ground().exclude(priority_profiles__academic_year=year).count()
    if no_profile:
        items.append(
            Todo(
                f"{counted(no_profile, 'Gaining Ground school has', 'Gaining Ground schools have')} not started "
                f"Form 1 for {academic_year_label(year)}",
                reverse("schools:list", args=[la.code]) + "?gaining_ground=yes",
            )
        )
    closed_with_sip = SipAssignment.objects.filter(academic_year=year, school__status=Status.CLOSED).select_related(
        "school", "school__la", "sip"
    )
    items += [
        Todo(
            f"{a.school.name} has closed while {a.sip.full_name} is its SIP for {academic_year_label(year)}",
            reverse("schools:detail", args=[a.school.la.code, a.school.urn]),
            detail=(f"Closed on {a.school.closed_on:%-d %B %Y}. " if a.school.closed_on else "")
            + "Decide what happens to the SIP's remaining days, or confirm the school's successor.",
            urgent=True,
        )
        for a in closed_with_sip
    ]
    to_prepare = next_year_to_prepare(la, today)
    if to_prepare:
        next_year, unassigned = to_prepare
        items.append(
            Todo(
                f"Prepare {academic_year_label(next_year)}: confirm next year's SIP for "
                f"{counted(unassigned, 'school', 'schools')} before 1 September",
                reverse("visits:prepare", args=[la.code]),
                urgent=True,
            )
        )
    items += training_todo.todo_for_la_admin(request)
    return items


def todo_for(request) -> list[Todo]:
    """Everything waiting for this person in the request's LA, most urgent first."""
    access = request.access
    items: list[Todo] = []
    if access.is_la_admin:
        items += todo_for_la_admin(request)
    if access.is_sip:
        items += todo_for_sip(request)
    if access.school_ids(Role.HEADTEACHER):
        items += todo_for_head(request)
    elif access.school_ids(Role.TRAINING_CONTACT):
        items += training_todo.todo_for_head(request)
    from reports.selectors import report_todos

    items += report_todos(request)
    return sorted(items, key=lambda item: not item.urgent)


def la_figures() -> dict:
    """The LA administrator's summary figures."""
    from accounts.models import Invitation, Membership

    return {
        "school_count": School.objects.count(),
        "gaining_ground_count": School.objects.in_gaining_ground().count(),
        "people_count": Membership.objects.values("user").distinct().count(),
        "pending_invitations": sum(
            1 for i in Invitation.objects.filter(accepted_at=None, revoked_at=None) if i.is_usable
        ),
    }
