"""Statistical process control (cscperf.analysis.spc): each rule on hand-built series with the answer worked out
by hand beside it, the edges the Making Data Count rules leave open (a point on the mean, a tie in a trend, a
point on a limit, two of three on opposite sides), breaks, fixed baselines, short series, the icons, and
property tests. The published worked examples are in test_spc_published.py.

Most series below start with the same 12-point baseline, fixed with baseline_points=12 so that each test
looks at one rule:

    B = 11, 9, 11, 9, ... (6 pairs, ending on 9)
    mean = (6 x 11 + 6 x 9) / 12 = 10
    moving ranges: 11 of |11 - 9| = 2, so the mean moving range = 2
    process limits = 10 +/- 2.66 x 2 = 10 +/- 5.32: lower 4.68, upper 15.32
    close to a limit = beyond two-thirds of the way: 10 +/- 5.32 x 2/3 = 10 +/- 3.5467: below 6.4533, above 13.5467
    B alone has no signal: it alternates about the mean (no run, no trend) and stays well inside the limits.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cscperf.analysis.spc import Improvement, SpcResult, analyse
from cscperf.reporting_periods import add_months

BASELINE = [11.0, 9.0] * 6


def months(n: int, first: dt.date = dt.date(2024, 1, 31)) -> list[dt.date]:
    """n month ends from `first`."""
    return [_month_end(add_months(first.replace(day=1), i)) for i in range(n)]


def _month_end(first_of_month: dt.date) -> dt.date:
    return add_months(first_of_month, 1) - dt.timedelta(days=1)


def spc(values: list[float | None], improvement: Improvement = "higher", **options: object) -> SpcResult:
    return analyse(months(len(values)), values, improvement=improvement, **options)  # type: ignore[arg-type]


def fixed(after: list[float], improvement: Improvement = "higher", **options: object) -> SpcResult:
    """The baseline B, then `after`, judged against B's limits."""
    return spc([*BASELINE, *after], improvement, baseline_points=12, **options)


def flagged(result: SpcResult, rule: str | None = None) -> list[int]:
    """Positions of the points with a special cause (by `rule`, if given)."""
    return [i for i, p in enumerate(result.points) if p.rules and (rule is None or rule in p.rules)]


# ---------------------------------------------------------------- the centre line and the limits


def test_mean_and_limits_by_hand() -> None:
    # 10, 12, 11, 13, 14: mean 60 / 5 = 12; moving ranges 2, 1, 2, 1: mean 6 / 4 = 1.5
    # limits 12 +/- 2.66 x 1.5 = 12 +/- 3.99: 8.01 and 15.99
    result = spc([10, 12, 11, 13, 14])
    (segment,) = result.segments
    assert segment.limits is not None
    assert segment.limits.mean == 12
    assert segment.limits.mean_moving_range == 1.5
    assert segment.limits.upper == pytest.approx(15.99)
    assert segment.limits.lower == pytest.approx(8.01)
    assert segment.limits.close_upper == pytest.approx(14.66)  # 12 + 3.99 x 2/3
    p = result.points[-1]
    assert (p.mean, p.upper, p.lower) == (12, segment.limits.upper, segment.limits.lower)
    assert flagged(result) == []
    assert result.variation_icon == "common_cause"


def test_the_baseline_fixes_the_limits_and_judges_the_rest() -> None:
    # B's limits hold for the points after it: mean 10, limits 4.68 and 15.32, whatever follows
    result = fixed([14, 14, 14])
    assert {p.mean for p in result.points} == {10}
    assert all(p.upper == pytest.approx(15.32) and p.lower == pytest.approx(4.68) for p in result.points)
    assert result.segments[0].baseline_points == 12 and result.segments[0].points == 15
    # without the fixed baseline the three 14s move the mean: (120 + 42) / 15 = 10.8
    assert spc([*BASELINE, 14, 14, 14]).points[0].mean == pytest.approx(10.8)


def test_a_point_with_no_figure_is_skipped() -> None:
    # 10, -, 12, 11, 13, 14 is worked out as 10, 12, 11, 13, 14 (mean 12, mean moving range 1.5)
    result = spc([10, None, 12, 11, 13, 14])
    assert result.segments[0].limits == spc([10, 12, 11, 13, 14]).segments[0].limits
    gap = result.points[1]
    assert gap.value is None and gap.mean is None and gap.signal is None and gap.rules == ()
    assert result.segments[0].points == 5


# ---------------------------------------------------------------- rule 1: outside the limits


def test_a_point_beyond_a_limit() -> None:
    result = fixed([15.33, 4.67])  # 15.33 > 15.32 and 4.67 < 4.68
    assert flagged(result, "outside_limits") == [12, 13]
    assert [result.points[12].signal, result.points[13].signal] == ["improvement", "concern"]
    assert [result.points[12].direction, result.points[13].direction] == ["high", "low"]


def test_a_point_on_a_limit_is_not_beyond_it_but_is_close_to_it() -> None:
    # 15.32 is exactly the upper limit (10 + 2.66 x 2) and 4.68 the lower: neither is beyond
    assert flagged(fixed([15.32])) == []
    assert flagged(fixed([4.68])) == []
    # on the limit it is in the outer third, so it counts towards two of three: 15.32 and 14 (close), 10 between
    result = fixed([15.32, 10, 14])
    assert flagged(result) == [12, 14]
    assert result.points[12].rules == ("two_of_three",)


# ---------------------------------------------------------------- rule 2: a trend of 7


def test_a_trend_of_exactly_six_is_not_a_signal() -> None:
    # B ends on 9; then 8 (down), 9, 10, 11, 12, 13: six points each higher than the one before
    # (none close to a limit: 13 < 13.5467; no run: they cross the mean)
    assert flagged(fixed([8, 9, 10, 11, 12, 13])) == []


def test_a_trend_of_seven_flags_every_point() -> None:
    # 7, 8, ..., 13: seven points each higher than the one before (9 -> 7 before them is a fall)
    result = fixed([7, 8, 9, 10, 11, 12, 13])
    assert flagged(result) == list(range(12, 19))
    assert all(result.points[i].rules == ("trend",) for i in range(12, 19))
    assert {result.points[i].signal for i in range(12, 19)} == {"improvement"}
    assert result.variation_icon == "improvement_high"
    falling = fixed([13, 12, 11, 10, 9, 8, 7])
    assert flagged(falling) == list(range(12, 19))
    assert falling.variation_icon == "concern_low"


def test_a_tie_breaks_a_trend() -> None:
    # 7, 8, 9, 9, 10, 11, 12, 13: eight points rising but for one tie. Equal points are neither increasing nor
    # decreasing, so the trend restarts at the second 9: 7-8-9 (3 points) and 9-10-11-12-13 (5). No signal.
    # (Counting past the tie would find 7 rising points; see docs/spc.md.)
    assert flagged(fixed([7, 8, 9, 9, 10, 11, 12, 13])) == []


def test_a_trend_takes_its_direction_from_the_trend_not_the_side_of_the_mean() -> None:
    # 13.5 to 10.5 falling by 0.5: seven points above the mean (a run, high) and falling (a trend, low).
    # The trend decides: a fall in a measure where higher is better is a concern.
    result = fixed([13.5, 13, 12.5, 12, 11.5, 11, 10.5])
    assert all(result.points[i].rules == ("trend", "run") for i in range(12, 19))
    assert {result.points[i].signal for i in range(12, 19)} == {"concern"}
    assert result.variation_icon == "concern_low"


# ---------------------------------------------------------------- rule 3: two of three close to a limit


def test_two_of_three_close_to_the_same_limit() -> None:
    # 14 (close: above 13.5467), 10 (on the mean), 14 (close): two of three near the upper limit. The close
    # points are flagged; the point between them is not.
    result = fixed([14, 10, 14])
    assert flagged(result) == [12, 14]
    assert result.points[14].rules == ("two_of_three",) and result.points[14].signal == "improvement"
    assert result.variation_icon == "improvement_high"
    # two in a row
    assert flagged(fixed([14, 14])) == [12, 13]


def test_two_of_three_on_opposite_sides_does_not_fire() -> None:
    # 14 is close to the upper limit and 6 to the lower (below 6.4533): not the same limit
    assert flagged(fixed([14, 6, 11])) == []
    assert flagged(fixed([6, 14])) == []


def test_close_points_too_far_apart_do_not_fire() -> None:
    # 14, 11, 11, 14: every window of three holds one close point
    assert flagged(fixed([14, 11, 11, 14])) == []


def test_a_point_beyond_the_limit_does_not_count_towards_two_of_three() -> None:
    # 14 (close) then 16 (beyond 15.32): 16 is its own signal; 14 has no partner in the outer third
    result = fixed([14, 16])
    assert flagged(result) == [13]
    assert result.points[13].rules == ("outside_limits",)


def test_a_point_on_the_two_thirds_line_is_not_beyond_it() -> None:
    # 10 + 5.32 x 2/3 = 13.546666...: a point there is not beyond two-thirds of the way
    line = 10 + 5.32 * 2 / 3
    assert flagged(fixed([line, line])) == []


# ---------------------------------------------------------------- rule 4: a run of 7 on one side of the mean


def test_a_run_of_exactly_six_is_not_a_signal() -> None:
    # B ends on 9 (below); then six points at 11 (above), then 10 (on the mean) and 9
    assert flagged(fixed([11, 11, 11, 11, 11, 11, 10, 9])) == []


def test_a_run_of_seven_flags_every_point() -> None:
    result = fixed([11] * 7)
    assert flagged(result) == list(range(12, 19))
    assert {result.points[i].rules for i in range(12, 19)} == {("run",)}
    assert result.variation_icon == "improvement_high"
    # below the mean, where lower is better: B's last point (9) is below too, so the run is 8 long
    low = fixed([9.5] * 7, improvement="lower")
    assert flagged(low) == list(range(11, 19)) and low.variation_icon == "improvement_low"


def test_a_point_on_the_mean_breaks_a_run() -> None:
    # 11, 11, 11, 10, 11, 11, 11, 11: the 10 is on the mean (neither side), leaving runs of 3 and 4
    assert flagged(fixed([11, 11, 11, 10, 11, 11, 11, 11])) == []
    # the same with 11 in its place is a run of 8
    assert flagged(fixed([11] * 8)) == list(range(12, 20))


# ---------------------------------------------------------------- several rules, polarity, neutral measures


def test_several_rules_on_one_point() -> None:
    # 22 down to 16: all beyond the upper limit (15.32), falling (a trend of 7) and above the mean (a run).
    # Beyond the limit decides the direction: high, an improvement where higher is better.
    result = fixed([22, 21, 20, 19, 18, 17, 16])
    assert result.points[18].rules == ("outside_limits", "trend", "run")
    assert result.points[18].direction == "high" and result.points[18].signal == "improvement"


@pytest.mark.parametrize(
    ("improvement", "high", "low", "icon"),
    [
        ("higher", "improvement", "concern", "concern_low"),
        ("lower", "concern", "improvement", "improvement_low"),
        ("neutral", "neutral_high", "neutral_low", "neutral_low"),
    ],
)
def test_signals_by_the_measures_direction(improvement: Improvement, high: str, low: str, icon: str) -> None:
    result = fixed([16, 4], improvement=improvement)  # beyond the upper limit, then beyond the lower
    assert (result.points[12].signal, result.points[13].signal) == (high, low)
    assert result.variation_icon == icon


def test_the_variation_icon_is_the_latest_points_state() -> None:
    assert fixed([16, 11]).variation_icon == "common_cause"  # the signal was last month, not now
    assert fixed([11, 16]).variation_icon == "improvement_high"
    assert fixed([16], improvement="lower").variation_icon == "concern_high"
    assert fixed([16], improvement="neutral").variation_icon == "neutral_high"


# ---------------------------------------------------------------- assurance


@pytest.mark.parametrize(
    ("improvement", "target", "icon"),
    [
        # limits of 10, 12, 11, 13, 14: 8.01 to 15.99
        ("higher", 16, "fail"),  # above the upper limit: the process will not reach it
        ("higher", 8, "pass"),  # below the lower limit: every month will be above it
        ("higher", 12, "hit_and_miss"),
        ("higher", 15.99, "hit_and_miss"),  # on a limit is inside
        ("higher", 8.01, "hit_and_miss"),
        ("lower", 16, "pass"),
        ("lower", 8, "fail"),
        ("lower", 12, "hit_and_miss"),
    ],
)
def test_assurance_against_a_target(improvement: Improvement, target: float, icon: str) -> None:
    assert spc([10, 12, 11, 13, 14], improvement, target=target).assurance_icon == icon


@pytest.mark.parametrize(
    ("band", "icon"),
    [((8, 16), "pass"), ((8.01, 15.99), "pass"), ((0, 7), "fail"), ((17, 20), "fail"), ((9, 20), "hit_and_miss")],
)
def test_assurance_against_a_band(band: tuple[float, float], icon: str) -> None:
    # limits 8.01 to 15.99: within the band every month is in it; wholly outside, none is
    assert spc([10, 12, 11, 13, 14], "neutral", band=band).assurance_icon == icon


def test_no_assurance_without_a_target_or_for_a_neutral_target() -> None:
    assert spc([10, 12, 11, 13, 14]).assurance_icon is None
    neutral = spc([10, 12, 11, 13, 14], "neutral", target=12)
    assert neutral.assurance_icon is None
    assert any("no better direction" in w for w in neutral.warnings)


# ---------------------------------------------------------------- breaks


def test_limits_are_recalculated_from_a_break() -> None:
    # 12 months alternating 11, 9 (mean 10, mean moving range 2), then a new front door and 12 months
    # alternating 21, 19 (mean 20, mean moving range 2). The jump from 9 to 21 across the break is not a moving
    # range of either segment.
    values: list[float | None] = [*BASELINE, *([21.0, 19.0] * 6)]
    dates = months(24)
    result = analyse(dates, values, improvement="higher", breaks=[dates[12]])
    first, second = result.segments
    assert first.limits is not None and second.limits is not None
    assert (first.limits.mean, first.limits.mean_moving_range) == (10, 2)
    assert (second.limits.mean, second.limits.mean_moving_range) == (20, 2)
    assert second.limits.upper == pytest.approx(25.32) and second.limits.lower == pytest.approx(14.68)
    assert second.break_date == dates[12] and first.break_date is None
    assert [p.segment for p in result.points] == [0] * 12 + [1] * 12
    assert flagged(result) == []
    assert result.warnings == ()
    # Without the break the step is read as a shift: mean 15, the first 12 months a run below it, the last 12 a
    # run above (mean moving range (22 + 12 + 22) / 23 = 2.43, limits 8.52 and 21.48).
    unbroken = analyse(dates, values, improvement="higher")
    assert unbroken.segments[0].limits is not None
    assert unbroken.segments[0].limits.mean_moving_range == pytest.approx(56 / 23)
    assert flagged(unbroken, "run") == list(range(24))


def test_a_break_starts_the_segment_at_the_first_point_on_or_after_it() -> None:
    dates = months(24)  # month ends; a break on 2 January 2025 starts with the January 2025 point
    result = analyse(dates, [*BASELINE, *([21.0, 19.0] * 6)], improvement="higher", breaks=[dt.date(2025, 1, 2)])
    assert dates[12] == dt.date(2025, 1, 31)
    assert result.segments[1].first == dates[12]
    assert result.segments[1].break_date == dt.date(2025, 1, 2)


def test_breaks_outside_the_series_are_reported_and_not_used() -> None:
    dates = months(12)
    result = analyse(dates, BASELINE, improvement="higher", breaks=[dt.date(2020, 1, 1), dt.date(2030, 1, 1)])
    assert len(result.segments) == 1
    assert any("before the first point" in w for w in result.warnings)
    assert any("after the last point" in w for w in result.warnings)


def test_a_fixed_baseline_applies_to_each_segment() -> None:
    dates = months(30)
    values: list[float | None] = [*BASELINE, 14, 14, 14, *([21.0, 19.0] * 6), 24, 24, 24]
    result = analyse(dates, values, improvement="higher", baseline_points=12, breaks=[dates[15]])
    assert [s.limits.mean for s in result.segments if s.limits] == [10, 20]
    assert flagged(result) == [12, 13, 14, 27, 28, 29]  # 14 and 24 are close to their segment's upper limit


# ---------------------------------------------------------------- short series


def test_fewer_than_12_points_warn_of_trial_limits() -> None:
    result = spc([10, 12, 11, 13, 14])
    assert result.segments[0].trial
    assert result.warnings and "Only 5 points" in result.warnings[0] and "trial limits" in result.warnings[0]
    assert not spc(BASELINE).segments[0].trial and spc(BASELINE).warnings == ()


def test_a_short_segment_after_a_break_warns() -> None:
    dates = months(16)
    result = analyse(dates, [*BASELINE, 20, 21, 19, 20], improvement="higher", breaks=[dates[12]])
    assert [s.trial for s in result.segments] == [False, True]
    (warning,) = result.warnings
    assert "Only 4 points" in warning and "since the break" in warning


def test_a_short_fixed_baseline_warns() -> None:
    result = spc(BASELINE, baseline_points=6)
    assert result.segments[0].trial and "baseline of only 6 points" in result.warnings[0]


def test_one_figure_has_no_limits_and_no_icons() -> None:
    result = spc([None, 5, None])
    assert result.segments[0].limits is not None and result.segments[0].limits.upper is None
    assert (result.variation_icon, result.assurance_icon) == (None, None)
    assert all(p.rules == () for p in result.points)
    assert spc([None, None]).variation_icon is None and spc([]).points == ()


def test_a_flat_series_has_limits_on_its_mean() -> None:
    # every figure 5: mean 5, mean moving range 0, so both limits are 5; a later 5.1 is beyond them
    result = spc([5.0] * 12 + [5.1], baseline_points=12)
    assert result.points[0].upper == 5 and result.points[0].lower == 5
    assert flagged(result) == [12]
    assert flagged(spc([5.0] * 14)) == []  # all on the mean: no run; all equal: no trend


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        analyse([dt.date(2024, 2, 1), dt.date(2024, 1, 1)], [1, 2], improvement="higher")
    with pytest.raises(ValueError, match="finite"):
        analyse(months(2), [1, math.nan], improvement="higher")
    with pytest.raises(ValueError, match="improvement"):
        analyse(months(2), [1, 2], improvement="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="target or a band"):
        analyse(months(2), [1, 2], improvement="higher", target=1, band=(0, 2))


# ---------------------------------------------------------------- properties

series = st.lists(st.integers(min_value=0, max_value=100), min_size=2, max_size=40)


def _states(result: SpcResult) -> list[tuple[object, ...]]:
    return [(p.signal, p.direction, p.rules) for p in result.points]


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    )


@settings(max_examples=150, deadline=None)
@given(series, st.integers(min_value=-500, max_value=500), st.sampled_from(["higher", "lower", "neutral"]),
       st.one_of(st.none(), st.integers(min_value=2, max_value=30)))  # fmt: skip
def test_shifting_a_series_shifts_the_limits_and_keeps_the_flags(
    values: list[int], shift: int, improvement: Improvement, baseline: int | None
) -> None:
    before = spc([float(v) for v in values], improvement, baseline_points=baseline)
    after = spc([float(v + shift) for v in values], improvement, baseline_points=baseline)
    assert _states(after) == _states(before)
    assert after.variation_icon == before.variation_icon
    for a, b in zip(after.points, before.points, strict=True):
        for moved, original in ((a.mean, b.mean), (a.upper, b.upper), (a.lower, b.lower)):
            assert _close(moved, None if original is None else original + shift)


@settings(max_examples=150, deadline=None)
@given(series, st.sampled_from([0.1, 0.5, 2.0, 3.0, 7.0, 100.0]), st.sampled_from(["higher", "lower", "neutral"]))
def test_scaling_a_series_scales_the_limits_and_keeps_the_flags(
    values: list[int], factor: float, improvement: Improvement
) -> None:
    before = spc([float(v) for v in values], improvement)
    after = spc([v * factor for v in values], improvement)
    assert _states(after) == _states(before)
    for a, b in zip(after.points, before.points, strict=True):
        for scaled, original in ((a.mean, b.mean), (a.upper, b.upper), (a.lower, b.lower)):
            assert _close(scaled, None if original is None else original * factor)


SWAPPED = {"improvement": "concern", "concern": "improvement", None: None}
SWAPPED_ICON = {"improvement_high": "concern_high", "improvement_low": "concern_low",
                "concern_high": "improvement_high", "concern_low": "improvement_low", "common_cause": "common_cause",
                None: None}  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(series, st.one_of(st.none(), st.integers(min_value=0, max_value=100)))
def test_reversing_the_direction_swaps_improvement_and_concern(values: list[int], target: int | None) -> None:
    higher = spc([float(v) for v in values], "higher", target=target)
    lower = spc([float(v) for v in values], "lower", target=target)
    assert [SWAPPED[p.signal] for p in higher.points] == [p.signal for p in lower.points]
    assert [(p.rules, p.direction) for p in higher.points] == [(p.rules, p.direction) for p in lower.points]
    assert SWAPPED_ICON[higher.variation_icon] == lower.variation_icon
    swapped = {"pass": "fail", "fail": "pass", "hit_and_miss": "hit_and_miss", None: None}
    assert swapped[higher.assurance_icon] == lower.assurance_icon


@settings(max_examples=100, deadline=None)
@given(series)
def test_mirroring_a_series_and_its_direction_keeps_the_signals(values: list[int]) -> None:
    up = spc([float(v) for v in values], "higher")
    down = spc([float(-v) for v in values], "lower")
    assert [p.signal for p in up.points] == [p.signal for p in down.points]
    for a, b in zip(up.points, down.points, strict=True):
        assert _close(a.upper, None if b.lower is None else -b.lower)


@settings(max_examples=100, deadline=None)
@given(series)
def test_every_flag_belongs_to_a_pattern_long_enough(values: list[int]) -> None:
    result = spc([float(v) for v in values], "higher")
    for rule, length in (("run", 7), ("trend", 7)):
        positions = flagged(result, rule)
        # flagged points come in blocks of consecutive positions at least `length` long
        blocks: list[list[int]] = []
        for i in positions:
            if blocks and i == blocks[-1][-1] + 1:
                blocks[-1].append(i)
            else:
                blocks.append([i])
        assert all(len(b) >= length for b in blocks)
    assert all((p.signal is None) == (p.rules == ()) for p in result.points)
