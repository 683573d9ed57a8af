"""Reads for matching, partnerships, Form 2 and the support ledger.

Two kinds of reader cross LA boundaries here, each through a named selector that says what it
reads: the matching body (the register of supporting schools in any LA and their published
data) and the people of a partnership who are not of its LA (the partner school's head, SSAT's
consultant head and coordinator), who reach exactly one partnership and nothing else of its LA.
"""

from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, FilteredRelation, FloatField, Max, OuterRef, Q, Subquery, Sum, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_scopes import scope, scopes_disabled

from accounts.access import memberships_of
from accounts.models import Role, User
from audit.models import Action
from audit.services import audit_record
from schools.models import NationalAverage, PupilGroup, School, gaining_ground_q
from tenancy.academic_year import academic_year_dates, current_academic_year, term_of

from .matching import MatchingData, fsm_gap, rank
from .models import (
    FocusArea,
    Form2,
    Form2Document,
    LedgerKind,
    LedgerLine,
    MatchProposal,
    Partnership,
    Strategy,
    SupportingSchool,
)

RESULT_GROUPS = (PupilGroup.ALL, PupilGroup.FSM, PupilGroup.NON_FSM)


# --- Form 1, as the matching body reads it -------------------------------------------------------


def most_important_issues(profile) -> list:
    """The profile's three most important issues (ProfilePriority rows) with their outlines."""
    return [p for p in profile.priorities.all() if p.most_important]


def issue_text(priority) -> str:
    return "\n".join(part for part in (priority.priority, priority.key_focus_areas, priority.outline) if part)


# --- matching ------------------------------------------------------------------------------------


def open_proposal_state():
    """A subquery: the state of a profile's open (proposed or accepted) match, for queue pages."""
    with scopes_disabled():
        return Subquery(
            MatchProposal.objects.filter(profile=OuterRef("pk"), state__in=["proposed", "accepted"]).values("state")[:1]
        )


def register_for_matching():
    """The register of supporting schools in every LA, with each school's published record.

    Read by the matching bodies only: the register and the school fields GIAS publishes.
    """
    return (
        SupportingSchool.objects.with_scopes_disabled()
        .select_related("school", "school__la")
        .order_by("school__name", "pk")
    )


RESULT_MEASURES = ("five_ac_em", "progress_english", "progress_maths")


def _as_float(name: str):
    # Scores are worked in floats: psycopg makes floats far quicker than Decimals, 3,500 rows at a time.
    return Cast(name, FloatField())


def candidate_rows(results_year: int | None, which: Q) -> list:
    """One flat row per school `which` names, with everything ranking reads (one query).

    Each row is a named tuple: the school's published data, its register entry (None fields when
    it is not on the register), its results of `results_year` (all pupils, and 5+ A*–C for FSM
    and non-FSM pupils) and this year's SIP. The register and the Gaining Ground school are read
    apart: asked together, the planner cannot start from the register's few hundred rows.
    """
    from caseload.models import SipAssignment

    def results(group):
        return FilteredRelation("results", condition=Q(results__academic_year=results_year, results__group=group))

    with scopes_disabled():
        rows = (
            School.objects.filter(which)
            .annotate(
                r_all=results(PupilGroup.ALL),
                r_fsm=results(PupilGroup.FSM),
                r_non_fsm=results(PupilGroup.NON_FSM),
                fsm_share=_as_float("percentage_fsm"),
                # As text: decoded once per distinct list by ranking, not once per row by the ORM.
                strengths_text=Cast("supporting__strengths", TextField()),
                results_recorded=F("r_all__id"),
                all_five=_as_float("r_all__five_ac_em"),
                all_english=_as_float("r_all__progress_english"),
                all_maths=_as_float("r_all__progress_maths"),
                fsm_five=_as_float("r_fsm__five_ac_em"),
                non_fsm_five=_as_float("r_non_fsm__five_ac_em"),
                sip=Subquery(
                    SipAssignment.objects.filter(school=OuterRef("pk"), academic_year=current_academic_year())
                    .order_by()
                    .values("sip_id")[:1]
                ),
            )
            .values_list(*_ROW_COLUMNS.values())
            .order_by()
        )
        return list(map(CandidateRow._make, rows))


# The row's field names (what ranking reads) and the columns they come from.
_ROW_COLUMNS = {
    "pk": "pk",
    "urn": "urn",
    "name": "name",
    "status": "status",
    "closed_on": "closed_on",
    "gaining_ground_joined": "gaining_ground_joined",
    "gaining_ground_left": "gaining_ground_left",
    "trust_name": "trust_name",
    "easting": "easting",
    "northing": "northing",
    "percentage_fsm": "fsm_share",
    "number_of_pupils": "number_of_pupils",
    "phase": "phase",
    "ofsted_rating": "ofsted_rating",
    "register_id": "supporting__id",
    "offering_support": "supporting__offering_support",
    "capacity": "supporting__capacity",
    "strengths_json": "strengths_text",
    "results_recorded": "results_recorded",
    "five_ac_em": "all_five",
    "progress_english": "all_english",
    "progress_maths": "all_maths",
    "fsm_five_ac_em": "fsm_five",
    "non_fsm_five_ac_em": "non_fsm_five",
    "sip_id": "sip",
}
CandidateRow = namedtuple("CandidateRow", _ROW_COLUMNS)


def national_figures(results_year: int | None) -> dict:
    """The national figures ranking compares with, as floats: each measure of all pupils and the FSM gap."""
    with scopes_disabled():
        rows = {
            group: values
            for group, *values in NationalAverage.objects.filter(academic_year=results_year).values_list(
                "group", *(_as_float(m) for m in RESULT_MEASURES)
            )
        }
    if PupilGroup.ALL not in rows:
        return {}
    figures = dict(zip(RESULT_MEASURES, rows[PupilGroup.ALL], strict=True))
    fsm, non_fsm = rows.get(PupilGroup.FSM), rows.get(PupilGroup.NON_FSM)
    figures["fsm_gap"] = fsm_gap(fsm and fsm[0], non_fsm and non_fsm[0])
    return figures


# A proposal waiting for the partner head's answer, or an accepted one whose partnership goes on:
# either holds one of the partner school's places.
HOLDS_A_PLACE = Q(state=MatchProposal.State.PROPOSED) | Q(
    state=MatchProposal.State.ACCEPTED, partnership__ended_on__isnull=True
)


def places_in_use() -> dict[int, int]:
    """Partner school id -> the places its proposals and partnerships hold now (every LA; one query).

    The one count of places in use: ranking's capacity and the national figures both read it.
    """
    with scopes_disabled():
        return dict(
            MatchProposal.objects.filter(HOLDS_A_PLACE)
            .values("partner_school")
            .annotate(n=Count("pk"))
            .values_list("partner_school", "n")
            .order_by()
        )


def matching_data(profile) -> MatchingData:
    """Everything `matching.rank` reads for one profile, in a fixed number of queries."""
    school = profile.school
    with scopes_disabled():
        results_year = NationalAverage.objects.filter(group=PupilGroup.ALL).aggregate(y=Max("academic_year"))["y"]
        register = candidate_rows(results_year, Q(supporting__isnull=False))
        [own] = candidate_rows(results_year, Q(pk=school.pk))
        in_use = places_in_use()
        partnered = dict(
            MatchProposal.objects.filter(HOLDS_A_PLACE, school=school).values_list("partner_school_id", "state")
        )
        declined = dict(
            MatchProposal.objects.filter(profile=profile, state=MatchProposal.State.DECLINED).values_list(
                "partner_school_id", "responded_at__date"
            )
        )
        issues = [issue_text(p) for p in most_important_issues(profile)]
    return MatchingData(
        issues=issues,
        school=own,
        proposed_name=profile.proposed_partner_school,
        register=register,
        in_use=in_use,
        national=national_figures(results_year),
        results_year=results_year,
        partnered=partnered,
        declined=declined,
        year=current_academic_year(),
    )


def with_details(candidates: list) -> list:
    """Load the register entry, school and LA of the candidates a page shows (one query)."""
    with scopes_disabled():
        entries = SupportingSchool.objects.select_related("school__la").in_bulk([c.row.register_id for c in candidates])
    for candidate in candidates:
        candidate.register = entries[candidate.row.register_id]
    return candidates


def ranked_candidates(profile):
    return rank(matching_data(profile))


def proposals_of(profile) -> list[MatchProposal]:
    """Every proposal made for this profile, oldest first: the history a decline leaves."""
    with scopes_disabled():
        return list(
            MatchProposal.objects.filter(profile=profile).select_related(
                "partner_school", "recommended_school", "proposed_by", "responded_by"
            )
        )


def proposed_school_named(profile):
    """The school the head proposed, looked up by name across LAs (None if there is no such school)."""
    if not profile.proposed_partner_school:
        return None
    with scopes_disabled():
        return School.objects.filter(name__iexact=profile.proposed_partner_school.strip()).first()


# --- partnerships and who may reach them ---------------------------------------------------------


@dataclass
class PartnershipAccess:
    """Who a person is to one partnership. Set flags are what they may do; nothing else is theirs."""

    partnership: Partnership
    is_head: bool = False
    is_partner_head: bool = False
    is_sip: bool = False
    is_governor: bool = False
    is_chair: bool = False
    is_la_admin: bool = False
    is_matching_body: bool = False
    is_consultant_head: bool = False
    is_coordinator: bool = False

    @property
    def is_member(self) -> bool:
        return any(
            (
                self.is_head,
                self.is_partner_head,
                self.is_sip,
                self.is_chair,
                self.is_la_admin,
                self.is_matching_body,
                self.is_consultant_head,
                self.is_coordinator,
            )
        )

    @property
    def is_partner(self) -> bool:
        """One of the three who agree the strategies: both heads and the SIP."""
        return self.is_head or self.is_partner_head or self.is_sip

    @property
    def sees_drafts(self) -> bool:
        """The chair of governors and the LA read the plan only once it has been submitted."""
        return self.is_partner or self.is_matching_body or self.is_consultant_head or self.is_coordinator

    @property
    def may_ask_again_for_pdf(self) -> bool:
        """Who may ask again for a submitted plan's PDF whose render failed."""
        return self.is_sip or self.is_la_admin or self.is_matching_body

    @property
    def may_record_ledger(self) -> bool:
        return self.is_head or self.is_partner_head or self.is_consultant_head


def partnership_access(user, partnership: Partnership) -> PartnershipAccess:
    """Work out the person's parts in the partnership from their own memberships (one query)."""
    access = PartnershipAccess(partnership=partnership)
    if not user.is_authenticated:
        return access
    la = partnership.la
    for m in memberships_of(user):
        if m.school_id == partnership.school_id and m.role == Role.HEADTEACHER:
            access.is_head = True
        if m.school_id == partnership.partner_school_id and m.role in (Role.HEADTEACHER, Role.PARTNER_HEAD):
            access.is_partner_head = True
        if m.school_id == partnership.school_id and m.role == Role.GOVERNOR and m.is_chair:
            access.is_chair = True
        if m.la_id == la.pk and m.role == Role.LA_ADMIN:
            access.is_la_admin = True
        if m.national_body_id is not None:
            # Form 2 always goes to SSAT; the National College matched the Challenge areas' schools
            # and receives London's plans too.
            if m.role == Role.SSAT or (m.role == Role.NATIONAL_COLLEGE and la.matched_by_national_college):
                access.is_matching_body = True
            if m.role == Role.CONSULTANT_HEAD and partnership.consultant_head_id == user.pk:
                access.is_consultant_head = True
            if m.role == Role.PARTNERSHIP_COORDINATOR and partnership.coordinator_id == user.pk:
                access.is_coordinator = True
    access.is_la_admin = access.is_la_admin or user.is_superuser
    if any(m.role == Role.SIP and m.la_id == la.pk for m in memberships_of(user)):
        from caseload.models import SipAssignment

        with scope(la=la.pk):
            access.is_sip = SipAssignment.objects.filter(
                school_id=partnership.school_id, sip=user, academic_year=current_academic_year()
            ).exists()
    return access


def get_partnership_for_user(request, partnership_id: int) -> PartnershipAccess:
    """The partnership if the person has a part in it, else 404 (and the attempt is logged).

    The caller runs the rest of the request inside the partnership's LA scope.
    """
    with scopes_disabled():
        partnership = (
            Partnership.objects.select_related("la", "school", "school__la", "partner_school", "partner_school__la")
            .filter(pk=partnership_id)
            .first()
        )
    access = partnership_access(request.user, partnership) if partnership else None
    if access is None or not access.is_member:
        with scopes_disabled():
            audit_record(
                action=Action.ACCESS_DENIED,
                request=request,
                la=partnership.la if partnership else None,
                detail={"path": request.path[:500]},
            )
        raise Http404("No such page")
    return access


def get_partnership_for_assigning(request, partnership_id: int) -> PartnershipAccess:
    """As get_partnership_for_user; 403 for anyone but the matching body, who names SSAT's people."""
    access = get_partnership_for_user(request, partnership_id)
    if not access.is_matching_body:
        raise PermissionDenied("Only the matching body names the consultant head and the coordinator.")
    return access


def get_partnership_for_notes(request, partnership_id: int) -> PartnershipAccess:
    """As get_partnership_for_user; 403 for anyone but the consultant head and the matching body."""
    access = get_partnership_for_user(request, partnership_id)
    if not (access.is_consultant_head or access.is_matching_body):
        raise PermissionDenied("Only the consultant head and the matching body record monitoring notes.")
    return access


def get_partnership_for_ledger(request, partnership_id: int) -> PartnershipAccess:
    """As get_partnership_for_user: every member reads the ledger; a POST is a 403 for those who record nothing."""
    access = get_partnership_for_user(request, partnership_id)
    if request.method == "POST" and not access.may_record_ledger:
        raise PermissionDenied("Only those who deliver the support, and the head for spending, record ledger lines.")
    return access


def partnerships_for(user) -> list[Partnership]:
    """The partnerships a person has a part in, for their list page (a few queries, any LA)."""
    memberships = memberships_of(user)
    school_ids = {m.school_id for m in memberships if m.role in (Role.HEADTEACHER, Role.PARTNER_HEAD)}
    school_ids |= {m.school_id for m in memberships if m.role == Role.GOVERNOR and m.is_chair}
    national = {m.role for m in memberships if m.national_body_id}
    query = Q(partner_school_id__in=school_ids) | Q(school_id__in=school_ids)
    # An LA administrator has a part in every partnership of their LA.
    query |= Q(la_id__in={m.la_id for m in memberships if m.role == Role.LA_ADMIN})
    if any(m.role == Role.SIP for m in memberships):
        from caseload.models import SipAssignment

        with scopes_disabled():
            sip_schools = SipAssignment.objects.filter(sip=user, academic_year=current_academic_year())
            query |= Q(school_id__in=sip_schools.values("school_id"))
    if Role.CONSULTANT_HEAD in national:
        query |= Q(consultant_head=user)
    if Role.PARTNERSHIP_COORDINATOR in national:
        query |= Q(coordinator=user)
    with scopes_disabled():
        return list(Partnership.objects.filter(query).select_related("school", "partner_school", "la").order_by("name"))


def has_partnerships_in(user, la) -> bool:
    """Whether the person has a part in any partnership of this LA, for its navigation (at most one query)."""
    memberships = [m for m in memberships_of(user) if m.la_id == la.pk]
    if any(m.role == Role.LA_ADMIN for m in memberships):
        query = Q()
    else:
        schools = {m.school_id for m in memberships if m.role == Role.HEADTEACHER}
        schools |= {m.school_id for m in memberships if m.role == Role.GOVERNOR and m.is_chair}
        query = Q(school_id__in=schools) | Q(partner_school_id__in=schools)
        if any(m.role == Role.SIP for m in memberships):
            from caseload.models import SipAssignment

            with scope(la=la.pk):
                sip_schools = SipAssignment.objects.filter(sip=user, academic_year=current_academic_year())
                query |= Q(school_id__in=sip_schools.values("school_id"))
        elif not schools:
            return False
    with scopes_disabled():
        return Partnership.objects.filter(query, la=la).exists()


def school_partnerships_for(user, school) -> list[tuple[Partnership, Form2 | None]]:
    """The school's partnerships (newest year first) this person may open, with the latest Form 2 each lets them read.

    For the links on the school's own pages; run inside the school's LA scope.
    """
    found = []
    for partnership in Partnership.objects.filter(school=school).select_related("la", "school", "partner_school"):
        access = partnership_access(user, partnership)
        if access.is_member:
            found.append((partnership, plans_for(access).first()))
    return found


def partnerships_for_body(body_kind: str, year: int) -> list[Partnership]:
    """Every partnership of the LAs a matching body serves, for one year, with days used.

    SSAT sees the partnership records and the days; never visits or reports.
    """
    with scopes_disabled():
        partnerships = Partnership.objects.filter(academic_year=year).select_related("la", "school", "partner_school")
        if body_kind == "ssat":
            partnerships = partnerships.filter(la__challenge_area="none")
        else:
            partnerships = partnerships.exclude(la__challenge_area="none")
        latest = Form2.objects.filter(partnership=OuterRef("pk")).order_by("-version_number")
        partnerships = partnerships.annotate(
            plan_state=Subquery(latest.values("state")[:1]),
            partner_days=_ledger_sum(LedgerKind.PARTNER_DAYS),
            consultant_days=_ledger_sum(LedgerKind.CONSULTANT_DAYS),
        ).order_by("la__name", "name")
        found = list(partnerships)
    for partnership in found:
        partnership.plan_state_label = Form2.State(partnership.plan_state).label if partnership.plan_state else "None"
    return found


def _ledger_sum(kind):
    lines = (
        LedgerLine.objects.filter(school=OuterRef("school"), academic_year=OuterRef("academic_year"), kind=kind)
        .order_by()
        .values("school")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(lines[:1])


def partnership_of_year(school, year: int) -> Partnership | None:
    """The Gaining Ground school's partnership of that year (inside its LA scope), if it has one."""
    return (
        Partnership.objects.filter(school=school, academic_year=year)
        .select_related("partner_school")
        .order_by("-created_at")
        .first()
    )


def latest_plan(partnership, *, submitted_only: bool = False) -> Form2 | None:
    plans = Form2.objects.filter(partnership=partnership)
    if submitted_only:
        plans = plans.filter(state=Form2.State.SUBMITTED)
    return plans.order_by("-version_number").first()


# --- the support ledger -------------------------------------------------------------------------

# The Gaining Ground offer per school and year, as the handbook states it.
ENTITLEMENT = {
    LedgerKind.PARTNER_DAYS: Decimal("12"),
    LedgerKind.CONSULTANT_DAYS: Decimal("3"),
    "sip-days": Decimal("4"),
    LedgerKind.STUDY_SUPPORT: Decimal("20000"),
    LedgerKind.IMPROVEMENT_FUNDING: Decimal("10000"),
}
LEDGER_ROWS = (
    (LedgerKind.PARTNER_DAYS, "Partner school support", "days"),
    (LedgerKind.CONSULTANT_DAYS, "SSAT consultant head", "days"),
    ("sip-days", "Extra SIP days (from the visit log)", "days"),
    (LedgerKind.STUDY_SUPPORT, "Academic study support", "£"),
    (LedgerKind.IMPROVEMENT_FUNDING, "Improvement funding", "£"),
)
PACE_RULE = (
    "Behind pace: at the end of each term, less than that term's share of the entitlement has been used "
    "(a third after the autumn term, two thirds after the spring term, all of it after the summer term). "
    "No governors day: none of the extra SIP days was spent with governors by the end of the spring term."
)


def terms_ended(year: int, today) -> int:
    """How many of the year's three terms have ended by `today`."""
    start, end = academic_year_dates(year)
    if today > end:
        return 3
    if today < start:
        return 0
    name = term_of(today)[0]
    return {"autumn": 0, "spring": 1, "summer": 2}[name]


@dataclass
class LedgerRow:
    key: str
    label: str
    unit: str
    entitlement: Decimal
    used: Decimal
    warnings: list

    @property
    def left(self) -> Decimal:
        return self.entitlement - self.used


def _number(value: Decimal, unit: str = "") -> str:
    text = format(value.normalize(), "f")
    if unit == "£":
        return f"£{text}"
    return f"{text} {unit}" if unit else text


def _warnings(used: Decimal, entitlement: Decimal, ended: int, unit: str) -> list[str]:
    found = []
    if used > entitlement:
        found.append(f"Over entitlement by {_number(used - entitlement, unit)}.")
    elif ended and used < entitlement * ended / 3:
        expected = (entitlement * ended / 3).quantize(Decimal("0.1"))
        found.append(
            f"Behind pace: {_number(used, unit)} used, {_number(expected, unit)} expected after {ended} of 3 terms."
        )
    return found


def ledger_rows(totals: dict, sip_days: Decimal, governors_days: Decimal, year: int, today) -> list[LedgerRow]:
    """The offer line by line with what is used and the warnings (rules in PACE_RULE)."""
    ended = terms_ended(year, today)
    rows = []
    for key, label, unit in LEDGER_ROWS:
        used = sip_days if key == "sip-days" else (totals.get(key) or Decimal("0"))
        entitlement = ENTITLEMENT[key]
        warnings = _warnings(used, entitlement, ended, unit)
        if key == "sip-days" and ended >= 2 and not governors_days:
            warnings.append("No governors day: none of the extra SIP days was spent with governors.")
        rows.append(LedgerRow(key, label, unit, entitlement, used, warnings))
    return rows


def sip_extra_days(school_ids, year: int) -> dict:
    """School id -> (extra SIP days, of them with governors), from the finalised visit log."""
    from visits.models import Visit

    rows = (
        Visit.objects.filter(
            assignment__school_id__in=school_ids,
            assignment__academic_year=year,
            state=Visit.State.FINAL,
            kind__in=[Visit.Kind.GAINING_GROUND, Visit.Kind.GOVERNORS],
        )
        .values("assignment__school_id")
        .annotate(days=Sum("length_days"), governors=Sum("length_days", filter=Q(kind=Visit.Kind.GOVERNORS)))
    )
    return {r["assignment__school_id"]: (r["days"] or Decimal(0), r["governors"] or Decimal(0)) for r in rows}


def school_ledger(school, year: int, today) -> tuple[list[LedgerRow], list[LedgerLine]]:
    """One Gaining Ground school's ledger for a year (inside its LA scope): the rows and the lines."""
    lines = list(
        LedgerLine.objects.filter(school=school, academic_year=year).select_related("recorded_by").order_by("on", "pk")
    )
    totals: dict = {}
    for line in lines:
        totals[line.kind] = totals.get(line.kind, Decimal(0)) + line.amount
    days, governors = sip_extra_days([school.pk], year).get(school.pk, (Decimal(0), Decimal(0)))
    return ledger_rows(totals, days, governors, year, today), lines


def la_ledger(la, year: int, today) -> list[dict]:
    """Every Gaining Ground school of the LA with its ledger rows (three queries, any number of schools)."""
    schools = list(School.objects.filter(gaining_ground_q(year=year)).order_by("name"))
    sums: dict = {}
    for row in (
        LedgerLine.objects.filter(academic_year=year, school__in=[s.pk for s in schools])
        .values("school_id", "kind")
        .annotate(total=Sum("amount"))
    ):
        sums.setdefault(row["school_id"], {})[row["kind"]] = row["total"]
    sip = sip_extra_days([s.pk for s in schools], year)
    table = []
    for school in schools:
        days, governors = sip.get(school.pk, (Decimal(0), Decimal(0)))
        table.append({"school": school, "rows": ledger_rows(sums.get(school.pk, {}), days, governors, year, today)})
    return table


def ledger_totals(table: list[dict]) -> list[Decimal]:
    """Column totals of the LA table, in LEDGER_ROWS order."""
    totals = [Decimal(0)] * len(LEDGER_ROWS)
    for entry in table:
        for i, row in enumerate(entry["rows"]):
            totals[i] += row.used
    return totals


def plans_for(access: PartnershipAccess):
    """The versions of Form 2 this person may read, newest first."""
    plans = Form2.objects.filter(partnership=access.partnership)
    if not access.sees_drafts:
        plans = plans.filter(state=Form2.State.SUBMITTED)
    return plans.order_by("-version_number")


def get_plan_for_user(access: PartnershipAccess, plan_id: int) -> Form2:
    """One version of Form 2 this person may read; any other is a 404."""
    return get_object_or_404(plans_for(access), pk=plan_id)


def get_plan_for_edit(access: PartnershipAccess, plan_id: int) -> Form2:
    """As get_plan_for_user; 403 unless the person agrees the strategies and the version is still open."""
    plan = get_plan_for_user(access, plan_id)
    if not (access.is_partner and plan.is_editable):
        raise PermissionDenied("Only the two heads and the SIP change a plan, and only before it is agreed.")
    return plan


def get_focus_area_for_edit(access: PartnershipAccess, plan_id: int, focus_area_id: int) -> tuple[Form2, FocusArea]:
    """A focus area of a version of Form 2 (404 as get_plan_for_user), for changing; 403 as get_plan_for_edit."""
    plan = get_plan_for_user(access, plan_id)
    area = get_focus_area(plan, focus_area_id)
    if not (access.is_partner and plan.is_editable):
        raise PermissionDenied("Only the two heads and the SIP change a plan, and only before it is agreed.")
    return plan, area


def plan_document(plan: Form2 | None) -> Form2Document | None:
    """The PDF row of this version of Form 2 (a submitted one has one), or None."""
    if plan is None or plan.state != Form2.State.SUBMITTED:
        return None
    return Form2Document.objects.filter(plan=plan).first()


def get_form2_document_for_user(access: PartnershipAccess, plan_id: int) -> Form2Document:
    """The PDF of a version of Form 2 this person may read; 404 for any other, and for a draft."""
    plan = get_plan_for_user(access, plan_id)
    return get_object_or_404(
        Form2Document.objects.select_related("plan", "plan__partnership", "plan__partnership__school"), plan=plan
    )


def get_form2_document_for_retry(access: PartnershipAccess, document: Form2Document) -> Form2Document:
    """The PDF read by get_form2_document_for_user, to ask again for it after a failure; 403 for most.

    Its POST-only page reads the document first (404), answers 405 to other methods, then asks this.
    """
    if not access.may_ask_again_for_pdf:
        raise PermissionDenied("Only the SIP, the LA and the matching body ask again for a plan's PDF.")
    return document


# The school's reports page lists the approved Form 2 of this many partnerships, newest first: the
# shown year's and the one before, whose plan that year's reports often review.
LISTED_PARTNERSHIPS = 2


def submitted_plan_documents(user, school, year: int) -> list[Form2Document]:
    """The PDF of the latest submitted Form 2 of the school's partnerships up to `year` that the person may read.

    For the school's reports page (the governors' landing page): at most `LISTED_PARTNERSHIPS`,
    so a few queries whatever the school's history.
    """
    partnerships = list(
        Partnership.objects.filter(school=school, academic_year__lte=year)
        .filter(plans__state=Form2.State.SUBMITTED)
        .select_related("la")
        .distinct()
        .order_by("-academic_year", "-pk")[:LISTED_PARTNERSHIPS]
    )
    readable = [p.pk for p in partnerships if partnership_access(user, p).is_member]
    if not readable:
        return []
    latest = Form2.objects.filter(partnership=OuterRef("plan__partnership"), state=Form2.State.SUBMITTED).order_by(
        "-version_number"
    )
    return list(
        Form2Document.objects.filter(plan__partnership__in=readable, plan=Subquery(latest.values("pk")[:1]))
        .select_related("plan", "plan__partnership")
        .order_by("-plan__partnership__academic_year", "-plan__partnership__pk")
    )


def get_focus_area(plan: Form2, focus_area_id: int) -> FocusArea:
    """One focus area of this version of Form 2, or 404."""
    return get_object_or_404(FocusArea, pk=focus_area_id, plan=plan)


def get_proposal_for_user(user, proposal_id: int) -> MatchProposal:
    """A proposal addressed to the person's school; the proposal is read across LAs, anyone else gets 404."""
    from .services import can_respond

    with scopes_disabled():
        found = (
            MatchProposal.objects.select_related("school", "school__la", "partner_school", "matching_body", "profile")
            .filter(pk=proposal_id)
            .first()
        )
    if found is None or not can_respond(user, found):
        raise Http404("No such page")
    return found


def assignable_people():
    """Everyone who may be named SSAT consultant head, and everyone who may be named coordinator, in any LA."""
    heads = User.objects.filter(memberships__role=Role.CONSULTANT_HEAD).distinct()
    coordinators = User.objects.filter(memberships__role=Role.PARTNERSHIP_COORDINATOR).distinct()
    return heads, coordinators


def plan_strategies(plan: Form2 | None):
    """The strategies of a version of Form 2 (none without a plan)."""
    return Strategy.objects.filter(focus_area__plan=plan) if plan else Strategy.objects.none()


def ledger_purposes(access: PartnershipAccess, plan: Form2 | None) -> list[str]:
    """What a ledger line may be for: the plan's strategies, and for the head also the school's plan priorities."""
    from priorities.models import Priority

    purposes = [f"Strategy: {s.strategy[:120]}" for s in plan_strategies(plan)]
    if access.is_head:
        purposes += [f"Plan priority: {p.title}" for p in Priority.objects.filter(school=access.partnership.school)]
    return purposes


# --- who answers a proposal ----------------------------------------------------------------------


@dataclass
class Answerer:
    """Who a proposal to a partner school reaches: its head in the portal, else the register's contact."""

    school_name: str
    head_emails: list
    contact_name: str = ""
    contact_email: str = ""

    @property
    def emails(self) -> list[str]:
        if self.head_emails:
            return self.head_emails
        return [self.contact_email] if self.contact_email else []

    @property
    def answers_online(self) -> bool:
        return bool(self.head_emails)

    @property
    def warning(self) -> str:
        """What staff must know before they send a proposal nobody can answer in the portal."""
        if self.answers_online:
            return ""
        who = f"{self.contact_name} ({self.contact_email})" if self.contact_email else ""
        emailed = (
            f"The register's named contact, {who}, will be emailed"
            if who
            else "Nobody will be emailed: the register has no contact email for it"
        )
        return (
            f"{self.school_name} has no headteacher in the portal, so nobody can accept or decline "
            f"the proposal online yet. {emailed}; ask its LA to invite the headteacher."
        )


def proposal_answerers(schools) -> dict:
    """School id -> Answerer, for the partner schools a proposal could go to (two queries, any number)."""
    ids = [s.pk for s in schools]
    names = {s.pk: s.name for s in schools}
    heads: dict = {}
    with scopes_disabled():
        for school_id, email in (
            User.objects.filter(
                memberships__school_id__in=ids, memberships__role__in=(Role.HEADTEACHER, Role.PARTNER_HEAD)
            )
            .values_list("memberships__school_id", "email")
            .distinct()
        ):
            heads.setdefault(school_id, set()).add(email)
        contacts = {
            r["school_id"]: r
            for r in SupportingSchool.objects.filter(school_id__in=ids).values(
                "school_id", "contact_name", "contact_email"
            )
        }
    return {
        pk: Answerer(
            school_name=names[pk],
            head_emails=sorted(heads.get(pk, ())),
            contact_name=contacts.get(pk, {}).get("contact_name", ""),
            contact_email=contacts.get(pk, {}).get("contact_email", ""),
        )
        for pk in ids
    }
