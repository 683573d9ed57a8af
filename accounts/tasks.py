"""The accounts' own emails, invitations and password resets, built for the email jobs (jobs/emails.py)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jobs.emails import email_builder

from .models import Invitation


@email_builder("invitation")
def invitation_email(*, invitation_id: int):
    from .services import invitation_token

    invitation = Invitation.objects.select_related("la", "school", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable:
        return None
    link = settings.SITE_URL + reverse("accounts:invitation-accept", args=[invitation_token(invitation)])
    return "emails/invitation.txt", [invitation.email], {"invitation": invitation, "link": link}


@email_builder("password-reset")
def password_reset_email(*, user_id: int):
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return "emails/password_reset.txt", [user.email], {"user": user, "link": settings.SITE_URL + path}
