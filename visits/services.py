"""Caseload assignments and the visit log. Each change writes its audit record."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_record
from priorities.models import Priority
from sipportal.errors import DomainError
from tenancy.academic_year import academic_year_dates, academic_year_label

from .agenda import agenda_template
from .models import BrokeredSupport, NextStep, PriorityEvaluation, SipAssignment, Visit, VisitAmendment, VisitPerson

RECORD_FIELDS = ("agenda", "classroom_evidence", "tracked_pupils", "documents_seen", "summary", "private_notes")


class VisitError(DomainError):
    pass


@transaction.atomic
def assignment_set(*, actor, school, sip, academic_year: int, days_allocated: Decimal, request=None) -> SipAssignment:
    """Make `sip` the school's SIP for the year (replacing any other), with a day allocation."""
    if not Membership.objects.filter(user=sip, role=Role.SIP, la=school.la_id).exists():
        raise VisitError(f"{sip} is not a SIP of {school.la.name}.", field="sip")
    assignment = SipAssignment.objects.select_for_update().filter(school=school, academic_year=academic_year).first()
    if assignment and assignment.sip_id != sip.pk and assignment.visits.exists():
        raise VisitError(
            f"{assignment.sip} has already logged visits to {school.name} this year; those stay with them.",
            field="sip",
        )
    before = {"sip": assignment.sip.email, "days": str(assignment.days_allocated)} if assignment else None
    if assignment is None:
        assignment = SipAssignment(school=school, academic_year=academic_year)
    assignment.sip = sip
    assignment.days_allocated = days_allocated
    assignment.full_clean()
    assignment.save()
    audit_record(
        action=Action.SIP_ASSIGNED,
        actor=actor,
        request=request,
        obj=school,
        detail={"year": academic_year, "from": before, "to": {"sip": sip.email, "days": str(days_allocated)}},
    )
    return assignment


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
    visit = Visit(
        assignment=assignment,
        date=date,
        kind=kind,
        length_days=length_days,
        agenda=agenda.strip() or agenda_template(kind),
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


def open_earlier_steps(visit: Visit):
    """Next steps agreed at earlier finalised visits to this school and not yet done."""
    return (
        NextStep.objects.filter(
            visit__assignment__school_id=visit.assignment.school_id,
            visit__state=Visit.State.FINAL,
            visit__date__lt=visit.date,
            done_on__isnull=True,
        )
        .select_related("visit")
        .order_by("due_on", "pk")
    )


@transaction.atomic
def visit_record(
    *, actor, visit: Visit, version: int, record: VisitRecord, amendment_reason: str = "", request=None
) -> Visit:
    """Save what was recorded (a draft until finalised).

    Changing a finalised visit needs a reason and keeps the earlier version in its history. A
    stale version is refused, never overwritten.
    """
    visit = Visit.objects.select_for_update().select_related("assignment__school").get(pk=visit.pk)
    if visit.version != version:
        raise VisitError(
            "This visit was changed in another window or by someone else since you opened it. "
            "What you typed is below; check it against the saved record and save again."
        )
    if visit.is_final and not amendment_reason.strip():
        raise VisitError("Say why you are changing a finalised record.", field="amendment_reason")
    before = visit_snapshot(visit) if visit.is_final else None

    for name, value in record.fields.items():
        setattr(visit, name, value)
    if visit.state == Visit.State.PLANNED:
        visit.state = Visit.State.DRAFT
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
    NextStep.objects.bulk_create([NextStep(visit=visit, **n) for n in record.next_steps])
    if record.steps_done:
        open_earlier_steps(visit).filter(pk__in=record.steps_done).update(done_on=visit.date)

    if before is not None:
        VisitAmendment.objects.create(visit=visit, by=actor, reason=amendment_reason.strip(), before=before)
        audit_record(
            action=Action.VISIT_AMENDED,
            actor=actor,
            request=request,
            obj=visit.assignment.school,
            detail={"visit": visit.pk},
        )
    return visit


def finalise_problems(visit: Visit) -> list[str]:
    """What stops the record being finalised, in words for the SIP."""
    problems = []
    if not visit.summary.strip():
        problems.append("Write the agreed summary.")
    if not visit.people.exists():
        problems.append("Record who you met.")
    evaluated = set(visit.evaluations.values_list("priority_id", flat=True))
    for priority in Priority.objects.filter(school=visit.assignment.school_id, is_active=True):
        if priority.pk not in evaluated:
            problems.append(f"Evaluate progress against “{priority.title}”.")
    if not visit.next_steps.exists():
        problems.append("Agree at least one next step, with its owner and date.")
    return problems


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
