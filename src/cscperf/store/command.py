"""`cscperf db`: create, upgrade and describe a store; carry it between databases; on PostgreSQL, say which
database roles see and change which councils' rows (docs/postgresql.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cscperf.cli.console import DataTable, console, say
from cscperf.cli.explained import explained
from cscperf.cli.options import DEFAULT_STORE, StoreOption, command_group
from cscperf.errors import DataProblem, UsageProblem
from cscperf.store.connection import Connection, connect, store_label

db_app = command_group(
    "The store itself: create, upgrade, describe, export and import it; roles on a PostgreSQL store."
)
roles_app = command_group(
    "PostgreSQL stores: which database roles see and change which councils' rows (row-level security)."
)
db_app.add_typer(roles_app, name="roles")

DbOption = StoreOption
DEFAULT_DB = DEFAULT_STORE


def _say(text: str) -> None:
    say(text, soft_wrap=True)


@db_app.command("init")
@explained
def init(db: DbOption = DEFAULT_DB) -> None:
    """Create a store in a new file or an empty database (anything else is refused untouched)."""
    from cscperf.store.database import open_store, read_info

    with open_store(db) as con:
        version = read_info(con).schema_version
        created = con.created
    if created:
        _say(f"Created a cscperf store (schema version {version}) in {store_label(db)}.")
    else:
        _say(f"{store_label(db)} is already a cscperf store of schema version {version}; nothing was changed.")


@db_app.command("upgrade")
@explained
def upgrade(db: DbOption = DEFAULT_DB) -> None:
    """Upgrade a store made by an earlier cscperf to this one's schema version, all or nothing."""
    from cscperf.store.migrations import upgrade as upgrade_store

    if not _exists(db):
        raise UsageProblem(f"There is no store at {db}.")
    with _connected(db) as con:
        _require_store(con)
        done = upgrade_store(con)
    if not done.changed:
        _say(f"{store_label(db)} already has schema version {done.to_version}; nothing was changed.")
        return
    _say(f"Upgraded {store_label(db)} from schema version {done.from_version} to {done.to_version}.")
    for step in done.steps:
        _say(f"  - {step}")
    if done.tables_created:
        _say(f"  - new tables: {', '.join(done.tables_created)}")
    if done.tables_rebuilt:
        _say(f"  - tables given new columns (their rows kept): {', '.join(done.tables_rebuilt)}")


@db_app.command("status")
@explained
def status(db: DbOption = DEFAULT_DB) -> None:
    """What the store is: engine, schema version, who made it, councils; on PostgreSQL, your role's access."""
    from cscperf.store.database import check_schema, read_info
    from cscperf.store.schema import load_schema
    from cscperf.store.statements import scalar

    if not _exists(db):
        raise UsageProblem(f"There is no store at {db}.")
    with _connected(db, read_only=True) as con:
        _require_store(con)
        info = read_info(con)
        problem = None
        try:
            check_schema(con)
        except DataProblem as exc:
            problem = str(exc)
        councils = [str(r[0]) for r in con.execute("SELECT la_code FROM cscperf_councils ORDER BY 1").fetchall()]
        loads = scalar(con, "SELECT count(*) FROM cscperf_loads")
        role = scalar(con, "SELECT current_user") if con.engine == "postgresql" else None
    table = DataTable(title=f"The store {store_label(db)}", show_header=False, title_justify="left")
    table.add_column("What")
    table.add_column("Value", overflow="fold")
    rows = [
        ("Engine", "PostgreSQL" if con.engine == "postgresql" else "DuckDB (one file)"),
        ("Schema version", f"{info.schema_version} (this cscperf: {load_schema().version})"),
        ("Made by", f"{info.facts.get('created_by', '?')}, {info.facts.get('created_at', '?')}"),
        ("DuckDB that made it", info.facts.get("duckdb_version", "")),
        ("Last upgraded", f"{info.facts.get('upgraded_by', '')} {info.facts.get('upgraded_at', '')}".strip()),
        ("Councils you can see", _councils(councils)),
        ("Loads recorded", f"{loads}"),
        ("Database role", str(role or "")),
        ("Usable by this cscperf", "yes" if problem is None else f"no: {problem}"),
    ]
    for label, value in rows:
        if value:
            table.add_row(label, value)
    console.print(table)


@db_app.command("export")
@explained
def export(
    folder: Annotated[Path, typer.Argument(help="A new or empty folder for the Parquet files and manifest.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write every table of the store to a folder (Parquet), to import into another store or as a backup.
    The files hold child-level data: keep them as securely as the store."""
    from cscperf.store.database import open_store
    from cscperf.store.transfer import export_store

    if not _exists(db):
        raise UsageProblem(f"There is no store at {db}.")
    with open_store(db, read_only=True) as con:
        done = export_store(con, folder)
    _say(f"Exported {done.total:,} rows of {len(done.rows)} tables to {folder}. They hold child-level data: keep "
         "them secure.")  # fmt: skip


@db_app.command("import")
@explained
def import_(
    folder: Annotated[Path, typer.Argument(help="A folder written by `cscperf db export`.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Read an export into a new store (a new file or an empty database), all or nothing."""
    from cscperf.store.database import writing_store
    from cscperf.store.transfer import import_store

    if not folder.is_dir():
        raise UsageProblem(f"{folder} is not a folder.")
    with writing_store(db) as con:
        done = import_store(con, folder)
    _say(f"Imported {done.total:,} rows of {len(done.rows)} tables into {store_label(db)}.")


@roles_app.command("council")
@explained
def roles_council(
    la: Annotated[str, typer.Argument(help="The council's 3-digit DfE code.")],
    role: Annotated[str | None, typer.Option("--role", help="Role name (default cscperf_la_CODE).")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="May read, not load or change.")] = False,
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A login role given this access (repeat for several).")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Let a role (created if missing) see and change one council's rows, and nothing else."""
    name = role or f"cscperf_la_{la}"
    _grant(db, name, [la], write=not read_only, members=member or [])


@roles_app.command("region")
@explained
def roles_region(
    role: Annotated[str, typer.Argument(help="Role name, for example cscperf_region_east.")],
    la: Annotated[list[str] | None, typer.Option("--la", help="A council of the region (repeat).")] = None,
    every_council: Annotated[bool, typer.Option("--all", help="Every council in the store, now and later.")] = False,
    write: Annotated[bool, typer.Option("--write", help="May also load and change (default: read only).")] = False,
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A login role given this access (repeat for several).")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Let a role (created if missing) see several councils' rows: a region's, or with --all every council."""
    if every_council == bool(la):
        raise UsageProblem("Name the region's councils with --la (repeat it), or give --all.")
    _grant(db, role, ["*"] if every_council else list(la or []), write=write, members=member or [])


@roles_app.command("list")
@explained
def roles_list(db: DbOption = DEFAULT_DB) -> None:
    """Which roles see and change which councils."""
    from cscperf.store.access import list_access

    with _server_store(db) as con:
        rows = list_access(con)
    table = DataTable(title="Access to councils' rows", title_justify="left")
    for heading in ("Role", "Council", "May", "Role exists"):
        table.add_column(heading)
    for access in rows:
        council = "every council" if access.la_code == "*" else access.la_code
        may = "read and change" if access.may_write else "read"
        table.add_row(access.role_name, council, may, "yes" if access.role_exists else "no")
    console.print(table)
    if not rows:
        _say("No role has access yet: `cscperf db roles council CODE --member LOGIN` gives one.")


@roles_app.command("revoke")
@explained
def roles_revoke(
    role: Annotated[str, typer.Argument(help="The role.")],
    la: Annotated[list[str] | None, typer.Option("--la", help="Only this council (repeat); default all.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Take a role's access away (the role itself is kept)."""
    from cscperf.store.access import revoke_councils

    with _server_store(db) as con:
        removed = revoke_councils(con, role, la or None)
    _say(f"Removed {removed} grant(s) from {role}.")


def _councils(codes: list[str]) -> str:
    if not codes:
        return "none"
    return ", ".join(codes[:12]) + (f" and {len(codes) - 12} more" if len(codes) > 12 else "")


def _grant(db: str, role: str, la_codes: list[str], *, write: bool, members: list[str]) -> None:
    """Grant, then say what the role may do now, all its grants together: grants add up, so telling only this
    one ("may read council 874") had let an administrator think a role with every council narrowed to one."""
    from cscperf.store.access import grant_councils, list_access

    with _server_store(db) as con:
        created = grant_councils(con, role, la_codes, write=write, members=members)
        held = [a for a in list_access(con) if a.role_name == role]
    what = "every council" if la_codes == ["*"] else "council " + ", ".join(la_codes)
    _say(
        f"{'Created role' if created else 'Role'} {role}: may {'read and change' if write else 'read'} the rows of "
        f"{what}." + (f" Members: {', '.join(members)}." if members else "")
    )
    others = sorted({a.la_code for a in held} - set(la_codes))
    if others:
        every = "*" in others
        kept = "every council" if every else "council " + _councils([c for c in others if c != "*"])
        _say(f"It may still read {kept} as before: grants add up. To narrow a role, `cscperf db roles revoke "
             f"{role}` first, then grant what it should keep.")  # fmt: skip


def _server_store(db: str) -> Connection:
    from cscperf.store.connection import is_server_store
    from cscperf.store.database import open_store

    if not is_server_store(db):
        raise UsageProblem("Roles are for a PostgreSQL store (--db postgresql://...); a DuckDB file has no roles.")
    return open_store(db)


def _connected(db: str, *, read_only: bool = False) -> Connection:
    return connect(db, read_only=read_only)


def _require_store(con: Connection) -> None:
    from cscperf.store.database import INFO_TABLE, existing_tables

    existing = existing_tables(con)
    if INFO_TABLE not in existing:
        con.close()
        if existing:
            raise DataProblem(f"{con.label} is not a cscperf store; nothing was changed.")
        raise DataProblem(f"{con.label} holds no store yet: create one with `cscperf db init --db {con.label}`.")


def _exists(db: str) -> bool:
    from cscperf.store.connection import is_server_store

    return is_server_store(db) or Path(db).exists()
