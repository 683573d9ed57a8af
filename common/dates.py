"""The GOV.UK date input: day, month and year boxes (or month and year), with the Design System's messages.

Browsers' native date inputs order their parts by the browser's language and accept six-digit years
("27112026" became the year 112026), so every date in the portal is typed into separate boxes.
"""

import calendar
import datetime
import re

from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

from .forms import label_in_sentence

DIGITS = re.compile(r"^\d+$")
PART_WIDTH = {"day": 2, "month": 2, "year": 4}


def _part_input(part: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "class": f"govuk-input govuk-date-input__input govuk-input--width-{PART_WIDTH[part]}",
            "label": part.capitalize(),
            "inputmode": "numeric",
        }
    )


class GovukDateWidget(DateInputWidget):
    """The boxes of a GOV.UK date input; only the boxes that are wrong are outlined in red."""

    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, [_part_input(p) for p in self.parts], attrs)
        self.error_parts: set[int] = set()

    def decompress(self, value):
        if value:
            return [getattr(value, p) for p in self.parts]
        return [None] * len(self.parts)

    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name)
        if not any(values) and data.get(name):
            # One ISO value ("2026-12-02", "2026-09") from a client that posts the date whole.
            pieces = str(data.get(name)).split("-")
            by_part = dict(zip(("year", "month", "day"), pieces, strict=False))
            return [by_part.get(p, "") for p in self.parts]
        return values

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.error_parts:
            # The crispy tag marks every box when the field has an error; keep only the wrong ones.
            for index, sub in enumerate(context["widget"]["subwidgets"]):
                classes = [c for c in sub["attrs"].get("class", "").split() if c != "govuk-input--error"]
                if index in self.error_parts:
                    classes.append("govuk-input--error")
                sub["attrs"]["class"] = " ".join(classes)
        return context


class GovukMonthYearWidget(GovukDateWidget):
    parts = ("month", "year")


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year; errors worded as the Design System's date input asks."""

    widget = GovukDateWidget
    parts = ("day", "month", "year")

    def __init__(self, *, required=True, **kwargs):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=[forms.CharField(required=False) for _ in self.parts], required=required, **kwargs)

    def _fail(self, message: str, wrong: list[int], code: str):
        wrong = wrong or list(range(len(self.parts)))  # nothing typed: the whole date is wrong
        self.widget.error_parts = set(wrong)
        for index, field in enumerate(self.fields):
            # The first wrong box carries the message, so the error summary links to it.
            field.widget.errors = [message] if index == wrong[0] else []
        raise ValidationError(message, code=code)

    def name_in_sentence(self) -> str:
        return getattr(self, "error_name", None) or label_in_sentence(self.label or "the date")

    def clean(self, value):
        self.widget.error_parts = set()
        for field in self.fields:
            field.widget.errors = []
        values = [str(v or "").strip() for v in (value or [])]
        values += [""] * (len(self.parts) - len(values))
        name = self.name_in_sentence()
        subject = name[0].upper() + name[1:]
        if not any(values):
            if self.required:
                self._fail(f"Enter {name}", [], "required")
            return None
        missing = [i for i, v in enumerate(values) if not v]
        if missing:
            words = " and ".join(self.parts[i] for i in missing)
            self._fail(f"{subject} must include a {words}", missing, "incomplete")
        parts = dict(zip(self.parts, values, strict=True))
        not_numbers = [i for i, v in enumerate(values) if not DIGITS.match(v)]
        if not_numbers:
            self._fail(f"{subject} must be a real date", not_numbers, "invalid")
        if len(parts["year"]) != 4:
            self._fail("Year must include 4 numbers", [self.parts.index("year")], "invalid")
        year, month = int(parts["year"]), int(parts["month"])
        if year < 1:
            self._fail(f"{subject} must be a real date", [self.parts.index("year")], "invalid")
        if not 1 <= month <= 12:
            self._fail(f"{subject} must be a real date", [self.parts.index("month")], "invalid")
        day = int(parts.get("day", 1))
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            self._fail(f"{subject} must be a real date", [self.parts.index("day")], "invalid")
        result = self.to_date(year, month, day)
        self.validate(result)
        self.run_validators(result)
        return result

    def to_date(self, year: int, month: int, day: int) -> datetime.date:
        return datetime.date(year, month, day)

    def compress(self, data_list):  # clean() builds the date itself
        return None

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


class GovukMonthYearField(GovukDateField):
    """A month and year. The start of a period is kept as the month's first day, its end as the last."""

    widget = GovukMonthYearWidget
    parts = ("month", "year")

    def __init__(self, *, end_of_month: bool = False, **kwargs):
        self.end_of_month = end_of_month
        super().__init__(**kwargs)

    def to_date(self, year: int, month: int, day: int) -> datetime.date:
        return datetime.date(year, month, calendar.monthrange(year, month)[1] if self.end_of_month else 1)
