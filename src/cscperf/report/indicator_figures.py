"""One indicator's figures as the report states them: latest month, previous month, change, the last 12
months, a year earlier, target and RAG status, comparators, a small-number warning, and the statistical process
control of the charted months (with the series breaks in them). Every figure is the engine's, rounded as the DfE
rounds.

A percentage of events resting on few a month (conferences, plans started: fewer than `small_denominator` in a
typical month) is judged on the 12 months to the latest month taken together, not on one month: 6 of 15 plans in
a month is not a verdict. Such a measure's `basis` is "12 months"; its rolling series is the months pooled
(all numerators over all denominators), which for events counted in the month they happen is the engine's own
figure for the 12 months.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from cscperf.analysis.spc import Signal, SpcResult
from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy
from cscperf.indicators.definition import Indicator
from cscperf.indicators.engine import Point, round_as_dfe
from cscperf.indicators.spc import series_spc
from cscperf.report.comparisons import Comparators
from cscperf.report.config import EventConfig, TargetConfig
from cscperf.report.figures import n_of_d
from cscperf.report.measures import over_12_months
from cscperf.report.rag import Status, rag_status

Basis = Literal["month", "12 months"]


@dataclass(frozen=True)
class IndicatorFigures:
    indicator: Indicator
    points: tuple[Point, ...]  # oldest first, the charted months
    target: TargetConfig | None
    status: Status
    comparators: Comparators | None
    small_denominator: int
    spc: SpcResult | None = None  # the charted months' process behaviour (None: not worked out)
    breaks: tuple[EventConfig, ...] = ()  # series breaks within the charted months, by date
    disclosure: DisclosurePolicy = DEFAULT_POLICY  # how small numbers are withheld from what members read
    basis: Basis = "month"  # what the status judges: the latest month, or the 12 months to it
    rolling: tuple[Point | None, ...] = ()  # the 12 months to each charted month, pooled (flows only)

    @property
    def latest(self) -> Point:
        return self.points[-1]

    @property
    def previous(self) -> Point | None:
        return self.points[-2] if len(self.points) >= 2 else None

    @property
    def year_ago(self) -> Point | None:
        """The same month a year earlier."""
        return self.points[-13] if len(self.points) >= 13 else None

    @property
    def last_12(self) -> tuple[Point, ...]:
        return self.points[-12:]

    @property
    def average_12m(self) -> float | None:
        """The figure over the latest 12 months, rounded once as the figure is: for percentages and ratios the
        pooled figure (all numerators over all denominators: for events, the year's figure as the DfE computes
        it; for figures at a date, the month-ends weighted by their size), for counts, rates and days the mean of
        the monthly figures. None for a measure whose monthly figure already covers 12 months (turnover)."""
        months = [p for p in self.last_12 if p.value is not None]
        if not months or over_12_months(self.indicator):
            return None
        if self.indicator.unit in ("percent", "ratio"):
            denominator = sum(p.denominator or 0 for p in months)
            if denominator:
                scale = 100 if self.indicator.unit == "percent" else 1
                numerator = sum(p.numerator or 0 for p in months)
                return round_as_dfe(scale * numerator / denominator, self.indicator.decimals)
        return round_as_dfe(sum(float(p.value or 0) for p in months) / len(months), self.indicator.decimals)

    @property
    def break_since_previous(self) -> EventConfig | None:
        """A series break between the month before and the latest month (the latest starts a new segment)."""
        return self.break_since(self.previous)

    def break_since(self, point: Point | None) -> EventConfig | None:
        """The latest series break after `point`'s month, up to and including the latest month's."""
        if point is None:
            return None
        latest_end = self.latest.period_end
        return next((b for b in reversed(self.breaks) if point.period_end < b.date <= latest_end), None)

    @property
    def latest_signal(self) -> Signal | None:
        """The latest month's special cause, if it is one."""
        return self.spc.points[-1].signal if self.spc is not None and self.spc.points else None

    @property
    def change(self) -> float | None:
        """Latest month less the month before, as the figures are shown; None across a series break."""
        prev = self.previous
        if prev is None or prev.value is None or self.latest.value is None or self.break_since_previous:
            return None
        return round_as_dfe(self.latest.value - prev.value, self.indicator.decimals)

    @property
    def change_verdict(self) -> str:
        """ "better" or "worse" for the change on last month only when the latest month is a special cause
        pointing the same way; a movement within normal variation is not called either."""
        words, signal = self.change_words, self.latest_signal
        if (words, signal) in (("better", "improvement"), ("worse", "concern")):
            return words
        return ""

    @property
    def change_words(self) -> str:
        """Whether the change since last month is better or worse, in the indicator's own terms."""
        change = self.change
        if change is None:
            return ""
        if change == 0:
            return "no change"
        polarity = self.indicator.polarity
        if polarity == "higher_is_better":
            return "better" if change > 0 else "worse"
        if polarity == "lower_is_better":
            return "better" if change < 0 else "worse"
        band = self.target.band if self.target is not None else None
        if polarity == "target_band" and band is not None:
            prev = self.previous
            assert prev is not None and prev.value is not None and self.latest.value is not None
            now, before = _distance(self.latest.value, band), _distance(prev.value, band)
            if now == 0:
                return "within the band"
            return "better" if now < before else "worse" if now > before else "no nearer the band"
        return "up" if change > 0 else "down"

    @property
    def direction_words(self) -> str:
        """Which way is good, for every measure: "Higher is better", "Best between 18% and 24%"..."""
        ind = self.indicator
        band = self.target.band if self.target is not None and self.target.band is not None else ind.band
        if ind.polarity == "higher_is_better":
            return "Higher is better"
        if ind.polarity == "lower_is_better":
            return "Lower is better"
        if band is not None:
            suffix = "%" if ind.unit == "percent" else ""
            return f"Best between {band[0]:g}{suffix} and {band[1]:g}{suffix} (too high and too low both concern)"
        return "Neither higher nor lower is better: shown for context"

    @property
    def direction_short(self) -> str:
        """Which way is good, in a few words for a table cell."""
        ind = self.indicator
        band = self.target.band if self.target is not None and self.target.band is not None else ind.band
        if ind.polarity == "higher_is_better":
            return "Higher is better"
        if ind.polarity == "lower_is_better":
            return "Lower is better"
        if band is not None:
            return "Best within the band"
        return "Context: neither way is better"

    @property
    def small_number_note(self) -> str | None:
        """ "7 of 9 children": the latest percentage rests on a small number, so swings mean little."""
        p = self.latest
        if self.indicator.unit != "percent" or p.denominator is None or p.denominator >= self.small_denominator:
            return None
        if p.denominator == 0 or p.numerator is None:
            return None
        return (
            f"Small numbers: {n_of_d(p.numerator, p.denominator, self.indicator.counts, self.disclosure)} "
            f"in the latest month, so a few {self.indicator.counts} change the percentage a lot."
        )

    @property
    def judged(self) -> Point:
        """The figure the status judges: the latest month, or the 12 months to it (see `basis`)."""
        if self.basis == "12 months" and self.rolling and self.rolling[-1] is not None:
            return self.rolling[-1]
        return self.latest

    @property
    def typical_denominator(self) -> float | None:
        """The median monthly denominator over the latest 12 months (how many a month a percentage rests on)."""
        found = [p.denominator for p in self.last_12 if p.denominator is not None and p.value is not None]
        return statistics.median(found) if found else None

    @property
    def history_complete(self) -> bool:
        return all(p.value is not None for p in self.points)


def _distance(value: float, band: tuple[float, float]) -> float:
    return max(band[0] - value, value - band[1], 0.0)


def rolling_12(indicator: Indicator, earlier: Sequence[Point], points: Sequence[Point]) -> tuple[Point | None, ...]:
    """The 12 months to each point, pooled: all numerators over all denominators of the 12 months (None where any
    of them has no figure). Only for percentages of events (flows); empty otherwise."""
    if indicator.unit != "percent" or indicator.period_kind != "flow":
        return ()
    months = [*earlier, *points]
    out: list[Point | None] = []
    for i in range(len(earlier), len(months)):
        year = months[max(0, i - 11) : i + 1]
        if len(year) < 12 or any(not p.available or p.denominator is None for p in year):
            out.append(None)
            continue
        numerator = sum(p.numerator or 0 for p in year)
        denominator = sum(p.denominator or 0 for p in year)
        value = round_as_dfe(100 * numerator / denominator, indicator.decimals) if denominator else None
        out.append(replace(months[i], period_start=year[0].period_start, numerator=numerator,
                           denominator=denominator, value=value, coverage="full", reason=None))  # fmt: skip
    return tuple(out)


def judged_basis(
    indicator: Indicator, points: Sequence[Point], target: TargetConfig | None, small_denominator: int
) -> Basis:
    """ "12 months" for a percentage of events whose typical month rests on fewer than `small_denominator`
    cases (or as the target says); "month" otherwise."""
    if target is not None and target.judged_on is not None:
        return target.judged_on if indicator.unit == "percent" and indicator.period_kind == "flow" else "month"
    if indicator.unit != "percent" or indicator.period_kind != "flow":
        return "month"
    found = [p.denominator for p in points[-12:] if p.denominator is not None and p.value is not None]
    return "12 months" if found and statistics.median(found) < small_denominator else "month"


def indicator_figures(
    indicator: Indicator,
    points: list[Point],
    target: TargetConfig | None,
    comparators: Comparators | None,
    small_denominator: int,
    *,
    breaks: Sequence[EventConfig] = (),
    baseline_points: int | None = None,
    disclosure: DisclosurePolicy = DEFAULT_POLICY,
    earlier: Sequence[Point] = (),
) -> IndicatorFigures:
    """`earlier`: the 11 months before the charted ones (for the 12 months to each charted month)."""
    latest = points[-1] if points else None
    why = (latest.reason or "not available") if latest is not None and not latest.available else None
    rolling = rolling_12(indicator, earlier, points)
    basis = judged_basis(indicator, points, target, small_denominator)
    if basis == "12 months" and (not rolling or rolling[-1] is None):
        basis = "month"  # not 12 months of figures yet
    judged = rolling[-1] if basis == "12 months" and rolling else latest
    status = rag_status(indicator, judged.value if judged else None, target, why)
    # the breaks that split the charted months (one in the first month starts no new segment)
    shown = tuple(b for b in breaks if points and points[0].period_end < b.date <= points[-1].period_end)
    spc = series_spc(indicator, points, target=target.target if target is not None else None,
                     band=target.band if target is not None else None, breaks=[b.date for b in shown],
                     baseline_points=baseline_points) if points else None  # fmt: skip
    return IndicatorFigures(indicator, tuple(points), target, status, comparators, small_denominator, spc, shown,
                            disclosure, basis, rolling)  # fmt: skip
