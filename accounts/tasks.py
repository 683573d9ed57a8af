"""Emails about accounts, sent by background workers."""

import random
import smtplib

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scope

from .models import Invitation

# Only failures that can pass on a second try are retried; a bad address is not one of them.
TRANSIENT_EMAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
)
EMAIL_TASK_OPTIONS = {"bind": True, "max_retries": 6}


def send_templated_email(task, template: str, to: list[str], context: dict, attachments=None) -> None:
    """Send one email whose first template line is the subject; retry dropped connections.

    `attachments`: (filename, content, MIME type) triples, e.g. an iCalendar invitation.
    """
    subject, _, body = render_to_string(template, context).partition("\n")
    try:
        if attachments:
            message = EmailMessage(subject.strip(), body.lstrip("\n"), None, to)
            for attachment in attachments:
                message.attach(*attachment)
            message.send()
        else:
            send_mail(subject.strip(), body.lstrip("\n"), None, to)
    except TRANSIENT_EMAIL_ERRORS as error:
        # Back off exponentially with jitter: 30 s, 1 min, 2 min … capped at 10 min.
        base = settings.EMAIL_RETRY_BASE_SECONDS
        delay = min(base * 2**task.request.retries, 600) * random.uniform(0.5, 1.0)  # noqa: S311  (jitter, not a secret)
        raise task.retry(exc=error, countdown=delay) from error


@shared_task(**EMAIL_TASK_OPTIONS)
def send_invitation_email(self, invitation_id: int, la_id: int) -> None:
    from .services import invitation_token

    with scope(la=la_id):
        invitation = Invitation.objects.select_related("la", "school", "invited_by").filter(pk=invitation_id).first()
        if invitation is None or not invitation.is_usable:
            return
        link = settings.SITE_URL + reverse("accounts:invitation-accept", args=[invitation_token(invitation)])
        send_templated_email(
            self, "emails/invitation.txt", [invitation.email], {"invitation": invitation, "link": link}
        )


@shared_task(**EMAIL_TASK_OPTIONS)
def send_password_reset_email(self, user_id: int) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_templated_email(
        self, "emails/password_reset.txt", [user.email], {"user": user, "link": settings.SITE_URL + path}
    )
