from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from jobs.emails import email_builder
from jobs.runner import job_task_options, run_job
from tenancy.models import LocalAuthority

from .models import DataImport


def import_in_scope(data_import: DataImport) -> None:
    from .services import data_import_run

    with scope(la=data_import.la_id) if data_import.la_id else scopes_disabled():
        data_import_run(data_import=data_import)


@shared_task(**job_task_options(DataImport))
def run_data_import(self, import_id: int) -> None:
    """Import an uploaded file; a second message for the same import does nothing."""
    run_job(DataImport, import_id, import_in_scope, task=self)


@email_builder("import-failed")
def import_failed_email(*, import_id: int):
    data_import = DataImport.objects.select_related("requested_by", "la").filter(pk=import_id).first()
    if data_import is None or data_import.requested_by is None or data_import.la is None:
        return None
    path = reverse("schools:import", args=[data_import.la.code, data_import.pk])
    context = {"data_import": data_import, "link": settings.SITE_URL + path}
    return "emails/import_failed.txt", [data_import.requested_by.email], context


@shared_task(name="schools.refresh_register", acks_late=True, soft_time_limit=25 * 60, time_limit=26 * 60)
def refresh_register() -> None:
    """Beat runs this nightly: fetch the national extract and import it (schools.refresh)."""
    from .refresh import register_refresh

    register_refresh()


@email_builder("register-changes")
def register_changes_email(*, import_id: int, la_code: str):
    """The LA's administrators hear what the night's refresh changed at their schools."""
    from accounts.models import Membership, Role

    # The national import belongs to no LA: read outside the LA's scope, only its changes for this LA.
    data_import = DataImport.objects.with_scopes_disabled().filter(pk=import_id).first()
    la = LocalAuthority.objects.filter(code=la_code).first()
    if data_import is None or la is None:
        return None
    changes = [c for c in data_import.changes if c.get("la") == la.code]
    recipients = sorted(
        Membership.objects.filter(la=la, role=Role.LA_ADMIN, user__is_active=True).values_list("user__email", flat=True)
    )
    if not changes or not recipients:
        return None
    context = {"la": la, "changes": changes, "link": settings.SITE_URL + reverse("schools:list", args=[la.code])}
    return "emails/register_changes.txt", recipients, context
