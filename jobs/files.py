"""Handing a stored file (a rendered PDF, a ZIP) to the person a view has authorised."""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def stored_file_response(name: str, download_name: str, content_type: str) -> HttpResponse:
    """A stored file as a private download: streamed from storage, or handed to the web server.

    With X_ACCEL_REDIRECT_PREFIX set (e.g. "/protected/"), nginx sends the bytes from an
    `internal` location mapped onto MEDIA_ROOT, after this view has authorised and audited.
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
