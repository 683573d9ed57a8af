from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from jobs.emails import email_builder
from jobs.runner import run_job

from .models import DataImport


def import_in_scope(data_import: DataImport) -> None:
    from .services import data_import_run

    with scope(la=data_import.la_id) if data_import.la_id else scopes_disabled():
        data_import_run(data_import=data_import)


@shared_task(
    name=DataImport.task_name,
    bind=True,
    acks_late=True,
    soft_time_limit=DataImport.time_limit - 30,
    time_limit=DataImport.time_limit - 10,
)
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
