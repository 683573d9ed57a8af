"""What each audience's PDF holds, and the work a worker does for a document or a term's ZIP.

The audience decides the content here, in one place: governors never get the private notes or
the detail that names pupils or staff; SSAT gets the partnership and progress only.
"""

import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.text import slugify

from jobs.documents import render_job_pdf
from jobs.runner import job_finish
from priorities.models import PlanAction
from schools.models import PerformanceResult, PupilGroup
from tenancy.academic_year import academic_year_label

from .models import AUDIENCE_IN_SENTENCE, Audience, RenderedDocument, Report, ReportArchive
from .services import JUDGEMENT_WORDS, TEXT_SECTIONS, group_labels

# Audience → the report's sections it shows, in order. Governors read every section of the "good
# reports" list and the partnership; the school also the detail that names pupils or staff; the LA
# also the SIP's private notes.
_GOVERNORS = (*TEXT_SECTIONS, "partnership")
SECTIONS = {
    Audience.GOVERNORS: _GOVERNORS,
    Audience.SCHOOL: (*_GOVERNORS, "named_detail"),
    Audience.LA: (*_GOVERNORS, "named_detail", "private_notes"),
    Audience.SSAT: ("partnership", "targets", "support"),
}
HEADINGS = {
    "key_strengths": "Key strengths",
    "priorities": "Priorities and strategies to address low achievement",
    "underachievement": "Pupils who are underachieving or not making good progress",
    "self_evaluation": "The school's self-evaluation and its evidence base",
    "capacity": "The school's capacity to improve",
    "challenge": "Evidence of challenge",
    "targets": "Targets, progress towards them and the trajectory",
    "support": "Support brokered and its impact",
    "partnership": "The Gaining Ground partnership",
    "named_detail": "Detail for the school and the local authority",
    "private_notes": "The SIP's private notes for the local authority",
}


def document_context(report: Report, audience: str) -> dict:
    school = report.school
    sections = []
    for name in SECTIONS[audience]:
        if name == "partnership" and not school.in_gaining_ground_in(report.academic_year):
            continue
        section = {"heading": HEADINGS[name], "text": getattr(report, name), "private": name == "private_notes"}
        if name == "self_evaluation":
            section["judgement"] = JUDGEMENT_WORDS.get(report.self_evaluation_judgement, "")
        if name == "capacity":
            section["judgement"] = JUDGEMENT_WORDS.get(report.capacity_judgement, "")
        if name == "underachievement":
            section["groups"] = group_labels(report.underachieving_groups)
        if name in ("named_detail", "private_notes") and not section["text"]:
            continue
        sections.append(section)
    results = list(PerformanceResult.objects.filter(school=school, group=PupilGroup.ALL).order_by("-academic_year")[:3])
    for result in results:
        result.year_label = academic_year_label(result.academic_year)
    head_response = ""
    if audience in (Audience.SCHOOL, Audience.LA) and report.head_accuracy:
        head_response = (
            "The headteacher confirmed the report is factually accurate."
            if report.head_accuracy == "accurate"
            else f"The headteacher said this is inaccurate: {report.head_inaccuracies}"
        )
    return {
        "report": report,
        "school": school,
        "audience": audience,
        "audience_label": Audience(audience).label,
        "audience_in_sentence": AUDIENCE_IN_SENTENCE[Audience(audience)],
        "author_name": report.author.full_name or report.author.email,
        "sections": sections,
        "show_plan": True,
        "plan_actions": PlanAction.objects.filter(priority__school=school, priority__is_active=True).select_related(
            "priority"
        ),
        "show_results": True,
        "results": results,
        "head_response": head_response,
    }


def document_html(report: Report, audience: str) -> str:
    return render_to_string("reports/pdf/report.html", document_context(report, audience))


def document_filename(report: Report, audience: str) -> str:
    """School, date and audience: what a person saving it would want to see."""
    day = (report.issued_at or report.created_at).date()
    return f"{slugify(report.school.name)}-sip-report-{day:%Y-%m-%d}-v{report.version_number}-{audience}.pdf"


def document_render(document: RenderedDocument) -> None:
    """Render one document and finish its job in one transaction (the job runner called us)."""
    report = Report.objects.select_related("school", "school__la", "author", "visit").get(pk=document.report_id)
    render_job_pdf(
        document,
        html=document_html(report, document.audience),
        filename=document_filename(report, document.audience),
    )


def archive_build(archive: ReportArchive) -> None:
    """Put the LA's version of every issued report of the term in one ZIP, counting as it goes."""
    documents = list(
        RenderedDocument.objects.filter(
            report__school__la=archive.la_id,
            report__academic_year=archive.academic_year,
            report__term=archive.term,
            report__state=Report.State.ISSUED,
            audience=Audience.LA,
        )
        .select_related("report", "report__school")
        .order_by("report__school__name", "report__version_number")
    )
    ReportArchive.objects.filter(pk=archive.pk).update(total=len(documents), added=0)
    buffer = io.BytesIO()
    missing = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for number, document in enumerate(documents, start=1):
            if document.is_ready:
                with default_storage.open(document.file.name, "rb") as pdf:
                    bundle.writestr(document_filename(document.report, document.audience), pdf.read())
            else:
                missing.append(f"{document.report.school.name}: {document.report} ({document.state_words.lower()})")
            ReportArchive.objects.filter(pk=archive.pk).update(added=number)
        if missing:
            bundle.writestr("NOT-INCLUDED.txt", "Not rendered yet, so not in this file:\n" + "\n".join(missing) + "\n")
        if not documents:
            bundle.writestr("NO-REPORTS.txt", "No report was issued in this term.\n")
    name = f"archives/{archive.la.code}/reports-{archive.academic_year}-term{archive.term}-{archive.pk}.zip"
    with transaction.atomic():
        saved = default_storage.save(name, ContentFile(buffer.getvalue()))
        if not job_finish(archive, file=saved):
            transaction.on_commit(lambda: default_storage.delete(saved))
