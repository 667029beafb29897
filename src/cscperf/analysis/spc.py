"""Statistical process control as NHS England's "Making Data Count" publishes it: an XmR process behaviour
chart for a series, the four rules for special-cause variation, and the variation and assurance icons.

Pure functions on a series: no store, no I/O. The method (docs/spc.md has the working and the choices):

- The series splits at each break into segments; each segment has its own mean and limits.
- Baseline: every point of the segment, or its first N points (the rest are judged against them).
- Mean = the mean of the baseline values. Moving ranges |x(i) - x(i-1)| of consecutive baseline points; their
  mean is the mean moving range (not screened for outliers, as in the Making Data Count Excel tools).
- Process limits = mean +/- 2.66 x mean moving range. A point is "close to" a limit when it lies beyond
  two-thirds of the way from the mean to it, up to and including the limit.
- Special cause, each point of the pattern flagged:
    outside_limits  a point beyond a process limit (a point on a limit is not beyond it);
    trend           7 or more consecutive points each higher than the one before (or each lower); a point
                    equal to the one before breaks the trend;
    two_of_three    2 of 3 consecutive points close to the same limit (the third point anywhere; points beyond
                    the limit count under outside_limits instead);
    run             7 or more consecutive points on the same side of the mean; a point on the mean breaks it.
  A point flagged by several rules takes its direction from the first in that order (a trend from its own
  direction, the others from the side of the mean). By the measure's direction, a special cause is an
  "improvement" or a "concern"; for a measure with no better direction it is "neutral_high" or "neutral_low".
- Variation icon: the latest point's state. Assurance icon: where the target lies against the current limits.
- A segment (or baseline) of fewer than 12 points gives trial limits and a warning.

Figures are compared to within a ten-billionth of the segment's scale, so that 12.66 lies on a limit computed as
10 + 2.66 x 1 and a tie stays a tie whatever the units.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Improvement = Literal["higher", "lower", "neutral"]
Signal = Literal["improvement", "concern", "neutral_high", "neutral_low"]
Rule = Literal["outside_limits", "trend", "two_of_three", "run"]
Direction = Literal["high", "low"]
VariationIcon = Literal[
    "common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low", "neutral_high", "neutral_low"
]
AssuranceIcon = Literal["pass", "fail", "hit_and_miss"]

IMPROVEMENTS: tuple[Improvement, ...] = ("higher", "lower", "neutral")
RULES: tuple[Rule, ...] = ("outside_limits", "trend", "two_of_three", "run")
"""The rules in the order that decides a point's direction when several flag it."""
VARIATION_ICONS: tuple[VariationIcon, ...] = ("common_cause", "improvement_high", "improvement_low", "concern_high",
                                              "concern_low", "neutral_high", "neutral_low")  # fmt: skip
ASSURANCE_ICONS: tuple[AssuranceIcon, ...] = ("pass", "fail", "hit_and_miss")

LIMIT_FACTOR = 2.66
"""Process limits lie this many mean moving ranges from the mean (3 / 1.128, the XmR constant)."""
CLOSE_FRACTION = 2 / 3
"""A point beyond this fraction of the way from the mean to a limit is close to it (the outer third)."""
RUN_LENGTH = 7
"""Consecutive points on one side of the mean that make a run."""
TREND_LENGTH = 7
"""Consecutive points each higher (or each lower) than the one before that make a trend."""
MIN_POINTS = 12
"""Fewer points than this in a segment (or its baseline) give trial limits and a warning."""
RELATIVE_TOLERANCE = 1e-10
"""Figures closer than this fraction of the segment's scale compare as equal."""


@dataclass(frozen=True)
class Limits:
    """A segment's centre line and process limits, from its baseline points."""

    mean: float
    mean_moving_range: float | None  # None with a single baseline point: there is no moving range

    @property
    def upper(self) -> float | None:
        return None if self.mean_moving_range is None else self.mean + LIMIT_FACTOR * self.mean_moving_range

    @property
    def lower(self) -> float | None:
        return None if self.mean_moving_range is None else self.mean - LIMIT_FACTOR * self.mean_moving_range

    @property
    def close_upper(self) -> float | None:
        """Two-thirds of the way from the mean to the upper limit."""
        mr = self.mean_moving_range
        return None if mr is None else self.mean + CLOSE_FRACTION * LIMIT_FACTOR * mr

    @property
    def close_lower(self) -> float | None:
        mr = self.mean_moving_range
        return None if mr is None else self.mean - CLOSE_FRACTION * LIMIT_FACTOR * mr


@dataclass(frozen=True)
class Segment:
    """The points between two breaks (or the ends of the series), judged against their own limits."""

    first: dt.date
    last: dt.date
    points: int  # points with a figure
    baseline_points: int  # of those, the ones the mean and limits are worked out from
    limits: Limits | None  # None when no point has a figure
    break_date: dt.date | None = None  # the break this segment starts at

    @property
    def trial(self) -> bool:
        """Limits from fewer than MIN_POINTS points: provisional, revised as points are added."""
        return self.baseline_points < MIN_POINTS


@dataclass(frozen=True)
class SpcPoint:
    """One point of the series with its segment's mean and limits and the special cause, if any."""

    date: dt.date
    value: float | None
    segment: int  # index into SpcResult.segments
    mean: float | None = None
    upper: float | None = None
    lower: float | None = None
    signal: Signal | None = None
    direction: Direction | None = None  # which way the special cause points
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class SpcResult:
    improvement: Improvement
    points: tuple[SpcPoint, ...]
    segments: tuple[Segment, ...]
    variation_icon: VariationIcon | None  # None when there is nothing to judge (fewer than 2 figures)
    assurance_icon: AssuranceIcon | None  # None without a target, or for a measure with no better direction
    warnings: tuple[str, ...] = ()

    @property
    def latest(self) -> SpcPoint | None:
        """The most recent point with a figure."""
        return next((p for p in reversed(self.points) if p.value is not None), None)

    @property
    def current(self) -> Segment | None:
        """The segment the latest figure belongs to."""
        latest = self.latest
        return None if latest is None else self.segments[latest.segment]


def analyse(
    dates: Sequence[dt.date],
    values: Sequence[float | None],
    *,
    improvement: Improvement,
    target: float | None = None,
    band: tuple[float, float] | None = None,
    baseline_points: int | None = None,
    breaks: Sequence[dt.date] = (),
) -> SpcResult:
    """The XmR analysis of a series: `dates` strictly increasing, `values` beside them (None: no figure, skipped).

    `improvement` is which way is better; `target` (a single figure) or `band` (low, high) gives the assurance
    icon; `baseline_points` fixes each segment's mean and limits on its first N figures; each date in `breaks`
    starts a new segment at the first point dated on or after it.
    """
    _check(dates, values, improvement, target, band, baseline_points)
    used, warnings = _used_breaks(dates, breaks)
    bounds = _segment_bounds(dates, used)
    segments: list[Segment] = []
    points: list[SpcPoint] = []
    for number, (start, stop, break_date) in enumerate(bounds):
        segment, judged = _segment(number, dates[start:stop], values[start:stop], improvement, baseline_points,
                                   break_date)  # fmt: skip
        segments.append(segment)
        points.extend(judged)
        warnings.extend(_segment_warnings(segment, baseline_points))
    result = SpcResult(improvement, tuple(points), tuple(segments), None, None)
    current = result.current
    limits = current.limits if current is not None else None
    variation = _variation_icon(result.latest) if limits is not None and limits.mean_moving_range is not None else None
    assurance = _assurance_icon(limits, improvement, target, band)
    if target is not None and improvement == "neutral":
        warnings.append("A single target cannot say which side is good for a measure with no better direction, "
                        "so there is no assurance icon (give a band instead).")  # fmt: skip
    return SpcResult(improvement, tuple(points), tuple(segments), variation, assurance, tuple(warnings))


# ----------------------------------------------------------------------------------------------- checks


def _check(
    dates: Sequence[dt.date],
    values: Sequence[float | None],
    improvement: str,
    target: float | None,
    band: tuple[float, float] | None,
    baseline_points: int | None,
) -> None:
    if len(dates) != len(values):
        raise ValueError(f"{len(dates)} dates but {len(values)} values")
    if any(b <= a for a, b in itertools.pairwise(dates)):
        raise ValueError("dates must be strictly increasing")
    if improvement not in IMPROVEMENTS:
        raise ValueError(f"improvement must be one of {', '.join(IMPROVEMENTS)}, not {improvement!r}")
    if any(v is not None and not math.isfinite(v) for v in values):
        raise ValueError("values must be finite numbers (or None for no figure)")
    if target is not None and band is not None:
        raise ValueError("give a target or a band, not both")
    if band is not None and band[0] > band[1]:
        raise ValueError("the band runs from high to low")
    if baseline_points is not None and baseline_points < 2:
        raise ValueError("a baseline needs at least 2 points (one moving range)")


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _used_breaks(dates: Sequence[dt.date], breaks: Sequence[dt.date]) -> tuple[list[dt.date], list[str]]:
    """The breaks that start a segment (on or after the first date, on or before the last), and warnings for the
    others."""
    used: list[dt.date] = []
    warnings: list[str] = []
    for day in sorted(set(breaks)):
        if not dates or day > dates[-1]:
            warnings.append(f"The break on {_long_date(day)} is after the last point, so it was not used.")
        elif day < dates[0]:
            warnings.append(f"The break on {_long_date(day)} is before the first point, so it was not used.")
        else:
            used.append(day)
    return used, warnings


def _segment_bounds(dates: Sequence[dt.date], breaks: list[dt.date]) -> list[tuple[int, int, dt.date | None]]:
    """(start, stop, break) index ranges: each break starts a segment at the first point dated on or after it;
    several breaks before the same point start one segment (named by the latest of them)."""
    starts: dict[int, dt.date | None] = {0: None}
    for day in breaks:
        index = next(i for i, d in enumerate(dates) if d >= day)
        starts[index] = day
    ordered = sorted(starts)
    return [(s, e, starts[s]) for s, e in zip(ordered, [*ordered[1:], len(dates)], strict=True)] if dates else []


def _segment_warnings(segment: Segment, baseline_points: int | None) -> list[str]:
    if segment.points == 0:
        return []
    span = (f"from {_long_date(segment.first)} to {_long_date(segment.last)}"
            + (f", since the break on {_long_date(segment.break_date)}" if segment.break_date else ""))  # fmt: skip
    if segment.points < MIN_POINTS:
        return [f"Only {segment.points} point{'s' if segment.points != 1 else ''} {span}: the limits are trial "
                f"limits, to be revised as points are added, until there are {MIN_POINTS}."]  # fmt: skip
    if baseline_points is not None and segment.baseline_points < MIN_POINTS:
        return [f"The limits {span} rest on a baseline of only {segment.baseline_points} points; "
                f"{MIN_POINTS} or more make them reliable."]  # fmt: skip
    return []


# ----------------------------------------------------------------------------------------------- one segment


def _segment(
    number: int,
    dates: Sequence[dt.date],
    values: Sequence[float | None],
    improvement: Improvement,
    baseline_points: int | None,
    break_date: dt.date | None,
) -> tuple[Segment, list[SpcPoint]]:
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    figures = [v for _, v in known]
    baseline = figures[:baseline_points] if baseline_points else figures
    limits = _limits(baseline)
    segment = Segment(dates[0], dates[-1], len(figures), len(baseline), limits, break_date)
    if limits is None or limits.mean_moving_range is None:  # no figure, or one: a mean at most, no limits
        mean = limits.mean if limits is not None else None
        return segment, [SpcPoint(d, v, number, mean if v is not None else None)
                         for d, v in zip(dates, values, strict=True)]  # fmt: skip
    flags = _flags(figures, limits)
    by_index = dict(zip([i for i, _ in known], flags, strict=True))
    points = []
    for i, (day, value) in enumerate(zip(dates, values, strict=True)):
        if value is None:
            points.append(SpcPoint(day, None, number))
            continue
        rules, direction = by_index[i]
        signal = _signal(direction, improvement) if direction is not None else None
        points.append(SpcPoint(day, value, number, limits.mean, limits.upper, limits.lower, signal,
                               _as_direction(direction), rules))  # fmt: skip
    return segment, points


def _limits(baseline: Sequence[float]) -> Limits | None:
    if not baseline:
        return None
    mean = math.fsum(baseline) / len(baseline)
    ranges = [abs(b - a) for a, b in itertools.pairwise(baseline)]
    return Limits(mean, math.fsum(ranges) / len(ranges) if ranges else None)


def _compare(a: float, b: float, tolerance: float) -> int:
    """-1, 0 or 1 as a is below, level with (within the tolerance) or above b."""
    if abs(a - b) <= tolerance:
        return 0
    return 1 if a > b else -1


def _flags(figures: Sequence[float], limits: Limits) -> list[tuple[tuple[Rule, ...], int | None]]:
    """For each figure, the rules that flag it and the direction (+1 high, -1 low) of its special cause."""
    upper, lower, close_upper, close_lower = limits.upper, limits.lower, limits.close_upper, limits.close_lower
    assert upper is not None and lower is not None and close_upper is not None and close_lower is not None
    scale = max([abs(v) for v in figures] + [abs(limits.mean), limits.mean_moving_range or 0.0])
    tolerance = RELATIVE_TOLERANCE * scale
    side = [_compare(v, limits.mean, tolerance) for v in figures]
    outside = [_compare(v, upper, tolerance) > 0 or _compare(v, lower, tolerance) < 0 for v in figures]
    close = [
        (not out) and (_compare(v, close_upper, tolerance) > 0 or _compare(v, close_lower, tolerance) < 0)
        for v, out in zip(figures, outside, strict=True)
    ]
    found: dict[Rule, dict[int, int]] = {
        "outside_limits": {i: side[i] for i, out in enumerate(outside) if out},
        "trend": _trends(figures, tolerance),
        "two_of_three": _two_of_three(close, side),
        "run": _runs(side),
    }
    out: list[tuple[tuple[Rule, ...], int | None]] = []
    for i in range(len(figures)):
        rules = tuple(rule for rule in RULES if i in found[rule])
        out.append((rules, found[rules[0]][i] if rules else None))
    return out


def _runs(side: Sequence[int]) -> dict[int, int]:
    """Points in runs of RUN_LENGTH or more on one side of the mean (a point on the mean, side 0, breaks a run)."""
    flagged: dict[int, int] = {}
    start = 0
    for i in range(1, len(side) + 1):
        if i == len(side) or side[i] != side[start]:
            if side[start] != 0 and i - start >= RUN_LENGTH:
                flagged.update(dict.fromkeys(range(start, i), side[start]))
            start = i
    return flagged


def _trends(figures: Sequence[float], tolerance: float) -> dict[int, int]:
    """Points in trends of TREND_LENGTH or more points each higher (or lower) than the one before; a point equal
    to the one before breaks the trend. A point ending one trend and starting the other takes the later one."""
    steps = [_compare(b, a, tolerance) for a, b in itertools.pairwise(figures)]
    flagged: dict[int, int] = {}
    start = 0
    for k in range(1, len(steps) + 1):
        if k == len(steps) or steps[k] != steps[start]:
            if steps[start] != 0 and k - start + 1 >= TREND_LENGTH:
                flagged.update(dict.fromkeys(range(start, k + 1), steps[start]))
            start = k
    return flagged


def _two_of_three(close: Sequence[bool], side: Sequence[int]) -> dict[int, int]:
    """Points close to a limit that are 2 (or 3) of 3 consecutive points close to the same limit."""
    flagged: dict[int, int] = {}
    for start in range(len(close) - 2):
        window = range(start, start + 3)
        for direction in (1, -1):
            near = [i for i in window if close[i] and side[i] == direction]
            if len(near) >= 2:
                flagged.update(dict.fromkeys(near, direction))
    return flagged


def _as_direction(direction: int | None) -> Direction | None:
    return None if direction is None else "high" if direction > 0 else "low"


def _signal(direction: int, improvement: Improvement) -> Signal:
    if improvement == "neutral":
        return "neutral_high" if direction > 0 else "neutral_low"
    good = 1 if improvement == "higher" else -1
    return "improvement" if direction == good else "concern"


# ----------------------------------------------------------------------------------------------- icons


def _variation_icon(latest: SpcPoint | None) -> VariationIcon | None:
    if latest is None:
        return None
    if latest.signal is None or latest.direction is None:
        return "common_cause"
    if latest.signal in ("neutral_high", "neutral_low"):
        return latest.signal
    icon: VariationIcon = f"{latest.signal}_{latest.direction}"  # type: ignore[assignment]
    return icon


def _assurance_icon(
    limits: Limits | None, improvement: Improvement, target: float | None, band: tuple[float, float] | None
) -> AssuranceIcon | None:
    """Will the process meet the target? Inside the limits (a limit included): sometimes; beyond them on the
    good side: consistently; on the bad side: never. For a band: limits within it pass, limits wholly outside
    it fail, otherwise hit and miss."""
    if limits is None or limits.upper is None or limits.lower is None:
        return None
    upper, lower = limits.upper, limits.lower
    tolerance = RELATIVE_TOLERANCE * max(abs(upper), abs(lower), limits.mean_moving_range or 0.0)
    if band is not None:
        low, high = band
        if _compare(lower, low, tolerance) >= 0 and _compare(upper, high, tolerance) <= 0:
            return "pass"
        if _compare(upper, low, tolerance) < 0 or _compare(lower, high, tolerance) > 0:
            return "fail"
        return "hit_and_miss"
    if target is None or improvement == "neutral":
        return None
    below, above = _compare(target, lower, tolerance) < 0, _compare(target, upper, tolerance) > 0
    if not below and not above:
        return "hit_and_miss"
    return "pass" if below == (improvement == "higher") else "fail"
