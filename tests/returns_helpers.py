"""Helpers the returns tests share: exporting from a store, loading into an empty one, comparing figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from cscperf.indicators.engine import compute
from cscperf.loading.session import load_files
from cscperf.reporting_periods import ReportingPeriod
from cscperf.returns import return_format
from cscperf.returns.base import ExportRequest, ExportResult
from cscperf.store.database import open_store
from cscperf.store.statements import run


def export(con: duckdb.DuckDBPyConnection, name: str, la: str, out: Path, **kw: Any) -> ExportResult:
    return return_format(name).export(ExportRequest(con, la, out, **kw))


def load_into_empty(original: duckdb.DuckDBPyConnection, paths: list[Path], store: Path, la: str) -> Any:
    """An empty store with the original's population (rates need it), the files loaded into it."""
    con = open_store(store)
    population = original.execute("SELECT * FROM cscperf_population WHERE la_code = ?", [la]).fetchall()
    for row in population:
        run(con, "INSERT INTO cscperf_population VALUES (?, ?, ?, ?, ?)", row)
    summary = load_files(con, paths, la_code=la)
    return con, summary


def figures(con: duckdb.DuckDBPyConnection, periods: list[ReportingPeriod], ids: list[str], la: str) -> dict[str, Any]:
    return {
        r.indicator.id: [(p.period_end, p.numerator, p.denominator, p.value) for p in r.points]
        for r in compute(con, periods, ids=ids, la_codes=[la])
    }
