"""SIP reports under /la/<la_code>/schools/<urn>/reports/, the LA's reports page, and downloads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from common.errors import DomainError
from common.forms import add_domain_error
from jobs.documents import stored_file_response
from jobs.models import JobState
from tenancy.academic_year import academic_year_label, current_academic_year, year_from_request, year_links
from tenancy.selectors import get_la_for_user

from . import services
from .forms import ArchiveForm, CommentForm, NewVersionForm, ReportForm
from .models import Audience
from .rendering import document_filename
from .selectors import (
    REPORT_DUE_DAYS,
    downloadable,
    get_archive_for_la,
    get_document_for_download,
    get_document_for_retry,
    get_report_for_comment,
    get_report_for_edit,
    get_report_for_new_version,
    get_report_for_user,
    get_reports_school_for_edit,
    get_reports_school_for_user,
    get_step_for_user,
    issued_reports_of_term,
    overdue_reports,
    recent_archives,
    report_sections,
    report_years,
    reports_for_school,
)


def report_list(request, la_code, urn):
    school = get_reports_school_for_user(request, urn)
    year = year_from_request(request)
    reports = reports_for_school(request.user, school, year)
    rows = [(report, downloadable(request.user, report)) for report in reports]
    return render(
        request,
        "reports/report_list.html",
        {
            "school": school,
            "rows": rows,
            "can_write": request.user.has_perm("reports.write_report", school),
            "year": year,
            "year_label": academic_year_label(year),
            "years": year_links(year, report_years(school)),
        },
    )


def report_new(request, la_code, urn):
    school = get_reports_school_for_edit(request, urn)
    if request.method == "POST":
        try:
            if request.POST.get("kind") == "annual":
                report = services.annual_report_start(
                    actor=request.user, school=school, academic_year=current_academic_year(), request=request
                )
            else:
                report = services.report_start(actor=request.user, school=school, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("schools:reports:new", la_code, urn)
        messages.success(request, "Draft started from what the portal knows. Check every section.")
        return redirect("schools:reports:edit", la_code, urn, report.pk)
    return render(
        request,
        "reports/report_new.html",
        {"school": school, "year_label": academic_year_label(current_academic_year())},
    )


def report_detail(request, la_code, urn, report_id):
    school = get_reports_school_for_user(request, urn)
    report = get_report_for_user(request, school, report_id)
    documents = list(report.documents.all())
    rendering = any(d.state in (JobState.REQUESTED, JobState.RUNNING) for d in documents)
    can_write = request.user.has_perm("reports.write_report", school)
    return render(
        request,
        "reports/report_detail.html",
        {
            "school": school,
            "report": report,
            "sections": report_sections(report, request.user),
            "missing": services.report_quality(report) if can_write else [],
            "events": report.events.select_related("actor"),
            "documents": [(d, request.user.has_perm("reports.download_document", d)) for d in documents],
            "rendering": rendering,
            "can_write": can_write,
            "show_discussion": request.user.has_perm("reports.view_discussion", report),
            "steps": services.allowed_transitions(request.user, report),
            "comment_form": CommentForm() if request.user.has_perm("reports.comment_report", report) else None,
        },
    )


def report_edit(request, la_code, urn, report_id):
    school = get_reports_school_for_user(request, urn)
    report = get_report_for_edit(request, school, report_id)
    if not report.is_editable:
        messages.info(request, "This report has been issued. To change it, start a new version and say why.")
        return redirect("schools:reports:new-version", la_code, urn, report.pk)
    form = ReportForm(
        request.POST or None, instance=report, school=school, initial={"lock_version": report.lock_version}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_save(
                    actor=request.user,
                    report=report,
                    lock_version=form.cleaned_data["lock_version"],
                    values=form.values(),
                    request=request,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, "Report saved.")
                return redirect("schools:reports:detail", la_code, urn, report.pk)
        status = 400
    # What the form shows comes from what was typed; the quality check from what is saved.
    return render(
        request,
        "reports/report_edit.html",
        {"school": school, "report": report, "form": form, "missing": services.report_quality(report)},
        status=status,
    )


def report_step(request, la_code, urn, report_id, step):
    school = get_reports_school_for_user(request, urn)
    report = get_report_for_user(request, school, report_id)
    if request.method != "POST":
        # Checked after the school and report, so people who may not know of them get a 404.
        return HttpResponseNotAllowed(["POST"])
    step = get_step_for_user(request, report, step)
    try:
        services.report_transition(actor=request.user, report=report, action=step, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if step == "share":
            messages.success(request, "Shared with the headteacher for discussion and a check of the facts.")
        else:
            messages.success(request, "Report issued. Its PDFs are being made; each shows below when it is ready.")
    return redirect("schools:reports:detail", la_code, urn, report.pk)


def report_comment(request, la_code, urn, report_id):
    school = get_reports_school_for_user(request, urn)
    report = get_report_for_user(request, school, report_id)
    if request.method != "POST":
        # Checked after the school and report, so people who may not know of them get a 404.
        return HttpResponseNotAllowed(["POST"])
    report = get_report_for_comment(request, report)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.report_comment(actor=request.user, report=report, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Your comments are with the SIP.")
            return redirect("schools:reports:detail", la_code, urn, report.pk)
    return render(
        request,
        "reports/report_detail.html",
        {
            "school": school,
            "report": report,
            "sections": report_sections(report, request.user),
            "events": report.events.select_related("actor"),
            "documents": [],
            "comment_form": form,
        },
        status=400,
    )


def report_new_version(request, la_code, urn, report_id):
    school = get_reports_school_for_user(request, urn)
    report = get_report_for_new_version(request, school, report_id)
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.report_new_version(
                actor=request.user, report=report, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Version {new.version_number} started. Issue it when it is ready.")
            return redirect("schools:reports:edit", la_code, urn, new.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": "Start a new version of this report",
            "caption": f"{school.name}: {report}",
            "back_url": reverse("schools:reports:detail", args=[la_code, urn, report.pk]),
            "button": "Start the new version",
            "intro": "An issued report is not changed: the new version is a draft until you issue it, "
            "and keeps your reason.",
        },
        status=400 if form.errors else 200,
    )


def document_download(request, la_code, urn, report_id, audience):
    school = get_reports_school_for_user(request, urn)
    report = get_report_for_user(request, school, report_id)
    if audience not in Audience.values:
        raise Http404("No such version")
    document = get_document_for_download(request, report, audience)
    if not document.is_ready:
        messages.info(request, f"The PDF for {document.audience_in_sentence} is not ready yet.")
        return redirect("schools:reports:detail", la_code, urn, report.pk)
    services.document_download(actor=request.user, document=document, request=request)
    return stored_file_response(document.file.name, document_filename(report, audience), "application/pdf")


def document_retry(request, la_code, urn, report_id, audience):
    school = get_reports_school_for_user(request, urn)
    report = get_report_for_user(request, school, report_id)
    if request.method != "POST":
        # Checked after the school and report, so people who may not know of them get a 404.
        return HttpResponseNotAllowed(["POST"])
    document = get_document_for_retry(request, report, audience)
    try:
        services.document_retry(actor=request.user, document=document, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Asked again. The page shows when it is ready.")
    return redirect("schools:reports:detail", la_code, urn, report.pk)


# --- the LA's reports page ------------------------------------------------------------------


LA_REPORTS_PER_PAGE = 50
LA_REPORTS_PERM = "reports.view_la_reports"
LA_REPORTS_REFUSED = "The LA's reports page is for its administrators."


def la_reports(request, la_code):
    get_la_for_user(request, LA_REPORTS_PERM, LA_REPORTS_REFUSED)
    this_year = current_academic_year()
    years = list(range(this_year, this_year - 5, -1))
    form = ArchiveForm(
        request.POST or None,
        years=years,
        initial={"academic_year": this_year, "term": services.term_number(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            archive = services.archive_request(actor=request.user, la=request.la, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("reports:archive", la_code, archive.pk)
    term = services.term_number(timezone.localdate())
    return render(
        request,
        "reports/la_reports.html",
        {
            "form": form,
            # A county has hundreds of each: a page of each list at a time.
            "overdue": Paginator(overdue_reports(), LA_REPORTS_PER_PAGE).get_page(request.GET.get("overdue_page")),
            "due_days": REPORT_DUE_DAYS,
            "issued": Paginator(issued_reports_of_term(this_year, term), LA_REPORTS_PER_PAGE).get_page(
                request.GET.get("issued_page")
            ),
            "term_label": f"{services.TERM_NAMES[term]} term {academic_year_label(this_year)}",
            "archives": recent_archives(request.la),
        },
        status=400 if form.errors else 200,
    )


def archive_detail(request, la_code, archive_id):
    get_la_for_user(request, LA_REPORTS_PERM, LA_REPORTS_REFUSED)
    archive = get_archive_for_la(request.la, archive_id)
    return render(request, "reports/archive_detail.html", {"archive": archive})


def archive_download(request, la_code, archive_id):
    get_la_for_user(request, LA_REPORTS_PERM, LA_REPORTS_REFUSED)
    archive = get_archive_for_la(request.la, archive_id)
    if archive.state != JobState.DONE:
        return redirect("reports:archive", la_code, archive.pk)
    services.archive_download(actor=request.user, archive=archive, request=request)
    name = f"sip-reports-{request.la.code}-{archive.academic_year}-term-{archive.term}.zip"
    return stored_file_response(archive.file.name, name, "application/zip")
