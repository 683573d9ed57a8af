"""Reads of the caseload and the visit log: object helpers and page queries.

Views call these, never the models directly. Each page costs a fixed number of queries, whatever
the number of schools or years of history.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from priorities.models import Priority
from schools.models import School, gaining_ground_q
from schools.selectors import get_school_for_user
from tenancy.academic_year import (
    academic_year_label,
    academic_year_of,
    current_academic_year,
    term_of,
    year_from_request,
)

from .models import STANDARD_DAYS, NextStep, SipAssignment, Visit, standard_allocation

TAKEN_PLACE = (Visit.State.DRAFT, Visit.State.FINAL)
ADDITIONAL_KINDS = (Visit.Kind.GAINING_GROUND, Visit.Kind.GOVERNORS)
OPEN_STEP = Q(done_on__isnull=True, closed_on__isnull=True)
# LA administrators may prepare next year's caseload from 1 July.
PREPARE_FROM = (7, 1)


# --- years ------------------------------------------------------------------------------


def caseload_years(*, sip=None) -> list[int]:
    """The years with assignments in the LA (or of one SIP), newest first; always the current one."""
    assignments = SipAssignment.objects.filter(academic_year__lte=current_academic_year())
    if sip is not None:
        assignments = assignments.filter(sip=sip)
    years = set(assignments.order_by().values_list("academic_year", flat=True).distinct())
    return sorted(years | {current_academic_year()}, reverse=True)


def school_visit_years(school) -> list[int]:
    """The years the school had a SIP, newest first; always the current one."""
    years = set(
        SipAssignment.objects.filter(school=school, academic_year__lte=current_academic_year())
        .order_by()
        .values_list("academic_year", flat=True)
    )
    return sorted(years | {current_academic_year()}, reverse=True)


# --- the caseload -----------------------------------------------------------------------


def _sum_days(visits) -> Coalesce:
    total = visits.order_by().values("assignment").annotate(total=Sum("length_days")).values("total")
    return Coalesce(Subquery(total, output_field=DecimalField()), Value(Decimal("0")), output_field=DecimalField())


def _count_per_school(steps) -> Coalesce:
    # Grouped by the school, not the assignment: a school has one assignment a year, and its open
    # steps are the school's whichever year agreed them, so the subquery must give one row.
    counted = steps.order_by().values("visit__assignment__school").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def caseload_rows(assignments: QuerySet[SipAssignment], today: datetime.date | None = None) -> QuerySet[SipAssignment]:
    """Assignments with what the caseload pages show, computed in the one query.

    Days used and the last visit count only visits that have happened (recorded, and dated today
    or earlier): a visit in the diary is planned, never used.
    """
    today = today or timezone.localdate()
    _, term_start, term_end = term_of(today)
    visits = Visit.objects.filter(assignment=OuterRef("pk"))
    happened = visits.filter(state__in=TAKEN_PLACE, date__lte=today)
    # Open next steps are the school's, from every year: a step agreed last year and not done is
    # still open until it is done or closed at year end.
    open_steps = NextStep.objects.filter(
        OPEN_STEP, visit__assignment__school=OuterRef("school"), visit__state=Visit.State.FINAL
    )
    return assignments.select_related("school", "school__la", "sip").annotate(
        days_used=_sum_days(happened),
        standard_days_used=_sum_days(happened.filter(kind=Visit.Kind.STANDARD)),
        additional_days_used=_sum_days(happened.filter(kind__in=ADDITIONAL_KINDS)),
        days_planned=_sum_days(visits.filter(Q(state=Visit.State.PLANNED) | Q(date__gt=today))),
        last_visit=Subquery(happened.order_by().values("assignment").annotate(d=Max("date")).values("d")),
        next_visit=Subquery(
            visits.filter(state=Visit.State.PLANNED, date__gte=today)
            .order_by()
            .values("assignment")
            .annotate(d=Min("date"))
            .values("d")
        ),
        open_steps=_count_per_school(open_steps),
        overdue_steps=_count_per_school(open_steps.filter(due_on__lt=today)),
        has_governors_day=Exists(visits.filter(kind=Visit.Kind.GOVERNORS)),
        governors_day_held=Exists(happened.filter(kind=Visit.Kind.GOVERNORS)),
        visited_this_term=Exists(visits.filter(date__range=(term_start, term_end))),
    )


def warnings_for(row: SipAssignment, *, current_year: bool = True) -> list[str]:
    """What an LA administrator should look at for one school's caseload.

    "No visit this term" only means something for the year that is running.
    """
    found = []
    if row.days_used > row.days_allocated:
        found.append(f"{row.days_used} days used of {row.days_allocated} allocated.")
    elif row.days_used + row.days_planned > row.days_allocated:
        found.append(f"Planned visits would use {row.days_used + row.days_planned} of {row.days_allocated} days.")
    if row.school.in_gaining_ground_in(row.academic_year) and not row.has_governors_day:
        found.append("No governors day planned.")
    if current_year and not row.visited_this_term:
        found.append("No visit this term.")
    return found


@dataclass
class DaysLine:
    label: str
    used: Decimal
    allocated: Decimal


def days_ledger(row: SipAssignment) -> list[DaysLine]:
    """The handbook's split of one school's days used against its allocation.

    The 5 standard days and, in Gaining Ground, the 4 additional days (of which one with governors).
    """
    if not row.school.in_gaining_ground_in(row.academic_year) and row.days_allocated <= STANDARD_DAYS:
        return [DaysLine("Days", row.days_used, row.days_allocated)]
    return [
        DaysLine("Standard days", row.standard_days_used, row.standard_days_allocated),
        DaysLine("Additional days", row.additional_days_used, row.additional_days_allocated),
    ]


CASELOAD_SORTS = {
    "school": "school__name",
    "sip": "sip__full_name",
    "days": "days_used",
    "last": "last_visit",
    "next": "next_visit",
    "open": "open_steps",
    "overdue": "overdue_steps",
}
CASELOAD_COLUMNS = [
    ("school", "School"),
    ("sip", "SIP"),
    ("gaining-ground", "Gaining Ground"),
    ("days", "Days used of allocated"),
    ("last", "Last visit"),
    ("next", "Next visit"),
    ("open", "Open next steps (all years)"),
    ("overdue", "Overdue"),
    ("report", "Latest report"),
    ("warnings", "Warnings"),
]


@dataclass
class CaseloadPage:
    year: int
    years: list[int]
    is_manager: bool
    mine_only: bool
    rows: list[SipAssignment]
    columns: list[tuple[str, str]]
    sort: str
    gaining_ground: str
    warnings_only: bool
    schools_without_sip: list[School] = field(default_factory=list)
    upcoming: list[Visit] = field(default_factory=list)
    # The page of rows shown (a county's caseload runs to 600 schools); `rows` are its rows.
    rows_page: Page | None = None

    @property
    def year_label(self) -> str:
        return academic_year_label(self.year)

    @property
    def is_current_year(self) -> bool:
        return self.year == current_academic_year()


# What other apps add to each caseload row in the same query: the reports app, which reads visits,
# adds each school's latest report. They register from their AppConfig.ready().
caseload_annotations: list[Callable[[QuerySet], QuerySet]] = []


def caseload_annotation(annotate: Callable[[QuerySet], QuerySet]) -> Callable[[QuerySet], QuerySet]:
    """Register `annotate(assignments) -> assignments` for the caseload rows."""
    caseload_annotations.append(annotate)
    return annotate


# Rows a caseload page shows at once: a SIP's schools fit on one; a county's take several.
CASELOAD_PER_PAGE = 50


def caseload_page(request, today: datetime.date | None = None) -> CaseloadPage:
    """A SIP's schools in a year; for an LA administrator, every SIP's, with warnings.

    Query parameters: `year`, `show=mine`, `gaining_ground=yes|no`, `sort=<column>|-<column>`,
    `warnings=yes`. Unknown values are ignored, never an error. The registered `caseload_annotations`
    add what other apps show in the rows (the latest report) to the one query.
    """
    today = today or timezone.localdate()
    user, la = request.user, request.la
    is_manager = user.has_perm("visits.manage_caseload", la)
    mine_only = not is_manager or request.GET.get("show") == "mine"
    years = caseload_years(sip=user if mine_only else None)
    year = year_from_request(request)
    assignments = SipAssignment.objects.filter(academic_year=year)
    if mine_only:
        assignments = assignments.filter(sip=user)
    gaining_ground = request.GET.get("gaining_ground", "")
    if gaining_ground in ("yes", "no"):
        in_programme = gaining_ground_q("school__", year)
        assignments = assignments.filter(in_programme) if gaining_ground == "yes" else assignments.exclude(in_programme)
    else:
        gaining_ground = ""
    sort = request.GET.get("sort", "")
    column = CASELOAD_SORTS.get(sort.lstrip("-"))
    if not column:
        sort = ""
    order = [f"-{column}" if sort.startswith("-") else column] if column else []
    current = year == current_academic_year()
    rows = caseload_rows(assignments, today=today)
    for annotate in caseload_annotations:
        rows = annotate(rows)
    rows = rows.order_by(*order, "sip__full_name", "school__name")
    warnings_only = request.GET.get("warnings") == "yes"
    if warnings_only:
        # Warnings are worked out in Python, so this filter reads every row; the plain list pages
        # in the database, which then computes the columns for one page of rows only.
        rows = [row for row in rows if warnings_for(row, current_year=current)]
    rows_page = Paginator(rows, CASELOAD_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(rows_page.object_list)
    for row in rows:
        row.warnings = warnings_for(row, current_year=current)
        row.ledger = days_ledger(row)
        row.in_gaining_ground = row.school.in_gaining_ground_in(year)
        # A school the SIP held in an earlier year may have another SIP now: named, not linked.
        row.can_open = user.has_perm("schools.view_school", row.school)
    return CaseloadPage(
        year=year,
        years=years,
        is_manager=is_manager,
        mine_only=mine_only,
        rows=rows,
        columns=[(key, label) for key, label in CASELOAD_COLUMNS if not (mine_only and key == "sip")],
        sort=sort,
        gaining_ground=gaining_ground,
        warnings_only=warnings_only,
        schools_without_sip=list(schools_without_sip(year)) if not mine_only else [],
        upcoming=list(upcoming_visits(user, today)) if current else [],
        rows_page=rows_page,
    )


def schools_without_sip(year: int) -> QuerySet[School]:
    """The LA's open schools with no SIP for the year (runs inside the LA's scope)."""
    return (
        School.objects.open()
        .exclude(pk__in=SipAssignment.objects.filter(academic_year=year).values("school"))
        .order_by("name")
    )


def upcoming_visits(user, today: datetime.date) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(assignment__sip=user, date__gte=today)
        .exclude(state=Visit.State.FINAL)
        .select_related("assignment__school", "assignment__school__la")
        .order_by("date")[:10]
    )


# --- preparing next year ----------------------------------------------------------------


def next_year_to_prepare(la, today: datetime.date) -> tuple[int, int] | None:
    """The LA administrator's to-do "Prepare <next year>": (next year, open schools with no SIP for it).

    From 1 July to 31 August; None otherwise, or once every open school has a SIP for next year.

    Call inside the LA's scope.
    """
    year = academic_year_of(today) + 1
    if not _in_preparation_window(today):
        return None
    unassigned = schools_without_sip(year).filter(la=la).count()
    return (year, unassigned) if unassigned else None


def can_prepare_year(year: int, today: datetime.date) -> bool:
    """Next year's caseload can be prepared from 1 July until it starts on 1 September."""
    return year == academic_year_of(today) + 1 and _in_preparation_window(today)


def _in_preparation_window(today: datetime.date) -> bool:
    return PREPARE_FROM <= (today.month, today.day) and today.month < 9


@dataclass
class ProposedAssignment:
    school: School
    sip_id: int | None  # proposed SIP: this year's, if still a SIP of the LA
    days: Decimal
    change: str  # "", "joined Gaining Ground", "left Gaining Ground", "no SIP this year"
    existing: SipAssignment | None  # already assigned for next year


def next_year_proposal(year: int) -> list[ProposedAssignment]:
    """Next year's assignments proposed from this year's, schools without a SIP first.

    Same SIP, days by programme (5, or 9 in Gaining Ground). Three queries, whatever the LA's size.
    """
    this_year = {a.school_id: a for a in SipAssignment.objects.filter(academic_year=year - 1)}
    next_year = {a.school_id: a for a in SipAssignment.objects.filter(academic_year=year)}
    proposals = []
    for school in School.objects.open().order_by("name"):
        existing = next_year.get(school.pk)
        current = this_year.get(school.pk)
        was_in, will_be_in = school.in_gaining_ground_in(year - 1), school.in_gaining_ground_in(year)
        change = ""
        if will_be_in and not was_in:
            change = "Joins Gaining Ground"
        elif was_in and not will_be_in:
            change = "Leaves Gaining Ground"
        sip_id = existing.sip_id if existing else (current.sip_id if current else None)
        days = existing.days_allocated if existing else standard_allocation(school, year)
        proposals.append(ProposedAssignment(school, sip_id, days, change, existing))
    proposals.sort(key=lambda p: (p.sip_id is not None, p.school.name))
    return proposals


# --- visits of one school ---------------------------------------------------------------


def _not_found(request, what: str, **detail) -> Http404:
    # Inside the LA but outside the person's schools: recorded like a wrong-tenant attempt.
    audit_record(
        action=Action.ACCESS_DENIED,
        request=request,
        la=request.la,
        detail={"path": request.path[:500], "tried": what, **detail},
    )
    return Http404(f"No such {what}")


def get_school_visits_for_user(request, urn: str) -> School:
    """The school whose visit log the person may read; 404 (recorded) otherwise."""
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("visits.view_visits", school):
        raise _not_found(request, "visit log", urn=urn)
    return school


def get_school_for_planning(request, urn: str) -> tuple[School, SipAssignment]:
    """The school and this year's assignment, for its SIP to plan a visit; PermissionDenied otherwise."""
    school = get_school_visits_for_user(request, urn)
    if not request.user.has_perm("visits.plan_visit", school):
        raise PermissionDenied("Only the school's SIP this year plans its visits.")
    assignment = SipAssignment.objects.get(school=school, academic_year=current_academic_year())
    return school, assignment


def get_school_for_year_end(request, urn: str) -> School:
    """The school whose open next steps the person decides on at year end; PermissionDenied otherwise."""
    school = get_school_visits_for_user(request, urn)
    if not request.user.has_perm("visits.decide_year_end", school):
        raise PermissionDenied
    return school


def get_visit_for_user(request, school, visit_id: int) -> Visit:
    """A visit to this school the person may see (the school's own people: finalised ones only).

    404 for anything else, recorded in the audit log.
    """
    visit = (
        Visit.objects.select_related(
            "assignment", "assignment__sip", "assignment__school", "assignment__school__la", "sip", "finalised_by"
        )
        .filter(pk=visit_id, assignment__school=school)
        .first()
    )
    if visit is None or not request.user.has_perm("visits.view_visit", visit):
        raise _not_found(request, "visit", visit=visit_id)
    return visit


def get_visit_for_edit(request, school, visit_id: int) -> Visit:
    """As get_visit_for_user, for changing it; PermissionDenied for people who may only read it.

    The school's SIP records this year's visits; an LA administrator corrects earlier years'.
    """
    visit = get_visit_for_user(request, school, visit_id)
    if request.user.has_perm("visits.record_visit", visit) or request.user.has_perm("visits.correct_visit", visit):
        return visit
    if visit.academic_year < current_academic_year():
        raise PermissionDenied("Visits of earlier years are history; an LA administrator can correct them.")
    raise PermissionDenied("Only the school's SIP records its visits.")


def get_visit_for_finalising(request, school, visit_id: int) -> Visit:
    """As get_visit_for_edit, for its SIP to finalise; PermissionDenied once it is final."""
    visit = get_visit_for_edit(request, school, visit_id)
    if visit.is_final or not request.user.has_perm("visits.record_visit", visit):
        raise PermissionDenied("This record is finalised already.")
    return visit


def visit_list_page(request, school) -> tuple[int, list[int], QuerySet[Visit]]:
    """(year shown, years offered, the year's visits the person may see)."""
    years = school_visit_years(school)
    year = year_from_request(request)
    visits = (
        Visit.objects.filter(assignment__school=school, assignment__academic_year=year)
        .select_related("sip")
        .order_by("-date", "-pk")
    )
    if not request.user.has_perm("visits.plan_visit", school) and not request.user.has_perm(
        "visits.manage_caseload", request.la
    ):
        visits = visits.filter(state=Visit.State.FINAL)
    return year, years, visits


def open_earlier_steps(visit: Visit) -> QuerySet[NextStep]:
    """Next steps agreed at earlier finalised visits to this school, still open, from any year.

    Steps ticked off while recording this visit stay on it (to be unticked) until it is finalised.
    """
    still_open = OPEN_STEP
    if not visit.is_final:
        still_open |= Q(done_at_visit=visit)
    return (
        NextStep.objects.filter(
            still_open,
            visit__assignment__school_id=visit.assignment.school_id,
            visit__state=Visit.State.FINAL,
            visit__date__lt=visit.date,
        )
        .exclude(closed_on__isnull=False)
        .select_related("visit")
        .order_by("due_on", "pk")
    )


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


# --- the turn of the year ---------------------------------------------------------------


def year_ending(today: datetime.date) -> int:
    """The academic year whose open steps are decided now: this one from 1 July, else the last."""
    current = academic_year_of(today)
    return current if _in_preparation_window(today) else current - 1


def steps_to_decide(school, today: datetime.date) -> QuerySet[NextStep]:
    """Open next steps of the year ending (and any earlier year) with no year-end decision yet.

    Each is carried into the new year or closed with a reason.
    """
    ending = year_ending(today)
    return (
        NextStep.objects.filter(
            OPEN_STEP,
            visit__assignment__school=school,
            visit__state=Visit.State.FINAL,
            visit__assignment__academic_year__lte=ending,
        )
        .filter(Q(carried_into_year__isnull=True) | Q(carried_into_year__lte=ending))
        .select_related("visit")
        .order_by("due_on", "pk")
    )


def steps_carried_into(school, year: int) -> QuerySet[NextStep]:
    return (
        NextStep.objects.filter(OPEN_STEP, visit__assignment__school=school, carried_into_year=year)
        .select_related("visit__assignment")
        .order_by("due_on", "pk")
    )


def active_priorities(school) -> QuerySet[Priority]:
    """The school's active plan priorities, which a visit record evaluates."""
    return Priority.objects.filter(school=school, is_active=True)


def visit_as_saved(visit: Visit) -> Visit:
    """A fresh copy of the visit as it now stands in the database (after someone else saved it)."""
    return Visit.objects.select_related("assignment").get(pk=visit.pk)
