"""HTML to tagged PDF with WeasyPrint, for background workers only: every PDF the portal makes.

WeasyPrint is imported on first use, never at web start-up (importing it takes about a second).
One font configuration and one stylesheet (`pdf.css`: page numbers, running title, cover,
headings that become bookmarks) are built once per worker process and reused for every document;
the URL fetcher serves only the portal's own static files, so a document can never make the
worker fetch from the network or read a file outside the app.
"""

import functools
import io
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# Documents are rendered with this base URL; "/static/x.png" in a template resolves under it.
BASE_URL = "https://static.sip-portal.invalid/"
STYLESHEET = Path(__file__).resolve().parent / "pdf.css"


class RefusedResource(ValueError):
    """A document asked for something other than the portal's static files."""


def static_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serve /static/… from the app's static files; refuse everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            prefix = settings.STATIC_URL
            if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
                raise RefusedResource(f"Only the portal's static files may be used in a document, not {url}")
            relative = unquote(parts.path.removeprefix(prefix))
            if ".." in Path(relative).parts:
                raise RefusedResource(f"Refused {url}")
            found = finders.find(relative)
            if not found:
                raise RefusedResource(f"No static file {relative}")
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher


@functools.cache
def _renderer():
    """(fetcher, font configuration, stylesheet), made once per process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fetcher = static_fetcher_class()(allowed_protocols=("https", "data"), timeout=2)
    font_config = FontConfiguration()
    stylesheet = CSS(string=STYLESHEET.read_text(), font_config=font_config, url_fetcher=fetcher, base_url=BASE_URL)
    return fetcher, font_config, stylesheet


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """(PDF bytes, page count) of a full HTML document; tagged PDF/UA with the <title> and lang."""
    from weasyprint import HTML

    fetcher, font_config, stylesheet = _renderer()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config
    )
    target = io.BytesIO()
    document.write_pdf(target, pdf_variant="pdf/ua-1")
    return target.getvalue(), len(document.pages)
