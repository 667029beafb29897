"""England, region and statistical-neighbour figures beside each indicator, for the report.

Uses the comparators package: the latest published year whose reference date is on or before the as-at date,
our figure placed among the published councils as every output places it (`cscperf.comparators.own`: flows over
the 12 months to the as-at date), and the published figures of each year the charts span, so that a chart draws
England's and the neighbours' trend rather than one flat line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cscperf.comparators.comparison import compare, has_benchmarks, published_years, reference_date, year_for
from cscperf.comparators.own import own_figure
from cscperf.comparators.published import MEASURES
from cscperf.indicators.engine import Point
from cscperf.report.figures import year_label
from cscperf.store.connection import Connection

MISSING_NOTE = (
    "No England, region or statistical-neighbour figures were available to compare with when this report was prepared."
)


@dataclass(frozen=True)
class PublishedYear:
    """The published figures for one year: England, our region, our neighbours' average, and our own."""

    year: int
    label: str  # "2024-25", "31 March 2025", "30 September 2025"
    date: dt.date  # the reference date: 31 March, or 30 September for the workforce
    england: float | None
    region: float | None
    neighbours: float | None
    ours: float | None  # our council's published figure, where the DfE published one


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
    rank: int | None = None  # 1 the best (or the lowest, where no direction is better)
    rank_of: int = 0
    interval: tuple[float, float] | None = None  # 95% confidence interval of our figure
    series: tuple[PublishedYear, ...] = ()  # the published years the charts span, oldest first

    @property
    def neighbour_words(self) -> str:
        return (
            "statistical neighbours' average" if self.neighbour_average == "mean" else "statistical neighbours' median"
        )

    @property
    def standing(self) -> str | None:
        """Where our figure stands against England, the region and the neighbours all at once: "higher" when
        above all three, "lower" when below all three, otherwise None."""
        ours = self.own.value if self.own is not None else None
        found = [v for v in (self.england, self.region, self.neighbours) if v is not None]
        if ours is None or not found:
            return None
        if all(ours > v for v in found):
            return "higher"
        if all(ours < v for v in found):
            return "lower"
        return None


def comparators_for(
    con: Connection,
    la_code: str,
    latest: dict[str, Point],
    as_at: dt.date,
    *,
    model: str,
    average: str,
    year_to_date: dict[str, Point] | None = None,
    since: dt.date | None = None,
) -> tuple[dict[str, Comparators], bool]:
    """Comparators for each indicator with a published equivalent; and whether any are loaded at all.

    `since`: the first charted date; the published years from the last one before it to the as-at date are
    kept as each measure's series."""
    if not has_benchmarks(con):
        return {}, False
    found: dict[str, Comparators] = {}
    for indicator_id in MEASURES:
        point = latest.get(indicator_id)
        year = year_for(con, indicator_id, as_at)
        if point is None or year is None:
            continue
        own, period = own_figure(indicator_id, point, year_to_date or {})
        c = compare(con, la_code, indicator_id, year=year, model=model,
                    own=(own.value, own.numerator, own.denominator))  # fmt: skip
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
            own=own,
            own_period=period,
            rank=c.rank,
            rank_of=c.rank_of,
            interval=c.interval,
            series=_series(con, la_code, indicator_id, as_at, since, model, average),
        )
    return found, True


def _series(
    con: Connection,
    la_code: str,
    indicator_id: str,
    as_at: dt.date,
    since: dt.date | None,
    model: str,
    average: str,
) -> tuple[PublishedYear, ...]:
    """The published years from the last one dated before `since` up to the as-at date."""
    meaning = MEASURES[indicator_id].year_meaning
    dated = [(y, reference_date(y, meaning)) for y in published_years(con, indicator_id)]
    dated = [(y, d) for y, d in dated if d <= as_at]
    if since is not None:
        before = [y for y, d in dated if d < since]
        first = before[-1] if before else None
        dated = [(y, d) for y, d in dated if d >= since or y == first]
    out = []
    for year, day in dated:
        c = compare(con, la_code, indicator_id, year=year, model=model)
        out.append(PublishedYear(year, year_label(year, meaning), day, c.england, c.region,
                                 c.sn_mean if average == "mean" else c.sn_median, c.value))  # fmt: skip
    return tuple(out)
