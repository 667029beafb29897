"""Upgrade a store made by an earlier cscperf to this one's schema version, in place and all at once.

`cscperf db upgrade` runs, in one transaction: the explicit steps written for each version passed (renames,
removals, changed types: whatever is more than adding), then the additions every version bump may bring
(new tables are created; a table that lacks new columns is rebuilt with them, its rows kept, columns in
the schema's order), then the new version is recorded and the result checked against the schema. If
anything fails the transaction is rolled back: a store is never half-migrated. A store whose difference
from the schema is more than additions and has no step written for it is refused with a plain message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from cscperf import __version__
from cscperf.errors import DataProblem
from cscperf.store.connection import Connection
from cscperf.store.database import (
    check_engine_version,
    check_tables,
    engine_info,
    existing_tables,
    jsonb_copies,
    read_info,
    record_info,
    table_columns,
)
from cscperf.store.schema import Table, create_index_sql, create_table_sql, jsonb_copy_definition, load_schema
from cscperf.store.statements import run


@dataclass(frozen=True)
class Step:
    """What upgrading from `from_version` to the next version needs beyond additions."""

    from_version: int
    description: str
    apply: Callable[[Connection], None]


STEPS: dict[int, Step] = {}
"""Explicit steps, by the version they upgrade from. Versions 1 to 8 only added tables, columns and indexes
(7: the ledger's tables in a PostgreSQL store, so that `cscperf unload` works there; 8: the jsonb copy of
ssd_contacts' outcome in a PostgreSQL store, a generated column PostgreSQL fills as it is added, rewriting
the table; nothing in a DuckDB store)."""

OLDEST_UPGRADABLE = 1


@dataclass
class Upgrade:
    """What an upgrade did."""

    from_version: int
    to_version: int
    steps: list[str] = field(default_factory=list)
    tables_created: list[str] = field(default_factory=list)
    tables_rebuilt: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.from_version != self.to_version


def upgrade_refusal(con: Connection, found: int) -> str:
    """The message for a store of an older schema version."""
    target = load_schema().version
    if found < OLDEST_UPGRADABLE:
        return (
            f"This store has schema version {found}, too old for this cscperf (version {target}) to upgrade. Make a "
            "new store and load the files again."
        )
    return (
        f"This store has schema version {found}, and this cscperf uses version {target}. Upgrade it in place with "
        f"`cscperf db upgrade --db {con.label}` (back it up first; the upgrade is all or nothing)."
    )


def upgrade(con: Connection) -> Upgrade:
    """Bring the store to this cscperf's schema version (see the module's description)."""
    schema = load_schema()
    info = read_info(con)
    check_engine_version(con, info)
    done = Upgrade(info.schema_version, schema.version)
    if info.schema_version > schema.version:
        raise DataProblem(
            f"This store has schema version {info.schema_version}, newer than this cscperf's ({schema.version}). "
            "Use the cscperf that made it (or a later one); nothing was changed."
        )
    if info.schema_version < OLDEST_UPGRADABLE:
        raise DataProblem(upgrade_refusal(con, info.schema_version))
    if not done.changed:
        check_tables(con, existing_tables(con))
        return done
    with con.transaction():
        for version in range(info.schema_version, schema.version):
            step = STEPS.get(version)
            if step is not None:
                step.apply(con)
                done.steps.append(step.description)
        existing = existing_tables(con)
        for table in schema.tables_for(con.engine):
            if table.name not in existing:
                con.execute_as_written(create_table_sql(table, con.engine)).fetchall()
                done.tables_created.append(table.name)
            elif table_columns(con, table.name) != table.column_names:
                _rebuild(con, table, info.schema_version)
                done.tables_rebuilt.append(table.name)
            elif con.engine == "postgresql" and _add_jsonb_copies(con, table):
                done.tables_rebuilt.append(table.name)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        facts = {"schema_version": str(schema.version), "upgraded_by": f"cscperf {__version__}", "upgraded_at": now}
        record_info(con, {**facts, f"upgraded_from_{info.schema_version}": now, **engine_info(con)})
        check_tables(con, existing_tables(con))
        if con.engine == "postgresql":
            from cscperf.store.access import apply_access

            for table in schema.tables_for(con.engine):
                for index in create_index_sql(table):
                    con.execute_as_written(index).fetchall()
            apply_access(con)
    return done


def _add_jsonb_copies(con: Connection, table: Table) -> bool:
    """Add the jsonb copies `table` lacks (PostgreSQL computes them for every row as they are added);
    whether there were any."""
    held = jsonb_copies(con).get(table.name, [])
    missing = [(copy, column) for copy, column in table.jsonb_copies.items() if copy not in held]
    for copy, column in missing:
        con.execute_as_written(f"ALTER TABLE {table.name} ADD COLUMN {copy} {jsonb_copy_definition(column)}").fetchall()
    if missing:  # the planner's statistics of the new column (autovacuum would take its time)
        con.execute_as_written(f"ANALYZE {table.name}").fetchall()
    return bool(missing)


def _rebuild(con: Connection, table: Table, found: int) -> None:
    """Rebuild `table` with the schema's columns, in order, keeping its rows (new columns empty). Refused
    if the store's table has a column the schema no longer has: that needs a step of its own."""
    stored = table_columns(con, table.name)
    unknown = [c for c in stored if c not in table.column_names]
    if unknown:
        raise DataProblem(
            f"Table {table.name} has columns this cscperf's schema does not ({', '.join(unknown)}), and no upgrade "
            f"step from schema version {found} says what becomes of them. Nothing was changed."
        )
    kept = ", ".join(c for c in table.column_names if c in stored)
    new_name = f"{table.name}__upgrading"
    con.execute_as_written(create_table_sql(table, con.engine, name=new_name)).fetchall()
    run(con, f"INSERT INTO {new_name} ({kept}) SELECT {kept} FROM {table.name}")
    run(con, f"DROP TABLE {table.name}")
    run(con, f"ALTER TABLE {new_name} RENAME TO {table.name}")
