"""One indicator's figures as the report states them: latest month, previous month, change, 12-month average,
a year earlier, target and RAG status, comparators, a small-number warning, and the statistical process control
of the charted months (with the series breaks in them). Every figure is the engine's, rounded as the DfE
rounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cscperf.analysis.spc import Signal, SpcResult
from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy
from cscperf.indicators.definition import Indicator
from cscperf.indicators.engine import Point, round_as_dfe
from cscperf.indicators.spc import series_spc
from cscperf.report.comparisons import Comparators
from cscperf.report.config import EventConfig, TargetConfig
from cscperf.report.figures import n_of_d
from cscperf.report.rag import Status, rag_status


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
        pooled figure (all numerators over all denominators, as the DfE computes a year's figure), for counts,
        rates and days the mean of the monthly figures."""
        months = [p for p in self.last_12 if p.value is not None]
        if not months:
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
    def history_complete(self) -> bool:
        return all(p.value is not None for p in self.points)


def _distance(value: float, band: tuple[float, float]) -> float:
    return max(band[0] - value, value - band[1], 0.0)


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
) -> IndicatorFigures:
    latest = points[-1] if points else None
    why = (latest.reason or "not available") if latest is not None and not latest.available else None
    status = rag_status(indicator, latest.value if latest else None, target, why)
    # the breaks that split the charted months (one in the first month starts no new segment)
    shown = tuple(b for b in breaks if points and points[0].period_end < b.date <= points[-1].period_end)
    spc = series_spc(indicator, points, target=target.target if target is not None else None,
                     band=target.band if target is not None else None, breaks=[b.date for b in shown],
                     baseline_points=baseline_points) if points else None  # fmt: skip
    return IndicatorFigures(indicator, tuple(points), target, status, comparators, small_denominator, spc, shown,
                            disclosure)  # fmt: skip
