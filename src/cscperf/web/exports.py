"""Child-level downloads from the web service, through the project's one safe writer per format
(`cscperf.exports`): text a spreadsheet would run as a formula is stored as inert text, numbers and dates stay
numbers and dates, and every sheet says in its first row (and printed header) that it holds child identifiers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from cscperf.exports.csv_file import csv_text
from cscperf.exports.xlsx_file import CHILD_IDENTIFIERS, WORKER_IDENTIFIERS, Sheet, add_sheet, workbook_bytes

__all__ = ["CHILD_IDENTIFIERS", "WORKER_IDENTIFIERS", "csv_text", "workbook"]


def workbook(
    title: str,
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    *,
    banner: str = CHILD_IDENTIFIERS,
) -> bytes:
    """An .xlsx with one filterable sheet per (name, headings, rows), each marked as holding child identifiers
    (or, with `banner`, worker identifiers) and saying what it is (`title`)."""
    book = Workbook()
    for i, (name, headings, rows) in enumerate(sheets):
        add_sheet(book, Sheet(_sheet_name(name), headings, rows, banner=f"{banner} {title}"), first=i == 0)
    return workbook_bytes(book)


def _sheet_name(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\")
    return (cleaned or "Sheet")[:31]
