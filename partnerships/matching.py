"""Ranking supporting schools for one School Priority Profile: the weights and rules, in one place.

A candidate's score is out of 100 points, the sum of six named parts. Each part is a fraction
between 0 and 1, multiplied by its weight below, and every part says in words how it was worked
out so that a person can check it against the data:

- **fit** (30): of the profile's three most important issues, the share whose wording (the
  priority, its key focus areas and the school's outline) names one of the candidate's strengths
  (`STRENGTH_WORDS`).
- **results** (20): the candidate's latest results against the national figures of the same
  year: 5+ A*–C including English and maths, expected progress in English and in maths, and the
  FSM gap (smaller than nationally is better). Each measure scores 0.5 at the national figure,
  1 at 10 points better, 0 at 10 points worse; the part is their average.
- **context** (15): similar school: FSM share (1 when equal, 0 at 20 points apart), size (the
  smaller roll over the larger) and phase (1 when the same); the average of the three.
- **distance** (15): 1 next door, falling evenly to 0 at `DISTANCE_ZERO_KM` (straight line from
  GIAS Easting/Northing); 0 when either location is unknown.
- **capacity** (10): spare places over capacity (partnerships and open proposals count).
- **ofsted** (10): `OFSTED_SCORES`.

Hard exclusions are never scored away silently; each excluded candidate carries its reasons
(`exclusions`): not offering support, no spare capacity, in Gaining Ground itself, below the
floor, already partnering the school (or declined this profile before), same trust, same SIP,
closed.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from schools.models import OfstedRating, Phase, PupilGroup, School, Status

from .models import Strength

WEIGHTS = {"fit": 30, "results": 20, "context": 15, "distance": 15, "capacity": 10, "ofsted": 10}
PART_LABELS = {
    "fit": "Strengths fit the three most important issues",
    "results": "Results against national figures",
    "context": "Similar context (FSM, size, phase)",
    "distance": "Distance",
    "capacity": "Spare capacity",
    "ofsted": "Ofsted rating",
}
# The floor target: fewer than 30% of pupils with 5+ A*–C including English and maths.
FLOOR_PERCENT = Decimal("30")
DISTANCE_ZERO_KM = 100
OFSTED_SCORES = {
    OfstedRating.OUTSTANDING: 1.0,
    OfstedRating.GOOD: 0.75,
    OfstedRating.SATISFACTORY: 0.25,
    OfstedRating.REQUIRES_IMPROVEMENT: 0.25,
}
# Words in a priority that call for each strength (lower case, matched as the start of a word).
STRENGTH_WORDS = {
    "english": ("english", "literacy", "reading", "writing", "speaking"),
    "maths": ("math", "numeracy"),
    "science": ("science",),
    "ict": ("ict", "computing", "digital"),
    "afl": ("assessment", "afl", "feedback", "marking", "tracking"),
    "behaviour": ("behaviour", "attendance", "exclusion"),
    "leadership": ("leadership", "leaders", "middle lead", "governance", "management"),
    "pupil-groups": ("fsm", "free school meals", "pupil group", "boys", "girls", "disadvantaged", "ethnic", "sen"),
}
PHASE_LABELS = dict(Phase.choices)
OFSTED_LABELS = dict(OfstedRating.choices)
STRENGTH_LABELS = dict(Strength.choices)
RESULT_MEASURES = (
    ("five_ac_em", "5+ A*–C incl. English and maths"),
    ("progress_english", "expected progress in English"),
    ("progress_maths", "expected progress in maths"),
)


@dataclass(slots=True)
class Part:
    key: str
    fraction: float
    why: str

    @property
    def label(self) -> str:
        return PART_LABELS[self.key]

    @property
    def weight(self) -> int:
        return WEIGHTS[self.key]

    @property
    def points(self) -> float:
        return round(self.fraction * self.weight, 1)


@dataclass(slots=True)
class Candidate:
    """One register school scored for one profile.

    Ranking computes every candidate's fractions; the words of each part are written only for
    the candidates a page shows (`parts`), which keeps ranking 3,500 schools quick.
    """

    register: object  # RegisterEntry (selectors) or SupportingSchool
    data: object = None  # MatchingData
    exclusions: list[str] = field(default_factory=list)
    proposed_by_head: bool = False
    rank: int | None = None
    score: float = 0.0
    # Set by the page for the candidates it shows: who would answer a proposal, if nobody can.
    answer_warning: str = ""
    _parts: list | None = None

    @property
    def school(self):
        return self.register.school

    @property
    def parts(self) -> list[Part]:
        if self._parts is None:
            self._parts = score_parts(self.data, self.register, explain=True)
        return self._parts

    @property
    def total(self) -> float:
        return self.score

    @property
    def excluded(self) -> bool:
        return bool(self.exclusions)

    def snapshot(self) -> dict:
        """What the audit log and the proposal keep of the score."""
        return {
            "total": self.total,
            "rank": self.rank,
            "parts": {p.key: {"points": p.points, "why": p.why} for p in self.parts},
            "exclusions": self.exclusions,
        }


@dataclass
class MatchingData:
    """Everything the ranking reads, loaded by `selectors.matching_data` in a fixed number of queries."""

    issues: list[str]  # text of each of the three most important issues
    school: object  # the Gaining Ground school
    school_result: dict  # group -> PerformanceResult of the Gaining Ground school (reference year)
    proposed_name: str
    register: list  # SupportingSchool with school
    in_use: dict  # school id -> partnerships and open proposals
    results: dict  # school id -> {group: PerformanceResult}
    national: dict  # group -> NationalAverage
    results_year: int | None
    sip_of: dict  # school id -> this year's SIP user id
    partnered: set  # school ids already partnering (or proposed to) this school
    declined: dict  # school id -> date it declined this profile
    year: int = 0  # the academic year the exclusions are judged in (Gaining Ground membership)
    issue_hits: dict = field(default_factory=dict)  # strength -> issues (by index) that name it


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _matches(text: str, words) -> bool:
    return any(f" {w}" in f" {text}" for w in words)


def issue_hits(issues: list[str]) -> dict:
    """For each strength, the issues whose wording names it (worked out once per profile)."""
    lowered = [" ".join(issue.lower().replace("/", " ").replace(",", " ").split()) for issue in issues]
    return {
        strength: {i for i, text in enumerate(lowered) if _matches(text, words)}
        for strength, words in STRENGTH_WORDS.items()
    }


def _fit_matched(hits: dict, strengths) -> set:
    matched = set()
    for strength in strengths:
        matched |= hits.get(strength, set())
    return matched


def fit_fraction(issues: list[str], hits: dict, strengths) -> float:
    return len(_fit_matched(hits, strengths)) / len(issues) if issues else 0.0


def fit_part(issues: list[str], hits: dict, strengths: list[str], explain: bool = False) -> Part:
    if not issues:
        return Part("fit", 0.0, "The profile names no most important issues.")
    matched = _fit_matched(hits, strengths)
    fraction = fit_fraction(issues, hits, strengths)
    if not explain:
        return Part("fit", fraction, "")
    found = []
    for i, issue in enumerate(issues):
        names = [STRENGTH_LABELS[s] for s in strengths if i in hits.get(s, set())]
        if names:
            found.append(f"“{issue.splitlines()[0][:60]}” ↔ {', '.join(names)}")
    why = "; ".join(found) if found else "none of its strengths is named in the three issues"
    return Part("fit", fraction, f"{len(matched)} of {len(issues)} issues: {why}")


def _measure(value, national) -> float | None:
    if value is None or national is None:
        return None
    return _clamp(0.5 + float(value - national) / 20)


def fsm_gap(results: dict):
    fsm, non_fsm = results.get(PupilGroup.FSM), results.get(PupilGroup.NON_FSM)
    if fsm is None or non_fsm is None or fsm.five_ac_em is None or non_fsm.five_ac_em is None:
        return None
    return non_fsm.five_ac_em - fsm.five_ac_em


def results_fraction(results: dict, national: dict, national_gap=None) -> float:
    """The results part's fraction; `national_gap` is `fsm_gap(national)`, worked out once by a caller that ranks."""
    mine, theirs = results.get(PupilGroup.ALL), national.get(PupilGroup.ALL)
    if mine is None or theirs is None:
        return 0.0
    scores = []
    for name, _label in RESULT_MEASURES:
        score = _measure(getattr(mine, name), getattr(theirs, name))
        if score is not None:
            scores.append(score)
    gap = fsm_gap(results)
    if national_gap is None:
        national_gap = fsm_gap(national)
    if gap is not None and national_gap is not None:
        scores.append(_measure(national_gap, gap))  # a smaller gap than nationally scores above 0.5
    return sum(scores) / len(scores) if scores else 0.0


def results_part(results: dict, national: dict, year: int | None, explain: bool = False) -> Part:
    mine, theirs = results.get(PupilGroup.ALL), national.get(PupilGroup.ALL)
    if mine is None or theirs is None:
        return Part("results", 0.0, f"No results for {year}." if year else "No national figures yet.")
    notes = []
    for name, label in RESULT_MEASURES:
        value, ref = getattr(mine, name), getattr(theirs, name)
        if _measure(value, ref) is not None:
            notes.append(f"{label} {value}% vs {ref}%")
    gap, national_gap = fsm_gap(results), fsm_gap(national)
    if gap is not None and national_gap is not None:
        notes.append(f"FSM gap {gap} points vs {national_gap} nationally")
    if not notes:
        return Part("results", 0.0, f"No comparable measures for {year}.")
    return Part("results", results_fraction(results, national), f"{year}: " + "; ".join(notes) if explain else "")


def context_fraction(school, candidate) -> float:
    """FSM share, size and phase, each 0 to 1, averaged."""
    if school.percentage_fsm is not None and candidate.percentage_fsm is not None:
        fsm = _clamp(1 - abs(float(school.percentage_fsm - candidate.percentage_fsm)) / 20)
    else:
        fsm = 0.0
    if school.number_of_pupils and candidate.number_of_pupils:
        small, large = sorted((school.number_of_pupils, candidate.number_of_pupils))
        size = small / large
    else:
        size = 0.0
    return (fsm + size + (1.0 if school.phase == candidate.phase else 0.0)) / 3


def context_part(school, candidate, explain: bool = False) -> Part:
    fraction = context_fraction(school, candidate)
    if not explain:
        return Part("context", fraction, "")
    notes = []
    if school.percentage_fsm is not None and candidate.percentage_fsm is not None:
        notes.append(f"FSM {candidate.percentage_fsm}% vs {school.percentage_fsm}%")
    else:
        notes.append("FSM share not known")
    if school.number_of_pupils and candidate.number_of_pupils:
        notes.append(f"{candidate.number_of_pupils} pupils vs {school.number_of_pupils}")
    else:
        notes.append("size not known")
    same_phase = school.phase == candidate.phase
    notes.append(f"{PHASE_LABELS.get(candidate.phase, 'phase').lower()}{'' if same_phase else ' (different phase)'}")
    return Part("context", fraction, "; ".join(notes))


def distance_km(school, candidate) -> float | None:
    if None in (school.easting, school.northing, candidate.easting, candidate.northing):
        return None
    return math.hypot(school.easting - candidate.easting, school.northing - candidate.northing) / 1000


def distance_fraction(school, candidate) -> float:
    km = distance_km(school, candidate)
    return 0.0 if km is None else _clamp(1 - km / DISTANCE_ZERO_KM)


def distance_part(school, candidate, explain: bool = False) -> Part:
    km = distance_km(school, candidate)
    if km is None:
        return Part("distance", 0.0, "Location not known (no Easting/Northing).")
    return Part("distance", distance_fraction(school, candidate), f"{km:.1f} km in a straight line" if explain else "")


def capacity_fraction(capacity: int, in_use: int) -> float:
    return max(0, capacity - in_use) / capacity if capacity else 0.0


def capacity_part(register, in_use: int, explain: bool = False) -> Part:
    spare = max(0, register.capacity - in_use)
    fraction = capacity_fraction(register.capacity, in_use)
    return Part("capacity", fraction, f"{spare} of {register.capacity} places free" if explain else "")


def ofsted_part(candidate, explain: bool = False) -> Part:
    rating = candidate.ofsted_rating
    return Part("ofsted", OFSTED_SCORES.get(rating, 0.0), OFSTED_LABELS.get(rating, "No rating") if explain else "")


def score_parts(data, register, explain: bool = False) -> list[Part]:
    """The six parts of one candidate's score, with their words when `explain`."""
    results = data.results.get(register.school_id, {})
    return [
        fit_part(data.issues, data.issue_hits, register.strengths, explain),
        results_part(results, data.national, data.results_year, explain),
        context_part(data.school, register.school, explain),
        distance_part(data.school, register.school, explain),
        capacity_part(register, data.in_use.get(register.school_id, 0), explain),
        ofsted_part(register.school, explain),
    ]


_FIT, _RESULTS, _CONTEXT, _DISTANCE, _CAPACITY, _OFSTED = (WEIGHTS[k] for k in PART_LABELS)


def score_of(data, register, results: dict, fit_by_strengths: dict, national_gap) -> float:
    """The total of `score_parts` without their words: the same fractions, summed in the same order."""
    strengths = tuple(register.strengths)
    fit = fit_by_strengths.get(strengths)
    if fit is None:
        fit = fit_by_strengths[strengths] = fit_fraction(data.issues, data.issue_hits, strengths)
    candidate = register.school
    return round(
        fit * _FIT
        + results_fraction(results, data.national, national_gap) * _RESULTS
        + context_fraction(data.school, candidate) * _CONTEXT
        + distance_fraction(data.school, candidate) * _DISTANCE
        + capacity_fraction(register.capacity, data.in_use.get(register.school_id, 0)) * _CAPACITY
        + OFSTED_SCORES.get(candidate.ofsted_rating, 0.0) * _OFSTED,
        1,
    )


def exclusions_of(data: MatchingData, register, results: dict, in_use: int) -> list[str]:
    """Why a candidate may not be chosen; empty when it may."""
    candidate, school = register.school, data.school
    reasons = []
    if candidate.status == Status.CLOSED or candidate.closed_on is not None:
        reasons.append("Closed.")
    if not register.offering_support:
        reasons.append("Not offering support at present.")
    if in_use >= register.capacity:
        reasons.append(f"No capacity: {in_use} of {register.capacity} partnerships in use.")
    if School.in_gaining_ground_in(candidate, data.year):
        reasons.append("Itself in Gaining Ground.")
    mine = results.get(PupilGroup.ALL)
    if mine is not None and mine.five_ac_em is not None and mine.five_ac_em < FLOOR_PERCENT:
        reasons.append(f"Below the floor: {mine.five_ac_em}% 5+ A*–C incl. English and maths (floor {FLOOR_PERCENT}%).")
    if candidate.pk in data.partnered:
        reasons.append("Already partnering this school.")
    if candidate.pk in data.declined:
        reasons.append(f"Declined this profile on {data.declined[candidate.pk]:%d %B %Y}.")
    if school.trust_name and (candidate.trust_name or "").strip().lower() == school.trust_name.strip().lower():
        reasons.append(f"Same trust ({school.trust_name}): conflict of interest.")
    sip = data.sip_of.get(school.pk)
    if sip is not None and data.sip_of.get(candidate.pk) == sip:
        reasons.append("Same SIP as this school: conflict of interest.")
    return reasons


def rank(data: MatchingData) -> list[Candidate]:
    """Every candidate on the register, scored: eligible ones first by score, then the excluded."""
    data.issue_hits = issue_hits(data.issues)
    proposed = " ".join(data.proposed_name.lower().split()) if data.proposed_name else None
    fit_by_strengths: dict = {}
    national_gap = fsm_gap(data.national)
    own_pk = data.school.pk
    candidates = []
    for register in data.register:
        school_id = register.school_id
        if school_id == own_pk:
            continue
        results, in_use = data.results.get(school_id, {}), data.in_use.get(school_id, 0)
        candidates.append(
            Candidate(
                register=register,
                data=data,
                score=score_of(data, register, results, fit_by_strengths, national_gap),
                exclusions=exclusions_of(data, register, results, in_use),
                proposed_by_head=proposed is not None and proposed == " ".join(register.school.name.lower().split()),
            )
        )
    candidates.sort(key=lambda c: (bool(c.exclusions), -c.score, c.register.school.name))
    position = 0
    for candidate in candidates:
        if candidate.exclusions:
            break
        position += 1
        candidate.rank = position
    return candidates
