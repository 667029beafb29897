"""What each loaded file gave, kept in the store so that a load can be undone (`cscperf unload`).

The store's tables hold each record once, merged field by field from every file that described it (the
later return winning), so they cannot say what one file gave. The ledger can: for every load that completed,
the rows its file gave each table exactly as read (before the merge rules), the problems found while reading
it, and what its reading found out (its council, year, and the details its format's hooks need), in the
same shape as the scratch tables. Undoing a load replays the council's other loads from the ledger into an
emptied council, as one load command would (the merge rules make the result the same whatever order the
files came in), so the store is left as if the undone file had never been loaded.

The ledger holds the same child-level data as the store, and roughly doubles its size on disk.

- In a DuckDB file it is the schema `cscperf_ledger`, beside the scratch schema `cscperf_staging`, its
  tables made as loads need them. A load command writes the rows it reads straight into it (`staging.py`),
  and copies in what else it staged after reading, before the merge's transaction (so memory does not grow
  with the load); rows of a load that did not complete (refused, withdrawn, every
  record rejected, the process killed) are removed in that transaction, or by the next command.
- In a PostgreSQL store it is the tables `cscperf_ledger_*` the schema makes (`store.schema.ledger_tables`),
  every row with its council's `la_code`, under the same row-level security as the council's records: a
  council's role sees and changes only its own council's. Rows are copied in inside the load's transaction,
  after the council's lock (so concurrent loads never meet, and a load that fails leaves none).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cscperf.loading.file_load import FileLoad
from cscperf.loading.ssda903_tables import DETAILS_NAME
from cscperf.loading.staging import STAGING_CATALOG, Staging, scratch_tables
from cscperf.store import ledger_transfer
from cscperf.store.connection import Connection
from cscperf.store.ledger_transfer import DUCKDB_LEDGER
from cscperf.store.schema import LEDGER_903_DETAILS, LEDGER_FILES, ledger_name, ledger_tables, load_schema
from cscperf.store.statements import run, scalar

LEDGER = DUCKDB_LEDGER
DUCKDB_FILES = f"{LEDGER}.{ledger_transfer.DUCKDB_FILES}"
STAGED_PREFIX = "cscperf_staged_"
FILE_COLUMNS = "load_id VARCHAR, la_code VARCHAR, load_order BIGINT, source_file VARCHAR, load_kind VARCHAR, " \
               "collection_year INTEGER, details VARCHAR"  # fmt: skip


@dataclass(frozen=True)
class KeptFile:
    """One load as its reading left it."""

    load_id: str
    la_code: str
    load_order: int
    source_file: str
    load_kind: str
    collection_year: int | None
    details: dict[str, Any]


def _files(con: Connection) -> str:
    return DUCKDB_FILES if con.engine == "duckdb" else LEDGER_FILES


def _tables(con: Connection, schema: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", [schema]
    ).fetchall()
    return [str(r[0]) for r in rows]


def kept_tables(con: Connection) -> dict[str, str]:
    """The ledger's tables of kept rows (not the files), by the scratch table whose rows each keeps."""
    if con.engine == "duckdb":
        if LEDGER not in _schemas(con):
            return {}
        return {short: f"{LEDGER}.{short}" for short in _tables(con, LEDGER) if f"{LEDGER}.{short}" != DUCKDB_FILES}
    schema = load_schema()
    out = {f"cscperf_staged_{t.name}": ledger_name(f"cscperf_staged_{t.name}") for t in schema.tables}
    out[DETAILS_NAME] = LEDGER_903_DETAILS
    on_server = {t.name for t in ledger_tables(schema)}
    return {short: name for short, name in out.items() if name in on_server}


def _id_column(short: str) -> str:
    """The column naming the load a kept row came from."""
    return (
        "_load_id" if short.startswith(STAGED_PREFIX) and short != f"{STAGED_PREFIX}cscperf_load_rejects" else "load_id"
    )


def _server_columns(short: str) -> list[str]:
    """A PostgreSQL ledger table's columns, as its scratch table has them (the 903 details have no la_code)."""
    table = next(t for t in ledger_tables(load_schema()) if t.name == ledger_name(short))
    return table.column_names[1:] if short == DETAILS_NAME else table.column_names


def ensure(con: Connection) -> None:
    run(con, f"CREATE SCHEMA IF NOT EXISTS {LEDGER}")
    run(con, f"CREATE TABLE IF NOT EXISTS {DUCKDB_FILES} ({FILE_COLUMNS})")


def keep(con: Connection, loads: list[FileLoad], staging: Staging | None = None) -> None:
    """Copy what the command's files gave (every scratch table, as read) into the ledger, but for the rows
    written there already as they were read (`Staging.in_ledger`). On PostgreSQL, inside the load's
    transaction, after the councils' locks (see the module's description)."""
    if not loads:
        return
    if con.engine == "duckdb":
        ensure(con)
        written = {f"{STAGED_PREFIX}{name}" for name in (staging.in_ledger if staging else ())}
        for short in _tables(con, STAGING_CATALOG):
            if short in written:
                continue
            kept = f"{LEDGER}.{short}"
            run(con, f"CREATE TABLE IF NOT EXISTS {kept} AS SELECT * FROM {STAGING_CATALOG}.{short} LIMIT 0")
            run(con, f"INSERT INTO {kept} SELECT * FROM {STAGING_CATALOG}.{short}")
    else:
        _keep_on_server(con, loads)
    base = int(str(scalar(con, f"SELECT COALESCE(max(load_order), 0) FROM {_files(con)}")))
    for load in loads:
        run(con, f"INSERT INTO {_files(con)} (load_id, la_code, load_order, source_file, load_kind, collection_year, "
                 "details) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [load.load_id, load.la_code, base + load.load_seq, str(load.path), load.kind, load.collection_year,
             json.dumps(load.details, default=str)])  # fmt: skip


def _keep_on_server(con: Connection, loads: list[FileLoad]) -> None:
    """Each scratch table's rows into its ledger table, every row with its load's council."""
    kept = kept_tables(con)
    for short in scratch_tables(con):
        if short not in kept:
            raise AssertionError(f"the ledger has no table for {short}")  # a defect: schema.ledger_tables
        columns = _server_columns(short)
        given = [c for c in columns if c != "la_code"]
        for load in loads:
            run(con, f"INSERT INTO {kept[short]} (la_code, {', '.join(given)}) SELECT ?, {', '.join(given)} "
                     f"FROM {STAGING_CATALOG}.{short} WHERE {_id_column(short)} = ?",
                [load.la_code, load.load_id])  # fmt: skip


def forget(con: Connection, load_ids: list[str]) -> None:
    """Remove what the loads gave from the ledger."""
    if not load_ids or (con.engine == "duckdb" and LEDGER not in _schemas(con)):
        return
    marks = ", ".join("?" for _ in load_ids)
    for short, kept in kept_tables(con).items():
        run(con, f"DELETE FROM {kept} WHERE {_id_column(short)} IN ({marks})", load_ids)
    run(con, f"DELETE FROM {_files(con)} WHERE load_id IN ({marks})", load_ids)


def forget_outside_transaction(con: Connection, load_ids: list[str]) -> None:
    """Remove what a DuckDB load command that failed kept before its transaction (the next command would
    otherwise, with `forget_unfinished`). A PostgreSQL store's ledger is written in the transaction."""
    if con.engine == "duckdb":
        forget(con, load_ids)


def forget_unfinished(con: Connection) -> None:
    """Remove what loads that never completed left in the ledger (a command that failed or was killed). A
    PostgreSQL store's ledger holds no such rows: they are written in the load's own transaction."""
    if con.engine != "duckdb" or LEDGER not in _schemas(con):
        return
    complete = "SELECT load_id FROM cscperf_loads WHERE load_status = 'complete'"
    for short in _tables(con, LEDGER):
        column = "load_id" if f"{LEDGER}.{short}" == DUCKDB_FILES else _id_column(short)
        run(con, f"DELETE FROM {LEDGER}.{short} WHERE {column} NOT IN ({complete})")


def kept_files(con: Connection, la_code: str) -> list[KeptFile]:
    """The council's loads the ledger holds, in the order they were loaded."""
    if con.engine == "duckdb" and LEDGER not in _schemas(con):
        return []
    rows = con.execute(
        f"SELECT load_id, la_code, load_order, source_file, load_kind, collection_year, details FROM {_files(con)} "
        "WHERE la_code = ? ORDER BY load_order",
        [la_code],
    ).fetchall()
    return [KeptFile(str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), r[5], json.loads(str(r[6]))) for r in rows]


def restore(con: Connection, staging: Staging, order: dict[str, int]) -> None:
    """Stage again what the loads (by id, with their new position in the command) gave, as if just read."""
    if not order:
        return
    ids = list(order)
    marks = ", ".join("?" for _ in ids)
    positions = " ".join(f"WHEN '{load_id}' THEN {seq}" for load_id, seq in order.items())  # ids are ours
    for short, kept in kept_tables(con).items():
        column = _id_column(short)
        target = f"{STAGING_CATALOG}.{short}"
        columns = "*" if con.engine == "duckdb" else ", ".join(_server_columns(short))
        run(con, f"DROP TABLE IF EXISTS {target}")
        run(con, f"CREATE TABLE {target} AS SELECT {columns} FROM {kept} WHERE {column} IN ({marks})", ids)
        if column == "_load_id":
            run(con, f"UPDATE {target} SET _load_seq = CASE _load_id {positions} END")
        if not scalar(con, f"SELECT count(*) FROM {target}"):
            run(con, f"DROP TABLE {target}")
            continue
        con.analyse(target)
        if short.startswith(STAGED_PREFIX):
            staging.tables.add(short.removeprefix(STAGED_PREFIX))


def _schemas(con: Connection) -> set[str]:
    return {str(r[0]) for r in con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()}
