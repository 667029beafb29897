"""Read field values as councils send them: dates in several spellings, yes/no flags, whole numbers, codes.

Each reader returns the value, or raises `BadValue` with a plain-English reason the loader turns into a
problem with the file, field and location.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

EXCEL_EPOCH = dt.date(1899, 12, 30)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: .*)?$")
LARGEST_WHOLE_NUMBER = 2**31 - 1  # the store's INTEGER columns; no count in children's social care comes near
_TRUE = {"1", "true", "t", "y", "yes"}
_FALSE = {"0", "false", "f", "n", "no"}


class BadValue(ValueError):
    """A value that cannot be read as what the field needs."""


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def read_date(value: object) -> dt.date | None:
    """ISO (2022-03-31, with or without a time), UK (31/03/2022), Excel serial numbers, or date objects."""
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise BadValue(f"{value} is not a date")
    text = str(value).strip()
    for pattern, order in ((_ISO, (0, 1, 2)), (_UK, (2, 1, 0))):
        m = pattern.match(text)
        if m:
            parts = [int(g) for g in m.groups()]
            try:
                return dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                raise BadValue(f"{text} is not a real date") from None
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
    try:
        number = float(text)
    except ValueError:
        raise BadValue(f"{text} is not a whole number") from None
    if not number.is_integer():
        raise BadValue(f"{text} is not a whole number")
    if not -LARGEST_WHOLE_NUMBER <= number <= LARGEST_WHOLE_NUMBER:
        raise BadValue(f"{text} is too large to be a count or a score")
    return int(number)


def read_number(value: object) -> float | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue(f"{value} is not a number")
    try:
        return float(str(value).strip())
    except ValueError:
        raise BadValue(f"{value} is not a number") from None


def read_text(value: object) -> str | None:
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_code(value: object, allowed: Collection[str]) -> str | None:
    """A code from a code list; an unknown code raises BadValue (loaders usually keep it with a warning)."""
    text = read_text(value)
    if text is None:
        return None
    if text not in allowed and text.upper() not in allowed:
        raise BadValue(f"{text} is not a known code")
    return text if text in allowed else text.upper()
