"""Reading reports for a person, and the report columns other pages show, in fixed query counts."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from common.todo import Todo, counted
from schools.selectors import get_school_for_user
from visits.models import Visit
from visits.selectors import caseload_annotation

from .models import Audience, RenderedDocument, Report, ReportArchive
from .services import TRANSITIONS, group_labels

# A report is due this many days after a finalised visit it does not yet follow.
REPORT_DUE_DAYS = 28


def reports_for_school(user, school, year: int | None = None) -> list[Report]:
    """The school's reports this person may read (of one academic year if given), newest first."""
    reports = Report.objects.filter(school=school)
    if year is not None:
        reports = reports.filter(academic_year=year)
    reports = (
        reports.select_related("school", "school__la", "author", "superseded_by")
        .prefetch_related(Prefetch("documents", queryset=RenderedDocument.objects.order_by("audience")))
        .order_by("-academic_year", "-created_at", "-pk")
    )
    return [r for r in reports if user.has_perm("reports.view_report", r)]


def report_years(school) -> list[int]:
    """The academic years the school has reports for."""
    return list(Report.objects.filter(school=school).order_by().values_list("academic_year", flat=True).distinct())


def downloadable(user, report: Report) -> list[RenderedDocument]:
    return [d for d in report.documents.all() if user.has_perm("reports.download_document", d)]


def get_reports_school_for_user(request, urn: str):
    """The school, for someone who may read its reports; a 404 otherwise, written to the audit log."""
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("reports.view_reports", school):
        audit_record(
            action=Action.ACCESS_DENIED,
            request=request,
            obj=school,
            detail={"path": request.path[:500], "reason": "No role in this school's reports"},
        )
        raise Http404("No such page")
    return school


def get_reports_school_for_edit(request, urn: str):
    """As get_reports_school_for_user; 403 for someone who may read the reports but not write one."""
    school = get_reports_school_for_user(request, urn)
    if not request.user.has_perm("reports.write_report", school):
        raise PermissionDenied("Only the school's SIP writes its reports.")
    return school


def get_report_for_user(request, school, report_id: int) -> Report:
    """A report of this school the person may read; 404 otherwise (drafts are the SIP's and the LA's)."""
    report = get_object_or_404(
        Report.objects.select_related("school", "school__la", "author", "visit", "supersedes", "superseded_by"),
        pk=report_id,
        school=school,
    )
    if not request.user.has_perm("reports.view_report", report):
        raise Http404("No such report")
    return report


def get_report_for_edit(request, school, report_id: int) -> Report:
    """As get_report_for_user; 403 for someone who may read the report but not change it."""
    report = get_report_for_user(request, school, report_id)
    if not request.user.has_perm("reports.write_report", school):
        raise PermissionDenied("Only the school's SIP changes its reports.")
    return report


def get_report_for_new_version(request, school, report_id: int) -> Report:
    """An issued report, for its SIP to start a new version of; 403 for anyone else who may read it."""
    report = get_report_for_user(request, school, report_id)
    if not request.user.has_perm("reports.write_report", school) or not report.is_issued:
        raise PermissionDenied("Only the school's SIP starts a new version of an issued report.")
    return report


# The POST-only pages read the report first (404), answer 405 to other methods, then ask these (403).


def get_report_for_comment(request, report: Report) -> Report:
    """The report read by get_report_for_user, for its head to comment on while it is shared; 403 otherwise."""
    if not request.user.has_perm("reports.comment_report", report):
        raise PermissionDenied("The headteacher comments while the report is shared with them.")
    return report


def get_step_for_user(request, report: Report, step: str) -> str:
    """A step of the workflow (404 for anything else), for the school's SIP; 403 for anyone else."""
    if step not in TRANSITIONS:
        raise Http404("No such step")
    if not request.user.has_perm("reports.write_report", report.school):
        raise PermissionDenied("Only the school's SIP shares and issues its reports.")
    return step


def get_document_for_retry(request, report: Report, audience: str) -> RenderedDocument:
    """The report's PDF for one audience, to ask again for its rendering: the SIP and the LA; 403 otherwise."""
    if not request.user.has_perm("reports.retry_document", report):
        raise PermissionDenied
    return get_document_for_download(request, report, audience)


def get_document_for_download(request, report: Report, audience: str) -> RenderedDocument:
    """The report's PDF for one audience, if this person may download it; 404 to anyone else."""
    document = get_object_or_404(RenderedDocument.objects.select_related("report"), report=report, audience=audience)
    document.report = report
    if not request.user.has_perm("reports.download_document", document):
        raise Http404("No such document")
    return document


def report_sections(report: Report, user) -> list[tuple[str, str, str]]:
    """The report's sections this person may read: (heading, judgement, text).

    Private notes are the SIP's and the LA's; detail naming people is never for governors; the
    partnership section belongs to a year the school was in Gaining Ground.
    """
    from .rendering import HEADINGS

    hidden = set()
    if not user.has_perm("reports.view_private_notes", report):
        hidden.add("private_notes")
    if not user.has_perm("reports.view_named_detail", report):
        hidden.add("named_detail")
    found = []
    for name, heading in HEADINGS.items():
        if name in hidden:
            continue
        if name == "partnership" and not report.school.in_gaining_ground_in(report.academic_year):
            continue
        judgement = ""
        if name == "self_evaluation":
            judgement = report.get_self_evaluation_judgement_display()
        if name == "capacity":
            judgement = report.get_capacity_judgement_display()
        text = getattr(report, name)
        if name == "underachievement":
            groups = group_labels(report.underachieving_groups)
            judgement = ("Groups named: " + ", ".join(groups)) if groups else ""
        found.append((heading, judgement, text))
    return found


@caseload_annotation
def with_latest_report(assignments: QuerySet) -> QuerySet:
    """Annotate caseload rows (SIP assignments) with their school's latest report of the row's year.

    For the caseload pages: `latest_report_state` ("draft", "shared", "issued" or None) and
    `latest_report_on`; render them with templates/reports/_latest_report_cell.html.
    """
    latest = Report.objects.filter(school=OuterRef("school"), academic_year=OuterRef("academic_year")).order_by(
        "-created_at", "-pk"
    )
    return assignments.annotate(
        latest_report_state=Subquery(latest.values("state")[:1]),
        latest_report_on=Subquery(latest.values("created_at")[:1]),
        latest_report_id=Subquery(latest.values("pk")[:1]),
    )


def report_is_overdue(last_visit: datetime.date | None, last_issued, today: datetime.date) -> bool:
    """Overdue: the last finalised visit is more than REPORT_DUE_DAYS old and no report was issued since."""
    if last_visit is None or last_visit >= today - datetime.timedelta(days=REPORT_DUE_DAYS):
        return False
    return last_issued is None or timezone.localtime(last_issued).date() < last_visit


@dataclass(frozen=True)
class OverdueReport:
    school_id: int
    name: str
    urn: str
    last_visit: datetime.date
    last_issued: datetime.datetime | None


def overdue_reports(today: datetime.date | None = None) -> list[OverdueReport]:
    """The open schools in scope (the LA's; every LA's with scopes disabled) whose report is overdue.

    Oldest visit first. Two queries whatever the number of schools: each open school's last
    finalised visit (with its name), and the last issued report of those visited long enough ago.
    """
    from schools.models import School

    today = today or timezone.localdate()
    visited = (
        Visit.objects.filter(state=Visit.State.FINAL, assignment__school__in=School.objects.open())
        .values_list("assignment__school_id", "assignment__school__name", "assignment__school__urn")
        .annotate(last=Max("date"))
        .order_by()
    )
    last_visit = {pk: (name, urn, last) for pk, name, urn, last in visited}
    # Only the schools visited long enough ago can be overdue: naming them lets the database use
    # the (school, state, issued_at) index rather than reading every issued report of the LA.
    due_since = today - datetime.timedelta(days=REPORT_DUE_DAYS)
    visited_before = [pk for pk, (_name, _urn, last) in last_visit.items() if last < due_since]
    last_issued = dict(
        # [0] when there are none: no school has id 0, and the query is still made, as it always is.
        Report.objects.filter(state=Report.State.ISSUED, school_id__in=visited_before or [0])
        .values("school_id")
        .annotate(last=Max("issued_at"))
        .values_list("school_id", "last")
        .order_by()
    )
    found = [
        OverdueReport(pk, name, urn, last, last_issued.get(pk))
        for pk, (name, urn, last) in last_visit.items()
        if report_is_overdue(last, last_issued.get(pk), today)
    ]
    return sorted(found, key=lambda row: (row.last_visit, row.name))


def issued_reports_of_term(academic_year: int, term: int) -> QuerySet[Report]:
    return (
        Report.objects.filter(academic_year=academic_year, term=term, state=Report.State.ISSUED)
        .select_related("school", "author")
        .annotate(
            la_pdf_ready=Exists(
                RenderedDocument.objects.filter(report=OuterRef("pk"), audience=Audience.LA, state="done")
            )
        )
        .order_by("school__name", "version_number")
    )


def ssat_documents(membership) -> QuerySet[RenderedDocument]:
    """SSAT's versions of issued reports of Gaining Ground schools in the LAs SSAT serves; nothing else."""
    from accounts.models import Role
    from national.selectors import las_served_by
    from schools.models import gaining_ground_q

    if membership.role != Role.SSAT:
        return RenderedDocument.objects.with_scope(la=[]).none()
    la_ids = list(las_served_by(membership).values_list("pk", flat=True))
    return (
        RenderedDocument.objects.with_scope(la=la_ids)
        .filter(
            gaining_ground_q("report__school__"),
            audience=Audience.SSAT,
            state="done",
            report__state=Report.State.ISSUED,
        )
        .select_related("report", "report__school", "report__school__la")
        .order_by("-report__issued_at")
    )


def report_todos(request) -> list:
    """The overview's report items, one query each.

    Overdue reports for the LA, reports to comment on for the head, heads' responses for the SIP.
    """
    from django.urls import reverse

    from accounts.models import Role

    access, items = request.access, []
    if access.is_la_admin:
        overdue = len(overdue_reports())
        if overdue:
            items.append(
                Todo(
                    f"{counted(overdue, 'school has a report', 'schools have reports')} overdue after a visit",
                    reverse("reports:la", args=[request.la.code]),
                    urgent=True,
                )
            )
    shared = Report.objects.filter(state=Report.State.SHARED).select_related("school", "school__la")
    heads = access.school_ids(Role.HEADTEACHER)
    if heads:
        for report in shared.filter(school_id__in=heads, head_accuracy=""):
            items.append(
                Todo(
                    f"Your SIP shared “{report.title}” for your comments and a check of the facts",
                    reverse("schools:reports:detail", args=[report.school.la.code, report.school.urn, report.pk]),
                    detail=f"Shared {report.shared_at:%-d %B %Y}",
                )
            )
    if access.is_sip:
        for report in shared.filter(school_id__in=access.sip_school_ids).exclude(head_accuracy=""):
            said = "confirmed the facts" if report.head_accuracy == "accurate" else "says something is inaccurate"
            items.append(
                Todo(
                    f"The headteacher of {report.school.name} {said} in “{report.title}”",
                    reverse("schools:reports:detail", args=[report.school.la.code, report.school.urn, report.pk]),
                    urgent=report.head_accuracy == "inaccurate",
                )
            )
    return items


def recent_archives(la, limit: int = 10) -> QuerySet[ReportArchive]:
    """The LA's latest report archives, newest first, with who asked for each."""
    return ReportArchive.objects.filter(la=la).select_related("requested_by")[:limit]


def get_archive_for_la(la, archive_id: int) -> ReportArchive:
    """One of the LA's report archives; another LA's archive is a 404."""
    return get_object_or_404(ReportArchive, pk=archive_id, la=la)


def get_ssat_document(membership, document_id: int) -> RenderedDocument:
    """One of SSAT's report documents this membership may download; any other is a 404."""
    return get_object_or_404(ssat_documents(membership), pk=document_id)
