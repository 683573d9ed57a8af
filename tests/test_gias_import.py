import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from audit.models import Action, AuditEvent
from schools.models import DataImport, School, Status
from tenancy.models import LocalAuthority

from .factories import SchoolFactory
from .gias_files import gias_csv, gias_row


def upload(client, content: bytes, name="edubasealldata20261101.csv", kind="gias", la_code="926"):
    """Upload as a person would; the import task runs once the upload is committed, then the
    result page is fetched."""
    with client.capture(execute=True):
        response = client.post(
            reverse("schools:imports", args=[la_code]),
            {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
        )
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    return response


def latest_import(la):
    with scope(la=la.pk):
        return DataImport.objects.latest("created_at")


def names(la) -> dict[str, str]:
    with scope(la=la.pk):
        return dict(School.objects.values_list("urn", "name"))


@pytest.fixture
def admin_client(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    client.capture = django_capture_on_commit_callbacks
    return client


def test_a_clean_extract_creates_updates_and_skips_other_las_rows(admin_client, world):
    existing = world.a.other_school
    rows = [
        gias_row("900001", EstablishmentName="St Mary’s Church of England High School"),
        gias_row(existing.urn, EstablishmentName="Renamed Academy"),
        gias_row(world.a.school.urn, EstablishmentName=world.a.school.name),
        gias_row("900002", la_code="302"),
    ]
    page = upload(admin_client, gias_csv(rows)).content.decode()
    data_import = latest_import(world.a.la)
    assert data_import.state == DataImport.State.DONE
    assert data_import.counts == {"created": 1, "updated": 2, "unchanged": 0, "skipped": 1, "rejected": 0}
    assert data_import.skipped_reasons == {"Schools of other LAs": 1}
    assert "Imported" in page and "Schools of other LAs: 1" in page
    now = names(world.a.la)
    assert now["900001"] == "St Mary’s Church of England High School"  # read as Windows-1252
    assert now[existing.urn] == "Renamed Academy"
    assert "900002" not in names(world.b.la) and "900002" not in now
    with scope(la=world.a.la.pk):
        school = School.objects.get(urn="900001")
        event = AuditEvent.objects.get(action=Action.DATA_IMPORTED)
    assert school.laestab == "9264001" and school.headteacher_name == "Ms Ada Lovelace"
    assert school.opened_on == datetime.date(1975, 9, 1) and str(school.percentage_fsm) == "21.40"
    assert event.actor == world.a.la_admin and event.detail["created"] == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(admin_client, world):
    content = gias_csv([gias_row("900001"), gias_row("900003")])
    upload(admin_client, content)
    upload(admin_client, content)
    assert latest_import(world.a.la).counts["unchanged"] == 2


@pytest.mark.parametrize("encoding,bom", [("utf-8", True), ("utf-8", False), ("cp1252", False)])
def test_utf8_with_or_without_a_bom_and_windows_1252_all_read_the_same(admin_client, world, encoding, bom):
    name = "École Élan – Dudley’s Academy"
    upload(admin_client, gias_csv([gias_row("900001", EstablishmentName=name)], encoding=encoding, bom=bom))
    assert names(world.a.la)["900001"] == name


def test_a_messy_file_changes_nothing_and_reports_every_bad_row(admin_client, world):
    before = names(world.a.la)
    rows = [
        gias_row("900001"),  # line 2: fine
        gias_row("12345"),  # line 3: bad URN
        gias_row("900004", la_code="302"),  # line 4: another LA's row, skipped
        gias_row("900001", EstablishmentName="Again"),  # line 5: duplicate URN
        gias_row("900005", OpenDate="2025-09-01", StatutoryLowAge="18", StatutoryHighAge="11"),  # line 6
        gias_row("900006", **{"EstablishmentStatus (name)": "Open-ish", "NumberOfPupils": "many"}),  # line 7
        gias_row(world.b.school.urn),  # line 8: a URN that belongs to Barnet
    ]
    page = upload(admin_client, gias_csv(rows)).content.decode()
    data_import = latest_import(world.a.la)
    assert data_import.state == DataImport.State.REJECTED
    found = {(e["line"], e["column"]) for e in data_import.errors}
    assert found == {
        (3, "URN"),
        (5, "URN"),
        (6, "OpenDate"),
        (6, "StatutoryHighAge"),
        (7, "EstablishmentStatus (name)"),
        (7, "NumberOfPupils"),
        (8, "URN"),
    }
    assert {"line": 3, "column": "URN", "value": "12345", "message": "A URN is 6 digits."} in data_import.errors
    assert data_import.counts["rejected"] == 5 and data_import.counts["skipped"] == 1
    assert "Nothing was imported: 7 problems in the file" in page
    assert "This URN is already on line 2." in page
    assert names(world.a.la) == before


def test_a_missing_column_is_reported_and_nothing_is_read(admin_client, world):
    headings = [h for h in __import__("tests.gias_files").gias_files.HEADINGS if h != "EstablishmentName"]
    upload(admin_client, gias_csv([gias_row("900001")], headings=headings))
    data_import = latest_import(world.a.la)
    assert data_import.state == DataImport.State.REJECTED
    assert data_import.errors == [
        {
            "line": 1,
            "column": "EstablishmentName",
            "value": "",
            "message": "The column “EstablishmentName” is missing from the heading row.",
        }
    ]
    assert "900001" not in names(world.a.la)


def test_a_file_that_is_not_csv_is_refused_with_a_clear_error(admin_client, world):
    response = upload(admin_client, b"%PDF-1.4", name="report.pdf")
    assert "Choose a CSV file" in response.content.decode()


def test_a_reimport_lists_new_heads_closures_and_conversions(admin_client, world):
    with scopes_disabled():
        for urn in ("900011", "900012", "900013"):
            SchoolFactory(
                la=world.a.la, urn=urn, headteacher_name="Ms Ada Lovelace", establishment_type="Community school"
            )
    rows = [
        gias_row("900011", HeadFirstName="Grace", HeadLastName="Hopper"),
        gias_row("900012", **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2026"}),
        gias_row("900013", **{"TypeOfEstablishment (name)": "Academy converter", "Trusts (name)": "Broad Trust"}),
    ]
    page = upload(admin_client, gias_csv(rows)).content.decode()
    changes = {c["urn"]: c["change"] for c in latest_import(world.a.la).changes}
    assert changes == {
        "900011": "Headteacher changed from Ms Ada Lovelace to Ms Grace Hopper.",
        "900012": "Now closed.",
        "900013": "Converted: now Academy converter (was Community school).",
    }
    assert "Changes to note" in page
    with scope(la=world.a.la.pk):
        assert School.objects.get(urn="900012").status == Status.CLOSED


@pytest.mark.parametrize("role", ["sip", "head", "governor"])
def test_only_la_admins_import(client, world, role):
    client.force_login(world.a.people[role])
    assert client.get(reverse("schools:imports", args=["926"])).status_code == 403


def test_the_site_admins_national_import_takes_every_la_and_adds_missing_ones(world, tmp_path):
    path = tmp_path / "edubasealldata20261101.csv"
    path.write_bytes(
        gias_csv(
            [
                gias_row("900021", la_code="926"),
                gias_row("900022", la_code="302"),
                gias_row("900023", la_code="873", **{"LA (name)": "Cambridgeshire"}),
            ]
        )
    )
    call_command("import_gias", str(path), stdout=open("/dev/null", "w"))
    cambridgeshire = LocalAuthority.objects.get(code="873")
    assert cambridgeshire.name == "Cambridgeshire" and cambridgeshire.region == "east"
    assert "900021" in names(world.a.la) and "900022" in names(world.b.la) and "900023" in names(cambridgeshire)


def test_a_national_import_refuses_an_unknown_la_without_a_region(world, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(gias_csv([gias_row("900031", la_code="999", **{"GOR (name)": ""})]))
    with pytest.raises(CommandError, match="Nothing imported: 1 problems"):
        call_command("import_gias", str(path), stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert not LocalAuthority.objects.filter(code="999").exists()


def test_values_that_do_not_fit_their_columns_are_reported_and_change_nothing(admin_client, world):
    before = names(world.a.la)
    rows = [
        gias_row("900041", EstablishmentName="A" * 201),  # line 2: longer than the column
        gias_row("900042", EstablishmentName="Null\x00Academy"),  # line 3: PostgreSQL refuses NUL
        gias_row("900043", EstablishmentName="Broken\r\nName School"),  # line 4: a line break
        gias_row("900044", la_code="3O2"),  # line 5: a letter O, not another LA
        gias_row("900045", la_code=""),  # line 6
        gias_row("900046", NumberOfPupils="99999999999999", StatutoryHighAge="99999"),  # line 7
        gias_row("900047", PercentageFSM="NaN", OpenDate="31-02-2020"),  # line 8
        gias_row("900048", Postcode="NR1 1AA TOO LONG", HeadLastName="Lovelace" * 30),  # line 9
        gias_row("900049", URN="٩٠٠٠٤٩"),  # line 10: Arabic-Indic digits are not a URN
        gias_row("900050"),  # line 11: fine, but the file has bad rows
    ]
    page = upload(admin_client, gias_csv(rows, encoding="utf-8")).content.decode()
    data_import = latest_import(world.a.la)
    assert data_import.state == DataImport.State.REJECTED
    assert {(e["line"], e["column"]) for e in data_import.errors} == {
        (2, "EstablishmentName"),
        (3, "EstablishmentName"),
        (4, "EstablishmentName"),
        (5, "LA (code)"),
        (6, "LA (code)"),
        (7, "NumberOfPupils"),
        (7, "StatutoryHighAge"),
        (8, "PercentageFSM"),
        (8, "OpenDate"),
        (9, "Postcode"),
        (9, "HeadLastName"),
        (10, "URN"),
    }
    messages = {(e["line"], e["column"]): e["message"] for e in data_import.errors}
    assert messages[(2, "EstablishmentName")] == "Ensure this value has at most 200 characters (it has 201)."
    assert "line break" in messages[(4, "EstablishmentName")]
    assert messages[(5, "LA (code)")] == "An LA code is 3 digits, like 926."
    assert data_import.counts["skipped"] == 0 and data_import.counts["rejected"] == 9
    assert "Nothing was imported: 12 problems in the file" in page
    assert names(world.a.la) == before
    with scope(la=world.a.la.pk):
        rejected = AuditEvent.objects.get(action=Action.DATA_IMPORT_REJECTED, object_id=str(data_import.pk))
    assert rejected.detail["problems"] == 12


def test_an_import_that_fails_unexpectedly_ends_failed_and_tells_the_uploader(admin_client, world):
    from django.core import mail

    with admin_client.capture(execute=False) as callbacks:
        response = admin_client.post(
            reverse("schools:imports", args=["926"]),
            {"kind": "gias", "file": SimpleUploadedFile("edubasealldata.csv", gias_csv([gias_row("900061")]))},
        )
    data_import = latest_import(world.a.la)
    data_import.file.storage.delete(data_import.file.name)  # the stored file went missing
    with admin_client.capture(execute=True):
        for callback in callbacks:
            callback()
    data_import = latest_import(world.a.la)
    assert data_import.state == DataImport.State.FAILED and data_import.finished
    assert data_import.failure.startswith("An unexpected error stopped it (FileNotFoundError). Nothing was changed.")
    page = admin_client.get(response["Location"]).content.decode()
    assert "Nothing was imported: something went wrong" in page and "FileNotFoundError" in page
    assert admin_client.get(response["Location"] + "?format=json").json()["finished"] is True
    assert [m.to for m in mail.outbox] == [[world.a.la_admin.email]]
    assert mail.outbox[0].subject == "Your import of edubasealldata.csv did not complete"
    assert "900061" not in names(world.a.la)
    with scope(la=world.a.la.pk):
        failed = AuditEvent.objects.get(action=Action.DATA_IMPORT_FAILED, object_id=str(data_import.pk))
    assert "FileNotFoundError" in failed.detail["reason"]


@pytest.mark.skipif(not settings.REDIS_AVAILABLE, reason="Redis does not answer")
def test_the_import_page_says_when_no_worker_is_there_to_import(admin_client, world):
    from sipportal.celery import app

    app.conf.update(task_always_eager=False)
    try:
        page = admin_client.get(reverse("schools:imports", args=["926"])).content.decode()
    finally:
        app.conf.update(task_always_eager=True)
    assert "Background processing is not available at the moment." in page
    assert (
        "Background processing is not available"
        not in admin_client.get(reverse("schools:imports", args=["926"])).content.decode()
    )


def test_a_national_extract_skips_welsh_and_overseas_rows_and_counts_them_by_reason(world, tmp_path):
    import io

    path = tmp_path / "edubasealldata20261101.csv"
    wales, overseas = {"GOR (name)": "Wales (pseudo)"}, {"GOR (name)": "Not Applicable"}
    rows = [
        gias_row("900301", la_code="926"),
        gias_row("900302", la_code="302"),
        gias_row("900303", la_code="660", **{"LA (name)": "Cardiff"}, **wales),
        gias_row("900304", la_code="661", **wales),
        gias_row("900305", la_code="703", **{"LA (name)": "Overseas"}, **overseas),
    ]
    path.write_bytes(gias_csv(rows))
    out = io.StringIO()
    call_command("import_gias", str(path), stdout=out)
    with scopes_disabled():
        data_import = DataImport.objects.latest("created_at")
    assert data_import.state == DataImport.State.DONE
    assert data_import.counts["created"] == 2 and data_import.counts["skipped"] == 3
    assert data_import.skipped_reasons == {
        "Welsh establishments": 2,
        "No English LA (overseas, offshore and other establishments)": 1,
    }
    assert "skipped: Welsh establishments: 2" in out.getvalue()
    assert not LocalAuthority.objects.filter(code__in=["660", "661", "703"]).exists()
    assert "900301" in names(world.a.la) and "900302" in names(world.b.la)


def test_a_malformed_row_still_stops_a_national_import_that_has_welsh_rows(world, tmp_path):
    path = tmp_path / "edubasealldata20261101.csv"
    rows = [gias_row("900311", la_code="660", **{"GOR (name)": "Wales (pseudo)"}), gias_row("90031", la_code="926")]
    path.write_bytes(gias_csv(rows))
    with pytest.raises(CommandError, match="Nothing imported: 1 problems"):
        call_command("import_gias", str(path), stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert "90031" not in names(world.a.la)


def test_establishments_outside_the_programme_are_skipped_by_type_and_unknown_types_reported(admin_client, world):
    rows = [
        gias_row("900401"),
        gias_row("900402", **{"TypeOfEstablishment (name)": "Academy converter"}),
        gias_row("900403", **{"TypeOfEstablishment (name)": "Other independent school"}),
        gias_row("900404", **{"TypeOfEstablishment (name)": "Children's centre"}),
        gias_row("900405", **{"TypeOfEstablishment (name)": "Other independent school"}),
        gias_row("900406", **{"TypeOfEstablishment (name)": "Hologram academy"}),
    ]
    page = upload(admin_client, gias_csv(rows)).content.decode()
    data_import = latest_import(world.a.la)
    assert data_import.state == DataImport.State.DONE and data_import.counts["created"] == 2
    assert data_import.skipped_reasons == {
        "Not in the register's scope: Other independent school": 2,
        "Not in the register's scope: Children's centre": 1,
        "Establishment type the portal does not know yet: Hologram academy": 1,
    }
    assert "Establishment type the portal does not know yet: Hologram academy: 1" in page
    assert {"900401", "900402"} <= set(names(world.a.la)) and "900403" not in names(world.a.la)


def test_the_site_administrator_decides_which_types_are_in_scope(admin_client, world):
    from schools.models import EstablishmentType

    EstablishmentType.objects.filter(name="Other independent school").update(in_scope=True)
    upload(admin_client, gias_csv([gias_row("900411", **{"TypeOfEstablishment (name)": "Other independent school"})]))
    assert "900411" in names(world.a.la)


def test_an_unchanged_row_is_not_reread_but_a_record_changed_since_is_restored_from_it(admin_client, world):
    content = gias_csv([gias_row("900801", EstablishmentName="Acle High School"), gias_row("900802")])
    upload(admin_client, content)
    # Someone corrects a record by hand (the Django admin saves it whole): the next import reads
    # that school's row in full again and puts the register's value back.
    with scope(la=world.a.la.pk):
        school = School.objects.get(urn="900801")
        school.name = "Acle High School (typo fixed by hand)"
        school.save()
    upload(admin_client, content)
    data_import = latest_import(world.a.la)
    assert data_import.counts == {"created": 0, "updated": 1, "unchanged": 1, "skipped": 0, "rejected": 0}
    assert names(world.a.la)["900801"] == "Acle High School"


def test_an_unchanged_row_is_still_skipped_when_its_type_leaves_the_scope(admin_client, world):
    from schools.models import EstablishmentType

    content = gias_csv([gias_row("900811", **{"TypeOfEstablishment (name)": "Studio schools"})])
    EstablishmentType.objects.filter(name="Studio schools").update(in_scope=True)
    upload(admin_client, content)
    EstablishmentType.objects.filter(name="Studio schools").update(in_scope=False)
    upload(admin_client, content)
    assert latest_import(world.a.la).skipped_reasons == {"Not in the register's scope: Studio schools": 1}


def test_a_duplicate_of_an_unchanged_row_is_still_an_error(admin_client, world):
    row = gias_row("900821")
    upload(admin_client, gias_csv([row]))
    upload(admin_client, gias_csv([row, row]))
    data_import = latest_import(world.a.la)
    assert data_import.state == DataImport.State.REJECTED
    assert [(e["line"], e["message"]) for e in data_import.errors] == [(3, "This URN is already on line 2.")]
