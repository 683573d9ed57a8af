"""The nightly refresh of the national register from the extract URL a site administrator sets.

Fetch, then import as the national import (a DataImport job row, all or nothing). A failed fetch
or a rejected file leaves the register as it was and is recorded on the RegisterSource for the
site administrator; beat tries again the next night. After an import that changed something that
matters, each LA's administrators get one email listing their schools' changes.
"""

import logging
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import PurePosixPath

from django.core.files import File
from django.utils import timezone
from django_scopes import scopes_disabled

from jobs.emails import email_request
from jobs.runner import run_job
from tenancy.models import LocalAuthority

from .models import DataImport, RegisterSource

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 120
MAX_EXTRACT_BYTES = 200 * 1024 * 1024


class FetchFailed(Exception):
    pass


def _fetch(url: str, into) -> None:
    """Stream the file at `url` into the open binary file `into`, or raise FetchFailed with why."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchFailed("The extract URL must start with http:// or https://.")
    request = urllib.request.Request(url, headers={"User-Agent": "SIP Portal register refresh"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            copied = 0
            while chunk := response.read(1024 * 1024):
                copied += len(chunk)
                if copied > MAX_EXTRACT_BYTES:
                    raise FetchFailed("The file is larger than 200 MB; it is not a GIAS extract.")
                into.write(chunk)
    except urllib.error.HTTPError as error:
        raise FetchFailed(f"The server answered {error.code} {error.reason}.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchFailed(f"The file could not be fetched: {reason}.") from None
    if copied == 0:
        raise FetchFailed("The server sent an empty file.")


def register_refresh() -> DataImport | None:
    """Fetch and import the national extract; record the outcome on the RegisterSource.

    Returns the import, or None when no URL is set or the fetch failed.
    """
    from .tasks import import_in_scope

    source = RegisterSource.load()
    if not source.extract_url:
        return None
    source.last_attempt_at = timezone.now()
    name = PurePosixPath(urllib.parse.urlsplit(source.extract_url).path).name or "edubasealldata.csv"
    with tempfile.TemporaryFile() as buffer:
        try:
            _fetch(source.extract_url, buffer)
        except FetchFailed as problem:
            source.last_problem = f"Not fetched, so the register is unchanged. {problem}"
            source.save()
            logger.warning("register refresh: fetch failed", extra={"reason": str(problem)})
            return None
        buffer.seek(0)
        with scopes_disabled():
            data_import = DataImport(la=None, kind=DataImport.Kind.GIAS, original_name=name[:255])
            data_import.file.save(name, File(buffer), save=False)
            data_import.save()
    data_import = run_job(DataImport, data_import.pk, import_in_scope)
    source.last_import_id = data_import.pk
    if data_import.state == DataImport.State.DONE:
        source.last_success_at = timezone.now()
        source.last_problem = ""
        _email_changes(data_import)
    elif data_import.state == DataImport.State.REJECTED:
        first = data_import.errors[0] if data_import.errors else {}
        source.last_problem = (
            f"The file was rejected, so the register is unchanged: {data_import.error_count} "
            f"problem{'s' if data_import.error_count != 1 else ''}, "
            f"the first on line {first.get('line')}, {first.get('column') or 'the file'}: {first.get('message')}"
        )
    else:
        source.last_problem = f"The import failed, so the register is unchanged: {data_import.failure}"
    source.save()
    return data_import


def _email_changes(data_import: DataImport) -> None:
    """One email per LA whose schools changed in a way that matters."""
    codes = sorted({change["la"] for change in data_import.changes if change.get("la")})
    for la in LocalAuthority.objects.filter(code__in=codes):
        email_request(
            kind="register-changes",
            event_key=f"register-changes:{data_import.pk}:{la.pk}",
            la_id=la.pk,
            import_id=data_import.pk,
            la_code=la.code,
        )
