from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from audit.models import Action
from audit.services import audit_record
from common.conflicts import Conflict, VersionConflict
from common.errors import DomainError
from common.forms import add_domain_error
from common.streaming import csv_download, spreadsheet_safe
from jobs.status import background_is_up, background_status
from tenancy.academic_year import academic_year_label, current_academic_year
from tenancy.selectors import get_la_for_user

from . import services
from .charts import Series, line_chart
from .eligibility import suggest
from .filters import SchoolFilter
from .forms import EligibilityForm, GainingGroundForm, ResultsForm, UploadForm
from .imports import progress_of
from .models import DataImport, EligibilityAssessment, PupilGroup
from .results_csv import COLUMNS as RESULTS_COLUMNS
from .selectors import (
    assessment_of,
    eligibility_criteria,
    get_criterion,
    get_import_for_la,
    get_link_for_confirming,
    get_school_for_edit,
    get_school_for_register_edit,
    get_school_for_user,
    national_averages,
    recent_imports,
    results_across_links,
    school_as_saved,
    school_links,
    school_list_rows,
    sip_assignment_of,
)
from .tables import EXPORT_COLUMNS, SchoolTable


def school_list(request, la_code):
    get_la_for_user(request, "schools.view_school_list")
    filterset = SchoolFilter(request.GET, queryset=school_list_rows(request.user, request.la), request=request)
    table = SchoolTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "schools/school_list.html",
        {
            "table": table,
            "filter": filterset,
            "can_manage": request.user.has_perm("schools.manage_register", request.la),
            "export_query": request.GET.urlencode(),
        },
    )


def school_export(request, la_code):
    """The filtered list as CSV, safe to open in a spreadsheet. Recorded in the audit log."""
    get_la_for_user(request, "schools.view_school_list")
    filterset = SchoolFilter(request.GET, queryset=school_list_rows(request.user, request.la), request=request)
    schools = filterset.qs.order_by("name")
    audit_record(
        action=Action.DATA_EXPORTED,
        request=request,
        la=request.la,
        detail={"list": "schools", "filters": request.GET.dict()},
    )

    def rows():
        yield [heading for heading, _ in EXPORT_COLUMNS]
        for school in schools.iterator(chunk_size=500):
            values = (getattr(school, attribute) for _, attribute in EXPORT_COLUMNS)
            yield [spreadsheet_safe(value() if callable(value) else value) for value in values]

    return csv_download(request.la, f"schools-{request.la.code}.csv", rows())


def school_detail(request, la_code, urn):
    school = get_school_for_user(request, urn)
    year = current_academic_year()
    assignment = sip_assignment_of(school, year)
    people = school.memberships.select_related("user").order_by("role", "user__full_name")
    results = list(school.results.all())
    predecessor_links, successor_links = school_links(school)
    trend_results, joined_years = results_across_links(results, predecessor_links)
    national = national_averages()
    can_edit = request.user.has_perm("schools.change_school", school)
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "assignment": assignment,
            "year_label": academic_year_label(year),
            "people": people,
            "can_edit": can_edit,
            "can_manage": request.user.has_perm("schools.manage_register", school),
            "can_see_visits": request.user.has_perm("visits.view_visits", school),
            "can_see_plan": request.user.has_perm("priorities.view_plan", school),
            "can_see_profile": request.user.has_perm("priorities.view_profile", school),
            "charts": _charts(trend_results, national, joined_years),
            "joined_from": sorted({(p.name, p.urn) for p in joined_years.values()}),
            "predecessor_links": predecessor_links,
            "successor_links": successor_links,
            "criteria": _criteria_with_findings(school, results, national),
            "result_years": sorted({r.academic_year for r in results}, reverse=True),
            # The next year without results, but never one that has not started.
            "entry_year": min(max((r.academic_year for r in results), default=year - 1) + 1, year),
        },
    )


def _charts(results, national, joined_years: dict | None = None) -> list[dict]:
    """Three trends, each as an SVG picture and as a table with the same numbers.

    Years in `joined_years` are a predecessor's (before a conversion): their headings say so.
    """
    joined_years = joined_years or {}
    by = {(r.academic_year, r.group): r for r in results}
    nat = {(n.academic_year, n.group): n for n in national}
    years = sorted({r.academic_year for r in results})
    if not years:
        return []

    def series(label, source, group, measure):
        return Series(label, {y: getattr(source.get((y, group)), measure, None) for y in years})

    specs = [
        (
            "5+ A*–C GCSEs including English and maths (%)",
            [
                series("This school", by, PupilGroup.ALL, "five_ac_em"),
                series("National", nat, PupilGroup.ALL, "five_ac_em"),
            ],
        ),
        (
            "Pupils making expected progress, KS2 to KS4 (%)",
            [
                series("English, this school", by, PupilGroup.ALL, "progress_english"),
                series("English, national", nat, PupilGroup.ALL, "progress_english"),
                series("Maths, this school", by, PupilGroup.ALL, "progress_maths"),
                series("Maths, national", nat, PupilGroup.ALL, "progress_maths"),
            ],
        ),
        (
            "5+ A*–C including English and maths by free school meals (%)",
            [
                series("FSM, this school", by, PupilGroup.FSM, "five_ac_em"),
                series("Not FSM, this school", by, PupilGroup.NON_FSM, "five_ac_em"),
                series("FSM, national", nat, PupilGroup.FSM, "five_ac_em"),
                series("Not FSM, national", nat, PupilGroup.NON_FSM, "five_ac_em"),
            ],
        ),
    ]
    charts = []
    for title, lines in specs:
        if not any(v is not None for s in lines for v in s.points.values()):
            continue
        charts.append(
            {
                "title": title,
                "svg": line_chart(lines),
                "years": [_year_heading(y, joined_years) for y in years],
                "rows": [(s.label, [s.points[y] for y in years]) for s in lines],
            }
        )
    cva_years = [y for y in years if by.get((y, PupilGroup.ALL)) and by[(y, PupilGroup.ALL)].cva is not None]
    if cva_years:
        charts.append(
            {
                "title": "Contextual value added (national 1000)",
                "svg": None,
                "years": [_year_heading(y, joined_years) for y in cva_years],
                "rows": [
                    ("CVA", [by[(y, PupilGroup.ALL)].cva for y in cva_years]),
                    ("Lower limit", [by[(y, PupilGroup.ALL)].cva_lower for y in cva_years]),
                    ("Upper limit", [by[(y, PupilGroup.ALL)].cva_upper for y in cva_years]),
                ],
            }
        )
    return charts


def _year_heading(year: int, joined_years: dict) -> str:
    label = academic_year_label(year)
    return f"{label} (predecessor)" if year in joined_years else label


def _criteria_with_findings(school, results, national) -> list[dict]:
    recorded = {a.criterion_id: a for a in school.eligibility.select_related("assessed_by")}
    rows = []
    for criterion in eligibility_criteria():
        rows.append(
            {
                "criterion": criterion,
                "assessment": recorded.get(criterion.pk),
                "suggestion": suggest(criterion.rule, results, national) if criterion.rule else None,
            }
        )
    return rows


def gaining_ground_edit(request, la_code, urn):
    school = get_school_for_register_edit(request, urn)
    form = GainingGroundForm(
        request.POST or None,
        initial={
            "gaining_ground_joined": school.gaining_ground_joined,
            "gaining_ground_left": school.gaining_ground_left,
            "version": school.version,
        },
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.school_set_gaining_ground(
                actor=request.user,
                school=school,
                joined=form.cleaned_data["gaining_ground_joined"],
                left=form.cleaned_data["gaining_ground_left"],
                version=form.cleaned_data["version"],
                request=request,
            )
        except VersionConflict as error:
            saved = school_as_saved(school)
            conflict = Conflict.for_form(form, saved, error=error, version=saved.version)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Gaining Ground membership of {school.name} saved.")
            return redirect("schools:detail", la_code, urn)
    return render(request, "schools/gaining_ground_edit.html", {"school": school, "form": form, "conflict": conflict})


def results_edit(request, la_code, urn, year):
    school = get_school_for_edit(request, urn)
    if not 1990 <= year <= current_academic_year():
        raise Http404("No such year")
    results = {r.group: r for r in school.results.filter(academic_year=year)}
    form = ResultsForm(request.POST or None, results=results)
    if request.method == "POST" and form.is_valid():
        rows, versions = form.rows()
        try:
            changed = services.results_save(
                actor=request.user, school=school, academic_year=year, rows=rows, versions=versions, request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Results for {academic_year_label(year)} saved ({changed} groups changed).")
            return redirect("schools:detail", la_code, urn)
    return render(
        request,
        "schools/results_edit.html",
        {"school": school, "form": form, "year": year, "year_label": academic_year_label(year)},
    )


def eligibility_edit(request, la_code, urn, number):
    school = get_school_for_edit(request, urn)
    criterion = get_criterion(number)
    assessment = assessment_of(school, criterion)
    suggestion = None
    if criterion.rule:
        suggestion = suggest(criterion.rule, list(school.results.all()), national_averages())
    initial = {
        "finding": assessment.finding if assessment else EligibilityAssessment.Finding.NOT_ASSESSED,
        "evidence": assessment.evidence if assessment else "",
        "version": assessment.version if assessment else 0,
    }
    if request.method == "GET" and request.GET.get("use") == "suggestion" and suggestion and suggestion.finding:
        initial.update(
            finding=suggestion.finding,
            evidence=f"{suggestion.rule}\n" + "\n".join(suggestion.numbers),
            followed_suggestion=True,
        )
    form = EligibilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_record(
                actor=request.user, school=school, criterion=criterion, request=request, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Criterion {criterion.number} recorded for {school.name}.")
            return redirect(reverse("schools:detail", args=[la_code, urn]) + "#eligibility")
    return render(
        request,
        "schools/eligibility_edit.html",
        {"school": school, "criterion": criterion, "assessment": assessment, "suggestion": suggestion, "form": form},
    )


def imports(request, la_code):
    get_la_for_user(request, "schools.manage_register")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_import = services.data_import_request(
                actor=request.user, la=request.la, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("schools:import", la_code, data_import.pk)
    recent = recent_imports()
    background_up = background_is_up(background_status(ping_timeout=0.5))
    return render(request, "schools/imports.html", {"form": form, "recent": recent, "background_up": background_up})


def _import_status_text(data_import: DataImport, progress: dict) -> str:
    """The one sentence the page and its polling script show while an import has not finished."""
    if data_import.is_queued_without_broker:
        return (
            "Queued. Background processing is not available at the moment; the import will start by itself "
            "when it is back. Your file is saved, and you can leave this page."
        )
    if data_import.state == DataImport.State.REQUESTED:
        return "Waiting to start."
    if progress["stage"] == "unavailable":
        return "Importing. Progress not available at the moment."
    if progress["rows"]:
        verb = "written" if progress["stage"] == "writing" else "checked"
        return f"Importing: {progress['rows']} rows {verb} so far."
    return "Importing."


def import_detail(request, la_code, import_id):
    get_la_for_user(request, "schools.manage_register")
    data_import = get_import_for_la(import_id)
    progress = progress_of(data_import)
    status_text = _import_status_text(data_import, progress)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"state": data_import.state, "finished": data_import.finished, "status": status_text, **progress}
        )
    return render(
        request,
        "schools/import_detail.html",
        {"data_import": data_import, "progress": progress, "status_text": status_text},
    )


@require_GET
def results_template(request, la_code):
    """The performance data template: one row per school for last year, all pupils."""
    get_la_for_user(request, "schools.manage_register")
    year = current_academic_year() - 1

    def rows():
        yield RESULTS_COLUMNS
        for school in school_list_rows(request.user, request.la).order_by("name").iterator(chunk_size=500):
            cells = [school.urn, spreadsheet_safe(school.name), academic_year_label(year), "all"]
            yield cells + [""] * (len(RESULTS_COLUMNS) - len(cells))

    return csv_download(request.la, f"performance-data-template-{request.la.code}.csv", rows())


def link_confirm(request, la_code, urn, link_id):
    """The LA administrator confirms a successor: the page says what carries over; POST does it."""
    school = get_school_for_user(request, urn)
    link = get_link_for_confirming(request, school, link_id)
    error = None
    if request.method == "POST":
        try:
            services.school_link_confirm(actor=request.user, link=link, request=request)
        except DomainError as problem:
            error = problem.message
        else:
            messages.success(
                request, f"{school.name} now continues {link.predecessor.name}: this year's work has carried over."
            )
            return redirect("schools:detail", la_code, urn)
    return render(request, "schools/link_confirm.html", {"school": school, "link": link, "error": error})
