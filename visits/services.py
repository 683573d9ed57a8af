"""Caseload assignments and the visit log. Each change writes its audit record."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_record
from common.conflicts import check_version
from common.errors import DomainError
from priorities.models import Priority
from tenancy.academic_year import academic_year_dates, academic_year_label, academic_year_of, current_academic_year

from .agenda import agenda_template
from .models import (
    BrokeredSupport,
    NextStep,
    PriorityEvaluation,
    SipAssignment,
    Visit,
    VisitAmendment,
    VisitPerson,
    standard_allocation,
)
from .selectors import finalise_problems, open_earlier_steps, steps_carried_into, steps_to_decide, year_ending

RECORD_FIELDS = ("agenda", "classroom_evidence", "tracked_pupils", "documents_seen", "summary", "private_notes")


class VisitError(DomainError):
    pass


def _check_is_sip_of_la(sip, school) -> None:
    if not Membership.objects.filter(user=sip, role=Role.SIP, la=school.la_id).exists():
        raise VisitError(f"{sip} is not a SIP of {school.la.name}.", field="sip")


@transaction.atomic
def assignment_set(
    *, actor, school, sip, academic_year: int, days_allocated: Decimal | None = None, request=None
) -> SipAssignment:
    """Make `sip` the school's SIP for the year, with a day allocation.

    No allocation keeps the current one, or gives the standard allocation to a new assignment.

    Changing the SIP of a year that has visits is a handover: the visits already logged stay with the
    SIP who logged them, planned ones pass to the new SIP, and the year's days carry over.
    """
    if academic_year < current_academic_year():
        raise VisitError(
            f"{academic_year_label(academic_year)} is over; its caseload is kept as history.", field="school"
        )
    if school.is_closed:
        raise VisitError(f"{school.name} has closed: it takes no SIP.", field="school")
    _check_is_sip_of_la(sip, school)
    assignment = SipAssignment.objects.select_for_update().filter(school=school, academic_year=academic_year).first()
    before = {"sip": assignment.sip.email, "days": str(assignment.days_allocated)} if assignment else None
    previous_sip = assignment.sip if assignment else None
    if assignment is None:
        assignment = SipAssignment(school=school, academic_year=academic_year)
    if days_allocated is None:
        days_allocated = assignment.days_allocated if assignment.pk else standard_allocation(school, academic_year)
    assignment.sip = sip
    assignment.days_allocated = days_allocated
    assignment.full_clean()
    assignment.save()
    detail = {"year": academic_year, "from": before, "to": {"sip": sip.email, "days": str(days_allocated)}}
    if previous_sip is not None and previous_sip.pk != sip.pk:
        detail["visits_kept_by_previous_sip"] = assignment.visits.exclude(state=Visit.State.PLANNED).count()
        detail["planned_visits_passed_on"] = assignment.visits.filter(state=Visit.State.PLANNED).update(sip=sip)
        audit_record(action=Action.SIP_HANDED_OVER, actor=actor, request=request, obj=school, detail=detail)
    else:
        audit_record(action=Action.SIP_ASSIGNED, actor=actor, request=request, obj=school, detail=detail)
    return assignment


@dataclass
class Proposal:
    """One school's line of next year's caseload as confirmed: no SIP leaves the school unassigned."""

    school: object
    sip: object | None
    days_allocated: Decimal


@transaction.atomic
def assignments_prepare(*, actor, la, academic_year: int, proposals: list[Proposal], request=None) -> int:
    """Confirm next year's SIP assignments in bulk; returns how many schools have a SIP for it."""
    if academic_year != current_academic_year() + 1:
        raise VisitError(
            f"Only next year's caseload ({academic_year_label(current_academic_year() + 1)}) is prepared here."
        )
    sips = set(Membership.objects.filter(role=Role.SIP, la=la).values_list("user_id", flat=True))
    existing = {a.school_id: a for a in SipAssignment.objects.select_for_update().filter(academic_year=academic_year)}
    assigned = 0
    for proposal in proposals:
        if proposal.sip is None:
            # "No SIP yet" for a school assigned earlier takes the assignment back (the year has not begun).
            if proposal.school.pk in existing:
                existing[proposal.school.pk].delete()
            continue
        if proposal.sip.pk not in sips:
            raise VisitError(f"{proposal.sip} is not a SIP of {la.name}.")
        assignment = existing.get(proposal.school.pk) or SipAssignment(
            school=proposal.school, academic_year=academic_year
        )
        assignment.sip = proposal.sip
        assignment.days_allocated = proposal.days_allocated
        assignment.full_clean()
        assignment.save()
        assigned += 1
    audit_record(
        action=Action.CASELOAD_PREPARED,
        actor=actor,
        request=request,
        la=la,
        detail={"year": academic_year, "assigned": assigned, "without_sip": len(proposals) - assigned},
    )
    return assigned


@transaction.atomic
def visit_plan(
    *, actor, assignment: SipAssignment, date, kind: str, length_days: Decimal, agenda: str = "", request=None
) -> Visit:
    """Plan a visit in the assignment's academic year, with the agenda template if none is given."""
    first, last = academic_year_dates(assignment.academic_year)
    if not first <= date <= last:
        raise VisitError(
            f"Choose a date in {academic_year_label(assignment.academic_year)} "
            f"({first:%-d %B %Y} to {last:%-d %B %Y}).",
            field="date",
        )
    agenda = agenda.strip() or agenda_template(kind)
    if not assignment.visits.exists():
        # The first visit of the year reviews the next steps carried into it.
        carried = [
            f"Carried from {academic_year_label(step.visit.assignment.academic_year)}: {step.action} "
            f"({step.owner}, due {step.due_on:%-d %B %Y})."
            for step in steps_carried_into(assignment.school, assignment.academic_year)
        ]
        agenda = "\n".join([*carried, agenda])
    visit = Visit(
        assignment=assignment,
        sip=assignment.sip,
        date=date,
        kind=kind,
        length_days=length_days,
        agenda=agenda,
    )
    visit.full_clean()
    visit.save()
    audit_record(
        action=Action.VISIT_PLANNED,
        actor=actor,
        request=request,
        obj=assignment.school,
        detail={"visit": visit.pk, "date": str(date)},
    )
    return visit


@dataclass
class VisitRecord:
    """What a SIP records about a visit, as plain data."""

    fields: dict
    people: list[dict] = field(default_factory=list)
    evaluations: dict[int, dict] = field(default_factory=dict)  # priority id → values
    support: list[dict] = field(default_factory=list)
    next_steps: list[dict] = field(default_factory=list)
    steps_done: list[int] = field(default_factory=list)  # earlier next steps now done


def visit_snapshot(visit: Visit) -> dict:
    """The visit as it stands, for the amendment history."""
    return {
        **{name: getattr(visit, name) for name in RECORD_FIELDS},
        "people": [{"name": p.name, "role": p.role} for p in visit.people.all()],
        "evaluations": [
            {
                "priority": e.priority.title,
                "status": e.status,
                "evidence": e.evidence,
                "cause": e.cause,
                "response": e.response,
            }
            for e in visit.evaluations.select_related("priority")
        ],
        "support": [{"what": s.what, "provider": s.provider, "days": str(s.days)} for s in visit.support.all()],
        "next_steps": [{"action": n.action, "owner": n.owner, "due_on": str(n.due_on)} for n in visit.next_steps.all()],
    }


@transaction.atomic
def visit_record(
    *, actor, visit: Visit, version: int, record: VisitRecord, amendment_reason: str = "", request=None
) -> Visit:
    """Save what was recorded (a draft until finalised).

    Changing a finalised visit needs a reason and keeps the earlier version in its history. A
    stale version is refused, never overwritten.
    """
    visit = Visit.objects.select_for_update(of=("self",)).select_related("assignment__school").get(pk=visit.pk)
    check_version(saved=visit.version, sent=version, what="this visit record")
    today = timezone.localdate()
    if not visit.has_happened(today):
        raise VisitError(
            f"This visit is on {visit.date:%-d %B %Y}; record it on the day or after. Until then it stays planned.",
            field="summary",
        )
    is_correction = visit.academic_year < academic_year_of(today)
    if (visit.is_final or is_correction) and not amendment_reason.strip():
        raise VisitError(
            "Say why you are correcting a record of an earlier year."
            if is_correction
            else "Say why you are changing a finalised record.",
            field="amendment_reason",
        )
    before = visit_snapshot(visit) if visit.is_final or is_correction else None

    for name, value in record.fields.items():
        setattr(visit, name, value)
    if visit.state == Visit.State.PLANNED:
        visit.state = Visit.State.DRAFT
        visit.sip_id = visit.assignment.sip_id  # logged by the school's SIP of the day (after a handover, the new one)
    visit.version += 1
    visit.full_clean()
    visit.save()

    visit.people.all().delete()
    VisitPerson.objects.bulk_create([VisitPerson(visit=visit, **p) for p in record.people])
    priorities = {p.pk: p for p in Priority.objects.filter(school=visit.assignment.school_id)}
    visit.evaluations.all().delete()
    evaluations = []
    for priority_id, values in record.evaluations.items():
        if priority_id not in priorities:
            raise VisitError("A priority of another school was sent with this visit.")
        evaluation = PriorityEvaluation(visit=visit, priority=priorities[priority_id], **values)
        evaluation.full_clean(exclude=["visit"])
        evaluations.append(evaluation)
    PriorityEvaluation.objects.bulk_create(evaluations)
    visit.support.all().delete()
    BrokeredSupport.objects.bulk_create([BrokeredSupport(visit=visit, **s) for s in record.support])
    visit.next_steps.all().delete()
    steps = [NextStep(visit=visit, **n) for n in record.next_steps]
    for step in steps:
        try:
            step.full_clean(exclude=["visit", "done_at_visit"])
        except ValidationError as error:
            raise VisitError(f"Next step “{step.action}”: {' '.join(error.messages)}") from error
    NextStep.objects.bulk_create(steps)
    if not visit.is_final:
        # The earlier steps shown on this record: ticked ones are done at this visit; unticking one
        # ticked here opens it again.
        shown = open_earlier_steps(visit)
        shown.filter(pk__in=record.steps_done).update(done_on=visit.date, done_at_visit=visit)
        shown.filter(done_at_visit=visit).exclude(pk__in=record.steps_done).update(done_on=None, done_at_visit=None)

    if before is not None:
        VisitAmendment.objects.create(visit=visit, by=actor, reason=amendment_reason.strip(), before=before)
        audit_record(
            action=Action.VISIT_CORRECTED if is_correction else Action.VISIT_AMENDED,
            actor=actor,
            request=request,
            obj=visit.assignment.school,
            detail={"visit": visit.pk, "reason": amendment_reason.strip(), "year": visit.academic_year},
        )
    return visit


@transaction.atomic
def visit_finalise(*, actor, visit: Visit, version: int, request=None) -> Visit:
    """Lock the record and share its summary, evaluation and next steps with the headteacher."""
    visit = Visit.objects.select_for_update().select_related("assignment__school").get(pk=visit.pk)
    if visit.version != version:
        raise VisitError("This visit changed since you checked it; check it again before finalising.")
    if visit.is_final:
        raise VisitError("This visit is already finalised.")
    problems = finalise_problems(visit)
    if problems:
        raise VisitError(" ".join(problems))
    visit.state = Visit.State.FINAL
    visit.finalised_at = timezone.now()
    visit.finalised_by = actor
    visit.version += 1
    visit.save()
    audit_record(
        action=Action.VISIT_FINALISED,
        actor=actor,
        request=request,
        obj=visit.assignment.school,
        detail={"visit": visit.pk},
    )
    return visit


@dataclass
class StepDecision:
    """The SIP's year-end decision on one open next step."""

    step_id: int
    carry: bool
    reason: str = ""


@transaction.atomic
def next_steps_decide(*, actor, school, decisions: list[StepDecision], request=None) -> int:
    """Carry open next steps into the new year, or close them with a reason; returns how many.

    Carried steps head the new year's first visit agenda. Each decision is audited.
    """
    today = timezone.localdate()
    steps = {step.pk: step for step in steps_to_decide(school, today).select_for_update(of=("self",))}
    new_year = year_ending(today) + 1
    decided = 0
    for decision in decisions:
        step = steps.get(decision.step_id)
        if step is None:
            raise VisitError("One of these next steps has already been decided or is not open any more.")
        if decision.carry:
            step.carried_into_year = new_year
            action = Action.NEXT_STEP_CARRIED
        else:
            if not decision.reason.strip():
                raise VisitError(f"Say why “{step.action}” is closed.", field=f"step-{step.pk}-reason")
            step.closed_on, step.closed_reason = today, decision.reason.strip()
            action = Action.NEXT_STEP_CLOSED
        step.full_clean()
        step.save()
        audit_record(
            action=action,
            actor=actor,
            request=request,
            obj=school,
            detail={"step": step.pk, "action": step.action, "year": new_year, "reason": step.closed_reason},
        )
        decided += 1
    return decided
