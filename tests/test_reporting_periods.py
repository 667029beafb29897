"""Tests for reporting periods: constructors, month arithmetic and the command-line parser."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cscperf.reporting_periods import (
    PERIOD_KINDS,
    ReportingPeriod,
    add_months,
    as_at,
    financial_quarter,
    financial_year,
    financial_year_label,
    financial_year_of,
    financial_year_to_date,
    month,
    month_end,
    months,
    parse_period,
    rolling_12_months,
)

# ---------------------------------------------------------------------------
# add_months and month_end
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Leap day back a year: 29 Feb 2023 does not exist, so clamp to 28 Feb.
        pytest.param(date(2024, 2, 29), -12, date(2023, 2, 28), id="leap-day-minus-year"),
        # 31 Mar back a month: February 2023 has 28 days.
        pytest.param(date(2023, 3, 31), -1, date(2023, 2, 28), id="31-mar-minus-1"),
        # 31 Jan 2024 forward a month: February 2024 has 29 days.
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="31-jan-leap-year"),
        pytest.param(date(2023, 1, 31), 1, date(2023, 2, 28), id="31-jan-common-year"),
        pytest.param(date(2024, 5, 31), 1, date(2024, 6, 30), id="31-may-plus-1"),
        pytest.param(date(2024, 12, 15), 1, date(2025, 1, 15), id="over-year-end"),
        pytest.param(date(2024, 1, 15), -1, date(2023, 12, 15), id="back-over-year-end"),
        pytest.param(date(2024, 2, 29), 24, date(2026, 2, 28), id="leap-day-plus-two-years"),
        pytest.param(date(2024, 2, 29), 48, date(2028, 2, 29), id="leap-day-plus-four-years"),
        pytest.param(date(2024, 3, 17), 0, date(2024, 3, 17), id="zero"),
        pytest.param(date(2024, 3, 17), -27, date(2021, 12, 17), id="minus-27"),
    ],
)
def test_add_months(start: date, n: int, expected: date) -> None:
    assert add_months(start, n) == expected


def test_add_months_out_of_date_range() -> None:
    with pytest.raises(ValueError, match="outside the years 1 to 9999"):
        add_months(date(1, 1, 31), -1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 10), date(2024, 2, 29)),
        (date(2023, 2, 10), date(2023, 2, 28)),
        (date(2100, 2, 1), date(2100, 2, 28)),  # 2100 is not a leap year
        (date(2024, 4, 30), date(2024, 4, 30)),
        (date(2024, 12, 1), date(2024, 12, 31)),
    ],
)
def test_month_end(day: date, expected: date) -> None:
    assert month_end(day) == expected


# ---------------------------------------------------------------------------
# ReportingPeriod itself
# ---------------------------------------------------------------------------


def test_contains_is_inclusive_at_both_ends() -> None:
    period = month(2024, 2)
    assert period.contains(date(2024, 2, 1))
    assert period.contains(date(2024, 2, 29))
    assert not period.contains(date(2024, 1, 31))
    assert not period.contains(date(2024, 3, 1))


def test_days_counts_both_ends() -> None:
    assert month(2024, 2).days == 29
    assert month(2023, 2).days == 28
    assert as_at(date(2024, 3, 31)).days == 1


def test_period_is_frozen() -> None:
    period = month(2024, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.start = date(2024, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kind", "start", "end", "message"),
    [
        ("weekly", date(2024, 1, 1), date(2024, 1, 7), "unknown reporting period kind"),
        ("month", date(2024, 2, 1), date(2024, 1, 31), "cannot end"),
        ("as_at", date(2024, 2, 1), date(2024, 2, 2), "same day"),
    ],
)
def test_period_rejects_bad_values(kind: str, start: date, end: date, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ReportingPeriod(kind, start, end, "x")


# ---------------------------------------------------------------------------
# Constructors
# ---------------------------------------------------------------------------


def test_month() -> None:
    assert month(2024, 2) == ReportingPeriod("month", date(2024, 2, 1), date(2024, 2, 29), "Feb 2024")
    assert month(2024, 12) == ReportingPeriod("month", date(2024, 12, 1), date(2024, 12, 31), "Dec 2024")


@pytest.mark.parametrize("bad", [0, 13])
def test_month_rejects_bad_month(bad: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 12"):
        month(2024, bad)


@pytest.mark.parametrize(
    ("q", "start", "end", "days"),
    [
        # Apr 30 + May 31 + Jun 30 = 91
        (1, date(2023, 4, 1), date(2023, 6, 30), 91),
        # Jul 31 + Aug 31 + Sep 30 = 92
        (2, date(2023, 7, 1), date(2023, 9, 30), 92),
        # Oct 31 + Nov 30 + Dec 31 = 92
        (3, date(2023, 10, 1), date(2023, 12, 31), 92),
        # Jan 31 + Feb 29 (2024 is a leap year) + Mar 31 = 91
        (4, date(2024, 1, 1), date(2024, 3, 31), 91),
    ],
)
def test_financial_quarter(q: int, start: date, end: date, days: int) -> None:
    period = financial_quarter(2023, q)
    assert period == ReportingPeriod("quarter", start, end, f"2023-24 Q{q}")
    assert period.days == days


@pytest.mark.parametrize("bad", [0, 5])
def test_financial_quarter_rejects_bad_quarter(bad: int) -> None:
    with pytest.raises(ValueError, match="1, 2, 3 or 4"):
        financial_quarter(2023, bad)


def test_financial_year() -> None:
    fy = financial_year(2019)
    assert fy == ReportingPeriod("financial_year", date(2019, 4, 1), date(2020, 3, 31), "2019-20")
    # 2019-20 contains 29 Feb 2020.
    assert fy.days == 366
    assert financial_year(2020).days == 365
    assert financial_year(2099).label == "2099-00"
    assert financial_year(2009).label == "2009-10"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 3, 31), 2019),
        (date(2020, 4, 1), 2020),
        (date(2020, 1, 1), 2019),
        (date(2019, 12, 31), 2019),
        (date(2019, 4, 1), 2019),
        (date(2019, 3, 31), 2018),
    ],
)
def test_financial_year_of(day: date, expected: int) -> None:
    assert financial_year_of(day) == expected


def test_financial_year_label() -> None:
    assert financial_year_label(2019) == "2019-20"
    assert financial_year_label(1999) == "1999-00"


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2024, 1, 31), date(2023, 4, 1)),
        (date(2024, 3, 31), date(2023, 4, 1)),  # last day of the financial year
        (date(2024, 4, 1), date(2024, 4, 1)),  # first day of the next one
        (date(2023, 12, 31), date(2023, 4, 1)),
    ],
)
def test_financial_year_to_date(day: date, start: date) -> None:
    period = financial_year_to_date(day)
    assert (period.kind, period.start, period.end) == ("financial_year_to_date", start, day)


def test_financial_year_to_date_label() -> None:
    assert financial_year_to_date(date(2024, 1, 31)).label == "2023-24 to 31 Jan 2024"


@pytest.mark.parametrize(
    ("day", "start", "days"),
    [
        # 12 months to 29 Feb 2024: add_months gives 28 Feb 2023, so start 1 Mar 2023.
        # Mar 2023 to Feb 2024 contains 29 Feb 2024 -> 366 days.
        (date(2024, 2, 29), date(2023, 3, 1), 366),
        # 12 months to 28 Feb 2024 also start 1 Mar 2023 but miss the leap day -> 365 days.
        (date(2024, 2, 28), date(2023, 3, 1), 365),
        # 12 months to 28 Feb 2023: 1 Mar 2022 to 28 Feb 2023, no leap day -> 365 days.
        (date(2023, 2, 28), date(2022, 3, 1), 365),
        # 12 months to 28 Feb 2025 start on 29 Feb 2024 (the day after 28 Feb 2024) -> 366 days.
        (date(2025, 2, 28), date(2024, 2, 29), 366),
        # 12 months to 31 Mar 2019 are the financial year 2018-19 -> 365 days.
        (date(2019, 3, 31), date(2018, 4, 1), 365),
        # 12 months to 31 Mar 2024 are 2023-24, which contains 29 Feb 2024 -> 366 days.
        (date(2024, 3, 31), date(2023, 4, 1), 366),
        # 12 months to 1 Apr 2024 start the day after 1 Apr 2023.
        (date(2024, 4, 1), date(2023, 4, 2), 366),
    ],
)
def test_rolling_12_months(day: date, start: date, days: int) -> None:
    period = rolling_12_months(day)
    assert (period.kind, period.start, period.end, period.days) == ("rolling_12_months", start, day, days)


def test_rolling_12_months_label() -> None:
    assert rolling_12_months(date(2024, 3, 31)).label == "12 months to 31 Mar 2024"


def test_as_at() -> None:
    assert as_at(date(2024, 3, 31)) == ReportingPeriod(
        "as_at", date(2024, 3, 31), date(2024, 3, 31), "As at 31 Mar 2024"
    )


def test_months() -> None:
    found = months(date(2024, 1, 31), date(2024, 3, 1))
    assert [p.label for p in found] == ["Jan 2024", "Feb 2024", "Mar 2024"]
    assert found[1] == month(2024, 2)


def test_months_over_year_end() -> None:
    found = months(date(2023, 11, 15), date(2024, 2, 1))
    assert [(p.start.year, p.start.month) for p in found] == [(2023, 11), (2023, 12), (2024, 1), (2024, 2)]


def test_months_single_day() -> None:
    assert months(date(2024, 2, 29), date(2024, 2, 29)) == [month(2024, 2)]


def test_months_rejects_reversed_range() -> None:
    with pytest.raises(ValueError, match="must not be before"):
        months(date(2024, 3, 1), date(2024, 2, 1))


# ---------------------------------------------------------------------------
# parse_period
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03", month(2024, 3)),
        ("2023-24", financial_year(2023)),
        ("FY2023", financial_year(2023)),
        ("fy2023", financial_year(2023)),
        ("2023-24 Q2", financial_quarter(2023, 2)),
        ("2023-24q4", financial_quarter(2023, 4)),
        ("R12:2024-03-31", rolling_12_months(date(2024, 3, 31))),
        ("r12: 2024-02-29", rolling_12_months(date(2024, 2, 29))),
        ("YTD:2024-01-31", financial_year_to_date(date(2024, 1, 31))),
        ("2024-03-31", as_at(date(2024, 3, 31))),
        ("  2024-03  ", month(2024, 3)),
        # The financial years 2000-01 to 2011-12 look like months and are read as months.
        ("2011-12", month(2011, 12)),
        ("FY2011", financial_year(2011)),
        ("2011-12 Q1", financial_quarter(2011, 1)),
        ("2012-13", financial_year(2012)),
    ],
)
def test_parse_period(text: str, expected: ReportingPeriod) -> None:
    assert parse_period(text) == expected


def test_parse_period_values_spelled_out() -> None:
    # Guard against the parse tests passing only because the constructors are wrong in the same way.
    assert parse_period("2023-24 Q2") == ReportingPeriod("quarter", date(2023, 7, 1), date(2023, 9, 30), "2023-24 Q2")
    r12 = parse_period("R12:2024-03-31")
    assert (r12.start, r12.end) == (date(2023, 4, 1), date(2024, 3, 31))
    ytd = parse_period("YTD:2024-01-31")
    assert (ytd.start, ytd.end) == (date(2023, 4, 1), date(2024, 1, 31))
    fy = parse_period("FY2023")
    assert (fy.start, fy.end) == (date(2023, 4, 1), date(2024, 3, 31))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "does not match any accepted form"),
        ("March 2024", "does not match any accepted form"),
        ("2024/03", "does not match any accepted form"),
        ("2024-3", "does not match any accepted form"),
        ("2024-13", "neither a month"),
        ("2023-25", "is written 2023-24"),
        ("2023-24 Q5", "Q5 is not a financial quarter"),
        ("2023-25 Q1", "is written 2023-24"),
        ("R12:2024-02-30", "not a real calendar date"),
        ("YTD:31/01/2024", "not a date written as YYYY-MM-DD"),
        ("2023-02-29", "not a real calendar date"),
        ("R12:", "not a date written as YYYY-MM-DD"),
    ],
)
def test_parse_period_rejects_bad_text(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert message.startswith(f"could not read {text!r} as a reporting period")
    assert reason in message
    for form in (
        "'2024-03'",
        "'2023-24'",
        "'FY2023'",
        "'2023-24 Q2'",
        "'R12:2024-03-31'",
        "'YTD:2024-01-31'",
    ):
        assert form in message
    assert "'2024-03-31'" in message


@pytest.mark.parametrize(
    ("period", "code"),
    [
        (month(2024, 3), "2024-03"),
        (financial_quarter(2023, 2), "2023-24 Q2"),
        (financial_year(2023), "2023-24"),
        # 2011-12 on its own would be read as December 2011, so the code uses the FY form.
        (financial_year(2011), "FY2011"),
        (financial_year(2000), "FY2000"),
        (financial_year(2012), "2012-13"),
        (financial_year_to_date(date(2024, 1, 31)), "YTD:2024-01-31"),
        (rolling_12_months(date(2024, 2, 29)), "R12:2024-02-29"),
        (as_at(date(2024, 3, 31)), "2024-03-31"),
    ],
)
def test_code(period: ReportingPeriod, code: str) -> None:
    assert period.code == code
    assert parse_period(code) == period


# ---------------------------------------------------------------------------
# Property-based tests
# ---------------------------------------------------------------------------

reporting_dates = st.dates(min_value=date(1901, 1, 1), max_value=date(2200, 12, 31))


def _contains_29_february(period: ReportingPeriod) -> bool:
    return any((day := period.start + timedelta(days=i)).month == 2 and day.day == 29 for i in range(period.days))


@given(day=reporting_dates)
def test_rolling_12_months_spans_a_year_and_contains_the_day(day: date) -> None:
    period = rolling_12_months(day)
    assert period.days in (365, 366)
    assert period.contains(day)
    assert period.end == day
    # 366 days exactly when a 29 February falls inside the period.
    assert (period.days == 366) == _contains_29_february(period)
    # The day twelve months earlier is just outside.
    assert not period.contains(add_months(day, -12))


@given(day=reporting_dates, n=st.integers(min_value=-600, max_value=600))
def test_add_months_moves_the_month_and_clamps_the_day(day: date, n: int) -> None:
    result = add_months(day, n)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == n
    assert result.day == min(day.day, month_end(result).day)


@given(day=reporting_dates)
def test_each_day_is_in_exactly_one_financial_quarter_of_its_year(day: date) -> None:
    fy = financial_year_of(day)
    holding = [q for q in range(1, 5) if financial_quarter(fy, q).contains(day)]
    assert len(holding) == 1
    assert financial_year(fy).contains(day)
    assert not financial_year(fy - 1).contains(day)
    assert not financial_year(fy + 1).contains(day)


@given(fy=st.integers(min_value=1901, max_value=2200))
def test_quarters_tile_the_financial_year(fy: int) -> None:
    quarters = [financial_quarter(fy, q) for q in range(1, 5)]
    year = financial_year(fy)
    assert quarters[0].start == year.start
    assert quarters[-1].end == year.end
    for earlier, later in pairwise(quarters):
        assert later.start == earlier.end + timedelta(days=1)
    assert sum(q.days for q in quarters) == year.days


@given(day=reporting_dates)
def test_financial_year_to_date_sits_inside_the_financial_year(day: date) -> None:
    ytd = financial_year_to_date(day)
    year = financial_year(financial_year_of(day))
    assert ytd.start == year.start
    assert ytd.end == day
    assert year.contains(ytd.end)


@given(first=reporting_dates, extra_days=st.integers(min_value=0, max_value=800))
def test_months_cover_the_range_without_gaps(first: date, extra_days: int) -> None:
    last = first + timedelta(days=extra_days)
    found = months(first, last)
    assert found[0].contains(first)
    assert found[-1].contains(last)
    for earlier, later in pairwise(found):
        assert later.start == earlier.end + timedelta(days=1)
    assert all(p.kind == "month" and p.start.day == 1 for p in found)


@given(
    day=reporting_dates,
    kind=st.sampled_from(PERIOD_KINDS),
)
def test_code_parses_back_to_the_same_period(day: date, kind: str) -> None:
    builders = {
        "month": lambda d: month(d.year, d.month),
        "quarter": lambda d: financial_quarter(financial_year_of(d), (d.month - 4) % 12 // 3 + 1),
        "financial_year": lambda d: financial_year(financial_year_of(d)),
        "financial_year_to_date": financial_year_to_date,
        "rolling_12_months": rolling_12_months,
        "as_at": as_at,
    }
    period: ReportingPeriod = builders[kind](day)
    assert period.kind == kind
    assert period.contains(day)
    assert parse_period(period.code) == period
