from celery import shared_task
from django_scopes import scope

from .models import DataImport


@shared_task(acks_late=True)
def run_data_import(import_id: int, la_id: int) -> None:
    """Import an uploaded file. A redelivered message finds the import finished and stops."""
    from .services import data_import_run

    with scope(la=la_id):
        data_import = DataImport.objects.filter(pk=import_id).first()
        if data_import is None or data_import.finished:
            return
        data_import_run(data_import=data_import)
