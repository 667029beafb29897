"""The rows of a Parquet file as Python values, column by column, without letting a value Python cannot hold
stop the file: a date or time outside Python's calendar (year 10,000 or before year 1, which Parquet's
integers can hold) becomes text saying so, which the field's reader then rejects with the row and column.
Columns named twice are refused before any row is read (one would overwrite the other).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from cscperf.loading.csv_table import duplicate_columns

BATCH_ROWS = 10_000
EPOCH = dt.date(1970, 1, 1)
EPOCH_TIME = dt.datetime(1970, 1, 1)
PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


class DamagedParquet(Exception):
    """The file cannot be read as Parquet part-way through (the reason is in the message)."""


def refuse_duplicates(names: list[str]) -> str | None:
    """Why the columns cannot be read, if two have the same name (any case)."""
    return duplicate_columns(names, lambda name: name.strip().lower() or None, "its schema")


def rows(parquet: Any) -> Iterator[dict[str, Any]]:
    """Each row as {column: value}."""
    names = list(parquet.schema_arrow.names)
    batches = parquet.iter_batches(batch_size=BATCH_ROWS)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (pa.ArrowException, OSError) as exc:
            raise DamagedParquet(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        columns = [python_values(batch.column(i)) for i in range(batch.num_columns)]
        for values in zip(*columns, strict=True):
            yield dict(zip(names, values, strict=True))


def python_values(array: Any) -> list[Any]:
    """One column's values as Python values (see the module's description)."""
    kind = array.type
    if pa.types.is_date32(kind):
        return [_day(n) for n in array.cast(pa.int32()).to_pylist()]
    if pa.types.is_date64(kind):
        return [None if n is None else _day(n // 86_400_000) for n in array.cast(pa.int64()).to_pylist()]
    if pa.types.is_timestamp(kind):
        per_second = PER_SECOND[kind.unit]
        return [_moment(n, per_second) for n in array.cast(pa.int64()).to_pylist()]
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:
            return list(array.to_pylist())
        except UnicodeDecodeError:  # text that is not UTF-8: its bytes, which the field's reader refuses
            return list(array.cast(pa.binary()).to_pylist())
    return list(array.to_pylist())


def _day(days: int | None) -> dt.date | str | None:
    if days is None:
        return None
    try:
        return EPOCH + dt.timedelta(days=days)
    except OverflowError:
        return f"a date {days:,} days from 1 January 1970, outside any calendar"


def _moment(ticks: int | None, per_second: int) -> dt.datetime | str | None:
    if ticks is None:
        return None
    try:
        return EPOCH_TIME + dt.timedelta(microseconds=ticks * 1_000_000 // per_second)
    except OverflowError:
        return f"a time {ticks:,} ticks from 1 January 1970, outside any calendar"
