"""Open a cscperf store (a DuckDB file) and make sure its schema is in place.

Creating the schema is idempotent: opening a store that already has it changes nothing. A store made by
another schema version is refused with a clear message rather than silently used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from cscperf import __version__
from cscperf.errors import DataProblem
from cscperf.store.calendar_table import fill_calendar
from cscperf.store.schema import create_table_sql, load_schema
from cscperf.store.statements import run, scalar

DEFAULT_STORE = Path("cscperf.duckdb")


def open_store(path: Path | str = DEFAULT_STORE, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at `path` with its schema ready for use."""
    path = Path(path)
    if read_only and not path.exists():
        raise DataProblem(f"There is no store at {path}. Create one with `cscperf synth` or `cscperf load`.")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise DataProblem(f"{path} could not be opened as a cscperf store: {_first_line(exc)}") from None
    try:
        if read_only:
            check_schema(con)
        else:
            ensure_schema(con)
    except Exception:
        con.close()
        raise
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that is missing, record the schema version, fill the calendar. Idempotent."""
    schema = load_schema()
    existing = _existing_tables(con)
    if "cscperf_schema_info" in existing:
        check_schema(con)
        if all(t.name in existing for t in schema.tables) and _calendar_filled(con):
            return
    run(con, "BEGIN TRANSACTION")
    try:
        for table in schema.tables:
            run(con, create_table_sql(table))
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        for key, value in (
            ("schema_version", str(schema.version)),
            ("created_by", f"cscperf {__version__}"),
            ("created_at", now),
        ):
            run(
                con,
                "INSERT INTO cscperf_schema_info SELECT ?, ? WHERE NOT EXISTS "
                "(SELECT 1 FROM cscperf_schema_info WHERE info_key = ?)",
                [key, value, key],
            )
        if not _calendar_filled(con):
            fill_calendar(con)
        run(con, "COMMIT")
    except BaseException:
        run(con, "ROLLBACK")
        raise


def check_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a store whose schema version or columns differ from this cscperf's schema."""
    schema = load_schema()
    existing = _existing_tables(con)
    if "cscperf_schema_info" not in existing:
        if existing:
            raise DataProblem("This database is not a cscperf store (it has no cscperf_schema_info table).")
        raise DataProblem("This store is empty: create it with `cscperf synth` or `cscperf load`.")
    value = scalar(con, "SELECT info_value FROM cscperf_schema_info WHERE info_key = 'schema_version'")
    found = int(str(value)) if value is not None else None
    if found != schema.version:
        raise DataProblem(
            f"This store has schema version {found}, but this cscperf uses version {schema.version}. "
            "Rebuild the store with this version of cscperf (or use the version that made it)."
        )
    for table in schema.tables:
        if table.name not in existing:
            continue
        cols = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
                [table.name],
            ).fetchall()
        ]
        if cols != table.column_names:
            raise DataProblem(
                f"Table {table.name} in this store does not have the columns schema version "
                f"{schema.version} expects; the store was changed outside cscperf."
            )


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchall()
    return {r[0] for r in rows}


def _calendar_filled(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(scalar(con, "SELECT count(*) > 0 FROM cscperf_calendar"))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
