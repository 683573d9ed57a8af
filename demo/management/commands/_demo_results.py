"""Invented results for the demo schools, with national figures.

Several years, so the charts and the eligibility suggestions show something real; deterministic,
so every run gives the same figures.
"""

import random
from decimal import Decimal

from schools.models import NationalAverage, PerformanceResult, PupilGroup

D = Decimal
# (5+ A*-C incl E&M, expected progress English, expected progress maths) nationally, by year.
NATIONAL = {
    2022: {
        "all": (D("49.8"), D("70.1"), D("68.2")),
        "fsm": (D("27.5"), D("57.0"), D("54.9")),
        "non-fsm": (D("56.4"), D("73.9"), D("72.3")),
    },
    2023: {
        "all": (D("50.9"), D("71.0"), D("69.4")),
        "fsm": (D("28.6"), D("58.1"), D("56.0")),
        "non-fsm": (D("57.3"), D("74.6"), D("73.0")),
    },
    2024: {
        "all": (D("52.1"), D("72.2"), D("70.3")),
        "fsm": (D("29.9"), D("59.4"), D("57.1")),
        "non-fsm": (D("58.5"), D("75.8"), D("74.0")),
    },
    2025: {
        "all": (D("53.0"), D("73.0"), D("71.5")),
        "fsm": (D("31.0"), D("60.2"), D("58.3")),
        "non-fsm": (D("59.4"), D("76.5"), D("75.2")),
    },
}
YEARS = sorted(NATIONAL)


def seed_national() -> None:
    for year, groups in NATIONAL.items():
        for group, (five, english, maths) in groups.items():
            NationalAverage.objects.update_or_create(
                academic_year=year,
                group=group,
                defaults={"five_ac_em": five, "progress_english": english, "progress_maths": maths},
            )


def _one(value: float) -> Decimal:
    return D(f"{max(0.0, min(100.0, value)):.1f}")


def seed_school(school, *, struggling: bool) -> None:
    """Several years of one school's results.

    A Gaining Ground school is "struggling": a decent threshold, flat and below-average
    progress, CVA significantly below 1000 and a wide FSM gap.
    """
    rng = random.Random(int(school.urn))  # noqa: S311  (invented demo figures)
    fsm_share = 38.0 if struggling else rng.uniform(8, 30)
    for index, year in enumerate(YEARS):
        nat_five, nat_english, nat_maths = (float(v) for v in NATIONAL[year]["all"])
        if struggling:
            five = 41 + index * 0.6 + rng.uniform(-1, 1)
            english = nat_english - 9 + rng.uniform(-0.5, 0.5) - index * 0.6
            maths = nat_maths - 11 + rng.uniform(-0.5, 0.5) - index * 0.7
            cva = 982 + rng.uniform(-3, 3)
            fsm_five, non_fsm_five = five - 30, five + 12
        else:
            lift = rng.uniform(-6, 12)
            five = nat_five + lift + index * rng.uniform(0, 1.5)
            english = nat_english + lift / 2 + index
            maths = nat_maths + lift / 2 + index
            cva = 1000 + lift + rng.uniform(-4, 4)
            fsm_five, non_fsm_five = five - 18, five + 4
        cohort = rng.randint(150, 260)
        rows = {
            PupilGroup.ALL: dict(
                cohort=cohort,
                five_ac_em=_one(five),
                progress_english=_one(english),
                progress_maths=_one(maths),
                cva=D(f"{cva:.1f}"),
                cva_lower=D(f"{cva - 6.5:.1f}"),
                cva_upper=D(f"{cva + 6.5:.1f}"),
                percentage_fsm=_one(fsm_share),
            ),
            PupilGroup.FSM: dict(
                cohort=round(cohort * fsm_share / 100),
                five_ac_em=_one(fsm_five),
                progress_english=_one(english - 12),
                progress_maths=_one(maths - 13),
            ),
            PupilGroup.NON_FSM: dict(
                cohort=cohort - round(cohort * fsm_share / 100),
                five_ac_em=_one(non_fsm_five),
                progress_english=_one(english + 4),
                progress_maths=_one(maths + 4),
            ),
            PupilGroup.BOYS: dict(
                cohort=cohort // 2,
                five_ac_em=_one(five - 4),
                progress_english=_one(english - 5),
                progress_maths=_one(maths),
            ),
            PupilGroup.GIRLS: dict(
                cohort=cohort - cohort // 2,
                five_ac_em=_one(five + 4),
                progress_english=_one(english + 5),
                progress_maths=_one(maths),
            ),
        }
        for group, values in rows.items():
            PerformanceResult.objects.update_or_create(school=school, academic_year=year, group=group, defaults=values)
