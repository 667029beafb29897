"""The layers a chart of Appendix 1 is built from, each a small function returning Vega-Lite layer dicts: the
target or band, the published comparators over their years, the mean and process limits, the council's series
(each month, and the 12 months to each month), the signals, the latest month, the dated events, and the words in
the right margin. `charts.chart_spec` composes them; each can be tested on its own.

Every layer shares one time axis (`Frame.x`) and one value axis (`Frame.y`); a month's figure sits in the middle
of its month, so an event is drawn on its true date, inside the month it happened in. Lines that the legend names
share one `key` field, so the legend has one entry per line, never two with the same words.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from cscperf.analysis.spc_icons import SIGNAL_COLOURS
from cscperf.report.chart_fonts import FONT_FAMILY, SYMBOL_FONT_FAMILY
from cscperf.report.chart_request import ChartLine, ChartPoint, ChartSpc, ComparatorSeries
from cscperf.report.palette import (
    BAND_FILL_COLOUR,
    EXTRA_SERIES_COLOURS,
    FAINT_SERIES_COLOUR,
    MAIN_SERIES_COLOUR,
    RAG_COLOURS,
    RAG_SHAPES,
    REFERENCE_COLOURS,
    ROLLING_SERIES_COLOUR,
    SPC_LIMIT_COLOUR,
    SPC_MEAN_COLOUR,
    TEXT_COLOUR,
)

Layer = dict[str, Any]

FONT_SIZE: Final = 12
"""Smallest text on a chart, in pixels: 9.2 pt when printed at `charts.MM_PER_PX`."""

LINE_HEIGHT_PX: Final = 15
"""Height of a line of chart text."""

LABEL_GAP_PX: Final = 4
"""Space between two words in the right margin."""

MARGIN_DX: Final = 10
"""Gap between the plot and the words in its right margin."""

MARGIN_WRAP: Final = 14
"""Characters per line of the words in the right margin."""

LEGEND_DASHES: Final[dict[str, list[float]]] = {
    "main": [1, 0],
    "rolling": [1, 0],
    "extra": [6, 3],
    "england": [6, 3],
    "region": [2, 3],
    "neighbours": [9, 3, 2, 3],
    "mean": [1, 0],
    "limits": [4, 3],
}

LEGEND_WIDTH: Final = 600
"""The widest a legend may be, in pixels: about the chart's."""

SIGNAL_SHAPES: Final[dict[str, str]] = {
    "improvement": "circle",  # a ring around the point
    "concern": "M-1,-1L1,1M-1,1L1,-1",  # a cross over the point
    "neutral": "diamond",  # a diamond outline around the point
}
"""How a special cause is marked: an outline around (or across) the point, never a fill, so it reads apart from
the filled point and the latest month's RAG marker."""


@dataclass(frozen=True)
class Frame:
    """The shared axes of one chart: the time axis and value axis encodings, the value domain and the plot size."""

    x: dict[str, Any]
    y: dict[str, Any]
    domain: tuple[float, float]
    width: int
    height: int
    first: dt.date  # the first day charted
    last: dt.date  # the last day charted

    def y_pixel(self, value: float) -> float:
        lo, hi = self.domain
        return self.height * (1 - (value - lo) / (hi - lo)) if hi > lo else self.height / 2

    def inside(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@dataclass
class Legend:
    """The lines the legend names, in order: their words, colours and dash patterns (one entry each)."""

    keys: list[str]
    colours: list[str]
    dashes: list[list[float]]

    def add(self, key: str, colour: str, dash: list[float]) -> str:
        if key not in self.keys:
            self.keys.append(key)
            self.colours.append(colour)
            self.dashes.append(dash)
        return key

    def colour(self) -> dict[str, Any]:
        return {"field": "key", "type": "nominal", "sort": self.keys,
                "scale": {"domain": self.keys, "range": self.colours}, "legend": self.placed()}  # fmt: skip

    def placed(self) -> dict[str, Any]:
        """The legend in one row where its words fit the chart's width (about 7 px a character, 34 px for a
        symbol and 14 between entries), otherwise in as few rows as fit."""
        widths = [len(k) * 7 + 34 for k in self.keys]
        columns = len(self.keys)
        while columns > 1:
            column_widths = [max(widths[i::columns]) for i in range(columns)]
            if sum(column_widths) + 14 * (columns - 1) <= LEGEND_WIDTH:
                break
            columns -= 1
        return {**_LEGEND, "columns": columns}

    def dash(self) -> dict[str, Any]:
        return {"field": "key", "type": "nominal", "scale": {"domain": self.keys, "range": self.dashes},
                "legend": None}  # fmt: skip


_LEGEND: Final[dict[str, Any]] = {
    "title": None,
    "orient": "bottom",
    "direction": "horizontal",
    "symbolType": "stroke",
    "symbolStrokeWidth": 2.5,
    "symbolSize": 300,
    "labelFontSize": FONT_SIZE,
    "labelLimit": 400,
    "columnPadding": 14,
    "rowPadding": 4,
    "offset": 8,
}


def iso(day: dt.date) -> str:
    return day.isoformat()


def mid_month(point: ChartPoint) -> dt.date:
    """Where a period's figure sits on the time axis: the middle of its month (of its period, if not a month)."""
    start = point.period_end.replace(day=1)
    return start + (point.period_end - start) / 2


def _values(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"values": rows or [{}]}


# ------------------------------------------------------------------------------------------------ target, band


def band_layer(frame: Frame, band: tuple[float, float]) -> Layer:
    """The range where a measure is best, lightly shaded across the whole chart."""
    low, high = sorted(band)
    return {
        "data": _values([{"low": low, "high": high}]),
        "mark": {"type": "rect", "color": BAND_FILL_COLOUR, "opacity": 0.12},
        "encoding": {"y": {**frame.y, "field": "low"}, "y2": {"field": "high"}},
    }


def target_layer(frame: Frame, value: float, stretch: bool) -> Layer:
    """The target: a line across the chart, solid (long dashes for a stretch target), beside the series it
    judges."""
    colour = REFERENCE_COLOURS["stretch" if stretch else "target"]
    return {
        "data": _values([{"value": value}]),
        "mark": {"type": "rule", "color": colour, "strokeWidth": 2, "strokeDash": [10, 4] if stretch else [1, 0]},
        "encoding": {"y": {**frame.y, "field": "value"}},
    }


# ------------------------------------------------------------------------------------------------ comparators


def comparator_layers(frame: Frame, legend: Legend, series: Sequence[ComparatorSeries]) -> list[Layer]:
    """Each published comparator as the trend between its years: a line through the published figures at their
    reference dates (clipped to the chart), a hollow marker at each year inside it. Named in the legend."""
    layers: list[Layer] = []
    for comparator in series:
        if not comparator.points:
            continue
        colour = REFERENCE_COLOURS[comparator.kind]
        key = legend.add(comparator.label, colour, LEGEND_DASHES[comparator.kind])
        rows = [{"date": iso(p.date), "value": p.value, "key": key} for p in comparator.points]
        if len(rows) > 1:
            layers.append({
                "data": _values(rows),
                "mark": {"type": "line", "strokeWidth": 2, "clip": True},
                "encoding": {"x": frame.x, "y": frame.y, "color": legend.colour(), "strokeDash": legend.dash()},
            })  # fmt: skip
        inside = [r for r, p in zip(rows, comparator.points, strict=True) if frame.inside(p.date)]
        if inside or len(rows) == 1:
            layers.append({
                "data": _values(inside or rows),
                "mark": {"type": "point", "shape": "square", "filled": True, "size": 36, "color": colour,
                         "opacity": 1, "clip": True},
                "encoding": {"x": frame.x, "y": frame.y},
            })  # fmt: skip
            if len(rows) == 1:  # a single year: its marker names it in the legend
                layers[-1]["encoding"]["color"] = legend.colour()
                layers[-1]["encoding"]["strokeDash"] = legend.dash()
                layers[-1]["mark"].pop("color")
    return layers


# ------------------------------------------------------------------------------------------------ process control


def spc_layers(frame: Frame, legend: Legend, spc: ChartSpc, positions: dict[dt.date, dt.date]) -> list[Layer]:
    """The mean (thin grey) and process limits (thin dashed grey) of each segment, broken at series breaks."""
    mean_key = legend.add("Mean", SPC_MEAN_COLOUR, LEGEND_DASHES["mean"])
    rows: list[dict[str, Any]] = []
    has_limits = any(p.upper is not None for p in spc.points)
    limits_key = legend.add("Process limits", SPC_LIMIT_COLOUR, LEGEND_DASHES["limits"]) if has_limits else ""
    for p in spc.points:
        day = iso(positions.get(p.period_end, p.period_end))
        rows.append({"date": day, "value": p.mean, "key": mean_key, "line": f"mean-{p.segment}"})
        for name, value in (("upper", p.upper), ("lower", p.lower)):
            if value is not None and math.isfinite(value):
                rows.append({"date": day, "value": value, "key": limits_key, "line": f"{name}-{p.segment}"})
    return [{
        "data": _values(rows),
        "mark": {"type": "line", "strokeWidth": 1.25},
        "encoding": {"x": frame.x, "y": frame.y, "detail": {"field": "line", "type": "nominal"},
                     "color": legend.colour(), "strokeDash": legend.dash()},
    }]  # fmt: skip


def signal_layers(frame: Frame, spc: ChartSpc, line: ChartLine, size: int) -> list[Layer]:
    """The months that are special causes, ringed (improvement), crossed (concern) or in a diamond (unusually high
    or low), by shape as well as colour."""
    by_end = {p.period_end: p for p in line.points}
    layers = []
    for kind, shape in SIGNAL_SHAPES.items():
        rows = [
            {"date": iso(mid_month(by_end[p.period_end])), "value": by_end[p.period_end].value}
            for p in spc.points
            if p.signal is not None
            and signal_kind(p.signal) == kind
            and p.period_end in by_end
            and by_end[p.period_end].value is not None
        ]
        if rows:
            colour = SIGNAL_COLOURS["neutral_high" if kind == "neutral" else kind]  # type: ignore[index]
            layers.append({
                "data": _values(rows),
                "mark": {"type": "point", "shape": shape, "filled": False, "size": size * 4, "strokeWidth": 2,
                         "opacity": 1, "color": colour},
                "encoding": {"x": frame.x, "y": frame.y},
            })  # fmt: skip
    return layers


def signal_kind(signal: str) -> str:
    return "neutral" if signal.startswith("neutral") else signal


# ------------------------------------------------------------------------------------------------ the series


def series_rows(line: ChartLine, key: str) -> list[dict[str, Any]]:
    """A series' figures at the middle of their months (None where there is no figure: the line breaks)."""
    return [
        {"date": iso(mid_month(p)), "value": p.value if p.value is not None and math.isfinite(p.value) else None,
         "key": key}
        for p in sorted(line.points, key=lambda p: p.period_end)
    ]  # fmt: skip


def series_layers(
    frame: Frame, legend: Legend, line: ChartLine, key: str, *, role: str = "main", size: int = 40, faint: bool = False
) -> list[Layer]:
    """The council's figures: a line through the months with a point on each (a month without a figure breaks
    the line, never drops to zero). `faint` for the months behind a 12-month series."""
    colour = {"main": MAIN_SERIES_COLOUR, "rolling": ROLLING_SERIES_COLOUR}.get(role, EXTRA_SERIES_COLOURS[0])
    if faint:
        colour = FAINT_SERIES_COLOUR
    legend.add(key, colour, LEGEND_DASHES.get(role, LEGEND_DASHES["extra"]))
    rows = series_rows(line, key)
    width = 1.5 if faint else 3 if role == "rolling" else 2.5
    layers: list[Layer] = [{
        "data": _values(rows),
        "mark": {"type": "line", "strokeWidth": width, "invalid": "break-paths-show-domains",
                 "opacity": 0.75 if faint else 1},
        "encoding": {"x": frame.x, "y": frame.y, "color": legend.colour(), "strokeDash": legend.dash()},
    }]  # fmt: skip
    known = [r for r in rows if r["value"] is not None]
    if known and role != "rolling":
        layers.append({
            "data": _values(known),
            "mark": {"type": "point", "filled": True, "size": size // 2 if faint else size, "opacity": 1,
                     "color": colour},
            "encoding": {"x": frame.x, "y": frame.y},
        })  # fmt: skip
    return layers


def latest_layer(frame: Frame, point: ChartPoint, rag: str) -> Layer:
    """The figure the status judges, in its status's colour and shape, outlined so it reads on any line."""
    return {
        "data": _values([{"date": iso(mid_month(point)), "value": point.value}]),
        "mark": {"type": "point", "shape": RAG_SHAPES[rag], "size": 230, "filled": True, "opacity": 1,  # type: ignore[index]
                 "color": RAG_COLOURS[rag], "stroke": TEXT_COLOUR, "strokeWidth": 1.5},  # type: ignore[index]
        "encoding": {"x": frame.x, "y": frame.y},
    }  # fmt: skip


def no_data_layer(frame: Frame) -> Layer:
    return {
        "data": _values([{"text": "No figures for these months"}]),
        "mark": {"type": "text", "fontSize": FONT_SIZE + 2, "color": TEXT_COLOUR},
        "encoding": {"x": {"value": frame.width / 2}, "y": {"value": frame.height / 2},
                     "text": {"field": "text", "type": "nominal"}},
    }  # fmt: skip


# ------------------------------------------------------------------------------------------------ events


def event_layers(frame: Frame, events: Sequence[tuple[dt.date, bool]]) -> list[Layer]:
    """Dated events on their true dates: a vertical line (solid for a series break, dotted otherwise) numbered
    at its top; the words go beside the chart ("1: 2 March 2026, case system upgrade"), never on it."""
    if not events:
        return []
    rules = [{"date": iso(day), "dash": [1, 0] if series_break else [3, 3]} for day, series_break in events]
    labels = []
    span = max((frame.last - frame.first).days, 1)
    previous_x = -1e9
    for n, (day, _) in enumerate(events, start=1):
        x = frame.width * (day - frame.first).days / span
        nudge = 12 if x - previous_x < 14 else 0  # two events close together: the second number moves right
        labels.append({"date": iso(day), "text": str(n), "dx": nudge})
        previous_x = x + nudge
    return [
        {
            "data": _values(rules),
            "mark": {"type": "rule", "color": TEXT_COLOUR, "strokeWidth": 1.5, "y": -4, "y2": frame.height},
            "encoding": {"x": frame.x, "strokeDash": {"field": "dash", "type": "nominal", "scale": None}},
        },
        *(
            {
                "data": _values([label]),
                "mark": {"type": "text", "fontSize": FONT_SIZE, "fontWeight": "bold", "color": TEXT_COLOUR,
                         "baseline": "bottom", "align": "center", "y": -5, "dx": label["dx"]},
                "encoding": {"x": frame.x, "text": {"field": "text", "type": "nominal"}},
            }
            for label in labels
        ),
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------------ margin words


def wrap_label(text: str, width: int = MARGIN_WRAP) -> list[str]:
    """A margin label in lines of at most `width` characters."""
    return textwrap.wrap(text, width) or [""]


def spread_labels(wanted: Sequence[float], heights: Sequence[float], low: float, high: float) -> list[float]:
    """Top edges for labels whose middles should sit at `wanted` (pixels from the top), none overlapping, all
    between `low` and `high`: pushed down where they would collide, then moved up together if they pass the
    bottom, then down if they pass the top."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    tops = [0.0] * len(wanted)
    bottom = -math.inf
    for i in order:
        top = max(wanted[i] - heights[i] / 2, bottom + LABEL_GAP_PX)
        tops[i] = top
        bottom = top + heights[i]
    overflow = max((tops[i] + heights[i] - high for i in order), default=0.0)
    if overflow > 0:
        tops = [t - overflow for t in tops]
    shortfall = low - min(tops, default=low)
    if shortfall > 0:
        tops = [t + shortfall for t in tops]
    return tops


def margin_layers(frame: Frame, labels: Sequence[tuple[float, str, str]]) -> list[Layer]:
    """Words in the right margin beside the lines they name ((value, text, colour)), spread so that they never
    overlap, with a short leader where a label had to move away from its line."""
    if not labels:
        return []
    wrapped = [wrap_label(text) for _, text, _ in labels]
    heights = [len(lines) * LINE_HEIGHT_PX for lines in wrapped]
    wanted = [frame.y_pixel(v) for v, _, _ in labels]
    tops = spread_labels(wanted, heights, -LINE_HEIGHT_PX / 2, frame.height + LINE_HEIGHT_PX / 2)
    layers: list[Layer] = []
    leaders = [
        {"x": frame.width + 1, "x2": frame.width + MARGIN_DX - 2, "y": want, "y2": top + LINE_HEIGHT_PX / 2,
         "colour": colour}
        for want, top, (_, _, colour) in zip(wanted, tops, labels, strict=True)
        if abs(top + LINE_HEIGHT_PX / 2 - want) > 3
    ]  # fmt: skip
    if leaders:
        layers.append({
            "data": _values(leaders),
            "mark": {"type": "rule", "strokeWidth": 1},
            "encoding": {"x": {"field": "x", "type": "quantitative", "scale": None}, "x2": {"field": "x2"},
                         "y": {"field": "y", "type": "quantitative", "scale": None}, "y2": {"field": "y2"},
                         "color": {"field": "colour", "type": "nominal", "scale": None}},
        })  # fmt: skip
    for top, lines, (_, text, colour) in zip(tops, wrapped, labels, strict=True):
        symbol = any(ord(ch) > 0x2000 for ch in text)
        layers.append({
            "data": _values([{"y": top, "text": lines}]),
            "mark": {"type": "text", "align": "left", "baseline": "top", "dx": MARGIN_DX, "fontSize": FONT_SIZE,
                     "lineHeight": LINE_HEIGHT_PX, "fontWeight": "bold", "color": colour,
                     "font": SYMBOL_FONT_FAMILY if symbol else FONT_FAMILY},
            "encoding": {"x": {"value": frame.width}, "y": {"field": "y", "type": "quantitative", "scale": None},
                         "text": {"field": "text", "type": "nominal"}},
        })  # fmt: skip
    return layers
