"""How the lists (and the indicators they mirror) count months: calendar months forward from the event, one
helper (reporting_periods.add_months, and `d + INTERVAL n MONTH` in SQL), clamped to the month end."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cscperf.reporting_periods import add_months, last_day_within_months


@pytest.mark.parametrize(
    ("start", "months", "reached"),
    [
        ("2024-02-29", 9, "2024-11-29"),  # a plan started on 29 February reaches 9 months on 29 November
        ("2023-05-31", 9, "2024-02-29"),  # 31 May + 9 months: the end of February (a leap year)
        ("2022-05-31", 9, "2023-02-28"),  # ... and in a common year
        ("2024-02-29", 12, "2025-02-28"),  # 12 months from a leap day: 28 February
        ("2023-11-30", 3, "2024-02-29"),  # a first CP review within 3 months
        ("2024-08-31", 6, "2025-02-28"),
    ],
)
def test_milestones_count_calendar_months_forward(start: str, months: int, reached: str) -> None:
    assert add_months(dt.date.fromisoformat(start), months) == dt.date.fromisoformat(reached)


def test_last_day_within_months() -> None:
    assert last_day_within_months(dt.date(2024, 3, 15), 12) == dt.date(2025, 3, 14)
    assert last_day_within_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 28)  # 29 Feb is 6 months on
    assert last_day_within_months(dt.date(2024, 2, 10), 0) == dt.date(2024, 2, 9)
    with pytest.raises(ValueError, match="cannot be negative"):
        last_day_within_months(dt.date(2024, 2, 10), -1)


def test_sql_month_arithmetic_is_the_same_helper() -> None:
    """Every day of a leap cycle, for the month counts the lists use: DuckDB's `d + INTERVAL n MONTH` (which
    PostgreSQL shares) equals add_months."""
    con = duckdb.connect()
    rows = con.execute(
        "SELECT d, n, CAST(d + n * INTERVAL 1 MONTH AS DATE) FROM range(DATE '2023-01-01', DATE '2025-01-01', "
        "INTERVAL 1 DAY) AS t(d), (VALUES (3), (6), (9), (12), (24)) AS m(n)"
    ).fetchall()
    assert len(rows) == 731 * 5
    assert all(add_months(d.date() if isinstance(d, dt.datetime) else d, n) == got for d, n, got in rows)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)), st.integers(1, 36), st.integers(-40, 40))
def test_counting_forward_agrees_with_counting_back_except_at_month_ends(day: dt.date, months: int, off: int) -> None:
    """Within n months of a check on `day`, on date `a`: forward, a <= last_day_within_months(day, n); back,
    day > add_months(a, -n). They differ only when the day of the month does not exist n months on (31 Aug
    + 6 months is 28/29 Feb), which is why cscperf uses one of them (forward) everywhere."""
    a = add_months(day, months) + dt.timedelta(days=off)
    forward = a <= last_day_within_months(day, months)
    back = day > add_months(a, -months)
    if day.day <= 28:
        assert forward == back
