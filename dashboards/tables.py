"""What each dashboard table shows: its columns, how each is aggregated, and the schools behind it.

A table is read by the bodies in `roles`; a column's `drill` names the schools behind its figure,
and `field` what the list of those schools shows for each.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from accounts.models import Role
from partnerships.models import Form2
from partnerships.selectors import ENTITLEMENT, LedgerKind

from .models import SchoolFigures

ADVISER = (Role.NS_ADVISER,)
MATCHING = (Role.SSAT, Role.NATIONAL_COLLEGE)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count, days, money or median (days)
    aggregate: object = None
    drill: Q | None = None
    field: str = ""  # the per-school value in the list behind the figure
    base: str = ""  # for totals: the column counting the schools they are worked out from
    median_of: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    about: str
    roles: tuple
    schools: Q  # the schools the table is about (its list without a figure chosen)
    columns: tuple[Column, ...]
    # (part column keys, total column key): a row's total beside its parts.
    groups: tuple = ()
    chart: str = "parts"  # parts: the "All" row's columns as bars; offer: use against the offer
    chart_columns: tuple = ()

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)


def _count(**flags) -> Count:
    return Count("pk", filter=Q(**flags))


def _sum(field: str, q: Q | None = None) -> Coalesce:
    model_field = SchoolFigures._meta.get_field(field)
    zero = Value(Decimal(0)) if isinstance(model_field, DecimalField) else Value(0)
    return Coalesce(Sum(field, filter=q), zero, output_field=model_field.clone())


def _int(expression) -> Coalesce:
    return Coalesce(Sum(expression), Value(0), output_field=IntegerField())


def _flag(key, label, flag, **extra) -> Column:
    return Column(key, label, aggregate=_count(**{flag: True}), drill=Q(**{flag: True}), field=flag, **extra)


def _valued(key, label, field, value) -> Column:
    """Schools whose `field` holds `value` (a state), counted and drilled down to."""
    return Column(key, label, aggregate=_count(**{field: value}), drill=Q(**{field: value}), field=field)


def _summed(key, label, field, kind="count", base="", within: Q | None = None) -> Column:
    return Column(
        key, label, kind=kind, aggregate=_sum(field, within), drill=Q(**{f"{field}__gt": 0}), field=field, base=base
    )


_ACTIONS = ("actions_red", "actions_amber", "actions_green", "actions_not_reviewed")
_SLIPPAGE = ("slipped_over_ambitious", "slipped_unexpected", "slipped_inertia")
_FORM2 = [(state.value, state.label) for state in Form2.State]
_IN_GG = Q(in_gaining_ground=True)


def _any(fields) -> Q:
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__gt": 0})
    return q


LEDGER = Table(
    "ledger",
    "Support used against the Gaining Ground offer",
    "Days and money recorded on each Gaining Ground school's support ledger (extra SIP days from finalised "
    f"visits). The offer per school a year: {ENTITLEMENT[LedgerKind.PARTNER_DAYS]} partner school days, "
    f"{ENTITLEMENT[LedgerKind.CONSULTANT_DAYS]} consultant head days, {ENTITLEMENT['sip-days']} extra SIP days, "
    f"£{ENTITLEMENT[LedgerKind.STUDY_SUPPORT]:,} academic study support and "
    f"£{ENTITLEMENT[LedgerKind.IMPROVEMENT_FUNDING]:,} improvement funding.",
    ADVISER + MATCHING,
    _IN_GG,
    (
        _flag("schools", "Gaining Ground schools", "in_gaining_ground"),
        _summed("partner", "Partner school days", "partner_days", "days", "schools", _IN_GG),
        _summed("consultant", "Consultant head days", "consultant_days", "days", "schools", _IN_GG),
        _summed("sip", "Extra SIP days", "sip_extra_days", "days", "schools", _IN_GG),
        _summed("study", "Academic study support", "study_support", "money", "schools", _IN_GG),
        _summed("improvement", "Improvement funding", "improvement_funding", "money", "schools", _IN_GG),
    ),
    chart="offer",
)
# The offer each ledger column is measured against, per school.
OFFER = {
    "partner": ENTITLEMENT[LedgerKind.PARTNER_DAYS],
    "consultant": ENTITLEMENT[LedgerKind.CONSULTANT_DAYS],
    "sip": ENTITLEMENT["sip-days"],
    "study": ENTITLEMENT[LedgerKind.STUDY_SUPPORT],
    "improvement": ENTITLEMENT[LedgerKind.IMPROVEMENT_FUNDING],
}

TABLES = (
    Table(
        "pipeline",
        "Gaining Ground pipeline",
        "Schools found eligible (at least one criterion recorded as met, or in the programme), then in Gaining "
        "Ground this year, with a School Priority Profile (Form 1) submitted, matched with a partner school, and "
        "with the Partnership Strategy Action Plan (Form 2) approved by the SIP.",
        ADVISER,
        Q(eligible=True),
        (
            _flag("eligible", "Eligible", "eligible"),
            _flag("in_programme", "In Gaining Ground", "in_gaining_ground"),
            _flag("form1", "Form 1 submitted", "form1_submitted"),
            _flag("matched", "Matched", "matched"),
            _flag("form2", "Form 2 approved", "form2_approved"),
        ),
        chart_columns=("eligible", "in_programme", "form1", "matched", "form2"),
    ),
    Table(
        "visits",
        "SIP visits against days allocated",
        "Days of SIP visits that have taken place this year against the days the LAs allocated.",
        ADVISER,
        Q(has_sip=True),
        (
            _flag("schools", "Schools with a SIP", "has_sip"),
            Column(
                "allocated",
                "Days allocated",
                "days",
                _sum("days_allocated"),
                Q(has_sip=True),
                "days_allocated",
                "schools",
            ),
            Column("used", "Days used", "days", _sum("days_used"), Q(days_used__gt=0), "days_used", "schools"),
        ),
        chart="used",
    ),
    Table(
        "plan",
        "Improvement plan actions by status",
        "Actions of this year's improvement plans by their latest status, and how many have a milestone overdue.",
        ADVISER,
        _any(_ACTIONS),
        (
            _summed("red", "Red: off track", "actions_red"),
            _summed("amber", "Amber: at risk", "actions_amber"),
            _summed("green", "Green: on track", "actions_green"),
            _summed("not_reviewed", "Not reviewed", "actions_not_reviewed"),
            Column(
                "total",
                "All actions",
                aggregate=_int(F("actions_red") + F("actions_amber") + F("actions_green") + F("actions_not_reviewed")),
                drill=_any(_ACTIONS),
                field="actions_total",
            ),
            _summed("overdue", "With a milestone overdue", "actions_overdue"),
        ),
        groups=((("red", "amber", "green", "not_reviewed"), "total"),),
        chart_columns=("red", "amber", "green", "not_reviewed"),
    ),
    Table(
        "slippage",
        "Slippage by cause",
        "Priorities judged slipping or off track at finalised visits this year, by the handbook's cause. "
        "Counts only: what the visit records say is not shown here.",
        ADVISER,
        _any(_SLIPPAGE),
        (
            _summed("over_ambitious", "Over-ambitious plan", "slipped_over_ambitious"),
            _summed("unexpected", "Unexpected events", "slipped_unexpected"),
            _summed("inertia", "Inertia among staff", "slipped_inertia"),
            Column(
                "total",
                "All slippage",
                aggregate=_int(F("slipped_over_ambitious") + F("slipped_unexpected") + F("slipped_inertia")),
                drill=_any(_SLIPPAGE),
                field="slipped_total",
            ),
        ),
        groups=((("over_ambitious", "unexpected", "inertia"), "total"),),
        chart_columns=("over_ambitious", "unexpected", "inertia"),
    ),
    Table(
        "reports",
        "SIP reports issued and overdue",
        "Reports issued this year, and schools whose report is overdue (a finalised visit more than 28 days "
        "old with no report issued since).",
        ADVISER,
        Q(has_sip=True) | Q(reports_issued__gt=0) | Q(report_overdue=True),
        (
            _summed("issued", "Reports issued", "reports_issued"),
            Column(
                "with_report",
                "Schools with a report issued",
                aggregate=_count(reports_issued__gt=0),
                drill=Q(reports_issued__gt=0),
                field="reports_issued",
            ),
            _flag("overdue", "Schools with a report overdue", "report_overdue"),
        ),
        chart_columns=("with_report", "overdue"),
    ),
    LEDGER,
    Table(
        "matching",
        "Matching pipeline",
        "School Priority Profiles (Form 1) submitted this year and where their matching stands, the proposals "
        "partner heads declined, and the median days each step took: from submission to the first proposal "
        "(or until today for a profile still waiting), and from a proposal to the partner head's answer.",
        MATCHING,
        Q(form1_submitted=True),
        (
            _flag("submitted", "Form 1s submitted", "form1_submitted"),
            _valued("waiting", "Waiting for a proposal", "match_state", "waiting"),
            _valued("proposed", "Proposed", "match_state", "proposed"),
            _valued("accepted", "Accepted", "match_state", "accepted"),
            _summed("declined", "Proposals declined", "proposals_declined"),
            Column(
                "wait_days",
                "Median days to a proposal",
                "median",
                drill=Q(days_waiting__isnull=False),
                field="days_waiting",
                median_of="days_waiting",
            ),
            Column(
                "answer_days",
                "Median days to the partner head's answer",
                "median",
                drill=Q(days_to_answer__isnull=False),
                field="days_to_answer",
                median_of="days_to_answer",
            ),
        ),
        groups=((("waiting", "proposed", "accepted"), "submitted"),),
        chart_columns=("waiting", "proposed", "accepted"),
    ),
    Table(
        "capacity",
        "Partner schools' capacity in use",
        "Schools on the register of supporting schools in these LAs: those offering support, the partnerships "
        "they can take at once, how many of those are in use (partnerships under way and proposals waiting for the "
        "partner head's answer, as matching counts them), and how many are free.",
        MATCHING,
        Q(on_register=True),
        (
            _flag("offering", "Offering support", "offering_support"),
            Column(
                "places",
                "Places",
                aggregate=_sum("capacity", Q(offering_support=True)),
                drill=Q(offering_support=True),
                field="capacity",
            ),
            _summed("in_use", "In use", "partnerships_in_use"),
            Column(
                "spare",
                "Free",
                aggregate=_int(
                    Case(
                        When(
                            offering_support=True,
                            capacity__gt=F("partnerships_in_use"),
                            then=F("capacity") - F("partnerships_in_use"),
                        ),
                        default=0,
                        output_field=IntegerField(),
                    )
                ),
                drill=Q(offering_support=True, capacity__gt=F("partnerships_in_use")),
                field="places_free",
            ),
        ),
        # In use and free make up the places (near enough: a school no longer offering may still
        # have a partnership), so one hidden must not be worked out from the other.
        groups=((("in_use", "spare"), "places"),),
        chart_columns=("in_use", "spare"),
    ),
    Table(
        "form2",
        "Form 2s by state",
        "This year's partnerships by the state of the newest version of their Partnership Strategy Action Plan.",
        MATCHING,
        ~Q(form2_state=""),
        tuple(_valued(value, label, "form2_state", value) for value, label in _FORM2)
        + (
            Column(
                "all",
                "All partnerships",
                aggregate=Count("pk", filter=~Q(form2_state="")),
                drill=~Q(form2_state=""),
                field="form2_state",
            ),
        ),
        groups=((tuple(value for value, _ in _FORM2), "all"),),
        chart_columns=tuple(value for value, _ in _FORM2),
    ),
)
BY_KEY = {table.key: table for table in TABLES}


def tables_for(role: str) -> list[Table]:
    """The tables a national role reads, in page order."""
    return [table for table in TABLES if role in table.roles]


def table_for(role: str, key: str) -> Table | None:
    table = BY_KEY.get(key)
    return table if table is not None and role in table.roles else None


def aggregate_name(table: Table, column: Column) -> str:
    """The name a column's aggregate is stored and read under."""
    return f"t_{table.key}_{column.key}"


# Every aggregate of every table, and the fields whose medians are shown: what an LA's totals hold.
AGGREGATES = {aggregate_name(t, c): c.aggregate for t in TABLES for c in t.columns if c.aggregate is not None}
MEDIAN_FIELDS = sorted({c.median_of for t in TABLES for c in t.columns if c.median_of})
