"""Priorities and visits for the demo's Gaining Ground schools, so the caseload shows a real year.

Dates are placed in the current academic year; running the seed again changes nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from priorities.models import Milestone, PlanAction, Priority, RagReview
from visits.agenda import agenda_template
from visits.models import NextStep, PriorityEvaluation, SipAssignment, Visit, VisitPerson

from ._demo_people import staff_name

PRIORITIES = [
    ("Accelerate progress in maths for FSM boys", "Tracking every half term; intervention groups in Years 9 and 10"),
    ("Assessment for learning in English", "APP in Key Stage 3; peer assessment in every lesson"),
    ("Governors' challenge on pupil progress", "Data workshops; a governor linked to each core subject"),
]


def seed_visits(assignment: SipAssignment, head_name: str, chair_name: str) -> None:
    year = assignment.academic_year
    start = datetime.date(year, 9, 1)
    priorities = []
    for position, (title, focus) in enumerate(PRIORITIES, start=1):
        priority, _ = Priority.objects.get_or_create(
            school=assignment.school,
            title=title,
            defaults={
                "key_focus_areas": focus,
                "starts_on": start,
                "ends_on": datetime.date(year + 1, 7, 31),
                "position": position,
            },
        )
        priorities.append(priority)

    seed_plan(priorities, year, reviewer=assignment.sip, head_name=head_name)

    autumn = datetime.date(year, 10, 7)
    visit, created = Visit.objects.get_or_create(
        assignment=assignment,
        date=autumn,
        defaults={
            "kind": Visit.Kind.GAINING_GROUND,
            "length_days": Decimal("1.0"),
            "state": Visit.State.FINAL,
            "agenda": agenda_template(Visit.Kind.GAINING_GROUND),
            "classroom_evidence": "Five lessons seen with the deputy head; AfL strong in maths, patchy in English.",
            "tracked_pupils": "Six of the eight tracked Year 10 pupils are on track for their maths target.",
            "documents_seen": "Half-termly tracking data; the AfL development plan.",
            "summary": "Maths intervention is working for FSM boys. English AfL has slipped because two "
            "teachers left in September; the plan is adjusted and training moves to the spring term.",
            "private_notes": "Head of English stretched; keep an eye on capacity.",
            "finalised_at": timezone.now(),
            "finalised_by": assignment.sip,
        },
    )
    if created:
        VisitPerson.objects.bulk_create(
            [
                VisitPerson(visit=visit, name=head_name, role="Headteacher"),
                VisitPerson(visit=visit, name=chair_name, role="Chair of governors"),
            ]
        )
        PriorityEvaluation.objects.bulk_create(
            [
                PriorityEvaluation(
                    visit=visit, priority=priorities[0], status="on-track", evidence="FSM boys up 6 points."
                ),
                PriorityEvaluation(
                    visit=visit,
                    priority=priorities[1],
                    status="slipping",
                    evidence="AfL seen in two of five lessons.",
                    cause=PriorityEvaluation.Cause.UNEXPECTED,
                    response="Adjust the plan: cover arranged, training moved to January.",
                ),
                PriorityEvaluation(visit=visit, priority=priorities[2], status="on-track", evidence="Workshop booked."),
            ]
        )
        NextStep.objects.bulk_create(
            [
                NextStep(
                    visit=visit,
                    action="Publish the revised AfL plan to staff",
                    owner=head_name,
                    due_on=datetime.date(year, 11, 1),
                ),
                NextStep(
                    visit=visit,
                    action="Analyse the autumn maths check for FSM boys",
                    owner=staff_name(assignment.school, 0),
                    due_on=datetime.date(year + 1, 1, 15),
                ),
            ]
        )
    for day, kind in (
        (datetime.date(year, 12, 9), Visit.Kind.GAINING_GROUND),
        (datetime.date(year + 1, 2, 10), Visit.Kind.GOVERNORS),
    ):
        Visit.objects.get_or_create(
            assignment=assignment,
            date=day,
            defaults={"kind": kind, "length_days": Decimal("1.0"), "agenda": agenda_template(kind)},
        )


PLAN = [
    (
        "Small-group maths intervention for FSM boys in Years 9 and 10, three times a fortnight",
        0,  # a slot of the school's own staff (or None: the headteacher)
        "FSM boys' expected progress in maths rises from 45% to 60% by July",
        "Half-termly tracking data; RAISEonline FSM breakdown",
        [("Groups set from the autumn baseline", 10, 15), ("First impact review with the SIP", 12, 10)],
        ("amber", "Two groups started three weeks late; catching up."),
    ),
    (
        "Train every English teacher in APP and peer assessment",
        None,
        "AfL seen in four of five English lessons; Year 8 writing levels up one sub-level",
        "Lesson observations; APP standardisation records",
        [("Training day with the LA consultant", 1, 20), ("Observation round", 3, 13)],
        None,
    ),
]


def seed_plan(priorities, year: int, *, reviewer, head_name: str) -> None:
    for priority, (description, slot, criteria, data, milestones, review) in zip(priorities, PLAN, strict=False):
        owner = head_name if slot is None else staff_name(priority.school, slot)
        action, created = PlanAction.objects.get_or_create(
            priority=priority,
            description=description,
            defaults={"owner": owner, "success_criteria": criteria, "data_sources": data},
        )
        if not created:
            continue
        for text, month, day in milestones:
            Milestone.objects.create(
                action=action, description=text, due_on=datetime.date(year if month >= 9 else year + 1, month, day)
            )
        if review:
            RagReview.objects.create(action=action, rag=review[0], reason=review[1], reviewed_by=reviewer)
            action.rag, action.rag_reason = review
            action.save(update_fields=["rag", "rag_reason"])
