"""The dashboards' reads: each body's figures, only from the LAs it serves, from the latest snapshot.

Every page reads a fixed number of queries whatever the number of LAs or schools: the LAs the
body serves (one), the latest refresh (one) and the totals its LAs' schools add up to, which the
refresh stored per LA (one).
"""

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import QuerySet
from django.http import Http404

from jobs.models import JobState
from national.selectors import las_served_by
from tenancy.academic_year import current_academic_year
from tenancy.models import Region

from . import suppression
from .models import FiguresRefresh, LaFigures, SchoolFigures
from .tables import OFFER, Column, Table, aggregate_name


def latest_refresh(year: int | None = None) -> FiguresRefresh | None:
    """The newest finished computation of the figures for the year (this one by default)."""
    year = current_academic_year() if year is None else year
    return (
        FiguresRefresh.objects.filter(academic_year=year, state=JobState.DONE).order_by("-finished_at", "-pk").first()
    )


@dataclass
class Remit:
    """The LAs a national membership may see figures of, and the region the page narrows to."""

    las: list
    region: str = ""

    @cached_property
    def la_ids(self) -> list[int]:
        return [la.pk for la in self.las if not self.region or la.region == self.region]

    @cached_property
    def regions(self) -> list[str]:
        order = Region.values
        return sorted({la.region for la in self.las}, key=order.index)

    @cached_property
    def by_region(self) -> bool:
        """Rows per region when the remit spans several and none is chosen; per LA otherwise."""
        return not self.region and len(self.regions) > 1

    def la_by_code(self, code: str):
        found = next((la for la in self.las if la.code == code), None)
        if found is None or (self.region and found.region != self.region):
            raise Http404("No such local authority")
        return found


def remit_for(membership, region: str = "") -> Remit:
    """The membership's LAs (one query); a region outside them is a 404."""
    remit = Remit(list(las_served_by(membership).only("pk", "code", "name", "region").order_by("name")))
    if region:
        if region not in remit.regions:
            raise Http404("No such region")
        remit.region = region
    return remit


def figures_rows(run: FiguresRefresh, remit: Remit) -> QuerySet[SchoolFigures]:
    """The snapshot's rows of the LAs in the remit: a named cross-LA read, limited to those LAs."""
    return SchoolFigures.objects.with_scope(la=remit.la_ids).filter(run=run, la_id__in=remit.la_ids)


@dataclass
class Row:
    label: str
    href: str
    cells: list


@dataclass
class TableFigures:
    table: Table
    rows: list
    total: list
    chart: list = field(default_factory=list)


def _format(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "money":
        return f"£{Decimal(value):,.0f}"
    if kind == "days":
        return format(Decimal(value).normalize(), "f") if value else "0"
    return str(value)


def _median(values: list) -> Decimal | None:
    return Decimal(statistics.median(values)).quantize(Decimal("0.1")).normalize() if values else None


def dashboard(run: FiguresRefresh, remit: Remit, tables: list[Table], link) -> list[TableFigures]:
    """Every table's rows (per region or per LA), its "All" row and its chart, suppressed.

    `link(table, column, place)` makes the drill-down address of a cell (`place` is an LA, a
    region code, or None for the whole remit).
    """
    found, values = place_totals(run, remit, tables)
    places = (
        [(region, Region(region).label) for region in remit.regions]
        if remit.by_region
        else [(la.pk, la.name) for la in remit.las if la.pk in remit.la_ids]
    )
    la_of = {la.pk: la for la in remit.las}
    result = []
    for table in tables:
        rows = []
        for key, label in places:
            place = key if remit.by_region else la_of[key]
            cells = [_cell(table, c, found.get(key), values.get((key, c.median_of), [])) for c in table.columns]
            for column, cell in zip(table.columns, cells, strict=True):
                cell.href = link(table, column, place)
                cell.extra["context"] = f"{column.label}, {label}"
            href = f"?region={key}" if remit.by_region else link(table, None, place)
            rows.append(Row(label, href, cells))
        total = [_total(table, c, rows, values, places) for c in table.columns]
        for column, cell in zip(table.columns, total, strict=True):
            cell.href = link(table, column, remit.region or None)
            cell.extra["context"] = f"{column.label}, all"
        for column, cell in zip(table.columns, total, strict=True):
            suppression.primary(cell, column.kind)
        for row in rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                suppression.primary(cell, column.kind)
        groups = [([table.index(k) for k in parts], table.index(total_key)) for parts, total_key in table.groups]
        additive = [i for i, c in enumerate(table.columns) if c.kind != "median"]
        suppression.secondary([row.cells for row in rows], total, groups, additive)
        for column, cell in zip(table.columns, total, strict=True):
            cell.extra["text"] = _format(cell.value, column.kind)
        for row in rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                cell.extra["text"] = _format(cell.value, column.kind)
        result.append(TableFigures(table, rows, total, _chart(table, total)))
    return result


def place_totals(run: FiguresRefresh, remit: Remit, tables: list[Table]) -> tuple[dict, dict]:
    """Each row's totals (per region or per LA) and values for its medians, added up from the LAs' totals.

    One query of at most one row per LA, whatever the number of schools.
    """
    wanted = [aggregate_name(t, c) for t in tables for c in t.columns if c.aggregate is not None]
    medians = {c.median_of for t in tables for c in t.columns if c.median_of}
    region_of = {la.pk: la.region for la in remit.las}
    found: dict = {}
    values: dict = {}
    rows = LaFigures.objects.with_scope(la=remit.la_ids).filter(run=run, la_id__in=remit.la_ids)
    for la_id, totals, median_values in rows.values_list("la_id", "totals", "median_values"):
        key = region_of[la_id] if remit.by_region else la_id
        into = found.setdefault(key, {})
        for name in wanted:
            value = totals.get(name, 0)
            into[name] = into.get(name, 0) + (Decimal(value) if isinstance(value, str) else value)
        for name in medians:
            values.setdefault((key, name), []).extend(median_values.get(name, []))
    return found, values


def _cell(table: Table, column: Column, found: dict | None, medians: list) -> suppression.Cell:
    if column.median_of:
        return suppression.Cell(_median(medians), base=len(medians))
    value = found[aggregate_name(table, column)] if found else 0
    base = found[aggregate_name(table, table.column(column.base))] if found and column.base else None
    return suppression.Cell(value, base=base if column.base else None)


def _total(table: Table, column: Column, rows: list, values: dict, places) -> suppression.Cell:
    index = table.index(column.key)
    if column.median_of:
        every = [v for key, _ in places for v in values.get((key, column.median_of), [])]
        return suppression.Cell(_median(every), base=len(every))
    value = sum((row.cells[index].value or 0) for row in rows)
    base = sum((row.cells[table.index(column.base)].value or 0) for row in rows) if column.base else None
    return suppression.Cell(value, base=base)


@dataclass
class Bar:
    label: str
    text: str
    percent: int  # of the longest bar, or of the offer


def _chart(table: Table, total: list) -> list[Bar]:
    """Bars for the "All" row, each with its value in words; hidden values get no bar."""
    bars = []
    if table.chart == "offer":
        schools = total[table.index("schools")]
        for column in table.columns[1:]:
            cell = total[table.index(column.key)]
            offer = OFFER[column.key] * (schools.value or 0)
            if cell.suppressed or schools.suppressed or not offer:
                bars.append(Bar(column.label, suppression.SYMBOL if cell.suppressed else "no offer yet", 0))
                continue
            percent = round(100 * Decimal(cell.value) / offer)
            bars.append(
                Bar(
                    column.label,
                    f"{percent}% of the offer ({cell.extra['text']} of {_format(offer, column.kind)})",
                    min(percent, 100),
                )
            )
        return bars
    if table.chart == "used":
        allocated, used = total[table.index("allocated")], total[table.index("used")]
        if allocated.suppressed or used.suppressed or not allocated.value:
            return []
        percent = round(100 * Decimal(used.value) / Decimal(allocated.value))
        return [
            Bar(
                "Days used",
                f"{percent}% of the days allocated ({used.extra['text']} of {allocated.extra['text']})",
                min(percent, 100),
            )
        ]
    cells = [(table.column(k), total[table.index(k)]) for k in table.chart_columns]
    longest = max([c.value for _, c in cells if not c.suppressed and c.value] or [0])
    for column, cell in cells:
        if cell.suppressed:
            bars.append(Bar(column.label, suppression.SYMBOL, 0))
        else:
            bars.append(Bar(column.label, cell.extra["text"], round(100 * cell.value / longest) if longest else 0))
    return bars


def drill_rows(run: FiguresRefresh, remit: Remit, table: Table, column: Column | None, la=None) -> QuerySet:
    """The schools behind one figure (or the table's schools), in the remit: names and figures only."""
    rows = figures_rows(run, remit).filter(table.schools)
    if column is not None:
        rows = rows.filter(column.drill)
    if la is not None:
        rows = rows.filter(la=la)
    # The list shows each school's name, URN and LA beside its figures: nothing else of the school is read.
    return (
        rows.select_related("school", "la")
        .only(*FIGURE_FIELDS, "school__name", "school__urn", "la__name")
        .order_by("la__name", "school__name", "pk")
    )


FIGURE_FIELDS = [f.name for f in SchoolFigures._meta.concrete_fields]


def school_values(table: Table, row: SchoolFigures) -> list[str]:
    """What the list behind a figure shows for one school, column by column.

    Not suppressed: the schools are named, and within the body's remit.
    """
    shown = []
    for column in table.columns:
        value = getattr(row, column.field)
        if isinstance(value, bool):
            shown.append("Yes" if value else "No")
        elif column.field == "match_state":
            shown.append(SchoolFigures.MatchState(value).label)
        elif column.field == "form2_state":
            from partnerships.models import Form2

            shown.append(Form2.State(value).label if value else "None")
        else:
            shown.append(_format(value, "median" if column.kind == "median" else column.kind))
    return shown
