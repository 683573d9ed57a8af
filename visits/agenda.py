"""The visit agenda template, after the handbook's "day in the life of a Gaining Ground SIP"."""

from .models import Visit

GAINING_GROUND_DAY = [
    "08:30 Arrive at the school.",
    "09:00 Meeting with the headteacher and chair of governors: the actions from the previous visit "
    "and progress against the priorities (partner school support, academic study support, the AfL plan).",
    "10:30 Meetings with core subject leaders and their partner-school counterparts.",
    "12:15 Lunch with the group of pupils being tracked: their progress and targets.",
    "13:15 Classroom visits with a senior leader, against the AfL and APP quality standards.",
    "14:15 With the headteacher: findings so far, agreeing priorities and next steps, support to broker.",
    "15:30 Data workshop for the governing body.",
]
STANDARD_DAY = [
    "09:00 Meeting with the headteacher: the actions from the previous visit and progress against the priorities.",
    "10:30 Meetings with subject and senior leaders.",
    "13:15 Classroom visits with a senior leader.",
    "14:15 With the headteacher: findings, agreeing priorities and next steps.",
]
GOVERNORS_DAY = [
    "09:00 Meeting with the chair of governors: the SIP's evaluation of the school's progress.",
    "10:30 Working through the evaluation with the governing body: strengths, weaknesses, serious concerns.",
    "13:30 Data workshop for governors: underachieving groups (FSM, gifted and talented).",
    "15:00 Supporting governors to challenge and support the school.",
]


def agenda_template(kind: str) -> str:
    lines = {
        Visit.Kind.GAINING_GROUND: GAINING_GROUND_DAY,
        Visit.Kind.GOVERNORS: GOVERNORS_DAY,
    }.get(kind, STANDARD_DAY)
    return "\n".join(lines)
