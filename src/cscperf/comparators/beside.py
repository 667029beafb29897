"""England, region and neighbour figures beside a council's own latest figures (the `--with-benchmarks`
extras of `cscperf kpis`)."""

from __future__ import annotations

import datetime as dt

from cscperf.comparators.comparison import compare, has_benchmarks, year_for
from cscperf.comparators.published import MEASURES
from cscperf.indicators.engine import Result
from cscperf.store.connection import Connection

MISSING_NOTE = "No comparators imported: run `cscperf benchmarks import ../shared/reference-data --db STORE`."
EMPTY: dict[str, object] = {"england": None, "region": None, "sn_mean": None, "sn_median": None, "sn_model": None,
                            "quartile": None, "benchmark_year": None}  # fmt: skip


def benchmarks_beside(
    con: Connection, results: list[Result], la_code: str, as_at: dt.date, model: str
) -> dict[str, dict[str, object]]:
    """For each result, the comparison of the council's latest figure with the latest published year on or
    before `as_at`, as `Comparison.as_dict()`; with notes where there is nothing to compare with."""
    if not has_benchmarks(con):
        return {r.indicator.id: {**EMPTY, "notes": [MISSING_NOTE]} for r in results}
    out: dict[str, dict[str, object]] = {}
    for r in results:
        if r.indicator.id not in MEASURES:
            out[r.indicator.id] = {**EMPTY, "notes": ["No published equivalent."]}
            continue
        latest = [p for p in r.points if p.group is None and p.la_code == la_code][-1]
        year = year_for(con, r.indicator.id, as_at)
        c = compare(con, la_code, r.indicator.id, year=year, model=model,
                    own=(latest.value, latest.numerator, latest.denominator))  # fmt: skip
        out[r.indicator.id] = c.as_dict()
    return out
