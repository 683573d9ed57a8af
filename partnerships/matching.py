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
(`EXCLUSIONS`, worded with their figures by `exclusion_words`): not offering support, no spare
capacity, in Gaining Ground itself, below the floor, already partnering the school (or declined
this profile before), same trust, same SIP, closed.

Ranking reads one flat row of plain values per register school (`selectors.candidate_rows`, one
query), so the whole register of the country is scored on each visit to the page; only the
candidates a page shows load their register entries in full.
"""

import json
import math
from dataclasses import dataclass, field

from schools.models import OfstedRating, Phase, School, Status

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
FLOOR_PERCENT = 30.0
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

    Ranking reads one flat row per school (`row`: its published data, register entry and results,
    as plain values) and works out every candidate's score and exclusions from it. The words of
    each part and the register entry's details (evidence, contact, LA) are only for the candidates
    a page shows: `selectors.with_details` loads `register` for those.
    """

    row: object  # CandidateRow, see `selectors.candidate_rows`
    data: object  # MatchingData
    score: float = 0.0
    excluded_by: tuple = ()  # codes of EXCLUSIONS, in that order
    proposed_by_head: bool = False
    rank: int | None = None
    # Set by the page for the candidates it shows: who would answer a proposal, if nobody can.
    answer_warning: str = ""
    register: object = None  # SupportingSchool with its school and LA, from `selectors.with_details`
    _parts: list | None = None

    @property
    def school_id(self) -> int:
        return self.row.pk

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def school(self):
        if self.register is None:
            raise LookupError("Load the candidate's details with selectors.with_details first.")
        return self.register.school

    @property
    def parts(self) -> list[Part]:
        if self._parts is None:
            self._parts = score_parts(self.data, self.row, explain=True)
        return self._parts

    @property
    def total(self) -> float:
        return self.score

    @property
    def excluded(self) -> bool:
        return bool(self.excluded_by)

    @property
    def exclusions(self) -> list[str]:
        """Each exclusion in words, with the figures behind it."""
        return [exclusion_words(code, self.data, self.row) for code in self.excluded_by]

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
    """Everything the ranking reads, loaded by `selectors.matching_data` in a fixed number of queries.

    Schools are rows of `selectors.candidate_rows`: the Gaining Ground school's row has the same
    fields as a candidate's, so the context and distance rules compare like with like.
    """

    issues: list[str]  # text of each of the three most important issues
    school: object  # the Gaining Ground school's row
    proposed_name: str
    register: list  # rows of the register's schools
    in_use: dict  # school id -> partnerships and open proposals
    national: dict  # measure -> national figure (float) of `results_year`, "fsm_gap" included
    results_year: int | None
    partnered: dict  # school id -> state of its open proposal for this school (proposed or accepted)
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


def strengths_of(row) -> list[str]:
    """The register entry's strength codes (the row carries them as JSON text)."""
    return json.loads(row.strengths_json) if row.strengths_json else []


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
    return _clamp(0.5 + (value - national) / 20)


def fsm_gap(fsm, non_fsm):
    """Points between non-FSM and FSM pupils' 5+ A*–C incl. English and maths; None when either is unknown."""
    return None if fsm is None or non_fsm is None else non_fsm - fsm


def results_fraction(row, national: dict) -> float:
    """Each measure against the national figure, and the FSM gap (smaller than nationally is better), averaged."""
    if row.results_recorded is None or not national:
        return 0.0
    scores = []
    for name, _label in RESULT_MEASURES:
        score = _measure(getattr(row, name), national.get(name))
        if score is not None:
            scores.append(score)
    gap = _measure(national.get("fsm_gap"), fsm_gap(row.fsm_five_ac_em, row.non_fsm_five_ac_em))
    if gap is not None:
        scores.append(gap)  # a smaller gap than nationally scores above 0.5
    return sum(scores) / len(scores) if scores else 0.0


def results_part(row, national: dict, year: int | None, explain: bool = False) -> Part:
    if row.results_recorded is None or not national:
        return Part("results", 0.0, f"No results for {year}." if year else "No national figures yet.")
    notes = []
    for name, label in RESULT_MEASURES:
        value, ref = getattr(row, name), national.get(name)
        if value is not None and ref is not None:
            notes.append(f"{label} {value:.1f}% vs {ref:.1f}%")
    gap, national_gap = fsm_gap(row.fsm_five_ac_em, row.non_fsm_five_ac_em), national.get("fsm_gap")
    if gap is not None and national_gap is not None:
        notes.append(f"FSM gap {gap:.1f} points vs {national_gap:.1f} nationally")
    if not notes:
        return Part("results", 0.0, f"No comparable measures for {year}.")
    return Part("results", results_fraction(row, national), f"{year}: " + "; ".join(notes) if explain else "")


def context_fraction(school, candidate) -> float:
    """FSM share, size and phase, each 0 to 1, averaged."""
    if school.percentage_fsm is not None and candidate.percentage_fsm is not None:
        fsm = _clamp(1 - abs(school.percentage_fsm - candidate.percentage_fsm) / 20)
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
        notes.append(f"FSM {candidate.percentage_fsm:.1f}% vs {school.percentage_fsm:.1f}%")
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


def capacity_part(capacity: int, in_use: int, explain: bool = False) -> Part:
    spare = max(0, capacity - in_use)
    return Part(
        "capacity", capacity_fraction(capacity, in_use), f"{spare} of {capacity} places free" if explain else ""
    )


def ofsted_part(rating: str, explain: bool = False) -> Part:
    return Part("ofsted", OFSTED_SCORES.get(rating, 0.0), OFSTED_LABELS.get(rating, "No rating") if explain else "")


def score_parts(data, row, explain: bool = False) -> list[Part]:
    """The six parts of one candidate's score, with their words when `explain`."""
    return [
        fit_part(data.issues, data.issue_hits, strengths_of(row), explain),
        results_part(row, data.national, data.results_year, explain),
        context_part(data.school, row, explain),
        distance_part(data.school, row, explain),
        capacity_part(row.capacity, data.in_use.get(row.pk, 0), explain),
        ofsted_part(row.ofsted_rating, explain),
    ]


_FIT, _RESULTS, _CONTEXT, _DISTANCE, _CAPACITY, _OFSTED = (WEIGHTS[k] for k in PART_LABELS)


def score_of(data, row, fit_by_strengths: dict) -> float:
    """The total of `score_parts` without their words: the same fractions, summed in the same order."""
    fit = fit_by_strengths.get(row.strengths_json)
    if fit is None:
        fit = fit_by_strengths[row.strengths_json] = fit_fraction(data.issues, data.issue_hits, strengths_of(row))
    return round(
        fit * _FIT
        + results_fraction(row, data.national) * _RESULTS
        + context_fraction(data.school, row) * _CONTEXT
        + distance_fraction(data.school, row) * _DISTANCE
        + capacity_fraction(row.capacity, data.in_use.get(row.pk, 0)) * _CAPACITY
        + OFSTED_SCORES.get(row.ofsted_rating, 0.0) * _OFSTED,
        1,
    )


# Each hard exclusion: its code and the words the page's summary counts it under.
EXCLUSIONS = {
    "closed": "Closed",
    "not-offering": "Not offering support at present",
    "no-capacity": "No capacity",
    "in-gaining-ground": "Itself in Gaining Ground",
    "below-floor": "Below the floor",
    "partnering": "Already partnering this school, or proposed for it",
    "declined": "Declined this profile before",
    "same-trust": "Same trust",
    "same-sip": "Same SIP",
}


def _same_trust(school, candidate) -> bool:
    return bool(school.trust_name) and (candidate.trust_name or "").strip().lower() == school.trust_name.strip().lower()


def exclusions_of(data: MatchingData, row) -> tuple:
    """Codes of `EXCLUSIONS` that stop a candidate being chosen; empty when it may be."""
    school, codes = data.school, []
    if row.status == Status.CLOSED or row.closed_on is not None:
        codes.append("closed")
    if not row.offering_support:
        codes.append("not-offering")
    if data.in_use.get(row.pk, 0) >= row.capacity:
        codes.append("no-capacity")
    if School.in_gaining_ground_in(row, data.year):
        codes.append("in-gaining-ground")
    if row.five_ac_em is not None and row.five_ac_em < FLOOR_PERCENT:
        codes.append("below-floor")
    if row.pk in data.partnered:
        codes.append("partnering")
    if row.pk in data.declined:
        codes.append("declined")
    if _same_trust(school, row):
        codes.append("same-trust")
    if school.sip_id is not None and row.sip_id == school.sip_id:
        codes.append("same-sip")
    return tuple(codes)


def exclusion_words(code: str, data: MatchingData, row) -> str:
    """One exclusion as the page says it, with the figures behind it."""
    if code == "no-capacity":
        return f"No capacity: {data.in_use.get(row.pk, 0)} of {row.capacity} places held by partnerships and proposals."
    if code == "below-floor":
        return f"Below the floor: {row.five_ac_em:.1f}% 5+ A*–C incl. English and maths (floor {FLOOR_PERCENT:.0f}%)."
    if code == "partnering":
        if data.partnered.get(row.pk) == "proposed":
            return "Already proposed for this school: waiting for its headteacher's answer."
        return "Already partnering this school."
    if code == "declined":
        return f"Declined this profile on {data.declined[row.pk]:%d %B %Y}."
    if code == "same-trust":
        return f"Same trust ({data.school.trust_name}): conflict of interest."
    if code == "same-sip":
        return "Same SIP as this school: conflict of interest."
    return f"{EXCLUSIONS[code]}."


def rank(data: MatchingData) -> list[Candidate]:
    """Every candidate on the register, scored: eligible ones first by score, then the excluded."""
    data.issue_hits = issue_hits(data.issues)
    proposed = " ".join(data.proposed_name.lower().split()) if data.proposed_name else None
    fit_by_strengths: dict = {}
    own_pk = data.school.pk
    candidates = []
    for row in data.register:
        if row.pk == own_pk:
            continue
        candidates.append(
            Candidate(
                row=row,
                data=data,
                score=score_of(data, row, fit_by_strengths),
                excluded_by=exclusions_of(data, row),
                proposed_by_head=proposed is not None and proposed == " ".join(row.name.lower().split()),
            )
        )
    candidates.sort(key=lambda c: (bool(c.excluded_by), -c.score, c.row.name))
    position = 0
    for candidate in candidates:
        if candidate.excluded_by:
            break
        position += 1
        candidate.rank = position
    return candidates
