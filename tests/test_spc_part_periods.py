"""Statistical process control of indicator series when the last period is only part of one: a month so far
(`--as-at` mid-month), a financial year so far, or a month the data end within. A flow's figure for part of a
period (contacts in 1-15 January) cannot be set beside whole months: it is left out of the mean and limits and
not judged; a stock (children looked after on 15 January) stands with the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point
from cscperf.indicators.spc import part_periods, series_spc

# Twelve whole months, January to December 2025, then 1-15 January 2026.
WHOLE = [10, 12, 11, 13, 14, 10, 12, 11, 13, 14, 10, 12]
# Working by hand: sum = 2 x (10 + 12 + 11 + 13 + 14) + 10 + 12 = 142, mean 142 / 12 = 11.8333...
# moving ranges 2, 1, 2, 1, 4, 2, 1, 2, 1, 4, 2: sum 22, mean 22 / 11 = 2; limits 11.8333 +/- 5.32, so
# 6.5133 to 17.1533. The half month's 3 lies below the lower limit: judged with the rest, it would be a signal
# of concern (and would drag the mean down to 145 / 13 = 11.15).
MEAN = 142 / 12
LOWER, UPPER = MEAN - 2.66 * 2, MEAN + 2.66 * 2


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _series(last_value: float, *, last_end: dt.date, coverage: str = "full") -> list[Point]:
    points = [
        Point("874", dt.date(2025, m, 1), _month_end(2025, m), v, None, v, int(v)) for m, v in enumerate(WHOLE, start=1)
    ]
    points.append(Point("874", dt.date(2026, 1, 1), last_end, last_value, None, last_value, 3, coverage=coverage))
    return points


def test_a_flows_month_so_far_is_left_out_of_the_limits_and_not_judged() -> None:
    contacts = load_library()["contacts"]
    assert contacts.period_kind == "flow"
    result = series_spc(contacts, _series(3, last_end=dt.date(2026, 1, 15)))
    whole, so_far = result.points[:-1], result.points[-1]
    assert all(p.mean == pytest.approx(MEAN) for p in whole)
    assert whole[0].lower == pytest.approx(LOWER) and whole[0].upper == pytest.approx(UPPER)
    assert (so_far.mean, so_far.lower, so_far.upper, so_far.signal, so_far.rules) == (None, None, None, None, ())
    assert result.variation_icon == "common_cause"  # December's state: 12 is within normal variation
    assert any("1 January 2026 to 15 January 2026 covers part of a period only" in w for w in result.warnings)


def test_the_same_figure_for_a_whole_month_is_judged_and_is_a_signal() -> None:
    """The control: were 3 a whole month's figure, it would count in the mean and be flagged (so the test above
    fails if part periods are not left out)."""
    result = series_spc(load_library()["contacts"], _series(3, last_end=dt.date(2026, 1, 31)))
    assert result.points[-1].mean == pytest.approx(145 / 13)
    assert result.points[-1].signal == "neutral_low" and "outside_limits" in result.points[-1].rules
    assert not any("part of a period" in w for w in result.warnings)


def test_a_month_the_data_end_within_is_left_out_too() -> None:
    result = series_spc(load_library()["contacts"], _series(3, last_end=dt.date(2026, 1, 31), coverage="part"))
    assert result.points[-1].signal is None and result.points[-1].mean is None
    assert any("January 2026 (the data end within it)" in w for w in result.warnings)


def test_a_stock_on_a_day_mid_month_stands_with_the_rest() -> None:
    """Children looked after on 15 January are measured on a day, as on each month end: judged as usual."""
    cla_open = load_library()["cla_open"]
    assert cla_open.period_kind == "stock"
    points = _series(3, last_end=dt.date(2026, 1, 15))
    assert part_periods(cla_open, points) == set()
    result = series_spc(cla_open, points)
    assert result.points[-1].mean == pytest.approx(145 / 13)
    assert result.points[-1].signal == "neutral_low"


def test_a_financial_year_so_far_is_a_part_period() -> None:
    contacts = load_library()["contacts"]
    years = [Point("874", dt.date(y, 4, 1), dt.date(y + 1, 3, 31), 100.0, None, 100.0, 100) for y in (2022, 2023)]
    so_far = Point("874", dt.date(2024, 4, 1), dt.date(2024, 10, 31), 60.0, None, 60.0, 60)
    assert part_periods(contacts, [*years, so_far]) == {so_far}


def test_the_method_runs_on_the_figures_before_rounding() -> None:
    """The mean and limits are worked from each month's numerator over its denominator, not its DfE-rounded
    figure. By hand: 1 of 3, 1 of 3 and 1 of 2 have the mean (33.333... + 33.333... + 50) / 3 = 38.888...%; the
    rounded figures 33.3, 33.3 and 50.0 would give 38.866...%."""
    import datetime as dt

    from cscperf.indicators.definition import load_library
    from cscperf.indicators.engine import Point, exact_value
    from cscperf.indicators.spc import series_spc

    visits = load_library()["cp_visits_in_time"]
    months = [(dt.date(2026, m, 1), dt.date(2026, m, d)) for m, d in ((1, 31), (2, 28), (3, 31))]
    points = [Point("001", s, e, n, d, round(100 * n / d, 1), int(d)) for (s, e), (n, d) in
              zip(months, ((1, 3), (1, 3), (1, 2)), strict=True)]  # fmt: skip
    assert exact_value(visits, points[0]) == 100 / 3
    result = series_spc(visits, points)
    assert result.points[0].mean == (100 / 3 + 100 / 3 + 50) / 3  # 38.888...
    assert result.points[0].mean != (33.3 + 33.3 + 50) / 3
    count = load_library()["contacts"]
    assert exact_value(count, Point("001", *months[0], 12.0, None, 12.0, 12)) == 12.0
