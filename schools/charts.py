"""Small line charts drawn on the server as SVG, each with a data table beside it.

The SVG is decoration for sighted readers (aria-hidden); the table carries the same numbers for
everyone, so nothing depends on seeing colour or shape.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 40, 16, 36
# GOV.UK palette colours with different dash patterns, so lines differ without colour too.
STYLES = [("#1d70b8", ""), ("#d4351c", "6 4"), ("#00703c", "2 3"), ("#4c2c92", "10 3 2 3")]


@dataclass
class Series:
    label: str
    points: dict[int, Decimal | None]


def line_chart(series: list[Series], *, low: float = 0, high: float = 100) -> SafeString:
    years = sorted({year for s in series for year in s.points})
    if not years:
        return mark_safe("")  # noqa: S308  (empty)
    values = [float(v) for s in series for v in s.points.values() if v is not None]
    if values:
        low, high = min(low, min(values)), max(high, max(values))
    span = (high - low) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        return LEFT + (plot_w * (years.index(year) / max(len(years) - 1, 1)))

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / span)

    parts = [
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b1b4b6"/>', LEFT, y(low), WIDTH - RIGHT, y(low)),
        format_html(
            '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>', LEFT - 6, y(high) + 4, f"{high:g}"
        ),
        format_html('<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>', LEFT - 6, y(low) + 4, f"{low:g}"),
    ]
    parts += [
        format_html(
            '<text x="{}" y="{}" font-size="12" text-anchor="middle">{}</text>', f"{x(yr):.1f}", HEIGHT - 12, _year(yr)
        )
        for yr in years
    ]
    for (colour, dash), s in zip(STYLES * 4, series, strict=False):
        points = [(x(yr), y(float(v))) for yr, v in sorted(s.points.items()) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-dasharray="{}"/>',
                    path,
                    colour,
                    dash,
                )
            )
        parts += [
            format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', f"{px:.1f}", f"{py:.1f}", colour)
            for px, py in points
        ]
    legend = format_html_join(
        "",
        '<li class="sip-chart__key"><svg width="28" height="10" aria-hidden="true" focusable="false">'
        '<line x1="0" y1="5" x2="28" y2="5" stroke="{}" stroke-width="3" stroke-dasharray="{}"/></svg> {}</li>',
        ((colour, dash, s.label) for (colour, dash), s in zip(STYLES * 4, series, strict=False)),
    )
    svg = format_html(
        '<svg class="sip-chart" viewBox="0 0 {} {}" width="100%" font-family="Arial, sans-serif" aria-hidden="true" '
        'focusable="false">{}</svg><ul class="govuk-list sip-chart__legend" aria-hidden="true">{}</ul>',
        WIDTH,
        HEIGHT,
        mark_safe("".join(parts)),  # noqa: S308  (built from format_html pieces above)
        legend,
    )
    return svg


def _year(start: int) -> str:
    return f"{start}/{str(start + 1)[-2:]}"
