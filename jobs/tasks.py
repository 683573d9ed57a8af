from celery import shared_task

from .runner import sweep


@shared_task(name="jobs.sweep", ignore_result=True)
def sweep_jobs() -> dict:
    """Run by Celery beat every minute (JOB_SWEEP_SECONDS)."""
    return dict(sweep())
