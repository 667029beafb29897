"""What was loaded, and the records each load rejected or questioned: read back from the store for
`cscperf loads` and `cscperf rejects` (and the web service)."""

from __future__ import annotations

from typing import Any

from cscperf.errors import UsageProblem
from cscperf.store.connection import Connection

LOAD_COLUMNS = ("load_id", "load_kind", "la_code", "collection_year", "loaded_at", "source_file", "records_read",
                "records_loaded", "records_rejected", "load_status", "unloaded_at")  # fmt: skip
REJECT_COLUMNS = ("load_id", "source_file", "reject_number", "source_location", "severity", "rule", "target_table",
                  "field_name", "field_value", "message", "raw_record")  # fmt: skip
SEVERITIES = ("fatal", "error", "warning")


def load_history(con: Connection) -> list[dict[str, Any]]:
    """Every load, oldest first, with its counts."""
    rows = con.execute(f"SELECT {', '.join(LOAD_COLUMNS)} FROM cscperf_loads ORDER BY loaded_at, load_id").fetchall()
    return [dict(zip(LOAD_COLUMNS, r, strict=True)) for r in rows]


def rejected_records(
    con: Connection, *, load_id: str | None = None, severity: str | None = None
) -> list[tuple[Any, ...]]:
    """The rejected and questioned records (REJECT_COLUMNS), in load and file order. They hold child
    identifiers: they are for the data-quality meeting, never for members."""
    if severity is not None and severity not in SEVERITIES:
        raise UsageProblem(f"The severity must be {', '.join(SEVERITIES)}.")
    if load_id and not con.execute("SELECT 1 FROM cscperf_loads WHERE load_id = ?", [load_id]).fetchall():
        raise UsageProblem(f"There is no load {load_id}; `cscperf loads` lists them.")
    where, params = [], []
    if load_id:
        where.append("r.load_id = ?")
        params.append(load_id)
    if severity:
        where.append("r.severity = ?")
        params.append(severity)
    sql = (
        "SELECT r.load_id, l.source_file, r.reject_number, r.source_location, r.severity, r.rule, "
        "r.target_table, r.field_name, r.field_value, r.message, CAST(r.raw_record AS VARCHAR) "
        "FROM cscperf_load_rejects r LEFT JOIN cscperf_loads l USING (load_id) "
        + ("WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY r.load_id, r.reject_number"
    )
    return [tuple(r) for r in con.execute(sql, params).fetchall()]


def identifiers_held(con: Connection, rows: list[tuple[Any, ...]]) -> str:
    """What the rejected records (REJECT_COLUMNS rows) identify people by: a workforce census's are social
    workers (Social Work England numbers); every other return's and extract's are children's."""
    load_ids = sorted({str(r[0]) for r in rows})
    kinds = {
        str(kind)
        for load_id in load_ids
        for (kind,) in con.execute("SELECT load_kind FROM cscperf_loads WHERE load_id = ?", [load_id]).fetchall()
    }
    return identifiers_of_kinds(kinds)


def identifiers_of_kinds(kinds: set[str]) -> str:
    """What the rejected records of loads of these kinds identify people by (see identifiers_held)."""
    if "workforce_census" not in kinds:
        return "child identifiers"
    return "worker identifiers" if kinds == {"workforce_census"} else "child or worker identifiers"


def problems_by_rule(con: Connection, load_id: str) -> list[tuple[str, str, int]]:
    """(severity, rule, count) for one load: counts only, no record's values (for the web service's load page)."""
    rows = con.execute(
        "SELECT severity, rule, count(*) FROM cscperf_load_rejects WHERE load_id = ? GROUP BY severity, rule "
        "ORDER BY CASE severity WHEN 'fatal' THEN 0 WHEN 'error' THEN 1 ELSE 2 END, count(*) DESC, rule",
        [load_id],
    ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]
