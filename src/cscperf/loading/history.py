"""What was loaded into the store and what was rejected, as plain rows (for the web service's loads page;
the same questions `cscperf loads` and `cscperf rejects` answer)."""

from __future__ import annotations

from typing import Any

import duckdb

LOAD_COLUMNS = (
    "load_id",
    "load_kind",
    "la_code",
    "collection_year",
    "loaded_at",
    "source_file",
    "records_read",
    "records_loaded",
    "records_rejected",
    "load_status",
)
REJECT_COLUMNS = (
    "reject_number",
    "source_location",
    "severity",
    "rule",
    "target_table",
    "field_name",
    "field_value",
    "message",
)


def load_history(con: duckdb.DuckDBPyConnection, la_code: str | None = None) -> list[dict[str, Any]]:
    """Every load, newest first (one council's, when given)."""
    where, params = ("WHERE la_code = ?", [la_code]) if la_code else ("", [])
    cursor = con.execute(
        f"SELECT {', '.join(LOAD_COLUMNS)} FROM cscperf_loads {where} ORDER BY loaded_at DESC, load_id", params
    )
    return [dict(zip(LOAD_COLUMNS, r, strict=True)) for r in cursor.fetchall()]


def problems_by_rule(con: duckdb.DuckDBPyConnection, load_id: str) -> list[tuple[str, str, int]]:
    """(severity, rule, count) for one load: counts only, no record's values."""
    rows = con.execute(
        "SELECT severity, rule, count(*) FROM cscperf_load_rejects WHERE load_id = ? GROUP BY severity, rule "
        "ORDER BY CASE severity WHEN 'fatal' THEN 0 WHEN 'error' THEN 1 ELSE 2 END, count(*) DESC, rule",
        [load_id],
    ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


def load_rejects(con: duckdb.DuckDBPyConnection, load_id: str) -> list[dict[str, Any]]:
    """One load's rejected and questioned records with where and why (holds child identifiers)."""
    cursor = con.execute(
        f"SELECT {', '.join(REJECT_COLUMNS)} FROM cscperf_load_rejects WHERE load_id = ? ORDER BY reject_number",
        [load_id],
    )
    return [dict(zip(REJECT_COLUMNS, r, strict=True)) for r in cursor.fetchall()]
