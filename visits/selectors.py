"""Caseload rows and visit lookups, each page in a fixed number of queries."""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, Max, Min, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tenancy.academic_year import term_of

from .models import NextStep, SipAssignment, Visit

TAKEN_PLACE = (Visit.State.DRAFT, Visit.State.FINAL)


def _sum_days(visits) -> Subquery:
    total = visits.values("assignment").annotate(total=Sum("length_days")).values("total")
    return Coalesce(Subquery(total, output_field=DecimalField()), Value(Decimal("0")), output_field=DecimalField())


def _count_per_school(steps) -> Subquery:
    # Grouped by the school, not the assignment: a school has one assignment a year, and its open
    # steps are the school's whichever year agreed them, so the subquery must give one row.
    counted = steps.order_by().values("visit__assignment__school").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def caseload_rows(assignments: QuerySet[SipAssignment], today: datetime.date | None = None) -> QuerySet[SipAssignment]:
    """Assignments with what the caseload pages show, computed in the one query."""
    today = today or timezone.localdate()
    _, term_start, term_end = term_of(today)
    visits = Visit.objects.filter(assignment=OuterRef("pk"))
    # Open next steps are the school's, from every year: a step agreed last year and not done is
    # still open until it is done or closed.
    open_steps = NextStep.objects.filter(
        visit__assignment__school=OuterRef("school"), visit__state=Visit.State.FINAL, done_on__isnull=True
    )
    return assignments.select_related("school", "school__la", "sip").annotate(
        days_used=_sum_days(visits.filter(state__in=TAKEN_PLACE)),
        days_planned=_sum_days(visits.filter(state=Visit.State.PLANNED)),
        last_visit=Subquery(
            visits.filter(state__in=TAKEN_PLACE).values("assignment").annotate(d=Max("date")).values("d")
        ),
        next_visit=Subquery(
            visits.filter(state=Visit.State.PLANNED, date__gte=today)
            .values("assignment")
            .annotate(d=Min("date"))
            .values("d")
        ),
        open_steps=_count_per_school(open_steps),
        overdue_steps=_count_per_school(open_steps.filter(due_on__lt=today)),
        has_governors_day=Exists(visits.filter(kind=Visit.Kind.GOVERNORS)),
        visited_this_term=Exists(visits.filter(date__range=(term_start, term_end))),
    )


def warnings_for(row: SipAssignment) -> list[str]:
    """What an LA administrator should look at for one school's caseload."""
    found = []
    if row.days_used > row.days_allocated:
        found.append(f"{row.days_used} days used of {row.days_allocated} allocated.")
    elif row.days_used + row.days_planned > row.days_allocated:
        found.append(f"Planned visits would use {row.days_used + row.days_planned} of {row.days_allocated} days.")
    if row.school.in_gaining_ground and not row.has_governors_day:
        found.append("No governors day planned.")
    if not row.visited_this_term:
        found.append("No visit this term.")
    return found


def get_visit_for_user(request, school, visit_id: int) -> Visit:
    """A visit to this school the person may see; the school's own people see finalised ones only."""
    visit = get_object_or_404(
        Visit.objects.select_related("assignment", "assignment__sip", "assignment__school", "finalised_by"),
        pk=visit_id,
        assignment__school=school,
    )
    if not request.user.has_perm("visits.view_visit", visit):
        raise Http404("No such visit")
    return visit
