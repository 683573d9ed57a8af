"""Emails that tell the next person a proposal or a Form 2 is waiting for them; Form 2's PDF.

The PDF task is the reports' pattern: `acks_late` with `reject_on_worker_lost`, and the row
(claimed under select_for_update) decides whether a second message does anything.
"""

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Role
from jobs.emails import email_builder
from jobs.runner import job_task_options, run_job

from .models import Form2, Form2Document, MatchProposal
from .selectors import proposal_answerers


def render_in_scope(document: Form2Document) -> None:
    from .rendering import form2_render

    with scopes_disabled():
        la_id = Form2Document.objects.values_list("plan__partnership__la_id", flat=True).get(pk=document.pk)
    with scope(la=la_id):
        form2_render(document)


@shared_task(**job_task_options(Form2Document))
def render_form2(self, document_id: int) -> None:
    """Render one submitted Form 2 version's PDF; a second message for it does nothing."""
    run_job(Form2Document, document_id, render_in_scope, task=self)


def _emails(memberships) -> list[str]:
    return sorted({m.user.email for m in memberships.select_related("user")})


def recipients(event: str, proposal: MatchProposal | None = None, plan: Form2 | None = None) -> list[str]:
    """Who hears of each event. Memberships are read by school or body, outside any one LA."""
    if proposal is not None:
        if event == "proposed":
            school = proposal.partner_school
            return proposal_answerers([school])[school.pk].emails
        return [proposal.proposed_by.email] if proposal.proposed_by else []
    partnership = plan.partnership
    heads = Membership.objects.filter(
        school__in=[partnership.school_id, partnership.partner_school_id],
        role__in=(Role.HEADTEACHER, Role.PARTNER_HEAD),
    )
    if event == "form2-agree":
        from caseload.models import SipAssignment

        sips = SipAssignment.objects.filter(school=partnership.school, academic_year=partnership.academic_year)
        return sorted({a.sip.email for a in sips.select_related("sip")})
    if event == "form2-submit":
        readers = Membership.objects.filter(national_body__kind="ssat", role=Role.SSAT) | Membership.objects.filter(
            school=partnership.school, role=Role.GOVERNOR, is_chair=True
        )
        # Shared with the LA too: its administrators read it from now on.
        readers = readers | Membership.objects.filter(la=partnership.la, role=Role.LA_ADMIN)
        if partnership.la.challenge_area == "london":
            readers = readers | Membership.objects.filter(
                national_body__kind="national-college", role=Role.NATIONAL_COLLEGE
            )
        return _emails(readers)
    return _emails(heads)


@email_builder("partnership")
def partnership_email(*, event: str, proposal_id: int | None = None, plan_id: int | None = None):
    """The email about a proposal or a Form 2 step. Built outside any one LA: its people may be in two."""
    with scopes_disabled():
        proposal = plan = None
        to_contact = False
        if proposal_id is not None:
            proposal = (
                MatchProposal.objects.select_related("school", "partner_school", "proposed_by", "matching_body")
                .filter(pk=proposal_id)
                .first()
            )
            if proposal is None:
                return None
            path = reverse("partnerships:proposal", args=[proposal.pk])
        else:
            plan = Form2.objects.select_related("partnership", "partnership__la").filter(pk=plan_id).first()
            if plan is None:
                return None
            path = reverse("partnerships:detail", args=[plan.partnership_id])
        to = recipients(event, proposal=proposal, plan=plan)
        if event == "proposed":
            to_contact = not proposal_answerers([proposal.partner_school])[proposal.partner_school_id].answers_online
    if not to:
        return None
    context = {
        "event": event,
        "proposal": proposal,
        "plan": plan,
        "link": settings.SITE_URL + path,
        "to_contact": to_contact,
    }
    return "emails/partnership.txt", to, context
