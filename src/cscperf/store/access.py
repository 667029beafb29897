"""Who sees and changes which council's rows in a PostgreSQL store: row-level security by `la_code`.

Every per-council table has two policies. A role sees the rows of the councils `cscperf_access` lists for
it (or for a role it is a member of), and changes only those it may write; `la_code` '*' means every
council (a region's role, say). The tables that are not about one council (the calendar, the published
comparators, the schema facts) can be read by every role given access and changed only by the store's
owner. The owner (the role that ran `cscperf db init`) is not bound by the policies: it is the
administrator's role, for upgrades and for importing comparators.

`cscperf db roles` writes `cscperf_access` and grants each role what it needs (docs/postgresql.md).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from cscperf.errors import ConcurrentChange, UsageProblem
from cscperf.store.connection import Connection
from cscperf.store.schema import load_schema
from cscperf.store.statements import run

ACCESS_TABLE = "cscperf_access"
EVERY_COUNCIL = "*"
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_LA = re.compile(r"\d{3}")
_ATTEMPTS = 3
T = TypeVar("T")


def _councils_of_current_user(write: bool) -> str:
    roles = (
        f"SELECT a.la_code FROM {ACCESS_TABLE} a JOIN pg_catalog.pg_roles r ON r.rolname = a.role_name "
        "WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')" + (" AND a.may_write" if write else "")
    )
    return f"(la_code IN ({roles}) OR '{EVERY_COUNCIL}' IN ({roles}))"


VISIBLE = _councils_of_current_user(write=False)
WRITABLE = _councils_of_current_user(write=True)


def apply_access(con: Connection) -> None:
    """Row-level security on every per-council table, and each listed role's privileges. Idempotent; run by
    `cscperf db init`, `db upgrade` and `db roles`, as the store's owner."""
    schema = load_schema()
    for table in schema.tables_for("postgresql"):
        _raw(con, f"REVOKE ALL ON {table.name} FROM PUBLIC")
        if not table.per_council:
            continue
        _raw(con, f"ALTER TABLE {table.name} ENABLE ROW LEVEL SECURITY")
        _raw(con, f"DROP POLICY IF EXISTS cscperf_read ON {table.name}")
        _raw(con, f"DROP POLICY IF EXISTS cscperf_write ON {table.name}")
        _raw(con, f"CREATE POLICY cscperf_read ON {table.name} FOR SELECT USING {VISIBLE}")
        _raw(con, f"CREATE POLICY cscperf_write ON {table.name} FOR ALL USING {WRITABLE} WITH CHECK {WRITABLE}")
    for role, writes in _roles(con).items():
        _grant(con, role, writes)


def _grant(con: Connection, role: str, writes: bool) -> None:
    schema = load_schema()
    _raw(con, f"GRANT USAGE ON SCHEMA {_current_schema(con)} TO {role}")
    for table in schema.tables_for("postgresql"):
        _raw(con, f"GRANT SELECT ON {table.name} TO {role}")
        if writes and table.per_council:
            _raw(con, f"GRANT INSERT, UPDATE, DELETE ON {table.name} TO {role}")
        elif table.per_council:
            _raw(con, f"REVOKE INSERT, UPDATE, DELETE ON {table.name} FROM {role}")


@dataclass(frozen=True)
class Access:
    role_name: str
    la_code: str
    may_write: bool
    role_exists: bool


def list_access(con: Connection) -> list[Access]:
    rows = con.execute(
        f"SELECT a.role_name, a.la_code, a.may_write, r.rolname IS NOT NULL FROM {ACCESS_TABLE} a "
        "LEFT JOIN pg_catalog.pg_roles r ON r.rolname = a.role_name ORDER BY a.role_name, a.la_code"
    ).fetchall()
    return [Access(str(r[0]), str(r[1]), bool(r[2]), bool(r[3])) for r in rows]


def grant_councils(con: Connection, role: str, la_codes: list[str], *, write: bool, members: list[str]) -> bool:
    """Let `role` (created, without login, if missing) see, and with `write` change, the councils' rows; make
    each of `members` (existing login roles) a member. Returns whether the role was created."""
    check_role_name(role)
    for member in members:
        check_role_name(member)
    for la in la_codes:
        if la != EVERY_COUNCIL and not _LA.fullmatch(la):
            raise UsageProblem(f"A council is its 3-digit DfE code (or ALL), not {la!r}.")

    def grant() -> bool:
        created = not _role_exists(con, role)
        if created:
            _raw(con, f"CREATE ROLE {role} NOLOGIN")
        for la in la_codes:
            run(con, f"DELETE FROM {ACCESS_TABLE} WHERE role_name = ? AND la_code = ?", [role, la])
            run(con, f"INSERT INTO {ACCESS_TABLE} (role_name, la_code, may_write) VALUES (?, ?, ?)", [role, la, write])
        for member in members:
            if not _role_exists(con, member):
                raise UsageProblem(f"There is no database role {member}: create the login first (docs/postgresql.md).")
            _raw(con, f"GRANT {role} TO {member}")
        apply_access(con)
        return created

    return _in_one_transaction(con, grant)


def revoke_councils(con: Connection, role: str, la_codes: list[str] | None) -> int:
    """Take away `role`'s access to the councils (all of them when `la_codes` is None); the role itself stays.
    Returns how many grants were removed."""
    check_role_name(role)

    def revoke() -> int:
        if la_codes is None:
            removed = len(con.execute(f"SELECT 1 FROM {ACCESS_TABLE} WHERE role_name = ?", [role]).fetchall())
            run(con, f"DELETE FROM {ACCESS_TABLE} WHERE role_name = ?", [role])
        else:
            removed = 0
            for la in la_codes:
                removed += len(
                    con.execute(
                        f"SELECT 1 FROM {ACCESS_TABLE} WHERE role_name = ? AND la_code = ?", [role, la]
                    ).fetchall()
                )
                run(con, f"DELETE FROM {ACCESS_TABLE} WHERE role_name = ? AND la_code = ?", [role, la])
        if role not in _roles(con) and _role_exists(con, role):
            for table in load_schema().tables_for("postgresql"):
                _raw(con, f"REVOKE ALL ON {table.name} FROM {role}")
        apply_access(con)
        return removed

    return _in_one_transaction(con, revoke)


def _in_one_transaction(con: Connection, change: Callable[[], T]) -> T:
    """`change` done in one transaction, and done again (up to `_ATTEMPTS` times in all, a moment apart) when the
    server stops it because another command was changing the same records at the same moment: a store's
    policies and grants are rewritten whole, so doing it again is safe, and a deadlock with another command
    (a load, or the server's own autovacuum just after one) says nothing about this one."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with con.transaction():
                return change()
        except ConcurrentChange:
            if attempt == _ATTEMPTS:
                raise
            time.sleep(0.5 * attempt)
    raise AssertionError("unreachable")


def check_role_name(role: str) -> None:
    if not _ROLE.fullmatch(role):
        raise UsageProblem(
            f"A role name is lower-case letters, digits and underscores, starting with a letter; not {role!r}."
        )


def _roles(con: Connection) -> dict[str, bool]:
    """Each role `cscperf_access` lists that exists, and whether it may write any council."""
    out: dict[str, bool] = {}
    for access in list_access(con):
        if access.role_exists:
            out[access.role_name] = out.get(access.role_name, False) or access.may_write
    return out


def _role_exists(con: Connection, role: str) -> bool:
    return bool(con.execute("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?", [role]).fetchall())


def _current_schema(con: Connection) -> str:
    row = con.execute("SELECT current_schema()").fetchone()
    return str(row[0]) if row else "public"


def _raw(con: Connection, sql: str) -> None:
    """A PostgreSQL-only statement (roles, grants, policies), run as written."""
    con.execute_as_written(sql).fetchall()
