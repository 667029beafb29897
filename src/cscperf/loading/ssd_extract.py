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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cscperf.loading import councils, parquet_rows, ssd_extract_sql
from cscperf.loading.coverage_record import DATES
from cscperf.loading.csv_table import CsvRows, csv_rows, duplicate_columns
from cscperf.loading.date_checks import DatedField, flag_late_dates
from cscperf.loading.encoding import as_utf8_head, decode_head
from cscperf.loading.file_load import FileLoad
from cscperf.loading.oversight_records import EXTENSION_TABLES, EXTRA_COLUMNS, codes_read, extension_rows
from cscperf.loading.problems import Problem, wrong_field_count
from cscperf.loading.source_format import SourceFormat
from cscperf.loading.values import (
    BadValue,
    read_date,
    read_flag,
    read_json,
    read_number,
    read_text,
    read_whole_number,
)
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
    or None. A file with a few columns of the council's own beside a table's (most of its columns the table's,
    its identifier among them) is that table's: its own columns are left out, each said once
    (`unknown_columns`), as the SSDA903 loader does, not the whole file skipped."""
    wanted = {c.strip().lower() for c in columns if c.strip()} - {"la_code"}
    if not wanted:
        return None
    candidates = [
        t
        for t in load_schema().tables
        if (t.origin == "ssd" or t.name in EXTENSION_TABLES) and set(t.primary_key) <= wanted
    ]
    exact = [t for t in candidates if not _unknown(t, wanted)]
    if exact:
        return exact[0] if len(exact) == 1 else None
    scored = sorted(((len(wanted) - len(_unknown(t, wanted)), t.name, t) for t in candidates), reverse=True)
    if not scored:
        return None
    known, _, best = scored[0]
    unique = len(scored) == 1 or scored[1][0] < known
    return best if unique and known >= 2 and known > len(wanted) - known else None


def _unknown(table: Table, wanted: set[str]) -> set[str]:
    return wanted - set(EXTRA_COLUMNS.get(table.name, ())) - {c.lower() for c in table.column_names}


def unknown_columns(table: Table, columns: list[str]) -> list[str]:
    """The columns of a file that are not the table's (nor la_code, nor an oversight record's), as written."""
    unknown = _unknown(table, {c.strip().lower() for c in columns if c.strip()} - {"la_code"})
    return [c for c in columns if c.strip().lower() in unknown]


def _first_line(head: bytes) -> str | None:
    text = decode_head(head)
    lines = text.lstrip("\ufeff").splitlines() if text is not None else []
    return lines[0] if lines else None


def _dialect(first: str) -> type[csv.Dialect]:
    return csv.excel_tab if first.count("\t") > first.count(",") else csv.excel


def _csv_header(head: bytes) -> list[str] | None:
    first = _first_line(head)
    if first is None or ("," not in first and "\t" not in first):
        return None
    try:
        return next(csv.reader(io.StringIO(first), _dialect(first)))
    except (csv.Error, StopIteration):
        return None


def recognise_csv(path: Path, head: bytes) -> bool:
    if head.lstrip().startswith(b"<"):
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
            if not _council_of_row(load, table, raw, value, location):
                return
            continue
        try:
            row[column.name] = read_json(value) if column.type == "JSON" else READERS[column.type](value)
        except BadValue as exc:
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


def _council_of_row(load: FileLoad, table: Table, raw: dict[str, Any], value: object, location: str) -> bool:
    """A row's la_code: the first names the extract's council; a row naming another, or a code that is no
    council's, is rejected (False)."""
    problem: str | None
    try:
        council = read_text(value)
    except BadValue as exc:
        council, problem = None, str(exc)
    else:
        problem = None if council is None else councils.code_problem(council)
    said = load.details.get("council_in_file")
    if council is None and problem is None:
        return True
    if problem is None and said is None:
        assert council is not None
        councils.named_in_file(load, council, location, "la_code")
        return True
    if problem is None and council == said:
        return True
    message = (
        f"la_code: {problem}; the row cannot be placed in a council."
        if problem is not None
        else f"la_code {council} is not the council this extract is for ({said}, from its first row); load each "
        "council's extract on its own."
    )
    rule = "LA code not valid" if problem is not None else "another council"
    shown = None if council is None else council[:200]
    load.reject(Problem(location, rule, message, "fatal", table.name, "la_code", shown,
                        {k: None if v is None else str(v) for k, v in raw.items()}))  # fmt: skip
    return False


def read_csv_table(path: Path, load: FileLoad) -> None:
    with path.open("rb") as handle:
        first = _first_line(as_utf8_head(handle.read(65_536))) or ""
    with csv_rows(path, load, _dialect(first)) as rows:
        names = [name.lstrip("\ufeff") for name in rows.header() or []]
        table = table_for_columns(names)
        if table is None:
            load.fail("is not an SSD table extract.")
        load.details["ssd_table"] = table.name
        _refuse_duplicate_columns(load, table, names)
        _say_unknown_columns(load, table, names)
        delimiter = "\t" if _dialect(first) is csv.excel_tab else ","
        count = ssd_extract_sql.read_rows(load, table, path, names, delimiter, _record)
        if count is None:  # a file DuckDB and the csv module might read differently: row by row
            count = _read_rows(load, table, rows, names)
    if count == 0:
        load.fail("has a header but no records.")


def _say_unknown_columns(load: FileLoad, table: Table, names: list[str]) -> None:
    """A column of the council's own is left out with a warning; one that is a misspelling of a column of the
    table the file does not have (`pers_dobb`, `cppl_cp_plan_start_dt`: at most two letters apart) stops the
    load, which would otherwise leave that field empty in every record."""
    given = {n.strip().lower() for n in names}
    missing = [c.name for c in table.all_columns if c.name.lower() not in given and c.name != "la_code"]
    for name in unknown_columns(table, names):
        meant = next((m for m in missing if _misspelt(name.strip().lower(), m.lower())), None)
        if meant is not None:
            load.fail(f"has a column {name[:100]!r}, which is not part of the SSD table {table.name}: is it {meant}, "
                      "misspelt? Correct the header and load the file again.")  # fmt: skip
        load.flag(
            Problem(
                load.where(1),
                "extra column ignored",
                f"Column {name[:100]} is not part of the SSD table {table.name}; it was not loaded.",
                "warning",
                table.name,
                name[:100],
            )
        )


def _misspelt(written: str, column: str) -> bool:
    """Whether `written` is `column` with at most two letters added, dropped or changed, in the part after their
    common prefix ("dobb" for "dob", "dt" for "date"; not "type" for "team", nor "source" for "source_code")."""
    common = next((i for i, (x, y) in enumerate(zip(written, column, strict=False)) if x != y),
                  min(len(written), len(column)))  # fmt: skip
    a, b = written[common:], column[common:]
    if len(a) + len(b) > 8 or not (a or b):
        return False
    return _edits(a, b) <= 2


def _edits(a: str, b: str) -> int:
    """Letters to add, drop or change to make `a` into `b` (Levenshtein), for a few letters."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def _refuse_duplicate_columns(load: FileLoad, table: Table, names: list[str]) -> None:
    columns = {c.name.lower(): c.name for c in table.all_columns}
    twice = duplicate_columns(names, lambda name: columns.get(name.strip().lower()))
    if twice is not None:
        load.fail(twice)


def _read_rows(load: FileLoad, table: Table, rows: CsvRows, names: list[str]) -> int:
    count = 0
    for values in rows:
        if not any(v.strip() for v in values):
            continue
        count += 1
        location = load.where(rows.line)
        if len(values) != len(names):
            load.reject(wrong_field_count(location, values, names, table.name))
            continue
        _record(load, table, dict(zip(names, values, strict=True)), location)
    return count


def read_parquet_table(path: Path, load: FileLoad) -> None:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:
        load.fail(f"is not a readable Parquet file ({str(exc).splitlines()[0]}).")
    names = list(parquet.schema_arrow.names)
    table = table_for_columns(names)
    if table is None:
        load.fail("is not an SSD table extract.")
    load.details["ssd_table"] = table.name
    if twice := parquet_rows.refuse_duplicates(names):
        load.fail(twice)
    _say_unknown_columns(load, table, names)
    number = 0
    try:
        for record in parquet_rows.rows(parquet):
            number += 1
            _record(load, table, record, f"{path.name} row {number}")
    except parquet_rows.DamagedParquet as exc:
        load.fail(f"is a damaged Parquet file: after row {number:,}, {exc}.")
    if number == 0:
        load.fail("has no records.")


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
