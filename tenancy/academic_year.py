"""English academic years run from 1 September to 31 August; we name one by the year it starts."""

import datetime

from django.utils import timezone


def academic_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def current_academic_year() -> int:
    return academic_year_of(timezone.localdate())


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"
