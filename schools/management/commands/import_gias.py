"""Import a Get Information about Schools extract from the command line.

Without --la it imports every LA's rows (a site administrator's national import) and adds LAs
the portal does not have yet, from the extract's "GOR (name)" region.
"""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope, scopes_disabled

from jobs.runner import run_job
from schools.models import DataImport
from schools.tasks import import_in_scope
from tenancy.models import LocalAuthority


class Command(BaseCommand):
    help = "Import schools from a GIAS extract (edubasealldataYYYYMMDD.csv), or its links file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--la", help="Only this LA's rows (3-digit code); the others are skipped.")
        parser.add_argument(
            "--links",
            action="store_true",
            help="The file is the links file (links_edubasealldataYYYYMMDD.csv); implied by that name.",
        )

    def handle(self, *args, path: Path, la: str | None, links: bool = False, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        authority = None
        if la:
            authority = LocalAuthority.objects.filter(code=la).first()
            if authority is None:
                raise CommandError(f"No LA with code {la}")
        with path.open("rb") as handle, scope(la=authority.pk) if authority else scopes_disabled():
            kind = DataImport.Kind.LINKS if links or path.name.lower().startswith("links_") else DataImport.Kind.GIAS
            data_import = DataImport(la=authority, kind=kind, original_name=path.name[:255])
            data_import.file.save(path.name, File(handle), save=False)
            data_import.save()
        # The same runner as the background task: a crash ends the import "failed", with a reason.
        data_import = run_job(DataImport, data_import.pk, import_in_scope)
        counts = ", ".join(f"{name} {count}" for name, count in data_import.counts.items())
        if data_import.state == DataImport.State.FAILED:
            raise CommandError(f"Nothing imported: {data_import.failure}")
        if data_import.state != DataImport.State.DONE:
            for error in data_import.errors[:50]:
                self.stderr.write(f"line {error['line']}, {error['column']}: {error['message']} ({error['value']!r})")
            raise CommandError(f"Nothing imported: {data_import.error_count} problems in {path.name}")
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {counts}"))
        for reason, count in data_import.skipped_reasons.items():
            self.stdout.write(f"  skipped: {reason}: {count}")
        for change in data_import.changes[:50]:
            self.stdout.write(f"  {change['name']} ({change['urn']}): {change['change']}")
