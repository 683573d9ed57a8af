from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from priorities.models import Priority
from schools.selectors import get_school_for_user
from sipportal.errors import DomainError
from sipportal.forms import add_domain_error, error_summary_items
from tenancy.academic_year import academic_year_label, current_academic_year

from . import services
from .forms import (
    AssignmentForm,
    EvaluationForm,
    NextStepFormSet,
    PersonFormSet,
    SupportFormSet,
    VisitPlanForm,
    VisitRecordForm,
)
from .models import SipAssignment, Visit, standard_allocation
from .selectors import caseload_rows, get_visit_for_user, warnings_for

# Sortable caseload columns: URL key → ordering field, and the column headings in order.
CASELOAD_SORTS = {
    "school": "school__name",
    "sip": "sip__full_name",
    "days": "days_used",
    "last": "last_visit",
    "next": "next_visit",
    "open": "open_steps",
    "overdue": "overdue_steps",
}
CASELOAD_COLUMNS = [
    ("school", "School"),
    ("sip", "SIP"),
    ("gaining-ground", "Gaining Ground"),
    ("days", "Days used of allocated"),
    ("last", "Last visit"),
    ("next", "Next visit"),
    ("open", "Open next steps (all years)"),
    ("overdue", "Overdue"),
    ("warnings", "Warnings"),
]


def caseload(request, la_code):
    """A SIP's schools this year; for an LA administrator, every SIP's, with warnings."""
    if not request.user.has_perm("visits.view_caseload", request.la):
        raise PermissionDenied
    year = current_academic_year()
    assignments = SipAssignment.objects.filter(academic_year=year)
    is_manager = request.user.has_perm("visits.manage_caseload", request.la)
    mine_only = not is_manager or request.GET.get("show") == "mine"
    if mine_only:
        assignments = assignments.filter(sip=request.user)
    gaining_ground = request.GET.get("gaining_ground")
    if gaining_ground in ("yes", "no"):
        current = {"school__gaining_ground_joined__isnull": False, "school__gaining_ground_left__isnull": True}
        assignments = assignments.filter(**current) if gaining_ground == "yes" else assignments.exclude(**current)
    sort = request.GET.get("sort", "")
    column = CASELOAD_SORTS.get(sort.lstrip("-"))
    order = [f"-{column}" if sort.startswith("-") else column] if column else []
    rows = list(caseload_rows(assignments).order_by(*order, "sip__full_name", "school__name"))
    for row in rows:
        row.warnings = warnings_for(row)
    if request.GET.get("warnings") == "yes":
        rows = [row for row in rows if row.warnings]
    upcoming = (
        Visit.objects.filter(assignment__sip=request.user, state=Visit.State.PLANNED, date__gte=timezone.localdate())
        .select_related("assignment__school", "assignment__school__la")
        .order_by("date")[:10]
    )
    return render(
        request,
        "visits/caseload.html",
        {
            "rows": rows,
            "year_label": academic_year_label(year),
            "is_manager": is_manager,
            "mine_only": mine_only,
            "upcoming": upcoming,
            "warnings_only": request.GET.get("warnings") == "yes",
            "sort": sort,
            "sortable": CASELOAD_SORTS.keys(),
            "gaining_ground": gaining_ground,
            "columns": [(key, label) for key, label in CASELOAD_COLUMNS if not (mine_only and key == "sip")],
        },
    )


def assign(request, la_code):
    if not request.user.has_perm("visits.manage_caseload", request.la):
        raise PermissionDenied
    year = current_academic_year()
    form = AssignmentForm(request.POST or None, la=request.la, initial={"school": request.GET.get("school")})
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data["school"]
        days = form.cleaned_data["days_allocated"]
        try:
            services.assignment_set(
                actor=request.user,
                school=school,
                sip=form.cleaned_data["sip"],
                academic_year=year,
                days_allocated=standard_allocation(school) if days is None else days,
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, f"{form.cleaned_data['sip']} is the SIP of {school.name} for {academic_year_label(year)}."
            )
            return redirect("visits:caseload", la_code)
    return render(request, "visits/assign.html", {"form": form, "year_label": academic_year_label(year)})


def _school_for_visits(request, urn):
    school = get_school_for_user(request, urn)
    if not request.user.has_perm("visits.view_visits", school):
        raise Http404("No such page")
    return school


def visit_list(request, la_code, urn):
    school = _school_for_visits(request, urn)
    visits = Visit.objects.filter(assignment__school=school).select_related("assignment__sip").order_by("-date")
    if not request.user.has_perm("visits.plan_visit", school) and not request.user.has_perm(
        "visits.manage_caseload", request.la
    ):
        visits = visits.filter(state=Visit.State.FINAL)
    return render(
        request,
        "visits/visit_list.html",
        {"school": school, "visits": visits, "can_plan": request.user.has_perm("visits.plan_visit", school)},
    )


def visit_new(request, la_code, urn):
    school = _school_for_visits(request, urn)
    if not request.user.has_perm("visits.plan_visit", school):
        raise PermissionDenied
    assignment = SipAssignment.objects.get(school=school, academic_year=current_academic_year())
    form = VisitPlanForm(request.POST or None, initial={"kind": Visit.Kind.STANDARD, "length_days": "1.0"})
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_plan(actor=request.user, assignment=assignment, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Visit planned for {visit.date:%-d %B %Y}.")
            return redirect("visits:visit", la_code, urn, visit.pk)
    return render(request, "visits/visit_new.html", {"school": school, "form": form})


def visit_detail(request, la_code, urn, visit_id):
    school = _school_for_visits(request, urn)
    visit = get_visit_for_user(request, school, visit_id)
    return render(
        request,
        "visits/visit_detail.html",
        {
            "school": school,
            "visit": visit,
            "people": visit.people.all(),
            "evaluations": visit.evaluations.select_related("priority"),
            "support": visit.support.all(),
            "next_steps": visit.next_steps.all(),
            "to_review": services.open_earlier_steps(visit),
            "amendments": visit.amendments.select_related("by"),
            "can_record": request.user.has_perm("visits.record_visit", visit),
            "can_see_notes": request.user.has_perm("visits.view_private_notes", visit),
            "problems": services.finalise_problems(visit) if not visit.is_final else [],
        },
    )


def _record_forms(request, visit, priorities):
    data = request.POST if request.method == "POST" else None
    evaluations = {e.priority_id: e for e in visit.evaluations.all()}
    return {
        "main": VisitRecordForm(data, instance=visit, initial={"version": visit.version}),
        "people": PersonFormSet(
            data, prefix="people", initial=[{"name": p.name, "role": p.role} for p in visit.people.all()]
        ),
        "support": SupportFormSet(
            data,
            prefix="support",
            initial=[{"what": s.what, "provider": s.provider, "days": s.days} for s in visit.support.all()],
        ),
        "steps": NextStepFormSet(
            data,
            prefix="steps",
            initial=[{"action": n.action, "owner": n.owner, "due_on": n.due_on} for n in visit.next_steps.all()],
        ),
        "evaluations": [
            EvaluationForm(
                data,
                priority=priority,
                initial={
                    "status": evaluations[priority.pk].status,
                    "evidence": evaluations[priority.pk].evidence,
                    "cause": evaluations[priority.pk].cause,
                    "response": evaluations[priority.pk].response,
                }
                if priority.pk in evaluations
                else {},
            )
            for priority in priorities
        ],
    }


def visit_record(request, la_code, urn, visit_id):
    school = _school_for_visits(request, urn)
    visit = get_visit_for_user(request, school, visit_id)
    if not request.user.has_perm("visits.record_visit", visit):
        raise PermissionDenied
    priorities = list(Priority.objects.filter(school=school, is_active=True))
    forms = _record_forms(request, visit, priorities)
    to_review = list(services.open_earlier_steps(visit))
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        flat = [forms["main"], *forms["people"], *forms["support"], *forms["steps"], *forms["evaluations"]]
        valid = all([f.is_valid() for f in flat])  # every form validated, so every error shows
        if valid:
            record = services.VisitRecord(
                fields={name: forms["main"].cleaned_data[name] for name in services.RECORD_FIELDS},
                people=[f.cleaned_data for f in forms["people"] if not f.is_empty()],
                support=[f.cleaned_data for f in forms["support"] if not f.is_empty()],
                next_steps=[f.cleaned_data for f in forms["steps"] if not f.is_empty()],
                evaluations={
                    f.priority.pk: {k: f.cleaned_data[k] for k in ("status", "evidence", "cause", "response")}
                    for f in forms["evaluations"]
                    if f.cleaned_data.get("status")
                },
                steps_done=[int(pk) for pk in request.POST.getlist("done") if pk.isdigit()],
            )
            try:
                visit = services.visit_record(
                    actor=request.user,
                    visit=visit,
                    version=forms["main"].cleaned_data["version"],
                    record=record,
                    amendment_reason=forms["main"].cleaned_data.get("amendment_reason", ""),
                    request=request,
                )
            except DomainError as error:
                add_domain_error(forms["main"], error)
            else:
                if "finalise" in request.POST:
                    return redirect("visits:finalise", la_code, urn, visit.pk)
                messages.success(
                    request, "Saved." if not visit.is_final else "The amendment is saved in the record's history."
                )
                return redirect("visits:visit", la_code, urn, visit.pk)
        errors = error_summary_items(flat)
    return render(
        request,
        "visits/visit_record.html",
        {"school": school, "visit": visit, "forms": forms, "errors": errors, "to_review": to_review},
    )


def visit_finalise(request, la_code, urn, visit_id):
    """Check your answers, then finalise."""
    school = _school_for_visits(request, urn)
    visit = get_visit_for_user(request, school, visit_id)
    if not request.user.has_perm("visits.record_visit", visit) or visit.is_final:
        raise PermissionDenied
    problems = services.finalise_problems(visit)
    if request.method == "POST":
        try:
            services.visit_finalise(
                actor=request.user, visit=visit, version=int(request.POST.get("version", 0)), request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("visits:finalise", la_code, urn, visit.pk)
        messages.success(request, "The visit record is finalised and shared with the headteacher.")
        return redirect("visits:visit", la_code, urn, visit.pk)
    return render(
        request,
        "visits/visit_finalise.html",
        {
            "school": school,
            "visit": visit,
            "problems": problems,
            "people": visit.people.all(),
            "evaluations": visit.evaluations.select_related("priority"),
            "support": visit.support.all(),
            "next_steps": visit.next_steps.all(),
        },
    )
