"""The analysts' workbook: every figure in the report as Excel tables, numbers as numbers with number formats.

Sheets: About; Summary (every measure's latest figure, target and status); Data (tidy: one row per indicator,
council and month, with the numerator, denominator, figure, unit, status, target, the 12 months to the month,
the process control, and the comparators as numbers with our quartile, rank and interval); Definitions (each
measure's title, definition, unit, direction and source); Comparators (our figure as compared, England, the
region, the neighbours, quartile, rank and 95% interval); Published (England, the region, the neighbours and
our published figure for each year the charts span); and one sheet per section with each indicator's months as
its own table. Headers are frozen; percentages (0 to 100) show a % sign, figures their decimals.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from cscperf.analysis.spc import SpcPoint
from cscperf.analysis.spc_icons import RULE_LABELS, SIGNAL_LABELS
from cscperf.exports.xlsx_file import NOT_FOR_PUBLICATION, append_row, mark_sheet, workbook_bytes
from cscperf.indicators.engine import Point
from cscperf.report import palette
from cscperf.report.contents import PERFORMANCE_SECTIONS, ReportContent
from cscperf.report.forecast_writers import add_forecast_workbook
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.measures import words_for
from cscperf.report.rag import rag_status
from cscperf.report.tables import QUARTILE_NOTE, compare_rows, summary_groups

SHEET_NAMES = {
    "front_door": "Early help and front door",
    "child_protection": "Child protection",
    "children_in_care": "Children in care",
    "workforce": "Workforce",
}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)


def render_xlsx(content: ReportContent) -> bytes:
    """The workbook as .xlsx bytes."""
    wb = Workbook()
    about = wb.active
    assert about is not None
    about.title = "About"
    mark_sheet(about, NOT_FOR_PUBLICATION)
    _about(about, content)
    _summary(_sheet(wb, "Summary"), content)
    _data(_sheet(wb, "Data"), content)
    _definitions(_sheet(wb, "Definitions"), content)
    compare = compare_rows(content)
    if compare:
        _comparators(_sheet(wb, "Comparators"), content)
        _published(_sheet(wb, "Published"), content)
    for section_id, library_sections, title in PERFORMANCE_SECTIONS:
        ws = _sheet(wb, SHEET_NAMES[section_id])
        append_row(ws, [title])
        ws.cell(ws.max_row, 1).font = TITLE
        append_row(ws, ["Each table is one indicator, month by month: the figure as published (rounded as the "
                        "DfE rounds), the numerator and denominator behind it, and statistical process control: "
                        "the mean and process limits of the months since the last series break, and any signal "
                        "(special cause) with the rule that found it."])  # fmt: skip
        for f in content.figures.values():
            if f.indicator.section not in library_sections:
                continue
            ind = f.indicator
            append_row(ws, [])
            append_row(ws, [f"{ind.title} ({ind.id})"])
            ws.cell(ws.max_row, 1).font = BOLD
            append_row(ws, [f"{f.direction_words}. Unit: {ind.unit.replace('_', ' ')}; counts {ind.counts}."])
            spc_points = f.spc.points if f.spc is not None else ()
            rows = [[f"{p.period_end:%b %Y}", p.period_start, p.period_end, p.value, p.numerator, p.denominator,
                     *_spc_cells(s), _note(p)] for p, s in itertools.zip_longest(f.points, spc_points)]  # fmt: skip
            _table(ws, ind.id, [*SERIES_HEADERS, *SPC_HEADERS, "Note"], rows, dates=True,
                   formats={4: _format(f), 7: _format(f), 8: _format(f), 9: _format(f)})  # fmt: skip
        _widths(ws, [14, 14, 14, 12, 12, 14, 12, 14, 14, 22, 40, 60])
        ws.freeze_panes = "A4"
    add_forecast_workbook(wb, content.forecast)
    return workbook_bytes(wb)


def _sheet(wb: Workbook, name: str) -> Worksheet:
    """A new sheet, marked as not for publication before anything else is written on it."""
    ws = wb.create_sheet(name)
    mark_sheet(ws, NOT_FOR_PUBLICATION)
    return ws


def _note(p: Point | None) -> str:
    """Why a month has no figure (or only part of one): empty cells are never zeros."""
    if p is None:
        return ""
    if not p.available:
        reason = p.reason or "not available"
        return reason[0].upper() + reason[1:] if reason.startswith("not available") else f"Not available: {reason}"
    return f"Part of the month only: {p.reason}" if p.coverage == "part" else ""


SERIES_HEADERS = ["Month", "Period start", "Period end", "Figure", "Numerator", "Denominator"]
SPC_HEADERS = ["Mean", "Lower process limit", "Upper process limit", "Signal", "Rules"]
"""Statistical process control beside each month: its segment's mean and limits, and the special cause."""


def _spc_cells(point: SpcPoint | None) -> list[object]:
    if point is None or point.value is None:
        return [None, None, None, None, None]
    rules = "; ".join(RULE_LABELS[r] for r in point.rules) or None
    signal = SIGNAL_LABELS[point.signal] if point.signal is not None else None
    return [_spc_number(point.mean), _spc_number(point.lower), _spc_number(point.upper), signal, rules]


def _spc_number(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _about(ws: Worksheet, content: ReportContent) -> None:
    append_row(ws, [content.title])
    ws.cell(ws.max_row, 1).font = TITLE
    for label, value in (("Council", f"{content.council_name} (DfE code {content.la_code})"),
                         ("Report to", content.committee), ("From", content.author),
                         ("Figures to", f"{content.as_at:%-d %B %Y}")):  # fmt: skip
        append_row(ws, [label, value])
        ws.cell(ws.max_row, 1).font = BOLD
    append_row(ws, [])
    append_row(ws, ["Sheets: Summary (every measure, latest month, target and status); Comparators "
                    "(England, region and statistical neighbours); one sheet per section with every series in "
                    "the report."])  # fmt: skip
    append_row(ws, ["Counts are shown in full, small ones included: this workbook is for the service's analysts, "
                    "not for publication. The committee report withholds small numbers."])  # fmt: skip
    _widths(ws, [16, 80])


RAG_NAMES_FOR_SHEET = {"blue": "Blue", "green": "Green", "amber": "Amber", "red": "Red", "none": "No target"}


def _summary(ws: Worksheet, content: ReportContent) -> None:
    append_row(ws, [f"Summary of performance to {content.latest_month}"])
    ws.cell(ws.max_row, 1).font = TITLE
    append_row(ws, [])
    append_row(ws, ["Figures are numbers (percentages as 0-100, rates per 10,000), rounded as published, so they can "
                    "be sorted and used in formulas; the Unit column says what each is. Status judges the latest "
                    "month, or the 12 months to it where Judged on says so."])  # fmt: skip
    headers = ["Measure", "Better", "Latest", "Previous month", "Change", "Last 12 months", "Target (as shown)",
               "Status (in words)", "Variation", "Assurance", "Section", "Chart", "Indicator id", "Unit", "Status",
               "Judged on", "Judged figure", "Target", "Band from", "Band to", "Target kind", "Tolerance",
               "Variation icon", "Assurance icon"]  # fmt: skip
    rows: list[list[object]] = []
    fills, formats = [], []
    for title, group in summary_groups(content):
        for r in group:
            f = content.figures[r.indicator_id]
            previous = f.previous.value if f.previous is not None else None
            target = f.target
            band = target.band if target is not None and target.band is not None else (None, None)
            rows.append([r.measure, r.direction, f.latest.value, previous, f.change, f.average_12m, r.target,
                         f.status.words, r.variation_words, r.assurance_words, title, r.chart, r.indicator_id,
                         f.indicator.unit.replace("_", " "), RAG_NAMES_FOR_SHEET[r.rag], f.basis, f.judged.value,
                         target.target if target is not None else None, band[0], band[1],
                         target.kind if target is not None else None,
                         target.tolerance if target is not None else None, r.variation, r.assurance])  # fmt: skip
            fills.append(palette.RAG_TINTS[r.rag])
            formats.append(_format(f))
    append_row(ws, [])
    first = ws.max_row + 2
    _table(ws, "summary", headers, rows)
    for i, (fill, number_format) in enumerate(zip(fills, formats, strict=True)):
        for column in (8, headers.index("Status") + 1):
            ws.cell(first + i, column).fill = PatternFill("solid", fgColor=fill.lstrip("#"))
        for column in (3, 4, 5, 6, 17, 18, 19, 20):
            ws.cell(first + i, column).number_format = number_format
    ws.freeze_panes = ws.cell(first, 2)
    _widths(ws, [36, 22, 10, 10, 10, 10, 18, 40, 24, 18, 30, 8, 28, 14, 10, 10, 10, 10, 10, 10, 12, 10, 16, 14])


def _format(f: IndicatorFigures) -> str:
    """The number format of a measure's figures: "0.0%" shown for a percentage held as 0 to 100, its decimals."""
    decimals = "0" if f.indicator.decimals == 0 else "0." + "0" * f.indicator.decimals
    if f.indicator.unit == "percent":
        return f'{decimals}"%"'
    return "#,##" + decimals if f.indicator.unit == "count" else decimals


DATA_HEADERS = ["Indicator id", "Measure", "LA code", "Council", "Period start", "Period end", "Numerator",
                "Denominator", "Value", "Unit", "Decimals", "Status", "Target", "Band from", "Band to",
                "12 months: numerator", "12 months: denominator", "12 months: value", "Mean", "Lower process limit",
                "Upper process limit", "Signal", "Published year", "England", "Region", "Neighbours", "Quartile",
                "Rank", "Rank of", "Interval from", "Interval to", "Note"]  # fmt: skip
"""The tidy sheet: one row per indicator, council and month. Status is each month's figure against the target
(the latest month's as the paper judges it); the comparators (the latest published year) repeat on each row of
an indicator so that the sheet filters and pivots without lookups."""


def _data(ws: Worksheet, content: ReportContent) -> None:
    append_row(ws, ["Every figure, one row per indicator, council and month (tidy data)"])
    ws.cell(ws.max_row, 1).font = TITLE
    append_row(ws, ["Values are numbers (percentages 0-100, rates per 10,000). Status: each month's figure against "
                    "the target. Comparators: the latest published year, our quartile and rank among councils "
                    "(1 the best, or the lowest where no direction is better) and the 95% interval of our figure, "
                    "as compared (see the Comparators sheet)."])  # fmt: skip
    rows: list[list[object]] = []
    formats: list[str] = []
    for f in content.figures.values():
        c = f.comparators
        spc_points = f.spc.points if f.spc is not None else ()
        rolling = f.rolling or (None,) * len(f.points)
        target = f.target
        band = target.band if target is not None and target.band is not None else (None, None)
        published = [c.year_label, c.england, c.region, c.neighbours, c.quartile, c.rank, c.rank_of or None,
                     *(c.interval or (None, None))] if c is not None else [None] * 9  # fmt: skip
        for p, s, r in itertools.zip_longest(f.points, spc_points, rolling):
            status = rag_status(f.indicator, p.value, target, None if p.available else (p.reason or "not available"))
            rows.append([f.indicator.id, words_for(f.indicator).short, p.la_code, content.council_name, p.period_start,
                         p.period_end, p.numerator, p.denominator, p.value, f.indicator.unit.replace("_", " "),
                         f.indicator.decimals, RAG_NAMES_FOR_SHEET[status.rag] if p.available else "Not available",
                         target.target if target is not None else None, band[0], band[1],
                         r.numerator if r is not None else None, r.denominator if r is not None else None,
                         r.value if r is not None else None, *_spc_cells(s)[:4], *published, _note(p)])  # fmt: skip
            formats.append(_format(f))
    first = ws.max_row + 2
    _table(ws, "data", DATA_HEADERS, rows, dates=True, date_columns=(5, 6))
    value_columns = [DATA_HEADERS.index(h) + 1 for h in ("Value", "Target", "Band from", "Band to", "12 months: value",
                     "Mean", "Lower process limit", "Upper process limit", "England", "Region", "Neighbours",
                     "Interval from", "Interval to")]  # fmt: skip
    for i, number_format in enumerate(formats):
        for column in value_columns:
            ws.cell(first + i, column).number_format = number_format
    ws.freeze_panes = ws.cell(first, 3)
    _widths(ws, [28, 30, 8, 24, 12, 12, 11, 12, 10, 12, 9, 12, 9, 9, 9, 12, 12, 12, 10, 10, 10, 20, 14, 10, 10, 10,
                 9, 7, 8, 10, 10, 40])  # fmt: skip


def _definitions(ws: Worksheet, content: ReportContent) -> None:
    append_row(ws, ["What each measure is"])
    ws.cell(ws.max_row, 1).font = TITLE
    headers = ["Indicator id", "Short title", "Title", "Definition", "Plain definition", "Unit", "Which way is better",
               "Period", "Decimals", "Counts", "Numerator counts", "Denominator counts", "Source", "Chart",
               "Judged on"]  # fmt: skip
    rows = []
    for f in content.figures.values():
        ind, words = f.indicator, words_for(f.indicator)
        rows.append([ind.id, words.short, ind.title, " ".join(ind.description.split()), words.definition,
                     ind.unit.replace("_", " "), f.direction_words, ind.period_kind, ind.decimals, ind.counts,
                     words.numerator, words.denominator, ind.source, _chart_number(content, ind.id),
                     f.basis])  # fmt: skip
    append_row(ws, [])
    first = ws.max_row + 2
    _table(ws, "definitions", headers, rows)
    for row in ws.iter_rows(min_row=first, max_row=ws.max_row, min_col=4, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(first, 2)
    _widths(ws, [30, 30, 40, 80, 60, 12, 30, 10, 9, 16, 28, 32, 40, 8, 12])


def _chart_number(content: ReportContent, indicator_id: str) -> int | None:
    return next((c.plan.number for c in content.charts if indicator_id in c.plan.indicator_ids), None)


def _comparators(ws: Worksheet, content: ReportContent) -> None:
    append_row(ws, ["How we compare: our figure beside the latest published figures, as numbers"])
    ws.cell(ws.max_row, 1).font = TITLE
    append_row(ws, [QUARTILE_NOTE])
    headers = ["Indicator id", "Measure", "Unit", "Ours", "Our period", "Our numerator", "Our denominator",
               "Interval from", "Interval to", "England", "Region", "Region name", "Neighbours", "Neighbours average",
               "Neighbours with a figure", "Neighbours in the group", "Neighbour model", "Published year",
               "Year means", "Quartile", "Rank", "Rank of", "Against England"]  # fmt: skip
    rows, formats = [], []
    for f in content.figures.values():
        c = f.comparators
        if c is None:
            continue
        own = c.own or f.latest
        interval = c.interval or (None, None)
        rows.append([f.indicator.id, words_for(f.indicator).short, f.indicator.unit.replace("_", " "), own.value,
                     c.own_period, own.numerator, own.denominator, interval[0], interval[1], c.england, c.region,
                     c.region_name, c.neighbours, c.neighbour_average, c.neighbours_with_data, c.neighbours_total,
                     c.neighbour_model, c.year_label, c.year_meaning, c.quartile, c.rank, c.rank_of or None,
                     c.versus_england])  # fmt: skip
        formats.append(_format(f))
    append_row(ws, [])
    first = ws.max_row + 2
    _table(ws, "comparators", headers, rows)
    for i, number_format in enumerate(formats):
        for column in (4, 8, 9, 10, 11, 13):
            ws.cell(first + i, column).number_format = number_format
    ws.freeze_panes = ws.cell(first, 3)
    _widths(ws, [28, 30, 12, 10, 22, 12, 12, 11, 11, 10, 10, 18, 11, 10, 10, 10, 40, 16, 18, 9, 7, 8, 60])


def _published(ws: Worksheet, content: ReportContent) -> None:
    append_row(ws, ["Published figures for each year the charts span"])
    ws.cell(ws.max_row, 1).font = TITLE
    headers = ["Indicator id", "Measure", "Year", "Year (as published)", "Reference date", "England", "Region",
               "Neighbours", "Ours (published)"]  # fmt: skip
    rows, formats = [], []
    for f in content.figures.values():
        c = f.comparators
        for y in c.series if c is not None else ():
            rows.append([f.indicator.id, words_for(f.indicator).short, y.year, y.label, y.date, y.england, y.region,
                         y.neighbours, y.ours])  # fmt: skip
            formats.append(_format(f))
    append_row(ws, [])
    first = ws.max_row + 2
    _table(ws, "published", headers, rows, dates=True, date_columns=(5,))
    for i, number_format in enumerate(formats):
        for column in (6, 7, 8, 9):
            ws.cell(first + i, column).number_format = number_format
    ws.freeze_panes = ws.cell(first, 3)
    _widths(ws, [28, 30, 8, 18, 14, 10, 10, 11, 14])


def _table(
    ws: Worksheet,
    name: str,
    headers: list[str],
    rows: Sequence[Sequence[object]],
    *,
    dates: bool = False,
    date_columns: tuple[int, ...] = (2, 3),
    formats: dict[int, str] | None = None,
) -> None:
    append_row(ws, headers)
    top = ws.max_row
    for cell in ws[top]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        append_row(ws, row)
    if not rows:
        return
    last_col = ws.cell(top, len(headers)).column_letter
    display = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not display[0].isalpha():
        display = "t_" + display
    ws.add_table(Table(displayName=display, ref=f"A{top}:{last_col}{ws.max_row}", tableStyleInfo=STYLE))
    for row in ws.iter_rows(min_row=top + 1, max_row=ws.max_row):
        for column, number_format in (formats or {}).items():
            row[column - 1].number_format = number_format
        if dates:
            for column in date_columns:
                row[column - 1].number_format = "yyyy-mm-dd"


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
