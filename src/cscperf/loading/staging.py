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

In a DuckDB store, a load command's rows are written once, straight into the ledger's tables (`ledger.py`,
what each file gave as read, kept so that a load can be undone), rather than staged and then copied there:
each scratch table is then a view of the ledger's rows of the command's own loads, made a table of its own
(`writable`) only if the merge is to change it (a record rejected as a duplicate, say, or the SSDA903
stitching). If the command fails, its rows are taken out of the ledger again (`forget_in_ledger`); if it is
killed, the next command takes them out (`ledger.forget_unfinished`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from cscperf.store.connection import DATABASE_ERRORS, Connection
from cscperf.store.dialect import SCRATCH_SCHEMA
from cscperf.store.ledger_transfer import DUCKDB_LEDGER
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
REJECTS = "cscperf_load_rejects"  # the problems: written while merging too, so never straight into the ledger


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
    """The scratch schema of one load command. `into_ledger`: a load command into a DuckDB store, whose rows
    are written straight into the ledger while files are read (see the module's description)."""

    def __init__(self, con: Connection, *, into_ledger: bool = False) -> None:
        self.con = con
        self.schema = load_schema()
        self.tables: set[str] = set()
        self._gathering = False
        self._gathered: dict[str, list[pa.Table]] = {}
        self.into_ledger = into_ledger and con.engine == "duckdb"
        self.in_ledger: set[str] = set()  # tables whose rows, as read, were written into the ledger
        self._views: set[str] = set()  # of those, the ones still seen through a view of the ledger
        self._load_ids: list[str] = []  # the loads whose rows are in the ledger, in the order they came
        self._loads_of: dict[str, list[str]] = {}  # of those, the loads with rows of each table (its view's)
        self._left_out: set[str] = set()  # of those, loads withdrawn from the merge (`leave_out`)
        self._made_in_ledger: list[str] = []  # ledger tables this command made (dropped again if it fails)
        self.checked: set[str] = set()  # views in which rules 1 and 2 of the merge reject nothing (merge.py)
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
        self.append_arrow(name, staged_rows(self.schema.table(name), rows))

    def append_arrow(self, name: str, data: pa.Table) -> None:
        """Add an Arrow table (the store table's columns, then the staging columns) to the staged table."""
        staged = staging_name(name)
        if name not in self.tables:
            if self.into_ledger and name != REJECTS:
                self._stage_in_ledger(name)
            else:
                run(self.con, f"DROP TABLE IF EXISTS {staged}")
                run(self.con, staged_table_sql(self.schema.table(name), staged))
            self.tables.add(name)
        if name in self._views:
            staged = ledger_table(name)
            loads = self._loads_of.setdefault(name, [])
            if data.num_rows and (load_id := str(data.column("_load_id")[0].as_py())) not in loads:
                loads.append(load_id)  # one load's rows come one file at a time
                if load_id not in self._load_ids:
                    self._load_ids.append(load_id)
                self._show(name)  # only this table's view: the others have no rows of this load
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
            target = ledger_table(name) if name in self._views else staging_name(name)
            self.con.append(target, pa.concat_tables(gathered))

    def _stage_in_ledger(self, name: str) -> None:
        """Rows of `name` written into the ledger's table for it (made if the ledger has none yet), and the
        scratch table a view of them."""
        kept = ledger_table(name)
        run(self.con, f"CREATE SCHEMA IF NOT EXISTS {DUCKDB_LEDGER}")
        if not self.con.table_exists(kept):
            run(self.con, staged_table_sql(self.schema.table(name), kept))
            self._made_in_ledger.append(kept)
        run(self.con, f"DROP TABLE IF EXISTS {staging_name(name)}")
        self.in_ledger.add(name)
        self._views.add(name)
        self._show(name)

    def _show(self, name: str) -> None:
        """The view of the ledger's rows of `name` that came from this command's loads."""
        run(self.con, f"CREATE OR REPLACE VIEW {staging_name(name)} AS SELECT * FROM {ledger_table(name)} "
                      f"WHERE _load_id IN ({self._ids(name)})")  # fmt: skip

    def _ids(self, name: str | None = None, *, every: bool = False) -> str:
        """This command's loads with rows in the ledger (of table `name`, if given), as SQL (the ids are
        cscperf's own); `every`: those left out of the merge too."""
        known = self._load_ids if name is None else self._loads_of.get(name, [])
        ids = [i for i in known if every or i not in self._left_out]
        return ", ".join("'" + i.replace("'", "''") + "'" for i in ids) or "NULL"

    def is_view(self, name: str) -> bool:
        """Whether the scratch table of `name` is a view of the ledger's rows (see `writable`)."""
        return name in self._views

    def leave_out(self, load_id: str) -> None:
        """A load withdrawn from the merge: its rows no longer seen through the views (its rows in the ledger
        are removed with the ledger's others, `ledger.forget`)."""
        self._left_out.add(load_id)
        for name in sorted(self._views):
            if load_id in self._loads_of.get(name, []):
                self._show(name)

    def writable(self, name: str) -> None:
        """Make the scratch table of `name` a table of its own (no longer a view of the ledger's rows), before
        the merge changes it, so that the ledger keeps the rows as read. Nothing to do for any other."""
        if name not in self._views:
            return
        run(self.con, f"DROP VIEW {staging_name(name)}")
        run(self.con, f"CREATE TABLE {staging_name(name)} AS SELECT * FROM {ledger_table(name)} "
                      f"WHERE _load_id IN ({self._ids(name)})")  # fmt: skip
        self._views.discard(name)

    def forget_in_ledger(self) -> None:
        """Take this command's rows out of the ledger again, and the ledger tables it made (a command that
        failed). On a failure of the store itself this may fail too; the next command does it then."""
        with contextlib.suppress(*DATABASE_ERRORS):
            for name in sorted(self.in_ledger):
                run(self.con, f"DELETE FROM {ledger_table(name)} WHERE _load_id IN ({self._ids(every=True)})")
            for kept in self._made_in_ledger:
                run(self.con, f"DROP TABLE IF EXISTS {kept}")
        self.in_ledger.clear()
        self._views.clear()
        self._made_in_ledger.clear()

    def close(self) -> None:
        """Drop the scratch tables (on DuckDB, the scratch schema and everything in it)."""
        with contextlib.suppress(*DATABASE_ERRORS):
            if self.con.engine == "duckdb":
                run(self.con, f"DROP SCHEMA IF EXISTS {STAGING_CATALOG} CASCADE")
            else:
                for name in scratch_tables(self.con):
                    run(self.con, f"DROP TABLE IF EXISTS {STAGING_CATALOG}.{name}")
        self.tables.clear()


def staged_rows(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (dicts of column values plus the staging columns) as an Arrow table of the staged table's columns;
    a JSON field given as data is written as its text."""
    schema = arrow_schema(table)
    columns: dict[str, list[Any]] = {f.name: [] for f in schema}
    json_columns = {c.name for c in table.all_columns if c.type == "JSON"}
    for row in rows:
        for col_name, values in columns.items():
            value = row.get(col_name)
            if col_name in json_columns and value is not None and not isinstance(value, str):
                value = json.dumps(value, default=str)
            values.append(value)
    return pa.table(columns, schema=schema)


def ledger_table(table: str) -> str:
    """The ledger's table (DuckDB) for the rows a store table was given, e.g.
    cscperf_ledger.cscperf_staged_ssd_person."""
    return f"{DUCKDB_LEDGER}.cscperf_staged_{table}"


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
