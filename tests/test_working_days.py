"""Tests for the England and Wales working-day calendar.

The golden values below were counted by hand from a paper calendar; the
reasoning is written next to each case. Remember the convention: the start
date is day 0, so ``working_days_between(start, end)`` counts the working days
in ``[start, end)`` -- the start day is counted (if it is a working day) and
the end day is not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from typing import cast

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cscperf.working_days import (
    CALENDAR_END,
    CALENDAR_START,
    add_working_days,
    add_working_days_many,
    bank_holidays,
    calendar_columns,
    is_working_day,
    working_days_between,
    working_days_between_many,
)

# ---------------------------------------------------------------------------
# Golden values for working_days_between, each counted by hand.
# ---------------------------------------------------------------------------

GOLDEN_BETWEEN = [
    # Easter 2019: Good Friday 19 Apr, Easter Monday 22 Apr.
    # [Thu 18 Apr, Tue 23 Apr): Thu 18 counts; Fri 19 holiday, Sat 20, Sun 21, Mon 22 holiday -> 1.
    pytest.param(date(2019, 4, 18), date(2019, 4, 23), 1, id="easter-2019-referral-example"),
    # [Wed 17 Apr, Wed 24 Apr): Wed 17, Thu 18, Tue 23 count; 19-22 do not -> 3.
    pytest.param(date(2019, 4, 17), date(2019, 4, 24), 3, id="easter-2019-week"),
    # Start on Good Friday: [Fri 19, Tue 23) is holiday, weekend, holiday -> 0.
    pytest.param(date(2019, 4, 19), date(2019, 4, 23), 0, id="easter-2019-start-on-good-friday"),
    # Christmas 2020: Fri 25 Dec, Boxing Day Sat 26 Dec, substitute Mon 28 Dec.
    # [Thu 24 Dec, Tue 29 Dec): Thu 24 counts; Fri 25 hol, Sat, Sun, Mon 28 hol -> 1.
    pytest.param(date(2020, 12, 24), date(2020, 12, 29), 1, id="christmas-2020"),
    # [Wed 23 Dec 2020, Mon 4 Jan 2021): Wed 23, Thu 24, Tue 29, Wed 30, Thu 31 count;
    # Fri 1 Jan 2021 is New Year's Day; Sat 2, Sun 3 weekend -> 5.
    pytest.param(date(2020, 12, 23), date(2021, 1, 4), 5, id="christmas-new-year-2020"),
    # June 2022: Thu 2 Jun Spring bank holiday, Fri 3 Jun Platinum Jubilee.
    # [Wed 1 Jun, Mon 6 Jun): Wed 1 counts; Thu 2, Fri 3 holidays; Sat 4, Sun 5 -> 1.
    pytest.param(date(2022, 6, 1), date(2022, 6, 6), 1, id="platinum-jubilee-2022"),
    # [Tue 31 May, Tue 7 Jun): Tue 31, Wed 1, Mon 6 count -> 3.
    pytest.param(date(2022, 5, 31), date(2022, 6, 7), 3, id="jubilee-week-2022"),
    # State Funeral Mon 19 Sep 2022. [Fri 16 Sep, Tue 20 Sep): Fri 16 counts; Sat, Sun, Mon 19 hol -> 1.
    pytest.param(date(2022, 9, 16), date(2022, 9, 20), 1, id="state-funeral-2022"),
    # [Mon 12 Sep, Mon 26 Sep): 12-16 is 5; Mon 19 holiday; 20-23 is 4 -> 9.
    pytest.param(date(2022, 9, 12), date(2022, 9, 26), 9, id="state-funeral-fortnight"),
    # May 2023: Mon 1 May (May Day), Mon 8 May (Coronation).
    # [Fri 28 Apr, Tue 9 May): Fri 28 = 1; Mon 1 hol; Tue 2-Fri 5 = 4; Mon 8 hol -> 5.
    pytest.param(date(2023, 4, 28), date(2023, 5, 9), 5, id="coronation-2023"),
    # [Mon 24 Apr, Mon 15 May 2023): 24-28 = 5; 2-5 May = 4; 9-12 May = 4 -> 13.
    pytest.param(date(2023, 4, 24), date(2023, 5, 15), 13, id="may-2023-three-weeks"),
    # Same day: [d, d) is empty -> 0, whether or not d is a working day.
    pytest.param(date(2020, 1, 8), date(2020, 1, 8), 0, id="same-working-day"),
    pytest.param(date(2020, 12, 25), date(2020, 12, 25), 0, id="same-day-christmas"),
    # Fri 10 Jan 2020 -> Mon 13 Jan 2020: only Fri 10 counts -> 1.
    pytest.param(date(2020, 1, 10), date(2020, 1, 13), 1, id="friday-to-monday"),
    # Mon 6 Jan -> Fri 10 Jan 2020: Mon, Tue, Wed, Thu -> 4.
    pytest.param(date(2020, 1, 6), date(2020, 1, 10), 4, id="monday-to-friday"),
    # Weekend start: [Sat 11 Jan, Mon 13 Jan) is Sat, Sun -> 0.
    pytest.param(date(2020, 1, 11), date(2020, 1, 13), 0, id="saturday-to-monday"),
    # [Sat 11 Jan, Tue 14 Jan): Mon 13 only -> 1.
    pytest.param(date(2020, 1, 11), date(2020, 1, 14), 1, id="saturday-to-tuesday"),
    # Leap day: Thu 29 Feb 2024 is a working day. [Wed 28 Feb, Fri 1 Mar): Wed 28, Thu 29 -> 2.
    pytest.param(date(2024, 2, 28), date(2024, 3, 1), 2, id="leap-day-2024"),
    # February 2024, 1 Feb is a Thursday: Thu 1-Fri 2 = 2; three full weeks = 15; Mon 26-Thu 29 = 4 -> 21.
    pytest.param(date(2024, 2, 1), date(2024, 3, 1), 21, id="february-2024"),
    # 45 working days from Fri 20 May 2022 land on Tue 26 Jul 2022 (see the add_working_days case).
    pytest.param(date(2022, 5, 20), date(2022, 7, 26), 45, id="45-working-days"),
    # Calendar year 2022 starts on a Saturday and has 365 days = 52 weeks + Sat 31 Dec, so 260 weekdays.
    # Weekday bank holidays: 3 Jan, 15 Apr, 18 Apr, 2 May, 2 Jun, 3 Jun, 29 Aug, 19 Sep, 26 Dec,
    # 27 Dec = 10 -> 250.
    pytest.param(date(2022, 1, 1), date(2023, 1, 1), 250, id="year-2022"),
    # 2019 starts on a Tuesday: 52 weeks + Tue 31 Dec = 261 weekdays. Weekday bank holidays: 1 Jan,
    # 19 Apr, 22 Apr, 6 May, 27 May, 26 Aug, 25 Dec, 26 Dec = 8 -> 253.
    pytest.param(date(2019, 1, 1), date(2020, 1, 1), 253, id="year-2019"),
    # Negative spans are -(working days in [end, start)).
    # [Thu 18 Apr, Tue 23 Apr 2019) holds 1 working day, so backwards it is -1.
    pytest.param(date(2019, 4, 23), date(2019, 4, 18), -1, id="negative-easter"),
    # Mon 13 Jan -> Fri 10 Jan 2020: [Fri 10, Mon 13) = Fri 10 -> -1.
    pytest.param(date(2020, 1, 13), date(2020, 1, 10), -1, id="negative-monday-to-friday"),
    # [Fri 28 Apr, Tue 9 May 2023) = 5, so backwards -5.
    pytest.param(date(2023, 5, 9), date(2023, 4, 28), -5, id="negative-coronation"),
    # Reversed spans with a weekend end point are minus the forward count (numpy's own busday_count
    # would give -1 for both of these, see the module docstring).
    # Mon 13 Jan -> Sat 11 Jan 2020: forward [Sat 11, Mon 13) is Sat, Sun = 0, so 0.
    pytest.param(date(2020, 1, 13), date(2020, 1, 11), 0, id="negative-monday-to-saturday"),
    # Sat 11 Jan -> Thu 9 Jan 2020: forward [Thu 9, Sat 11) is Thu, Fri = 2, so -2.
    pytest.param(date(2020, 1, 11), date(2020, 1, 9), -2, id="negative-saturday-to-thursday"),
    # January 2000 starts on a Saturday and Mon 3 Jan 2000 was the New Year's Day substitute.
    # Forward [Sat 1 Jan, Tue 1 Feb 2000): Tue 4-Fri 7 = 4; 10-14, 17-21, 24-28 = 15; Mon 31 = 1 -> 20.
    pytest.param(date(2000, 1, 1), date(2000, 2, 1), 20, id="january-2000"),
    # ... so backwards from Tue 1 Feb to Sat 1 Jan is -20 (numpy alone would count (1 Jan, 1 Feb]: -21).
    pytest.param(date(2000, 2, 1), date(2000, 1, 1), -20, id="negative-january-2000"),
]


@pytest.mark.parametrize(("start", "end", "expected"), GOLDEN_BETWEEN)
def test_working_days_between_golden(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize(("start", "end", "expected"), GOLDEN_BETWEEN)
def test_working_days_between_many_matches_golden(start: date, end: date, expected: int) -> None:
    counts = working_days_between_many(np.array([start], dtype="datetime64[D]"), np.array([end], dtype="datetime64[D]"))
    assert counts.tolist() == [expected]


# ---------------------------------------------------------------------------
# Golden values for add_working_days, each counted by hand.
# ---------------------------------------------------------------------------

GOLDEN_ADD = [
    # Thu 18 Apr 2019 + 1: skip Fri 19 (Good Friday), weekend, Mon 22 (Easter Monday) -> Tue 23.
    pytest.param(date(2019, 4, 18), 1, date(2019, 4, 23), id="easter-2019-plus-1"),
    # Thu 18 Apr 2019 + 2 -> Tue 23 is +1, Wed 24 is +2.
    pytest.param(date(2019, 4, 18), 2, date(2019, 4, 24), id="easter-2019-plus-2"),
    # Start on Good Friday rolls forward to Tue 23 Apr; + 0 stays there.
    pytest.param(date(2019, 4, 19), 0, date(2019, 4, 23), id="good-friday-plus-0-rolls"),
    # Good Friday rolls to Tue 23, + 1 -> Wed 24.
    pytest.param(date(2019, 4, 19), 1, date(2019, 4, 24), id="good-friday-plus-1"),
    # Thu 24 Dec 2020 + 1: skip Fri 25, Sat 26, Sun 27, Mon 28 (substitute) -> Tue 29.
    pytest.param(date(2020, 12, 24), 1, date(2020, 12, 29), id="christmas-2020-plus-1"),
    # Wed 1 Jun 2022 + 1: skip Thu 2, Fri 3, Sat 4, Sun 5 -> Mon 6.
    pytest.param(date(2022, 6, 1), 1, date(2022, 6, 6), id="jubilee-2022-plus-1"),
    # Fri 16 Sep 2022 + 1: skip weekend and Mon 19 -> Tue 20.
    pytest.param(date(2022, 9, 16), 1, date(2022, 9, 20), id="state-funeral-plus-1"),
    # Fri 28 Apr 2023 + 5: Tue 2 (+1), Wed 3 (+2), Thu 4 (+3), Fri 5 (+4), skip Mon 8, Tue 9 (+5).
    pytest.param(date(2023, 4, 28), 5, date(2023, 5, 9), id="coronation-plus-5"),
    # Fri 10 Jan 2020 + 1 -> Mon 13.
    pytest.param(date(2020, 1, 10), 1, date(2020, 1, 13), id="friday-plus-1"),
    # Sat 11 Jan 2020 rolls forward to Mon 13; + 0 -> Mon 13; + 1 -> Tue 14.
    pytest.param(date(2020, 1, 11), 0, date(2020, 1, 13), id="saturday-plus-0"),
    pytest.param(date(2020, 1, 11), 1, date(2020, 1, 14), id="saturday-plus-1"),
    # Wed 28 Feb 2024 + 1 -> Thu 29 Feb (leap day, a working day).
    pytest.param(date(2024, 2, 28), 1, date(2024, 2, 29), id="leap-day-plus"),
    # 45 working days from Fri 20 May 2022. Counting Fri 20 May as working day 1 of the 45:
    #   Fri 20 May                 1
    #   Mon 23 - Fri 27 May        2-6
    #   Mon 30 May - Wed 1 Jun     7-9   (Thu 2 Jun Spring bank holiday, Fri 3 Jun Jubilee)
    #   Mon 6 - Fri 10 Jun         10-14
    #   Mon 13 - Fri 17 Jun        15-19
    #   Mon 20 - Fri 24 Jun        20-24
    #   Mon 27 Jun - Fri 1 Jul     25-29
    #   Mon 4 - Fri 8 Jul          30-34
    #   Mon 11 - Fri 15 Jul        35-39
    #   Mon 18 - Fri 22 Jul        40-44
    #   Mon 25 Jul                 45
    # so 45 working days have passed on the next working day, Tue 26 Jul 2022.
    pytest.param(date(2022, 5, 20), 45, date(2022, 7, 26), id="45-working-days"),
    # Negative: Tue 23 Apr 2019 - 1: back over Mon 22, weekend, Fri 19 -> Thu 18.
    pytest.param(date(2019, 4, 23), -1, date(2019, 4, 18), id="easter-minus-1"),
    # Tue 29 Dec 2020 - 1: back over Mon 28, Sun, Sat, Fri 25 -> Thu 24 Dec.
    pytest.param(date(2020, 12, 29), -1, date(2020, 12, 24), id="christmas-minus-1"),
    # Mon 6 Jun 2022 - 2: Wed 1 Jun (-1), Tue 31 May (-2).
    pytest.param(date(2022, 6, 6), -2, date(2022, 5, 31), id="jubilee-minus-2"),
    # Negative from a weekend rolls BACK first: Sat 11 Jan 2020 -> Fri 10, then - 1 -> Thu 9.
    pytest.param(date(2020, 1, 11), -1, date(2020, 1, 9), id="saturday-minus-1-rolls-back"),
]


@pytest.mark.parametrize(("start", "n", "expected"), GOLDEN_ADD)
def test_add_working_days_golden(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(("start", "n", "expected"), GOLDEN_ADD)
def test_add_working_days_many_matches_golden(start: date, n: int, expected: date) -> None:
    result = add_working_days_many(np.array([start], dtype="datetime64[D]"), np.array([n]))
    assert result.dtype == np.dtype("datetime64[D]")
    assert result.tolist() == [expected]


def test_add_working_days_returns_plain_date() -> None:
    result = add_working_days(date(2022, 5, 20), 45)
    assert type(result) is date


# ---------------------------------------------------------------------------
# Individual days and the bank holiday list.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2019, 4, 18), True, id="thu-before-good-friday"),
        pytest.param(date(2019, 4, 19), False, id="good-friday-2019"),
        pytest.param(date(2019, 4, 22), False, id="easter-monday-2019"),
        pytest.param(date(2019, 4, 23), True, id="tue-after-easter"),
        pytest.param(date(2020, 12, 25), False, id="christmas-2020"),
        pytest.param(date(2020, 12, 28), False, id="boxing-day-substitute-2020"),
        pytest.param(date(2020, 12, 29), True, id="tue-29-dec-2020"),
        pytest.param(date(2022, 6, 2), False, id="spring-bank-holiday-2022"),
        pytest.param(date(2022, 6, 3), False, id="platinum-jubilee"),
        pytest.param(date(2022, 9, 19), False, id="state-funeral"),
        pytest.param(date(2023, 5, 1), False, id="may-day-2023"),
        pytest.param(date(2023, 5, 8), False, id="coronation"),
        pytest.param(date(2024, 2, 29), True, id="leap-day-2024"),
        pytest.param(date(2024, 3, 2), False, id="saturday"),
        pytest.param(date(2024, 3, 3), False, id="sunday"),
        pytest.param(date(2024, 3, 4), True, id="monday"),
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert is_working_day(day) is expected


def test_bank_holidays_include_one_off_days() -> None:
    found = bank_holidays()
    assert "Jubilee" in found[date(2022, 6, 3)]
    assert "Funeral" in found[date(2022, 9, 19)]
    assert "Coronation" in found[date(2023, 5, 8)]


def test_bank_holidays_2022_weekdays_match_gov_uk_list() -> None:
    # The ten bank holidays in England and Wales for 2022 as published on GOV.UK.
    expected = {
        date(2022, 1, 3),  # New Year's Day substitute (1 Jan was a Saturday)
        date(2022, 4, 15),  # Good Friday
        date(2022, 4, 18),  # Easter Monday
        date(2022, 5, 2),  # Early May bank holiday
        date(2022, 6, 2),  # Spring bank holiday (moved for the Jubilee)
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 8, 29),  # Summer bank holiday
        date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        date(2022, 12, 26),  # Boxing Day
        date(2022, 12, 27),  # Christmas Day substitute (25 Dec was a Sunday)
    }
    found = bank_holidays(date(2022, 1, 1), date(2022, 12, 31))
    assert {d for d in found if d.weekday() < 5} == expected
    assert all(date(2022, 1, 1) <= d <= date(2022, 12, 31) for d in found)


def test_bank_holidays_are_in_date_order_and_respect_range() -> None:
    found = bank_holidays(date(2020, 12, 26), date(2021, 1, 1))
    # Sat 26 Dec (Boxing Day), Mon 28 Dec (its substitute) and Fri 1 Jan 2021; 25 Dec is outside.
    assert list(found) == [date(2020, 12, 26), date(2020, 12, 28), date(2021, 1, 1)]
    assert "observed" in found[date(2020, 12, 28)]


# ---------------------------------------------------------------------------
# Out-of-range dates.
# ---------------------------------------------------------------------------


def test_out_of_range_message_is_plain_english() -> None:
    with pytest.raises(ValueError) as caught:
        working_days_between(date(1899, 1, 1), date(2020, 1, 1))
    assert str(caught.value) == "date 1899-01-01 is outside the working-day calendar (1900-01-01 to 2100-12-31)"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: is_working_day(date(1899, 12, 31)), id="is_working_day-before"),
        pytest.param(lambda: is_working_day(date(2101, 1, 1)), id="is_working_day-after"),
        pytest.param(lambda: working_days_between(date(2020, 1, 1), date(2101, 1, 1)), id="between-end"),
        pytest.param(lambda: add_working_days(date(1899, 12, 31), 1), id="add-start"),
        # Thu 30 Dec 2100 + 2 working days is Mon 3 Jan 2101, beyond the calendar.
        pytest.param(lambda: add_working_days(date(2100, 12, 30), 2), id="add-result"),
        # Tue 2 Jan 1900 - 2 working days lands on Fri 29 December 1899.
        pytest.param(lambda: add_working_days(date(1900, 1, 2), -2), id="add-result-negative"),
        pytest.param(lambda: bank_holidays(date(1899, 1, 1), date(1900, 12, 31)), id="bank_holidays"),
        pytest.param(lambda: calendar_columns(date(2100, 1, 1), date(2101, 1, 1)), id="calendar_columns"),
        pytest.param(
            lambda: working_days_between_many(
                np.array(["2020-01-01"], dtype="datetime64[D]"),
                np.array(["2150-01-01"], dtype="datetime64[D]"),
            ),
            id="between-many",
        ),
        pytest.param(
            lambda: add_working_days_many(np.array(["2100-12-30"], dtype="datetime64[D]"), np.array([2])),
            id="add-many-result",
        ),
    ],
)
def test_out_of_range_dates_raise(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="outside the working-day calendar"):
        call()


def test_calendar_edges_are_usable() -> None:
    # Mon 1 Jan 1900 (New Year's Day became a bank holiday in 1974) and Fri 31 Dec 2100 are the edges, and
    # both are working days; 27 and 28 Dec 2100 are the Christmas and Boxing Day substitutes.
    assert (date(1900, 1, 1), date(2100, 12, 31)) == (CALENDAR_START, CALENDAR_END)
    assert is_working_day(CALENDAR_START) and is_working_day(CALENDAR_END)
    assert not is_working_day(date(2100, 12, 28))
    # Fri 31 Dec 2100 + 1 working day is in 2101, out of range; + 0 is fine.
    assert add_working_days(date(2100, 12, 31), 0) == date(2100, 12, 31)
    # A 1970s assessment (the DfE test file's) can be measured: Mon 5 Jan 1970 to Fri 9 Jan 1970 is 4.
    assert working_days_between(date(1970, 1, 5), date(1970, 1, 9)) == 4


# ---------------------------------------------------------------------------
# Vectorised versions.
# ---------------------------------------------------------------------------


def test_working_days_between_many_elementwise() -> None:
    starts = np.array(
        ["2019-04-18", "2020-12-24", "2022-06-01", "2020-01-13", "2020-01-11", "2000-02-01"],
        dtype="datetime64[D]",
    )
    ends = np.array(
        ["2019-04-23", "2020-12-29", "2022-06-06", "2020-01-10", "2020-01-09", "2000-01-01"],
        dtype="datetime64[D]",
    )
    # Hand counts from GOLDEN_BETWEEN.
    result = working_days_between_many(starts, ends)
    assert result.dtype == np.int64
    assert result.tolist() == [1, 1, 1, -1, -2, -20]


def test_working_days_between_many_rejects_missing_dates() -> None:
    with pytest.raises(ValueError, match="missing date"):
        working_days_between_many(
            np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"),
            np.array(["2020-01-09", "2020-01-09"], dtype="datetime64[D]"),
        )


def test_add_working_days_many_mixed_signs_and_missing() -> None:
    starts = np.array(["2019-04-18", "2020-01-11", "NaT", "2020-01-11"], dtype="datetime64[D]")
    ns = np.array([1, -1, 3, 0])
    result = add_working_days_many(starts, ns)
    # Thu 18 Apr 2019 + 1 -> Tue 23 Apr; Sat 11 Jan 2020 rolls back to Fri 10 then - 1 -> Thu 9 Jan;
    # a missing start stays missing; Sat 11 Jan + 0 rolls forward to Mon 13 Jan.
    assert result[0] == np.datetime64("2019-04-23")
    assert result[1] == np.datetime64("2020-01-09")
    assert np.isnat(result[2])
    assert result[3] == np.datetime64("2020-01-13")


def test_add_working_days_many_broadcasts_a_single_n() -> None:
    starts = np.array(["2020-12-24", "2022-06-01"], dtype="datetime64[D]")
    # Both are the working day before a run of holidays and weekend (see GOLDEN_ADD).
    assert add_working_days_many(starts, 1).tolist() == [date(2020, 12, 29), date(2022, 6, 6)]


def test_add_working_days_many_rejects_fractional_offsets() -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        add_working_days_many(np.array(["2020-01-01"], dtype="datetime64[D]"), np.array([1.5]))


# ---------------------------------------------------------------------------
# The calendar table.
# ---------------------------------------------------------------------------

EXPECTED_COLUMNS = [
    "cal_date",
    "is_working_day",
    "is_weekend",
    "bank_holiday_name",
    "working_day_number",
    "financial_year",
    "financial_year_label",
    "month_start",
    "financial_quarter",
]


@lru_cache(maxsize=1)
def _full_calendar() -> dict[str, list[object]]:
    return calendar_columns()


@lru_cache(maxsize=1)
def _number_by_date() -> dict[date, int]:
    table = _full_calendar()
    days = cast(list[date], table["cal_date"])
    numbers = cast(list[int], table["working_day_number"])
    return dict(zip(days, numbers, strict=True))


def test_calendar_columns_easter_2019_golden() -> None:
    table = calendar_columns(date(2019, 4, 17), date(2019, 4, 24))
    assert list(table) == EXPECTED_COLUMNS
    assert table["cal_date"] == [date(2019, 4, d) for d in range(17, 25)]
    # 17 W, 18 W, 19 Good Friday, 20 Sat, 21 Sun, 22 Easter Monday, 23 W, 24 W.
    assert table["is_working_day"] == [True, True, False, False, False, False, True, True]
    assert table["is_weekend"] == [False, False, False, True, True, False, False, False]
    # Working days strictly before each day, counting from the 17th: 0, 1, then 2 until the 23rd,
    # and 3 on the 24th (17, 18 and 23 are before it).
    assert table["working_day_number"] == [0, 1, 2, 2, 2, 2, 2, 3]
    assert table["bank_holiday_name"] == [None, None, "Good Friday", None, None, "Easter Monday", None, None]
    assert table["financial_year"] == [2019] * 8
    assert table["financial_year_label"] == ["2019-20"] * 8
    assert table["month_start"] == [date(2019, 4, 1)] * 8
    assert table["financial_quarter"] == [1] * 8


def test_calendar_columns_financial_year_boundary() -> None:
    table = calendar_columns(date(2020, 3, 31), date(2020, 4, 1))
    assert table["financial_year"] == [2019, 2020]
    assert table["financial_year_label"] == ["2019-20", "2020-21"]
    assert table["financial_quarter"] == [4, 1]
    assert table["month_start"] == [date(2020, 3, 1), date(2020, 4, 1)]


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2021, 4, 1), 1),
        (date(2021, 6, 30), 1),
        (date(2021, 7, 1), 2),
        (date(2021, 9, 30), 2),
        (date(2021, 10, 1), 3),
        (date(2021, 12, 31), 3),
        (date(2022, 1, 1), 4),
        (date(2022, 3, 31), 4),
    ],
)
def test_calendar_columns_financial_quarters(day: date, quarter: int) -> None:
    assert calendar_columns(day, day)["financial_quarter"] == [quarter]


def test_calendar_columns_full_range_consistency() -> None:
    table = _full_calendar()
    days = cast(list[date], table["cal_date"])
    numbers = cast(list[int], table["working_day_number"])
    working = cast(list[bool], table["is_working_day"])
    assert list(table) == EXPECTED_COLUMNS
    assert all(len(column) == len(days) for column in table.values())
    # 1900-01-01 to 2100-12-31 inclusive: 201 years, 49 of them leap years (1904, ..., 2096; 1900 and 2100 are
    # not, 2000 is).
    assert len(days) == 201 * 365 + 49
    assert days[0] == CALENDAR_START
    assert days[-1] == CALENDAR_END
    assert numbers[0] == 0
    for i in range(1, len(days)):
        assert days[i] == days[i - 1] + timedelta(days=1)
        # The number goes up by one exactly after each working day.
        assert numbers[i] == numbers[i - 1] + int(working[i - 1])
    for d, weekend, name, is_working in zip(
        days, table["is_weekend"], table["bank_holiday_name"], working, strict=True
    ):
        assert weekend == (d.weekday() >= 5)
        assert is_working == (not weekend and name is None)


def test_calendar_columns_rejects_reversed_range() -> None:
    with pytest.raises(ValueError, match="cannot end"):
        calendar_columns(date(2020, 1, 2), date(2020, 1, 1))


# ---------------------------------------------------------------------------
# Property-based tests.
# ---------------------------------------------------------------------------

in_range_dates = st.dates(min_value=CALENDAR_START, max_value=CALENDAR_END)
# Leave room at the end of the calendar so that moving forward stays inside it.
early_dates = st.dates(min_value=CALENDAR_START, max_value=date(2040, 12, 31))


@given(start=early_dates, n=st.integers(min_value=0, max_value=1200))
def test_add_then_count_round_trips(start: date, n: int) -> None:
    result = add_working_days(start, n)
    assert is_working_day(result)
    assert working_days_between(start, result) == n


@given(start=st.dates(min_value=date(2006, 1, 1), max_value=CALENDAR_END), n=st.integers(-1200, -1))
def test_negative_add_from_working_day_round_trips(start: date, n: int) -> None:
    assume(is_working_day(start))
    result = add_working_days(start, n)
    assert is_working_day(result)
    assert working_days_between(start, result) == n


@given(start=st.dates(min_value=date(2006, 1, 1), max_value=CALENDAR_END), n=st.integers(-1200, -1))
def test_negative_add_from_non_working_day_steps_one_further(start: date, n: int) -> None:
    # The backward roll from a weekend or bank holiday already steps over one working day.
    assume(not is_working_day(start))
    result = add_working_days(start, n)
    assert is_working_day(result)
    assert working_days_between(start, result) == n - 1


@given(a=in_range_dates, b=in_range_dates)
def test_between_is_antisymmetric(a: date, b: date) -> None:
    assert working_days_between(a, b) == -working_days_between(b, a)


@given(a=in_range_dates, b=in_range_dates, c=in_range_dates)
def test_between_is_additive(a: date, b: date, c: date) -> None:
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@given(start=in_range_dates, length=st.integers(min_value=0, max_value=60))
def test_between_matches_a_day_by_day_count(start: date, length: int) -> None:
    end = min(start + timedelta(days=length), CALENDAR_END)
    holidays = bank_holidays()
    expected = sum(
        1
        for offset in range((end - start).days)
        if (day := start + timedelta(days=offset)).weekday() < 5 and day not in holidays
    )
    assert working_days_between(start, end) == expected


@given(a=in_range_dates, b=in_range_dates)
def test_working_day_number_differences_match_between(a: date, b: date) -> None:
    numbers = _number_by_date()
    assert numbers[b] - numbers[a] == working_days_between(a, b)


@settings(max_examples=50)
@given(pairs=st.lists(st.tuples(in_range_dates, in_range_dates), min_size=1, max_size=30))
def test_between_many_matches_scalar(pairs: list[tuple[date, date]]) -> None:
    starts = np.array([a for a, _ in pairs], dtype="datetime64[D]")
    ends = np.array([b for _, b in pairs], dtype="datetime64[D]")
    assert working_days_between_many(starts, ends).tolist() == [working_days_between(a, b) for a, b in pairs]


@settings(max_examples=50)
@given(
    pairs=st.lists(
        st.tuples(st.dates(date(2001, 1, 1), date(2040, 12, 31)), st.integers(-200, 200)),
        min_size=1,
        max_size=30,
    )
)
def test_add_many_matches_scalar(pairs: list[tuple[date, int]]) -> None:
    starts = np.array([d for d, _ in pairs], dtype="datetime64[D]")
    ns = np.array([n for _, n in pairs], dtype=np.int64)
    assert add_working_days_many(starts, ns).tolist() == [add_working_days(d, n) for d, n in pairs]
