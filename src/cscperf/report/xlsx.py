"""Every series in the report as Excel tables: a sheet about the report, the summary, the comparators, and one
sheet per section with each indicator's months (figure, numerator, denominator) as its own table."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from cscperf.report import palette
from cscperf.report.contents import PERFORMANCE_SECTIONS, ReportContent
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
    _about(about, content)
    _summary(wb.create_sheet("Summary"), content)
    compare = compare_rows(content)
    if compare:
        ws = wb.create_sheet("Comparators")
        ws.append(["How we compare: our latest figures beside the latest published figures"])
        ws["A1"].font = TITLE
        ws.append([])
        _table(ws, "comparators", compare_headers(content),
               [[r.measure, r.direction, r.ours, r.england, r.region, r.neighbours, r.year, r.quartile]
                for r in compare])  # fmt: skip
        ws.append([])
        ws.append([QUARTILE_NOTE])
        _widths(ws, [45, 30, 14, 12, 28, 24, 18, 12])
    for section_id, library_sections, title in PERFORMANCE_SECTIONS:
        ws = wb.create_sheet(SHEET_NAMES[section_id])
        ws.append([title])
        ws["A1"].font = TITLE
        ws.append(["Each table is one indicator, month by month: the figure as published (rounded as the DfE "
                   "rounds), and the numerator and denominator behind it."])  # fmt: skip
        for f in content.figures.values():
            if f.indicator.section not in library_sections:
                continue
            ind = f.indicator
            ws.append([])
            ws.append([f"{ind.title} ({ind.id})"])
            ws.cell(ws.max_row, 1).font = BOLD
            ws.append([f"{f.direction_words}. Unit: {ind.unit.replace('_', ' ')}; counts {ind.counts}."])
            rows = [[f"{p.period_end:%b %Y}", p.period_start, p.period_end, p.value, p.numerator, p.denominator]
                    for p in f.points]  # fmt: skip
            _table(
                ws,
                ind.id,
                ["Month", "Period start", "Period end", "Figure", "Numerator", "Denominator"],
                rows,
                dates=True,
            )
        _widths(ws, [14, 14, 14, 12, 12, 14])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _about(ws: Worksheet, content: ReportContent) -> None:
    ws.append([content.title])
    ws["A1"].font = TITLE
    for label, value in (("Council", f"{content.council_name} (DfE code {content.la_code})"),
                         ("Report to", content.committee), ("From", content.author),
                         ("Figures to", f"{content.as_at:%-d %B %Y}")):  # fmt: skip
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = BOLD
    ws.append([])
    ws.append(["Sheets: Summary (every measure, latest month, target and status); Comparators (England, region and "
               "statistical neighbours); one sheet per section with every series in the report."])  # fmt: skip
    ws.append(["Counts only: no child can be identified from this workbook."])
    _widths(ws, [16, 80])


def _summary(ws: Worksheet, content: ReportContent) -> None:
    ws.append([f"Summary of performance to {content.latest_month}"])
    ws["A1"].font = TITLE
    ws.append([])
    headers = [*summary_headers(content), "Section", "Chart"]
    rows = []
    fills = []
    for title, group in summary_groups(content):
        for r in group:
            rows.append([r.measure, r.direction, r.latest, r.previous, r.change, r.average, r.target,
                         f"{palette.RAG_LETTERS[r.rag]} - {r.status}", title, r.chart])  # fmt: skip
            fills.append(palette.RAG_TINTS[r.rag])
    first = ws.max_row + 2
    _table(ws, "summary", headers, rows)
    for i, fill in enumerate(fills):
        ws.cell(first + i, 8).fill = PatternFill("solid", fgColor=fill.lstrip("#"))
    _widths(ws, [45, 30, 16, 16, 18, 14, 30, 40, 40, 8])


def _table(
    ws: Worksheet, name: str, headers: list[str], rows: Sequence[Sequence[object]], *, dates: bool = False
) -> None:
    ws.append(headers)
    top = ws.max_row
    for cell in ws[top]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
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
