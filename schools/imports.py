"""Importing CSV files all or nothing, in bounded memory.

Every import reads its file twice, streaming: first it checks every row and collects every
error (with its line, column and value); only a file without errors is read again and written,
in batches, inside one transaction. Either every row lands or none does.
"""

import codecs
import csv
import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction

from audit.models import Action
from audit.services import audit_record
from jobs.runner import job_finish

from .models import DataImport

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Errors and changes beyond these are counted but not kept: a wholly wrong file of 50,000 rows
# must not make a 50,000-entry page.
KEEP_ERRORS = 1000
KEEP_CHANGES = 1000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        # Control characters are shown escaped (\x00, \r\n): visible to the reader, storable as JSON.
        value = CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode(), self.value[:100])
        return {"line": self.line, "column": self.column, "value": value, "message": self.message}


# Line breaks, NUL and other control characters: no register value is more than one line, and
# PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def value_problem(model: type[models.Model], name: str, value) -> str | None:
    """Why `value` cannot be stored in the model's field (type, length, range), or None.

    The field's own checks are used, so the import and the database agree on what fits.
    """
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        return "Remove the line break or control character; this value must be a single line."
    field = model._meta.get_field(name)
    try:
        field.clean(value, None)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


@dataclass(frozen=True)
class Skipped:
    """A row that is fine but not for this import (another LA's school, a Welsh school)."""

    reason: str


class UnreadableFile(Exception):
    """The file cannot be read at all (not CSV, missing columns): reported as line-1 errors."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors[0].message)
        self.errors = errors


@dataclass
class Outcome:
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 0}
    )
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    changes: list[dict] = field(default_factory=list)
    change_count: int = 0
    rows: int = 0
    skipped_reasons: Counter = field(default_factory=Counter)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < KEEP_ERRORS:
            self.errors.append(error)

    def add_change(self, change: dict) -> None:
        self.change_count += 1
        if len(self.changes) < KEEP_CHANGES:
            self.changes.append(change)


class Importer(Protocol):
    """What one kind of file knows: its columns, how to read a row, how to write a batch."""

    required_columns: tuple[str, ...]
    # Every column the importer reads; the others (hundreds, in a GIAS extract) are never copied.
    columns: frozenset[str]

    def parse(self, line: int, row: dict[str, str]) -> tuple[Any, list[RowError]]:
        """Values ready to write, or Skipped(reason) when the row is out of this import's scope."""

    def check_batch(self, batch: list[tuple[int, Any]], outcome: Outcome) -> None:
        """Checks that need the database (run on the validation pass, a batch at a time)."""

    def write_batch(self, batch: list[tuple[int, Any]], outcome: Outcome) -> None:
        """Create or update the batch, counting what happened."""


def decoded_lines(binary) -> Iterator[str]:
    """Text lines of an uploaded CSV, whatever Excel or GIAS saved it as.

    A UTF-8 byte-order mark means UTF-8. Otherwise the file is UTF-8 if it decodes as UTF-8,
    else Windows-1252, which is what the Get Information about Schools download is.
    """
    binary.seek(0)
    head = binary.read(64 * 1024)
    binary.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            # A multibyte character may be cut at the end of the sample; ignore only that.
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as error:
            encoding = "utf-8" if error.start >= len(head) - 3 else "cp1252"
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")


def rows_of(binary, required: tuple[str, ...], wanted: frozenset[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each record; line 1 is the heading row.

    A line is a record, as a spreadsheet numbers its rows, even when a quoted value spans lines.
    """
    reader = csv.reader(decoded_lines(binary))
    try:
        headings = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error, UnicodeDecodeError):
        raise UnreadableFile([RowError(1, "", "", "The file is empty or is not a CSV file.")]) from None
    missing = [column for column in required if column not in headings]
    if missing:
        raise UnreadableFile(
            [RowError(1, column, "", f"The column “{column}” is missing from the heading row.") for column in missing]
        )
    index = {name: position for position, name in enumerate(headings) if name in wanted}
    line = 1
    try:
        for line, values in enumerate(reader, start=2):  # noqa: B007  (the except clause reports it)
            if not any(v.strip() for v in values):
                continue
            yield line, {name: (values[i].strip() if i < len(values) else "") for name, i in index.items()}
    except csv.Error as error:
        raise UnreadableFile([RowError(line + 1, "", "", f"The file could not be read here: {error}.")]) from None


def _batches(rows, size=BATCH_SIZE):
    batch = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _progress_key(data_import: DataImport) -> str:
    return f"data-import-progress:{data_import.pk}"


def progress_of(data_import: DataImport) -> dict:
    """Rows checked or written so far, from the cache; "unavailable" when the cache is down."""
    try:
        return cache.get(_progress_key(data_import)) or {"stage": "waiting", "rows": 0}
    except Exception:
        logger.warning("import progress unavailable", exc_info=True)
        return {"stage": "unavailable", "rows": 0}


def _report_progress(data_import: DataImport, stage: str, rows: int) -> None:
    # Progress is a courtesy: a cache that is down must not stop the import.
    try:
        cache.set(_progress_key(data_import), {"stage": stage, "rows": rows}, timeout=3600)
    except Exception:
        logger.warning("import progress not recorded", exc_info=True)


def _parsed(importer: Importer, binary, outcome: Outcome, *, checking: bool) -> Iterator[tuple[int, Any]]:
    for line, row in rows_of(binary, importer.required_columns, importer.columns):
        values, errors = importer.parse(line, row)
        if checking:
            outcome.rows += 1
            for error in errors:
                outcome.add_error(error)
            if errors:
                outcome.counts["rejected"] += 1
            elif isinstance(values, Skipped):
                outcome.counts["skipped"] += 1
                outcome.skipped_reasons[values.reason] += 1
        if not errors and not isinstance(values, Skipped):
            yield line, values


class Superseded(Exception):
    """Another worker was given this import while this one wrote it; this one's writes roll back."""


def import_run(*, data_import: DataImport, importer: Importer) -> DataImport:
    """Check the whole file, then write it all in one transaction, or nothing if any row is bad.

    The import must be held by this process (jobs.runner.run_job claimed it): finishing is
    conditional on that, so a second run of the same import can never write twice.
    """
    outcome = Outcome()
    try:
        with data_import.file.open("rb") as binary:
            for batch in _batches(_parsed(importer, binary, outcome, checking=True)):
                importer.check_batch(batch, outcome)
                _report_progress(data_import, "checking", outcome.rows)
    except UnreadableFile as error:
        for row_error in error.errors:
            outcome.add_error(row_error)

    if outcome.error_count:
        with transaction.atomic():
            _finish(data_import, outcome, DataImport.State.REJECTED)
            audit_record(
                action=Action.DATA_IMPORT_REJECTED,
                actor=data_import.requested_by,
                la=data_import.la,
                obj=data_import,
                detail={"file": data_import.original_name, "problems": outcome.error_count},
            )
        return data_import

    rows_checked = outcome.rows
    if hasattr(importer, "checked"):
        importer.checked = True
    skipped, skipped_reasons = outcome.counts["skipped"], outcome.skipped_reasons
    with transaction.atomic():
        with data_import.file.open("rb") as binary:
            written = 0
            for batch in _batches(_parsed(importer, binary, Outcome(), checking=False)):
                importer.write_batch(batch, outcome)
                written += len(batch)
                _report_progress(data_import, "writing", written)
        outcome.rows, outcome.counts["skipped"], outcome.skipped_reasons = rows_checked, skipped, skipped_reasons
        _finish(data_import, outcome, DataImport.State.DONE)
        audit_record(
            action=Action.DATA_IMPORTED,
            actor=data_import.requested_by,
            la=data_import.la,
            obj=data_import,
            detail={"file": data_import.original_name, **outcome.counts},
        )
    return data_import


def _finish(data_import: DataImport, outcome: Outcome, state: str) -> None:
    fields = {
        "rows_total": outcome.rows,
        "counts": outcome.counts,
        "errors": [e.as_dict() for e in sorted(outcome.errors, key=lambda e: (e.line, e.column))],
        "error_count": outcome.error_count,
        "changes": outcome.changes,
        "change_count": outcome.change_count,
        "skipped_reasons": dict(outcome.skipped_reasons.most_common()),
    }
    if not job_finish(data_import, state=state, **fields):
        raise Superseded(f"import {data_import.pk} is no longer held by {data_import.worker}")
    data_import.state = state
    for name, value in fields.items():
        setattr(data_import, name, value)
    _report_progress(data_import, "finished", outcome.rows)
