"""English academic years run from 1 September to 31 August; we name one by the year it starts.

Terms, for the "no visit this term" check: autumn 1 September–31 December, spring 1 January–
31 March, summer 1 April–31 August.
"""

import datetime

from django.utils import timezone


def academic_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def current_academic_year() -> int:
    return academic_year_of(timezone.localdate())


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


def academic_year_dates(start_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 8, 31)


def term_of(day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """(name, first day, last day) of the term the day falls in."""
    if day.month >= 9:
        return "autumn", datetime.date(day.year, 9, 1), datetime.date(day.year, 12, 31)
    if day.month <= 3:
        return "spring", datetime.date(day.year, 1, 1), datetime.date(day.year, 3, 31)
    return "summer", datetime.date(day.year, 4, 1), datetime.date(day.year, 8, 31)


def year_from_request(request, default: int | None = None) -> int:
    """The academic year a page shows: `?year=2025` if it is a sensible year, else the current one.

    Pages about a year default to this year and offer the earlier ones with `year_links`.
    """
    current = current_academic_year() if default is None else default
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= current + 1:
        return int(value)
    return current


def year_links(shown: int, years) -> list[dict]:
    """The years a page can show, newest first, each with its label and whether it is shown."""
    every = sorted({*years, current_academic_year(), shown}, reverse=True)
    return [{"year": y, "label": academic_year_label(y), "current": y == shown} for y in every]
