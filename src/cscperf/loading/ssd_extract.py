"""SSD extracts: one CSV or Parquet file per Standard Safeguarding Dataset table, loaded as they are.

A file is recognised as an SSD table when its columns are columns of exactly one SSD table and include
that table's identifier (the file name is not used). Values are read to the column's type; a value that
cannot be read (a date that is not a date, say) rejects the record, which is kept as read.

Two of cscperf's extension tables load the same way (a CSV or Parquet file with their columns), and a few
columns a council may add to its SSD tables for what the SSD lacks become rows of them: a visit's missed
reason (`cppv_cp_visit_missed_reason`, `clav_cla_visit_missed_reason`) and a CP plan's senior-manager review
and legal planning meeting (`cppl_cp_plan_senior_review_date`/`_outcome`,
`cppl_cp_plan_legal_planning_date`/`_outcome`). See docs/lists.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cscperf.loading.coverage_record import DATES
from cscperf.loading.date_checks import DatedField, flag_late_dates
from cscperf.loading.file_load import FileLoad
from cscperf.loading.oversight_records import EXTENSION_TABLES, EXTRA_COLUMNS, codes_read, extension_rows
from cscperf.loading.problems import Problem
from cscperf.loading.source_format import SourceFormat
from cscperf.loading.values import BadValue, read_date, read_flag, read_number, read_text, read_whole_number
from cscperf.store.schema import Table, load_schema

if TYPE_CHECKING:
    from cscperf.loading.merge import StagedLoads

READERS: dict[str, Callable[[object], Any]] = {
    "DATE": read_date,
    "TIMESTAMP": read_text,
    "INTEGER": read_whole_number,
    "BIGINT": read_whole_number,
    "DOUBLE": read_number,
    "BOOLEAN": read_flag,
    "VARCHAR": read_text,
    "BLOB": read_text,
}


def table_for_columns(columns: list[str]) -> Table | None:
    """The one SSD (or loadable extension) table these columns belong to (with its identifier among them),
    or None."""
    wanted = {c.strip().lower() for c in columns if c.strip()} - {"la_code"}
    if not wanted:
        return None
    matches = [
        t
        for t in load_schema().tables
        if (t.origin == "ssd" or t.name in EXTENSION_TABLES)
        and wanted - set(EXTRA_COLUMNS.get(t.name, ())) <= {c.lower() for c in t.column_names}
        and set(t.primary_key) <= wanted
    ]
    return matches[0] if len(matches) == 1 else None


def _csv_header(head: bytes) -> list[str] | None:
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("latin-1")
    first = text.splitlines()[0] if text.splitlines() else ""
    if "," not in first and "\t" not in first:
        return None
    dialect = csv.excel_tab if first.count("\t") > first.count(",") else csv.excel
    return next(csv.reader(io.StringIO(first), dialect))


def recognise_csv(path: Path, head: bytes) -> bool:
    if b"\x00" in head[:4096] or head.lstrip().startswith(b"<"):
        return False
    header = _csv_header(head)
    return header is not None and table_for_columns(header) is not None


def recognise_parquet(path: Path, head: bytes) -> bool:
    if not head.startswith(b"PAR1"):
        return False
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception:  # a damaged Parquet file is reported by read(), not here
        return False
    return table_for_columns(names) is not None


def _record(load: FileLoad, table: Table, raw: dict[str, Any], location: str) -> None:
    row: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    columns = {c.name.lower(): c for c in table.all_columns}
    for name, value in raw.items():
        column = columns.get(name.strip().lower())
        if column is None:
            if name.strip().lower() in EXTRA_COLUMNS.get(table.name, ()):
                extra[name.strip().lower()] = value
            continue
        if column.name == "la_code":
            council = read_text(value)
            if council is not None and load.la_code is None:
                load.la_code = council  # the extract says which council it is from
            elif council is not None and council != load.la_code:
                load.reject(Problem(location, "another council",
                                    f"la_code {council} is not the council being loaded ({load.la_code}); load each "
                                    "council's rows with its own --la.", "fatal", table.name, "la_code", council,
                                    {k: None if v is None else str(v) for k, v in raw.items()}))  # fmt: skip
                return
            continue
        try:
            if column.type == "JSON":
                text = read_text(value)
                row[column.name] = None if text is None else json.dumps(json.loads(text))
            else:
                row[column.name] = READERS[column.type](value)
        except (BadValue, json.JSONDecodeError) as exc:
            load.reject(
                Problem(
                    location,
                    f"{column.type.lower()} not valid",
                    f"{column.name}: {exc}",
                    "fatal",
                    table.name,
                    column.name,
                    None if value is None else str(value)[:200],
                    {k: None if v is None else str(v) for k, v in raw.items()},
                )
            )
            return
    if not codes_read(load, table, row, raw, location):
        return
    load.add(table.name, row, location)
    if extra:
        extension_rows(load, table.name, row, extra, location)


def read_csv_table(path: Path, load: FileLoad) -> None:
    with path.open("rb") as handle:
        head = handle.read(65_536)
    header = _csv_header(head)
    table = table_for_columns(header or [])
    if header is None or table is None:
        load.fail("is not an SSD table extract.")
    load.details["ssd_table"] = table.name
    first = head.decode("utf-8-sig", errors="replace").splitlines()[0]
    dialect = csv.excel_tab if first.count("\t") > first.count(",") else csv.excel
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, dialect)
        names = next(reader)
        try:
            rows = _read_rows(load, table, reader, names)
        except csv.Error as exc:
            load.fail(f"is not a readable CSV file (line {reader.line_num}: {exc}).")
    if rows == 0:
        load.fail("has a header but no records.")


def _read_rows(load: FileLoad, table: Table, reader: Any, names: list[str]) -> int:
    rows = 0
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows += 1
        location = load.where(reader.line_num)
        if len(values) != len(names):
            load.reject(
                Problem(
                    location,
                    "wrong number of fields",
                    f"The line has {len(values)} fields; the header has {len(names)}.",
                    "fatal",
                    table.name,
                    None,
                    None,
                    {"line": ",".join(values)[:2000]},
                )
            )
            continue
        _record(load, table, dict(zip(names, values, strict=True)), location)
    return rows


def read_parquet_table(path: Path, load: FileLoad) -> None:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:
        load.fail(f"is not a readable Parquet file ({str(exc).splitlines()[0]}).")
    table = table_for_columns(parquet.schema_arrow.names)
    if table is None:
        load.fail("is not an SSD table extract.")
    load.details["ssd_table"] = table.name
    number = 0
    for record in _parquet_rows(parquet):
        number += 1
        _record(load, table, record, f"{path.name} row {number}")
    if number == 0:
        load.fail("has no records.")


def _parquet_rows(parquet: Any) -> Iterator[dict[str, Any]]:
    for batch in parquet.iter_batches(batch_size=10_000):
        yield from batch.to_pylist()


EXTRACT_DATES = tuple(
    DatedField(table, column, column) for table, columns in DATES.items() for column in columns if column is not None
)


def flag_future_dates(staged: StagedLoads) -> None:
    """An extract has no collection year; an event dated after today is a warning, with its row."""
    flag_late_dates(staged, "ssd_extract", EXTRACT_DATES, year_end=False)


FORMATS = (
    SourceFormat("ssd_extract", "SSD extract table (CSV)", recognise_csv, read_csv_table, flag_future_dates),
    SourceFormat(
        "ssd_extract", "SSD extract table (Parquet)", recognise_parquet, read_parquet_table, flag_future_dates
    ),
)
