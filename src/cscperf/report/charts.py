"""The charts of Appendix 1: each ChartRequest drawn as a Vega-Lite line chart (built with Altair), rendered to
SVG or PNG with vl-convert (no browser, no network), with alt text and a data table so that every chart can be
read without seeing it.

The chart shows the council's series month by month, the target line or band, comparator lines (England,
region, statistical neighbours) labelled with the year they are for, dated events such as a case-system
upgrade, and the latest point in its RAG colour with its RAG symbol and word, so that no meaning is carried by
colour alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import html
import itertools
import math
import os
import tempfile
import textwrap
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import altair as alt
import vl_convert

from cscperf.analysis.spc_icons import SIGNAL_COLOURS
from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy, n_of_d_words
from cscperf.report.chart_request import ChartLine, ChartPoint, ChartRequest, ChartSpc
from cscperf.report.palette import (
    BACKGROUND_COLOUR,
    BAND_FILL_COLOUR,
    EXTRA_SERIES_COLOURS,
    GRID_COLOUR,
    MAIN_SERIES_COLOUR,
    MUTED_TEXT_COLOUR,
    RAG_COLOURS,
    RAG_SHAPES,
    RAG_SHORT_WORDS,
    RAG_SYMBOLS,
    REFERENCE_COLOURS,
    SECONDARY_SERIES_COLOUR,
    SPC_LIMIT_COLOUR,
    SPC_MEAN_COLOUR,
    TEXT_COLOUR,
)

CHART_WIDTH: Final = 580
"""Width of the plotting area in pixels when nothing is labelled in the right margin."""

CHART_WIDTH_WITH_LABELS: Final = 440
"""Width of the plotting area when reference lines are labelled in the right margin (about 640 px overall)."""

CHART_HEIGHT: Final = 300
"""Height of the plotting area in pixels."""

FONT_SIZE: Final = 12
"""Smallest text on a chart, in pixels."""

TITLE_FONT_SIZE: Final = 16

FONT_DIRECTORIES: Final = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
"""Where installed fonts are looked for when choosing the chart font."""

SUBSET_FAMILY: Final = "DejaVu Sans Subset"
"""A copy of DejaVu Sans cut down to the characters charts use, made once per machine in the temporary folder and
registered with vl-convert. Its letters have exactly DejaVu Sans's widths, but vl-convert measures and draws it
about 40% faster than the full font. Nothing outside vl-convert knows the name, so browsers and WeasyPrint draw
the SVG in the next font listed, DejaVu Sans itself."""

_SUBSET_CHARACTERS: Final = (
    "".join(chr(c) for c in range(0x20, 0x7F))  # ASCII
    + "".join(chr(c) for c in range(0xA0, 0x180))  # Latin-1 and Latin Extended-A (e.g. Welsh and Irish names)
    + "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2212\u20ac\u2264\u2265"  # dashes, quotes, minus, ≤ ≥
    + "".join(RAG_SYMBOLS.values())
)
_SUBSET_VERSION: Final = "1"

_ARIAL_METRIC_FILES: Final = frozenset({"liberationsans-regular.ttf", "arial.ttf", "arimo-regular.ttf"})
_DEJAVU_FILES: Final = ("dejavusans.ttf", "dejavusans-bold.ttf")


@functools.cache
def _installed_fonts() -> dict[str, Path]:
    """The font files the chart font is chosen from that this machine has, by lower-case file name."""
    wanted = _ARIAL_METRIC_FILES | set(_DEJAVU_FILES)
    found: dict[str, Path] = {}
    for folder in FONT_DIRECTORIES:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        try:
            for parent, _, files in os.walk(root):
                for name in files:
                    if name.lower() in wanted:
                        found.setdefault(name.lower(), Path(parent) / name)
        except OSError:
            continue
    return found


def choose_font_family() -> str:
    """The chart font: one measured (by vl-convert) at the width it will be drawn (by WeasyPrint or a browser).

    - Liberation Sans (carried inside vl-convert, and fast) when the machine also has Liberation Sans, Arimo or
      Arial, which have the same widths.
    - Otherwise DejaVu Sans (through SUBSET_FAMILY, for speed): it is what WeasyPrint and most Linux systems draw
      SVG text in, and it is wider than Arial, so on a reader's machine without it the text is narrower than
      measured and never overflows.
    """
    fonts = _installed_fonts()
    if _ARIAL_METRIC_FILES & set(fonts):
        return "Liberation Sans, Arimo, Arial, Helvetica, sans-serif"
    if all(name in fonts for name in _DEJAVU_FILES):
        return f"{SUBSET_FAMILY}, DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
    return "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"


FONT_FAMILY: Final = choose_font_family()
"""Chart text (see choose_font_family)."""

SYMBOL_FONT_FAMILY: Final = (
    f"{SUBSET_FAMILY}, " if FONT_FAMILY.startswith(SUBSET_FAMILY) else ""
) + "DejaVu Sans, Segoe UI Symbol, Arial Unicode MS, Liberation Sans, sans-serif"
"""Text holding a RAG symbol (▲ ● ◆ ■ ○), which Liberation Sans and Arial lack; where no font here is installed
the symbol falls back to another installed font, and the RAG word beside it still says what it means."""


_FONT_LOCK: Final = threading.Lock()


def prepare_fonts() -> Path | None:
    """Make (once per machine) and register with vl-convert (once per process) the DejaVu Sans subset the chart
    font names; returns its folder, or None when it is not used or cannot be made (charts then render in DejaVu
    Sans itself, only more slowly). Called by the renderers; safe to call from several threads."""
    with _FONT_LOCK:
        return _prepare_fonts_once()


@functools.cache
def _prepare_fonts_once() -> Path | None:
    if not FONT_FAMILY.startswith(SUBSET_FAMILY):
        return None
    fonts = _installed_fonts()
    sources = [fonts[name] for name in _DEJAVU_FILES]
    try:
        identity = [
            _SUBSET_VERSION,
            _SUBSET_CHARACTERS,
            *((str(p), p.stat().st_size, p.stat().st_mtime) for p in sources),
        ]
        stamp = hashlib.sha1(repr(identity).encode()).hexdigest()[:12]
        folder = Path(tempfile.gettempdir()) / f"cscperf-chart-fonts-{stamp}"
        targets = [folder / "DejaVuSansSubset.ttf", folder / "DejaVuSansSubset-Bold.ttf"]
        if not all(t.is_file() for t in targets):
            folder.mkdir(parents=True, exist_ok=True)
            for source, target, bold in zip(sources, targets, (False, True), strict=True):
                _write_subset(source, target, bold)
        vl_convert.register_font_directory(str(folder))
    except Exception:
        return None
    return folder


def _write_subset(source: Path, target: Path, bold: bool) -> None:
    """Cut DejaVu Sans down to the chart characters, renamed SUBSET_FAMILY, written atomically to `target`."""
    from fontTools import subset  # WeasyPrint's dependency; imported here as only this needs it
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM"]  # the old "kern" table keeps the kerning
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=_SUBSET_CHARACTERS)
    subsetter.subset(font)
    style = "Bold" if bold else "Book"
    names = {
        1: SUBSET_FAMILY,
        2: style,
        4: f"{SUBSET_FAMILY} {style}",
        6: SUBSET_FAMILY.replace(" ", "") + f"-{style}",
        16: SUBSET_FAMILY,
        17: style,
    }
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, target)


VEGA_LITE_VERSION: Final = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
"""The Vega-Lite version Altair writes specs for (e.g. "6.4"), used again when rendering them."""

MAX_X_LABELS: Final = 13
"""Most periods labelled on the time axis: with more, every 2nd, 3rd, 4th, 6th or 12th month is labelled."""

EVENT_WRAP: Final = 40
"""Characters per line of an event's words above the plot."""

LABEL_GAP_PX: Final = 15
"""Smallest vertical distance between the last line of one label in the right margin and the next label."""

LINE_HEIGHT_PX: Final = 14
"""Height of a line of 12 px text."""

MARGIN_WRAP: Final = 24
"""Characters per line of the words in the right margin (e.g. "Statistical neighbours / 2024-25: 87")."""

UNIT_WORDS: Final[dict[str, str]] = {
    "percent": "%",
    "rate_per_10k": "per 10,000 children",
    "count": "number",
    "days": "days",
    "ratio": "ratio",
}
"""How each unit of the indicator library is named on an axis or in a table heading."""

_MISSING: Final = "No data"

_CONFIG: Final = alt.Config(
    font=FONT_FAMILY,
    aria=False,  # no per-mark ARIA labels (they read out colours and dash patterns); the chart has alt text
    axis=alt.AxisConfig(
        labelFontSize=FONT_SIZE,
        titleFontSize=FONT_SIZE,
        labelColor=TEXT_COLOUR,
        titleColor=TEXT_COLOUR,
        domainColor=MUTED_TEXT_COLOUR,
        tickColor=MUTED_TEXT_COLOUR,
        titleFontWeight="normal",
    ),
    legend=alt.LegendConfig(labelFontSize=FONT_SIZE, labelColor=TEXT_COLOUR, labelLimit=300, columnPadding=16),
    text=alt.MarkConfig(fontSize=FONT_SIZE),
    view=alt.ViewConfig(stroke=None),
)
"""Fonts, sizes and colours shared by every chart."""

_CONFIG_DICT: Final[dict[str, Any]] = _CONFIG.to_dict(validate=False)


def _layer(chart: alt.Chart) -> dict[str, Any]:
    """One layer of a chart as a Vega-Lite dict, its inline data attached after conversion.

    Altair deep-copies a chart's data on every conversion; taking the data out first keeps a chart to a few
    milliseconds.
    """
    data = chart.data
    chart = chart.copy(deep=False)
    chart.data = alt.Undefined
    layer: dict[str, Any] = chart.to_dict(validate=False)
    for key in ("$schema", "config", "datasets"):
        layer.pop(key, None)
    layer["data"] = {"values": data.values if isinstance(data, alt.Data) else [{}]}
    return layer


def _x_pixels(value: float) -> alt.XValue:
    """A fixed horizontal position in pixels (the channel class, which Altair converts much faster than a dict)."""
    return alt.XValue(value)  # type: ignore[no-untyped-call]


def _y_pixels(value: float) -> alt.YValue:
    """A fixed vertical position in pixels."""
    return alt.YValue(value)  # type: ignore[no-untyped-call]


def _data(values: list[dict[str, Any]]) -> alt.Data:
    """Inline data for a layer: a list of records (no pandas needed)."""
    return alt.Data(values=values)  # type: ignore[no-untyped-call]


# ----------------------------------------------------------------------------------------------- formatting


def unit_words(unit: str) -> str:
    """The words naming a unit on an axis, e.g. "%" or "per 10,000 children"."""
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


def format_count_pair(point: ChartPoint, policy: DisclosurePolicy = DEFAULT_POLICY) -> str | None:
    """The numerator and denominator as "7 of 9" ("fewer than 5 of 24" where the disclosure policy withholds a
    small count; full-time equivalents as they are), or None when either is missing."""
    if point.numerator is None or point.denominator is None:
        return None
    if float(point.numerator).is_integer() and float(point.denominator).is_integer():
        return n_of_d_words(point.numerator, point.denominator, policy=policy)
    return f"{_format_count(point.numerator)} of {_format_count(point.denominator)}"


def _format_count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _iso(day: dt.date) -> str:
    return day.isoformat()


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


def _left_lines(req: ChartRequest) -> list[ChartLine]:
    return [req.main, *req.extra]


def _all_lines(req: ChartRequest) -> list[ChartLine]:
    return [*_left_lines(req), *([req.secondary] if req.secondary is not None else [])]


def _period_ends(req: ChartRequest) -> list[dt.date]:
    return sorted({p.period_end for line in _all_lines(req) for p in line.points})


def _is_monthly(ends: Sequence[dt.date]) -> bool:
    """Whether periods are about a month apart (so labels like "Oct 25" name them)."""
    if len(ends) < 2:
        return True
    gaps = sorted((b - a).days for a, b in itertools.pairwise(ends))
    return gaps[len(gaps) // 2] <= 31


def _period_labels(req: ChartRequest) -> dict[dt.date, str]:
    """The request's own label for each period (e.g. "Oct 2026"), main series first."""
    labels: dict[dt.date, str] = {}
    for line in reversed(_all_lines(req)):
        for point in line.points:
            labels[point.period_end] = point.label
    for point in req.main.points:
        labels[point.period_end] = point.label
    return labels


def _visible_events(req: ChartRequest, ends: Sequence[dt.date]) -> list[tuple[dt.date, str]]:
    """Events within the charted periods (from a month before the first period end to the last); others skipped."""
    if not ends:
        return []
    start = ends[0] - dt.timedelta(days=31)
    return sorted(
        (e.date, f"Series break: {e.text}" if e.series_break else e.text)
        for e in req.events
        if start <= e.date <= ends[-1]
    )


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
    """The y axis range for a set of values (data, targets, comparators, band): round numbers that include them.

    Percentages stay within 0 to 100: the axis starts at 0 unless every value is above 40, and ends at 100
    unless every value is below 60 (so 88% to 99% is drawn from 80% to 100%, not squashed into the top of a
    0-100 axis). Counts and rates start at zero unless their values sit far above it.
    """
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (0.0, 100.0) if unit == "percent" else (0.0, 10.0)
    lo, hi = min(finite), max(finite)
    if unit == "percent" and lo >= 0 and hi <= 100:
        low_end = 0.0 if lo <= 40 else None
        high_end = 100.0 if hi >= 60 else None
        span = (high_end if high_end is not None else hi) - (low_end if low_end is not None else lo)
        step = _nice_step(max(span, 5.0))
        if low_end is None:
            low_end = max(0.0, math.floor((lo - step / 2) / step) * step)
        if high_end is None:
            high_end = min(100.0, math.ceil((hi + step / 2) / step) * step)
        return float(low_end), float(high_end)
    if lo >= 0 and lo <= 0.5 * hi:
        lo = 0.0
    if hi == lo:
        pad = abs(hi) * 0.1 if hi else 1.0
        lo, hi = (lo - pad if lo != 0 else 0.0), hi + pad
    step = _nice_step(hi - lo)
    nice_lo = math.floor(lo / step) * step
    if lo - nice_lo < step * 0.1 and lo != 0:
        nice_lo -= step  # room below the lowest line
    nice_hi = math.ceil(hi / step) * step
    if nice_hi - hi < step * 0.1 and hi != 0:
        nice_hi += step  # room above the highest point for its label
    if lo >= 0:
        nice_lo = max(nice_lo, 0.0)
    return float(nice_lo), float(nice_hi)


def _y_pixel(value: float, domain: tuple[float, float]) -> float:
    lo, hi = domain
    return CHART_HEIGHT * (1 - (value - lo) / (hi - lo)) if hi > lo else CHART_HEIGHT / 2


def _spread_labels(wanted: Sequence[float], heights: Sequence[float], high: float = float(CHART_HEIGHT)) -> list[float]:
    """Top edges for labels whose middles should sit at `wanted` (pixels from the top), none overlapping.

    Labels are pushed down where they would collide, then the whole run is moved up if it passes the bottom
    (`high`) and down if it then passes the top.
    """
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    tops = [0.0] * len(wanted)
    bottom = -math.inf
    for i in order:
        top = max(wanted[i] - heights[i] / 2, bottom + LABEL_GAP_PX - LINE_HEIGHT_PX)
        tops[i] = top
        bottom = top + heights[i]
    overflow = max((tops[i] + heights[i] - high - LINE_HEIGHT_PX / 2 for i in order), default=0.0)
    if overflow > 0:
        tops = [t - overflow for t in tops]
    shortfall = -LINE_HEIGHT_PX / 2 - min(tops, default=0.0)
    if shortfall > 0:
        tops = [t + shortfall for t in tops]
    return tops


# ----------------------------------------------------------------------------------------------- the spec


def _wrap_label(text: str, width: int = MARGIN_WRAP) -> list[str]:
    """A margin label in lines of at most `width` characters, never leaving a short scrap (like "60") alone on the
    last line: "East of England 2024-25: 60" becomes "East of England" / "2024-25: 60"."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 1 and len(lines[-1]) <= 6 and width > 12:
        shorter = textwrap.wrap(text, width - 6)
        if len(shorter) == len(lines):
            return shorter
    return lines


def _series_styles(req: ChartRequest) -> tuple[list[str], list[str], list[list[float]], list[str]]:
    """Legend order, colours, dash patterns and point shapes for the main, extra and secondary series."""
    names = [req.main.label]
    colours = [MAIN_SERIES_COLOUR]
    dashes: list[list[float]] = [[1, 0]]
    shapes = ["circle"]
    extra_dashes: list[list[float]] = [[6, 3], [2, 2], [8, 3, 2, 3], [4, 4]]
    extra_shapes = ["square", "triangle-up", "diamond", "cross"]
    for i, line in enumerate(req.extra):
        names.append(line.label)
        colours.append(EXTRA_SERIES_COLOURS[i % len(EXTRA_SERIES_COLOURS)])
        dashes.append(extra_dashes[i % len(extra_dashes)])
        shapes.append(extra_shapes[i % len(extra_shapes)])
    if req.secondary is not None:
        names.append(req.secondary.label)
        colours.append(SECONDARY_SERIES_COLOUR)
        dashes.append([8, 4])
        shapes.append("square")
    # Vega-Lite needs distinct names in a legend domain.
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            seen[name] += 1
            names[i] = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
    return names, colours, dashes, shapes


def _line_values(line: ChartLine, name: str) -> list[dict[str, Any]]:
    return [
        {
            "series": name,
            "date": _iso(p.period_end),
            "period": p.label,
            "value": p.value if p.value is not None and math.isfinite(p.value) else None,
        }
        for p in sorted(line.points, key=lambda p: p.period_end)
    ]


def _x_encoding(ends: Sequence[dt.date], x_domain: tuple[dt.date, dt.date], labels: dict[dt.date, str]) -> alt.X:
    """The time axis: a tick per period (every 2nd, 3rd, ... when there are many), labelled "Oct 25" for months."""
    step = next((n for n in (1, 2, 3, 4, 6, 12) if math.ceil(len(ends) / n) <= MAX_X_LABELS), 12)
    shown = list(ends)[::-1][::step][::-1]  # counted back from the latest period, which is always labelled
    if _is_monthly(ends):
        label_args: dict[str, Any] = {"labelExpr": "utcFormat(datum.value, '%b %y')"}
    else:
        expr = "''"
        for day in shown:
            text = labels.get(day, day.isoformat()).replace("\\", "\\\\").replace("'", "\\'")
            expr = f"datum.value == {_epoch_ms(day)} ? '{text}' : {expr}"
        label_args = {"labelExpr": expr}
    many = len(shown) > 9
    axis = alt.Axis(
        title=None,
        values=[_epoch_ms(d) for d in shown],
        labelAngle=-45 if many else 0,
        labelAlign="right" if many else "center",
        labelOverlap=False,
        grid=False,
        **label_args,
    )
    lo, hi = x_domain
    if lo == hi:
        lo, hi = lo - dt.timedelta(days=15), hi + dt.timedelta(days=15)
    scale = alt.Scale(type="utc", domain=[_epoch_ms(lo), _epoch_ms(hi)], padding=14)
    return alt.X("date:T", axis=axis, scale=scale)


def _axis_title(line: ChartLine, with_label: bool) -> str:
    """An axis title: the unit ("%", "Per 10,000 children"), with the series name when two axes are shown."""
    words = unit_words(line.unit)
    if not with_label:
        return words if words == "%" else words[:1].upper() + words[1:]
    label = line.label.lower()
    if (words == "%" and ("%" in label or "percentage" in label)) or words.lower() in label:
        return line.label  # e.g. "% progressing to referral", "Children looked after per 10,000 children"
    return f"{line.label} ({words})"


def chart_spec(req: ChartRequest) -> dict[str, Any]:
    """The Vega-Lite spec (as a dict, built with Altair) for one chart of Appendix 1.

    Altair's check of each part as it is built is switched off here (it costs ~50 ms a chart); the tests check
    the finished specs against the Vega-Lite schema instead.
    """
    with alt.utils.schemapi.debug_mode(False):
        return _build_spec(req)


def _build_spec(req: ChartRequest) -> dict[str, Any]:
    """chart_spec's work."""
    ends = _period_ends(req)
    labels = _period_labels(req)
    events = _visible_events(req, ends)
    names, colours, dashes, shapes = _series_styles(req)
    left_unit = req.main.unit

    # ---- the y axis range: data, targets, comparators and band, so far-off comparators are still shown
    left_values = [p.value for line in _left_lines(req) for p in _known(line.points) if p.value is not None]
    left_values += [r.value for r in req.references if math.isfinite(r.value)]
    if req.band is not None:
        left_values += [v for v in req.band if math.isfinite(v)]
    if req.spc is not None:
        left_values += [v for p in req.spc.points for v in (p.upper, p.lower) if v is not None and math.isfinite(v)]
    domain = y_domain(left_values, left_unit)
    y_scale = alt.Scale(domain=list(domain), nice=False, zero=False)

    x_lo = min([ends[0], *(d for d, _ in events)]) if ends else dt.date(2000, 1, 31)  # any date: nothing to show
    x_hi = ends[-1] if ends else x_lo
    x_enc = _x_encoding(ends, (x_lo, x_hi), labels)

    has_margin_labels = bool(req.references) or req.band is not None or latest_point(req.main) is not None
    width = CHART_WIDTH_WITH_LABELS if has_margin_labels else CHART_WIDTH
    if req.secondary is not None:
        width -= 70  # room for the right-hand axis, so the whole chart stays about 640 px wide
    left_title = _axis_title(req.main, with_label=req.secondary is not None or bool(req.extra))
    y_axis = alt.Axis(title=left_title, tickCount=5, format=",~f", gridColor=GRID_COLOUR)
    colour_scale = alt.Scale(domain=names, range=colours)
    legend = (
        alt.Legend(title=None, orient="bottom", direction="horizontal", symbolStrokeWidth=2.5, symbolSize=120)
        if len(names) > 1
        else None
    )

    left_layers: list[alt.Chart] = []
    point_size = 40 if len(ends) <= 26 else 12
    plain = alt.Chart(_data([{}]))

    # ---- target band, shaded, with its words in the margin
    margin_labels: list[tuple[float, str, str]] = []  # (value, text, colour)
    if req.band is not None:
        low, high = sorted(req.band)
        left_layers.append(
            alt.Chart(_data([{"low": low, "high": high}]))
            .mark_rect(color=BAND_FILL_COLOUR, opacity=0.12)
            .encode(y=alt.Y("low:Q", scale=y_scale, axis=y_axis), y2=alt.Y2("high"))
        )
        unit = "%" if left_unit == "percent" else ""
        band_text = f"Best range {low:g}{unit} to {high:g}{unit}"
        margin_labels.append(((low + high) / 2, band_text, REFERENCE_COLOURS["target"]))

    # ---- reference lines: targets solid, stretch targets long-dashed, comparators dashed
    ref_dash: dict[str, list[float]] = {
        "target": [1, 0],
        "stretch": [10, 4],
        "england": [5, 4],
        "region": [2, 3],
        "neighbours": [7, 3, 2, 3],
    }
    refs = [r for r in req.references if math.isfinite(r.value)]
    if refs:
        ref_values = [
            {
                "value": ref.value,
                "label": ref.label,
                "colour": REFERENCE_COLOURS[ref.kind],
                "dash": ref_dash[ref.kind],
                "width": 2 if ref.kind in ("target", "stretch") else 1.5,
            }
            for ref in refs
        ]
        left_layers.append(
            alt.Chart(_data(ref_values))
            .mark_rule()
            .encode(
                y=alt.Y("value:Q", scale=y_scale, axis=y_axis),
                color=alt.Color("colour:N", scale=None),
                strokeDash=alt.StrokeDash("dash:N", scale=None),
                strokeWidth=alt.StrokeWidth("width:Q", scale=None),
            )
        )
        margin_labels += [(ref.value, ref.label, REFERENCE_COLOURS[ref.kind]) for ref in refs]

    # ---- statistical process control: the mean and process limits, light and behind the data
    if req.spc is not None:
        left_layers.append(_spc_lines(req.spc, x_enc, alt.Y("value:Q", scale=y_scale, axis=y_axis)))
        margin_labels += _spc_margin_labels(req)

    # ---- the council's series (main and extras) on the left axis
    series_values: list[dict[str, Any]] = []
    for name, line in zip(names, _left_lines(req), strict=False):
        series_values += _line_values(line, name)
    series_enc: dict[str, Any] = {
        "x": x_enc,
        "y": alt.Y("value:Q", scale=y_scale, axis=y_axis),
        "color": alt.Color("series:N", scale=colour_scale, legend=legend, sort=names),
        "strokeDash": alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=dashes), legend=None),
    }
    left_layers.append(
        alt.Chart(_data(series_values))
        .mark_line(strokeWidth=2.5, invalid="break-paths-show-domains")
        .encode(**series_enc)
    )
    left_layers.append(
        alt.Chart(_data([v for v in series_values if v["value"] is not None] or [{}]))
        .mark_point(filled=True, size=point_size, opacity=1)
        .encode(
            x=x_enc,
            y=alt.Y("value:Q", scale=y_scale, axis=y_axis),
            color=alt.Color("series:N", scale=colour_scale, legend=legend, sort=names),
            shape=alt.Shape("series:N", scale=alt.Scale(domain=names, range=shapes), legend=legend, sort=names),
        )
    )

    # ---- special causes: flagged points ringed, crossed or boxed, by shape as well as colour
    if req.spc is not None:
        left_layers += _spc_marks(req, x_enc, alt.Y("value:Q", scale=y_scale, axis=y_axis), point_size)

    # ---- the latest point: RAG colour, RAG shape and the RAG symbol and word beside it
    latest = latest_point(req.main)
    if latest is not None and latest.value is not None:
        rag = req.latest_rag
        short_value = format_number(latest.value, req.main.decimals) + ("%" if req.main.unit == "percent" else "")
        if rag == "none":
            latest_text = f"Latest {short_value}"
        else:
            latest_text = f"{RAG_SYMBOLS[rag]} {short_value} {RAG_SHORT_WORDS[rag]}"
        latest_data = _data([{"date": _iso(latest.period_end), "value": latest.value, "text": latest_text}])
        left_layers.append(
            alt.Chart(latest_data)
            .mark_point(
                shape=RAG_SHAPES[rag],
                size=260,
                filled=True,
                opacity=1,
                color=RAG_COLOURS[rag],
                stroke=TEXT_COLOUR,
                strokeWidth=1.5,
            )
            .encode(x=x_enc, y=alt.Y("value:Q", scale=y_scale, axis=y_axis))
        )
        margin_labels.append((latest.value, latest_text, RAG_COLOURS[rag]))
    else:
        left_layers.append(
            plain.mark_text(fontSize=FONT_SIZE + 2, color=MUTED_TEXT_COLOUR, text="No data for these periods").encode(
                x=_x_pixels(width / 2), y=_y_pixels(CHART_HEIGHT / 2)
            )
        )

    # ---- words in the right margin beside the lines they name, spread so they never overlap
    if margin_labels:
        margin_dx = 78 if req.secondary is not None else 16  # clear of the right-hand axis and its title
        wrapped = [_wrap_label(text) for _, text, _ in margin_labels]
        heights = [len(lines) * LINE_HEIGHT_PX for lines in wrapped]
        wanted = [_y_pixel(v, domain) for v, _, _ in margin_labels]
        tops = _spread_labels(wanted, heights)
        # a short leader from the end of a line to its label, where the label had to move away from it
        leaders = [
            {"x": width + 1, "x2": width + margin_dx - 3, "y": want, "y2": top + LINE_HEIGHT_PX / 2, "colour": colour}
            for want, top, (_, _, colour) in zip(wanted, tops, margin_labels, strict=True)
            if abs(top + LINE_HEIGHT_PX / 2 - want) > 3 and req.secondary is None
        ]
        if leaders:
            left_layers.append(
                alt.Chart(_data(leaders))
                .mark_rule(strokeWidth=1)
                .encode(
                    x=alt.X("x:Q", scale=None),
                    x2=alt.X2("x2"),
                    y=alt.Y("y:Q", scale=None),
                    y2=alt.Y2("y2"),
                    color=alt.Color("colour:N", scale=None),
                )
            )
        label_values = [
            {"y": top, "text": lines, "colour": colour, "symbol": any(ch in text for ch in RAG_SYMBOLS.values())}
            for top, lines, (_, text, colour) in zip(tops, wrapped, margin_labels, strict=True)
        ]
        for with_symbol in (False, True):
            values = [v for v in label_values if v["symbol"] is with_symbol]
            if not values:
                continue
            left_layers.append(
                alt.Chart(_data(values))
                .mark_text(
                    align="left",
                    baseline="top",
                    dx=margin_dx,
                    fontSize=FONT_SIZE,
                    lineHeight=LINE_HEIGHT_PX,
                    fontWeight="bold",
                    font=SYMBOL_FONT_FAMILY if with_symbol else FONT_FAMILY,
                )
                .encode(
                    x=_x_pixels(width),
                    y=alt.Y("y:Q", scale=None),
                    text=alt.Text("text:N"),
                    color=alt.Color("colour:N", scale=None),
                )
            )

    # ---- dated events: a vertical rule, with the words above the plot (stacked, one event under another)
    if events:
        rules = [
            {"date": _iso(day), "dash": [1, 0] if text.startswith("Series break:") else [3, 3]} for day, text in events
        ]
        left_layers.append(
            alt.Chart(_data(rules))
            .mark_rule(color=TEXT_COLOUR, strokeWidth=1.5, y=-6, y2=CHART_HEIGHT)
            .encode(x=x_enc, strokeDash=alt.StrokeDash("dash:N", scale=None))
        )
        wrapped = [textwrap.wrap(text, EVENT_WRAP) or [""] for _, text in events]
        line_height = FONT_SIZE + 3
        top = -(sum(len(lines) for lines in wrapped) * line_height + 4)
        span = (_epoch_ms(x_hi) - _epoch_ms(x_lo)) or 1
        for (day, _), lines in zip(events, wrapped, strict=True):
            right_half = (_epoch_ms(day) - _epoch_ms(x_lo)) / span > 0.55
            left_layers.append(
                alt.Chart(_data([{"date": _iso(day), "text": lines}]))
                .mark_text(
                    align="right" if right_half else "left",
                    baseline="top",
                    dx=-5 if right_half else 5,
                    fontSize=FONT_SIZE,
                    color=TEXT_COLOUR,
                    lineHeight=line_height,
                    y=top,
                )
                .encode(x=x_enc, text=alt.Text("text:N"))
            )
            top += len(lines) * line_height

    layers: list[dict[str, Any]] = [_layer(c) for c in left_layers]
    resolve: dict[str, Any] | None = None

    # ---- the secondary series on its own right-hand axis
    if req.secondary is not None:
        sec = req.secondary
        sec_values = [p.value for p in _known(sec.points) if p.value is not None]
        sec_domain = y_domain(sec_values, sec.unit)
        sec_scale = alt.Scale(domain=list(sec_domain), nice=False, zero=False)
        sec_axis = alt.Axis(
            title=_axis_title(sec, with_label=True),
            orient="right",
            tickCount=5,
            format=",~f",
            grid=False,
            titleColor=SECONDARY_SERIES_COLOUR,
        )
        sec_name = names[-1]
        sec_data = _line_values(sec, sec_name)
        sec_enc: dict[str, Any] = {
            "x": x_enc,
            "y": alt.Y("value:Q", scale=sec_scale, axis=sec_axis),
            "color": alt.Color("series:N", scale=colour_scale, legend=legend, sort=names),
        }
        right_layers = [
            alt.Chart(_data(sec_data))
            .mark_line(strokeWidth=2.5, invalid="break-paths-show-domains")
            .encode(
                strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=dashes), legend=None),
                **sec_enc,
            ),
            alt.Chart(_data([v for v in sec_data if v["value"] is not None] or [{}]))
            .mark_point(filled=True, size=point_size, opacity=1)
            .encode(
                shape=alt.Shape("series:N", scale=alt.Scale(domain=names, range=shapes), legend=legend, sort=names),
                **sec_enc,
            ),
        ]
        layers = [{"layer": [_layer(c) for c in left_layers]}, {"layer": [_layer(c) for c in right_layers]}]
        resolve = {"scale": {"y": "independent"}}

    status = f"{RAG_SYMBOLS[req.latest_rag]} {req.rag_words}"
    subtitle = [req.direction, status if req.rag_words.lower().startswith("latest") else f"Latest: {status}"]
    if req.spc is not None:
        subtitle += _spc_key(req.spc)
    title = alt.TitleParams(
        text=req.title,
        subtitle=subtitle,
        anchor="start",
        fontSize=TITLE_FONT_SIZE,
        subtitleFontSize=FONT_SIZE + 1,
        subtitleFont=SYMBOL_FONT_FAMILY,
        subtitleColor=TEXT_COLOUR,
        color=TEXT_COLOUR,
        offset=10,
    )
    spec: dict[str, Any] = {
        "$schema": alt.SCHEMA_URL,
        "config": _CONFIG_DICT,
        "background": BACKGROUND_COLOUR,
        "padding": {"left": 8, "right": 8, "top": 8, "bottom": 8},
        "title": title.to_dict(validate=False),
        "width": width,
        "height": CHART_HEIGHT,
        "layer": layers,
    }
    if resolve is not None:
        spec["resolve"] = resolve
    spec["description"] = alt_text(req)
    return spec


# ----------------------------------------------------------------------------------------------- process control

SUBTITLE_WRAP: Final = 92
"""Characters per line of the subtitle's words about process control."""

SIGNAL_SHAPES: Final[dict[str, str]] = {
    "improvement": "circle",  # a ring around the point
    "concern": "M-1,-1L1,1M-1,1L1,-1",  # a cross over the point
    "neutral": "diamond",  # a diamond outline around the point
}
"""How a special cause is marked: an outline around (or across) the point, never a fill, so it reads apart from
the filled point and the latest month's RAG marker."""

SIGNAL_KEY_WORDS: Final[dict[str, str]] = {
    "improvement": "ringed: improvement",
    "concern": "crossed: concern",
    "neutral": "in a diamond: unusually high or low",
}


def _signal_kind(signal: str) -> str:
    return "neutral" if signal.startswith("neutral") else signal


def _spc_lines(spc: ChartSpc, x_enc: alt.X, y_enc: alt.Y) -> alt.Chart:
    """The mean (thin grey) and process limits (thin dashed grey) of each segment, broken at series breaks."""
    rows: list[dict[str, Any]] = [
        {"date": _iso(p.period_end), "key": f"{name}-{p.segment}", "value": value, "colour": colour, "dash": dash}
        for p in spc.points
        for name, value, colour, dash in (
            ("mean", p.mean, SPC_MEAN_COLOUR, [1, 0]),
            ("upper", p.upper, SPC_LIMIT_COLOUR, [5, 3]),
            ("lower", p.lower, SPC_LIMIT_COLOUR, [5, 3]),
        )
        if value is not None and math.isfinite(value)
    ]
    chart: alt.Chart = (
        alt.Chart(_data(rows or [{}]))
        .mark_line(strokeWidth=1.25, opacity=1)
        .encode(
            x=x_enc,
            y=y_enc,
            detail=alt.Detail("key:N"),
            color=alt.Color("colour:N", scale=None),
            strokeDash=alt.StrokeDash("dash:N", scale=None),
        )
    )
    return chart


def _spc_margin_labels(req: ChartRequest) -> list[tuple[float, str, str]]:
    """The current segment's mean and limits named in the right margin."""
    assert req.spc is not None
    last = req.spc.points[-1]
    current = [p for p in req.spc.points if p.segment == last.segment]
    suffix = "%" if req.main.unit == "percent" else ""
    labels = [(last.mean, f"Mean {format_number(last.mean, req.main.decimals)}{suffix}", SPC_MEAN_COLOUR)]
    if last.upper is not None and last.lower is not None and len(current) > 1:
        labels += [
            (last.upper, f"Upper limit {format_number(last.upper, req.main.decimals)}{suffix}", SPC_LIMIT_COLOUR),
            (last.lower, f"Lower limit {format_number(last.lower, req.main.decimals)}{suffix}", SPC_LIMIT_COLOUR),
        ]
    return labels


def _spc_marks(req: ChartRequest, x_enc: alt.X, y_enc: alt.Y, point_size: int) -> list[alt.Chart]:
    """The flagged points of the headline series, one layer per kind of special cause."""
    assert req.spc is not None
    values = {p.period_end: p.value for p in req.main.points}
    layers = []
    for kind, shape in SIGNAL_SHAPES.items():
        flagged = [
            {"date": _iso(p.period_end), "value": values[p.period_end]}
            for p in req.spc.points
            if p.signal is not None and _signal_kind(p.signal) == kind and values.get(p.period_end) is not None
        ]
        if not flagged:
            continue
        colour = SIGNAL_COLOURS["neutral_high" if kind == "neutral" else kind]  # type: ignore[index]
        layers.append(
            alt.Chart(_data(flagged))
            .mark_point(shape=shape, filled=False, size=point_size * 6, strokeWidth=2.5, opacity=1, color=colour)
            .encode(x=x_enc, y=y_enc)
        )
    return layers


def _spc_key(spc: ChartSpc) -> list[str]:
    """The subtitle's lines on process control: the latest month's state, then what the lines and marks mean
    (each item kept whole on a line)."""
    kinds = {_signal_kind(p.signal) for p in spc.points if p.signal is not None}
    items = ["Grey: mean and process limits", *(SIGNAL_KEY_WORDS[k] for k in SIGNAL_SHAPES if k in kinds)]
    lines = textwrap.wrap(f"{spc.summary}.", SUBTITLE_WRAP)
    key = ""
    for item in items:
        if key and len(key) + len(item) + 2 > SUBTITLE_WRAP:
            lines.append(key + ";")
            key = item
        else:
            key = f"{key}; {item}" if key else item
    return [*lines, key + "."]


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
            counts.setdefault(_signal_kind(p.signal or ""), []).append(
                labels.get(p.period_end, p.period_end.isoformat())
            )
        parts = [
            f"{len(months)} marked {SIGNAL_KEY_WORDS[kind].split(': ')[1]} ({months[0]}"
            + (f" to {months[-1]})" if len(months) > 1 else ")")
            for kind, months in counts.items()
        ]
        text += "; special causes: " + _join_words(parts)
    return text + "."


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
    prepare_fonts()
    svg = str(vl_convert.vegalite_to_svg(chart_spec(req), vl_version=VEGA_LITE_VERSION))
    return _describe_svg(svg, req.title, alt_text(req))


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
    """The chart as PNG bytes, `scale` times its nominal size (2.0 for print), drawn from its SVG."""
    return bytes(vl_convert.svg_to_png(render_svg(req), scale=scale))


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
    """A one- or two-sentence description of the chart for screen readers.

    E.g. "Monthly line chart of CP visits in time from Oct 2025 to Oct 2026; latest 92% in Oct 2026 (81 of 88),
    down from 95% a year earlier. Higher is better; lines show Target 90% and England 2024-25: 88%; Amber:
    within tolerance."
    """
    points = sorted(req.main.points, key=lambda p: p.period_end)
    if not points:
        return f"Chart of {req.title}: no figures to show. {_sentence_start(req.direction)}; {req.rag_words}."
    span = f"from {points[0].label} to {points[-1].label}" if len(points) > 1 else f"for {points[0].label}"
    kind = "Monthly line chart" if _is_monthly([p.period_end for p in points]) else "Line chart"
    first = f"{kind} of {req.title} {span}"
    if req.secondary is not None:
        first += f", with {req.secondary.label} on a second axis"
    if req.extra:
        first += f", with {_join_words([line.label for line in req.extra])}"
    latest = latest_point(req.main)
    if latest is None or latest.value is None:
        first += "; there are no figures for these periods"
    else:
        first += f"; latest {format_value(latest.value, req.main)} in {latest.label}"
        pair = format_count_pair(latest, req.disclosure)
        if pair is not None:
            first += f" ({pair})"
        trend = _trend_words(req.main, latest)
        if trend:
            first += f", {trend}"
        for line in [*req.extra, *([req.secondary] if req.secondary is not None else [])]:
            other = latest_point(line)
            if other is not None and other.value is not None:
                first += f"; {line.label} {format_value(other.value, line)}"
    second = [_sentence_start(req.direction)]
    if req.band is not None:
        low, high = sorted(req.band)
        second.append(
            f"a shaded band marks the best range, {format_value(low, req.main)} to {format_value(high, req.main)}"
        )
    if req.references:
        second.append(f"lines show {_join_words([ref.label for ref in req.references])}")
    second.append(req.rag_words)
    text = f"{first}. {'; '.join(second)}."
    shown_events = _visible_events(req, [p.period_end for p in points])
    if shown_events:
        marks = _join_words([f"{day.strftime('%d %B %Y').lstrip('0')}, {words}" for day, words in shown_events])
        text += f" Marked on the chart: {marks}."
    spc = _spc_alt_text(req)
    return f"{text} {spc}" if spc else text


def _join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _sentence_start(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:]


def _cell(value: float | None, decimals: int) -> str:
    return format_number(value, decimals) if value is not None and math.isfinite(value) else _MISSING


def _spc_cell(mean: float, lower: float | None, upper: float | None, decimals: int) -> str:
    """ "93 (87 to 99)": a month's mean and process limits."""
    if lower is None or upper is None:
        return format_number(mean, decimals)
    return f"{format_number(mean, decimals)} ({format_number(lower, decimals)} to {format_number(upper, decimals)})"


def data_table(req: ChartRequest) -> tuple[list[str], list[list[str]]]:
    """The data behind the chart: headers, and one row per period (oldest first) of formatted strings.

    Columns: the period, each series (with a "7 of 9" column where numerators and denominators exist), the
    headline series' mean and process limits and any signal, each reference line, and any events marked in the
    period they fall in.
    """
    ends = _period_ends(req)
    labels = _period_labels(req)
    headers = ["Period"]
    columns: list[dict[dt.date, str]] = []
    for line in _all_lines(req):
        by_end = {p.period_end: p for p in line.points}
        headers.append(f"{line.label} ({unit_words(line.unit)})")
        columns.append({end: _cell(p.value, line.decimals) for end, p in by_end.items()})
        if any(format_count_pair(p) is not None for p in line.points):
            headers.append(f"{line.label} (number of total)")
            columns.append({end: format_count_pair(p, req.disclosure) or _MISSING for end, p in by_end.items()})
    if req.spc is not None:
        main = req.main
        headers += [f"Mean and process limits ({unit_words(main.unit)})", "Signal"]
        columns.append({p.period_end: _spc_cell(p.mean, p.lower, p.upper, main.decimals) for p in req.spc.points})
        columns.append({p.period_end: p.words for p in req.spc.points})
    if req.band is not None:
        low, high = sorted(req.band)
        headers.append("Best range")
        unit = "%" if req.main.unit == "percent" else ""
        band_text = f"{low:g}{unit} to {high:g}{unit}"  # as configured: 20% to 40%
        columns.append(dict.fromkeys(ends, band_text))
    for ref in req.references:
        headers.append(ref.label)
        columns.append(dict.fromkeys(ends, _cell(ref.value, req.main.decimals)))
    events = _visible_events(req, ends)
    if events:
        headers.append("Events")
        marks: dict[dt.date, list[str]] = {}
        for day, text in events:
            period = next((end for end in ends if end >= day), ends[-1])
            marks.setdefault(period, []).append(f"{day.strftime('%d %b %Y').lstrip('0')}: {text}")
        columns.append({end: "; ".join(texts) for end, texts in marks.items()})
    blanks = ["" if header in ("Events", "Signal") else _MISSING for header in headers[1:]]
    rows = [
        [
            labels.get(end, end.isoformat()),
            *(column.get(end, blank) for column, blank in zip(columns, blanks, strict=True)),
        ]
        for end in ends
    ]
    return headers, rows
