"""Time the national register: a generated 50,000-row extract and its links file.

Every published heading; each file imported into an empty database, then again unchanged.

Peak memory is the process's maximum resident size (ru_maxrss) after each run.

    DATABASE_URL=postgres://…/sipportal_bench .venv/bin/python bench/bench_national_register.py [rows]
"""

import resource
import sys
import tempfile
import time
from pathlib import Path

from _setup import setup

setup()

from django.core.files import File  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from national_extract import PUBLISHED_HEADINGS, write_national  # noqa: E402

from jobs.runner import run_job  # noqa: E402
from schools.models import DataImport, School, SchoolLink  # noqa: E402
from schools.tasks import import_in_scope  # noqa: E402


def run(path: Path, kind: str) -> tuple[DataImport, float, float]:
    with path.open("rb") as handle, scopes_disabled():
        data_import = DataImport(la=None, kind=kind, original_name=path.name)
        data_import.file.save(path.name, File(handle), save=False)
        data_import.save()
    start = time.perf_counter()
    data_import = run_job(DataImport, data_import.pk, import_in_scope)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return data_import, elapsed, peak


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as folder:
        extract = Path(folder) / "edubasealldata20261201.csv"
        links = Path(folder) / "links_edubasealldata20261201.csv"
        mix = write_national(extract, links, rows)
        print(
            f"extract: {mix['rows']} rows x {len(PUBLISHED_HEADINGS)} columns, {extract.stat().st_size / 2**20:.1f} MB "
            f"(Windows-1252); {mix['closed']} closed, {mix['conversions']} conversions, {mix['welsh']} Welsh, "
            f"{mix['overseas']} overseas; links file {links.stat().st_size / 2**10:.0f} KB"
        )
        for label, path, kind in (
            ("national import", extract, DataImport.Kind.GIAS),
            ("unchanged re-import", extract, DataImport.Kind.GIAS),
            ("links import", links, DataImport.Kind.LINKS),
            ("unchanged links re-import", links, DataImport.Kind.LINKS),
        ):
            data_import, elapsed, peak = run(path, kind)
            assert data_import.state == "done", data_import.errors[:3] or data_import.failure
            print(f"{label}: {elapsed:.1f} s, process peak memory {peak:.0f} MB; {data_import.counts}")
            if kind == DataImport.Kind.GIAS and label == "national import":
                for reason, count in data_import.skipped_reasons.items():
                    print(f"  skipped: {reason}: {count}")
    with scopes_disabled():
        print(f"in the database: {School.objects.count()} schools, {SchoolLink.objects.count()} links")


if __name__ == "__main__":
    main()
