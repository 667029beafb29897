"""`cscperf kpis` as tables that fit the terminal: each indicator's id (whole) and title, then its figures
period by period; when the periods asked for do not fit across, they continue in further tables.

Headings name the period the way the service does: "Oct 2026" for a month, "2024-25" for a financial year,
"Apr-Oct 2026" for a financial year so far, "1-15 Oct 2026" for a month so far. Every figure carries its
unit the same way ("22.6%", "75.0", "1,234"); a figure the data cannot support is "n/a", never 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from rich import box
from rich.text import Text

from cscperf.cli.choices import Period
from cscperf.cli.console import DataTable, console, literal, one_line, width_needed
from cscperf.indicators.coverage import no_figure_reason
from cscperf.indicators.definition import Indicator
from cscperf.indicators.engine import Point, Result
from cscperf.indicators.output import SeriesSpc

GOOD_IS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better",
           "target_band": "best within a band", "neutral": "context only"}  # fmt: skip
CAPTION = {
    Period.month: "Each figure is for the month shown (a month so far where the heading gives days).",
    Period.financial_year: "Each figure is for the financial year (April to March) shown, or the year so far.",
    Period.rolling_12: "Each figure is for the 12 months to the end of the month shown.",
}
UNITS = {"percent": "percentage", "rate_per_10k": "rate per 10,000 children", "count": "count",
         "ratio": "ratio", "days": "days"}  # fmt: skip
NOT_AVAILABLE = "n/a"
MISSING_COMPARATORS = ("Comparators are missing: import them with `cscperf benchmarks import ../shared/reference-data "
                       "--db STORE` (England, region and statistical neighbours).")  # fmt: skip


def period_heading(start: dt.date, end: dt.date, period: Period) -> str:
    """The column heading for a period: "Oct 2026", "1-15 Oct 2026", "2024-25", "Apr-Oct 2026"."""
    whole_month_end = (end + dt.timedelta(days=1)).day == 1
    if period is Period.financial_year:
        if end == dt.date(start.year + 1, 3, 31):
            return f"{start.year}-{(start.year + 1) % 100:02d}"
        last = f"{end:%b}" if whole_month_end else f"{end.day} {end:%b}"
        first = f"{start:%b}" if start.year == end.year else f"{start:%b %Y}"
        return f"{first}-{last} {end.year}"  # "Apr-Oct 2026", "Apr 2025-Feb 2026", "Apr-15 Oct 2026"
    if whole_month_end:
        return f"{end:%b %Y}"
    if period is Period.month:
        return f"{start.day}-{end.day} {end:%b %Y}"
    return f"to {end.day} {end:%b %Y}"


def figure(value: float | None, indicator: Indicator) -> str:
    """A figure with its unit, rounded as the indicator is: "22.6%", "75", "17.5", "1,234"; "n/a" if none."""
    if value is None:
        return NOT_AVAILABLE
    text = f"{value:,.{indicator.decimals}f}"
    return text + "%" if indicator.unit == "percent" else text


PART_MARK = "*"
UNMEASURED_MARK = "+"


def _marked(p: Point | None, indicator: Indicator) -> str:
    """A point's figure, "n/a" when the data do not support it, marked * when it covers part of its period
    and + when some records could not be measured (the notes under the table say why)."""
    if p is None or not p.available:
        return NOT_AVAILABLE
    text = figure(p.value, indicator)
    if p.coverage == "part":
        text += PART_MARK
    if p.not_measurable:
        text += UNMEASURED_MARK
    return text


def availability_notes(results: list[Result]) -> list[str]:
    """Under a table: why figures are n/a or marked, each reason said once with the indicators it concerns."""
    missing: dict[str, dict[str, None]] = {}
    part: dict[str, None] = {}
    unmeasured = False
    for result in results:
        for p in result.points:
            if not p.available:
                missing.setdefault(p.reason or "not available", {})[result.indicator.id] = None
            elif p.value is None:  # the data cover the period: nothing to measure (0 of 0), or no population
                missing.setdefault(no_figure_reason(result.indicator, p), {})[result.indicator.id] = None
            elif p.coverage == "part":
                part[p.reason or "part of the period only"] = None
            unmeasured = unmeasured or bool(p.not_measurable)
    lines = [f"{NOT_AVAILABLE}: {reason} ({', '.join(ids)})" for reason, ids in missing.items()]
    lines += [f"{PART_MARK} {reason}" for reason in part]
    if unmeasured:
        lines.append(f"{UNMEASURED_MARK} some records could not be measured; they count as not meeting the standard "
                     "(`cscperf drill` lists them with why).")  # fmt: skip
    return lines


@dataclass(frozen=True)
class _Row:
    la_code: str
    indicator: Indicator
    group: str | None
    figures: dict[tuple[dt.date, dt.date], Point]


def _rows(results: list[Result]) -> tuple[list[_Row], list[tuple[dt.date, dt.date]]]:
    periods = sorted({(p.period_start, p.period_end) for r in results for p in r.points})
    rows: dict[tuple[str, str, str | None], _Row] = {}
    for result in results:
        for p in result.points:
            key = (p.la_code, result.indicator.id, p.group)
            row = rows.setdefault(key, _Row(p.la_code, result.indicator, p.group, {}))
            row.figures[(p.period_start, p.period_end)] = p
    return list(rows.values()), periods


def _label(row: _Row) -> Text:
    """The indicator cell: its id whole on the first line, then its title and which way is good."""
    cell = Text(one_line(row.indicator.id), style="bold")
    cell.append("\n" + one_line(f"{row.indicator.title} ({GOOD_IS[row.indicator.polarity]})"))
    return cell


def _table(
    rows: list[_Row],
    periods: list[tuple[dt.date, dt.date]],
    period: Period,
    by: str | None,
    benchmarks: dict[str, dict[str, object]] | None,
    title: str,
    caption: str | None,
    spc: SeriesSpc | None = None,
) -> DataTable:
    several = len({r.la_code for r in rows}) > 1
    table = DataTable(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                      caption=caption, caption_justify="left")  # fmt: skip
    if several:
        table.add_column("LA", no_wrap=True)
    id_width = max(max((len(r.indicator.id) for r in rows), default=10), 20)
    table.add_column("Indicator", min_width=id_width, max_width=id_width, overflow="fold")
    if by:
        table.add_column(by.replace("_", " ").capitalize(), overflow="fold", max_width=20)
    for start, end in periods:
        table.add_column(period_heading(start, end, period), justify="right", no_wrap=True)
    if benchmarks is not None:
        table.add_column("England", justify="right", no_wrap=True)
        table.add_column("Neighbours", justify="right", no_wrap=True)
    if spc is not None:
        table.add_column("Variation", overflow="fold", max_width=16)
        table.add_column("Assurance", overflow="fold", max_width=14)
    previous: tuple[str, str] | None = None
    for row in rows:
        cells: list[Text | str] = [row.la_code] if several else []
        same = previous == (row.la_code, row.indicator.id)
        cells.append("" if same else _label(row))  # a breakdown's groups under one label
        previous = (row.la_code, row.indicator.id)
        if by:
            cells.append(row.group if row.group is not None else "(none)")
        cells += [_marked(row.figures.get(p), row.indicator) for p in periods]
        if benchmarks is not None:
            extra = benchmarks.get(row.indicator.id, {})
            cells += [_published(extra.get("england"), row.indicator), _published(extra.get("sn_mean"), row.indicator)]
        if spc is not None:
            cells += _icon_words(spc, row)
        table.add_row(*cells)
    return table


def _icon_words(spc: SeriesSpc, row: _Row) -> list[str]:
    """A series' variation and assurance icons in words ("-" where none was worked out)."""
    from cscperf.analysis.spc_icons import assurance_label, variation_label

    result = spc.get(row.indicator.id, {}).get((row.la_code, row.group))
    if result is None:
        return ["-", "-"]
    return [variation_label(result.variation_icon), assurance_label(result.assurance_icon)]


def spc_notes(spc: SeriesSpc) -> list[str]:
    """Under a table: what limits the SPC analysis of the series shown (trial limits, months left out, breaks
    not used), each note said once with the indicators it concerns."""
    found: dict[str, dict[str, None]] = {}
    for indicator_id, series in spc.items():
        for result in series.values():
            for warning in result.warnings:
                found.setdefault(warning, {})[indicator_id] = None
    return [f"SPC: {warning} ({', '.join(ids)})" for warning, ids in found.items()]


def _published(value: object, indicator: Indicator) -> str:
    return figure(float(value), indicator) if isinstance(value, int | float) else NOT_AVAILABLE


def _fits(table: DataTable, width: int) -> bool:
    """Whether the table fits `width` columns without cutting or folding a figure or an id."""
    return width_needed(table) <= width


def kpi_tables(
    results: list[Result],
    period: Period,
    by: str | None,
    benchmarks: dict[str, dict[str, object]] | None = None,
    *,
    width: int | None = None,
    spc: SeriesSpc | None = None,
) -> Iterator[DataTable]:
    """Tables holding every period asked for, as many periods across as fit `width` (the terminal's)."""
    rows, periods = _rows(results)
    if not rows:
        return
    width = width or console.width
    title = "Indicators" + (f" by {by.replace('_', ' ')}" if by else "")
    sizes = _chunk_sizes(len(periods), _across(rows, periods, period, by, None, width))
    if benchmarks is not None or spc is not None:  # their columns go beside the latest periods
        last = min(_across(rows, periods, period, by, benchmarks, width, spc), len(periods))
        sizes = [*_chunk_sizes(len(periods) - last, _across(rows, periods, period, by, None, width)), last]
    start = 0
    for number, size in enumerate(sizes):
        chunk = periods[start : start + size]
        final = number == len(sizes) - 1
        yield _table(rows, chunk, period, by, benchmarks if final else None, _part(title, start, len(chunk), periods),
                     CAPTION[period] if final else None, spc if final else None)  # fmt: skip
        start += size


def _chunk_sizes(count: int, across: int) -> list[int]:
    """`count` periods in tables of at most `across`, as even as can be: 13 periods, 5 across, are 5, 4 and 4."""
    if count <= 0:
        return []
    tables = -(-count // across)
    return [count // tables + (1 if number < count % tables else 0) for number in range(tables)]


def _across(
    rows: list[_Row],
    periods: list[tuple[dt.date, dt.date]],
    period: Period,
    by: str | None,
    benchmarks: dict[str, dict[str, object]] | None,
    width: int,
    spc: SeriesSpc | None = None,
) -> int:
    """How many periods fit across `width` (at least one), with the comparator and SPC columns if given."""
    for count in range(len(periods), 1, -1):
        if _fits(_table(rows, periods[-count:], period, by, benchmarks, "", None, spc), width):
            return count
    return 1


def _part(title: str, start: int, count: int, periods: list[tuple[dt.date, dt.date]]) -> str:
    if count == len(periods):
        return title
    return f"{title}, periods {start + 1} to {start + count} of {len(periods)}"


def notes_on_benchmarks(benchmarks: dict[str, dict[str, object]]) -> list[Text]:
    """What the England and neighbour columns are, or how to add them."""
    notes = {str(n) for b in benchmarks.values() for n in _as_list(b.get("notes"))}
    if any("No comparators imported" in n for n in notes):
        return [literal(MISSING_COMPARATORS)]
    year = next((b.get("benchmark_year") for b in benchmarks.values() if b.get("benchmark_year")), None)
    model = next((b.get("sn_model") for b in benchmarks.values() if b.get("sn_model")), None)
    said = [literal(f"England and neighbour (mean) figures are the latest published ({year}); {model}.")]
    if any(str(b.get("own_period", "")).startswith("12 months") for b in benchmarks.values()):
        said.append(literal("Quartile and rank (JSON): for figures over a year (assessments, re-referrals, repeat "
                            "plans) ours is the 12 months to the date, as the report compares them."))  # fmt: skip
    return said


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []
