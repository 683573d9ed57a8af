"""Bad input reaches a report, never a crash: imports, the pages that show imported data, emails.

The property-based tests feed the importers random rows and hold them to the promise: either a
clean report of problems (every one with a line and a column, nothing changed) or every row
stored exactly as the file said; never an exception, never an import left running.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jobs.runner import run_job
from schools.models import DataImport, PerformanceResult, School
from schools.results_csv import COLUMNS as RESULT_COLUMNS
from schools.tasks import import_in_scope

from .factories import PerformanceResultFactory
from .gias_files import HEADINGS, gias_csv, gias_row
from .test_form1_and_plan import fill, start, transition

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Rollback(Exception):
    pass


def rolled_back(check) -> None:
    """Run one example and undo its writes, so examples do not see each other's schools."""
    try:
        with transaction.atomic():
            check()
            raise _Rollback
    except _Rollback:
        pass


def run_import(la, kind: str, content: bytes) -> DataImport:
    with scope(la=la.pk):
        data_import = DataImport(la=la, kind=kind, original_name="random.csv")
        data_import.file.save("random.csv", ContentFile(content), save=False)
        data_import.save()
    return run_job(DataImport, data_import.pk, import_in_scope)


def results_csv(rows: list[dict]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=RESULT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def upload(client, la_code: str, kind: str, content: bytes, capture):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        response = client.post(
            reverse("schools:imports", args=[la_code]),
            {"kind": kind, "file": SimpleUploadedFile("data.csv", content, content_type="text/csv")},
        )
    assert response.status_code == 302
    return client.get(response["Location"])


# --- results ---------------------------------------------------------------------------------


def result_row(urn: str, **values) -> dict:
    row = {name: "" for name in RESULT_COLUMNS}
    return row | {"URN": urn, "Academic year": "2024/25", "Pupil group": "all"} | values


def test_results_that_do_not_fit_their_columns_are_reported_and_change_nothing(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.a.la_admin)
    urn = world.a.school.urn
    with scope(la=world.a.la.pk):
        before = list(PerformanceResult.objects.values_list("pk", "version"))
    rows = [
        result_row(urn, **{"% 5+ A*-C incl English and maths": "NaN"}),  # line 2
        result_row(urn, **{"Pupil group": "boys", "Cohort": "99999999999999"}),  # line 3
        result_row(urn, **{"Academic year": "2023/24", "CVA": "1234567"}),  # line 4
        result_row(urn, **{"Academic year": "2022/23", "% FSM": "Infinity", "CVA": "1e3"}),  # line 5
        result_row(urn, **{"Academic year": "2021/22", "% expected progress maths": "55.55"}),  # line 6
        result_row(urn, **{"Academic year": "2020/21", "Cohort": "-3"}),  # line 7
        result_row(urn, **{"Academic year": "2019/20", "Cohort": "180", "CVA": "1000.50"}),  # line 8: fine
    ]
    page = upload(client, "926", "results", results_csv(rows), django_capture_on_commit_callbacks)
    with scope(la=world.a.la.pk):
        data_import = DataImport.objects.latest("created_at")
        assert list(PerformanceResult.objects.values_list("pk", "version")) == before
    assert data_import.state == DataImport.State.REJECTED
    assert {(e["line"], e["column"]) for e in data_import.errors} == {
        (2, "% 5+ A*-C incl English and maths"),
        (3, "Cohort"),
        (4, "CVA"),
        (5, "% FSM"),
        (5, "CVA"),
        (6, "% expected progress maths"),
        (7, "Cohort"),
    }
    messages = {(e["line"], e["column"]): e["message"] for e in data_import.errors}
    assert messages[(3, "Cohort")] == "Enter a number from 0 to 10,000."
    assert messages[(2, "% 5+ A*-C incl English and maths")] == "Enter a number, like 1003.5."
    assert messages[(6, "% expected progress maths")] == "Ensure that there are no more than 1 decimal place."
    assert "Nothing was imported: 7 problems in the file" in page.content.decode()


@pytest.mark.parametrize(
    "field,value", [("cva", Decimal("99999.9")), ("cohort", 99999999999999), ("percentage_fsm", Decimal("150"))]
)
def test_the_database_itself_refuses_results_no_page_could_show(world, field, value):
    # On SQLite the column types do not stop these; the range constraints do, on every backend.
    with scopes_disabled(), pytest.raises((IntegrityError, DataError)), transaction.atomic():
        PerformanceResultFactory(school=world.a.school, academic_year=2015, **{field: value})


def test_the_school_page_shows_results_at_the_edges_of_every_range(client, world):
    with scopes_disabled():
        PerformanceResultFactory(
            school=world.a.school,
            academic_year=2015,
            cohort=10000,
            five_ac_em=Decimal("100.0"),
            progress_english=Decimal("0.0"),
            progress_maths=Decimal("100.0"),
            cva=Decimal("2000.0"),
            cva_lower=Decimal("0.0"),
            cva_upper=Decimal("2000.0"),
            percentage_fsm=Decimal("100.0"),
        )
    for person in (world.a.la_admin, world.a.head, world.a.sip):
        client.force_login(person)
        response = client.get(reverse("schools:detail", args=["926", world.a.school.urn]))
        assert response.status_code == 200
        assert "2000.0" in response.content.decode()


# --- emails ----------------------------------------------------------------------------------


def test_a_school_name_with_a_line_break_still_sends_form_1_with_a_one_line_subject(
    client, world, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        School.objects.filter(pk=world.a.school.pk).update(name="Broken\r\nName High School")
    client.force_login(world.a.head)
    profile = fill(client, world, start(client, world))
    with django_capture_on_commit_callbacks(execute=True):
        response = transition(client, world, profile, "send")
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.state == "with-sip"
    assert [m.to for m in mail.outbox] == [[world.a.sip.email]]
    assert mail.outbox[0].subject == "School Priority Profile of Broken Name High School is ready for you"


def test_asking_twice_for_the_same_event_sends_one_email(world, django_capture_on_commit_callbacks):
    from jobs.emails import email_request

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = email_request(kind="password-reset", event_key="reset-twice", user_id=world.a.head.pk)
        second = email_request(kind="password-reset", event_key="reset-twice", user_id=world.a.head.pk)
    assert first.pk == second.pk
    with scopes_disabled():
        first.refresh_from_db()
    assert first.state == "done" and first.subject == "Reset your SIP Portal password"
    assert [m.to for m in mail.outbox] == [[world.a.head.email]]


# --- properties ------------------------------------------------------------------------------

any_text = st.text(max_size=12)
digits = st.integers(min_value=900000, max_value=900009).map(str)
# Printable names: letters, digits, punctuation and spaces, in any script.
printable = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N", "P", "Zs"), blacklist_characters="\u2028\u2029"),
    min_size=1,
    max_size=60,
)


@st.composite
def gias_rows(draw):
    """Half the rows are plausible in every column, the others may be wrong anywhere."""
    clean = draw(st.booleans())

    def cell(good, bad):
        return draw(good if clean else st.one_of(good, bad))

    row = gias_row(
        cell(digits, any_text), la_code=cell(st.sampled_from(["926", "926", "302"]), st.sampled_from(["3O2", ""]))
    )
    row["EstablishmentName"] = cell(printable, st.text(min_size=1, max_size=210))
    row["NumberOfPupils"] = cell(
        st.integers(min_value=0, max_value=3000).map(str) | st.just(""),
        st.integers(min_value=-5, max_value=10**15).map(str) | st.sampled_from(["NaN", "1e3", "1.5"]),
    )
    row["PercentageFSM"] = cell(
        st.decimals(min_value=0, max_value=100, places=1).map(str) | st.sampled_from(["SUPP", "NA", ""]),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )
    row["StatutoryLowAge"] = cell(
        st.integers(min_value=0, max_value=16).map(str), st.integers(-1, 40).map(str) | any_text
    )
    row["OpenDate"] = cell(
        st.dates(min_value=datetime.date(1850, 1, 1), max_value=datetime.date(2090, 1, 1)).map(
            lambda d: d.strftime("%d-%m-%Y")
        ),
        st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%d-%m-%Y")) | any_text,
    )
    row["Town"] = cell(printable | st.just(""), st.text(max_size=110))
    row["Postcode"] = cell(st.just("NR1 1AA") | st.from_regex(r"[a-z]{2}[0-9] [0-9][a-z]{2}", fullmatch=True), any_text)
    return row


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(rows=st.lists(gias_rows(), min_size=1, max_size=3))
def test_random_gias_rows_are_either_reported_or_stored_exactly(world, rows):
    la = world.a.la

    def check():
        before = {s.urn: s.name for s in _schools(la)}
        data_import = run_import(la, "gias", gias_csv(rows, encoding="utf-8"))
        event(f"gias import {data_import.state}")
        assert data_import.state in (DataImport.State.DONE, DataImport.State.REJECTED), data_import.failure
        if data_import.state == DataImport.State.REJECTED:
            assert data_import.errors and all(e["line"] >= 1 for e in data_import.errors)
            assert all(e["column"] in HEADINGS for e in data_import.errors if e["line"] > 1)
            assert {s.urn: s.name for s in _schools(la)} == before
            return
        stored = {s.urn: s for s in _schools(la)}
        for row in rows:
            if row["LA (code)"] != "926":
                continue
            school = stored[row["URN"]]
            assert school.name == row["EstablishmentName"].strip()
            assert school.town == row["Town"].strip()
            assert school.postcode == row["Postcode"].strip().upper()
            pupils = row["NumberOfPupils"]
            assert school.number_of_pupils == (int(pupils) if pupils else None)
            opened = row["OpenDate"].strip()
            assert school.opened_on == (datetime.datetime.strptime(opened, "%d-%m-%Y").date() if opened else None)

    rolled_back(check)


def _schools(la):
    with scope(la=la.pk):
        return list(School.objects.all())


good_decimals = st.one_of(
    st.just(""), st.decimals(min_value=0, max_value=100, places=1).map(str), st.integers(0, 100).map(str)
)
bad_decimals = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(min_value=-10, max_value=2100, places=2).map(str),
    st.integers(min_value=-10, max_value=10**15).map(str),
    st.sampled_from(["1e3", "12.50", "12.55"]),
)


@st.composite
def result_rows(draw, urns):
    clean = draw(st.booleans())
    row = result_row(
        draw(st.sampled_from(urns[:2] if clean else urns)),
        **{
            "Academic year": draw(
                st.sampled_from(["2022/23", "2023/24", "2023", "2023-25", "9999"][: 3 if clean else 5])
            ),
            "Pupil group": draw(st.sampled_from(["all", "All pupils", "fsm", "boys", "nobody"][: 2 if clean else 5])),
        },
    )
    for column in RESULT_COLUMNS[4:]:
        row[column] = draw(good_decimals if clean else st.one_of(good_decimals, bad_decimals))
    if clean and row["CVA"]:
        row["CVA lower limit"], row["CVA upper limit"] = "", ""  # no interval to contradict it
    return row


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(data=st.data())
def test_random_results_rows_are_either_reported_or_stored_exactly(world, data):
    from schools.results_csv import GROUPS, MEASURES, parse_academic_year

    la = world.a.la
    urns = [world.a.school.urn, world.a.other_school.urn, world.b.school.urn, "123456"]
    rows = data.draw(st.lists(result_rows(urns), min_size=1, max_size=3))

    def stored_results() -> dict:
        with scope(la=la.pk):
            results = PerformanceResult.objects.select_related("school")
            return {(r.school.urn, r.academic_year, r.group): r for r in results}

    def check():
        before = {key: r.version for key, r in stored_results().items()}
        data_import = run_import(la, "results", results_csv(rows))
        event(f"results import {data_import.state}")
        assert data_import.state in (DataImport.State.DONE, DataImport.State.REJECTED), data_import.failure
        stored = stored_results()
        if data_import.state == DataImport.State.REJECTED:
            assert data_import.errors and all(e["column"] in RESULT_COLUMNS for e in data_import.errors)
            assert {key: r.version for key, r in stored.items()} == before
            return
        for row in rows:
            result = stored[(row["URN"], parse_academic_year(row["Academic year"]), GROUPS[row["Pupil group"].lower()])]
            for column, name in MEASURES.items():
                expected = None if row[column] == "" else Decimal(row[column])
                assert getattr(result, name) == expected, (column, row[column])

    rolled_back(check)
