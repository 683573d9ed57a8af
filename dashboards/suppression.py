"""Small-number suppression: the one rule every dashboard table and CSV applies.

1. Primary. A count from 1 to 4 is not shown: the cell shows SYMBOL. 0 is shown (it identifies
   nobody). A total of days or money, and a median of days, describe the schools behind them, so
   they are not shown when they are worked out from 1 to 4 schools (or values).
2. Secondary. Where a total is shown beside its parts (RAG statuses, causes of slippage, Form 2
   states, matching states), or a column is summed in the "All" row, one hidden part could be
   worked out by subtraction. So when exactly one part of a row's total, or exactly one cell of a
   column above its "All" total, is hidden, the smallest other non-zero cell is hidden too (the
   total itself when there is none). A hidden total beside parts all shown hides its smallest
   part too, and a total of 0 beside a hidden part is hidden (it would say the part is 0). This
   repeats until nothing changes.

Nested counts (the pipeline's stages, each a subset of the one before) are not parts of a sum
and are suppressed by the primary rule alone.
"""

from dataclasses import dataclass, field

SYMBOL = "c"
KEY = (
    "c: a number from 1 to 4 (or a total or median worked out from 1 to 4 schools), not shown so "
    "that no school in a small group can be identified; another number in the same row or column "
    "may also be hidden so that it cannot be worked out from the total."
)
SMALL = range(1, 5)


def is_small(count) -> bool:
    """A count that could identify a school: 1 to 4."""
    return count is not None and int(count) == count and int(count) in SMALL


@dataclass
class Cell:
    value: object  # a number, or None for "no data"
    suppressed: bool = False
    # How many schools (or values) it was worked out from, for totals and medians.
    base: int | None = None
    href: str = ""
    extra: dict = field(default_factory=dict)


def primary(cell: Cell, kind: str) -> None:
    """Rule 1 for one cell: counts by their value, totals and medians by their base."""
    if kind == "count":
        cell.suppressed = is_small(cell.value)
    else:
        cell.suppressed = cell.value is not None and is_small(cell.base)


def _hide_one_more(cells: list[Cell], total: Cell | None) -> bool:
    """Hide one more cell where one hidden cell could be worked out from the others by subtraction."""
    if total is None:
        return False
    hidden = [c for c in cells if c.suppressed]
    if total.suppressed:
        # A hidden total beside parts all shown is their sum: hide the smallest part too.
        candidates = [c for c in cells if c.value] if not hidden else []
        if candidates:
            min(candidates, key=lambda c: c.value).suppressed = True
        return bool(candidates)
    if hidden and not total.value:
        # A total of 0 beside hidden parts says each of them is 0 too.
        total.suppressed = True
        return True
    if len(hidden) != 1:
        return False
    candidates = [c for c in cells if not c.suppressed and c.value]
    if candidates:
        min(candidates, key=lambda c: c.value).suppressed = True
    else:
        total.suppressed = True
    return True


def secondary(rows: list[list[Cell]], total_row: list[Cell] | None, groups, additive) -> None:
    """Rule 2 over a table of cells.

    `groups`: (part column indexes, total column index) within each row. `additive`: the column
    indexes whose "All" row cell is the sum of the cells above it.
    """
    every_row = rows + ([total_row] if total_row else [])
    changed = True
    while changed:
        changed = False
        for row in every_row:
            for parts, total in groups:
                changed |= _hide_one_more([row[i] for i in parts], row[total])
        if total_row is not None and len(rows) > 1:
            for i in additive:
                changed |= _hide_one_more([row[i] for row in rows], total_row[i])


def shown(cell: Cell) -> str:
    """What a CSV shows for the cell."""
    if cell.suppressed:
        return SYMBOL
    return "" if cell.value is None else str(cell.value)
