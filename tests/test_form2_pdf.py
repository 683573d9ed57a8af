"""The approved Form 2 as a PDF: rendered on submission through the reports' pipeline, laid out
like Appendix B, downloaded only by the partnership's people (audited), listed beside the reports."""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import override_settings
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from accounts.models import Role
from audit.models import Action, AuditEvent
from jobs.models import JobState
from partnerships import services
from partnerships.models import Form2, Form2Document
from tenancy.models import NationalBody

from .factories import MembershipFactory, UserFactory
from .partnership_world import build_match
from .test_partnerships import _access, _partnership, _ready_plan


@pytest.fixture
def submitted(world, django_capture_on_commit_callbacks) -> Form2:
    """Norfolk's partnership with its Form 2 agreed, approved by the SIP and submitted; PDF rendered in-process."""
    match = build_match(world)
    partnership = _partnership(world, match)
    plan = _ready_plan(world, match, partnership)
    sip = _access(world.a.sip, partnership)
    with scope(la=world.a.la.pk), django_capture_on_commit_callbacks(execute=True):
        for step in ("agree", "approve", "submit"):
            plan = services.form2_transition(
                actor=world.a.sip, access=sip, plan=plan, name=step, lock_version=plan.lock_version
            )
    plan.match = match
    return plan


def document_of(plan) -> Form2Document:
    with scopes_disabled():
        return Form2Document.objects.get(plan=plan)


def pdf_reader(document) -> PdfReader:
    with default_storage.open(document.file.name, "rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def urls(plan) -> tuple[str, str]:
    base = f"/partnerships/{plan.partnership_id}/form2/{plan.pk}/"
    return base, base + "pdf/"


def test_submitting_renders_the_plan_as_a_tagged_pdf_laid_out_like_appendix_b(world, submitted):
    document = document_of(submitted)
    assert document.state == JobState.DONE and document.attempts == 1 and document.pages >= 2
    reader = pdf_reader(document)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for words in (
        "Partnership Strategy Action Plan – Form 2",
        "Norfolk High School and Suffolk Outstanding High partnership, 2026/27",
        "Gaining Ground school name",
        "Suffolk Outstanding High",
        "Pat Partner",
        "Sam SIP",
        "Regional partnership coordinator",
        "Identification of key focus areas",
        "Raise attainment in mathematics",
        "Close the FSM gap",
        "Strategies to meet key focus areas",
        "Agreed at the meeting on 20 November 2026",
        "Both heads and the SIP",
        "Approved by the SIP",
        "Page 2 of",
    ):
        assert words in text, words
    with scopes_disabled():
        leads = [s.lead for area in submitted.focus_areas.all() for s in area.strategies.all()]
    assert leads and all(lead in text for lead in leads)
    catalogue = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue and catalogue["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Partnership Strategy Action Plan (Form 2) – Norfolk High School and")
    titles = {item.title for item in reader.outline if not isinstance(item, list)}
    assert {"Partnership details", "Contact details", "Strategies to meet key focus areas", "Meeting"} <= titles


def test_a_draft_has_no_pdf_and_asking_twice_makes_one(world, submitted, django_capture_on_commit_callbacks):
    first = document_of(submitted)
    with scope(la=world.a.la.pk), django_capture_on_commit_callbacks(execute=True):
        again = services.form2_document_request(plan=submitted, actor=world.a.head)
    assert again.pk == first.pk
    document = document_of(submitted)
    assert document.attempts == 1 and document.file.name == first.file.name
    with scope(la=world.a.la.pk):
        draft = services.form2_new_version(
            actor=world.a.sip, access=_access(world.a.sip, submitted.partnership), plan=submitted
        )
        with pytest.raises(services.PartnershipError):
            services.form2_document_request(plan=draft)
        assert not Form2Document.objects.filter(plan=draft).exists()


def _extra_people(world, plan) -> dict:
    with scopes_disabled():
        governor = UserFactory(email="governor-not-chair@example.org")
        MembershipFactory(user=governor, role=Role.GOVERNOR, la=world.a.la, school=world.a.school, is_chair=False)
        college = UserFactory(email="college@example.org")
        MembershipFactory(
            user=college,
            role=Role.NATIONAL_COLLEGE,
            la=None,
            national_body=NationalBody.objects.get(kind=NationalBody.Kind.NATIONAL_COLLEGE),
        )
    return {"governor_not_chair": governor, "college_for_norfolk": college}


def test_the_partnerships_people_download_it_and_everyone_else_gets_404(client, world, submitted):
    page, pdf = urls(submitted)
    allowed = {
        "chair of governors": world.a.governor,
        "head": world.a.head,
        "partner head": submitted.match.partner_head,
        "sip": world.a.sip,
        "la admin": world.a.la_admin,
        "ssat": world.ssat,
    }
    refused = {f"Barnet {role}": person for role, person in world.b.people.items()} | _extra_people(world, submitted)
    refused["Suffolk's other head"] = submitted.match.second_head
    for name, person in allowed.items():
        client.force_login(person)
        response = client.get(pdf)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content).startswith(b"%PDF"), name
    for name, person in refused.items():
        client.force_login(person)
        assert client.get(pdf).status_code == 404, name
        assert client.post(pdf + "retry/").status_code == 404, name
    with scope(la=world.a.la.pk):
        assert AuditEvent.objects.filter(action=Action.FORM2_DOWNLOADED).count() == len(allowed)


def test_a_download_is_private_named_for_the_school_and_date_and_audited(client, world, submitted):
    client.force_login(world.a.governor)
    response = client.get(urls(submitted)[1])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        'attachment; filename="norfolk-high-school-partnership-strategy-action-plan-2026-12-02-v1.pdf"'
    )
    with scope(la=world.a.la.pk):
        event = AuditEvent.objects.get(action=Action.FORM2_DOWNLOADED)
    assert event.actor == world.a.governor
    assert event.detail == {"plan": submitted.pk, "version": 1, "document": document_of(submitted).pk}


@override_settings(X_ACCEL_REDIRECT_PREFIX="/protected/")
def test_behind_nginx_the_download_is_handed_to_the_web_server_after_authorising(client, world, submitted):
    client.force_login(world.a.la_admin)
    response = client.get(urls(submitted)[1])
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected/" + document_of(submitted).file.name
    assert response["Cache-Control"] == "private, no-store" and "attachment" in response["Content-Disposition"]
    client.force_login(world.b.governor)
    assert "X-Accel-Redirect" not in client.get(urls(submitted)[1])


def test_the_page_shows_the_pdfs_state_and_the_sip_asks_again_after_a_failure(
    client, world, submitted, django_capture_on_commit_callbacks
):
    document = document_of(submitted)
    detail = f"/partnerships/{submitted.partnership_id}/"
    client.force_login(world.a.governor)
    assert (
        "Download the Partnership Strategy Action Plan (Form 2), version 1, as a PDF"
        in client.get(detail).content.decode()
    )
    with scopes_disabled():
        Form2Document.objects.filter(pk=document.pk).update(state="requested", file="")
    page = client.get(detail).content.decode()
    assert "Queued" in page and 'http-equiv="refresh"' in page and "Try again" not in page
    with scopes_disabled():
        Form2Document.objects.filter(pk=document.pk).update(state="failed", failure="It took too long.")
    page = client.get(detail).content.decode()
    assert "Failed" in page and "It took too long." in page and "Try again" not in page
    assert client.post(urls(submitted)[1] + "retry/").status_code == 403
    assert client.get(urls(submitted)[1]).status_code == 302  # not ready: back to the page
    client.force_login(world.a.sip)
    assert "Try again" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(urls(submitted)[1] + "retry/").status_code == 302
    assert document_of(submitted).state == JobState.DONE
    with scope(la=world.a.la.pk):
        assert AuditEvent.objects.filter(action=Action.FORM2_RENDER_RETRIED, actor=world.a.sip).count() == 1


def test_the_governors_landing_page_lists_the_approved_plan_beside_the_reports(client, world, submitted):
    client.force_login(world.a.governor)
    response = client.get("/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/schools/{world.a.school.urn}/reports/")
    assert "Download the approved Form 2 of Norfolk High School and Suffolk Outstanding High partnership" in page
    assert urls(submitted)[1] in page
    # A governor who is not the chair is not shown it.
    person = _extra_people(world, submitted)["governor_not_chair"]
    client.force_login(person)
    assert urls(submitted)[1] not in client.get(response.redirect_chain[-1][0]).content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.REDIS_AVAILABLE, reason="Redis does not answer")
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
    reason="workers in other processes need a database server",
)
def test_two_asking_at_once_on_two_workers_make_one_pdf(world, start_worker):
    from bench._stack import wait_until
    from jobs.runner import job_send

    match = build_match(world)
    partnership = _partnership(world, match)
    with scope(la=world.a.la.pk):
        plan = partnership.plans.get()
        # Rows only: the message is sent below twice, to two workers at once.
        Form2.objects.filter(pk=plan.pk).update(state="submitted", submitted_at=plan.created_at)
        document = Form2Document.objects.create(plan=plan)
    start_worker()
    start_worker()
    for _ in range(2):
        job_send(Form2Document, document.pk)
    assert wait_until(lambda: document_of(plan).state == JobState.DONE, 90, step=0.5)
    time.sleep(2)  # the second message has been taken by now
    document = document_of(plan)
    assert document.state == JobState.DONE and document.attempts == 1
    folder = Path(settings.MEDIA_ROOT) / Path(document.file.name).parent
    assert [p.name for p in folder.iterdir()] == [Path(document.file.name).name]
