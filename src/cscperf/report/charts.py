"""The charts of Appendix 1: each ChartRequest drawn as a Vega-Lite chart of one measure on one axis, rendered
to SVG (vector: into the HTML, the PDF and Word) or PNG (Word's fallback) with vl-convert (no browser, no
network), with alt text and its figures, so that every chart can be read without seeing it.

One spec, two renderings: `chart_spec` returns the Vega-Lite spec the web service also draws with vega-embed.
It is composed of the small layer builders of `chart_layers` (target, comparators, process limits, series,
signals, latest month, events, margin words). The chart carries no title: the heading above it in the paper
(or the page) is its title, said once.

Design rules, each tested: one measure per chart and one value axis (never two); counts, rates and ratios from
zero (a percentage axis that does not start at zero says so in `axis_note`); a month's figure in the middle of
its month, so an event sits on its true date; the target drawn with the series it judges; the published
comparators as the trend between their years; words in the margin spread so they never overlap, every other
line named once in the legend; text at least 12 px, which prints at 9.2 pt at `MM_PER_PX`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import itertools
import math
import threading
from collections.abc import Iterable, Sequence
from typing import Any, Final

import altair as alt
import vl_convert

from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy, n_of_d_words
from cscperf.report import chart_cache
from cscperf.report import chart_layers as layers
from cscperf.report.chart_fonts import (
    FONT_FAMILY,
    SUBSET_FAMILY,
    SYMBOL_FONT_FAMILY,
    _installed_fonts,
    choose_font_family,
    prepare_fonts,
)
from cscperf.report.chart_layers import FONT_SIZE, Frame, Legend
from cscperf.report.chart_request import ChartLine, ChartPoint, ChartRequest, ChartSpc
from cscperf.report.palette import (
    BACKGROUND_COLOUR,
    FAINT_SERIES_COLOUR,
    GRID_COLOUR,
    MAIN_SERIES_COLOUR,
    MUTED_TEXT_COLOUR,
    RAG_COLOURS,
    RAG_SHORT_WORDS,
    RAG_SYMBOLS,
    REFERENCE_COLOURS,
    ROLLING_SERIES_COLOUR,
    TEXT_COLOUR,
)

__all__ = [
    "FONT_FAMILY",
    "FONT_SIZE",
    "SUBSET_FAMILY",
    "SYMBOL_FONT_FAMILY",
    "_installed_fonts",
    "choose_font_family",
    "prepare_fonts",
]

CHART_WIDTH: Final = 470
"""Width of the plotting area in pixels; the y axis and the words in the right margin add about 150."""

CHART_HEIGHT: Final = 160
"""Height of the plotting area in pixels."""

MM_PER_PX: Final = 0.27
"""How big a chart is printed (PDF, Word): millimetres per pixel of its SVG. 12 px text prints at 9.2 pt, and a
chart of about 630 px fits the 178 mm text width of an A4 page."""

MAX_PRINT_WIDTH_MM: Final = 178.0

VEGA_LITE_VERSION: Final = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
"""The Vega-Lite version Altair writes specs for (e.g. "6.4"), used again when rendering them."""

MAX_X_LABELS: Final = 9
"""Most months labelled on the time axis: with more, every 2nd, 3rd, 4th, 6th or 12th month is labelled."""

UNIT_WORDS: Final[dict[str, str]] = {
    "percent": "%",
    "rate_per_10k": "per 10,000 children",
    "count": "number",
    "days": "days",
    "ratio": "ratio",
}
"""How each unit of the indicator library is named on an axis or in a table heading."""

AXIS_TITLES: Final[dict[str, str]] = {
    "percent": "%",
    "rate_per_10k": "Per 10,000 children",
    "count": "Number",
    "days": "Days",
    "ratio": "Per worker (FTE)",
}

_MISSING: Final = "No data"

_CONFIG: Final[dict[str, Any]] = {
    "font": FONT_FAMILY,
    "aria": False,  # no per-mark ARIA labels (they read out colours and dash patterns); the chart has alt text
    "axis": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "labelColor": TEXT_COLOUR,
             "titleColor": TEXT_COLOUR, "domainColor": MUTED_TEXT_COLOUR, "tickColor": MUTED_TEXT_COLOUR,
             "titleFontWeight": "normal"},
    "legend": {"labelFontSize": FONT_SIZE, "labelColor": TEXT_COLOUR, "labelLimit": 400},
    "text": {"fontSize": FONT_SIZE},
    "view": {"stroke": None},
}  # fmt: skip
"""Fonts, sizes and colours shared by every chart."""


# ----------------------------------------------------------------------------------------------- formatting


def unit_words(unit: str) -> str:
    """The words naming a unit in a table heading, e.g. "%" or "per 10,000 children"."""
    return UNIT_WORDS.get(unit, unit.replace("_", " "))


def format_number(value: float, decimals: int) -> str:
    """A figure rounded to the given decimals with thousands separators, e.g. 1,234 or 92.5."""
    return f"{value:,.{max(decimals, 0)}f}"


def format_value(value: float, line: ChartLine) -> str:
    """A figure with its unit as it is read aloud or printed in text: "92%", "75 per 10,000 children", "12 days"."""
    number = format_number(value, line.decimals)
    if line.unit == "percent":
        return f"{number}%"
    if line.unit == "rate_per_10k":
        return f"{number} per 10,000 children"
    if line.unit == "days":
        return f"{number} days"
    return number


def short_value(value: float, line: ChartLine) -> str:
    """A figure as a chart label: "92%", "77", "17.5"."""
    return format_number(value, line.decimals) + ("%" if line.unit == "percent" else "")


def format_count_pair(point: ChartPoint, policy: DisclosurePolicy = DEFAULT_POLICY, what: str = "") -> str | None:
    """The numerator and denominator as "7 of 9 visits" ("fewer than 5 of 24" where the disclosure policy
    withholds a small count; full-time equivalents as they are), or None when either is missing."""
    if point.numerator is None or point.denominator is None:
        return None
    if float(point.numerator).is_integer() and float(point.denominator).is_integer():
        return n_of_d_words(point.numerator, point.denominator, what, policy)
    return f"{_format_count(point.numerator)} of {_format_count(point.denominator)} {what}".rstrip()


def _format_count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _epoch_ms(day: dt.date) -> int:
    """Milliseconds since 1970 at midnight UTC on the day: how Vega places an ISO date on a time axis."""
    return (day - dt.date(1970, 1, 1)).days * 86_400_000


# ----------------------------------------------------------------------------------------------- the data


def _known(points: Iterable[ChartPoint]) -> list[ChartPoint]:
    return [p for p in points if p.value is not None and math.isfinite(p.value)]


def latest_point(line: ChartLine) -> ChartPoint | None:
    """The most recent period of a series that has a figure, or None if it has none."""
    known = _known(line.points)
    return max(known, key=lambda p: p.period_end) if known else None


def drawn_lines(req: ChartRequest) -> list[ChartLine]:
    """The series drawn: the measure (and its 12 months to each month), and any extra series in the same unit.
    A series in another unit is never given a second axis: it is in the figures beneath the chart instead."""
    out = [req.main, *([req.rolling] if req.rolling is not None else [])]
    return out + [line for line in req.extra if line.unit == req.main.unit]


def table_lines(req: ChartRequest) -> list[ChartLine]:
    """Every series in the chart's figures: the drawn ones, then the rest (related measures, a second series),
    leaving out a count that only repeats the measure's denominator (the referrals behind re-referrals)."""
    drawn = drawn_lines(req)
    denominators = [p.denominator for p in req.main.points]
    rest = [
        line
        for line in (*req.extra, *([req.secondary] if req.secondary else []), *req.related)
        if line not in drawn and not (_has_counts(req.main) and [p.value for p in line.points] == denominators)
    ]
    return drawn + rest


def _period_ends(req: ChartRequest) -> list[dt.date]:
    return sorted({p.period_end for line in [req.main, *req.extra] for p in line.points})


def _is_monthly(ends: Sequence[dt.date]) -> bool:
    """Whether periods are about a month apart."""
    if len(ends) < 2:
        return True
    gaps = sorted((b - a).days for a, b in itertools.pairwise(ends))
    return gaps[len(gaps) // 2] <= 31


def _period_labels(req: ChartRequest) -> dict[dt.date, str]:
    """The request's own label for each period (e.g. "Oct 2026")."""
    labels: dict[dt.date, str] = {}
    for line in reversed(table_lines(req)):
        for point in line.points:
            labels[point.period_end] = point.label
    return labels


def visible_events(req: ChartRequest) -> list[tuple[dt.date, str, bool]]:
    """The events within the charted months (date, words, whether a series break), by date; others skipped."""
    ends = _period_ends(req)
    if not ends:
        return []
    start = ends[0].replace(day=1)
    return sorted((e.date, e.text, e.series_break) for e in req.events if start <= e.date <= ends[-1])


def event_words(req: ChartRequest) -> list[str]:
    """The numbered events as the caption gives them: "1: 2 March 2026, series break: case system upgrade"."""
    return [
        f"{n}: {day.day} {day:%B %Y}, {'series break: ' if series_break else ''}{_lower_first(text)}"
        for n, (day, text, series_break) in enumerate(visible_events(req), start=1)
    ]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


# ----------------------------------------------------------------------------------------------- the y axis


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` intervals over `span`."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def y_domain(values: Sequence[float], unit: str) -> tuple[float, float]:
    """The value axis for a set of values (data, target, comparators, band, process limits): round numbers that
    include them.

    Counts, rates, ratios and days start at zero, always. Percentages stay within 0 to 100: from 0 unless every
    value is 40 or more (then from a round number below the lowest, which the chart's note states), and up to
    100 unless every value is below 60.
    """
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (0.0, 100.0) if unit == "percent" else (0.0, 10.0)
    lo, hi = min(finite), max(finite)
    if unit == "percent" and lo >= 0 and hi <= 100:
        low_end = 0.0 if lo < 40 else None
        high_end = 100.0 if hi >= 60 else None
        span = (high_end if high_end is not None else hi) - (low_end if low_end is not None else lo)
        step = _nice_step(max(span, 5.0))
        if low_end is None:
            low_end = max(0.0, math.floor((lo - step / 2) / step) * step)
        if high_end is None:
            high_end = min(100.0, math.ceil((hi + step / 2) / step) * step)
        return float(low_end), float(high_end)
    lo = min(lo, 0.0)
    if hi <= lo:
        hi = lo + 1.0
    step = _nice_step(hi - lo)
    nice_hi = math.ceil(hi / step) * step
    if nice_hi - hi < step * 0.1 and hi != 0:
        nice_hi += step  # room above the highest point
    return float(math.floor(lo / step) * step), float(nice_hi)


def axis_note(req: ChartRequest, domain: tuple[float, float]) -> str:
    """What a reader should know about the value axis: where it starts, when not at zero."""
    if domain[0] > 0:
        return f"The axis starts at {format_number(domain[0], 0)}{'%' if req.main.unit == 'percent' else ''}."
    return ""


# ----------------------------------------------------------------------------------------------- the spec


def _x_axis(req: ChartRequest) -> dict[str, Any]:
    """The time axis: labelled months (every 2nd, 3rd, ... when there are many, counted back from the latest),
    ticks in the middle of the months they name, the domain from the first day charted to the last."""
    months = sorted(req.main.points, key=lambda p: p.period_end)
    step = next((n for n in (1, 2, 3, 4, 6, 12) if math.ceil(len(months) / n) <= MAX_X_LABELS), 12)
    shown = months[::-1][::step][::-1]
    monthly = _is_monthly([p.period_end for p in months])
    if monthly:
        label: dict[str, Any] = {"labelExpr": "utcFormat(datum.value, '%b %y')"}
    else:
        expr = "''"
        for p in shown:
            text = p.label.replace("\\", "\\\\").replace("'", "\\'")
            expr = f"datum.value == {_epoch_ms(layers.mid_month(p))} ? '{text}' : {expr}"
        label = {"labelExpr": expr}
    first = months[0].period_end.replace(day=1) if months else dt.date(2000, 1, 1)
    last = months[-1].period_end if months else first
    axis = {"title": None, "values": [_epoch_ms(layers.mid_month(p)) for p in shown], "labelAngle": 0,
            "labelOverlap": False, "grid": False, "labelPadding": 4, **label}  # fmt: skip
    return {"field": "date", "type": "temporal", "axis": axis,
            "scale": {"type": "utc", "domain": [_epoch_ms(first), _epoch_ms(last + dt.timedelta(days=1))]}}  # fmt: skip


def _frame(req: ChartRequest) -> Frame:
    values = [p.value for line in drawn_lines(req) for p in _known(line.points) if p.value is not None]
    values += [r.value for r in req.references if math.isfinite(r.value)]
    values += [p.value for c in req.comparators for p in c.points]
    if req.band is not None:
        values += [v for v in req.band if math.isfinite(v)]
    if req.spc is not None:
        values += [v for p in req.spc.points for v in (p.upper, p.lower, p.mean) if v is not None and math.isfinite(v)]
    domain = y_domain(values, req.main.unit)
    x = _x_axis(req)
    y = {"field": "value", "type": "quantitative", "scale": {"domain": list(domain), "nice": False, "zero": False},
         "axis": {"title": AXIS_TITLES.get(req.main.unit, ""), "tickCount": 5, "format": ",~f",
                  "gridColor": GRID_COLOUR}}  # fmt: skip
    months = sorted(req.main.points, key=lambda p: p.period_end)
    first = months[0].period_end.replace(day=1) if months else dt.date(2000, 1, 1)
    last = months[-1].period_end if months else first
    return Frame(x, y, domain, CHART_WIDTH, CHART_HEIGHT, first, last)


def y_domain_of(req: ChartRequest) -> tuple[float, float]:
    """The value axis a chart is drawn with."""
    return _frame(req).domain


def chart_spec(req: ChartRequest) -> dict[str, Any]:
    """The Vega-Lite spec (a plain dict) for one chart of Appendix 1; the tests check it against the Vega-Lite
    schema."""
    frame = _frame(req)
    legend = Legend([], [], [])
    judged_line = req.rolling if req.judged == "12 months" and req.rolling is not None else req.main
    size = 40 if len(req.main.points) <= 26 else 16
    built: list[dict[str, Any]] = []
    margin: list[tuple[float, str, str]] = []
    rolling = req.rolling is not None and req.judged == "12 months"
    main_key = "Each month" if req.rolling is not None else _main_key(req)
    colour = FAINT_SERIES_COLOUR if rolling else MAIN_SERIES_COLOUR
    legend.add(main_key, colour, layers.LEGEND_DASHES["main"])  # the measure first in the legend
    if req.rolling is not None:
        legend.add("12 months to each month", ROLLING_SERIES_COLOUR, layers.LEGEND_DASHES["rolling"])
    if req.band is not None:
        built.append(layers.band_layer(frame, req.band))
        low, high = sorted(req.band)
        unit = "%" if req.main.unit == "percent" else ""
        margin.append(((low + high) / 2, f"Best {low:g}{unit} to {high:g}{unit}", REFERENCE_COLOURS["target"]))
    for ref in req.references:
        if ref.kind in ("target", "stretch") and math.isfinite(ref.value):
            built.append(layers.target_layer(frame, ref.value, ref.kind == "stretch"))
            margin.append((ref.value, ref.label, REFERENCE_COLOURS[ref.kind]))
    built += layers.comparator_layers(frame, legend, req.comparators)
    if req.spc is not None:
        positions = {p.period_end: layers.mid_month(p) for p in req.main.points}
        built += layers.spc_layers(frame, legend, req.spc, positions)
    built += layers.series_layers(frame, legend, req.main, main_key, size=size, faint=rolling)
    if req.rolling is not None:
        built += layers.series_layers(frame, legend, req.rolling, "12 months to each month", role="rolling")
    for line in drawn_lines(req)[1 + (req.rolling is not None) :]:
        built += layers.series_layers(frame, legend, line, line.label, role="extra", size=size)
    if req.spc is not None:
        built += layers.signal_layers(frame, req.spc, req.main, size)
    latest = latest_point(judged_line)
    if latest is not None and latest.value is not None:
        built.append(layers.latest_layer(frame, latest, req.latest_rag))
        value = short_value(latest.value, judged_line)
        words = f"{RAG_SYMBOLS[req.latest_rag]} {value} {RAG_SHORT_WORDS[req.latest_rag]}"
        margin.append((latest.value, words if req.latest_rag != "none" else f"Latest {value}",
                       RAG_COLOURS[req.latest_rag]))  # fmt: skip
    else:
        built.append(layers.no_data_layer(frame))
    built += layers.event_layers(frame, [(day, brk) for day, _, brk in visible_events(req)])
    built += layers.margin_layers(frame, margin)
    spec: dict[str, Any] = {
        "$schema": alt.SCHEMA_URL,
        "config": _CONFIG,
        "background": BACKGROUND_COLOUR,
        "padding": {"left": 4, "right": 4, "top": 18 if req.events else 8, "bottom": 4},
        "width": frame.width,
        "height": frame.height,
        "layer": built,
        "description": alt_text(req),
    }
    return spec


def _main_key(req: ChartRequest) -> str:
    """The legend's words for the measure itself."""
    return "Our council" if req.comparators else "Each month"


# ----------------------------------------------------------------------------------------------- rendering


def warm_up(background: bool = True) -> threading.Thread | None:
    """Get the renderer ready: make the chart font and start vl-convert's JavaScript engine (about a second, once
    per process). In a background thread by default, so that it overlaps other work such as database queries;
    charts rendered meanwhile simply wait for it. Returns the thread (or None when run in the foreground)."""

    def ready() -> None:
        prepare_fonts()
        with contextlib.suppress(Exception):  # a failure here shows up, with its message, at the first chart
            vl_convert.vegalite_to_svg(_WARM_UP_SPEC, vl_version=VEGA_LITE_VERSION)

    if not background:
        ready()
        return None
    thread = threading.Thread(target=ready, name="cscperf-chart-warm-up", daemon=True)
    thread.start()
    return thread


_WARM_UP_SPEC: Final[dict[str, Any]] = {
    "$schema": alt.SCHEMA_URL,
    "data": {"values": [{"x": 1, "y": 1}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}},
}


def render_svg(req: ChartRequest) -> str:
    """The chart as an SVG document (text), drawn by vl-convert with no browser and no network.

    The last 64 charts drawn are remembered, so asking for the PNG of a chart already drawn as SVG (or the other
    way round) costs only the PNG step.
    """
    try:
        hash(req)
    except TypeError:  # a request built with lists instead of tuples: draw it without remembering it
        return _draw_svg(req)
    return _remembered_svg(req)


def _draw_svg(req: ChartRequest) -> str:
    return _describe_svg(draw_spec_svg(chart_spec(req)), req.title, alt_text(req))


def draw_spec_svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec drawn as SVG by vl-convert, or taken from the chart cache when drawn before."""

    def draw() -> bytes:
        prepare_fonts()
        return str(vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)).encode("utf-8")

    return chart_cache.remembered("svg", chart_cache.key_of("svg", VEGA_LITE_VERSION, spec), draw).decode("utf-8")


def svg_remembered(req: ChartRequest) -> bool:
    """Whether the chart's SVG is kept in the chart cache (drawing it is then reading a file)."""
    return chart_cache.is_kept("svg", chart_cache.key_of("svg", VEGA_LITE_VERSION, chart_spec(req)))


def svg_png(svg: str, scale: float) -> bytes:
    """An SVG drawn as PNG at `scale` by vl-convert, or taken from the chart cache when drawn before."""
    key = chart_cache.key_of("png", svg, scale)
    return chart_cache.remembered("png", key, lambda: bytes(vl_convert.svg_to_png(svg, scale=scale)))


def _describe_svg(svg: str, title: str, description: str) -> str:
    """The SVG marked as one image (role="img") named by its alt text (aria-label) and titled (<title>), so it is
    read properly when placed inline in a page or opened on its own."""
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        return svg
    label = html.escape(description, quote=True)
    opening = svg[start:end].replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
    return f"{svg[:start]}{opening}><title>{html.escape(title, quote=False)}</title>{svg[end + 1 :]}"


@functools.lru_cache(maxsize=64)
def _remembered_svg(req: ChartRequest) -> str:
    return _draw_svg(req)


def render_png(req: ChartRequest, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes, `scale` times its nominal size (3.0 prints at about 280 pixels an inch at
    `MM_PER_PX`), drawn from its SVG."""
    return svg_png(render_svg(req), scale)


def svg_size(svg: str) -> tuple[float, float]:
    """The SVG's width and height in pixels, from its root element."""
    import re

    head = svg[svg.find("<svg") : svg.find(">", svg.find("<svg"))]
    found = {k: float(v) for k, v in re.findall(r'\b(width|height)="([\d.]+)"', head)}
    return found.get("width", 0.0), found.get("height", 0.0)


def print_width_mm(svg: str) -> float:
    """How wide the chart is printed: its pixels at `MM_PER_PX`, never wider than the text."""
    return min(svg_size(svg)[0] * MM_PER_PX, MAX_PRINT_WIDTH_MM)


# ----------------------------------------------------------------------------------------------- words and tables


def _trend_words(line: ChartLine, latest: ChartPoint) -> str:
    """E.g. "up from 85% a year earlier", comparing with the period a year before (or the earliest shown)."""
    earlier = [p for p in _known(line.points) if p.period_end < latest.period_end]
    if not earlier or latest.value is None:
        return ""
    year_before = latest.period_end - dt.timedelta(days=365)
    close = [p for p in earlier if abs((p.period_end - year_before).days) <= 16]
    if close:
        base, when = close[0], "a year earlier"
    else:
        base = min(earlier, key=lambda p: p.period_end)
        when = f"in {base.label}"
    assert base.value is not None
    before = round(base.value, line.decimals)
    now = round(latest.value, line.decimals)
    if now > before:
        return f"up from {format_value(base.value, line)} {when}"
    if now < before:
        return f"down from {format_value(base.value, line)} {when}"
    return f"the same as {when}"


def alt_text(req: ChartRequest) -> str:
    """A short description of the chart for screen readers: what it shows, the latest figure and its trend,
    the target and comparators, the status, events and process control."""
    points = sorted(req.main.points, key=lambda p: p.period_end)
    title = req.title.split(": ", 1)[-1] if req.title.startswith("Chart ") else req.title
    if not points:
        return f"Chart of {title}: no figures to show. {_sentence_start(req.direction)}; {req.rag_words}."
    span = f"from {points[0].label} to {points[-1].label}" if len(points) > 1 else f"for {points[0].label}"
    kind = "Monthly line chart" if _is_monthly([p.period_end for p in points]) else "Line chart"
    first = f"{kind} of {title} {span}"
    if req.rolling is not None:
        first += ", with the 12 months to each month as a second line"
    latest = latest_point(req.main)
    if latest is None or latest.value is None:
        first += "; there are no figures for these periods"
    else:
        first += f"; latest {format_value(latest.value, req.main)} in {latest.label}"
        pair = format_count_pair(latest, req.disclosure)
        if pair is not None and req.main.unit == "percent":
            first += f" ({pair})"
        trend = _trend_words(req.main, latest)
        if trend:
            first += f", {trend}"
        rolling = latest_point(req.rolling) if req.rolling is not None else None
        if rolling is not None and rolling.value is not None:
            first += f"; over the 12 months to {rolling.label}, {format_value(rolling.value, req.main)}"
    second = [_sentence_start(req.direction)]
    if req.band is not None:
        low, high = sorted(req.band)
        second.append(f"a shaded band marks the best range, {format_value(low, req.main)} to "
                      f"{format_value(high, req.main)}")  # fmt: skip
    targets = [r.label for r in req.references if r.kind in ("target", "stretch")]
    if targets:
        second.append(f"a line shows the {_join_words(targets)}" if len(targets) == 1 else
                      f"lines show {_join_words(targets)}")  # fmt: skip
    comparators = [f"{c.label} {', '.join(f'{p.year_label} {short_value(p.value, req.main)}' for p in c.points)}"
                   for c in req.comparators if c.points]  # fmt: skip
    if comparators:
        second.append(f"published figures: {'; '.join(comparators)}")
    second.append(req.rag_words)
    text = f"{first}. {'; '.join(second)}."
    events = event_words(req)
    if events:
        text += f" Marked on the chart: {'; '.join(events)}."
    spc = _spc_alt_text(req)
    return f"{text} {spc}" if spc else text


SIGNAL_KEY_WORDS: Final[dict[str, str]] = {
    "improvement": "ringed: improvement",
    "concern": "crossed: concern",
    "neutral": "in a diamond: unusually high or low",
}


def spc_key(spc: ChartSpc) -> str:
    """What the chart's process-control marks mean, for the words beside the chart."""
    kinds = {layers.signal_kind(p.signal) for p in spc.points if p.signal is not None}
    marks = [SIGNAL_KEY_WORDS[k] for k in layers.SIGNAL_SHAPES if k in kinds]
    return "Special causes " + _join_words(marks) + "." if marks else ""


def _spc_alt_text(req: ChartRequest) -> str:
    """A sentence for the alt text: the latest state, the lines and the flagged months."""
    spc = req.spc
    if spc is None:
        return ""
    last = spc.points[-1]
    text = f"{spc.summary}. Grey lines show the mean"
    if last.upper is not None and last.lower is not None:
        text += (f" ({format_value(last.mean, req.main)}) and process limits ({format_value(last.lower, req.main)} "
                 f"to {format_value(last.upper, req.main)})")  # fmt: skip
    else:
        text += f" ({format_value(last.mean, req.main)})"
    labels = {p.period_end: p.label for p in req.main.points}
    flagged = [p for p in spc.points if p.signal is not None]
    if flagged:
        counts: dict[str, list[str]] = {}
        for p in flagged:
            counts.setdefault(layers.signal_kind(p.signal or ""), []).append(
                labels.get(p.period_end, p.period_end.isoformat())
            )
        parts = [
            f"{len(months)} marked {SIGNAL_KEY_WORDS[kind].split(': ')[1]} ({months[0]}"
            + (f" to {months[-1]})" if len(months) > 1 else ")")
            for kind, months in counts.items()
        ]
        text += "; special causes: " + _join_words(parts)
    return text + "."


def _join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _sentence_start(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:]


def _value_cell(point: ChartPoint, line: ChartLine, policy: DisclosurePolicy, short: bool = False) -> str:
    """A figure in the table as the chart has it; a count the paper withholds from its chart (its value None, its
    number kept as the numerator) reads "fewer than 5" ("<5" printed), and one withheld beside it "withheld"
    ("c"). The web's tables for staff, whose charts withhold nothing, keep every number."""
    if point.withheld:
        return "c" if short else "withheld"
    if line.unit == "count" and point.value is None and point.numerator is not None:  # withheld from the chart
        return _count_cell(point.numerator, policy, short=short)  # (`appendix.small_counts_withheld`)
    return _cell(point.value, line.decimals)  # as the chart has it: the paper's has no small count left to show


def _cell(value: float | None, decimals: int) -> str:
    return format_number(value, decimals) if value is not None and math.isfinite(value) else _MISSING


def _count_cell(value: float | None, policy: DisclosurePolicy, short: bool = False, fte: bool = False) -> str:
    """A count as members may read it ("<5" or "fewer than 5" where withheld); full-time equivalents as they are,
    to one decimal place (`fte`: every cell of the row, whole or not)."""
    if value is None:
        return _MISSING
    if fte:
        return f"{value:,.1f}"
    if float(value).is_integer() and policy.is_small(value):
        return f"<{policy.threshold}" if short else policy.label
    return _format_count(value)


def _spc_cell(mean: float, lower: float | None, upper: float | None, decimals: int) -> str:
    """ "93 (87 to 99)": a month's mean and process limits."""
    if lower is None or upper is None:
        return format_number(mean, decimals)
    return f"{format_number(mean, decimals)} ({format_number(lower, decimals)} to {format_number(upper, decimals)})"


def _counts_headers(req: ChartRequest, line: ChartLine) -> tuple[str, str]:
    """What the measure's numerator and denominator count, for table headings."""
    numerator, denominator = req.counts
    return (numerator or f"{line.label}: number", denominator or f"{line.label}: out of")


def data_table(req: ChartRequest) -> tuple[list[str], list[list[str]]]:
    """The figures behind the chart, a row per month (oldest first): the measure (and what its numerator and
    denominator count), the 12 months to each month, each related measure, the mean and process limits, any
    signal, and the events in the month they happened."""
    ends = _period_ends(req)
    labels = _period_labels(req)
    headers = ["Period"]
    columns: list[dict[dt.date, str]] = []
    for line in table_lines(req):
        by_end = {p.period_end: p for p in line.points}
        name = "12 months to the month" if line is req.rolling else line.label
        headers.append(f"{name} ({unit_words(line.unit)})")
        columns.append({end: _value_cell(p, line, req.disclosure) for end, p in by_end.items()})
        if line in (req.main, req.rolling) and _has_counts(line):
            numerator, denominator = _counts_headers(req, line)
            if line is req.rolling:
                numerator, denominator = f"{numerator} in 12 months", f"{denominator} in 12 months"
            headers += [_capital(numerator), _capital(denominator)]
            columns.append({end: _count_cell(p.numerator, req.disclosure) for end, p in by_end.items()})
            columns.append({end: _count_cell(p.denominator, req.disclosure) for end, p in by_end.items()})
    if req.spc is not None:
        headers += [f"Mean and process limits ({unit_words(req.main.unit)})", "Signal"]
        columns.append({p.period_end: _spc_cell(p.mean, p.lower, p.upper, req.main.decimals) for p in req.spc.points})
        columns.append({p.period_end: p.words for p in req.spc.points})
    events = visible_events(req)
    if events:
        headers.append("Events")
        marks: dict[dt.date, list[str]] = {}
        for n, (day, text, series_break) in enumerate(events, start=1):
            period = next((end for end in ends if end >= day), ends[-1])
            marks.setdefault(period, []).append(
                f"{n}: {day.day} {day:%b %Y}, {'series break: ' if series_break else ''}{_lower_first(text)}"
            )
        columns.append({end: "; ".join(texts) for end, texts in marks.items()})
    blanks = ["" if header in ("Events", "Signal") else _MISSING for header in headers[1:]]
    rows = [
        [labels.get(end, end.isoformat()), *(c.get(end, blank) for c, blank in zip(columns, blanks, strict=True))]
        for end in ends
    ]
    return headers, rows


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def print_table(req: ChartRequest, months: int = 13) -> tuple[list[str], list[list[str]]]:
    """The figures beneath a printed chart, months across (the latest `months`) so that a chart and its figures
    share half a page: a row for the measure and rows for what its numerator and denominator count, the 12 months
    to each month, and each related measure. Small counts read "<5" (the caption says what it means)."""
    ends = _period_ends(req)[-months:]
    headers = [""] + [f"{end:%b} {end:%y}" for end in ends]
    rows: list[list[str]] = []
    for line in table_lines(req):
        by_end = {p.period_end: p for p in line.points}
        name = "12 months to the month" if line is req.rolling else line.label
        unit = {"percent": " (%)", "rate_per_10k": " (per 10,000)", "ratio": " (per FTE)"}.get(line.unit, "")
        rows.append([f"{name}{unit}",
                     *(_value_cell(by_end[e], line, req.disclosure, short=True) if e in by_end else _MISSING
                       for e in ends)])  # fmt: skip
        if line is req.main and _has_counts(line):
            numerator, denominator = _counts_headers(req, line)
            for words, field in ((numerator, "numerator"), (denominator, "denominator")):
                values = [getattr(by_end[e], field) if e in by_end else None for e in ends]
                fte = any(v is not None and not float(v).is_integer() for v in values)
                rows.append([_capital(words), *(_count_cell(v, req.disclosure, short=True, fte=fte) for v in values)])
    return headers, rows


def _has_counts(line: ChartLine) -> bool:
    """Whether a series' numerator and denominator are worth giving: percentages and ratios (a rate's numerator
    is given as its own count, and its denominator is the area's population)."""
    return line.unit in ("percent", "ratio") and any(p.numerator is not None for p in line.points)
