"""What each field of the store can hold, checked for every record any loader stages (`FileLoad.add`), after
the format's own reading has checked what it knows about its fields.

- Text holds no control characters (a NUL, a bell, an escape): they are never typed into a case system, and
  they break the files and screens the data goes on to.
- An identifier (a record's key, or the child it is about) is not one of the words spreadsheets and pandas
  write for a missing or impossible value ("nan", "inf", "None", "NULL", "<NA>", "NaT").
- A number is finite; counts, distances and FTEs are not below 0; a worker's FTE is at most 1 (the DfE's
  definition) and an SDQ score 0 to 40.
- A date lies in the years a record can hold (values.EARLIEST_DATE to values.LATEST_DATE).

A record whose identifier fails is rejected (kept as read, with the reason); any other field that fails is
left empty and the record loaded, with an error saying which field and why. Either way the location is the
record's, as the loader gave it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cscperf.loading.problems import Problem
from cscperf.loading.values import EARLIEST_DATE, LARGEST_WHOLE_NUMBER, LATEST_DATE
from cscperf.store.schema import load_schema

RULE = "value not possible"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MISSING_WORDS = frozenset({"nan", "-nan", "inf", "-inf", "+inf", "infinity", "-infinity", "none", "null", "<na>",
                           "nat", "undefined", "#n/a", "n/a"})  # fmt: skip
# (lowest, highest) a numeric field can hold, beyond being finite.
RANGES: dict[str, tuple[float, float]] = {
    "prof_full_time_equivalency": (0, 1),
    "sdq_score": (0, 40),
}
NOT_NEGATIVE = 0.0


@dataclass(frozen=True)
class FieldRule:
    column: str
    type: str
    identifying: bool  # the record's key, or the child it is about: failing it rejects the record


@cache
def _rules(table: str) -> dict[str, FieldRule]:
    spec = load_schema().table(table)
    keys = set(spec.primary_key)
    return {
        c.name: FieldRule(c.name, c.type, c.name in keys or c.name.endswith("_person_id")) for c in spec.all_columns
    }


def why_not(rule: FieldRule, value: Any) -> str | None:
    """Why the field cannot hold the value, or None if it can."""
    if isinstance(value, str):
        control = CONTROL.search(value)
        if control:
            return f"it holds a control character ({control.group()!r}), which no field can"
        if rule.identifying and value.strip().lower() in MISSING_WORDS:
            return f"{value!r} is what a spreadsheet or pandas writes for a missing value, not an identifier"
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _number(rule.column, value)
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            return f"{day.isoformat()} is not a date a record can hold (the years 1900 to 2099)"
    return None


def _number(column: str, value: float) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a number a field can hold"
    if abs(value) > LARGEST_WHOLE_NUMBER:
        return f"{value} is too large for the field"
    low, high = RANGES.get(column, (NOT_NEGATIVE, math.inf))
    if value < low:
        return f"{value} is below {low:g}, which {column} cannot be"
    if value > high:
        return f"{value} is above {high:g}, which {column} cannot be"
    return None


def checked_problems(table: str, row: dict[str, Any], location: str) -> tuple[list[Problem], dict[str, Any] | None]:
    """The problems with the row's fields, and the row with every field it cannot hold left empty (each an
    error), or None when its identifier cannot be held (the record is then rejected: one fatal problem)."""
    rules = _rules(table)
    emptied: dict[str, Any] | None = None
    problems: list[Problem] = []
    for column, value in row.items():
        if value is None:
            continue
        rule = rules.get(column)
        reason = why_not(rule, value) if rule is not None else None
        if reason is None:
            continue
        assert rule is not None
        shown = str(value)[:200]
        if rule.identifying:
            problems.append(
                Problem(location, RULE, f"{column}: {reason}; the record cannot be stored.", "fatal", table, column,
                        shown, {k: None if v is None else str(v) for k, v in row.items()})
            )  # fmt: skip
            return problems, None
        problems.append(Problem(location, RULE, f"{column}: {reason}; left empty.", "error", table, column, shown))
        emptied = emptied if emptied is not None else dict(row)
        emptied[column] = None
    return problems, row if emptied is None else emptied


# ------------------------------------------------------------------------------------------ set-based
_CONTROL_RE2 = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
# Any identifier holding one of the missing-value words anywhere, in any case (a superset of those that fail).
_MISSING_RE2 = "(?i)nan|inf|none|null|<na>|nat|undefined|n/a"
_FIRST_DAY = dt.datetime.combine(EARLIEST_DATE, dt.time())
_AFTER_LAST_DAY = dt.datetime.combine(LATEST_DATE + dt.timedelta(days=1), dt.time())


def suspect_rows(table: str, data: pa.Table) -> list[int]:
    """The rows of a chunk (an Arrow table of the store table's columns) that may hold a value their field
    cannot: every row `checked_problems` would find a problem in, and perhaps a few more. Checked over whole
    columns at once, so a clean chunk costs no Python work per row."""
    rules = _rules(table)
    hit: pa.ChunkedArray | pa.Array | None = None
    for name in data.column_names:
        rule = rules.get(name)
        if rule is None:
            continue
        column = data.column(name)
        if column.null_count == len(column):
            continue
        kind = column.type
        found: Any = None
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            found = pc.match_substring_regex(column, _CONTROL_RE2)
            if rule.identifying:
                found = pc.or_(found, pc.match_substring_regex(column, _MISSING_RE2))
        elif pa.types.is_date32(kind):
            found = pc.or_(pc.less(column, EARLIEST_DATE), pc.greater(column, LATEST_DATE))
        elif pa.types.is_timestamp(kind):
            found = pc.or_(pc.less(column, _FIRST_DAY), pc.greater_equal(column, _AFTER_LAST_DAY))
        elif pa.types.is_integer(kind) or pa.types.is_floating(kind):
            low, high = RANGES.get(name, (NOT_NEGATIVE, math.inf))
            low, high = max(low, -LARGEST_WHOLE_NUMBER), min(high, LARGEST_WHOLE_NUMBER)
            found = pc.or_(pc.less(column, low), pc.greater(column, high))
            if pa.types.is_floating(kind):
                found = pc.or_(found, pc.invert(pc.is_finite(column)))
        if found is not None:
            found = pc.fill_null(found, False)
            hit = found if hit is None else pc.or_(hit, found)
    if hit is None or not pc.any(hit).as_py():
        return []
    return [int(i) for i in pc.indices_nonzero(hit).to_pylist()]
