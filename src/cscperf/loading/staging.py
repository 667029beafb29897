"""Rows on their way into the store: staged per target table, in chunks, in the scratch schema
`cscperf_staging` of the store file. Each chunk is committed there as it comes, so DuckDB keeps it on disk
and memory does not grow with the size of the file. The store's own tables (schema `main`) are not touched
until every file has been read; then one transaction merges the staged rows into them, and the scratch
schema is dropped. A load that was killed leaves only scratch tables, which the next load drops first.

Staged rows carry the load they came from, that load's collection year and position, their own running
number and their location in the file, so duplicates can be reported where they were and a later return
can replace what an earlier one said about the same record.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import duckdb
import pyarrow as pa

from cscperf.store.schema import Table, load_schema
from cscperf.store.statements import run

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


STAGING_CATALOG = "cscperf_staging"  # a schema of the store file, for scratch tables only


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

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.schema = load_schema()
        self.tables: set[str] = set()
        run(con, f"DROP SCHEMA IF EXISTS {STAGING_CATALOG} CASCADE")  # left by a load that was killed
        run(con, f"CREATE SCHEMA {STAGING_CATALOG}")

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
        self.con.register("cscperf_arrow_chunk", data)
        try:
            if name not in self.tables:
                run(self.con, f"CREATE OR REPLACE TABLE {staged} AS SELECT * FROM cscperf_arrow_chunk")
                self.tables.add(name)
            else:
                run(self.con, f"INSERT INTO {staged} SELECT * FROM cscperf_arrow_chunk")
        finally:
            self.con.unregister("cscperf_arrow_chunk")

    def close(self) -> None:
        """Drop the scratch schema and everything in it."""
        with contextlib.suppress(duckdb.Error):
            run(self.con, f"DROP SCHEMA IF EXISTS {STAGING_CATALOG} CASCADE")
        self.tables.clear()
