"""Every series in the report as Excel tables: a sheet about the report, the summary, the comparators, and one
sheet per section with each indicator's months (figure, numerator, denominator) as its own table."""

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
from cscperf.report.tables import QUARTILE_NOTE, compare_headers, compare_rows, summary_groups, summary_headers

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
    compare = compare_rows(content)
    if compare:
        ws = _sheet(wb, "Comparators")
        append_row(ws, ["How we compare: our latest figures beside the latest published figures"])
        ws.cell(ws.max_row, 1).font = TITLE
        append_row(ws, [])
        headers = [*compare_headers(content), "Indicator id", "Ours (number)", "England (number)",
                   "Region (number)", "Neighbours (number)"]  # fmt: skip
        rows: list[list[object]] = []
        for r in compare:
            c = content.figures[r.indicator_id].comparators
            own = c.own if c is not None and c.own is not None else content.figures[r.indicator_id].latest
            rows.append([r.measure, r.direction, r.ours, r.england, r.region, r.neighbours, r.year, r.quartile,
                         r.indicator_id, own.value, c.england if c else None, c.region if c else None,
                         c.neighbours if c else None])  # fmt: skip
        _table(ws, "comparators", headers, rows)
        append_row(ws, [])
        append_row(ws, [QUARTILE_NOTE])
        _widths(ws, [45, 30, 24, 12, 12, 24, 18, 12, 28, 12, 12, 12, 12])
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
            _table(ws, ind.id, [*SERIES_HEADERS, *SPC_HEADERS, "Note"], rows, dates=True)
        _widths(ws, [14, 14, 14, 12, 12, 14, 12, 14, 14, 22, 40, 60])
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
                    "be sorted and used in formulas; the Unit column says what each is."])  # fmt: skip
    headers = [*summary_headers(content), "Section", "Chart", "Indicator id", "Unit", "Status"]
    headers[6] = "Target (as shown)"
    headers[7] = "Status (in words)"
    headers += ["Target", "Band from", "Band to", "Target kind", "Tolerance", "Variation icon", "Assurance icon"]
    rows: list[list[object]] = []
    fills = []
    for title, group in summary_groups(content):
        for r in group:
            f = content.figures[r.indicator_id]
            previous = f.previous.value if f.previous is not None else None
            target = f.target
            band = target.band if target is not None and target.band is not None else (None, None)
            rows.append([r.measure, r.direction, f.latest.value, previous, f.change, f.average_12m, r.target,
                         r.status, r.variation_words, r.assurance_words, title, r.chart, r.indicator_id,
                         f.indicator.unit.replace("_", " "), RAG_NAMES_FOR_SHEET[r.rag],
                         target.target if target is not None else None, band[0], band[1],
                         target.kind if target is not None else None,
                         target.tolerance if target is not None else None, r.variation, r.assurance])  # fmt: skip
            fills.append(palette.RAG_TINTS[r.rag])
    first = ws.max_row + 2
    _table(ws, "summary", headers, rows)
    for i, fill in enumerate(fills):
        for column in (8, headers.index("Status") + 1):
            ws.cell(first + i, column).fill = PatternFill("solid", fgColor=fill.lstrip("#"))
    _widths(ws, [45, 30, 12, 12, 12, 12, 24, 40, 24, 18, 30, 8, 28, 14, 10, 10, 10, 10, 12, 10, 16, 14])


def _table(
    ws: Worksheet, name: str, headers: list[str], rows: Sequence[Sequence[object]], *, dates: bool = False
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
    if dates:
        for row in ws.iter_rows(min_row=top + 1, max_row=ws.max_row, min_col=2, max_col=3):
            for cell in row:
                cell.number_format = "yyyy-mm-dd"


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
