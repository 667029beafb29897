"""What each loaded file gave, kept in the store so that a load can be undone (`cscperf unload`).

The store's tables hold each record once, merged field by field from every file that described it (the
later return winning), so they cannot say what one file gave. The ledger can: for every load that completed,
the rows its file gave each table exactly as read (before the merge rules), the problems found while reading
it, and what its reading found out (its council, year, and the details its format's hooks need), in the
schema `cscperf_ledger` of the store, beside the scratch schema `cscperf_staging` and in the same shape.
Undoing a load replays the council's other loads from the ledger into an emptied council, as one load
command would (the merge rules make the result the same whatever order the files came in), so the store is
left as if the undone file had never been loaded.

The ledger holds the same child-level data as the store, and roughly doubles its size on disk. Rows are
copied in after reading and before the merge's transaction (so memory does not grow with the load); rows of
a load that did not complete (refused, withdrawn, every record rejected, the process killed) are removed in
that transaction, or by the next command.

A PostgreSQL store keeps no ledger yet (its rows would need the row-level security of the council they came
from), so `cscperf unload` is refused there; see docs/postgresql.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cscperf.loading.file_load import FileLoad
from cscperf.loading.staging import STAGING_CATALOG, Staging
from cscperf.store.connection import Connection
from cscperf.store.statements import run, scalar

LEDGER = "cscperf_ledger"
FILES = f"{LEDGER}.cscperf_files"
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


def _tables(con: Connection, schema: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", [schema]
    ).fetchall()
    return [str(r[0]) for r in rows]


def _id_column(short: str) -> str:
    """The column naming the load a kept row came from."""
    return (
        "_load_id" if short.startswith(STAGED_PREFIX) and short != f"{STAGED_PREFIX}cscperf_load_rejects" else "load_id"
    )


def ensure(con: Connection) -> None:
    run(con, f"CREATE SCHEMA IF NOT EXISTS {LEDGER}")
    run(con, f"CREATE TABLE IF NOT EXISTS {FILES} ({FILE_COLUMNS})")


def keep(con: Connection, loads: list[FileLoad]) -> None:
    """Copy what the command's files gave (every scratch table, as read) into the ledger."""
    if not loads or con.engine != "duckdb":  # see the module's description
        return
    ensure(con)
    base = int(str(scalar(con, f"SELECT COALESCE(max(load_order), 0) FROM {FILES}")))
    for short in _tables(con, STAGING_CATALOG):
        kept = f"{LEDGER}.{short}"
        run(con, f"CREATE TABLE IF NOT EXISTS {kept} AS SELECT * FROM {STAGING_CATALOG}.{short} LIMIT 0")
        run(con, f"INSERT INTO {kept} SELECT * FROM {STAGING_CATALOG}.{short}")
    for load in loads:
        run(con, f"INSERT INTO {FILES} VALUES (?, ?, ?, ?, ?, ?, ?)",
            [load.load_id, load.la_code, base + load.load_seq, str(load.path), load.kind, load.collection_year,
             json.dumps(load.details, default=str)])  # fmt: skip


def forget(con: Connection, load_ids: list[str]) -> None:
    """Remove what the loads gave from the ledger."""
    if not load_ids or LEDGER not in _schemas(con):
        return
    marks = ", ".join("?" for _ in load_ids)
    for short in _tables(con, LEDGER):
        column = "load_id" if f"{LEDGER}.{short}" == FILES else _id_column(short)
        run(con, f"DELETE FROM {LEDGER}.{short} WHERE {column} IN ({marks})", load_ids)


def forget_unfinished(con: Connection) -> None:
    """Remove what loads that never completed left in the ledger (a command that failed or was killed)."""
    if LEDGER not in _schemas(con):
        return
    complete = "SELECT load_id FROM cscperf_loads WHERE load_status = 'complete'"
    for short in _tables(con, LEDGER):
        column = "load_id" if f"{LEDGER}.{short}" == FILES else _id_column(short)
        run(con, f"DELETE FROM {LEDGER}.{short} WHERE {column} NOT IN ({complete})")


def kept_files(con: Connection, la_code: str) -> list[KeptFile]:
    """The council's loads the ledger holds, in the order they were loaded."""
    if LEDGER not in _schemas(con):
        return []
    rows = con.execute(
        f"SELECT load_id, la_code, load_order, source_file, load_kind, collection_year, details FROM {FILES} "
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
    for short in _tables(con, LEDGER):
        if f"{LEDGER}.{short}" == FILES:
            continue
        column = _id_column(short)
        target = f"{STAGING_CATALOG}.{short}"
        run(con, f"CREATE TABLE {target} AS SELECT * FROM {LEDGER}.{short} WHERE {column} IN ({marks})", ids)
        if column == "_load_id":
            run(con, f"UPDATE {target} SET _load_seq = CASE _load_id {positions} END")
        if short.startswith(STAGED_PREFIX) and scalar(con, f"SELECT count(*) FROM {target}"):
            staging.tables.add(short.removeprefix(STAGED_PREFIX))


def _schemas(con: Connection) -> set[str]:
    return {str(r[0]) for r in con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()}
