"""Caseload and visit pages: object helper → form → service → response."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from common.conflicts import Conflict, VersionConflict
from common.errors import DomainError
from common.forms import add_domain_error, error_summary_items
from tenancy.academic_year import academic_year_label, current_academic_year, year_links
from tenancy.selectors import get_la_for_user

from . import selectors, services
from .forms import (
    AssignmentForm,
    EvaluationForm,
    NextStepFormSet,
    PersonFormSet,
    PrepareYearForm,
    StepDecisionForm,
    SupportFormSet,
    VisitPlanForm,
    VisitRecordForm,
)
from .models import Visit


def caseload(request, la_code):
    """A SIP's schools in a year; for an LA administrator, every SIP's, with warnings."""
    get_la_for_user(request, "visits.view_caseload")
    page = selectors.caseload_page(request)
    return render(
        request,
        "visits/caseload.html",
        {
            "page": page,
            "rows": page.rows,
            "years": year_links(page.year, page.years),
            "year_query": "show=mine&amp;" if page.is_manager and page.mine_only else "",
            "sortable": selectors.CASELOAD_SORTS.keys(),
            "prepare": _prepare_todo(request) if page.is_manager else None,
        },
    )


def _prepare_todo(request) -> dict | None:
    todo = selectors.next_year_to_prepare(request.la, timezone.localdate())
    return {"label": academic_year_label(todo[0]), "count": todo[1]} if todo else None


def assign(request, la_code):
    """Assign a school's SIP for this year; changing the SIP of a year with visits is a handover."""
    get_la_for_user(request, "visits.manage_caseload")
    year = current_academic_year()
    form = AssignmentForm(request.POST or None, la=request.la, initial={"school": request.GET.get("school")})
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data["school"]
        before = school.sip_assignments.filter(academic_year=year).select_related("sip").first()
        try:
            assignment = services.assignment_set(
                actor=request.user,
                school=school,
                sip=form.cleaned_data["sip"],
                academic_year=year,
                days_allocated=form.cleaned_data["days_allocated"],
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            label = academic_year_label(year)
            if before and before.sip_id != assignment.sip_id:
                messages.success(
                    request,
                    f"{school.name} is handed over from {before.sip} to {assignment.sip} for {label}. "
                    f"The visits {before.sip} logged stay theirs; the year's days used carry over.",
                )
            else:
                messages.success(request, f"{assignment.sip} is the SIP of {school.name} for {label}.")
            return redirect("visits:caseload", la_code)
    return render(request, "visits/assign.html", {"form": form, "year_label": academic_year_label(year)})


def prepare_year(request, la_code):
    """Next year's SIP assignments, proposed from this year's, confirmed in bulk (from 1 July)."""
    get_la_for_user(request, "visits.manage_caseload")
    today = timezone.localdate()
    year = current_academic_year() + 1
    if not selectors.can_prepare_year(year, today):
        return render(
            request,
            "visits/prepare_year.html",
            {"year_label": academic_year_label(year), "not_yet": True},
        )
    proposals = selectors.next_year_proposal(year)
    form = PrepareYearForm(request.POST or None, la=request.la, proposals=proposals)
    if request.method == "POST" and form.is_valid():
        try:
            assigned = services.assignments_prepare(
                actor=request.user, la=request.la, academic_year=year, proposals=form.confirmed(), request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{assigned} school{'s' if assigned != 1 else ''} have a SIP for {academic_year_label(year)}.",
            )
            return redirect("visits:caseload", la_code)
    return render(
        request,
        "visits/prepare_year.html",
        {"year_label": academic_year_label(year), "form": form, "rows": form.rows()},
    )


def visit_list(request, la_code, urn):
    school = selectors.get_school_visits_for_user(request, urn)
    year, years, visits = selectors.visit_list_page(request, school)
    can_plan = request.user.has_perm("visits.plan_visit", school) and year == current_academic_year()
    return render(
        request,
        "visits/visit_list.html",
        {
            "school": school,
            "visits": visits,
            "year": year,
            "year_label": academic_year_label(year),
            "is_current_year": year == current_academic_year(),
            "years": year_links(year, years),
            "can_plan": can_plan,
            "can_decide_year_end": request.user.has_perm("visits.decide_year_end", school),
        },
    )


def visit_new(request, la_code, urn):
    school, assignment = selectors.get_school_for_planning(request, urn)
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


def _visit_body(visit) -> dict:
    return {
        "people": visit.people.all(),
        "evaluations": visit.evaluations.select_related("priority"),
        "support": visit.support.all(),
        "next_steps": visit.next_steps.all(),
    }


def visit_detail(request, la_code, urn, visit_id):
    school = selectors.get_school_visits_for_user(request, urn)
    visit = selectors.get_visit_for_user(request, school, visit_id)
    today = timezone.localdate()
    return render(
        request,
        "visits/visit_detail.html",
        {
            "school": school,
            "visit": visit,
            **_visit_body(visit),
            "to_review": selectors.open_earlier_steps(visit),
            "amendments": visit.amendments.select_related("by"),
            "can_record": request.user.has_perm("visits.record_visit", visit),
            "can_correct": request.user.has_perm("visits.correct_visit", visit),
            "has_happened": visit.has_happened(today),
            "is_history": visit.academic_year < current_academic_year(),
            "can_see_notes": request.user.has_perm("visits.view_private_notes", visit),
            "problems": selectors.finalise_problems(visit) if not visit.is_final else [],
        },
    )


def visit_note(request, la_code, urn, visit_id):
    """The visit note to print or share: what the school sees, never the private working notes."""
    school = selectors.get_school_visits_for_user(request, urn)
    visit = selectors.get_visit_for_user(request, school, visit_id)
    if visit.state == Visit.State.PLANNED:
        raise Http404("Nothing is recorded for this visit yet.")
    return render(request, "visits/visit_note.html", {"school": school, "visit": visit, **_visit_body(visit)})


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
    school = selectors.get_school_visits_for_user(request, urn)
    visit = selectors.get_visit_for_edit(request, school, visit_id)
    priorities = list(selectors.active_priorities(school))
    forms = _record_forms(request, visit, priorities)
    to_review = list(selectors.open_earlier_steps(visit))
    errors: list[tuple[str, str]] = []
    conflict = None
    if request.method == "POST":
        flat = [forms["main"], *forms["people"], *forms["support"], *forms["steps"], *forms["evaluations"]]
        valid = all([f.is_valid() for f in flat])  # every form validated, so every error shows
        ticked = {int(pk) for pk in request.POST.getlist("done") if pk.isdigit()}
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
                steps_done=sorted(ticked),
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
            except VersionConflict as error:
                # What the other person saved, beside what this person typed; the next save goes through.
                saved = selectors.visit_as_saved(visit)
                if saved.is_final != visit.is_final:
                    # Finalised meanwhile: the form now asks why the record is changed. (Its own copy of
                    # the record, since validating a model form writes the typed values onto it.)
                    copy = selectors.visit_as_saved(visit)
                    forms["main"] = flat[0] = VisitRecordForm(request.POST, instance=copy)
                    forms["main"].is_valid()
                conflict = Conflict.for_form(forms["main"], saved, error=error, version=saved.version)
                visit = saved
            except DomainError as error:
                add_domain_error(forms["main"], error)
            else:
                if "finalise" in request.POST:
                    return redirect("visits:finalise", la_code, urn, visit.pk)
                messages.success(
                    request, "Saved." if not visit.is_final else "The amendment is saved in the record's history."
                )
                return redirect("visits:visit", la_code, urn, visit.pk)
        for step in to_review:
            step.ticked = step.pk in ticked
        errors = error_summary_items(flat)
    else:
        for step in to_review:
            step.ticked = step.done_at_visit_id == visit.pk
    return render(
        request,
        "visits/visit_record.html",
        {
            "school": school,
            "visit": visit,
            "forms": forms,
            "errors": errors,
            "to_review": to_review,
            "conflict": conflict,
            "is_correction": visit.academic_year < current_academic_year(),
        },
    )


def visit_finalise(request, la_code, urn, visit_id):
    """Check your answers, then finalise."""
    school = selectors.get_school_visits_for_user(request, urn)
    visit = selectors.get_visit_for_finalising(request, school, visit_id)
    problems = selectors.finalise_problems(visit)
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
        {"school": school, "visit": visit, "problems": problems, **_visit_body(visit)},
    )


def year_end(request, la_code, urn):
    """The SIP decides, step by step, what happens to the open next steps at year end."""
    school = selectors.get_school_for_year_end(request, urn)
    today = timezone.localdate()
    steps = list(selectors.steps_to_decide(school, today))
    ending = selectors.year_ending(today)
    forms = [StepDecisionForm(request.POST or None, step=step) for step in steps]
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if all([f.is_valid() for f in forms]):
            decisions = [f.chosen() for f in forms if f.chosen() is not None]
            try:
                decided = services.next_steps_decide(
                    actor=request.user, school=school, decisions=decisions, request=request
                )
            except DomainError as error:
                errors = [("", error.message)]
            else:
                messages.success(request, f"{decided} next step{'s' if decided != 1 else ''} decided.")
                return redirect("visits:list", la_code, urn)
        errors = errors or error_summary_items(forms)
    return render(
        request,
        "visits/year_end.html",
        {
            "school": school,
            "forms": forms,
            "errors": errors,
            "ending_label": academic_year_label(ending),
            "new_label": academic_year_label(ending + 1),
        },
    )
