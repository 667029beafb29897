"""England, region and statistical-neighbour figures beside each indicator, for the report.

Uses the comparators package: the latest published year whose reference date is on or before the as-at date,
and the council's latest figure placed among the published councils (as `cscperf kpis --with-benchmarks`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cscperf.comparators.comparison import compare, has_benchmarks, year_for
from cscperf.comparators.published import MEASURES
from cscperf.indicators.engine import Point
from cscperf.report.figures import year_label
from cscperf.store.connection import Connection

MISSING_NOTE = (
    "No England, region or statistical-neighbour figures are in the store: import them with "
    "`cscperf benchmarks import ../shared/reference-data --db STORE`."
)


@dataclass(frozen=True)
class Comparators:
    """Published figures to set beside one of ours, with the year they are for."""

    indicator_id: str
    year: int
    year_label: str  # "2024-25", "31 March 2025", "30 September 2025"
    year_meaning: str
    england: float | None
    region: float | None
    region_name: str | None
    neighbours: float | None  # the neighbours' mean or median, as configured
    neighbour_average: str  # "mean" or "median"
    neighbour_model: str | None
    neighbours_with_data: int
    neighbours_total: int
    quartile: str | None
    versus_england: str | None
    notes: tuple[str, ...]
    own: Point | None = None  # our figure as compared: the latest month, or 12 months to it for flows
    own_period: str = ""  # e.g. "12 months to Oct 2026"

    @property
    def neighbour_words(self) -> str:
        return (
            "statistical neighbours' average" if self.neighbour_average == "mean" else "statistical neighbours' median"
        )


def comparators_for(
    con: Connection,
    la_code: str,
    latest: dict[str, Point],
    as_at: dt.date,
    *,
    model: str,
    average: str,
    year_to_date: dict[str, Point] | None = None,
) -> tuple[dict[str, Comparators], bool]:
    """Comparators for each indicator with a published equivalent; and whether any are loaded at all.

    A published figure for a flow (assessments in the year, plans started in the year) is a whole year's, so
    ours is set beside it for the 12 months to the as-at date (`year_to_date`), not for one month."""
    if not has_benchmarks(con):
        return {}, False
    found: dict[str, Comparators] = {}
    for indicator_id in MEASURES:
        point = (year_to_date or {}).get(indicator_id) or latest.get(indicator_id)
        if point is None:
            continue
        over_year = indicator_id in (year_to_date or {})
        year = year_for(con, indicator_id, as_at)
        if year is None:
            continue
        c = compare(con, la_code, indicator_id, year=year, model=model,
                    own=(point.value, point.numerator, point.denominator))  # fmt: skip
        notes = tuple(n for n in c.notes if "Quartile A holds" not in n and "figure was published for this" not in n)
        found[indicator_id] = Comparators(
            indicator_id=indicator_id,
            year=year,
            year_label=year_label(year, c.year_meaning),
            year_meaning=c.year_meaning,
            england=c.england,
            region=c.region,
            region_name=c.region_name,
            neighbours=c.sn_mean if average == "mean" else c.sn_median,
            neighbour_average=average,
            neighbour_model=c.sn_model,
            neighbours_with_data=c.sn_with_data,
            neighbours_total=c.sn_total,
            quartile=c.quartile,
            versus_england=c.versus_england,
            notes=notes,
            own=point,
            own_period=(f"12 months to {point.period_end:%b %Y}" if over_year else f"{point.period_end:%b %Y}"),
        )
    return found, True
