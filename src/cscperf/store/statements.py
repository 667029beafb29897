"""Run SQL statements whose result is not needed (DuckDB 2 wants every result finished before the next)."""

from __future__ import annotations

from cscperf.store.connection import Connection, Parameters


def run(con: Connection, sql: str, params: Parameters = None) -> None:
    """Execute one statement and finish its result."""
    con.execute(sql, params).fetchall()


def scalar(con: Connection, sql: str, params: Parameters = None) -> object:
    """The first value of the first row of a query (None if it returns no rows)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0][0] if rows else None
