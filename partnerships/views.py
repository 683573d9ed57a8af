"""Partnership pages under /partnerships/: reached by the people of one partnership, from any LA.

Each view finds the person's part in the partnership (404 when they have none) and then runs
inside the scope of the partnership's LA, so nothing else of that LA can be read.
"""

import csv
import functools

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_scopes import scope, scopes_disabled

from common.forms import add_domain_error, error_summary_items
from common.streaming import spreadsheet_safe
from jobs.documents import stored_file_response
from jobs.models import JobState
from tenancy.academic_year import academic_year_label, current_academic_year, year_from_request, year_links
from tenancy.selectors import get_la_for_user

from . import services
from .forms import (
    AssignForm,
    DetailsForm,
    LedgerLineForm,
    LockedForm,
    NoteForm,
    RespondForm,
    StrategyFormSet,
    TransitionForm,
)
from .models import Form2, MatchProposal
from .rendering import form2_filename
from .selectors import (
    LEDGER_ROWS,
    PACE_RULE,
    assignable_people,
    get_focus_area_for_edit,
    get_form2_document_for_retry,
    get_form2_document_for_user,
    get_partnership_for_assigning,
    get_partnership_for_ledger,
    get_partnership_for_notes,
    get_partnership_for_user,
    get_plan_for_edit,
    get_plan_for_user,
    get_proposal_for_user,
    la_ledger,
    latest_plan,
    ledger_purposes,
    ledger_totals,
    partnerships_for,
    plan_document,
    plan_strategies,
    plans_for,
    school_ledger,
)
from .services import PartnershipError


def partnership_view(view=None, *, access=get_partnership_for_user):
    """Resolve the person's part in the partnership with the `access` helper, then run the view in its LA's scope.

    The helper answers 404 to someone with no part in it, and its `…_for_<page>` twins 403 to a
    member whose part does not include the page.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, partnership_id, **kwargs):
            found = access(request, partnership_id)
            with scope(la=found.partnership.la_id):
                return view(request, found, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def mine(request):
    """The partnerships the person has a part in, in any LA."""
    return render(request, "partnerships/mine.html", {"partnerships": partnerships_for(request.user)})


def proposal(request, proposal_id):
    """The partner school's head reads a proposal and accepts or declines it."""
    found = get_proposal_for_user(request.user, proposal_id)
    form = RespondForm(request.POST or None)
    if request.method == "POST" and found.state == MatchProposal.State.PROPOSED and form.is_valid():
        try:
            partnership = services.proposal_respond(
                actor=request.user,
                proposal=found,
                accept=form.cleaned_data["answer"] == "accept",
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PartnershipError as error:
            add_domain_error(form, error)
        else:
            if partnership is not None:
                messages.success(request, "You accepted the partnership. Its plan (Form 2) is ready to agree.")
                return redirect("partnerships:detail", partnership.pk)
            messages.success(request, "You declined. The matching body will look for another partner school.")
            return redirect("partnerships:mine")
    with scope(la=found.la_id):
        issues = [p for p in found.profile.priorities.all() if p.most_important]
        return render(
            request,
            "partnerships/proposal.html",
            {"proposal": found, "form": form, "issues": issues},
            status=200 if not form.errors else 400,
        )


@partnership_view
def detail(request, access):
    return _detail_page(request, access)


def _detail_page(request, access, *, transition_form=None, status=200):
    """The partnership and its latest Form 2; a refused step shows its form again with the error."""
    partnership = access.partnership
    plans = list(plans_for(access))
    plan = plans[0] if plans else None
    areas = []
    if plan is not None:
        areas = list(plan.focus_areas.prefetch_related("strategies"))
    # The newest submitted version's PDF (a newer draft has none yet).
    document = plan_document(next((p for p in plans if p.state == Form2.State.SUBMITTED), None))
    transitions = services.allowed_transitions(access, plan) if plan else []
    if plan is not None and transition_form is None:
        # The comment box only where the person may return the plan.
        form_class = TransitionForm if "return" in transitions else LockedForm
        transition_form = form_class(initial={"lock_version": plan.lock_version})
    events = list(plan.events.select_related("actor")) if plan else []
    returned = next((e for e in reversed(events) if e.action == "return"), None)
    return render(
        request,
        "partnerships/detail.html",
        {
            "access": access,
            "partnership": partnership,
            "plan": plan,
            "plans": plans,
            "areas": areas,
            "events": events,
            "returned": returned if plan and plan.state == Form2.State.RETURNED and access.is_partner else None,
            "transitions": [(n, services.TRANSITIONS[n].button) for n in transitions],
            "transition_form": transition_form,
            "problems": services.plan_problems(plan) if plan and plan.is_editable else [],
            "editable": plan is not None and plan.is_editable and access.is_partner,
            "notes": list(partnership.monitoring_notes.select_related("author")) if access.sees_drafts else [],
            "can_new_version": plan is not None
            and plan.state == Form2.State.SUBMITTED
            and (access.is_partner or access.is_matching_body),
            "document": document,
            # Refreshed while the PDF is made, unless the page holds a newer version's forms.
            "rendering": document is not None
            and document.plan_id == getattr(plan, "pk", None)
            and document.state in (JobState.REQUESTED, JobState.RUNNING),
        },
        status=status,
    )


@partnership_view
def form2_print(request, access, plan_id):
    plan = get_plan_for_user(access, plan_id)
    return render(
        request,
        "partnerships/form2_print.html",
        {"partnership": access.partnership, "plan": plan, "areas": plan.focus_areas.prefetch_related("strategies")},
    )


@partnership_view
def form2_download(request, access, plan_id):
    """The PDF of a submitted version, to the people who may read it; 404 to anyone else."""
    document = get_form2_document_for_user(access, plan_id)
    if not document.is_ready:
        messages.info(request, "The PDF of this plan is not ready yet.")
        return redirect("partnerships:detail", access.partnership.pk)
    services.form2_document_download(actor=request.user, access=access, document=document, request=request)
    return stored_file_response(document.file.name, form2_filename(document.plan), "application/pdf")


@partnership_view
def form2_retry(request, access, plan_id):
    document = get_form2_document_for_user(access, plan_id)
    if request.method != "POST":
        # Checked after the plan, so people who may not know of it get a 404.
        return HttpResponseNotAllowed(["POST"])
    document = get_form2_document_for_retry(access, document)
    try:
        services.form2_document_retry(actor=request.user, access=access, document=document, request=request)
    except PartnershipError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Asked again. The page shows when it is ready.")
    return redirect("partnerships:detail", access.partnership.pk)


def _form_page(request, form, *, title, caption, back_url, button, status=200):
    return render(
        request,
        "form_page.html",
        {"form": form, "page_title": title, "caption": caption, "back_url": back_url, "button": button},
        status=status,
    )


@partnership_view
def form2_details(request, access, plan_id):
    plan = get_plan_for_edit(access, plan_id)
    back = reverse("partnerships:detail", args=[access.partnership.pk])
    form = DetailsForm(request.POST or None, instance=plan, initial={"lock_version": plan.lock_version})
    if request.method == "POST" and form.is_valid():
        try:
            services.form2_save_contacts(
                actor=request.user,
                access=access,
                plan=plan,
                lock_version=form.cleaned_data["lock_version"],
                values={name: form.cleaned_data[name] for name in DetailsForm.Meta.fields},
                request=request,
            )
        except PartnershipError as error:
            # A conflict belongs to the whole form: its hidden version field shows no message.
            form.add_error(None if error.field == "lock_version" else error.field, error.message)
            if error.field == "lock_version":
                plan.refresh_from_db()
        else:
            messages.success(request, "Saved.")
            return redirect(back)
    return _form_page(
        request,
        form,
        title="Contacts and the meeting",
        caption=access.partnership.name,
        back_url=back,
        button="Save",
        status=400 if form.errors else 200,
    )


@partnership_view
def form2_strategies(request, access, plan_id, focus_area_id):
    plan, area = get_focus_area_for_edit(access, plan_id, focus_area_id)
    back = reverse("partnerships:detail", args=[access.partnership.pk])
    initial = [
        {"strategy": s.strategy, "lead": s.lead, "starts_on": s.starts_on, "ends_on": s.ends_on}
        for s in area.strategies.all()
    ]
    formset = StrategyFormSet(request.POST or None, prefix="strategies", initial=initial)
    lock = LockedForm(request.POST or None, initial={"lock_version": plan.lock_version})
    top_errors = []
    if request.method == "POST" and formset.is_valid() and lock.is_valid():
        rows = [
            {k: f.cleaned_data[k] for k in ("strategy", "lead", "starts_on", "ends_on")}
            for f in formset.forms
            if not f.is_empty()
        ]
        changed = services.strategies_differ(area, rows)
        try:
            services.form2_save_strategies(
                actor=request.user,
                access=access,
                plan=plan,
                focus_area=area,
                lock_version=lock.cleaned_data["lock_version"],
                rows=rows,
                request=request,
            )
        except PartnershipError as error:
            top_errors.append(("", error.message))
            if error.field == "lock_version":
                plan.refresh_from_db()
                lock = LockedForm(initial={"lock_version": plan.lock_version})
        else:
            messages.success(request, "Strategies saved." if changed else "Nothing changed: no strategies were saved.")
            return redirect(back)
    errors = top_errors + error_summary_items(list(formset.forms) + [lock])
    errors += [("", e) for e in formset.non_form_errors()]
    return render(
        request,
        "partnerships/strategies.html",
        {"access": access, "plan": plan, "area": area, "formset": formset, "lock": lock, "errors": errors},
        status=400 if errors else 200,
    )


@partnership_view
@require_POST
def form2_transition(request, access, plan_id):
    plan = get_plan_for_user(access, plan_id)
    name = request.POST.get("transition", "")
    form = TransitionForm(request.POST)
    back = reverse("partnerships:detail", args=[access.partnership.pk])
    if not form.is_valid():
        messages.error(request, "The page was out of date. Try again.")
        return redirect(back)
    try:
        services.form2_transition(
            actor=request.user,
            access=access,
            plan=plan,
            name=name,
            lock_version=form.cleaned_data["lock_version"],
            comment=form.cleaned_data["comment"],
            request=request,
        )
    except PartnershipError as error:
        if error.field == "comment":
            # The page again, with the error summary linking to the comment box.
            add_domain_error(form, error)
            return _detail_page(request, access, transition_form=form, status=400)
        messages.error(request, error.message)
    else:
        messages.success(request, services.TRANSITIONS[name].done)
    return redirect(back)


@partnership_view
@require_POST
def form2_new_version(request, access, plan_id):
    plan = get_plan_for_user(access, plan_id)
    try:
        services.form2_new_version(actor=request.user, access=access, plan=plan, request=request)
    except PartnershipError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "A new version was started as a draft.")
    return redirect("partnerships:detail", access.partnership.pk)


@partnership_view(access=get_partnership_for_assigning)
def assign(request, access):
    with scopes_disabled():
        heads, coordinators = assignable_people()
        partnership = access.partnership
        form = AssignForm(
            request.POST or None,
            consultant_heads=heads,
            coordinators=coordinators,
            initial={"consultant_head": partnership.consultant_head_id, "coordinator": partnership.coordinator_id},
        )
        if request.method == "POST" and form.is_valid():
            services.partnership_assign(
                actor=request.user,
                access=access,
                consultant_head=form.cleaned_data["consultant_head"],
                coordinator=form.cleaned_data["coordinator"],
                request=request,
            )
            messages.success(request, "Saved.")
            return redirect("partnerships:detail", partnership.pk)
        return _form_page(
            request,
            form,
            title="SSAT consultant head and coordinator",
            caption=partnership.name,
            back_url=reverse("partnerships:detail", args=[partnership.pk]),
            button="Save",
            status=400 if form.errors else 200,
        )


@partnership_view(access=get_partnership_for_notes)
def note(request, access):
    plan = latest_plan(access.partnership)
    strategies = plan_strategies(plan)
    form = NoteForm(request.POST or None, strategies=list(strategies))
    if request.method == "POST" and form.is_valid():
        try:
            services.monitoring_note_add(
                actor=request.user,
                access=access,
                strategy_text=form.cleaned_data["strategy_text"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except PartnershipError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Note recorded.")
            return redirect("partnerships:detail", access.partnership.pk)
    return _form_page(
        request,
        form,
        title="Monitoring note",
        caption=access.partnership.name,
        back_url=reverse("partnerships:detail", args=[access.partnership.pk]),
        button="Record the note",
        status=400 if form.errors else 200,
    )


@partnership_view(access=get_partnership_for_ledger)
def ledger(request, access):
    """The Gaining Ground school's ledger for the partnership's year; deliverers add their lines."""
    partnership = access.partnership
    rows, lines = school_ledger(partnership.school, partnership.academic_year, timezone.localdate())
    kinds = services.ledger_kinds_for(access)
    form = None
    if kinds:
        plan = latest_plan(partnership)
        purposes = ledger_purposes(access, plan)
        form = LedgerLineForm(request.POST or None, kinds=kinds, purposes=purposes)
        if request.method == "POST" and form.is_valid():
            try:
                services.ledger_line_add(actor=request.user, access=access, request=request, **form.cleaned_data)
            except PartnershipError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, "Recorded.")
                return redirect("partnerships:ledger", partnership.pk)
    return render(
        request,
        "partnerships/ledger.html",
        {
            "access": access,
            "partnership": partnership,
            "rows": rows,
            "lines": lines,
            "form": form,
            "pace_rule": PACE_RULE,
            "year_label": academic_year_label(partnership.academic_year),
        },
        status=400 if form is not None and form.errors else 200,
    )


# --- the LA's table (a tenant page under /la/<la_code>/) ---------------------------------------


def la_ledger_table(request, la_code):
    get_la_for_user(request, "partnerships.view_la_ledger")
    year = year_from_request(request)
    table = la_ledger(request.la, year, timezone.localdate())
    return render(
        request,
        "partnerships/la_ledger.html",
        {
            "table": table,
            "totals": ledger_totals(table),
            "headings": LEDGER_ROWS,
            "year": year,
            "year_label": academic_year_label(year),
            "years": year_links(year, range(current_academic_year() - 2, current_academic_year())),
            "pace_rule": PACE_RULE,
        },
    )


def la_ledger_csv(request, la_code):
    get_la_for_user(request, "partnerships.view_la_ledger")
    year = year_from_request(request)
    table = la_ledger(request.la, year, timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gaining-ground-ledger-{la_code}-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(["URN", "School"] + [f"{label} used ({unit})" for _, label, unit in LEDGER_ROWS] + ["Warnings"])
    for entry in table:
        warnings = " ".join(w for row in entry["rows"] for w in row.warnings)
        writer.writerow(
            [spreadsheet_safe(entry["school"].urn), spreadsheet_safe(entry["school"].name)]
            + [row.used for row in entry["rows"]]
            + [spreadsheet_safe(warnings)]
        )
    from audit.models import Action
    from audit.services import audit_record

    audit_record(action=Action.DATA_EXPORTED, request=request, la=request.la, detail={"what": "ledger", "year": year})
    return response
