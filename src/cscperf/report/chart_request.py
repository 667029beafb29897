"""What the report asks a chart to show: the contract between the report (which decides what to chart) and
the chart renderer (which decides how). Plain data, no drawing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy

Rag = Literal["blue", "green", "amber", "red", "none"]
ReferenceKind = Literal["target", "stretch", "england", "region", "neighbours"]
ComparatorKind = Literal["england", "region", "neighbours"]


@dataclass(frozen=True)
class ChartPoint:
    """One period of a series: its label (e.g. "Oct 2026"), the last day it covers and the figures."""

    period_end: dt.date
    label: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    withheld: bool = False  # withheld so that a small count beside it cannot be worked out (its value is None)


@dataclass(frozen=True)
class ChartLine:
    """One series: the council's own figures for an indicator, period by period."""

    label: str
    unit: str  # count, percent, rate_per_10k, ratio, days (as the indicator library)
    decimals: int
    points: tuple[ChartPoint, ...]
    period_kind: str = ""  # "flow" (events in the period) or "stock" (at its end), as the indicator library


def flows_withheld_together(lines: tuple[ChartLine, ...], is_small: Callable[[float | None], bool]) -> set[dt.date]:
    """The months in which a count of events given beside a chart (children starting care, children leaving it)
    is small: in those months every such count is withheld, since the children in care at each month end and
    one flow would give the other by subtraction."""
    return {p.period_end for x in lines if x.unit == "count" and x.period_kind == "flow" for p in x.points
            if p.value is not None and is_small(p.numerator if p.numerator is not None else p.value)}  # fmt: skip


@dataclass(frozen=True)
class ReferenceLine:
    """A flat line to compare with: a target, or a published comparator with the year it is for."""

    label: str  # e.g. "Target 90%", "England 2024-25: 70"
    value: float
    kind: ReferenceKind


@dataclass(frozen=True)
class PublishedPoint:
    """One published year of a comparator: its reference date (31 March, or 30 September for the workforce), the
    figure, and how the year is written ("2024-25")."""

    date: dt.date
    value: float
    year_label: str


@dataclass(frozen=True)
class ComparatorSeries:
    """A published comparator over its years (England, our region, our statistical neighbours), drawn as the
    trend between its years, never as one flat line across the chart."""

    kind: ComparatorKind
    label: str  # e.g. "England", "East of England", "Statistical neighbours (mean)"
    points: tuple[PublishedPoint, ...]  # oldest first


@dataclass(frozen=True)
class ChartEvent:
    """A dated event to mark on the chart, e.g. a case-system upgrade after which counts are not comparable. A
    series break also restarts the process limits."""

    date: dt.date
    text: str
    series_break: bool = False


@dataclass(frozen=True)
class ChartSpcPoint:
    """Statistical process control for one period of the headline series: its segment's mean and process limits
    (kept within what the measure can take) and the special cause, if the period is one."""

    period_end: dt.date
    mean: float
    upper: float | None
    lower: float | None
    segment: int  # periods of one segment share their limits; a series break starts the next
    signal: str | None = None  # improvement, concern, neutral_high, neutral_low
    words: str = ""  # e.g. "Concern: run of 7 or more on one side of the mean"


@dataclass(frozen=True)
class ChartSpc:
    """The headline series' process behaviour: the lines behind the data and the flagged points."""

    points: tuple[ChartSpcPoint, ...]
    summary: str  # the latest month's state, e.g. "Latest month within normal variation (common cause)"
    provisional: bool = False  # fewer than 12 periods since the last break: trial limits


@dataclass(frozen=True)
class ChartRequest:
    """One chart of Appendix 1: one measure, on one axis.

    `main` is the measure month by month. `rolling`, where present, is the 12 months to each month taken together:
    the series a small-denominator measure is judged on (`judged` is "12 months"), so the target is drawn with it.
    `comparators` are the published figures over their years. `related` are further measures given in the figures
    beneath the chart but not drawn (the number of children beside a rate, the variant of a measure).
    `secondary` and `extra` draw further series; the report's own charts use neither (one measure per chart)."""

    chart_id: str  # file-name safe, e.g. "cp_visits_in_time"
    title: str
    direction: str  # plain words, e.g. "Higher is better", "Lower is better", "Best within 35 to 45"
    main: ChartLine  # the headline series, left axis
    secondary: ChartLine | None = None  # a second series on a right axis
    extra: tuple[ChartLine, ...] = ()  # further series on the left axis
    band: tuple[float, float] | None = None  # the range where a target_band indicator is best
    references: tuple[ReferenceLine, ...] = ()  # the target (comparators: `comparators`)
    events: tuple[ChartEvent, ...] = ()
    latest_rag: Rag = "none"
    rag_words: str = "No target"  # e.g. "Red: below tolerance (target 90%, tolerance 85%)"
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. small-number warnings
    spc: ChartSpc | None = None  # mean, process limits and signals of the headline series
    disclosure: DisclosurePolicy = DEFAULT_POLICY  # small counts withheld in "7 of 9" (alt text, data table)
    rolling: ChartLine | None = None  # the 12 months to each month, pooled
    judged: Literal["month", "12 months"] = "month"  # what the target and status judge
    comparators: tuple[ComparatorSeries, ...] = ()
    related: tuple[ChartLine, ...] = ()  # in the figures only
    counts: tuple[str, str] = ("", "")  # what the numerator and denominator count, e.g. ("visits in time", ...)
    axis_note: str = ""  # e.g. "The axis starts at 50%." (set when drawn)
