"""Writing SIP reports, their workflow, and asking for their PDFs.

The workflow is draft → shared with the headteacher → issued, in `TRANSITIONS`. The head may
comment and confirm factual accuracy while the report is shared, but issuing never waits for the
head's agreement (the handbook is explicit). An issued report changes only as a new version with
a reason. Issuing asks for one PDF per audience; a worker renders each (reports/tasks.py).
"""

import datetime
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.predicates import is_schools_head, is_schools_sip
from audit.models import Action
from audit.services import audit_record
from common.errors import DomainError
from jobs.runner import job_enqueue, job_retry_failed, jobs_send
from priorities.models import PlanAction
from schools.models import PupilGroup
from tenancy.academic_year import academic_year_dates, academic_year_label, academic_year_of, current_academic_year
from visits.models import Visit, VisitPerson

from .models import Judgement, RenderedDocument, Report, ReportArchive, ReportEvent

State = Report.State
TERMS = {"autumn": 1, "spring": 2, "summer": 3}
TERM_NAMES = {1: "autumn", 2: "spring", 3: "summer"}
# The handbook asks for concise reports; beyond this the quality check says so.
CONCISE_WORDS = 2500
EDITABLE_FIELDS = (
    "title",
    "key_strengths",
    "priorities",
    "underachieving_groups",
    "underachievement",
    "self_evaluation_judgement",
    "self_evaluation",
    "capacity_judgement",
    "capacity",
    "challenge",
    "targets",
    "support",
    "partnership",
    "named_detail",
    "private_notes",
)
TEXT_SECTIONS = (
    "key_strengths",
    "priorities",
    "underachievement",
    "self_evaluation",
    "capacity",
    "challenge",
    "targets",
    "support",
)


class ReportError(DomainError):
    pass


def term_number(day: datetime.date) -> int:
    if day.month >= 9:
        return 1
    return 2 if day.month <= 3 else 3


# --- who may do what ------------------------------------------------------------------------


def _is_author_side(user, report: Report) -> bool:
    """The school's SIP this year writes, shares and issues its reports; the LA reads them."""
    return bool(is_schools_sip(user, report.school))


# action → (from states, who may, to state)
TRANSITIONS = {
    "share": ((State.DRAFT,), _is_author_side, State.SHARED),
    "issue": ((State.DRAFT, State.SHARED), _is_author_side, State.ISSUED),
}


def allowed_transitions(user, report: Report) -> list[str]:
    return [name for name, (sources, who, _) in TRANSITIONS.items() if report.state in sources and who(user, report)]


# --- writing ----------------------------------------------------------------------------------


def _lines(items) -> str:
    return "\n".join(f"• {item}" for item in items)


def _draft_from_portal(school, since: datetime.date | None) -> dict:
    """What the portal knows since the last report: visits' evaluations, next steps, support, plan."""
    visits = (
        Visit.objects.filter(assignment__school=school, state=Visit.State.FINAL)
        .order_by("date")
        .prefetch_related("evaluations__priority", "next_steps", "support")
    )
    if since:
        visits = visits.filter(date__gt=since)
    visits = list(visits)
    progress, slippage, steps, owners, support = [], [], [], [], []
    for visit in visits:
        for evaluation in visit.evaluations.all():
            status = evaluation.get_status_display()
            line = f"{visit.date:%d %b %Y}, {evaluation.priority.title}: {status}. {evaluation.evidence}"
            (progress if evaluation.status == "on-track" else slippage).append(line)
            if evaluation.cause:
                slippage.append(f"Cause: {evaluation.get_cause_display()}. {evaluation.response}".strip())
        for step in visit.next_steps.all():
            # Governors read the step; who owns it is detail naming staff.
            steps.append(f"{step.action} (by {step.due_on:%d %b %Y})")
            owners.append(f"{step.action}: {step.owner}")
        support += [f"{s.what} from {s.provider}, {s.days} days" for s in visit.support.all()]
    actions = PlanAction.objects.filter(priority__school=school, priority__is_active=True).select_related("priority")
    statuses = [f"{a.priority.title}: {a.description[:80]} is {a.get_rag_display().lower()}" for a in actions if a.rag]
    challenge = "Next steps agreed with the school:\n" + _lines(steps) if steps else ""
    targets = "Progress against the priorities:\n" + _lines(progress) if progress else ""
    if statuses:
        targets += ("\n\n" if targets else "") + "Improvement plan statuses:\n" + _lines(statuses)
    priorities = "Slippage and its causes:\n" + _lines(slippage) if slippage else ""
    return {
        "priorities": priorities,
        "challenge": challenge,
        "targets": targets,
        "support": _lines(support),
        "partnership": _partnership_draft(school),
        "named_detail": "Who owns each next step:\n" + _lines(owners) if owners else "",
        "visit": visits[-1] if visits else None,
    }


def _partnership_draft(school) -> str:
    """The partnership section: this year's Form 2 (the submitted one, else the latest) and the ledger's use.

    Strategies are named without their leads: governors read this section.
    """
    from partnerships.selectors import latest_plan, partnership_of_year, school_ledger

    year = current_academic_year()
    partnership = partnership_of_year(school, year)
    if partnership is None:
        return ""
    plan = latest_plan(partnership, submitted_only=True) or latest_plan(partnership)
    parts = [f"Partner school: {partnership.partner_school.name}."]
    if plan is not None:
        parts.append(f"Form 2, version {plan.version_number}: {plan.get_state_display().lower()}.")
        for area in plan.focus_areas.prefetch_related("strategies"):
            parts.append(f"{area.position}. {area.priority}: {area.key_focus_areas}")
            parts += [f"• {s.strategy} ({s.starts_on:%b %Y} to {s.ends_on:%b %Y})" for s in area.strategies.all()]
    rows, _ = school_ledger(school, year, timezone.localdate())
    parts.append("Use of the Gaining Ground offer so far:")
    for row in rows:
        used, entitled = _amount(row.used, row.unit), _amount(row.entitlement, row.unit)
        parts.append(f"• {row.label}: {used} of {entitled}" + (f" ({' '.join(row.warnings)})" if row.warnings else ""))
    return "\n".join(parts)


def _amount(value, unit: str) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return f"£{text}" if unit == "£" else f"{text} {unit}"


@transaction.atomic
def report_start(*, actor, school, request=None) -> Report:
    """A new draft report, filled with what the portal knows since the school's last report."""
    if not _is_author_side(actor, Report(school=school)):
        raise ReportError("Only the school's SIP writes its reports.")
    last = (
        Report.objects.filter(school=school, kind=Report.Kind.VISIT, state=State.ISSUED).order_by("-issued_at").first()
    )
    # Since the last report; a first report starts from this academic year's visits.
    since = (
        last.issued_at.date() if last else academic_year_dates(current_academic_year())[0] - datetime.timedelta(days=1)
    )
    known = _draft_from_portal(school, since)
    year, term = current_academic_year(), term_number(timezone.localdate())
    school_report = Report(
        school=school,
        kind=Report.Kind.VISIT,
        academic_year=year,
        term=term,
        title=f"SIP report, {TERM_NAMES[term]} term {academic_year_label(year)}",
        author=actor,
        **known,
    )
    school_report.full_clean()
    school_report.save()
    ReportEvent.objects.create(report=school_report, actor=actor, action="drafted")
    audit_record(
        action=Action.REPORT_CHANGED,
        actor=actor,
        request=request,
        obj=school,
        detail={"report": school_report.pk, "started": True},
    )
    return school_report


@transaction.atomic
def annual_report_start(*, actor, school, academic_year: int, request=None) -> Report:
    """The annual report to governors, built (for editing) from the year's issued reports."""
    if not _is_author_side(actor, Report(school=school)):
        raise ReportError("Only the school's SIP writes its reports.")
    issued = list(
        Report.objects.filter(
            school=school,
            kind=Report.Kind.VISIT,
            academic_year=academic_year,
            state=State.ISSUED,
            superseded_by__isnull=True,
        ).order_by("issued_at")
    )
    if not issued:
        raise ReportError(f"No report was issued in {academic_year_label(academic_year)} yet to build from.")
    values = {}
    for name in TEXT_SECTIONS:
        parts = [f"{r.title} ({r.issued_at:%d %B %Y}):\n{getattr(r, name)}" for r in issued if getattr(r, name)]
        values[name] = "\n\n".join(parts)
    latest = issued[-1]
    values["partnership"] = latest.partnership
    report = Report(
        school=school,
        kind=Report.Kind.ANNUAL,
        academic_year=academic_year,
        term=3,
        title=f"Annual report to governors {academic_year_label(academic_year)}",
        author=actor,
        underachieving_groups=sorted({g for r in issued for g in r.underachieving_groups}),
        self_evaluation_judgement=latest.self_evaluation_judgement,
        capacity_judgement=latest.capacity_judgement,
        **values,
    )
    report.full_clean()
    report.save()
    ReportEvent.objects.create(
        report=report, actor=actor, action="drafted", comment=f"Built from {len(issued)} issued report(s)."
    )
    audit_record(
        action=Action.REPORT_CHANGED,
        actor=actor,
        request=request,
        obj=school,
        detail={"report": report.pk, "annual": True},
    )
    return report


def _locked(report: Report, lock_version: int | None = None) -> Report:
    locked = Report.objects.select_for_update().select_related("school", "school__la").get(pk=report.pk)
    if lock_version is not None and locked.lock_version != lock_version:
        raise ReportError(
            "Someone else changed this report since you opened it. What you typed is below; "
            "check it against the saved report and save again."
        )
    return locked


@transaction.atomic
def report_save(*, actor, report: Report, lock_version: int, values: dict, request=None) -> Report:
    """Change the report's text and judgements while it is a draft or with the headteacher."""
    report = _locked(report, lock_version)
    if not report.is_editable:
        raise ReportError("This report has been issued: start a new version, with its reason, to change it.")
    if not _is_author_side(actor, report):
        raise ReportError("Only the school's SIP changes its report.")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ReportError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in values.items():
        setattr(report, name, value)
    report.lock_version += 1
    report.full_clean()
    report.save()
    audit_record(
        action=Action.REPORT_CHANGED, actor=actor, request=request, obj=report.school, detail={"report": report.pk}
    )
    return report


@transaction.atomic
def report_transition(*, actor, report: Report, action: str, request=None) -> Report:
    """Share with the headteacher or issue. Issuing asks for the report's PDFs."""
    report = _locked(report)
    if action not in TRANSITIONS:
        raise ReportError("That is not a step of a report's workflow.")
    sources, who, target = TRANSITIONS[action]
    if report.state not in sources:
        raise ReportError(f"This report is {report.get_state_display().lower()}: it cannot be {action}d now.")
    if not who(actor, report):
        raise ReportError("Only the school's SIP shares and issues its reports.")
    now = timezone.now()
    report.state = target
    if action == "share":
        report.shared_at = now
    else:
        report.issued_at, report.issued_by = now, actor
    report.lock_version += 1
    report.full_clean()
    report.save()
    ReportEvent.objects.create(report=report, actor=actor, action="shared" if action == "share" else "issued")
    audit_record(
        action=Action.REPORT_SHARED if action == "share" else Action.REPORT_ISSUED,
        actor=actor,
        request=request,
        obj=report.school,
        detail={"report": report.pk, "version": report.version_number},
    )
    if action == "issue":
        documents_request(report=report, actor=actor)
    return report


@transaction.atomic
def report_comment(
    *, actor, report: Report, comment: str, accuracy: str, inaccuracies: str = "", request=None
) -> Report:
    """The headteacher's comment on a shared report, and what they say about its factual accuracy."""
    report = _locked(report)
    if report.state != State.SHARED:
        raise ReportError("The headteacher comments while the report is shared with them.")
    if not is_schools_head(actor, report.school):
        raise ReportError("Only the school's headteacher comments here.")
    if accuracy not in ("accurate", "inaccurate"):
        raise ReportError("Say whether the report is factually accurate.", field="accuracy")
    if accuracy == "inaccurate" and not inaccuracies.strip():
        raise ReportError("Say what is inaccurate.", field="inaccuracies")
    if not comment.strip() and accuracy == "accurate" and report.head_accuracy == "accurate":
        raise ReportError("Write a comment.", field="comment")
    report.head_accuracy = accuracy
    report.head_inaccuracies = inaccuracies.strip() if accuracy == "inaccurate" else ""
    report.full_clean()
    report.save(update_fields=["head_accuracy", "head_inaccuracies", "updated_at"])
    words = (
        "Confirmed the report is factually accurate."
        if accuracy == "accurate"
        else f"Inaccurate: {inaccuracies.strip()}"
    )
    ReportEvent.objects.create(
        report=report, actor=actor, action="commented", comment="\n".join(p for p in (comment.strip(), words) if p)
    )
    audit_record(
        action=Action.REPORT_COMMENTED,
        actor=actor,
        request=request,
        obj=report.school,
        detail={"report": report.pk, "accuracy": accuracy},
    )
    return report


@transaction.atomic
def report_new_version(*, actor, report: Report, reason: str, request=None) -> Report:
    """A new draft version of an issued report; the reason is kept on it and in the history."""
    report = _locked(report)
    if not report.is_issued:
        raise ReportError("Only an issued report gets a new version; change this one directly.")
    if not _is_author_side(actor, report):
        raise ReportError("Only the school's SIP starts a new version of its report.")
    if not reason.strip():
        raise ReportError("Say why the issued report needs a new version.", field="reason")
    if Report.objects.filter(supersedes=report).exists():
        raise ReportError("A newer version of this report already exists.")
    copy = Report(
        school=report.school,
        kind=report.kind,
        academic_year=report.academic_year,
        term=report.term,
        visit=report.visit,
        author=actor,
        version_number=report.version_number + 1,
        supersedes=report,
        version_reason=reason.strip(),
        **{name: getattr(report, name) for name in EDITABLE_FIELDS},
    )
    copy.full_clean()
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError as error:
        raise ReportError("A newer version of this report already exists.") from error
    ReportEvent.objects.create(report=copy, actor=actor, action="new version", comment=reason.strip())
    audit_record(
        action=Action.REPORT_NEW_VERSION,
        actor=actor,
        request=request,
        obj=report.school,
        detail={"report": copy.pk, "reason": reason.strip()},
    )
    return copy


# --- the quality check ------------------------------------------------------------------------


def _known_names(report: Report) -> list[str]:
    """People the portal knows by name at the school: the headteacher and those met at visits."""
    names = {report.school.headteacher_name}
    names |= set(VisitPerson.objects.filter(visit__assignment__school=report.school).values_list("name", flat=True))
    return sorted(n.strip() for n in names if n and len(n.strip()) > 3)


def governors_text(report: Report) -> str:
    return "\n".join(getattr(report, name) for name in (*TEXT_SECTIONS, "partnership"))


def report_quality(report: Report) -> list[str]:
    """The handbook's "Good reports" list, as what this report still lacks (never blocks)."""
    missing = []
    labels = {name: Report._meta.get_field(name).verbose_name for name in TEXT_SECTIONS}
    if report.kind == Report.Kind.VISIT:
        if not report.underachieving_groups:
            missing.append("Name at least one group of pupils who are underachieving or not making good progress.")
        if not report.self_evaluation_judgement:
            missing.append("Make a judgement on the robustness of the school's self-evaluation.")
        if not report.capacity_judgement:
            missing.append("Make a clear judgement on the school's capacity to improve.")
        if not re.search(r"\btarget", report.targets, re.I) or not re.search(
            r"trajector|by (19|20)\d\d|\d+\s*%", report.targets, re.I
        ):
            missing.append("Record a target with its trajectory (where the school will be, and by when).")
    for name in TEXT_SECTIONS:
        if not getattr(report, name).strip():
            missing.append(f"The section “{labels[name][0].upper()}{labels[name][1:]}” is empty.")
    words = len(" ".join(getattr(report, n) for n in (*TEXT_SECTIONS, "partnership", "named_detail")).split())
    if words > CONCISE_WORDS:
        missing.append(
            f"At {words} words it is long; the handbook asks for concise reports (about {CONCISE_WORDS} at most)."
        )
    text = governors_text(report)
    for name in _known_names(report):
        if re.search(rf"\b{re.escape(name)}\b", text, re.I):
            missing.append(
                f"“{name}” is named in a section governors read; move it to the detail naming pupils or staff."
            )
    return missing


def group_labels(values) -> list[str]:
    return [PupilGroup(v).label for v in values if v in PupilGroup.values]


JUDGEMENT_WORDS = dict(Judgement.choices)


# --- PDFs -------------------------------------------------------------------------------------


def documents_request(*, report: Report, actor=None) -> list[RenderedDocument]:
    """One document row per audience of the report (existing rows are kept), each sent to a worker."""
    documents, created = [], []
    for audience in report.audiences():
        document, is_new = RenderedDocument.objects.get_or_create(
            report=report, audience=audience, defaults={"requested_by": actor}
        )
        documents.append(document)
        if is_new:
            created.append(document.pk)
    if created:
        transaction.on_commit(lambda: _send_documents(created))
    return documents


def _send_documents(pks: list[int]) -> None:
    jobs_send(RenderedDocument, pks)


@transaction.atomic
def document_retry(*, actor, document: RenderedDocument, request=None) -> RenderedDocument:
    """Ask again for a PDF whose render failed."""
    if not job_retry_failed(document):
        raise ReportError("Only a PDF whose render failed can be asked for again.")
    audit_record(
        action=Action.REPORT_RENDER_RETRIED,
        actor=actor,
        request=request,
        obj=document.report.school,
        detail={"document": document.pk},
    )
    return document


@transaction.atomic
def document_download(*, actor, document: RenderedDocument, request=None) -> None:
    """Record a download in the audit log: who, which report version and audience, when."""
    audit_record(
        action=Action.REPORT_DOWNLOADED,
        actor=actor,
        request=request,
        obj=document.report.school,
        detail={
            "report": document.report_id,
            "version": document.report.version_number,
            "audience": document.audience,
            "document": document.pk,
        },
    )


@transaction.atomic
def archive_request(*, actor, la, academic_year: int, term: int, request=None) -> ReportArchive:
    """Ask for all issued reports of a term as one ZIP (the LA's version of each)."""
    if term not in TERM_NAMES:
        raise ReportError("Choose a term.", field="term")
    if not 2000 <= academic_year <= academic_year_of(timezone.localdate()):
        raise ReportError("Choose an academic year up to this one.", field="academic_year")
    archive = ReportArchive(la=la, academic_year=academic_year, term=term, requested_by=actor)
    archive.full_clean()
    archive.save()
    job_enqueue(archive)
    audit_record(
        action=Action.REPORTS_ARCHIVED,
        actor=actor,
        request=request,
        la=la,
        obj=archive,
        detail={"year": academic_year, "term": term},
    )
    return archive


@transaction.atomic
def archive_download(*, actor, archive: ReportArchive, request=None) -> None:
    """Record the download of a term's ZIP in the audit log."""
    audit_record(
        action=Action.REPORT_DOWNLOADED,
        actor=actor,
        request=request,
        la=archive.la,
        obj=archive,
        detail={"archive": archive.pk},
    )
