"""One cell's value as it may be written to a spreadsheet.

Formula injection: a spreadsheet program treats a cell that starts with `=`, `+`, `-` or `@` (and, in some,
a tab or carriage return) as a formula, so a child's id or a team's name such as `=HYPERLINK("http://…")`
would run when the file is opened. As OWASP's "CSV Injection" guidance describes, such text is made inert:
in CSV it is prefixed with an apostrophe; in Excel it is stored as text, never as a formula, and marked with
Excel's own quote prefix so that it stays text when edited. Numbers stay numbers (a negative number is a
number, not a formula), dates stay dates.

Control characters that a spreadsheet file cannot hold (NUL, bell, escape and the rest of C0 except tab,
line feed and carriage return) are written as visible `\\x07`-style escapes, so a rejected value keeps
what was wrong with it without breaking the file.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EXCEL_CELL_LIMIT = 32_767  # characters Excel holds in one cell

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | decimal.Decimal | None


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula (or a command). Plain numbers written as text,
    such as "-3" or "+44.5", are not: they cannot run anything."""
    return text.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(text)


def visible_controls(text: str) -> str:
    """Control characters a file cannot hold, written as `\\x07` so they can be seen."""
    return UNWRITABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


DOCUMENT_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # line and page breaks Word pastes
DOCUMENT_UNWRITABLE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")


def document_text(text: str) -> str:
    """Text for a document (Word, PDF, HTML) that its XML can hold: the line and page breaks a paste from
    Word brings (vertical tab, form feed) as new lines, other control characters removed."""
    return DOCUMENT_UNWRITABLE.sub("", DOCUMENT_BREAKS.sub("\n", text))


def plain_value(value: object) -> Cell:
    """A value of a type a spreadsheet holds: numbers, booleans, dates and times as they are (a time zone
    converted to UTC, as spreadsheets have none), anything else as text; infinities and NaN as text."""
    if value is None or isinstance(value, bool | int | decimal.Decimal | dt.time):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return str(value)


def csv_cell(value: object) -> object:
    """A value for a CSV file: text made inert and printable; numbers as numbers; dates in ISO form."""
    value = plain_value(value)
    if isinstance(value, str):
        text = visible_controls(value)
        return "'" + text if is_formula_like(text) else text
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    return value


def xlsx_text(text: str) -> tuple[str, bool]:
    """Text for an Excel cell, and whether it must carry the quote prefix (it would read as a formula). Over
    Excel's limit for a cell, the text is cut with a note saying so."""
    text = visible_controls(text)
    if len(text) > EXCEL_CELL_LIMIT:
        note = f" ... (cut: {len(text):,} characters, more than a cell holds)"
        text = text[: EXCEL_CELL_LIMIT - len(note)] + note
    return text, is_formula_like(text)
