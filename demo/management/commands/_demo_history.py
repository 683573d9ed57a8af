"""Earlier academic years for every demo school, so each page a reviewer opens has a past.

For each school and finished year: the SIP's assignment, that year's priorities with a reviewed
plan, finalised visits with evaluations (slippage with the handbook's causes), next steps mostly
done and one left open into the next year, and for Gaining Ground schools a submitted Form 1.
Deterministic (seeded by URN and year) and idempotent: running the seed again adds nothing.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from priorities.models import Milestone, PlanAction, Priority, PriorityProfile, ProfileEvent, ProfilePriority, RagReview
from tenancy.academic_year import academic_year_label
from visits.agenda import agenda_template
from visits.models import NextStep, PriorityEvaluation, SipAssignment, Visit, VisitPerson

from ._demo_people import CHAIR_SLOT, staff_name

# (priority, key focus areas, plan action, the accountable person's staff slot, success criterion)
PRIORITY_POOL = [
    (
        "Raise attainment in mathematics at Key Stage 4",
        "Tracking every half term; targeted revision for borderline C/D pupils",
        "Saturday revision sessions for Year 11 pupils at the C/D borderline",
        0,
        "80% of the borderline group reach grade C in maths",
    ),
    (
        "Close the gap for pupils eligible for free school meals",
        "Mentoring for FSM pupils in Years 9 to 11; attendance follow-up",
        "Learning mentor for each FSM pupil below target in Year 10",
        1,
        "The FSM gap in 5+ A*–C incl. English and maths narrows by 5 points",
    ),
    (
        "Improve the quality of teaching in English",
        "Lesson study; coaching for teachers new to the department",
        "Coaching cycle for every English teacher, with joint observations",
        2,
        "Nine in ten English lessons judged good or better",
    ),
    (
        "Strengthen middle leadership",
        "Heads of department lead their own data reviews",
        "Half-termly data reviews led by each head of department",
        3,
        "Every department's tracking matches the school's targets",
    ),
    (
        "Improve attendance and punctuality",
        "First-day calling; rewards for whole-class attendance",
        "First-day calling and a weekly attendance panel",
        4,
        "Persistent absence falls below 5%",
    ),
    (
        "Assessment for learning in science",
        "Peer assessment; hinge questions in every lesson",
        "Hinge questions planned into each science scheme of work",
        5,
        "Pupils in Year 9 science can say their level and next step",
    ),
    (
        "Raise boys' achievement in writing",
        "Extended writing across subjects; reading for pleasure",
        "Extended writing task every fortnight in humanities",
        6,
        "Boys' expected progress in English rises by 8 points",
    ),
]
SLIPPAGE = [
    (PriorityEvaluation.Cause.OVER_AMBITIOUS, "Recalibrate: two milestones moved to the summer term."),
    (PriorityEvaluation.Cause.UNEXPECTED, "Adjust: cover arranged after a long-term absence."),
    (PriorityEvaluation.Cause.INERTIA, "The headteacher will meet the department and set weekly checks."),
]


def random_evaluation(rng, visit, priority) -> PriorityEvaluation:
    """A priority's evaluation at a visit: mostly on track, otherwise slipping with a cause and a response."""
    status = rng.choice(["on-track", "on-track", "slipping", "off-track"])
    cause, response = rng.choice(SLIPPAGE) if status != "on-track" else ("", "")
    return PriorityEvaluation(
        visit=visit,
        priority=priority,
        status=status,
        evidence="Seen in lessons and in the tracking data.",
        cause=cause,
        response=response,
    )


def _at(day: datetime.date, hour: int = 16) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_year(
    assignment: SipAssignment, head_name: str, *, matching_body=None, finished: bool = True, chair_name: str = ""
) -> None:
    """One academic year of a school's work with its SIP.

    A finished year has its autumn, spring and summer visits, priorities that ended with it and a
    next step left open (carried into the next year). An unfinished one (this year) has the autumn
    visit only.
    """
    school, year, sip = assignment.school, assignment.academic_year, assignment.sip
    rng = random.Random(int(school.urn) * 10_000 + year)  # noqa: S311  (invented demo data)
    label = academic_year_label(year)
    picks = rng.sample(PRIORITY_POOL, 3)
    priorities = []
    # Every random draw happens on every run, so a second run finds the same rows.
    rags = [rng.choice(["green", "amber", "red"] if finished else ["green", "amber"]) for _ in picks]
    lead = staff_name(school, picks[0][3])  # the deputy who leads the first priority
    chair_name = chair_name or staff_name(school, CHAIR_SLOT)
    for position, (title, focus, action_text, slot, criterion) in enumerate(picks, start=1):
        priority, created = Priority.objects.get_or_create(
            school=school,
            title=f"{title} ({label})" if finished else title,
            defaults={
                "key_focus_areas": focus,
                "starts_on": datetime.date(year, 9, 1),
                "ends_on": datetime.date(year + 1, 7, 31),
                "position": position,
                "is_active": not finished,
            },
        )
        priorities.append(priority)
        if created:
            action = PlanAction.objects.create(
                priority=priority,
                description=action_text,
                owner=staff_name(school, slot),
                success_criteria=criterion,
                data_sources="Half-termly tracking data",
            )
            Milestone.objects.create(
                action=action,
                description="First review of impact",
                due_on=datetime.date(year, 12, 12),
                done_on=datetime.date(year, 12, 10) if finished else None,
            )
            rag = rags[position - 1]
            reason = {"green": "On track at the review.", "amber": "Behind by a few weeks.", "red": "Not started."}[rag]
            RagReview.objects.create(action=action, rag=rag, reason=reason, reviewed_by=sip)
            action.rag, action.rag_reason = rag, reason
            action.save(update_fields=["rag", "rag_reason"])

    gaining_ground = school.in_gaining_ground_in(year)
    days = [(datetime.date(year, 10, 8 + rng.randrange(10)), Visit.Kind.STANDARD)]
    if finished:
        days += [(datetime.date(year + 1, 3, 3 + rng.randrange(10)), Visit.Kind.STANDARD)]
        if gaining_ground:
            days += [
                (datetime.date(year, 12, 2 + rng.randrange(8)), Visit.Kind.GAINING_GROUND),
                (datetime.date(year + 1, 5, 10 + rng.randrange(8)), Visit.Kind.GOVERNORS),
            ]
    days.sort()
    for number, (day, kind) in enumerate(days):
        visit, created = Visit.objects.get_or_create(
            assignment=assignment,
            date=day,
            defaults={
                "kind": kind,
                "length_days": Decimal("1.0"),
                "state": Visit.State.FINAL,
                "agenda": agenda_template(kind),
                "classroom_evidence": f"{3 + rng.randrange(4)} lessons seen with a senior leader.",
                "tracked_pupils": f"{4 + rng.randrange(4)} of the 8 tracked pupils are on target.",
                "documents_seen": "Tracking data; the self-evaluation form; minutes of the last governors' meeting.",
                "summary": f"{label} visit {number + 1}: {picks[0][0].lower()} is moving; "
                f"{picks[1][0].lower()} needs closer monitoring.",
                "private_notes": "Capacity in the senior team is thin; keep an eye on it.",
                "finalised_at": _at(day),
                "finalised_by": sip,
            },
        )
        if not created:
            continue
        VisitPerson.objects.bulk_create(
            [
                VisitPerson(visit=visit, name=head_name, role="Headteacher"),
                VisitPerson(visit=visit, name=chair_name, role="Chair of governors")
                if kind == Visit.Kind.GOVERNORS
                else VisitPerson(visit=visit, name=lead, role="Deputy headteacher"),
            ]
        )
        PriorityEvaluation.objects.bulk_create([random_evaluation(rng, visit, priority) for priority in priorities])
        last = number == len(days) - 1
        NextStep.objects.bulk_create(
            [
                NextStep(
                    visit=visit,
                    action=f"Share the {day:%B} tracking data with governors",
                    owner=head_name,
                    due_on=day + datetime.timedelta(days=21),
                    done_on=day + datetime.timedelta(days=19) if (finished or not last) else None,
                ),
                *(
                    [
                        NextStep(
                            visit=visit,
                            action="Review the curriculum model for Key Stage 4",
                            owner=lead,
                            due_on=datetime.date(year + 1, 7, 15) if finished else datetime.date(year + 1, 1, 31),
                        )
                    ]
                    if last
                    else []
                ),
            ]
        )

    if matching_body is not None and finished and gaining_ground:
        profile, created = PriorityProfile.objects.get_or_create(
            school=school,
            academic_year=year,
            version_number=1,
            defaults={
                "state": PriorityProfile.State.SUBMITTED,
                "key_contact_name": head_name,
                "key_contact_phone": "01603 000100",
                "key_contact_email": f"head.{school.urn}@demo.test",
                "sip_name": sip.full_name,
                "sip_phone": "07700 900100",
                "sip_email": sip.email,
                "partner_criteria": "A school that has closed its FSM gap in maths.",
                "matching_body": matching_body,
                "submitted_at": _at(datetime.date(year, 11, 20)),
            },
        )
        if created:
            ProfilePriority.objects.bulk_create(
                [
                    ProfilePriority(
                        profile=profile,
                        position=position,
                        priority=p.title,
                        key_focus_areas=p.key_focus_areas,
                        starts_on=p.starts_on,
                        ends_on=p.ends_on,
                        most_important=True,
                    )
                    for position, p in enumerate(priorities, start=1)
                ]
            )
            ProfileEvent.objects.create(profile=profile, actor=sip, action="submit")
