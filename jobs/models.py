"""Background jobs whose database row is the truth.

Every job (an import, an email, later a PDF report) is a row: requested → running → done or
failed, with a reason a person can read. The worker that holds a job writes its name and a
heartbeat on the row; a sweeper re-queues jobs nobody took or whose worker went silent.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models

from tenancy.scoping import ScopedManager


class JobState(models.TextChoices):
    REQUESTED = "requested", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """What every job row carries. Subclasses name their Celery task and may add final states."""

    # The Celery task that runs one job; it takes the row's id.
    task_name: ClassVar[str]
    # Seconds a run may take before the job is failed (the task's hard limit is a little less).
    time_limit: ClassVar[int] = 180
    # Runs started (by the first message or the sweeper) before the job is given up.
    max_attempts: ClassVar[int] = 5
    # States in which the job will never run again.
    final_states: ClassVar[tuple[str, ...]] = (JobState.DONE, JobState.FAILED)

    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.REQUESTED)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When a message for it last reached the broker.")
    waiting_for_broker = models.BooleanField(
        default=False, help_text="The broker could not take the job; the sweeper sends it when the broker is back."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process running it.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.state in self.final_states

    @property
    def is_queued_without_broker(self) -> bool:
        return self.state == JobState.REQUESTED and self.waiting_for_broker

    @property
    def is_ready(self) -> bool:
        return self.state == JobState.DONE

    @property
    def state_words(self) -> str:
        """What pages say of a job making a file: queued, rendering, ready or failed."""
        if self.state == JobState.REQUESTED:
            return "Queued"
        return {JobState.RUNNING: "Rendering", JobState.DONE: "Ready", JobState.FAILED: "Failed"}[self.state]

    def on_failed(self) -> None:
        """Tell the person who asked; called once, after the job is marked failed."""


def document_upload_to(document: "DocumentJob", filename: str) -> str:
    return document.storage_path(filename)


class DocumentJob(Job):
    """A job whose result is one stored file for people to download: a rendered PDF.

    One row per document (the subclass's unique constraint), so two people asking at once get
    one file; `jobs.documents` renders and stores it and sends it through an authorising view.
    """

    file = models.FileField(upload_to=document_upload_to, blank=True, max_length=300)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def storage_path(self, filename: str) -> str:
        """Where the file is kept, under the storage's root (never the static root)."""
        raise NotImplementedError


class EmailJob(Job):
    """One email to send for one event. The unique event key makes a second send impossible."""

    task_name = "jobs.send_email"
    time_limit = 120

    event_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=50, help_text="Which builder makes the message.")
    params = models.JSONField(default=dict, blank=True)
    la = models.ForeignKey("tenancy.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300, blank=True)

    # An LA's emails are tenant data; the job runner and the sweeper read them unscoped on purpose.
    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "queued_at"])]

    def __str__(self) -> str:
        return f"Email {self.event_key}"
