"""Computing the national figures: one `SchoolFigures` row per school, in a fixed number of queries.

Every query groups by school across all LAs at once, so the work grows with the rows read, never
with the number of queries; the rows are written in bulk and replace the previous snapshot in one
transaction, so a page never sees half a refresh.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from jobs.models import JobState
from jobs.runner import job_enqueue, job_finish
from tenancy.academic_year import current_academic_year

from .models import FiguresRefresh, LaFigures, SchoolFigures
from .tables import AGGREGATES, MEDIAN_FIELDS

ZERO = Decimal(0)


def _days(later: datetime.datetime | datetime.date, earlier: datetime.datetime) -> int:
    if isinstance(later, datetime.datetime):
        later = timezone.localtime(later).date()
    return max(0, (later - timezone.localtime(earlier).date()).days)


def compute_rows(year: int, today: datetime.date) -> dict[int, dict]:
    """School id -> the fields of its figures row. Every LA at once: the caller disables scopes."""
    from partnerships.models import Form2, LedgerKind, LedgerLine, MatchProposal, SupportingSchool
    from partnerships.selectors import places_in_use, sip_extra_days
    from priorities.models import PlanAction, PriorityProfile
    from reports.models import Report
    from reports.selectors import overdue_reports
    from schools.models import EligibilityAssessment, School, gaining_ground_q
    from visits.models import PriorityEvaluation, SipAssignment, Visit
    from visits.selectors import TAKEN_PLACE

    rows: dict[int, dict] = defaultdict(dict)

    for school_id in School.objects.filter(gaining_ground_q(year=year)).values_list("pk", flat=True):
        rows[school_id].update(in_gaining_ground=True, eligible=True)
    met = EligibilityAssessment.objects.filter(finding=EligibilityAssessment.Finding.MET, school__status="open")
    for school_id in met.values_list("school_id", flat=True).distinct():
        rows[school_id]["eligible"] = True

    for school_id, allocated in SipAssignment.objects.filter(academic_year=year).values_list(
        "school_id", "days_allocated"
    ):
        rows[school_id].update(has_sip=True, days_allocated=allocated)
    used = (
        Visit.objects.filter(assignment__academic_year=year, state__in=TAKEN_PLACE, date__lte=today)
        .values("assignment__school_id")
        .annotate(days=Sum("length_days"))
    )
    for row in used:
        rows[row["assignment__school_id"]]["days_used"] = row["days"] or ZERO

    # This year's plan: the school's active priorities that run in the year.
    actions = (
        PlanAction.objects.filter(priority__is_active=True, priority__in=_priorities_in_year(year))
        .values("priority__school_id")
        .annotate(
            red=Count("pk", distinct=True, filter=Q(rag=PlanAction.Rag.RED)),
            amber=Count("pk", distinct=True, filter=Q(rag=PlanAction.Rag.AMBER)),
            green=Count("pk", distinct=True, filter=Q(rag=PlanAction.Rag.GREEN)),
            not_reviewed=Count("pk", distinct=True, filter=Q(rag=PlanAction.Rag.NOT_REVIEWED)),
            overdue=Count(
                "pk", distinct=True, filter=Q(milestones__done_on__isnull=True, milestones__due_on__lt=today)
            ),
        )
    )
    for row in actions:
        rows[row["priority__school_id"]].update(
            actions_red=row["red"],
            actions_amber=row["amber"],
            actions_green=row["green"],
            actions_not_reviewed=row["not_reviewed"],
            actions_overdue=row["overdue"],
        )

    Cause = PriorityEvaluation.Cause
    slippage = (
        PriorityEvaluation.objects.filter(
            visit__assignment__academic_year=year, visit__state=Visit.State.FINAL, cause__gt=""
        )
        .values("visit__assignment__school_id")
        .annotate(
            over=Count("pk", filter=Q(cause=Cause.OVER_AMBITIOUS)),
            unexpected=Count("pk", filter=Q(cause=Cause.UNEXPECTED)),
            inertia=Count("pk", filter=Q(cause=Cause.INERTIA)),
        )
    )
    for row in slippage:
        rows[row["visit__assignment__school_id"]].update(
            slipped_over_ambitious=row["over"], slipped_unexpected=row["unexpected"], slipped_inertia=row["inertia"]
        )

    issued = (
        Report.objects.filter(academic_year=year, state=Report.State.ISSUED).values("school_id").annotate(n=Count("pk"))
    )
    for row in issued:
        rows[row["school_id"]]["reports_issued"] = row["n"]
    # The LA's list of overdue reports, read for every LA at once.
    for overdue in overdue_reports(today):
        rows[overdue.school_id]["report_overdue"] = True

    ledger_fields = {
        LedgerKind.PARTNER_DAYS: "partner_days",
        LedgerKind.CONSULTANT_DAYS: "consultant_days",
        LedgerKind.STUDY_SUPPORT: "study_support",
        LedgerKind.IMPROVEMENT_FUNDING: "improvement_funding",
    }
    for row in LedgerLine.objects.filter(academic_year=year).values("school_id", "kind").annotate(total=Sum("amount")):
        rows[row["school_id"]][ledger_fields[row["kind"]]] = row["total"]
    in_programme = [pk for pk, fields in rows.items() if fields.get("in_gaining_ground")]
    for school_id, (days, _governors) in sip_extra_days(in_programme, year).items():
        rows[school_id]["sip_extra_days"] = days

    _matching(rows, year, today, PriorityProfile, MatchProposal)

    plans = Form2.objects.filter(partnership__academic_year=year).order_by("partnership_id", "version_number")
    for school_id, state in plans.values_list("partnership__school_id", "state"):
        rows[school_id]["form2_state"] = state  # the newest version wins
        rows[school_id]["form2_approved"] = state in (Form2.State.APPROVED, Form2.State.SUBMITTED)

    in_use = places_in_use()  # as matching counts them: partnerships under way and proposals waiting
    for school_id, offering, capacity in SupportingSchool.objects.filter(school__status="open").values_list(
        "school_id", "offering_support", "capacity"
    ):
        rows[school_id].update(
            on_register=True,
            offering_support=offering,
            capacity=capacity,
            partnerships_in_use=in_use.get(school_id, 0),
        )
    return rows


def _priorities_in_year(year: int):
    from priorities.models import Priority

    return Priority.objects.in_year(year).values("pk")


def _matching(rows: dict, year: int, today: datetime.date, PriorityProfile, MatchProposal) -> None:
    """Where each school's Form 1 is in matching, and how long each step took."""
    submitted = (
        PriorityProfile.objects.filter(academic_year=year, submitted_at__isnull=False)
        .values("school_id")
        .annotate(first=Min("submitted_at"))
    )
    first_submitted = {row["school_id"]: row["first"] for row in submitted}
    proposals: dict[int, list] = defaultdict(list)
    for school_id, state, proposed_at, responded_at in (
        MatchProposal.objects.filter(profile__academic_year=year)
        .order_by("proposed_at", "pk")
        .values_list("school_id", "state", "proposed_at", "responded_at")
    ):
        proposals[school_id].append((state, proposed_at, responded_at))
    for school_id, submitted_at in first_submitted.items():
        made = proposals.get(school_id, [])
        states = {state for state, *_ in made}
        fields = rows[school_id]
        fields["form1_submitted"] = True
        fields["proposals_declined"] = sum(1 for state, *_ in made if state == MatchProposal.State.DECLINED)
        if MatchProposal.State.ACCEPTED in states:
            fields.update(match_state=SchoolFigures.MatchState.ACCEPTED, matched=True)
        elif MatchProposal.State.PROPOSED in states:
            fields["match_state"] = SchoolFigures.MatchState.PROPOSED
        else:
            fields["match_state"] = SchoolFigures.MatchState.WAITING
        fields["days_waiting"] = _days(made[0][1] if made else today, submitted_at)
        answered = [(proposed, responded) for _, proposed, responded in made if responded is not None]
        if answered:
            fields["days_to_answer"] = _days(answered[-1][1], answered[-1][0])


def refresh_figures(*, year: int | None = None, job: FiguresRefresh | None = None) -> FiguresRefresh:
    """Compute the figures and make them the ones shown, in one transaction.

    With a job (the background run) the job is finished in the same transaction; without one
    (the demo, tests, the command) a done row is written directly.
    """
    year = current_academic_year() if year is None else year
    today = timezone.localdate()
    with scopes_disabled(), transaction.atomic():
        from schools.models import School

        rows = compute_rows(year, today)
        la_of = dict(School.objects.filter(pk__in=list(rows)).values_list("pk", "la_id"))
        if job is None:
            now = timezone.now()
            job = FiguresRefresh.objects.create(
                academic_year=year, state=JobState.DONE, started_at=now, finished_at=now, attempts=1
            )
        SchoolFigures.objects.bulk_create(
            [
                SchoolFigures(run=job, la_id=la_of[school_id], school_id=school_id, academic_year=year, **fields)
                for school_id, fields in rows.items()
            ],
            batch_size=1000,
        )
        write_la_totals(job, year)
        # Only the newest figures are kept: the older rows go with the snapshot they belonged to.
        SchoolFigures.objects.filter(academic_year=year).exclude(run=job).delete()
        LaFigures.objects.filter(academic_year=year).exclude(run=job).delete()
        if job.state != JobState.DONE:
            if not job_finish(job, schools=len(rows)):
                transaction.set_rollback(True)
                return job
        else:
            FiguresRefresh.objects.filter(pk=job.pk).update(schools=len(rows))
        FiguresRefresh.objects.filter(academic_year=year, state=JobState.DONE).exclude(pk=job.pk).delete()
    job.refresh_from_db()
    return job


def write_la_totals(job: FiguresRefresh, year: int) -> None:
    """Each LA's totals of every dashboard figure and its schools' values for the medians (two grouped queries)."""
    rows = SchoolFigures.objects.filter(run=job).order_by()
    totals = {
        row.pop("la_id"): {name: str(v) if isinstance(v, Decimal) else v for name, v in row.items()}
        for row in rows.values("la_id").annotate(**AGGREGATES)
    }
    medians: dict = {}
    for la_id, *values in rows.values_list("la_id", *MEDIAN_FIELDS):
        listed = medians.setdefault(la_id, {name: [] for name in MEDIAN_FIELDS})
        for name, value in zip(MEDIAN_FIELDS, values, strict=True):
            if value is not None:
                listed[name].append(value)
    LaFigures.objects.bulk_create(
        LaFigures(run=job, la_id=la_id, academic_year=year, totals=found, median_values=medians.get(la_id, {}))
        for la_id, found in totals.items()
    )


def request_refresh(year: int | None = None) -> FiguresRefresh | None:
    """Ask the workers for new figures, unless a refresh is already waiting or running."""
    year = current_academic_year() if year is None else year
    if FiguresRefresh.objects.filter(academic_year=year, state__in=[JobState.REQUESTED, JobState.RUNNING]).exists():
        return None
    job = FiguresRefresh.objects.create(academic_year=year)
    job_enqueue(job)
    return job
