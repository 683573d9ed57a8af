import csv

from django.http import StreamingHttpResponse
from django_scopes import scope

# Spreadsheets run cells starting with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell value that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
