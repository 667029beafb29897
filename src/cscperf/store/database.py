"""Open a cscperf store (a DuckDB file or a PostgreSQL database) and make sure its schema is what this
cscperf expects.

A store is created only in a new file or an empty database: a database holding anything else (another
application's tables, a council's own SSD tables) is refused untouched. Opening a store changes nothing in
it. A store of an older schema version is refused with the command that upgrades it (`cscperf db upgrade`,
see `cscperf.store.migrations`); one of a newer version, or one whose tables were changed outside cscperf,
is refused with a plain message. A DuckDB store records the DuckDB version that made it, and one made by
another major version of DuckDB is refused with the way to carry it over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cscperf import __version__
from cscperf.errors import DataProblem
from cscperf.store.calendar_table import fill_calendar
from cscperf.store.connection import DATABASE_ERRORS, Connection, connect, is_server_store
from cscperf.store.duckdb_connection import DuckDBConnection
from cscperf.store.schema import create_index_sql, create_table_sql, load_schema
from cscperf.store.statements import run, scalar

DEFAULT_STORE = Path("cscperf.duckdb")
INFO_TABLE = "cscperf_schema_info"


def open_store(db: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> Connection:
    """Open the store `db` names (a DuckDB file path or a `postgresql://` URL) with its schema checked. For
    writing, a new file or an empty database becomes a new store (`created` is then true)."""
    new_file = False
    if not is_server_store(db):
        path = Path(db)
        if read_only and not path.exists():
            raise DataProblem(f"There is no store at {path}. Create one with `cscperf synth` or `cscperf load`.")
        new_file = not path.exists()
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
    con = connect(db, read_only=read_only)
    try:
        if read_only:
            check_schema(con)
        else:
            ensure_schema(con)
    except BaseException:
        con.close()
        if new_file:
            _remove_duckdb_file(Path(db))
        raise
    return con


@contextlib.contextmanager
def writing_store(db: str | Path) -> Iterator[Connection]:
    """`open_store` for a command that writes. If the command fails and the store is one it created and
    still holds nothing, the store is removed again, so a failure leaves nothing behind."""
    con = open_store(db)
    try:
        yield con
    except BaseException:
        discard_if_new_and_empty(con)
        raise
    finally:
        with contextlib.suppress(*DATABASE_ERRORS):
            con.close()


def ensure_schema(con: Connection) -> None:
    """Create the store in a new file or an empty database; otherwise check it is a store of this schema.
    Refuses any other database untouched."""
    existing = existing_tables(con)
    if INFO_TABLE not in existing:
        if existing:
            shown = ", ".join(sorted(existing)[:3]) + (" ..." if len(existing) > 3 else "")
            raise DataProblem(
                f"{con.label} already holds tables that are not a cscperf store ({shown}). cscperf makes a store "
                "only in a new file or an empty database, and has changed nothing: choose another --db."
            )
        create_store(con)
        return
    check_schema(con)
    if not _calendar_filled(con):
        with con.transaction():
            fill_calendar(con)


def create_store(con: Connection) -> None:
    """Every table, the facts about the store and the calendar, in one transaction."""
    schema = load_schema()
    with con.transaction():
        for table in schema.tables_for(con.engine):
            con.execute_as_written(create_table_sql(table, con.engine)).fetchall()
            if con.engine == "postgresql":
                for index in create_index_sql(table):
                    con.execute_as_written(index).fetchall()
        record_info(con, {"schema_version": str(schema.version), "created_by": f"cscperf {__version__}",
                          "created_at": _now(), **engine_info(con)})  # fmt: skip
        fill_calendar(con)
        if con.engine == "postgresql":
            from cscperf.store.access import apply_access

            apply_access(con)
    con.created = True


def engine_info(con: Connection) -> dict[str, str]:
    """What the store records about the database engine that writes it."""
    if con.engine == "duckdb":
        return {"duckdb_version": duckdb.__version__}
    return {}


def record_info(con: Connection, facts: dict[str, str]) -> None:
    """Set facts in cscperf_schema_info (replacing any earlier value)."""
    for key, value in facts.items():
        run(con, f"DELETE FROM {INFO_TABLE} WHERE info_key = ?", [key])
        run(con, f"INSERT INTO {INFO_TABLE} (info_key, info_value) VALUES (?, ?)", [key, value])


@dataclass(frozen=True)
class StoreInfo:
    schema_version: int
    facts: dict[str, str]


def read_info(con: Connection) -> StoreInfo:
    """The store's recorded facts, its schema version read as a number (a store whose version is not a
    number was changed outside cscperf, and is refused)."""
    facts = {str(k): str(v) for k, v in con.execute(f"SELECT info_key, info_value FROM {INFO_TABLE}").fetchall()}
    text = facts.get("schema_version", "").strip()
    if not text.isdigit():
        shown = repr(text[:20]) if text else "missing"
        raise DataProblem(
            f"This store's schema version is {shown}, which no cscperf writes: the store was changed outside "
            "cscperf. Restore it from a backup, or make a new store and load the files again."
        )
    return StoreInfo(int(text), facts)


def check_schema(con: Connection) -> None:
    """Refuse a store this cscperf cannot use as it is: not a store, another schema version, another major
    version of DuckDB, or tables changed outside cscperf."""
    schema = load_schema()
    existing = existing_tables(con)
    if INFO_TABLE not in existing:
        if existing:
            raise DataProblem("This database is not a cscperf store (it has no cscperf_schema_info table).")
        raise DataProblem("This store is empty: create it with `cscperf db init`, `cscperf synth` or `cscperf load`.")
    info = read_info(con)
    check_engine_version(con, info)
    found = info.schema_version
    if found < schema.version:
        from cscperf.store.migrations import upgrade_refusal

        raise DataProblem(upgrade_refusal(con, found))
    if found > schema.version:
        raise DataProblem(
            f"This store has schema version {found}, made by a newer cscperf than this one (which uses version "
            f"{schema.version}). Use that cscperf (or a later one) with this store."
        )
    check_tables(con, existing)


def check_tables(con: Connection, existing: set[str]) -> None:
    """Every table of the schema is there with exactly its columns."""
    schema = load_schema()
    columns = all_columns(con)
    copies = jsonb_copies(con) if con.engine == "postgresql" else {}
    for table in schema.tables_for(con.engine):
        if table.name not in existing:
            raise DataProblem(
                f"Table {table.name} is missing from this store (schema version {schema.version}); the store was "
                "changed outside cscperf."
            )
        if columns.get(table.name) != table.column_names or (
            con.engine == "postgresql" and copies.get(table.name, []) != list(table.jsonb_copies)
        ):
            raise DataProblem(
                f"Table {table.name} in this store does not have the columns schema version "
                f"{schema.version} expects; the store was changed outside cscperf."
            )


def check_engine_version(con: Connection, info: StoreInfo) -> None:
    """A DuckDB store is used only by the major version of DuckDB that made it."""
    if con.engine != "duckdb":
        return
    made_by = info.facts.get("duckdb_version")
    if made_by is None or made_by.split(".")[0] == duckdb.__version__.split(".")[0]:
        return
    raise DataProblem(
        f"This store was made with DuckDB {made_by}, and this cscperf uses DuckDB {duckdb.__version__}: a DuckDB "
        "file is used only by the major version that made it. To carry it over, export it with the cscperf that "
        f"made it (`cscperf db export --db {con.label} FOLDER`), then import the folder into a new store with "
        "this one (`cscperf db import FOLDER --db NEW.duckdb`). Nothing was changed."
    )


# PostgreSQL's information_schema lists only what the current role may use; its catalogue lists everything,
# so a role without access is told so, not that the store is empty. A table's columns are those written to;
# its generated columns (schema.yml's jsonb copies) are listed apart.
POSTGRES_TABLES = "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
_POSTGRES_ATTRIBUTES = (
    "SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 "
    "AND NOT a.attisdropped AND a.attgenerated {} '' ORDER BY c.relname, a.attnum"
)
POSTGRES_COLUMNS = _POSTGRES_ATTRIBUTES.format("=")
POSTGRES_GENERATED = _POSTGRES_ATTRIBUTES.format("<>")


def existing_tables(con: Connection) -> set[str]:
    if con.engine == "postgresql":
        return {str(r[0]) for r in con.execute_as_written(POSTGRES_TABLES).fetchall()}
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchall()
    return {str(r[0]) for r in rows}


def all_columns(con: Connection) -> dict[str, list[str]]:
    """Each table's columns, in order."""
    if con.engine == "postgresql":
        rows = con.execute_as_written(POSTGRES_COLUMNS).fetchall()
    else:
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(str(table), []).append(str(column))
    return columns


def jsonb_copies(con: Connection) -> dict[str, list[str]]:
    """A PostgreSQL store's generated columns (the jsonb copies), by table, in order."""
    copies: dict[str, list[str]] = {}
    for table, column in con.execute_as_written(POSTGRES_GENERATED).fetchall():
        copies.setdefault(str(table), []).append(str(column))
    return copies


def table_columns(con: Connection, table: str) -> list[str]:
    return all_columns(con).get(table, [])


def discard_if_new_and_empty(con: Connection) -> None:
    """Remove a store this command created if it still holds no council, load or comparator: the command
    failed, and the store it made must not be left behind."""
    if not con.created:
        return
    try:
        if con.engine == "postgresql" and con.read_only is False:
            with contextlib.suppress(*DATABASE_ERRORS):
                con.rollback()
        holds = scalar(
            con,
            "SELECT (SELECT count(*) FROM cscperf_councils) + (SELECT count(*) FROM cscperf_loads) "
            "+ (SELECT count(*) FROM cscperf_benchmark_values)",
        )
        if holds:
            return
        if isinstance(con, DuckDBConnection) and con.new_file:
            con.close()
            _remove_duckdb_file(con.path)
        else:
            with con.transaction():
                for table in reversed(load_schema().tables_for(con.engine)):
                    run(con, f"DROP TABLE IF EXISTS {table.name} CASCADE")
    except DATABASE_ERRORS:
        return


def _remove_duckdb_file(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _calendar_filled(con: Connection) -> bool:
    return bool(scalar(con, "SELECT count(*) > 0 FROM cscperf_calendar"))


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
