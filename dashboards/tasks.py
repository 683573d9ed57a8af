"""The background refresh of the national figures (Celery beat asks for one every few minutes)."""

from celery import shared_task

from jobs.runner import job_task_options, run_job

from .models import FiguresRefresh


def _refresh(job: FiguresRefresh) -> None:
    from .figures import refresh_figures

    refresh_figures(year=job.academic_year, job=job)


@shared_task(**job_task_options(FiguresRefresh))
def run_figures_refresh(self, job_id: int) -> None:
    """Compute one refresh; a second message for the same row does nothing."""
    run_job(FiguresRefresh, job_id, _refresh, task=self)


@shared_task(name="dashboards.request_refresh", ignore_result=True)
def schedule_refresh() -> None:
    """Beat's tick: a new refresh row, sent to a worker, unless one is already on its way."""
    from django_scopes import scopes_disabled

    from .figures import request_refresh

    with scopes_disabled():
        request_refresh()
