from celery import shared_task

from .emails import send_job
from .models import EmailJob
from .runner import run_job, sweep


@shared_task(name="jobs.sweep", ignore_result=True)
def sweep_jobs() -> dict:
    """Run by Celery beat every minute (JOB_SWEEP_SECONDS)."""
    return dict(sweep())


@shared_task(name=EmailJob.task_name, bind=True, acks_late=True, max_retries=6)
def send_email(self, job_id: int) -> None:
    run_job(EmailJob, job_id, send_job, task=self)
