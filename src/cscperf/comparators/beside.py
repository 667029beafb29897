"""England, region and neighbour figures beside a council's own latest figures (the `--with-benchmarks`
extras of `cscperf kpis`), compared as the report compares them (`cscperf.comparators.own`): flows over the 12
months to the as-at date, figures at a date at the latest month."""

from __future__ import annotations

import datetime as dt

from cscperf.comparators.comparison import compare, has_benchmarks, year_for
from cscperf.comparators.own import own_figure, year_to_date
from cscperf.comparators.published import MEASURES
from cscperf.indicators.engine import Result
from cscperf.indicators.settings import IndicatorSettings
from cscperf.store.connection import Connection

MISSING_NOTE = "No comparators imported: run `cscperf benchmarks import ../shared/reference-data --db STORE`."
EMPTY: dict[str, object] = {"england": None, "region": None, "sn_mean": None, "sn_median": None, "sn_model": None,
                            "quartile": None, "benchmark_year": None}  # fmt: skip


def benchmarks_beside(
    con: Connection,
    results: list[Result],
    la_code: str,
    as_at: dt.date,
    model: str,
    settings: IndicatorSettings | None = None,
) -> dict[str, dict[str, object]]:
    """For each result, the comparison of the council's figure (the latest month, or the 12 months to it for a
    flow) with the latest published year on or before `as_at`, as `Comparison.as_dict()` with `own_value` and
    `own_period` (the figure compared); with notes where there is nothing to compare with."""
    if not has_benchmarks(con):
        return {r.indicator.id: {**EMPTY, "notes": [MISSING_NOTE]} for r in results}
    year = year_to_date(con, [r.indicator.id for r in results], as_at, settings=settings, la_code=la_code)
    out: dict[str, dict[str, object]] = {}
    for r in results:
        if r.indicator.id not in MEASURES:
            out[r.indicator.id] = {**EMPTY, "notes": ["No published equivalent."]}
            continue
        latest = [p for p in r.points if p.group is None and p.la_code == la_code][-1]
        own, period = own_figure(r.indicator.id, latest, year)
        published = year_for(con, r.indicator.id, as_at)
        c = compare(con, la_code, r.indicator.id, year=published, model=model,
                    own=(own.value, own.numerator, own.denominator))  # fmt: skip
        out[r.indicator.id] = {**c.as_dict(), "compared_with": f"our figure for {period}", "own_value": own.value,
                               "own_period": period}  # fmt: skip
    return out
