"""SIP reports for the demo, so every demo governor can download one.

In each LA the governor's school has an issued report with its PDFs rendered, and a newer report
shared with the headteacher.

Running the seed again changes nothing.
"""

import datetime

from django.utils import timezone

from accounts.models import Membership, Role
from caseload.models import SipAssignment
from jobs.runner import run_job
from reports.models import RenderedDocument, Report, ReportEvent
from reports.services import _draft_from_portal, term_number
from reports.tasks import render_in_scope
from tenancy.academic_year import academic_year_dates, academic_year_label, current_academic_year

SECTIONS = {
    "key_strengths": (
        "The headteacher and senior team know the school well and lead with determination. Attendance has risen "
        "for three terms running, and English results are now close to the national average."
    ),
    "underachieving_groups": ["fsm", "boys"],
    "underachievement": (
        "Boys eligible for free school meals make much less progress in maths than other pupils: in Year 10 only "
        "half are on track for their target grade. Lower-attaining pupils in Year 9 also fall behind in maths."
    ),
    "self_evaluation_judgement": "good",
    "self_evaluation": (
        "The school's self-evaluation is honest and rests on half-termly tracking that leaders check against "
        "pupils' work. It underplays the weakness in maths for boys eligible for free school meals."
    ),
    "capacity_judgement": "satisfactory",
    "capacity": (
        "Senior leaders have the capacity to improve the school, but two of the three maths leaders are new. "
        "Improvement depends on the maths department getting steady support this year."
    ),
    "challenge": (
        "I challenged the school to stop withdrawing the target pupils from maths lessons for other work; the "
        "headteacher agreed and the timetable changed from January."
    ),
    "targets": (
        "Target: 45% of pupils with five good GCSEs including English and maths by summer 2027, from 33% now. "
        "Trajectory: 38% in 2026, 41% in the 2027 mock examinations, 45% in 2027."
    ),
    "named_detail": "Mr J. Hart (Year 10 maths) is new to the school and is being coached by the partner school.",
    "private_notes": "The LA may need to broker an interim head of maths if the appointment in March fails.",
}

NO_PARTNERSHIP = "No partnership with a partner school has been agreed for this year yet."


def seed_reports() -> None:
    year = current_academic_year()
    chairs = Membership.objects.filter(
        role=Role.GOVERNOR, is_chair=True, user__email__endswith="@demo.test"
    ).select_related("school", "school__la")
    for chair in chairs:
        school = chair.school
        assignment = SipAssignment.objects.filter(school=school, academic_year=year).select_related("sip").first()
        if assignment is None or Report.objects.filter(school=school, academic_year=year).exists():
            continue
        known = _draft_from_portal(school, academic_year_dates(year)[0] - datetime.timedelta(days=1))
        visit = known.pop("visit")
        # The partnership section says what this year's Form 2 and ledger hold, or that there is none yet.
        sections = SECTIONS | {"partnership": known["partnership"] or NO_PARTNERSHIP}
        now = timezone.now()
        term = term_number(timezone.localdate())
        issued = Report.objects.create(
            school=school,
            academic_year=year,
            term=term,
            title=f"SIP report, autumn term {academic_year_label(year)}",
            visit=visit,
            author=assignment.sip,
            **(known | sections | {"support": known["support"] or "Two days of partner school support in maths."}),
            state=Report.State.ISSUED,
            shared_at=now,
            issued_at=now,
            issued_by=assignment.sip,
            head_accuracy="accurate",
        )
        for action, comment in (
            ("drafted", ""),
            ("shared", ""),
            ("commented", "Confirmed the report is factually accurate."),
            ("issued", ""),
        ):
            ReportEvent.objects.create(report=issued, actor=assignment.sip, action=action, comment=comment)
        for audience in issued.audiences():
            document = RenderedDocument.objects.create(report=issued, audience=audience)
            # Rendered here, so the demo needs no worker to offer a PDF.
            run_job(RenderedDocument, document.pk, render_in_scope)
        shared = Report.objects.create(
            school=school,
            academic_year=year,
            term=term,
            title=f"SIP report after the governors' day, {academic_year_label(year)}",
            author=assignment.sip,
            **sections,
            state=Report.State.SHARED,
            shared_at=now,
        )
        ReportEvent.objects.create(report=shared, actor=assignment.sip, action="drafted")
        ReportEvent.objects.create(report=shared, actor=assignment.sip, action="shared")
