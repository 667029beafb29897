"""Our figure as it is set beside a published one: one method, so that every output (the report's tables,
`cscperf kpis --with-benchmarks`, kpis.xlsx) gives one quartile and one rank for a measure.

A published figure for a flow (assessments completed in the year, plans started in the year) is a whole
year's, so ours is the 12 months to the as-at date, never one month: a month of 15 plans placed among councils'
years says nothing. A figure at a date (children in care, on plans, caseloads) is set beside the published
figure at its date: ours is the latest month's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cscperf.comparators.published import MEASURES
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point, compute
from cscperf.indicators.settings import IndicatorSettings
from cscperf.reporting_periods import rolling_12_months
from cscperf.store.connection import Connection


def compared_over_a_year(indicator_id: str) -> bool:
    """Whether our figure is compared over the 12 months to the as-at date (a flow with a published year)."""
    return indicator_id in MEASURES and load_library()[indicator_id].period_kind == "flow"


def year_to_date(
    con: Connection,
    ids: Iterable[str],
    as_at: dt.date,
    *,
    settings: IndicatorSettings | None,
    la_code: str,
) -> dict[str, Point]:
    """Our figure over the 12 months to `as_at` for each flow among `ids` that has a published equivalent."""
    flows = [i for i in ids if compared_over_a_year(i)]
    if not flows:
        return {}
    results = compute(con, [rolling_12_months(as_at)], ids=flows, settings=settings, la_codes=[la_code])
    return {r.indicator.id: r.points[-1] for r in results if r.points and r.points[-1].group is None}


def own_figure(indicator_id: str, latest: Point, year: dict[str, Point]) -> tuple[Point, str]:
    """The figure compared, and its period in words: "12 months to Oct 2026" or "Oct 2026"."""
    over_year = year.get(indicator_id)
    if over_year is not None:
        return over_year, f"12 months to {over_year.period_end:%b %Y}"
    return latest, f"{latest.period_end:%b %Y}"
