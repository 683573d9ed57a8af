"""A national extract with every published heading, as GIAS writes it, imports with the right counts."""

import io

from django.core.management import call_command
from django_scopes import scopes_disabled

from schools.models import DataImport, School, Status

from .gias_files import PUBLISHED_HEADINGS, gias_csv, gias_row


def test_a_national_extract_with_every_published_heading_imports_with_counts_per_reason(world, tmp_path):
    wales, overseas = {"GOR (name)": "Wales (pseudo)"}, {"GOR (name)": "Not Applicable"}
    extra = {"Easting": "624000", "Northing": "308000", "UKPRN": "10012345", "SchoolWebsite": "www.example.org"}
    rows = [
        gias_row("900701", **extra, Town="", Address3="Norwich", Locality="Thorpe St Andrew"),
        gias_row(
            "900702",
            **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2024", "County (name)": "Norfolk"},
        ),
        gias_row("900703", la_code="302", **{"GOR (name)": "London", "TypeOfEstablishment (name)": "Free schools"}),
        gias_row("900704", **{"TypeOfEstablishment (name)": "Other independent school"}),
        gias_row(
            "900705", **{"TypeOfEstablishment (name)": "Children's centre", "PhaseOfEducation (name)": "Not applicable"}
        ),
        gias_row("900706", la_code="660", **{"LA (name)": "Cardiff"}, **wales),
        gias_row("900707", la_code="703", **{"LA (name)": "Overseas"}, **overseas),
    ]
    path = tmp_path / "edubasealldata20261201.csv"
    path.write_bytes(gias_csv(rows, headings=PUBLISHED_HEADINGS))
    assert len(PUBLISHED_HEADINGS) == 140 and path.read_bytes().count(b",", 0, path.read_bytes().index(b"\r\n")) == 139
    out = io.StringIO()
    call_command("import_gias", str(path), stdout=out)
    with scopes_disabled():
        data_import = DataImport.objects.latest("created_at")
        assert data_import.counts["created"] == 3 and data_import.counts["skipped"] == 4
        assert data_import.skipped_reasons == {
            "Welsh establishments": 1,
            "No English LA (overseas, offshore and other establishments)": 1,
            "Not in the register's scope: Other independent school": 1,
            "Not in the register's scope: Children's centre": 1,
        }
        assert School.objects.get(urn="900701").address == "1 High Street, Thorpe St Andrew, Norwich, Norfolk, NR1 1AA"
        assert School.objects.get(urn="900702").status == Status.CLOSED
    assert "skipped: Not in the register's scope: Children's centre: 1" in out.getvalue()
