"""Real GIAS rows leave Town empty and name the town in Address3 or Locality: the address still reads."""

from django.urls import reverse
from django_scopes import scope

from schools.models import DataImport, School

from .gias_files import gias_csv, gias_row
from .test_gias_import import admin_client, upload  # noqa: F401  (the fixture is used by name)


def stored(la, urn) -> School:
    with scope(la=la.pk):
        return School.objects.get(urn=urn)


def test_every_part_of_a_real_address_is_kept_and_reads_naturally(admin_client, world):  # noqa: F811
    rows = [
        # As GIAS writes many village schools: no Town, the town in Address3.
        gias_row(
            "900401",
            Street="Church Lane",
            Locality="Acle",
            Address3="Norwich",
            Town="",
            **{"County (name)": "Norfolk"},
            Postcode="nr13 3de",
        ),
        # The town in Locality, and a county GIAS marks "Not applicable".
        gias_row("900402", Street="Mill Road", Locality="Wymondham", Town="", **{"County (name)": "Not applicable"}),
        # A locality that repeats the town is said once.
        gias_row("900403", Street="1 High Street", Locality="Norwich", Town="Norwich", Postcode="NR1 1AA"),
    ]
    upload(admin_client, gias_csv(rows))
    acle = stored(world.a.la, "900401")
    assert (acle.street, acle.locality, acle.address3, acle.town, acle.county, acle.postcode) == (
        "Church Lane",
        "Acle",
        "Norwich",
        "",
        "Norfolk",
        "NR13 3DE",
    )
    assert acle.address == "Church Lane, Acle, Norwich, Norfolk, NR13 3DE"
    assert stored(world.a.la, "900402").address == "Mill Road, Wymondham, NR1 1AA"
    assert stored(world.a.la, "900403").address == "1 High Street, Norwich, Norfolk, NR1 1AA"
    page = admin_client.get(reverse("schools:detail", args=["926", "900401"])).content.decode()
    assert "Church Lane, Acle, Norwich, Norfolk, NR13 3DE" in page


def test_a_moved_locality_is_an_update_and_an_unchanged_address_is_not(admin_client, world):  # noqa: F811
    row = gias_row("900411", Locality="Acle", Town="")
    upload(admin_client, gias_csv([row]))
    upload(admin_client, gias_csv([row]))
    with scope(la=world.a.la.pk):
        assert DataImport.objects.latest("created_at").counts["unchanged"] == 1
    upload(admin_client, gias_csv([{**row, "Locality": "Blofield"}]))
    assert stored(world.a.la, "900411").locality == "Blofield"


def test_an_address_line_too_long_is_reported_by_line_and_column(admin_client, world):  # noqa: F811
    upload(admin_client, gias_csv([gias_row("900421"), gias_row("900422", Address3="x" * 101)]))
    with scope(la=world.a.la.pk):
        data_import = DataImport.objects.latest("created_at")
        assert not School.objects.filter(urn__in=["900421", "900422"]).exists()
    assert data_import.state == DataImport.State.REJECTED
    assert [(e["line"], e["column"]) for e in data_import.errors] == [(3, "Address3")]
