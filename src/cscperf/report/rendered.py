"""Appendix 1's charts drawn once (SVG; PNG when Word is wanted) with their alt text, their notes and their
figures (every month, for the HTML; the latest 13 months across, for print), shared by every format."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from cscperf.report import charts
from cscperf.report.chart_request import ChartRequest
from cscperf.report.contents import ChartEntry, ReportContent

PRINT_MONTHS = 13
"""Months in each chart's printed figures: a year and the same month a year earlier. The HTML has every month
charted, kpis.xlsx every month and every figure."""

WORD_PNG_SCALE = 3.0
"""Word's picture of a chart: three times its pixels, about 280 pixels an inch at its printed size."""


@dataclass(frozen=True)
class RenderedChart:
    entry: ChartEntry
    alt: str
    headers: list[str]
    rows: list[list[str]]
    svg: str
    png: bytes | None
    print_headers: list[str]
    print_rows: list[list[str]]
    notes: tuple[str, ...] = ()  # the words beside the chart: events, what the marks mean, the axis, small numbers

    @property
    def number(self) -> int:
        return self.entry.plan.number

    @property
    def anchor(self) -> str:
        return f"chart-{self.entry.plan.number}"

    @property
    def width(self) -> float:
        return charts.svg_size(self.svg)[0]

    @property
    def height(self) -> float:
        return charts.svg_size(self.svg)[1]

    @property
    def print_width_mm(self) -> float:
        return charts.print_width_mm(self.svg)

    @property
    def withheld(self) -> bool:
        """Whether the printed figures withhold a small count ("<5")."""
        return any(cell.startswith("<") for row in self.print_rows for cell in row[1:])

    @property
    def withheld_beside(self) -> bool:
        """Whether the printed figures withhold a count beside a small one ("c": starts beside leavers)."""
        return any(cell == "c" for row in self.print_rows for cell in row[1:])

    @property
    def image_uri(self) -> str:
        """The chart as a self-contained data URI: SVG (sharp at any size)."""
        return self.svg_data_uri

    @property
    def print_uri(self) -> str:
        """The chart's SVG file name, relative to the folder the PDF renderer reads it from."""
        return f"chart-{self.number}.svg"

    @property
    def png_data_uri(self) -> str:
        assert self.png is not None
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    @property
    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


def chart_notes(request: ChartRequest) -> tuple[str, ...]:
    """The words beside a chart: what its numbered lines mark, what its ringed and crossed points mean, where its
    axis starts when not at zero, and any warning about small numbers."""
    notes: list[str] = []
    events = charts.event_words(request)
    if events:
        notes.append("Marked: " + "; ".join(events) + ".")
    if request.spc is not None:
        key = charts.spc_key(request.spc)
        if key:
            notes.append(key)
    domain = charts.y_domain_of(request)
    note = charts.axis_note(request, domain)
    if note:
        notes.append(note)
    notes += list(request.notes)
    return tuple(notes)


def render_charts(
    content: ReportContent,
    *,
    png: bool,
    scale: float = WORD_PNG_SCALE,
    first: int = 0,
    last: int | None = None,
    on_chart: Callable[[], None] | None = None,
) -> list[RenderedChart]:
    """The report's charts (all, or those from `first` up to `last`), in order."""
    out = []
    for entry in content.charts[first:last]:
        request = entry.request
        headers, rows = charts.data_table(request)
        print_headers, print_rows = charts.print_table(request, PRINT_MONTHS)
        svg = charts.render_svg(request)
        out.append(
            RenderedChart(
                entry=entry,
                alt=charts.alt_text(request),
                headers=headers,
                rows=rows,
                svg=svg,
                png=charts.render_png(request, scale=scale) if png else None,
                print_headers=print_headers,
                print_rows=print_rows,
                notes=chart_notes(request),
            )
        )
        if on_chart is not None:
            on_chart()
    return out
