"""Writes for matching, partnerships, Form 2 and the support ledger.

Each service checks who may act (from `PartnershipAccess` or the matching membership), runs in
one transaction, and writes its audit record in that transaction.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audit.models import Action
from audit.services import audit_record
from common.errors import DomainError
from jobs.emails import email_request
from jobs.runner import job_enqueue, job_retry_failed
from tenancy.academic_year import academic_year_dates, academic_year_label, current_academic_year

from .models import (
    FocusArea,
    Form2,
    Form2Document,
    Form2Event,
    LedgerKind,
    LedgerLine,
    MatchProposal,
    MonitoringNote,
    Partnership,
    Strategy,
    SupportingSchool,
)
from .selectors import PartnershipAccess, most_important_issues, ranked_candidates

MAX_FOCUS_AREAS = 4
State = Form2.State


class PartnershipError(DomainError):
    pass


# --- the register -------------------------------------------------------------------------------


@transaction.atomic
def supporting_school_save(*, actor, register: SupportingSchool, request=None) -> SupportingSchool:
    """Add or change a school on the register of supporting schools."""
    register.full_clean()
    with scopes_disabled():
        register.save()
        audit_record(
            action=Action.SUPPORTING_SCHOOL_CHANGED,
            actor=actor,
            request=request,
            la=register.school.la,
            obj=register.school,
            detail={"capacity": register.capacity, "offering": register.offering_support},
        )
    return register


# --- matching -----------------------------------------------------------------------------------


@transaction.atomic
def match_propose(
    *,
    actor,
    profile,
    body,
    partner_school_id: int,
    capacity_confirmed: bool,
    la_consulted: bool,
    reason_not_top: str = "",
    checks_notes: str = "",
    request=None,
) -> MatchProposal:
    """Propose a partner school for a submitted profile; the partner head answers next.

    The choice must be an eligible candidate; choosing one that is not the top needs a reason.
    """
    with scopes_disabled():
        if MatchProposal.objects.select_for_update().filter(
            profile=profile, state__in=[MatchProposal.State.PROPOSED, MatchProposal.State.ACCEPTED]
        ):
            raise PartnershipError("This profile already has a partner school proposed or agreed.")
        candidates = ranked_candidates(profile)
        chosen = next((c for c in candidates if c.school_id == partner_school_id), None)
        if chosen is None:
            raise PartnershipError("Choose a school from the register.", field="partner_school")
        if chosen.excluded:
            raise PartnershipError(
                f"{chosen.name} cannot be chosen: {' '.join(chosen.exclusions)}", field="partner_school"
            )
        top = candidates[0] if candidates and not candidates[0].excluded else None
        if top is not None and top.school_id != partner_school_id and not reason_not_top.strip():
            raise PartnershipError(
                f"Say why you chose {chosen.name} rather than the top candidate, {top.name}.",
                field="reason_not_top",
            )
        if not (capacity_confirmed and la_consulted):
            raise PartnershipError(
                "Confirm capacity and willingness with the partner head and consult the LA before proposing.",
                field="capacity_confirmed",
            )
        proposal = MatchProposal(
            la=profile.school.la,
            profile=profile,
            school=profile.school,
            partner_school_id=chosen.school_id,
            matching_body=body,
            recommended_school_id=top.school_id if top else None,
            chosen_rank=chosen.rank,
            score=chosen.snapshot(),
            reason_not_top=reason_not_top.strip() if top and top.school_id != partner_school_id else "",
            capacity_confirmed=capacity_confirmed,
            la_consulted=la_consulted,
            checks_notes=checks_notes.strip(),
            proposed_by=actor,
        )
        proposal.full_clean(exclude=["partner_school", "recommended_school"])
        try:
            with transaction.atomic():
                proposal.save()
        except IntegrityError:
            raise PartnershipError("This profile already has a partner school proposed or agreed.") from None
        audit_record(
            action=Action.MATCH_PROPOSED,
            actor=actor,
            request=request,
            la=profile.school.la,
            obj=proposal,
            detail={
                "profile": profile.pk,
                "recommended": top.row.urn if top else None,
                "chosen": chosen.row.urn,
                "chosen_rank": chosen.rank,
                "score": chosen.total,
                "reason_not_top": proposal.reason_not_top,
            },
        )
    email_request(
        kind="partnership",
        event_key=f"partnership:proposal:{proposal.pk}:proposed",
        event="proposed",
        proposal_id=proposal.pk,
    )
    return proposal


def can_respond(user, proposal: MatchProposal) -> bool:
    from accounts.access import memberships_of
    from accounts.models import Role

    return any(
        m.school_id == proposal.partner_school_id and m.role in (Role.HEADTEACHER, Role.PARTNER_HEAD)
        for m in memberships_of(user)
    )


@transaction.atomic
def proposal_respond(*, actor, proposal: MatchProposal, accept: bool, reason: str = "", request=None):
    """The partner school's head accepts (the partnership and its Form 2 start) or declines with a reason.

    A decline keeps the proposal as history and puts the profile back in the queue.
    """
    with scopes_disabled():
        proposal = (
            MatchProposal.objects.select_for_update()
            .select_related("school", "partner_school", "la")
            .get(pk=proposal.pk)
        )
        if not can_respond(actor, proposal):
            raise PartnershipError("Only the partner school's headteacher answers this proposal.")
        if proposal.state != MatchProposal.State.PROPOSED:
            raise PartnershipError(f"This proposal was already {proposal.get_state_display().lower()}.")
        if not accept and not reason.strip():
            raise PartnershipError("Say why the school declines, for the matching body.", field="reason")
        proposal.state = MatchProposal.State.ACCEPTED if accept else MatchProposal.State.DECLINED
        proposal.responded_by = actor
        proposal.responded_at = timezone.now()
        proposal.response_reason = reason.strip()
        proposal.save()
        audit_record(
            action=Action.MATCH_ACCEPTED if accept else Action.MATCH_DECLINED,
            actor=actor,
            request=request,
            la=proposal.la,
            obj=proposal,
            detail={"reason": proposal.response_reason, "partner": proposal.partner_school.urn},
        )
    partnership = None
    if accept:
        with scope(la=proposal.la_id):
            partnership = _start_partnership(proposal, actor)
    answer = "accepted" if accept else "declined"
    email_request(
        kind="partnership",
        event_key=f"partnership:proposal:{proposal.pk}:{answer}",
        event=answer,
        proposal_id=proposal.pk,
    )
    return partnership


def _start_partnership(proposal: MatchProposal, actor) -> Partnership:
    """The partnership and its Form 2, pre-populated as Appendix B from Form 1."""
    profile = proposal.profile
    partnership = Partnership.objects.create(
        la=proposal.la,
        school=proposal.school,
        partner_school=proposal.partner_school,
        proposal=proposal,
        academic_year=profile.academic_year,
        name=f"{proposal.school.name} and {proposal.partner_school.name} partnership, "
        f"{academic_year_label(profile.academic_year)}",
    )
    plan = Form2.objects.create(
        partnership=partnership,
        partner_head_name=actor.full_name,
        partner_head_phone=actor.phone,
        partner_head_email=actor.email,
        sip_name=profile.sip_name,
        sip_phone=profile.sip_phone,
        sip_email=profile.sip_email,
    )
    FocusArea.objects.bulk_create(
        [
            FocusArea(
                plan=plan,
                position=position,
                priority=p.priority,
                key_focus_areas=p.key_focus_areas,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
            )
            for position, p in enumerate(most_important_issues(profile)[:MAX_FOCUS_AREAS], start=1)
        ]
    )
    Form2Event.objects.create(plan=plan, actor=actor, action="started", comment="Pre-populated from Form 1")
    return partnership


# --- the partnership ----------------------------------------------------------------------------


@transaction.atomic
def partnership_assign(*, actor, access: PartnershipAccess, consultant_head, coordinator, request=None) -> Partnership:
    """The matching body names the SSAT consultant head and the regional partnership coordinator."""
    if not access.is_matching_body:
        raise PartnershipError("Only the matching body assigns the consultant head and coordinator.")
    partnership = access.partnership
    partnership.consultant_head = consultant_head
    partnership.coordinator = coordinator
    partnership.save(update_fields=["consultant_head", "coordinator"])
    # Form 2's contact details follow, while it can still change.
    for plan in Form2.objects.filter(partnership=partnership, state__in=[State.DRAFT, State.RETURNED]):
        if coordinator is not None:
            plan.coordinator_name, plan.coordinator_email = coordinator.full_name, coordinator.email
            plan.coordinator_phone = coordinator.phone
        plan.ssat_name, plan.ssat_email, plan.ssat_phone = actor.full_name, actor.email, actor.phone
        plan.save()
    audit_record(
        action=Action.PARTNERSHIP_CHANGED,
        actor=actor,
        request=request,
        la=partnership.la,
        obj=partnership,
        detail={
            "consultant_head": consultant_head and consultant_head.email,
            "coordinator": coordinator and coordinator.email,
        },
    )
    return partnership


@transaction.atomic
def monitoring_note_add(*, actor, access: PartnershipAccess, strategy_text: str, note: str, request=None):
    """The consultant head (or the matching body) notes how the strategies are going."""
    if not (access.is_consultant_head or access.is_matching_body):
        raise PartnershipError("Only the SSAT consultant head records monitoring notes.")
    if not note.strip():
        raise PartnershipError("Write the note.", field="note")
    record = MonitoringNote(
        partnership=access.partnership, strategy_text=strategy_text, note=note.strip(), author=actor
    )
    record.full_clean()
    record.save()
    audit_record(
        action=Action.PARTNERSHIP_CHANGED,
        actor=actor,
        request=request,
        la=access.partnership.la,
        obj=access.partnership,
    )
    return record


# --- Form 2 -------------------------------------------------------------------------------------


def _locked(plan: Form2, lock_version: int) -> Form2:
    current = Form2.objects.select_for_update().get(pk=plan.pk)
    if current.lock_version != lock_version:
        raise PartnershipError(
            "Someone else changed this plan while you were editing it. Your changes were not saved; "
            "the page now shows their version.",
            field="lock_version",
        )
    return current


def _check_editable(access: PartnershipAccess, plan: Form2) -> None:
    if not access.is_partner:
        raise PartnershipError("Only the two headteachers and the SIP change the plan.")
    if not plan.is_editable:
        raise PartnershipError(f"The plan is {plan.get_state_display().lower()}; it changes only as a new version.")


def _changed(actor, plan, request, what: str) -> None:
    plan.lock_version += 1
    plan.save()
    audit_record(
        action=Action.FORM2_CHANGED,
        actor=actor,
        request=request,
        la=plan.partnership.la,
        obj=plan.partnership,
        detail={"plan": plan.pk, "version": plan.version_number, "what": what},
    )


@transaction.atomic
def form2_save_contacts(*, actor, access, plan: Form2, lock_version: int, values: dict, request=None) -> Form2:
    """Save the contact details or the meeting record of the plan."""
    plan = _locked(plan, lock_version)
    _check_editable(access, plan)
    meeting_on = values.get("meeting_on")
    if meeting_on is not None and meeting_on > timezone.localdate():
        raise PartnershipError("Date of the meeting must be today or in the past", field="meeting_on")
    for name, value in values.items():
        setattr(plan, name, value)
    plan.full_clean(exclude=["partnership"])
    _changed(actor, plan, request, "details")
    return plan


@dataclass
class StrategyRow:
    strategy: str
    lead: str
    starts_on: object
    ends_on: object


def strategies_differ(focus_area: FocusArea, rows: list[dict]) -> bool:
    """Whether saving these rows would change the focus area's strategies."""
    keys = ("strategy", "lead", "starts_on", "ends_on")
    saved = [tuple(getattr(s, k) for k in keys) for s in focus_area.strategies.all()]
    return saved != [tuple(row[k] for k in keys) for row in rows]


@transaction.atomic
def form2_save_strategies(
    *, actor, access, plan: Form2, focus_area: FocusArea, lock_version: int, rows: list[dict], request=None
) -> Form2:
    """Replace the strategies of one key focus area (each with one named lead and its dates)."""
    from accounts.validators import is_one_named_person

    plan = _locked(plan, lock_version)
    _check_editable(access, plan)
    if focus_area.plan_id != plan.pk:
        raise PartnershipError("That focus area is not on this plan.")
    if not strategies_differ(focus_area, rows):
        return plan  # nothing changed: no new version of the plan, no audit record
    for row in rows:
        if not is_one_named_person(row["lead"]):
            raise PartnershipError("Name one person as the lead of each strategy.", field="lead")
    focus_area.strategies.all().delete()
    strategies = [Strategy(focus_area=focus_area, **row) for row in rows]
    for strategy in strategies:
        strategy.full_clean(exclude=["focus_area"])
    Strategy.objects.bulk_create(strategies)
    _changed(actor, plan, request, f"strategies of focus area {focus_area.position}")
    return plan


def plan_problems(plan: Form2) -> list[str]:
    """What the plan still needs before it can be agreed."""
    problems = []
    areas = list(plan.focus_areas.prefetch_related("strategies"))
    if not areas:
        problems.append("The plan has no key focus areas.")
    if any(not a.strategies.all() for a in areas):
        problems.append("Agree at least one strategy for every key focus area.")
    if not (plan.meeting_on and plan.meeting_attendees.strip()):
        problems.append("Record the meeting where the plan was agreed: its date and who attended.")
    if not (plan.partner_head_name and plan.sip_name):
        problems.append("Give the partner headteacher's and the SIP's contact details.")
    return problems


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    who: str  # a flag of PartnershipAccess
    button: str
    done: str  # the message after it, for the person who did it
    needs_comment: bool = False


TRANSITIONS = {
    "agree": Transition(
        (State.DRAFT, State.RETURNED),
        State.AGREED,
        "is_partner",
        "Record that the plan was agreed at the meeting",
        "The plan is recorded as agreed at the meeting. The SIP has been asked to approve it.",
    ),
    "approve": Transition(
        (State.AGREED,),
        State.APPROVED,
        "is_sip",
        "Approve the plan (SIP)",
        "Approved by the SIP. It can now be submitted.",
    ),
    "submit": Transition(
        (State.APPROVED,),
        State.SUBMITTED,
        "is_sip",
        "Submit to SSAT and share with the chair of governors and the LA",
        "Submitted to SSAT and shared with the chair of governors and the LA.",
    ),
    "return": Transition(
        (State.AGREED, State.APPROVED),
        State.RETURNED,
        "is_sip",
        "Return with a comment",
        "Returned with your comment. Both headteachers have been told.",
        needs_comment=True,
    ),
}
TRANSITION_LABELS = {name: t.button for name, t in TRANSITIONS.items()}


def allowed_transitions(access: PartnershipAccess, plan: Form2) -> list[str]:
    """What this person may do to the plan now; the one place these rules live."""
    allowed = [name for name, t in TRANSITIONS.items() if plan.state in t.sources and getattr(access, t.who)]
    # The matching body may also send an agreed or approved plan back.
    if access.is_matching_body and plan.state in (State.AGREED, State.APPROVED) and "return" not in allowed:
        allowed.append("return")
    return allowed


def _latest(plan: Form2) -> bool:
    return not Form2.objects.filter(partnership=plan.partnership, version_number__gt=plan.version_number).exists()


@transaction.atomic
def form2_transition(
    *, actor, access: PartnershipAccess, plan: Form2, name: str, lock_version: int, comment: str = "", request=None
) -> Form2:
    """Move the plan on: agree at the meeting, approve (SIP), submit, or return with a comment."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise PartnershipError("That is not something a plan can do.")
    plan = _locked(plan, lock_version)
    if name not in allowed_transitions(access, plan):
        raise PartnershipError(
            f"You cannot do this now (“{transition.button}”): the plan is {plan.get_state_display().lower()}."
        )
    if transition.needs_comment and not comment.strip():
        raise PartnershipError("Enter a comment saying what needs changing", field="comment")
    if name == "agree":
        problems = plan_problems(plan)
        if problems:
            raise PartnershipError(" ".join(problems))
    plan.state = transition.target
    if name == "submit":
        plan.submitted_at = timezone.now()
    plan.lock_version += 1
    plan.save()
    if name == "submit":
        # Submission makes this version final: its PDF is made now, for whoever downloads it first.
        form2_document_request(plan=plan, actor=actor)
    event = Form2Event.objects.create(plan=plan, actor=actor, action=name, comment=comment.strip())
    audit_record(
        action=Action.FORM2_TRANSITION,
        actor=actor,
        request=request,
        la=plan.partnership.la,
        obj=plan.partnership,
        detail={"plan": plan.pk, "version": plan.version_number, "transition": name, "comment": comment.strip()},
    )
    # Recorded with the state change, sent after the commit (people of two LAs: no one LA's scope).
    email_request(
        kind="partnership",
        event_key=f"partnership:form2:{plan.pk}:{event.pk}",
        event=f"form2-{name}",
        plan_id=plan.pk,
    )
    return plan


@transaction.atomic
def form2_new_version(*, actor, access: PartnershipAccess, plan: Form2, request=None) -> Form2:
    """A submitted plan changes only through a new version, which starts as a draft copy."""
    if not (access.is_partner or access.is_matching_body):
        raise PartnershipError("Only the partners, the SIP and the matching body start a new version.")
    if plan.state != State.SUBMITTED:
        raise PartnershipError("Only a submitted plan gets a new version; change this one instead.")
    if not _latest(plan):
        raise PartnershipError("A newer version already exists.")
    fields = [
        f.name
        for f in Form2._meta.concrete_fields
        if f.name not in ("id", "partnership", "version_number", "state", "submitted_at", "lock_version", "created_at")
    ]
    copy = Form2.objects.create(
        partnership=plan.partnership,
        version_number=plan.version_number + 1,
        **{name: getattr(plan, name) for name in fields},
    )
    for area in plan.focus_areas.prefetch_related("strategies"):
        strategies = list(area.strategies.all())
        area.pk = None
        area.plan = copy
        area.save()
        Strategy.objects.bulk_create(
            [
                Strategy(focus_area=area, strategy=s.strategy, lead=s.lead, starts_on=s.starts_on, ends_on=s.ends_on)
                for s in strategies
            ]
        )
    Form2Event.objects.create(
        plan=copy, actor=actor, action="new-version", comment=f"From version {plan.version_number}"
    )
    audit_record(
        action=Action.FORM2_CHANGED,
        actor=actor,
        request=request,
        la=plan.partnership.la,
        obj=plan.partnership,
        detail={"plan": copy.pk, "version": copy.version_number, "what": "new version"},
    )
    return copy


# --- Form 2's PDF --------------------------------------------------------------------------------


def form2_document_request(*, plan: Form2, actor=None) -> Form2Document:
    """The PDF row of a submitted version: one row however many ask at once; a new one goes to a worker."""
    if plan.state != State.SUBMITTED:
        raise PartnershipError("Only a submitted plan is made into a PDF.")
    document, created = Form2Document.objects.get_or_create(plan=plan, defaults={"requested_by": actor})
    if created:
        job_enqueue(document)
    return document


@transaction.atomic
def form2_document_retry(*, actor, access: PartnershipAccess, document: Form2Document, request=None) -> Form2Document:
    """Ask again for a PDF whose render failed."""
    if not access.may_ask_again_for_pdf:
        raise PartnershipError("Only the SIP, the LA and the matching body ask again for the PDF.")
    if not job_retry_failed(document):
        raise PartnershipError("Only a PDF whose render failed can be asked for again.")
    audit_record(
        action=Action.FORM2_RENDER_RETRIED,
        actor=actor,
        request=request,
        la=access.partnership.la,
        obj=access.partnership,
        detail={"plan": document.plan_id, "document": document.pk},
    )
    return document


@transaction.atomic
def form2_document_download(*, actor, access: PartnershipAccess, document: Form2Document, request=None) -> None:
    """Record a download in the audit log: who, which version of the plan, when."""
    audit_record(
        action=Action.FORM2_DOWNLOADED,
        actor=actor,
        request=request,
        la=access.partnership.la,
        obj=access.partnership,
        detail={"plan": document.plan_id, "version": document.plan.version_number, "document": document.pk},
    )


# --- the support ledger -------------------------------------------------------------------------

# Who records which line: the deliverers of days and the head for spending.
RECORDERS = {
    LedgerKind.PARTNER_DAYS: "is_partner_head",
    LedgerKind.CONSULTANT_DAYS: "is_consultant_head",
    LedgerKind.STUDY_SUPPORT: "is_head",
    LedgerKind.IMPROVEMENT_FUNDING: "is_head",
}
RECORDED_AS = {
    "is_partner_head": "Partner school headteacher",
    "is_consultant_head": "SSAT consultant head",
    "is_head": "Headteacher",
}


def ledger_kinds_for(access: PartnershipAccess) -> list[str]:
    return [kind for kind, flag in RECORDERS.items() if getattr(access, flag)]


@transaction.atomic
def ledger_line_add(
    *, actor, access: PartnershipAccess, kind: str, on, amount: Decimal, purpose: str, request=None
) -> LedgerLine:
    """Record one use of the offer against the Gaining Ground school's year."""
    flag = RECORDERS.get(kind)
    if flag is None or not getattr(access, flag):
        raise PartnershipError("Record only the support you deliver (or, for the head, the spending).", field="kind")
    partnership = access.partnership
    if on > timezone.localdate():
        raise PartnershipError("Record support once it has happened: the date is in the future.", field="on")
    start, end = academic_year_dates(partnership.academic_year)
    if not start <= on <= end:
        raise PartnershipError(
            f"The date must be in the partnership's year, {academic_year_label(partnership.academic_year)}.", field="on"
        )
    line = LedgerLine(
        la=partnership.la,
        school=partnership.school,
        academic_year=partnership.academic_year,
        kind=kind,
        on=on,
        amount=amount,
        purpose=purpose.strip(),
        recorded_by=actor,
        recorded_as=RECORDED_AS[flag],
    )
    line.full_clean()
    line.save()
    audit_record(
        action=Action.LEDGER_RECORDED,
        actor=actor,
        request=request,
        la=partnership.la,
        obj=partnership.school,
        detail={"kind": kind, "amount": str(amount), "on": on.isoformat()},
    )
    return line


def current_year() -> int:
    return current_academic_year()
