"""SIP reports: drafting from visits, the quality check, the workflow, each audience's PDF,
downloads (who, headers, audit), the LA's term ZIP and overdue reports."""

import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from accounts.models import Role
from audit.models import Action, AuditEvent
from caseload.models import SipAssignment
from jobs.models import JobState
from jobs.pdf import RefusedResource, html_to_pdf, static_fetcher_class
from reports import services
from reports.models import Audience, RenderedDocument, Report, ReportArchive
from reports.selectors import overdue_reports, with_latest_report
from visits.models import PriorityEvaluation, Visit, VisitPerson

from .factories import MembershipFactory, PlanActionFactory, PriorityFactory, VisitFactory

PRIVATE = "PRIVATE-NOTE-for-the-LA-only"
NAMED = "Named pupil Jamie Example"

COMPLETE = {
    "key_strengths": "Strong leadership of English; attendance above the national average.",
    "priorities": "Maths in key stage 4: a new scheme of work and weekly tracking of the target groups.",
    "underachieving_groups": ["fsm", "boys"],
    "underachievement": "FSM pupils and boys make less progress in maths than others.",
    "self_evaluation_judgement": "good",
    "self_evaluation": "The self-evaluation is accurate and rests on tracking data checked termly.",
    "capacity_judgement": "satisfactory",
    "capacity": "Middle leaders are new; the senior team has the capacity to lead the work.",
    "challenge": "I challenged the use of intervention time for FSM pupils; the head agreed to change it.",
    "targets": "Target: 45% five good GCSEs including English and maths by 2027; trajectory 38% then 41%.",
    "support": "Two days of partner school support in maths; the department's planning has improved.",
    "partnership": "The partnership with the partner school meets monthly; joint maths planning started.",
    "named_detail": NAMED,
    "private_notes": PRIVATE,
}


def pdf_text(document: RenderedDocument) -> str:
    with default_storage.open(document.file.name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def start_report(la_world, **values) -> Report:
    with scope(la=la_world.la.pk):
        report = services.report_start(actor=la_world.sip, school=la_world.school)
        return services.report_save(
            actor=la_world.sip, report=report, lock_version=report.lock_version, values=COMPLETE | values
        )


def issue(la_world, report, django_capture_on_commit_callbacks) -> Report:
    with scope(la=la_world.la.pk), django_capture_on_commit_callbacks(execute=True):
        return services.report_transition(actor=la_world.sip, report=report, action="issue")


@pytest.fixture
def issued(world, django_capture_on_commit_callbacks) -> Report:
    """An issued report of the first LA's Gaining Ground school, its PDFs rendered in-process."""
    return issue(world.a, start_report(world.a), django_capture_on_commit_callbacks)


def documents(report) -> dict[str, RenderedDocument]:
    with scopes_disabled():
        return {d.audience: d for d in RenderedDocument.objects.filter(report=report)}


# --- drafting and the quality check -------------------------------------------------------


def test_a_draft_starts_from_the_finalised_visits_since_the_last_report(world):
    with scope(la=world.a.la.pk):
        priority = PriorityFactory(school=world.a.school, title="Maths at key stage 4")
        visit = VisitFactory(
            assignment=world.a.assignment,
            date=datetime.date(2026, 11, 20),
            state=Visit.State.FINAL,
            finalised_at=timezone.now(),
        )
        PriorityEvaluation.objects.create(
            visit=visit, priority=priority, status="off-track", evidence="Year 10 behind.", cause="unexpected"
        )
        report = services.report_start(actor=world.a.sip, school=world.a.school)
    assert report.state == Report.State.DRAFT
    assert report.visit == visit
    assert "Maths at key stage 4: Off track. Year 10 behind." in report.priorities
    assert "Unexpected events" in report.priorities
    assert report.title == "SIP report, autumn term 2026/27"


def test_the_quality_check_lists_what_a_good_report_lacks_without_blocking(world):
    with scope(la=world.a.la.pk):
        report = services.report_start(actor=world.a.sip, school=world.a.school)
        missing = services.report_quality(report)
        assert "Name at least one group of pupils who are underachieving or not making good progress." in missing
        assert "Make a clear judgement on the school's capacity to improve." in missing
        assert "Make a judgement on the robustness of the school's self-evaluation." in missing
        assert any("target with its trajectory" in m for m in missing)
        assert any("“Key strengths” is empty" in m for m in missing)
        # Sharing and issuing go ahead all the same.
        services.report_transition(actor=world.a.sip, report=report, action="share")
    complete = start_report(world.a)
    with scope(la=world.a.la.pk):
        assert services.report_quality(complete) == []
        long = services.report_save(
            actor=world.a.sip,
            report=complete,
            lock_version=complete.lock_version,
            values={"challenge": "word " * 3000},
        )
        assert any("concise" in m for m in services.report_quality(long))


def test_the_quality_check_names_a_person_the_governors_would_read_about(world):
    with scope(la=world.a.la.pk):
        visit = Visit.objects.filter(assignment__school=world.a.school).first()
        VisitPerson.objects.create(visit=visit, name="Mrs Petra Quill", role="Head of maths")
    report = start_report(world.a, capacity="Mrs Petra Quill leads maths well.")
    with scope(la=world.a.la.pk):
        assert any("“Mrs Petra Quill” is named" in m for m in services.report_quality(report))


# --- the workflow --------------------------------------------------------------------------


def test_the_head_comments_on_a_shared_report_and_the_sip_issues_without_the_heads_agreement(
    world, django_capture_on_commit_callbacks
):
    report = start_report(world.a)
    with scope(la=world.a.la.pk):
        with pytest.raises(services.ReportError):
            services.report_comment(actor=world.a.head, report=report, comment="Too early", accuracy="accurate")
        report = services.report_transition(actor=world.a.sip, report=report, action="share")
        with pytest.raises(services.ReportError, match="Say what is inaccurate"):
            services.report_comment(actor=world.a.head, report=report, comment="", accuracy="inaccurate")
        report = services.report_comment(
            actor=world.a.head,
            report=report,
            comment="We disagree with the capacity judgement.",
            accuracy="inaccurate",
            inaccuracies="The attendance figure is last year's.",
        )
        for person in (world.a.head, world.a.governor, world.a.la_admin):
            with pytest.raises(services.ReportError):
                services.report_transition(actor=person, report=report, action="issue")
    report = issue(world.a, report, django_capture_on_commit_callbacks)
    assert report.state == Report.State.ISSUED and report.head_accuracy == "inaccurate"
    with scope(la=world.a.la.pk):
        assert [e.action for e in report.events.all()] == ["drafted", "shared", "commented", "issued"]
        actions = set(AuditEvent.objects.filter(la=world.a.la).values_list("action", flat=True))
    assert {Action.REPORT_SHARED, Action.REPORT_COMMENTED, Action.REPORT_ISSUED} <= actions


def test_an_issued_report_changes_only_as_a_new_version_with_a_reason(world, issued):
    with scope(la=world.a.la.pk):
        with pytest.raises(services.ReportError, match="start a new version"):
            services.report_save(
                actor=world.a.sip, report=issued, lock_version=issued.lock_version, values={"challenge": "changed"}
            )
        with pytest.raises(services.ReportError, match="Say why"):
            services.report_new_version(actor=world.a.sip, report=issued, reason="  ")
        new = services.report_new_version(actor=world.a.sip, report=issued, reason="The head's data was corrected.")
        assert (new.version_number, new.state, new.supersedes_id) == (2, "draft", issued.pk)
        assert new.challenge == issued.challenge
        with pytest.raises(services.ReportError, match="newer version"):
            services.report_new_version(actor=world.a.sip, report=issued, reason="Again")
        issued.refresh_from_db()
        assert issued.state == Report.State.ISSUED and not issued.is_current


def test_a_stale_save_is_refused_rather_than_overwriting(world):
    report = start_report(world.a)
    with scope(la=world.a.la.pk):
        services.report_save(
            actor=world.a.sip, report=report, lock_version=report.lock_version, values={"key_strengths": "A"}
        )
        with pytest.raises(services.ReportError, match="Someone else changed"):
            services.report_save(
                actor=world.a.sip, report=report, lock_version=report.lock_version, values={"key_strengths": "B"}
            )


def test_the_annual_report_builds_from_the_years_issued_reports(world, issued):
    with scope(la=world.a.la.pk):
        annual = services.annual_report_start(actor=world.a.sip, school=world.a.school, academic_year=2026)
    assert annual.kind == Report.Kind.ANNUAL
    assert COMPLETE["key_strengths"] in annual.key_strengths and issued.title in annual.key_strengths
    assert annual.underachieving_groups == ["boys", "fsm"]
    assert Audience.SSAT not in annual.audiences()
    with scope(la=world.a.la.pk), pytest.raises(services.ReportError, match="No report was issued"):
        services.annual_report_start(actor=world.a.sip, school=world.a.school, academic_year=2025)


# --- the PDFs --------------------------------------------------------------------------------


def test_issuing_renders_one_pdf_per_audience_and_each_holds_what_its_readers_may_read(world, issued):
    found = documents(issued)
    assert set(found) == {"governors", "school", "la", "ssat"}
    assert all(d.state == JobState.DONE and d.pages >= 2 for d in found.values())
    governors, school, la, ssat = (pdf_text(found[a]) for a in ("governors", "school", "la", "ssat"))
    for text in (governors, school, la):
        assert "Version for governors" in governors
        assert "Strong leadership of English" in text
        assert "Judgement: Satisfactory" in text
    assert PRIVATE not in governors and NAMED not in governors
    assert PRIVATE not in school and NAMED in school
    assert PRIVATE in la and NAMED in la
    assert "The partnership with the partner school meets monthly" in ssat
    assert "Target: 45%" in ssat
    assert "Strong leadership of English" not in ssat and PRIVATE not in ssat and "FSM pupils and boys" not in ssat
    assert "Page 2 of" in governors
    assert "Norfolk High School" in governors and "sip of Norfolk" in governors


def test_the_plans_statuses_show_in_words_and_results_as_a_table(world, django_capture_on_commit_callbacks):
    with scopes_disabled():
        priority = PriorityFactory(school=world.a.school, title="Maths at key stage 4")
        PlanActionFactory(priority=priority, description="Weekly tracking of year 10", rag="amber")
    issued = issue(world.a, start_report(world.a), django_capture_on_commit_callbacks)
    text = pdf_text(documents(issued)["governors"])
    assert "Weekly tracking of year 10" in text and "Amber: at risk" in text
    assert "Results" in text and "2024/25" in text


def test_the_pdf_is_tagged_with_title_and_language(world, issued):
    with default_storage.open(documents(issued)["governors"].file.name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    catalogue = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue
    assert catalogue["/MarkInfo"]["/Marked"] == True  # noqa: E712  (a pypdf BooleanObject)
    assert catalogue["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("SIP report, autumn term 2026/27 – Norfolk High School – for governors")
    assert reader.outline, "headings become bookmarks"


def test_a_second_request_for_the_same_pdf_makes_no_second_document(world, issued, django_capture_on_commit_callbacks):
    before = documents(issued)
    with scope(la=world.a.la.pk), django_capture_on_commit_callbacks(execute=True):
        services.documents_request(report=issued)
    after = documents(issued)
    assert {a: d.pk for a, d in before.items()} == {a: d.pk for a, d in after.items()}
    assert all(d.attempts == 1 and d.file.name == before[a].file.name for a, d in after.items())


def test_a_report_of_a_school_outside_gaining_ground_has_no_ssat_version(world, django_capture_on_commit_callbacks):
    with scopes_disabled():
        world.a.school.gaining_ground_joined = None
        world.a.school.save()
    report = issue(world.a, start_report(world.a), django_capture_on_commit_callbacks)
    assert set(documents(report)) == {"governors", "school", "la"}


def test_a_failed_render_says_so_and_can_be_asked_for_again(world, issued, django_capture_on_commit_callbacks, client):
    document = documents(issued)["la"]
    with scopes_disabled():
        RenderedDocument.objects.filter(pk=document.pk).update(state="failed", failure="It took too long.", file="")
    client.force_login(world.a.sip)
    url = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{issued.pk}/"
    page = client.get(url).content.decode()
    assert "Failed" in page and "It took too long." in page and "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "pdf/la/retry/")
    assert response.status_code == 302
    assert documents(issued)["la"].state == JobState.DONE


def test_documents_may_use_only_the_portals_static_files():
    fetcher = static_fetcher_class()()
    for url in ("file:///etc/passwd", "http://example.org/x.png", "https://static.sip-portal.invalid/static/../../x"):
        with pytest.raises((RefusedResource, ValueError)):
            fetcher.fetch(url)
    # A document that asks for them still renders, without them.
    pdf, pages = html_to_pdf(
        '<html lang="en"><head><title>t</title></head><body><img src="file:///etc/passwd" alt="x">'
        '<img src="http://127.0.0.1:9/x.png" alt="y"><p>Body</p></body></html>'
    )
    assert pdf.startswith(b"%PDF") and pages == 1


# --- downloads -------------------------------------------------------------------------------

# role → the audiences they may download
MAY_DOWNLOAD = {
    "la_admin": {"governors", "school", "la", "ssat"},
    "sip": {"governors", "school", "la", "ssat"},
    "head": {"governors", "school"},
    "governor": {"governors"},
}


@pytest.mark.parametrize("role", list(MAY_DOWNLOAD))
def test_each_role_downloads_only_its_versions_and_other_las_people_none(client, world, issued, role):
    base = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{issued.pk}/pdf/"
    client.force_login(world.a.people[role])
    for audience in Audience.values:
        response = client.get(base + audience + "/")
        expected = 200 if audience in MAY_DOWNLOAD[role] else 404
        assert response.status_code == expected, f"{role} {audience}"
    client.force_login(world.b.people[role])
    for audience in Audience.values:
        assert client.get(base + audience + "/").status_code == 404
        other = f"/la/{world.b.la.code}/schools/{world.a.school.urn}/reports/{issued.pk}/pdf/{audience}/"
        assert client.get(other).status_code == 404


def test_a_download_is_private_named_for_the_school_and_date_and_audited(client, world, issued):
    client.force_login(world.a.governor)
    response = client.get(f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{issued.pk}/pdf/governors/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        'attachment; filename="norfolk-high-school-sip-report-2026-12-02-v1-governors.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    with scope(la=world.a.la.pk):
        event = AuditEvent.objects.filter(action=Action.REPORT_DOWNLOADED).get()
    assert event.actor == world.a.governor
    assert event.detail == {
        "report": issued.pk,
        "version": 1,
        "audience": "governors",
        "document": documents(issued)["governors"].pk,
    }


@override_settings(X_ACCEL_REDIRECT_PREFIX="/protected/")
def test_behind_nginx_the_download_is_handed_to_the_web_server_after_authorising(client, world, issued):
    client.force_login(world.a.head)
    url = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{issued.pk}/pdf/"
    response = client.get(url + "school/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected/" + documents(issued)["school"].file.name
    assert response["Cache-Control"] == "private, no-store" and "attachment" in response["Content-Disposition"]
    assert client.get(url + "la/").status_code == 404
    assert "X-Accel-Redirect" not in client.get(url + "la/")


def test_ssat_downloads_its_version_of_gaining_ground_schools_in_the_las_it_serves(client, world, issued):
    client.force_login(world.ssat)
    assert "/national/ssat/reports/" in client.get("/national/ssat/").content.decode()
    page = client.get("/national/ssat/reports/")
    assert page.status_code == 200 and "Norfolk High School" in page.content.decode()
    ssat = documents(issued)["ssat"]
    response = client.get(f"/national/ssat/reports/{ssat.pk}/pdf/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    for other in ("governors", "school", "la"):
        assert client.get(f"/national/ssat/reports/{documents(issued)[other].pk}/pdf/").status_code == 404
    client.force_login(world.a.la_admin)
    assert client.get(f"/national/ssat/reports/{ssat.pk}/pdf/").status_code == 404


# --- pages -----------------------------------------------------------------------------------


def test_governors_land_on_their_schools_reports_and_see_only_issued_ones(client, world, issued):
    start_report(world.a, title="A draft nobody else sees")
    client.force_login(world.a.governor)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/"
    page = response.content.decode()
    assert "Download the PDF for governors" in page and "A draft nobody else sees" not in page
    assert "Download the PDF for the LA" not in page
    detail = client.get(f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{issued.pk}/").content.decode()
    assert PRIVATE not in detail and NAMED not in detail


def test_the_head_sees_a_shared_report_and_comments_through_the_page(client, world):
    report = start_report(world.a)
    url = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{report.pk}/"
    client.force_login(world.a.head)
    assert client.get(url).status_code == 404
    client.force_login(world.a.sip)
    client.post(url + "steps/share/")
    client.force_login(world.a.head)
    page = client.get(url).content.decode()
    assert "Is the report factually accurate?" in page and PRIVATE not in page
    bad = client.post(url + "comment/", {"accuracy": "inaccurate", "comment": "x"})
    assert bad.status_code == 400 and "Say what is inaccurate" in bad.content.decode()
    assert client.post(url + "comment/", {"accuracy": "accurate", "comment": "Fair."}).status_code == 302
    assert client.post(url + "steps/issue/").status_code == 403


def test_the_sip_edits_through_the_form_and_nothing_typed_makes_a_500(client, world):
    client.force_login(world.a.sip)
    base = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/"
    created = client.post(base + "new/", {"kind": "visit"})
    report_id = int(created["Location"].rstrip("/").split("/")[-2])
    url = f"{base}{report_id}/edit/"
    form = client.get(url)
    assert form.status_code == 200 and "Against the handbook" in form.content.decode()
    data = {k: v for k, v in COMPLETE.items() if k != "underachieving_groups"} | {
        "title": "Autumn report",
        "underachieving_groups": ["fsm"],
        "lock_version": form.context["form"].initial["lock_version"],
    }
    assert client.post(url, data).status_code == 302
    for nasty in (
        {"underachieving_groups": ["nope"]},
        {"self_evaluation_judgement": "great"},
        {"lock_version": "x"},
        {"title": ""},
    ):
        assert client.post(url, data | nasty).status_code == 400
    assert client.post(url, data).status_code == 400  # stale lock version
    assert client.post(f"{base}{report_id}/steps/nonsense/").status_code == 404
    assert client.post(f"{base}{report_id}/new-version/", {"reason": "x"}).status_code == 403


def test_issuing_with_the_broker_down_succeeds_and_the_page_says_queued(
    client, world, django_capture_on_commit_callbacks
):
    from bench._stack import free_port
    from sipportal.celery import app

    report = start_report(world.a)
    url = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{report.pk}/"
    previous = app.conf.broker_url, app.conf.task_always_eager
    # Nothing listens on this port: the broker is down.
    app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
    app._pool = app.amqp._producer_pool = None
    try:
        client.force_login(world.a.sip)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url + "steps/issue/")
    finally:
        app.conf.update(broker_url=previous[0], task_always_eager=previous[1])
        app._pool = app.amqp._producer_pool = None
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Issued" in page and "Queued" in page and "Background processing is down" in page
    assert all(d.is_queued_without_broker for d in documents(report).values())


# --- the LA's pages and other apps' columns ------------------------------------------------


def test_the_la_asks_for_a_terms_reports_as_one_zip(client, world, issued, django_capture_on_commit_callbacks):
    client.force_login(world.a.la_admin)
    page = client.get(f"/la/{world.a.la.code}/reports/")
    assert page.status_code == 200 and "Norfolk High School" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/la/{world.a.la.code}/reports/", {"academic_year": 2026, "term": 1})
    assert response.status_code == 302
    with scope(la=world.a.la.pk):
        archive = ReportArchive.objects.get()
    assert archive.state == JobState.DONE and (archive.total, archive.added) == (1, 1)
    status = client.get(response["Location"]).content.decode()
    assert "1 report in one ZIP file" in status
    download = client.get(response["Location"] + "download/")
    assert download["Cache-Control"] == "private, no-store"
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert bundle.namelist() == ["norfolk-high-school-sip-report-2026-12-02-v1-la.pdf"]
    client.force_login(world.a.sip)
    assert client.get(f"/la/{world.a.la.code}/reports/").status_code == 403
    assert client.post(f"/la/{world.a.la.code}/reports/", {"academic_year": "x", "term": 9}).status_code == 403
    client.force_login(world.a.la_admin)
    assert client.post(f"/la/{world.a.la.code}/reports/", {"academic_year": "x", "term": 9}).status_code == 400


def test_the_la_sees_reports_overdue_against_the_visits(world, issued, time_machine):
    with scope(la=world.a.la.pk):
        # Visits of earlier years had no reports: the first school is overdue until this year's
        # report was issued; the school without finalised visits never is.
        assert list(overdue_reports()) == []
        VisitFactory(
            assignment=world.a.assignment,
            date=datetime.date(2026, 12, 3),
            state=Visit.State.FINAL,
            finalised_at=timezone.now(),
        )
        assert list(overdue_reports()) == []
        assert [s.name for s in overdue_reports(today=datetime.date(2027, 1, 15))] == ["Norfolk High School"]
    with scope(la=world.b.la.pk):
        assert [s.name for s in overdue_reports()] == ["Barnet High School"]


def test_the_caseload_can_show_each_schools_latest_report_in_one_query(world, issued, django_assert_num_queries):
    start_report(world.a, title="Spring draft")
    with scope(la=world.a.la.pk), django_assert_num_queries(1):
        rows = list(with_latest_report(SipAssignment.objects.filter(academic_year=2026)))
    assert [(r.latest_report_state, r.latest_report_id is not None) for r in rows] == [("draft", True)]
    with scope(la=world.a.la.pk):
        rows = list(with_latest_report(SipAssignment.objects.filter(academic_year=2026).select_related("school__la")))
        cell = render_to_string("reports/_latest_report_cell.html", {"row": rows[0]})
    assert "Draft" in cell and "2 Dec 2026" in cell and f"/reports/{rows[0].latest_report_id}/" in cell


def test_the_overview_asks_the_head_to_comment_the_sip_to_read_the_answer_and_the_la_about_overdue_reports(
    client, world
):
    report = start_report(world.a)
    with scope(la=world.a.la.pk):
        services.report_transition(actor=world.a.sip, report=report, action="share")

    def texts(person, la_world):
        client.force_login(person)
        return [item.text for item in client.get(f"/la/{la_world.la.code}/").context["todo"]]

    assert "Your SIP shared “SIP report, autumn term 2026/27” for your comments and a check of the facts" in texts(
        world.a.head, world.a
    )
    with scope(la=world.a.la.pk):
        services.report_comment(
            actor=world.a.head, report=report, comment="", accuracy="inaccurate", inaccuracies="Attendance"
        )
    assert not any("for your comments" in t for t in texts(world.a.head, world.a))
    assert (
        "The headteacher of Norfolk High School says something is inaccurate in “SIP report, autumn term 2026/27”"
        in texts(world.a.sip, world.a)
    )
    # Barnet's school had finalised visits last year and no report since.
    assert "1 school has a report overdue after a visit" in texts(world.b.la_admin, world.b)
    assert texts(world.a.governor, world.a) == []


def test_the_school_page_links_its_reports_for_the_head_and_lists_the_issued_ones_there(client, world, issued):
    client.force_login(world.a.head)
    page = client.get(f"/la/{world.a.la.code}/schools/{world.a.school.urn}/").content.decode()
    assert f'href="/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/"' in page
    listing = client.get(f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/").content.decode()
    assert "Download the PDF for the school" in listing and "Download the PDF for governors" in listing
    assert "Write a report" not in listing


def test_the_caseload_pages_show_each_schools_latest_report(client, world, issued):
    start_report(world.a, title="Spring draft")
    for person in (world.a.sip, world.a.la_admin):
        client.force_login(person)
        response = client.get(f"/la/{world.a.la.code}/caseload/")
        page = response.content.decode()
        assert "Latest report" in page
        (row,) = [r for r in response.context["rows"] if r.school == world.a.school]
        assert row.latest_report_state == "draft"
        assert f'Draft<span class="govuk-visually-hidden"> report of {world.a.school.name}</span>' in page


def test_a_schools_reports_page_shows_one_year_and_offers_the_others(client, world, issued):
    with scope(la=world.a.la.pk):
        Report.objects.filter(pk=issued.pk).update(academic_year=2025)
    start_report(world.a, title="Spring draft")
    client.force_login(world.a.sip)
    path = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/"
    page = client.get(path).content.decode()
    assert "SIP reports, 2026/27" in page and "Spring draft" in page and issued.title not in page
    assert 'href="?year=2025"' in page
    earlier = client.get(path + "?year=2025").content.decode()
    assert "SIP reports, 2025/26" in earlier and issued.title in earlier and "Spring draft" not in earlier


def test_governors_read_the_issued_report_but_not_the_heads_comments_to_the_sip(
    client, world, django_capture_on_commit_callbacks
):
    report = start_report(world.a)
    with scope(la=world.a.la.pk):
        report = services.report_transition(actor=world.a.sip, report=report, action="share")
        report = services.report_comment(
            actor=world.a.head,
            report=report,
            comment="Our deputy is off sick; please soften the leadership line.",
            accuracy="inaccurate",
            inaccuracies="The attendance figure is last year's.",
        )
    issue(world.a, report, django_capture_on_commit_callbacks)
    url = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/{report.pk}/"
    client.force_login(world.a.governor)
    page = client.get(url).content.decode()
    assert "Issued" in page and "deputy is off sick" not in page and "last year&#x27;s" not in page
    for person in (world.a.head, world.a.sip, world.a.la_admin):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "deputy is off sick" in page and "attendance figure is last year&#x27;s" in page


def test_the_caseload_shows_the_latest_report_of_its_own_year_and_no_closed_school_is_overdue(world, issued):
    with scope(la=world.a.la.pk):
        earlier = SipAssignment.objects.filter(academic_year=2025)
        assert [r.latest_report_state for r in with_latest_report(earlier)] == [None]
        this_year = SipAssignment.objects.filter(academic_year=2026)
        assert [r.latest_report_state for r in with_latest_report(this_year)] == ["issued"]
        VisitFactory(
            assignment=world.a.assignment,
            date=datetime.date(2026, 12, 3),
            state=Visit.State.FINAL,
            finalised_at=timezone.now(),
        )
        assert [s.name for s in overdue_reports(today=datetime.date(2027, 1, 15))] == ["Norfolk High School"]
        world.a.school.status = "closed"
        world.a.school.save()
        assert list(overdue_reports(today=datetime.date(2027, 1, 15))) == []


def test_refusals_answer_404_or_403_and_each_is_in_the_audit_log(client, world):
    report = start_report(world.a)
    base = f"/la/{world.a.la.code}/schools/{world.a.school.urn}/reports/"
    with scopes_disabled():
        partner = MembershipFactory(role=Role.PARTNER_HEAD, school=world.a.school).user
    # The partner school's head sees the school's page but has no part in its reports.
    client.force_login(partner)
    assert client.get(f"/la/{world.a.la.code}/schools/{world.a.school.urn}/").status_code == 200
    assert client.get(base).status_code == 404
    client.force_login(world.a.sip)
    client.post(f"{base}{report.pk}/steps/share/")
    client.force_login(world.a.head)
    assert client.get(f"{base}{report.pk}/steps/issue/").status_code == 405
    assert client.post(f"{base}{report.pk}/steps/issue/").status_code == 403
    assert client.post(f"{base}{report.pk}/pdf/la/retry/").status_code == 403
    assert client.get(f"/la/{world.a.la.code}/reports/").status_code == 403
    with scopes_disabled():
        denied = list(AuditEvent.objects.filter(action=Action.ACCESS_DENIED).order_by("pk"))
        report.refresh_from_db()
    assert report.state == Report.State.SHARED
    assert [(e.actor, e.detail.get("reason", "")) for e in denied] == [
        (partner, "No role in this school's reports"),
        (world.a.head, "Only the school's SIP shares and issues its reports."),
        (world.a.head, ""),
        (world.a.head, "The LA's reports page is for its administrators."),
    ]
