"""Statistical process control on indicator series: each series (a council's, or a group's in a breakdown)
analysed by cscperf.analysis.spc, dated by the last day of each period, judged by the indicator's direction.

Measures where higher or lower is better get "improvement" and "concern" signals; measures best within a band
and context measures with no better direction get "neutral" ones (docs/spc.md).

A figure for part of a period cannot be set beside whole ones: a month so far ("1-15 Oct 2026"), a financial
year so far, or a month the data end within. For a flow (referrals in the month, visits due in it) such a figure
is left out of the analysis: it counts towards neither the mean nor the limits, it is not judged against them,
and a note says so. A stock or cohort is measured on the period's last day, so its figure stands with the rest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Sequence

from cscperf.analysis.spc import Improvement, SpcResult, analyse
from cscperf.indicators.definition import Indicator
from cscperf.indicators.engine import Point, Result, exact_value

IMPROVEMENT_FOR: dict[str, Improvement] = {
    "higher_is_better": "higher",
    "lower_is_better": "lower",
    "target_band": "neutral",
    "neutral": "neutral",
}

SeriesKey = tuple[str, str | None]
"""A series of a result: (council code, breakdown group or None)."""


def improvement_for(indicator: Indicator) -> Improvement:
    return IMPROVEMENT_FOR[indicator.polarity]


def series_spc(
    indicator: Indicator,
    points: Sequence[Point],
    *,
    target: float | None = None,
    band: tuple[float, float] | None = None,
    breaks: Sequence[dt.date] = (),
    baseline_points: int | None = None,
) -> SpcResult:
    """The SPC analysis of one series of an indicator (points of one council and group, in any order). Breaks
    outside the series' periods are of no consequence to it and are left out; a flow's figure for part of a
    period is left out of the analysis (see the module's note)."""
    ordered = sorted(points, key=lambda p: p.period_end)
    improvement = improvement_for(indicator)
    if ordered:
        breaks = [b for b in breaks if ordered[0].period_end < b <= ordered[-1].period_end]
    partial = part_periods(indicator, ordered)
    result = analyse(
        [p.period_end for p in ordered],
        [None if p in partial else exact_value(indicator, p) for p in ordered],
        improvement=improvement,
        target=target if improvement != "neutral" else None,
        band=band,
        baseline_points=baseline_points,
        breaks=breaks,
    )
    if not partial:
        return result
    left_out = [_period_words(p) for p in ordered if p in partial and p.value is not None]
    if not left_out:
        return result
    note = (f"{' and '.join(left_out)} cover{'s' if len(left_out) == 1 else ''} part of a period only, so "
            f"{'it is' if len(left_out) == 1 else 'they are'} left out of the mean and process limits and not "
            "judged against them.")  # fmt: skip
    return dataclasses.replace(result, warnings=(*result.warnings, note))


def _months(start: dt.date, end: dt.date) -> int | None:
    """The whole calendar months from `start` to `end` (both included), or None if the period is not whole
    months (it begins after the 1st or ends before the month's last day)."""
    after = end + dt.timedelta(days=1)
    if start.day != 1 or after.day != 1:
        return None
    return (after.year - start.year) * 12 + after.month - start.month


def part_periods(indicator: Indicator, points: Sequence[Point]) -> set[Point]:
    """The points of a flow that cover part of a period: a period shorter than the series' usual one (a month
    so far, a financial year so far), or one the data end within (coverage "part")."""
    if indicator.period_kind != "flow":
        return set()
    lengths = Counter(_months(p.period_start, p.period_end) for p in points)
    usual = max((n for n in lengths if n is not None), key=lambda n: lengths[n], default=None)
    return {p for p in points if p.coverage == "part" or _months(p.period_start, p.period_end) != usual}


def _period_words(point: Point) -> str:
    start, end = point.period_start, point.period_end
    if point.coverage == "part" and _months(start, end) is not None:
        return f"{end:%B %Y} (the data end within it)"
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def result_spc(
    result: Result,
    *,
    target: float | None = None,
    band: tuple[float, float] | None = None,
    breaks: Sequence[dt.date] = (),
    baseline_points: int | None = None,
) -> dict[SeriesKey, SpcResult]:
    """Every series of an indicator's result analysed, by (council, group)."""
    series: dict[SeriesKey, list[Point]] = {}
    for p in result.points:
        series.setdefault((p.la_code, p.group), []).append(p)
    return {
        key: series_spc(result.indicator, points, target=target, band=band, breaks=breaks,
                        baseline_points=baseline_points)
        for key, points in series.items()
    }  # fmt: skip
