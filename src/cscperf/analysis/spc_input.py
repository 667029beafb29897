"""A series an analyst brings, read from CSV text (a date column and a value column) for `cscperf spc`, with a
plain message for everything that can be wrong with it: missing columns, dates or values that are not dates or
numbers, the same date twice, no rows.

Dates may be written 2024-03-31, 31/03/2024 or 2024-03 (a month: its first day); a time after the date (as
spreadsheets export it) is ignored. Values are numbers, optionally with thousands separators (1,234) or a
percent sign (93%); an empty value is a period with no figure, which the analysis skips. Rows may come in any
order; they are sorted by date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass

from cscperf.errors import DataProblem

MAX_PROBLEMS = 5
"""Problems listed in one message; the rest are counted."""

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Series:
    dates: list[dt.date]
    values: list[float | None]
    decimals: int  # the most decimal places any value is written with (to show figures as they came)


def parse_date(text: str) -> dt.date | None:
    """A date written YYYY-MM-DD (with or without a time after it), DD/MM/YYYY or YYYY-MM; None otherwise."""
    text = text.strip()
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else _other_date(text)
    except ValueError:
        return None


def _other_date(text: str) -> dt.date | None:
    if m := _UK_DATE.match(text):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    if m := _MONTH.match(text):
        return dt.date(int(m[1]), int(m[2]), 1)
    return None


def parse_value(text: str) -> tuple[float | None, int] | None:
    """A value and the decimal places it is written with; (None, 0) for an empty cell; None if not a number."""
    text = text.strip().removesuffix("%").strip()
    if not text:
        return None, 0
    if not _NUMBER.match(text) or text in ("+", "-", "."):
        return None
    value = float(text.replace(",", ""))
    if not math.isfinite(value):
        return None
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return value, decimals


def _column(header: list[str], wanted: str, option: str, name: str) -> int:
    for i, found in enumerate(header):
        if found.strip() == wanted:
            return i
    for i, found in enumerate(header):
        if found.strip().lower() == wanted.lower():
            return i
    shown = ", ".join(repr(h.strip()) for h in header[:12]) + (", ..." if len(header) > 12 else "")
    raise DataProblem(f"{name} has no column {wanted!r}; its columns are {shown}. Name the column to use "
                      f"with {option}.")  # fmt: skip


def _delimiter(text: str) -> str:
    """Commas between columns, or semicolons or tabs if the header line uses them instead."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    return next((d for d in (",", ";", "\t") if d in first), ",")


def read_series(text: str, *, name: str, date_column: str = "date", value_column: str = "value") -> Series:
    """The series in CSV `text` (from the file called `name`), sorted by date."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise DataProblem(f"{name} is empty: it needs a header line (e.g. date,value) and a row a period.")
        d, v = (
            _column(header, date_column, "--date-column", name),
            _column(header, value_column, "--value-column", name),
        )
        rows: list[tuple[int, dt.date, float | None, int]] = []
        problems: list[str] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            date_text = row[d] if d < len(row) else ""
            value_text = row[v] if v < len(row) else ""
            day = parse_date(date_text)
            parsed = parse_value(value_text)
            if day is None:
                problems.append(f"line {line}: {date_text.strip()!r} is not a date (write 2024-03-31 or 31/03/2024)")
            if parsed is None:
                problems.append(f"line {line}: {value_text.strip()!r} is not a number")
            if day is not None and parsed is not None:
                rows.append((line, day, parsed[0], parsed[1]))
    except csv.Error as exc:
        raise DataProblem(f"{name} could not be read as CSV (line {reader.line_num}: {exc}).") from None
    problems += _duplicates(rows)
    if problems:
        more = len(problems) - MAX_PROBLEMS
        listed = "; ".join(problems[:MAX_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
        raise DataProblem(f"{name} has problems: {listed}.")
    if not rows:
        raise DataProblem(f"{name} has a header but no rows: add a row a period (date and value).")
    rows.sort(key=lambda r: r[1])
    return Series([r[1] for r in rows], [r[2] for r in rows], max(r[3] for r in rows))


def _duplicates(rows: list[tuple[int, dt.date, float | None, int]]) -> list[str]:
    first_seen: dict[dt.date, int] = {}
    problems = []
    for line, day, _, _ in rows:
        if day in first_seen:
            problems.append(f"lines {first_seen[day]} and {line} both have the date {day.isoformat()}")
        else:
            first_seen[day] = line
    return problems
