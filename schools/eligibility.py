"""Suggestions for the Gaining Ground criteria that data can decide.

Each rule returns the suggested finding, the rule in words and the numbers behind it, so the
person confirming or overriding it sees exactly why.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from tenancy.academic_year import academic_year_label as label

from .models import EligibilityAssessment, EligibilityCriterion, NationalAverage, PerformanceResult, PupilGroup

Finding = EligibilityAssessment.Finding
Rule = EligibilityCriterion.Rule
NATIONAL_CVA = Decimal("1000")
# A school's progression has improved "little or not at all" when it rose by at most this much
# (percentage points, English and maths averaged) from the first to the third year.
LITTLE_IMPROVEMENT_POINTS = Decimal("2")
# An FSM gap is significant when it is this many points wider than the national gap.
FSM_GAP_MARGIN_POINTS = Decimal("10")


@dataclass
class Suggestion:
    finding: str | None  # None: not enough data to suggest anything
    rule: str
    numbers: list[str] = field(default_factory=list)

    @property
    def finding_label(self) -> str:
        return Finding(self.finding).label if self.finding else "No suggestion"


def _average(*values) -> Decimal | None:
    present = [v for v in values if v is not None]
    if len(present) != len(values):
        return None
    return sum(present) / len(present)


def _by_year(results, group=PupilGroup.ALL) -> dict[int, PerformanceResult]:
    return {r.academic_year: r for r in results if r.group == group}


def suggest(rule: str, results: list[PerformanceResult], national: list[NationalAverage]) -> Suggestion:
    """The suggestion for one rule from one school's results (all years, all groups)."""
    return RULES[rule](results, national)


def _threshold_but_low_progress(results, national) -> Suggestion:
    text = (
        "Met when more than 30% of pupils gain 5+ A*–C including English and maths, but the % making expected "
        "progress in English or in maths is below the national figure, in the latest year with data."
    )
    years = _by_year(results)
    nationals = {n.academic_year: n for n in national if n.group == PupilGroup.ALL}
    for year in sorted(years, reverse=True):
        mine, nat = years[year], nationals.get(year)
        if nat is None or None in (mine.five_ac_em, mine.progress_english, mine.progress_maths):
            continue
        numbers = [
            f"{label(year)}: 5+ A*–C incl. English and maths {mine.five_ac_em}%",
            f"expected progress in English {mine.progress_english}% (national {nat.progress_english}%)",
            f"expected progress in maths {mine.progress_maths}% (national {nat.progress_maths}%)",
        ]
        below = mine.progress_english < nat.progress_english or mine.progress_maths < nat.progress_maths
        met = mine.five_ac_em > 30 and below
        return Suggestion(Finding.MET if met else Finding.NOT_MET, text, numbers)
    return Suggestion(None, text, ["No year has the school's and the national figures."])


def _no_improvement(results, national) -> Suggestion:
    text = (
        f"Met when the % of pupils making expected progress (English and maths averaged) rose by "
        f"{LITTLE_IMPROVEMENT_POINTS} points or less over the latest three consecutive years."
    )
    years = _by_year(results)
    rates = {y: _average(r.progress_english, r.progress_maths) for y, r in years.items()}
    rates = {y: v for y, v in rates.items() if v is not None}
    for latest in sorted(rates, reverse=True):
        if latest - 1 in rates and latest - 2 in rates:
            first, last = rates[latest - 2], rates[latest]
            rise = last - first
            numbers = [f"{label(y)}: {rates[y]:.1f}%" for y in (latest - 2, latest - 1, latest)] + [
                f"change over three years: {rise:+.1f} points"
            ]
            return Suggestion(Finding.MET if rise <= LITTLE_IMPROVEMENT_POINTS else Finding.NOT_MET, text, numbers)
    return Suggestion(None, text, ["Three consecutive years of progress figures are needed."])


def _cva_below(results, national) -> Suggestion:
    text = (
        "Met when the whole confidence interval of the school's CVA lies below the national CVA of 1000, "
        "in the latest year with a CVA."
    )
    years = _by_year(results)
    for year in sorted(years, reverse=True):
        r = years[year]
        if r.cva is None or r.cva_upper is None:
            continue
        numbers = [f"{label(year)}: CVA {r.cva} (confidence interval {r.cva_lower} to {r.cva_upper}); national 1000"]
        return Suggestion(Finding.MET if r.cva_upper < NATIONAL_CVA else Finding.NOT_MET, text, numbers)
    return Suggestion(None, text, ["No year has a CVA with its confidence interval."])


def _fsm_gap(results, national) -> Suggestion:
    text = (
        f"Met when the gap between FSM and other pupils in 5+ A*–C including English and maths is "
        f"{FSM_GAP_MARGIN_POINTS} points or more wider than the national gap, in the latest year with data."
    )
    fsm, non_fsm = _by_year(results, PupilGroup.FSM), _by_year(results, PupilGroup.NON_FSM)
    nat_fsm = {n.academic_year: n for n in national if n.group == PupilGroup.FSM}
    nat_non = {n.academic_year: n for n in national if n.group == PupilGroup.NON_FSM}
    for year in sorted(set(fsm) & set(non_fsm), reverse=True):
        if year not in nat_fsm or year not in nat_non:
            continue
        values = (fsm[year].five_ac_em, non_fsm[year].five_ac_em, nat_fsm[year].five_ac_em, nat_non[year].five_ac_em)
        if None in values:
            continue
        gap, national_gap = values[1] - values[0], values[3] - values[2]
        numbers = [
            f"{label(year)}: FSM {values[0]}%, other pupils {values[1]}%: a gap of {gap:.1f} points",
            f"national: FSM {values[2]}%, other pupils {values[3]}%: a gap of {national_gap:.1f} points",
        ]
        met = gap - national_gap >= FSM_GAP_MARGIN_POINTS
        return Suggestion(Finding.MET if met else Finding.NOT_MET, text, numbers)
    return Suggestion(None, text, ["No year has FSM and non-FSM results for the school and nationally."])


RULES = {
    Rule.THRESHOLD_BUT_LOW_PROGRESS: _threshold_but_low_progress,
    Rule.NO_IMPROVEMENT: _no_improvement,
    Rule.CVA_BELOW: _cva_below,
    Rule.FSM_GAP: _fsm_gap,
}
