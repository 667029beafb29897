"""Read field values as councils send them: dates in several spellings, yes/no flags, whole numbers, codes.

Each reader returns the value, or raises `BadValue` with a plain-English reason the loader turns into a
problem with the file, field and location.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Collection

EXCEL_EPOCH = dt.date(1899, 12, 30)
# The dates a record of children's social care can hold: a grandparent's birth to the end of the century. A
# date outside them is a typing mistake or a system's placeholder (9999-12-31 for "no end date").
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: .*)?$")
LARGEST_WHOLE_NUMBER = 2**31 - 1  # the store's INTEGER columns; no count in children's social care comes near
_TRUE = {"1", "true", "t", "y", "yes"}
_FALSE = {"0", "false", "f", "n", "no"}


class BadValue(ValueError):
    """A value that cannot be read as what the field needs."""


def blank(value: object) -> bool:
    """Nothing there: None, empty text, or NaN (how pandas and Parquet files mark a missing number)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float) and math.isnan(value)


def possible_date(day: dt.date, text: object = None) -> dt.date:
    """The date, if a record can hold it (EARLIEST_DATE to LATEST_DATE); BadValue says why not."""
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return day
    shown = text if isinstance(text, str) and text.strip() else day.isoformat()
    if day.year >= 9999:
        raise BadValue(f"{shown} is a placeholder, not a date (case systems write it for 'no date'; leave it empty)")
    raise BadValue(f"{shown} is not a date a record can hold (the years 1900 to 2099)")


def read_date(value: object) -> dt.date | None:
    """ISO (2022-03-31, with or without a time), UK (31/03/2022), Excel serial numbers, or date objects."""
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return possible_date(value.date())
    if isinstance(value, dt.date):
        return possible_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return possible_date(EXCEL_EPOCH + dt.timedelta(days=int(value)))
        raise BadValue(f"{value} is not a date")
    text = str(value).strip()
    for pattern, order in ((_ISO, (0, 1, 2)), (_UK, (2, 1, 0))):
        m = pattern.match(text)
        if m:
            parts = [int(g) for g in m.groups()]
            try:
                day = dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                raise BadValue(f"{text} is not a real date") from None
            return possible_date(day, text)
    raise BadValue(f"{text} is not a date (expected YYYY-MM-DD or DD/MM/YYYY)")


def read_flag(value: object) -> bool | None:
    """Yes/no flags: 0/1, true/false, Y/N, yes/no, in any case."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue(f"{value} is not a yes/no value (expected 0/1, true/false or Y/N)")


def read_whole_number(value: object) -> int | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue(f"{value} is not a whole number")
    if isinstance(value, int):
        if not -LARGEST_WHOLE_NUMBER <= value <= LARGEST_WHOLE_NUMBER:
            raise BadValue(f"{value} is too large to be a count or a score")
        return value
    text = str(value).strip()
    if not isinstance(value, float) and not _NUMBER.match(text):
        raise BadValue(f"{text} is not a whole number")
    number = float(text)
    if not number.is_integer():
        raise BadValue(f"{text} is not a whole number")
    if not -LARGEST_WHOLE_NUMBER <= number <= LARGEST_WHOLE_NUMBER:
        raise BadValue(f"{text} is too large to be a count or a score")
    return int(number)


def read_count(value: object) -> int | None:
    """A whole number of things (cases, meetings, plans): 0 or more."""
    number = read_whole_number(value)
    if number is not None and number < 0:
        raise BadValue(f"{number} is below 0, and a count cannot be")
    return number


def read_number(value: object) -> float | None:
    """A number written plainly (12, 0.5, -3, 1e3); not NaN or infinity, which no field holds."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue(f"{value} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if not _NUMBER.match(text):
            raise BadValue(f"{text} is not a number")
        number = float(text)
    if not math.isfinite(number):
        raise BadValue(f"{value} is not a number a field can hold")
    return number


def read_text(value: object) -> str | None:
    """Text as it was written, trimmed. Bytes (a Parquet binary column) are read as UTF-8; a whole number
    stored as a float (9212044.0 from Excel) as the number."""
    if blank(value):
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise BadValue("binary data that is not text") from None
        return read_text(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadValue(f"{value} is not text")
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


_SURROGATE = re.compile("[\ud800-\udfff]")


def read_json(value: object) -> str | None:
    """JSON as the store keeps it: read, then written again (`json.dumps`: one space after each `:` and `,`, a
    repeated key once, with its last value, as PostgreSQL and Python read it). Refused with the reason: text
    that is not JSON, and JSON that reads differently or not at all on one of the store's engines - a NUL
    character (`\\u0000`: PostgreSQL cannot hold it), half of a surrogate pair (`\\ud800` alone: not a
    character) and a number written as NaN or Infinity or too large for a double (not JSON, or not read)."""
    text = read_text(value)
    if text is None:
        return None
    try:
        read = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadValue(str(exc)) from None
    except RecursionError:
        raise BadValue("nested too deeply to read") from None
    pending = [read]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending += list(item.keys()) + list(item.values())
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str) and "\x00" in item:
            raise BadValue("a NUL character (\\u0000), which a PostgreSQL store cannot hold")
        elif isinstance(item, str) and _SURROGATE.search(item):
            raise BadValue("half of a surrogate pair (such as \\ud800 alone), which is not a character")
        elif isinstance(item, float) and not math.isfinite(item):
            raise BadValue("a number written as NaN or Infinity, or too large to read")
    return json.dumps(read)


def read_code(value: object, allowed: Collection[str]) -> str | None:
    """A code from a code list; an unknown code raises BadValue (loaders usually keep it with a warning)."""
    text = read_text(value)
    if text is None:
        return None
    if text not in allowed and text.upper() not in allowed:
        raise BadValue(f"{text} is not a known code")
    return text if text in allowed else text.upper()
