"""The ledger (cscperf.loading.ledger) in an export, so that `cscperf unload` works in the store it is
imported into, whichever engine either store is.

An export holds the ledger in a PostgreSQL store's form (`schema.ledger_tables`: one table for each staged
table, one for the SSDA903 episodes' details, one for the files; every row with its council's `la_code`).
A PostgreSQL store's ledger is in that form already. A DuckDB store's is the schema `cscperf_ledger`, made
as loads needed it, in the scratch tables' shapes (the 903 details without `la_code`): it is written out in
that form (each row given its load's council; rows of loads that did not complete left out) and read back
into it.
"""

from __future__ import annotations

import pyarrow as pa

from cscperf.store.connection import Connection
from cscperf.store.schema import LEDGER_903_DETAILS, LEDGER_FILES, Table, ledger_name, load_schema
from cscperf.store.statements import run

DUCKDB_LEDGER = "cscperf_ledger"
DUCKDB_FILES = "cscperf_files"
DUCKDB_903_DETAILS = "cscperf_903_episode_details"
COMPLETE = "SELECT load_id FROM cscperf_loads WHERE load_status = 'complete'"


def duckdb_name(table: Table) -> str:
    """The DuckDB ledger's table (schema-qualified) for a ledger table of the export."""
    if table.name == LEDGER_FILES:
        return f"{DUCKDB_LEDGER}.{DUCKDB_FILES}"
    if table.name == LEDGER_903_DETAILS:
        return f"{DUCKDB_LEDGER}.{DUCKDB_903_DETAILS}"
    for stored in load_schema().tables:
        if ledger_name(f"cscperf_staged_{stored.name}") == table.name:
            return f"{DUCKDB_LEDGER}.cscperf_staged_{stored.name}"
    raise KeyError(table.name)


def _load_column(table: Table) -> str:
    """The column naming a ledger row's load: `_load_id` (the staged rows), `load_id` (the files), or, for the
    rejects, whichever is filled (a rejected record's row has its load in `load_id`, `_load_id` empty: joined on
    `_load_id` alone, a DuckDB store's export had left every reject out)."""
    names = table.column_names
    if "_load_id" in names and "load_id" in names:
        return "COALESCE(k._load_id, k.load_id)"
    return "k._load_id" if "_load_id" in names else "k.load_id"


def duckdb_export_sql(con: Connection, table: Table) -> str | None:
    """The rows of a DuckDB store's ledger for a ledger table of the export, or None if it has none."""
    name = duckdb_name(table)
    if not con.table_exists(name):
        return None
    schema_name, _, short = name.partition(".")
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
        [schema_name, short],
    ).fetchall()
    held = {str(r[0]) for r in rows}
    picks = ", ".join(f"k.{c}" if c in held else f"NULL AS {c}" for c in table.column_names if c != "la_code")
    files = f"{DUCKDB_LEDGER}.{DUCKDB_FILES}"
    if table.name == LEDGER_FILES:
        return f"SELECT k.la_code, {picks} FROM {files} k WHERE k.load_id IN ({COMPLETE})"
    column = _load_column(table)
    return (
        f"SELECT f.la_code, {picks} FROM {name} k JOIN {files} f ON f.load_id = {column} WHERE {column} IN ({COMPLETE})"
    )


def duckdb_import(con: Connection, table: Table, data: pa.Table) -> int:
    """Rows of a ledger table of the export into a DuckDB store's ledger, made in the scratch tables' shape."""
    if not data.num_rows:
        return 0
    name = duckdb_name(table)
    columns = [c for c in table.all_columns if not (table.name == LEDGER_903_DETAILS and c.name == "la_code")]
    run(con, f"CREATE SCHEMA IF NOT EXISTS {DUCKDB_LEDGER}")
    run(con, f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(f'{c.name} {c.type}' for c in columns)})")
    if table.name == LEDGER_903_DETAILS:
        data = data.drop_columns(["la_code"])
    return con.append(name, data)
