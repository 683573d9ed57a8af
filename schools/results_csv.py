"""Performance data from the CSV template the portal offers: one row per school, year and group."""

import re
from decimal import Decimal

from django.utils import timezone

from .imports import Outcome, RowError, value_problem
from .models import RESULT_RANGES, PerformanceResult, PupilGroup, School

COLUMNS = (
    "URN",
    "School name",
    "Academic year",
    "Pupil group",
    "Cohort",
    "% 5+ A*-C incl English and maths",
    "% expected progress English",
    "% expected progress maths",
    "CVA",
    "CVA lower limit",
    "CVA upper limit",
    "% FSM",
)
REQUIRED = tuple(c for c in COLUMNS if c != "School name")
MEASURES = {
    "Cohort": "cohort",
    "% 5+ A*-C incl English and maths": "five_ac_em",
    "% expected progress English": "progress_english",
    "% expected progress maths": "progress_maths",
    "CVA": "cva",
    "CVA lower limit": "cva_lower",
    "CVA upper limit": "cva_upper",
    "% FSM": "percentage_fsm",
}
ALL_PUPILS_ONLY = {"cva", "cva_lower", "cva_upper", "percentage_fsm"}
GROUPS = {value: value for value in PupilGroup.values} | {label.lower(): value for value, label in PupilGroup.choices}


def parse_academic_year(raw: str) -> int | None:
    """2024, 2024/25 and 2024-25 all mean the year starting in September 2024."""
    match = re.fullmatch(r"([0-9]{4})(?:\s*[/-]\s*([0-9]{2}|[0-9]{4}))?", raw.strip())
    if not match:
        return None
    start = int(match.group(1))
    end = match.group(2)
    if end and int(end[-2:]) != (start + 1) % 100:
        return None
    return start if 1990 <= start <= 2100 else None


class ResultsImporter:
    required_columns = REQUIRED
    columns = frozenset(COLUMNS)

    def __init__(self, *, la, user=None):
        self.la = la
        self.user = user
        self.seen: dict[tuple, int] = {}
        self.schools: dict[str, int] = {}

    def parse(self, line: int, row: dict[str, str]):
        errors: list[RowError] = []

        def error(column: str, message: str) -> None:
            errors.append(RowError(line, column, row.get(column, ""), message))

        urn = row["URN"]
        if not re.fullmatch(r"[0-9]{6}", urn):
            error("URN", "A URN is 6 digits.")
        year = parse_academic_year(row["Academic year"])
        if year is None:
            error("Academic year", "Enter the academic year, like 2024/25.")
        group = GROUPS.get(row["Pupil group"].strip().lower())
        if group is None:
            error("Pupil group", "Not a pupil group of the template (all, fsm, non-fsm, boys, …).")
        values = {"urn": urn, "academic_year": year, "group": group}
        for column, name in MEASURES.items():
            raw = row[column]
            if raw == "":
                values[name] = None
                continue
            # Plain decimals only: no NaN, Infinity or 1e9 for a spreadsheet to have invented.
            if not re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,15})?", raw):
                error(column, "Enter a number, like 1003.5.")
                continue
            number = Decimal(raw)
            low, high = RESULT_RANGES[name]
            if name == "cohort" and number != number.to_integral_value():
                error(column, "Enter a whole number of pupils.")
            elif not low <= number <= high:
                error(column, f"Enter a number from {low} to {high:,}.")
            elif name in ALL_PUPILS_ONLY and group not in (None, PupilGroup.ALL):
                error(column, "Record this on the all-pupils row only.")
            else:
                # 12.50 is 12.5; 12.55 does not fit a one-decimal column and is reported.
                tenths = number.quantize(Decimal("0.1"))
                value = int(number) if name == "cohort" else (tenths if tenths == number else number)
                if problem := value_problem(PerformanceResult, name, value):
                    error(column, problem)
                values[name] = value
        cva, low, high = values.get("cva"), values.get("cva_lower"), values.get("cva_upper")
        if cva is not None and low is not None and high is not None and not low <= cva <= high:
            error("CVA", "CVA must lie between its lower and upper limits.")
        key = (urn, year, group)
        first_line = self.seen.setdefault(key, line)
        if first_line != line:
            error("URN", f"This school, year and group is already on line {first_line}.")
        return values, errors

    def check_batch(self, batch, outcome: Outcome) -> None:
        urns = {values["urn"] for _, values in batch}
        self.schools.update(dict(School.objects.filter(urn__in=urns).values_list("urn", "pk")))
        for line, values in batch:
            if values["urn"] not in self.schools:
                outcome.add_error(RowError(line, "URN", values["urn"], f"No school with this URN in {self.la.name}."))
                outcome.counts["rejected"] += 1

    def write_batch(self, batch, outcome: Outcome) -> None:
        if not self.schools:
            self.check_batch(batch, Outcome())
        school_ids = {self.schools[values["urn"]] for _, values in batch}
        existing = {
            (r.school_id, r.academic_year, r.group): r
            for r in PerformanceResult.objects.filter(school_id__in=school_ids)
        }
        to_create, to_update = [], []
        for _, values in batch:
            school_id = self.schools[values["urn"]]
            fields = {name: values[name] for name in MEASURES.values()}
            result = existing.get((school_id, values["academic_year"], values["group"]))
            if result is None:
                to_create.append(
                    PerformanceResult(
                        school_id=school_id,
                        academic_year=values["academic_year"],
                        group=values["group"],
                        updated_by=self.user,
                        **fields,
                    )
                )
            elif any(getattr(result, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(result, name, value)
                result.version += 1
                result.updated_by = self.user
                result.updated_at = timezone.now()  # bulk_update does not run auto_now
                to_update.append(result)
            else:
                outcome.counts["unchanged"] += 1
        PerformanceResult.objects.bulk_create(to_create)
        PerformanceResult.objects.bulk_update(to_update, [*MEASURES.values(), "version", "updated_by", "updated_at"])
        outcome.counts["created"] += len(to_create)
        outcome.counts["updated"] += len(to_update)
