"""The pipeline every rendered document shares: stored as a job's result, sent only when authorised.

Reports, Form 2 and whatever else the portal prints each have a `DocumentJob` row of their own;
a worker calls `render_job_pdf` for it, and the download view ends with `stored_file_response`.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from .models import DocumentJob
from .pdf import html_to_pdf
from .runner import job_finish


def render_job_pdf(document: DocumentJob, *, html: str, filename: str) -> None:
    """Render the HTML and finish the job with its file, in one transaction (the job runner called us)."""
    pdf, pages = html_to_pdf(html)
    name = document.file.field.generate_filename(document, filename)
    # A worker killed after writing but before finishing left this name behind: it is ours now.
    if default_storage.exists(name):
        default_storage.delete(name)
    with transaction.atomic():
        saved = default_storage.save(name, ContentFile(pdf))
        if not job_finish(document, file=saved, pages=pages):
            # Another worker holds the row now; its file wins, ours goes.
            transaction.on_commit(lambda: default_storage.delete(saved))


def stored_file_response(name: str, download_name: str, content_type: str) -> HttpResponse:
    """A stored file as a private download: streamed from storage, or handed to the web server.

    With X_ACCEL_REDIRECT_PREFIX set (e.g. "/protected/"), nginx sends the bytes from an
    `internal` location mapped onto MEDIA_ROOT, after the view has authorised and audited.
    """
    prefix = settings.X_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        try:
            handle = default_storage.open(name, "rb")
        except FileNotFoundError as error:
            raise Http404("The file is missing") from error
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name)
    # Never kept in a shared cache; not stored either, so every download passes the audit.
    response["Cache-Control"] = "private, no-store"
    return response
