"""Fan charts of the forecast: the actual figures up to the start, then the central forecast with its 80% and 95%
ranges as shaded bands that widen with time, and any further lines (FTE in post). Built with Altair like the
Appendix 1 charts and drawn by vl-convert (no browser, no network), each with alt text and its data table, so
it can be read without seeing it.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from dataclasses import dataclass, field
from typing import Any, Final

import altair as alt

from cscperf.analysis.forecast.spread import Spread
from cscperf.report.charts import CHART_HEIGHT, CHART_WIDTH, FONT_FAMILY, FONT_SIZE, draw_spec_svg, svg_png
from cscperf.report.palette import (
    EXTRA_SERIES_COLOURS,
    GRID_COLOUR,
    MAIN_SERIES_COLOUR,
    MUTED_TEXT_COLOUR,
    TEXT_COLOUR,
)

BAND_95: Final = "95% range"
BAND_80: Final = "80% range"
ACTUAL: Final = "Actual"
CENTRAL: Final = "Central forecast"


@dataclass(frozen=True)
class FanChart:
    """A fan chart: what it shows, its data, and how it reads."""

    chart_id: str
    title: str
    direction: str  # e.g. "Neither up nor down is better in itself: a forecast to plan for"
    unit: str  # e.g. "children", "£ thousands", "FTE"
    decimals: int
    actual: tuple[tuple[dt.date, float], ...]
    forecast: tuple[tuple[dt.date, Spread], ...]
    lines: tuple[tuple[str, tuple[tuple[dt.date, float], ...]], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    actual_label: str = ACTUAL

    @functools.cached_property
    def svg(self) -> str:
        svg = draw_spec_svg(fan_spec(self))
        start = svg.find("<svg")
        end = svg.find(">", start)
        label = html.escape(alt_text(self), quote=True)
        opening = svg[start:end].replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
        return f"{svg[:start]}{opening}><title>{html.escape(self.title, quote=False)}</title>{svg[end + 1 :]}"

    @functools.cached_property
    def png(self) -> bytes:
        return svg_png(self.svg, 1.5)


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def fan_spec(chart: FanChart) -> dict[str, Any]:
    """The Vega-Lite spec (built with Altair) of a fan chart."""
    with alt.utils.schemapi.debug_mode(False):
        return _build(chart)


def _build(chart: FanChart) -> dict[str, Any]:
    bands: list[dict[str, Any]] = [
        {"date": _iso(d), "low95": s.p2_5, "high95": s.p97_5, "low80": s.p10, "high80": s.p90, "mid": s.p50}
        for d, s in chart.forecast
    ]
    if chart.actual and chart.forecast:  # the fan opens from the last actual figure
        last_day, last = chart.actual[-1]
        bands.insert(
            0, {"date": _iso(last_day), "low95": last, "high95": last, "low80": last, "high80": last, "mid": last}
        )
    actual_label = chart.actual_label
    names = [*([actual_label] if chart.actual else []), CENTRAL, *(label for label, _ in chart.lines)]
    colours = [
        *([MAIN_SERIES_COLOUR] if chart.actual else []),
        MAIN_SERIES_COLOUR,
        *EXTRA_SERIES_COLOURS[: len(chart.lines)],
    ]
    dashes = [*([[1, 0]] if chart.actual else []), [6, 4], *([[2, 2], [8, 3, 2, 3]] * 2)[: len(chart.lines)]]
    lines: list[dict[str, Any]] = [{"date": _iso(d), "value": v, "series": actual_label} for d, v in chart.actual]
    lines += [{"date": row["date"], "value": row["mid"], "series": CENTRAL} for row in bands]
    for label, points in chart.lines:
        lines += [{"date": _iso(d), "value": v, "series": label} for d, v in points]
    values = [float(row[k]) for row in bands for k in ("low95", "high95")] + [float(row["value"]) for row in lines]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.08 or 1.0
    y_scale = alt.Scale(domain=[max(0.0, low - pad), high + pad], nice=True, zero=False)
    y_axis = alt.Axis(title=chart.unit, format=",~f", gridColor=GRID_COLOUR, tickCount=6)
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8, grid=False))
    legend = alt.Legend(title=None, orient="bottom", direction="horizontal", columns=3, symbolStrokeWidth=2.5)
    fill = alt.Color("band:N", scale=alt.Scale(domain=[BAND_95, BAND_80], range=["#C9D3E0", "#8FA4BF"]), legend=legend)
    layers = [
        alt.Chart(alt.Data(values=[{**r, "band": BAND_95} for r in bands]))  # type: ignore[no-untyped-call]
        .mark_area(opacity=0.9)
        .encode(x=x, y=alt.Y("low95:Q", scale=y_scale, axis=y_axis), y2="high95:Q", color=fill),
        alt.Chart(alt.Data(values=[{**r, "band": BAND_80} for r in bands]))  # type: ignore[no-untyped-call]
        .mark_area(opacity=0.9)
        .encode(x=x, y=alt.Y("low80:Q", scale=y_scale, axis=y_axis), y2="high80:Q", color=fill),
        alt.Chart(alt.Data(values=lines))  # type: ignore[no-untyped-call]
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("value:Q", scale=y_scale, axis=y_axis),
            stroke=alt.Stroke("series:N", scale=alt.Scale(domain=names, range=colours), legend=legend),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=dashes), legend=None),
        ),
    ]
    if chart.actual:
        start = chart.actual[-1][0]
        layers.append(
            alt.Chart(alt.Data(values=[{"date": _iso(start), "text": "Forecast from here"}]))  # type: ignore[no-untyped-call]
            .mark_rule(color=MUTED_TEXT_COLOUR, strokeDash=[3, 3])
            .encode(x=x)
        )
        layers.append(
            alt.Chart(alt.Data(values=[{"date": _iso(start), "text": "Forecast from here"}]))  # type: ignore[no-untyped-call]
            .mark_text(align="left", dx=4, dy=-6, color=TEXT_COLOUR, baseline="bottom")
            .encode(x=x, y=alt.value(0), text="text:N")
        )
    layered = alt.layer(*layers).properties(width=CHART_WIDTH, height=CHART_HEIGHT)
    spec: dict[str, Any] = layered.to_dict(validate=False)
    spec["config"] = {
        "font": FONT_FAMILY,
        "axis": {
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "labelColor": TEXT_COLOUR,
            "titleColor": TEXT_COLOUR,
            "titleFontWeight": "normal",
        },
        "legend": {"labelFontSize": FONT_SIZE, "labelColor": TEXT_COLOUR, "labelLimit": 300},
        "text": {"fontSize": FONT_SIZE},
        "view": {"stroke": None},
    }
    return spec


def alt_text(chart: FanChart) -> str:
    """E.g. "Fan chart of children looked after: actual from Oct 2024 (380) to Oct 2026 (388); forecast to Oct 2029:
    central 380, 80% range 351 to 413, 95% range 336 to 426. ..."."""
    d = chart.decimals
    parts = [f"Fan chart of {chart.title[0].lower()}{chart.title[1:]}"]
    if chart.actual:
        (first_day, first), (last_day, last) = chart.actual[0], chart.actual[-1]
        parts.append(
            f"{chart.actual_label.lower()} from {first_day:%b %Y} ({_number(first, d)} {chart.unit}) to "
            f"{last_day:%b %Y} ({_number(last, d)})"
        )
    if chart.forecast:
        end_day, s = chart.forecast[-1]
        parts.append(
            f"forecast to {end_day:%b %Y}: central {_number(s.p50, d)}, 80% range {_number(s.p10, d)} to "
            f"{_number(s.p90, d)}, 95% range {_number(s.p2_5, d)} to {_number(s.p97_5, d)}"
        )
    for label, points in chart.lines:
        if points:
            parts.append(f"{label} {_number(points[-1][1], d)} in {points[-1][0]:%b %Y}")
    return "; ".join(parts) + f". The ranges widen with time. {chart.direction}."


def data_table(chart: FanChart, every: int = 1) -> tuple[list[str], list[list[str]]]:
    """The figures behind the chart: the actual months, then the forecast months with the central figure and
    its ranges (every `every`th month of each, and always the last)."""
    headers = ["Month", chart.actual_label, CENTRAL, BAND_80, BAND_95, *(label for label, _ in chart.lines)]
    extra = [dict(points) for _, points in chart.lines]
    d = chart.decimals

    def shown(count: int) -> list[int]:
        return [i for i in range(count) if (count - 1 - i) % every == 0]

    rows = []
    for i in shown(len(chart.actual)):
        day, value = chart.actual[i]
        rows.append([f"{day:%b %Y}", _number(value, d), "", "", "", *(_cell(e.get(day), d) for e in extra)])
    for i in shown(len(chart.forecast)):
        day, s = chart.forecast[i]
        rows.append(
            [
                f"{day:%b %Y}",
                "",
                _number(s.p50, d),
                f"{_number(s.p10, d)} to {_number(s.p90, d)}",
                f"{_number(s.p2_5, d)} to {_number(s.p97_5, d)}",
                *(_cell(e.get(day), d) for e in extra),
            ]
        )
    return headers, rows


def _cell(value: float | None, decimals: int) -> str:
    return "" if value is None else _number(value, decimals)
