"""Child-level downloads (Excel), written safely: a text cell that a spreadsheet would run as a formula
(starting = + - @, a tab or a carriage return) is made inert with a leading apostrophe, as OWASP advises;
numbers and dates stay numbers and dates. Every sheet says the file holds child identifiers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WARNING = "This file holds child identifiers: keep it secure and delete it when done. Not for publication."


def inert(value: Any) -> Any:
    """A cell value safe to write: text that could be read as a formula gets a leading apostrophe."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or isinstance(value, int | float | dt.date | dt.datetime):
        return value
    return inert(str(value))


def workbook(title: str, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """An .xlsx with one filterable sheet per (name, headings, rows), each headed by the warning."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, headings, rows in sheets:
        sheet = book.create_sheet(_sheet_name(name))
        sheet.append([inert(title)])
        sheet.append([WARNING])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([inert(h) for h in headings])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([inert(v) for v in row])
        last = get_column_letter(max(1, len(headings)))
        sheet.auto_filter.ref = f"A3:{last}{max(3, len(rows) + 3)}"
        sheet.freeze_panes = "A4"
        for i, heading in enumerate(headings, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(heading)) + 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\")
    return (cleaned or "Sheet")[:31]
