"""Reading the audit log: a page at a time by key, never by offset and never with a full count.

An LA's log grows to a million rows; OFFSET reads every row before the page and COUNT(*) reads
them all, so a page is found from the (at, id) of the last row shown instead.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
PER_PAGE = 50
MAX_SCHOOLS = 200  # a fragment such as "High" matches many schools; more than a page needs
# The school model, through the log's own foreign key: audit sits below schools (schools write
# to the log), so it does not import them.
School = AuditEvent.school.field.related_model


def cursor_of(event: AuditEvent) -> str:
    """A row's place in the log, for the next page's link: microseconds since 1970, and id."""
    return f"{(event.at - EPOCH) // datetime.timedelta(microseconds=1)}-{event.pk}"


def parse_cursor(value: str | None) -> tuple[datetime.datetime, int] | None:
    try:
        micros, pk = (int(part) for part in str(value).split("-"))
        return EPOCH + datetime.timedelta(microseconds=micros), pk
    except (TypeError, ValueError, OverflowError):
        return None


def filtered_events(filters: dict) -> QuerySet[AuditEvent]:
    """The LA's log (the tenant scope chooses the LA) narrowed by the filter form's cleaned data."""
    events = AuditEvent.objects.all()
    if person := (filters.get("person") or "").strip():
        events = events.filter(actor_email__in={person, person.lower()})
    if action := filters.get("action"):
        events = events.filter(action=action)
    if school := (filters.get("school") or "").strip():
        matches = (
            School.objects.filter(urn=school) if school.isdigit() else School.objects.filter(name__icontains=school)
        )
        # The ids first (one small query): with literal ids PostgreSQL walks the (la, school, at, id)
        # index; given a subquery it scanned the whole log by date instead.
        events = events.filter(school__in=list(matches.values_list("pk", flat=True)[:MAX_SCHOOLS]))
    zone = timezone.get_current_timezone()
    if start := filters.get("from_date"):
        events = events.filter(at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone))
    if end := filters.get("to_date"):
        next_day = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        events = events.filter(at__lt=next_day)
    return events


@dataclass
class LogPage:
    events: list[AuditEvent]
    newer: str | None  # cursor for the page of newer rows, if there is one
    older: str | None


def audit_log_page(*, filters: dict, before: str | None = None, after: str | None = None) -> LogPage:
    """One page of the log, newest first: the rows older than `before`, or newer than `after`.

    One query whichever page it is. Arriving with a cursor means rows exist on that side, so the
    link back is shown without asking the database.
    """
    events = filtered_events(filters).select_related("actor", "school")
    if (key := parse_cursor(after)) is not None:
        at, pk = key
        # `at >= …` on its own lets the index bound the scan; the OR only sorts out equal times.
        newer = Q(at__gte=at) & (Q(at__gt=at) | Q(pk__gt=pk))
        rows = list(events.filter(newer).order_by("at", "pk")[: PER_PAGE + 1])
        more = len(rows) > PER_PAGE
        rows = rows[:PER_PAGE][::-1]
        return LogPage(rows, cursor_of(rows[0]) if more else None, cursor_of(rows[-1]) if rows else None)
    key = parse_cursor(before)
    if key is not None:
        at, pk = key
        events = events.filter(Q(at__lte=at) & (Q(at__lt=at) | Q(pk__lt=pk)))
    rows = list(events.order_by("-at", "-pk")[: PER_PAGE + 1])
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    newer = cursor_of(rows[0]) if key is not None and rows else None
    return LogPage(rows, newer, cursor_of(rows[-1]) if more else None)
