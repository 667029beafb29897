"""Appendix 1's charts drawn once (SVG, and PNG when a format needs it) with their alt text and data tables,
shared by every format."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass

from cscperf.report import charts
from cscperf.report.chart_request import ChartRequest
from cscperf.report.contents import ChartEntry, ReportContent


@dataclass(frozen=True)
class RenderedChart:
    entry: ChartEntry
    alt: str
    headers: list[str]
    rows: list[list[str]]
    svg: str
    png: bytes | None
    references: tuple[str, ...] = ()  # constant columns of the full table, said once: "England 2024-25: 67"

    @property
    def number(self) -> int:
        return self.entry.plan.number

    @property
    def anchor(self) -> str:
        return f"chart-{self.entry.plan.number}"

    @property
    def image_uri(self) -> str:
        """The chart as a self-contained data URI: SVG (sharp at any size)."""
        return self.svg_data_uri

    @property
    def print_uri(self) -> str:
        """The chart's PNG file name, relative to the folder the PDF renderer reads it from."""
        return f"chart-{self.number}.png"

    @property
    def png_data_uri(self) -> str:
        assert self.png is not None
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    @property
    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


def render_charts(
    content: ReportContent,
    *,
    png: bool,
    scale: float = 1.5,
    first: int = 0,
    last: int | None = None,
    on_chart: Callable[[], None] | None = None,
) -> list[RenderedChart]:
    """The report's charts (all, or those from `first` up to `last`), in order."""
    out = []
    for entry in content.charts[first:last]:
        request = entry.request
        headers, rows, references = compact_table(request, *charts.data_table(request))
        svg = charts.render_svg(request)
        out.append(
            RenderedChart(
                entry=entry,
                alt=charts.alt_text(request),
                headers=headers,
                rows=rows,
                svg=svg,
                png=charts.render_png(request, scale=scale) if png else None,
                references=references,
            )
        )
        if on_chart is not None:
            on_chart()
    return out


def _says(header: str, value: str) -> bool:
    """Whether a reference line's label already states its value ("Target 80%" and 80.0)."""
    if header.endswith(value) or value in header:
        return True
    try:
        number = float(value.replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return any(float(found.replace(",", "")) == number for found in re.findall(r"\d[\d,]*(?:\.\d+)?", header))


def compact_table(
    request: ChartRequest, headers: list[str], rows: list[list[str]]
) -> tuple[list[str], list[list[str]], tuple[str, ...]]:
    """The chart's data table without the columns that repeat one value in every row (a target, a band, a
    published comparator, the mean and process limits when no break changes them): those are said once instead
    ("Stretch target 98%: 98"). A signal column with no signal in it goes. Series columns stay, even when
    constant."""
    constant_kinds = {ref.label for ref in request.references} | {"Best range"}
    keep = [0]
    said: list[str] = []
    for i, header in enumerate(headers[1:], start=1):
        values = {row[i] for row in rows}
        if header == "Signal" and values <= {""}:
            continue
        if (header in constant_kinds or header.startswith("Mean and process limits")) and len(values) == 1:
            value = next(iter(values))
            said.append(header if _says(header, value) else f"{header}: {value}")
        else:
            keep.append(i)
    return [headers[i] for i in keep], [[row[i] for i in keep] for row in rows], tuple(said)
