"""Statistical process control on indicator series: each series (a council's, or a group's in a breakdown)
analysed by cscperf.analysis.spc, dated by the last day of each period, judged by the indicator's direction.

Measures where higher or lower is better get "improvement" and "concern" signals; measures best within a band
and context measures with no better direction get "neutral" ones (docs/spc.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cscperf.analysis.spc import Improvement, SpcResult, analyse
from cscperf.indicators.definition import Indicator
from cscperf.indicators.engine import Point, Result

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
    outside the series' periods are of no consequence to it and are left out."""
    ordered = sorted(points, key=lambda p: p.period_end)
    improvement = improvement_for(indicator)
    if ordered:
        breaks = [b for b in breaks if ordered[0].period_end < b <= ordered[-1].period_end]
    return analyse(
        [p.period_end for p in ordered],
        [p.value for p in ordered],
        improvement=improvement,
        target=target if improvement != "neutral" else None,
        band=band,
        baseline_points=baseline_points,
        breaks=breaks,
    )


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
