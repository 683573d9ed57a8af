import csv

from django.http import StreamingHttpResponse
from django_scopes import scope


def neutralise(value) -> str:
    """Keep a spreadsheet from reading a cell as a formula (a cell starting =, +, -, @, tab or CR)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def csv_download(la, filename: str, rows) -> StreamingHttpResponse:
    """Stream CSV rows (an iterable of lists) as a download.

    The response body is produced after the view returns, outside the tenant middleware, so the
    rows are read inside the LA's scope again here.
    """
    writer = csv.writer(_Echo())

    def lines():
        with scope(la=la.pk):
            for row in rows:
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
