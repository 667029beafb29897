"""Excel workbooks, every cell written safely: text is always text (never a formula, never an error code),
with Excel's quote prefix where it would read as a formula; numbers stay numbers; dates stay dates (with a
date format); control characters a workbook cannot hold are shown as escapes; nothing crashes on a value.

Two ways in: `write_xlsx` for a workbook of plain sheets (a header row, rows, a filterable table), and
`append_row` / `set_value` for workbooks laid out by hand (the report's `kpis.xlsx`). Every sheet can carry a
banner saying how it may be used ("Not for publication", "Holds child identifiers"), in its first row and in
its printed header.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from cscperf.exports.cells import plain_value, xlsx_text
from cscperf.exports.files import write_atomically

DATE_FORMAT = "yyyy-mm-dd"
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
BANNER_FONT = Font(bold=True, color="FFFFFF")
BANNER_FILL = PatternFill("solid", fgColor="B10E1E")  # dark red with white text: 7.0:1 contrast
HEADER_FONT = Font(bold=True)
STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)

CHILD_IDENTIFIERS = ("HOLDS CHILD IDENTIFIERS: special-category personal data for the service's own use. "
                     "Keep it secure; do not share or publish it.")  # fmt: skip
WORKER_IDENTIFIERS = ("HOLDS WORKER IDENTIFIERS: personal data about staff, for the service's own use. "
                      "Keep it secure; do not share or publish it.")  # fmt: skip
NOT_FOR_PUBLICATION = ("NOT FOR PUBLICATION: working figures for analysts, with small numbers shown in full. "
                       "Share the committee report instead, where small numbers are withheld.")  # fmt: skip


def set_value(cell: Cell, value: object) -> None:
    """The one place a cell's value is set: safe text, numbers, dates with a date format."""
    value = plain_value(value)
    if isinstance(value, str):
        text, quoted = xlsx_text(value)
        cell.value = text
        cell.data_type = "s"  # never a formula or an error code, whatever the text starts with
        if quoted:
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, dt.datetime):
        cell.number_format = DATE_TIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def append_row(ws: Worksheet, values: Iterable[object]) -> None:
    """Append a row of values to the sheet, each set by `set_value`."""
    cells = []
    for value in values:
        cell = Cell(ws)
        set_value(cell, value)
        cells.append(cell)
    ws.append(cells)


def mark_sheet(ws: Worksheet, banner: str) -> None:
    """Say how the sheet may be used: in its first row (append it before anything else) and in the header
    of every printed page."""
    append_row(ws, [banner])
    cell = ws.cell(ws.max_row, 1)
    cell.font = BANNER_FONT
    cell.fill = BANNER_FILL
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        header.center.text = _header_text(banner.split(":")[0])
        header.center.font = "Arial,Bold"


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # '&' starts a code in Excel's header language


def table_name(text: str) -> str:
    """A valid, unique-looking Excel table name from any text."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text) or "table"
    return name if name[0].isalpha() else "t_" + name


def add_table(ws: Worksheet, name: str, first_row: int, columns: int) -> None:
    """Make rows `first_row` (the header) to the sheet's last row a filterable Excel table."""
    if ws.max_row <= first_row:
        return  # a header with no rows: Excel refuses an empty table
    last = ws.cell(first_row, columns).column_letter
    ws.add_table(Table(displayName=table_name(name), ref=f"A{first_row}:{last}{ws.max_row}", tableStyleInfo=STYLE))


@dataclass
class Sheet:
    """A plain sheet: a header row, then rows, as a filterable table with the header frozen."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    banner: str | None = None
    widths: Sequence[int] = field(default_factory=tuple)


def add_sheet(book: Workbook, sheet: Sheet, *, first: bool = False) -> int:
    """Add the sheet to the workbook; the number of rows written."""
    ws = book.active if first and book.active is not None else book.create_sheet()
    assert isinstance(ws, Worksheet)
    ws.title = sheet.name[:31]
    if sheet.banner:
        mark_sheet(ws, sheet.banner)
    append_row(ws, sheet.header)
    top = ws.max_row
    for cell in ws[top]:
        cell.font = HEADER_FONT
    count = 0
    widest = [len(str(h)) for h in sheet.header]
    for row in sheet.rows:
        append_row(ws, row)
        if count < 500:
            widest = [max(w, _width(v)) for w, v in zip(widest, row, strict=False)] + widest[len(row) :]
        count += 1
    add_table(ws, sheet.name, top, len(sheet.header))
    ws.freeze_panes = ws.cell(top + 1, 1).coordinate
    widths = list(sheet.widths) or [min(max(w + 2, 9), 60) for w in widest]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(top, i).column_letter].width = width
    return count


def _width(value: object) -> int:
    if isinstance(value, dt.date):
        return 10
    return len(str(value)) if value is not None else 0


def workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(path: Path | str, sheets: Sequence[Sheet]) -> int:
    """Write a workbook of plain sheets, whole or not at all; the number of rows written."""
    book = Workbook()
    count = sum(add_sheet(book, sheet, first=i == 0) for i, sheet in enumerate(sheets))
    write_atomically(path, workbook_bytes(book))
    return count
