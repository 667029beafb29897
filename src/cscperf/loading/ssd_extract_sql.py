"""An SSD extract's CSV table checked set-based, a batch of records at a time, rather than value by value.

Each batch (text, from `csv_batches`) is turned into the store table's types with Arrow's compute functions
over whole columns: a record whose every value reads plainly (a date written 2024-03-31 or 31/03/2024 and
possible, a whole number written as one, a yes/no flag, JSON that parses, no space or control character at
either end, nothing a field cannot hold: `field_checks.suspect_rows`) is staged as it is, with its line. Every
other record goes, in the order of the file, through the same row-by-row reading as before
(`ssd_extract._record`), which rejects or flags it with the reason: the set-based path only ever takes
records that reading would load unchanged and without a problem, so the store and the rejects are the same
either way (tests/test_load_set_based.py compares the two).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cscperf.loading import csv_batches
from cscperf.loading.field_checks import suspect_rows
from cscperf.loading.file_load import FileLoad
from cscperf.loading.oversight_records import CODE_COLUMNS, EXTRA_COLUMNS
from cscperf.loading.staging import ARROW_TYPES, data_schema
from cscperf.loading.values import EARLIEST_DATE, LATEST_DATE, BadValue, read_json
from cscperf.store.schema import Table

Record = Callable[[FileLoad, Table, dict[str, Any], str], None]

# Python's str.strip() takes these from either end; a value starting or ending with one is read row by row.
_SPACE = (
    "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}"
    "\\x{205f}\\x{3000}"
)
ENDS_WITH_SPACE = f"^[{_SPACE}]|[{_SPACE}]$"
_ISO = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_UK = "^[0-9]{2}/[0-9]{2}/[0-9]{4}$"
_WHOLE = "^-?[0-9]{1,9}$"
_NUMBER = "^-?[0-9]{1,15}(\\.[0-9]{1,15})?$"
_READ_HERE = frozenset({"VARCHAR", "DATE", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN", "JSON"})
_FLAGS = {"1": True, "true": True, "t": True, "y": True, "yes": True,
          "0": False, "false": False, "f": False, "n": False, "no": False}  # fmt: skip


def read_rows(load: FileLoad, table: Table, path: Path, names: list[str], delimiter: str, record: Record) -> int | None:
    """Read the file's records after its header (set-based where it can); the records counted, or None when
    the file must be read row by row instead (nothing has been read then)."""
    columns = {c.name.lower(): c for c in table.all_columns}
    keys = [name.strip().lower() for name in names]
    if (
        "la_code" in keys
        or any(k in EXTRA_COLUMNS.get(table.name, ()) for k in keys)
        or any(c in CODE_COLUMNS for c in columns)
        or any(c.type not in _READ_HERE for c in table.all_columns)
    ):
        return None
    codec = {"UTF-8": "utf-8", "UTF-8 with a byte-order mark": "utf-8-sig"}.get(str(load.details.get("encoding")))
    stream = csv_batches.batches(path, codec or "", len(names), delimiter)
    if stream is None:
        return None
    count = 0
    line = 1
    for batch in stream:
        count += _batch(load, table, batch, names, keys, columns, line, record)
        line += batch.num_rows
    load.row_seq_at(line + 1)
    return count


def _batch(
    load: FileLoad,
    table: Table,
    batch: pa.RecordBatch,
    names: list[str],
    keys: list[str],
    columns: dict[str, Any],
    line: int,
    record: Record,
) -> int:
    n = batch.num_rows
    texts = [batch.column(i) for i in range(len(names))]
    blank = pc.is_null(texts[0])
    odd = pc.fill_null(pc.match_substring_regex(texts[0], ENDS_WITH_SPACE), False)
    for text in texts[1:]:
        blank = pc.and_(blank, pc.is_null(text))
        odd = pc.or_(odd, pc.fill_null(pc.match_substring_regex(text, ENDS_WITH_SPACE), False))
    typed: dict[str, pa.Array] = {}
    for index, key in enumerate(keys):
        column = columns.get(key)
        if column is None:
            continue
        value, bad = _typed(column.type, texts[index])
        typed[column.name] = value
        odd = pc.or_(odd, pc.fill_null(bad, False))
    data = pa.table(
        {c.name: typed.get(c.name, pa.nulls(n, ARROW_TYPES[c.type])) for c in table.all_columns},
        schema=data_schema(table),
    )
    plain = pc.invert(pc.or_(odd, blank))  # the records staged as they are
    clean = pc.indices_nonzero(plain)
    data = data.take(clean)
    suspects = suspect_rows(table.name, data)
    if suspects:  # a value a field cannot hold: read row by row, which says so
        gone = set(suspects)
        keep = pa.array([i not in gone for i in range(len(clean))], pa.bool_())
        data = data.filter(keep)
        left = set(pc.filter(clean, pc.invert(keep)).to_pylist())
        plain = pa.array([p and i not in left for i, p in enumerate(plain.to_pylist())], pa.bool_())
        clean = pc.indices_nonzero(plain)
    seqs = pc.add(pc.cast(clean, pa.int64()), line + 1)  # a record's line
    load.add_arrow(table.name, data, seqs, pc.binary_join_element_wise(load.where(), pc.cast(seqs, pa.string()), ":"))
    others: list[int] = pc.indices_nonzero(pc.invert(pc.or_(plain, blank))).to_pylist()
    count = len(clean)
    where = load.where
    if others:
        values = [t.take(pa.array(others, pa.int64())).to_pylist() for t in texts]
        for position, i in enumerate(others):
            raw = [v[position] or "" for v in values]
            if not any(v.strip() for v in raw):
                continue
            count += 1
            load.row_seq_at(line + 1 + i)
            record(load, table, dict(zip(names, raw, strict=True)), where(line + 1 + i))
    return count


def _typed(kind: str, text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The column read as its type, and which values did not read plainly (null where the text is null)."""
    if kind == "VARCHAR":
        return text, pa.nulls(len(text), pa.bool_())
    if kind == "DATE":
        day = pc.coalesce(_date_written(text, _ISO, "%Y-%m-%d"), _date_written(text, _UK, "%d/%m/%Y"))
        ok = pc.and_(pc.greater_equal(day, EARLIEST_DATE), pc.less_equal(day, LATEST_DATE))
        return day, pc.and_(pc.is_valid(text), pc.invert(pc.fill_null(ok, False)))
    if kind in ("INTEGER", "BIGINT"):
        ok = pc.match_substring_regex(text, _WHOLE)
        number = pc.cast(pc.if_else(ok, text, None), pa.int64())
        return pc.cast(number, ARROW_TYPES[kind]), pc.invert(ok)
    if kind == "DOUBLE":
        ok = pc.match_substring_regex(text, _NUMBER)
        return pc.cast(pc.if_else(ok, text, None), pa.float64()), pc.invert(ok)
    if kind == "BOOLEAN":
        lower = pc.utf8_lower(text)
        ok = pc.is_in(lower, value_set=pa.array(list(_FLAGS)))
        flag = pc.is_in(lower, value_set=pa.array([k for k, v in _FLAGS.items() if v]))
        return pc.if_else(ok, flag, None), pc.invert(ok)
    if kind == "JSON":  # each distinct text parsed once (an extract repeats a few shapes of flags many times)
        read: dict[str, str | None] = {}
        for value in pc.unique(text).to_pylist():
            if value is None:
                continue
            try:
                read[value] = read_json(value)
            except BadValue:
                read[value] = None
        texts = list(read)
        position = pc.index_in(text, value_set=pa.array(texts, pa.string()))
        out = pc.take(pa.array(list(read.values()), pa.string()), position)
        return out, pc.and_(pc.is_valid(text), pc.is_null(out))
    return text, pc.is_valid(text)  # a type not read here: every value row by row


def _date_written(text: pa.Array, pattern: str, spelling: str) -> pa.Array:
    """The dates written exactly in one spelling (a date that does not exist, 30 February, is null: Arrow's
    parser would roll it over to 1 March, so each date is written back and compared with the text)."""
    matches = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    if not pc.any(matches).as_py():  # an extract writes its dates one way: the other finds none
        return pa.nulls(len(text), pa.date32())
    parsed = pc.strptime(pc.if_else(matches, text, None), format=spelling, unit="s", error_is_null=True)
    same = pc.fill_null(pc.equal(pc.strftime(parsed, format=spelling), text), False)
    return pc.cast(pc.if_else(same, parsed, None), pa.date32())
