"""Emails that tell the next person a School Priority Profile is waiting for them."""

from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Membership, Role
from caseload.models import SipAssignment
from jobs.emails import email_builder

from .models import PriorityProfile


def recipients(profile: PriorityProfile, action: str) -> list[str]:
    if action == "send":
        # The SIP the LA assigned, not whatever address was typed into the form.
        assignment = SipAssignment.objects.filter(school=profile.school, academic_year=profile.academic_year)
        return [a.sip.email for a in assignment.select_related("sip")]
    if action in ("return", "agree"):
        heads = Membership.objects.filter(school=profile.school, role=Role.HEADTEACHER).select_related("user")
        return [m.user.email for m in heads]
    if action == "submit":
        # National staff are not an LA's: their memberships are read by body, outside any LA scope.
        with scopes_disabled():
            staff = Membership.objects.filter(
                national_body=profile.matching_body, role__in=(Role.SSAT, Role.NATIONAL_COLLEGE)
            ).select_related("user")
            return [m.user.email for m in staff]
    return []


@email_builder("profile")
def profile_email(*, profile_id: int, action: str):
    profile = (
        PriorityProfile.objects.select_related("school", "school__la", "matching_body").filter(pk=profile_id).first()
    )
    if profile is None:
        return None
    to = recipients(profile, action)
    if not to:
        return None
    if action == "submit":
        path = reverse("national:profile", args=[profile.matching_body.kind, profile.pk])
    else:
        path = reverse("schools:priorities:profile", args=[profile.school.la.code, profile.school.urn, profile.pk])
    return "emails/profile.txt", to, {"profile": profile, "action": action, "link": settings.SITE_URL + path}
