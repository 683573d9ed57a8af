"""Import a 50,000-row national GIAS extract and report the time and the peak memory.

The extract is Windows-1252 with ~130 columns, as the real file has; it is imported once into an
empty database and then again (every row unchanged). Peak memory is the process's maximum
resident size (ru_maxrss) before and after each run: growth would mean memory follows the file.

    .venv/bin/python bench/bench_gias_import.py [rows]
"""

import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

from _setup import setup

setup()

from django.core.files import File  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from jobs.runner import run_job  # noqa: E402
from schools.models import DataImport, School  # noqa: E402
from schools.tasks import import_in_scope  # noqa: E402
from tenancy.models import LocalAuthority  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.gias_files import HEADINGS, gias_row  # noqa: E402

REGIONS = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]
FILLER = [f"Unused column {n} (name)" for n in range(105)]


def write_extract(path: Path, rows: int) -> None:
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS + FILLER)
        for n in range(rows):
            la = 201 + n % 150
            row = gias_row(
                f"{100000 + n}",
                la_code=str(la),
                **{
                    "LA (name)": f"Authority {la}",
                    "GOR (name)": REGIONS[la % len(REGIONS)],
                    "EstablishmentName": f"St Æthelred’s School {n}",
                    "PhaseOfEducation (name)": "Secondary" if n % 7 == 0 else "Primary",
                },
            )
            writer.writerow([row[h] for h in HEADINGS] + ["filler value"] * len(FILLER))


def run(path: Path) -> tuple[DataImport, float, float, float]:
    with path.open("rb") as handle, scopes_disabled():
        data_import = DataImport(la=None, kind=DataImport.Kind.GIAS, original_name=path.name)
        data_import.file.save(path.name, File(handle), save=False)
        data_import.save()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        data_import = run_job(DataImport, data_import.pk, import_in_scope)
        elapsed = time.perf_counter() - start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return data_import, elapsed, rss_before / 1024, rss_after / 1024


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edubasealldata20261101.csv"
        write_extract(path, rows)
        size = path.stat().st_size / 2**20
        print(f"extract: {rows} rows, {len(HEADINGS) + len(FILLER)} columns, {size:.1f} MB, Windows-1252")
        for label in ("first import", "re-import"):
            data_import, elapsed, rss_before, rss_after = run(path)
            assert data_import.state == "done", data_import.errors[:3]
            print(
                f"{label}: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s); process peak memory "
                f"{rss_before:.0f} MB before, {rss_after:.0f} MB after; {data_import.counts}"
            )
    with scopes_disabled():
        print(f"in the database: {School.objects.count()} schools in {LocalAuthority.objects.count()} LAs")


if __name__ == "__main__":
    main()
