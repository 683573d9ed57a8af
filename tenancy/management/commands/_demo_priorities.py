"""Demo Form 1s and plans of earlier years, so the year views, carry-over and year end have a past.

Called by seed_demo once per school and earlier year. Idempotent: get_or_create throughout.
"""

import datetime

from django.utils import timezone

from priorities.models import Milestone, PlanAction, Priority, PriorityProfile, ProfileEvent, ProfilePriority
from tenancy.academic_year import academic_year_label, current_academic_year

# Each school draws three different priorities, so no two demo Form 1s read the same.
THEMES = [
    ("Progress of FSM boys in maths", "Setting by prior attainment; weekly tracked intervention"),
    ("Reading age at entry to Year 7", "Daily reading programme; library lessons for the lowest quintile"),
    ("Attendance of the Year 10 cohort", "First-day calling; mentoring for persistent absentees"),
    ("Science practical skills at GCSE", "Required practicals taught in sequence; technician time"),
    ("Quality of marking and feedback", "Whole-school feedback policy; book looks each half-term"),
    ("Behaviour in unstructured time", "Duty rota at lunch; restorative conversations"),
    ("English results of EAL pupils", "Vocabulary teaching in every subject; EAL coordinator"),
]


def seed_priorities_year(school, *, year: int, head, sip, matching_body=None) -> None:
    """An earlier academic year of `school`: its submitted Form 1 and its plan, one action left open.

    `year` is the start year of an academic year before the current one (2025 for 2025/26);
    `matching_body` is the school's SSAT or National College row (no Form 1 without it).
    """
    if year >= current_academic_year():
        return
    label = academic_year_label(year)
    first_day, last_day = datetime.date(year, 9, 1), datetime.date(year + 1, 7, 31)
    offset = int(school.urn) % len(THEMES)
    themes = [THEMES[(offset + n) % len(THEMES)] for n in range(3)]
    if matching_body is not None:
        profile, created = PriorityProfile.objects.get_or_create(
            school=school,
            academic_year=year,
            version_number=1,
            defaults={
                "state": PriorityProfile.State.SUBMITTED,
                "matching_body": matching_body,
                "submitted_at": timezone.make_aware(datetime.datetime(year, 11, 14, 11)),
                "key_contact_name": head.full_name,
                "key_contact_email": head.email,
                "key_contact_phone": "01603 000111",
                "sip_name": sip.full_name,
                "sip_email": sip.email,
                "sip_phone": "07700 900111",
                "partner_criteria": "A school that raised FSM attainment in maths within three years.",
            },
        )
        if created:
            ProfilePriority.objects.bulk_create(
                [
                    ProfilePriority(
                        profile=profile,
                        position=n,
                        priority=title,
                        key_focus_areas=focus,
                        starts_on=first_day,
                        ends_on=last_day,
                        most_important=True,
                    )
                    for n, (title, focus) in enumerate(themes, start=1)
                ]
            )
            ProfileEvent.objects.create(profile=profile, actor=sip, action=ProfileEvent.Kind.SUBMITTED)
    title, focus = themes[0]
    priority, _ = Priority.objects.get_or_create(
        school=school,
        title=f"{title} ({label})",
        defaults={
            "key_focus_areas": focus,
            "starts_on": first_day,
            "ends_on": last_day,
            "is_active": False,
            "position": 10 + year % 10,
        },
    )
    done, _ = PlanAction.objects.get_or_create(
        priority=priority,
        description=f"Baseline assessment and groups set ({label})",
        defaults={"owner": head.full_name, "success_criteria": "Every tracked pupil has a baseline."},
    )
    Milestone.objects.get_or_create(
        action=done,
        description="Groups set",
        defaults={"due_on": datetime.date(year, 10, 1), "done_on": datetime.date(year, 9, 29)},
    )
    if not done.year_end:
        done.year_end, done.year_end_reason, done.year_end_by = PlanAction.YearEnd.CLOSED, "Done.", sip
        done.year_end_at = timezone.make_aware(datetime.datetime(year + 1, 7, 20, 12))
        done.save(update_fields=["year_end", "year_end_reason", "year_end_by", "year_end_at"])
    # Left open: the year-end page asks the SIP or head to carry it into this year or close it.
    still_open, _ = PlanAction.objects.get_or_create(
        priority=priority,
        description=f"Weekly intervention for the tracked group ({label})",
        defaults={"owner": sip.full_name, "success_criteria": "Expected progress up 10 points."},
    )
    Milestone.objects.get_or_create(
        action=still_open, description="Summer data drop", defaults={"due_on": datetime.date(year + 1, 7, 1)}
    )
