"""Emails, sent by background workers as jobs: the one helper every part of the portal asks to send.

`email_request(kind=…, event_key=…, …)` records one email job for one event, in the caller's
transaction, and sends it after the commit. The message is built by the worker, by the builder
registered for its kind (`@email_builder("invitation")`), from ids, so it reads the data as it
is when sent. The event key is unique: asking twice for the same event sends one email.
"""

import smtplib
from collections.abc import Callable

from django.core.mail import EmailMessage
from django.template import engines
from django.template.loader import get_template
from django.utils.module_loading import autodiscover_modules
from django_scopes import scope, scopes_disabled

from .models import EmailJob
from .runner import Retry, job_enqueue, job_finish

# Only failures that can pass on a second try are retried; a bad address is not one of them.
TRANSIENT_EMAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
)

# kind → function(**params) returning (template, recipients, context) or (…, attachments), where
# attachments are (filename, content, MIME type); or None: nothing to send.
EMAIL_BUILDERS: dict[str, Callable] = {}


def email_builder(kind: str):
    """Register the function that builds the emails of one kind."""

    def register(function):
        EMAIL_BUILDERS[kind] = function
        return function

    return register


def email_request(*, kind: str, event_key: str, la_id: int | None = None, **params) -> EmailJob:
    """Ask for the email about one event; it is sent once, after the current transaction commits."""
    # Event keys are unique across LAs, and some emails (a password reset) belong to none.
    with scopes_disabled():
        job, created = EmailJob.objects.get_or_create(
            event_key=event_key[:200], defaults={"kind": kind, "la_id": la_id, "params": params}
        )
    if created:
        job_enqueue(job)
    return job


def render_email(template_name: str, context: dict) -> tuple[str, str]:
    """Subject and body of a template whose first line is the subject.

    The subject is rendered on its own and made one line, so a value with a line break (a
    school name from an import) can never break the message's headers.
    """
    source = get_template(template_name).template.source
    subject_source, _, body_source = source.partition("\n")
    engine = engines["django"]
    subject = engine.from_string("{% autoescape off %}" + subject_source + "{% endautoescape %}").render(context)
    body = engine.from_string(body_source).render(context)
    return " ".join(subject.split())[:250], body.lstrip("\n")


def send_job(job: EmailJob) -> None:
    if job.kind not in EMAIL_BUILDERS:
        autodiscover_modules("tasks")  # builders live in each app's tasks module
    builder = EMAIL_BUILDERS[job.kind]
    with scope(la=job.la_id) if job.la_id else scopes_disabled():
        message = builder(**job.params)
        if message is None:
            job_finish(job)
            return
        template, to, context, *rest = message
        attachments = rest[0] if rest else []
        subject, body = render_email(template, context)
    try:
        email = EmailMessage(subject, body, None, to)
        for attachment in attachments:
            email.attach(*attachment)
        email.send()
    except TRANSIENT_EMAIL_ERRORS as error:
        raise Retry(error) from error
    job_finish(job, recipients=to, subject=subject)
