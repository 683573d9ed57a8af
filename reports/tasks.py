"""Workers render reports' PDFs and build a term's ZIP; both are rows on the shared job pattern.

`acks_late` with `reject_on_worker_lost`: a worker killed mid-render leaves its message on the
broker, and the row (claimed under select_for_update) decides whether a second message does
anything, so a report's audience gets exactly one PDF. The sweeper (jobs.sweep, on beat) sends
again rows whose worker went silent.
"""

from celery import shared_task
from django_scopes import scope

from jobs.runner import job_task_options, run_job

from .models import RenderedDocument, ReportArchive


def render_in_scope(document: RenderedDocument) -> None:
    from .rendering import document_render

    with scope(la=document.report.school.la_id):
        document_render(document)


def build_in_scope(archive: ReportArchive) -> None:
    from .rendering import archive_build

    with scope(la=archive.la_id):
        archive_build(archive)


@shared_task(**job_task_options(RenderedDocument))
def render_document(self, document_id: int) -> None:
    """Render one report PDF; a second message for the same document does nothing."""
    run_job(RenderedDocument, document_id, render_in_scope, task=self)


@shared_task(**job_task_options(ReportArchive))
def build_archive(self, archive_id: int) -> None:
    """Build a term's ZIP of the LA's reports."""
    run_job(ReportArchive, archive_id, build_in_scope, task=self)
