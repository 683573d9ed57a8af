"""The national oversight dashboards: figures, the schools behind each, and CSV downloads."""

import csv
import hashlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from common.streaming import spreadsheet_safe
from national import views as national_views
from national.views import get_national_membership
from tenancy.academic_year import academic_year_label, current_academic_year

from . import suppression
from .selectors import dashboard, drill_rows, latest_refresh, remit_for, school_values
from .tables import table_for, tables_for

logger = logging.getLogger(__name__)

DASHBOARD_ROLES = (Role.SSAT, Role.NATIONAL_COLLEGE, Role.NS_ADVISER)
SCHOOLS_PER_PAGE = 50


def _membership(request, body):
    membership = get_national_membership(request, body)
    if membership.role not in DASHBOARD_ROLES:
        raise Http404("No such page")
    return membership


def as_at(run) -> str:
    """The "data as at" sentence of a refresh, in the portal's time zone: "Data as at 2 December 2026, 10:00"."""
    moment = timezone.localtime(run.as_at)
    return f"Data as at {moment.day} {moment:%B %Y, %H:%M}"


def _linker(body: str):
    paths: dict = {}

    def link(table, column, place) -> str:
        # Hundreds of cells a page: each table's path is reversed once, the query joined by hand
        # (LA codes, region codes and figure keys are slugs, so nothing needs quoting).
        if table.key not in paths:
            paths[table.key] = reverse("national:figures-schools", args=[body, table.key])
        query = []
        if place is not None:
            query.append(f"region={place}" if isinstance(place, str) else f"la={place.code}")
        if column is not None:
            query.append(f"figure={column.key}")
        return f"{paths[table.key]}?{'&'.join(query)}" if query else paths[table.key]

    return link


SUPPRESSED_HTML = format_html(
    '<span class="sip-suppressed">{}<span class="govuk-visually-hidden"> (not shown: see the key)</span></span>',
    suppression.SYMBOL,
)


def cell_html(cell) -> str:
    """One figure's markup: hidden, a link to the schools behind it, or the value (0 links nowhere)."""
    if cell.suppressed:
        return SUPPRESSED_HTML
    if cell.value and cell.href:
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">, '
            "see the schools behind this figure: {}</span></a>",
            cell.href,
            cell.extra["text"],
            cell.extra["context"],
        )
    return cell.extra["text"]


def _with_markup(figures):
    # Markup made in Python rather than a template included per cell: a region's dashboard has
    # over a thousand cells.
    for table in figures:
        for row in table.rows:
            for cell in row.cells:
                cell.extra["html"] = cell_html(cell)
        for cell in table.total:
            cell.extra["html"] = cell_html(cell)
    return figures


def national_home(request, body):
    """The dashboard for the bodies that oversee (SSAT, the National College, advisers); a list otherwise."""
    membership = get_national_membership(request, body)
    if membership.role in DASHBOARD_ROLES:
        return dashboard_page(request, membership)
    return national_views.national_home(request, membership)


def dashboard_page(request, membership):
    """The body's dashboard (its national home): every table it reads, suppressed, "as at"."""
    remit = remit_for(membership, request.GET.get("region", ""))
    run = latest_refresh()
    region_label = dict(remit_region_choices()).get(remit.region, "")
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "membership": membership,
            "matches": membership.role in (Role.SSAT, Role.NATIONAL_COLLEGE),
            "remit": remit,
            "run": run,
            "as_at": as_at(run) if run else "",
            "figures_html": figures_html(run, remit, membership, region_label) if run else "",
            "key": suppression.KEY,
            "symbol": suppression.SYMBOL,
            "year_label": academic_year_label(current_academic_year()),
            "region_label": region_label,
        },
    )


def snapshot_html(run, remit, membership, parts: list, make) -> str:
    """Markup made from one snapshot, put together once and kept until the snapshot is replaced.

    A snapshot never changes, so what a page shows of it is the same for everyone of the body
    who reads the same LAs: the cache key names the snapshot (`token`), the role, the body, the
    region, the LAs and the page's own `parts`. With the cache down the markup is made on every
    request instead.
    """
    las = hashlib.sha256(",".join(map(str, remit.la_ids)).encode()).hexdigest()[:16]
    key = ":".join(
        ["dashboard", str(run.token), membership.role, membership.national_body.kind, remit.region, las, *parts]
    )
    try:
        html = cache.get(key)
    except Exception:
        logger.warning("dashboard markup not read from the cache", exc_info=True)
        html = None
    if html is None:
        html = make()
        try:
            cache.set(key, html, timeout=4 * 60 * settings.DASHBOARD_REFRESH_MINUTES)
        except Exception:
            logger.warning("dashboard markup not kept in the cache", exc_info=True)
    return mark_safe(html)  # noqa: S308  (made by our templates, which escape)


def figures_html(run, remit, membership, region_label: str) -> str:
    """The dashboard's tables of one snapshot for one remit."""
    body = membership.national_body.kind
    return snapshot_html(
        run,
        remit,
        membership,
        ["tables"],
        lambda: render_to_string(
            "dashboards/_figures.html",
            {
                "figures": _with_markup(dashboard(run, remit, tables_for(membership.role), _linker(body))),
                "membership": membership,
                "remit": remit,
                "as_at": as_at(run),
                "region_label": region_label,
            },
        ),
    )


def remit_region_choices():
    from tenancy.models import Region

    return Region.choices


def figures_schools(request, body, table):
    """The schools behind one figure of a table (or all the table's schools), within the remit."""
    membership = _membership(request, body)
    found = table_for(membership.role, table)
    if found is None:
        raise Http404("No such table")
    column = None
    if request.GET.get("figure"):
        column = found.column(request.GET["figure"])
        if column is None:
            raise Http404("No such figure")
    remit = remit_for(membership, request.GET.get("region", ""))
    la = remit.la_by_code(request.GET["la"]) if request.GET.get("la") else None
    run = latest_refresh()
    query = {k: v for k, v in request.GET.items() if k in ("la", "region", "figure")}
    schools_html = ""
    if run is not None:
        number = request.GET.get("page", "1")
        number = number if number.isdigit() and len(number) <= 5 else "1"

        def make() -> str:
            page = Paginator(drill_rows(run, remit, found, column, la), SCHOOLS_PER_PAGE).get_page(number)
            for row in page.object_list:
                row.values = school_values(found, row)
            context = {"table": found, "page": page, "query": urlencode(query)}
            return render_to_string("dashboards/_schools.html", context)

        parts = ["schools", found.key, column.key if column else "", la.code if la else "", number]
        schools_html = snapshot_html(run, remit, membership, parts, make)
    place = la.name if la else dict(remit_region_choices()).get(remit.region, "")
    return render(
        request,
        "dashboards/schools.html",
        {
            "membership": membership,
            "table": found,
            "column": column,
            "place": place,
            "run": run,
            "as_at": as_at(run) if run else "",
            "schools_html": schools_html,
            "back_query": urlencode({"region": remit.region}) if remit.region else "",
        },
    )


def figures_csv(request, body, table):
    """One table as CSV, with the same suppression as the page; the download is audited."""
    membership = _membership(request, body)
    found = table_for(membership.role, table)
    if found is None:
        raise Http404("No such table")
    remit = remit_for(membership, request.GET.get("region", ""))
    run = latest_refresh()
    if run is None:
        raise Http404("The figures have not been computed yet")
    [figures] = dashboard(run, remit, [found], lambda *args: "")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{found.key}-{remit.region or body}-{run.academic_year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([found.title, as_at(run)])
    writer.writerow(["Region" if remit.by_region else "Local authority"] + [c.label for c in found.columns])
    for row in figures.rows:
        writer.writerow([spreadsheet_safe(row.label)] + [suppression.shown(cell) for cell in row.cells])
    writer.writerow(["All"] + [suppression.shown(cell) for cell in figures.total])
    writer.writerow([suppression.KEY])
    audit_record(
        action=Action.DATA_EXPORTED,
        request=request,
        detail={"what": f"dashboard {found.key}", "body": body, "region": remit.region, "as_at": as_at(run)},
    )
    return response
