"""Rows on their way into the store: staged per target table, in chunks, in scratch tables. In a DuckDB
store they are in the scratch schema `cscperf_staging` of the store file; each chunk is committed there as
it comes, so DuckDB keeps it on disk and memory does not grow with the size of the file. In a PostgreSQL
store they are the session's temporary tables, written with COPY (so concurrent loads never meet, and a
killed load leaves nothing). The store's own tables are not touched until every file has been read; then
one transaction merges the staged rows into them, and the scratch tables are dropped. A load that was
killed leaves only scratch tables in a DuckDB file, which the next load drops first.

Staged rows carry the load they came from, that load's collection year and position, their own running
number and their location in the file, so duplicates can be reported where they were and a later return
can replace what an earlier one said about the same record.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from cscperf.store.connection import DATABASE_ERRORS, Connection
from cscperf.store.dialect import SCRATCH_SCHEMA
from cscperf.store.schema import Table, load_schema
from cscperf.store.statements import run

ROW_GROUP_ROWS = 122_880
"""DuckDB's row group: an append of at least this many rows is written into the file as it is, once."""
STAGING_COLUMNS = ("_load_id", "_load_seq", "_collection_year", "_row_seq", "_location")
ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "BLOB": pa.binary(),
    "JSON": pa.string(),
}


STAGING_CATALOG = SCRATCH_SCHEMA  # a schema of the store file, for scratch tables only (temporary on PostgreSQL)


def staging_name(table: str) -> str:
    """The staged table for a store table, e.g. cscperf_staging.cscperf_staged_ssd_person."""
    return f"{STAGING_CATALOG}.cscperf_staged_{table}"


def data_schema(table: Table) -> pa.Schema:
    """The Arrow schema of a store table's own columns."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in table.all_columns])


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema of a staged table: the store table's columns, then the staging columns."""
    fields = list(data_schema(table))
    fields += [
        pa.field("_load_id", pa.string()),
        pa.field("_load_seq", pa.int32()),
        pa.field("_collection_year", pa.int32()),
        pa.field("_row_seq", pa.int64()),
        pa.field("_location", pa.string()),
    ]
    return pa.schema(fields)


class Staging:
    """The scratch schema of one load command."""

    def __init__(self, con: Connection) -> None:
        self.con = con
        self.schema = load_schema()
        self.tables: set[str] = set()
        self._gathering = False
        self._gathered: dict[str, list[pa.Table]] = {}
        if con.engine == "duckdb":
            run(con, f"DROP SCHEMA IF EXISTS {STAGING_CATALOG} CASCADE")  # left by a load that was killed
            run(con, f"CREATE SCHEMA {STAGING_CATALOG}")

    @contextlib.contextmanager
    def gathering(self) -> Iterator[None]:
        """While files are read into a DuckDB store: each table's rows gathered (as Arrow) until they fill a
        row group, then appended at once. DuckDB writes an append that small into its write-ahead log, then
        again into the file at the next checkpoint; a full row group it writes into the file once. (Staging a
        CIN Census chunk by chunk took a fifth of its load.) Memory stays flat: at most a row group of each
        table is held. What is gathered is staged when the block ends, and dropped if it fails. On
        PostgreSQL, rows are staged as they come (COPY into the session's temporary tables)."""
        self._gathering = self.con.engine == "duckdb"
        try:
            yield
            for name in list(self._gathered):
                self._append_gathered(name)
        finally:
            self._gathering = False
            self._gathered.clear()

    def table(self, name: str) -> Table:
        return self.schema.table(name)

    def append(self, name: str, rows: list[dict[str, Any]] | pa.Table) -> None:
        """Add rows (dicts of column values plus the staging columns, or an Arrow table of them in the staged
        table's order) to the staged table for `name`."""
        if isinstance(rows, pa.Table):
            self.append_arrow(name, rows)
            return
        if not rows:
            return
        table = self.schema.table(name)
        schema = arrow_schema(table)
        columns: dict[str, list[Any]] = {f.name: [] for f in schema}
        json_columns = {c.name for c in table.all_columns if c.type == "JSON"}
        for row in rows:
            for col_name, values in columns.items():
                value = row.get(col_name)
                if col_name in json_columns and value is not None and not isinstance(value, str):
                    value = json.dumps(value, default=str)
                values.append(value)
        self.append_arrow(name, pa.table(columns, schema=schema))

    def append_arrow(self, name: str, data: pa.Table) -> None:
        """Add an Arrow table (the store table's columns, then the staging columns) to the staged table."""
        staged = staging_name(name)
        if name not in self.tables:
            run(self.con, f"DROP TABLE IF EXISTS {staged}")
            run(self.con, staged_table_sql(self.schema.table(name), staged))
            self.tables.add(name)
        if not self._gathering:
            self.con.append(staged, data)
            return
        gathered = self._gathered.setdefault(name, [])
        if gathered and gathered[0].schema != data.schema:
            self._append_gathered(name)
            gathered = self._gathered.setdefault(name, [])
        gathered.append(data)
        if sum(part.num_rows for part in gathered) >= ROW_GROUP_ROWS:
            self._append_gathered(name)

    def _append_gathered(self, name: str) -> None:
        gathered = self._gathered.pop(name, [])
        if gathered:
            self.con.append(staging_name(name), pa.concat_tables(gathered))

    def close(self) -> None:
        """Drop the scratch tables (on DuckDB, the scratch schema and everything in it)."""
        with contextlib.suppress(*DATABASE_ERRORS):
            if self.con.engine == "duckdb":
                run(self.con, f"DROP SCHEMA IF EXISTS {STAGING_CATALOG} CASCADE")
            else:
                for name in scratch_tables(self.con):
                    run(self.con, f"DROP TABLE IF EXISTS {STAGING_CATALOG}.{name}")
        self.tables.clear()


def staged_table_sql(table: Table, staged: str) -> str:
    """The staged table of a store table: its columns (no key: duplicates are found, not refused) and the
    staging columns."""
    columns = [f"{c.name} {'VARCHAR' if c.type == 'JSON' else c.type}" for c in table.all_columns]
    columns += ["_load_id VARCHAR", "_load_seq INTEGER", "_collection_year INTEGER", "_row_seq BIGINT",
                "_location VARCHAR"]  # fmt: skip
    return f"CREATE TABLE {staged} ({', '.join(columns)})"


def scratch_tables(con: Connection) -> list[str]:
    """The scratch tables of this session on a PostgreSQL store (those made by a load)."""
    rows = con.execute_as_written(
        "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() "
        "AND c.relkind = 'r' AND (c.relname LIKE 'cscperf\\_staged\\_%' OR c.relname LIKE 'cscperf\\_903%')"
    ).fetchall()
    return [str(r[0]) for r in rows]
