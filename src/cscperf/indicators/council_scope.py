"""Councils asked for, pushed down to every read of the store's tables.

An indicator's SQL (and every shared fragment in it) reads whole tables and keeps each council apart by
matching `la_code` in its joins; a filter on the councils asked for, put on top of the units, does not reach
through the window functions and groupings beneath, so every fragment would be computed for every council
of a regional (or national) store. `scoped` rewrites each read of a store table that has an `la_code` column
into a read of the councils asked for only:

    FROM ssd_person p   ->   FROM (SELECT * FROM ssd_person WHERE la_code IN ('874')) AS p

A name that a common table expression (CTE) gives in scope is the CTE, not the table, and is left alone;
tables that are not the store's (the engine's temporary tables: report_periods, materialised fragments) have
no council and are left alone. Every read of a table is scoped the same way, so numbers given by a window
over a whole table (`plan_key`: ROW_NUMBER() OVER (ORDER BY la_code, plan id)) still match from one read to
the next: they differ from an unscoped run's numbers, but they only ever join rows of the same run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp

from cscperf.store.dialect import SCRATCH_SCHEMA
from cscperf.store.schema import COUNCIL_COLUMN, load_schema


@dataclass(frozen=True)
class Councils:
    """The councils a run reads: `codes`, or (`every_other`) every council except `codes`."""

    codes: tuple[str, ...]
    every_other: bool = False

    @classmethod
    def of(cls, la_codes: Sequence[str]) -> Councils:
        return cls(tuple(sorted(set(la_codes))))

    def condition(self, column: str = COUNCIL_COLUMN) -> str:
        """The SQL condition a row of these councils meets (every other council: any code not listed)."""
        if not self.codes:
            return "TRUE" if self.every_other else "FALSE"
        listed = ", ".join("'" + c.replace("'", "''") + "'" for c in self.codes)
        return f"{column} {'NOT IN' if self.every_other else 'IN'} ({listed})"


@lru_cache(maxsize=1)
def council_tables() -> frozenset[str]:
    """The store's tables that hold an `la_code` column (per-council tables, and the council list)."""
    return frozenset(t.name for t in load_schema().tables if COUNCIL_COLUMN in t.column_names)


def scoped(sql: str, councils: Councils) -> str:
    """`sql` (DuckDB dialect, one query) with every read of a store table holding `la_code` limited to
    `councils` (see the module's description)."""
    return _scoped(sql, councils.condition())


@lru_cache(maxsize=1024)
def _scoped(sql: str, condition: str) -> str:
    tree = sqlglot.parse_one(sql, read="duckdb")
    written = exp.condition(condition, dialect="duckdb").sql(dialect="duckdb")
    for table in list(tree.find_all(exp.Table)):
        if _a_council_table(table, written):
            table.replace(_filtered(table, condition))
    return tree.sql(dialect="duckdb")


def _a_council_table(table: exp.Table, condition: str) -> bool:
    if table.name not in council_tables() or table.text("db").lower() in (SCRATCH_SCHEMA, "pg_temp", "temp"):
        return False
    if not isinstance(table.parent, exp.From | exp.Join):
        return False  # the target of an INSERT or CREATE, not a read
    return not _already_limited(table, condition) and not _a_cte_in_scope(table)


def _already_limited(table: exp.Table, condition: str) -> bool:
    """Whether `table` is read by a filtered read made here (so scoping scoped SQL changes nothing)."""
    select = table.parent.parent if table.parent is not None else None
    if not isinstance(select, exp.Select) or not isinstance(select.parent, exp.Subquery):
        return False
    where = select.args.get("where")
    starred = len(select.expressions) == 1 and isinstance(select.expressions[0], exp.Star)
    return starred and where is not None and where.this.sql(dialect="duckdb") == condition


def _filtered(table: exp.Table, condition: str) -> exp.Subquery:
    if table.args.get("pivots") or table.args.get("laterals") or table.args.get("joins"):
        raise ValueError(f"cannot limit {table.sql(dialect='duckdb')} to the councils asked for")
    read = table.copy()
    read.set("alias", None)
    rows = exp.select("*").from_(read).where(condition, dialect="duckdb")
    alias = table.args.get("alias")
    alias = alias.copy() if alias is not None else exp.TableAlias(this=exp.to_identifier(table.name))
    return exp.Subquery(this=rows, alias=alias)


def _a_cte_in_scope(table: exp.Table) -> bool:
    """Whether `table`'s name is a CTE that is in scope where it is read: one of a query's CTEs is seen
    in that query's body and in the CTEs defined after it (in itself too, when the WITH is RECURSIVE)."""
    if table.text("db"):
        return False
    name = table.name.lower()
    child: object = table
    node = table.parent
    while node is not None:
        with_ = node.args.get("with_")
        if isinstance(with_, exp.With) and child is not with_:  # noqa: SIM102  # read in the query's body
            if any(c.alias_or_name.lower() == name for c in with_.expressions):
                return True
        if isinstance(node, exp.With) and isinstance(child, exp.CTE):  # read in one of the query's CTEs
            ctes = list(node.expressions)
            position = next(i for i, c in enumerate(ctes) if c is child)
            visible = ctes[: position + 1] if node.args.get("recursive") else ctes[:position]
            if any(c.alias_or_name.lower() == name for c in visible):
                return True
        child, node = node, node.parent
    return False
