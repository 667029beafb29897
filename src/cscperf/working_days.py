"""Working-day calendar for England (and Wales).

A working day is a Monday to Friday that is not a bank holiday in England.
Bank holidays come from the ``holidays`` package
(``holidays.country_holidays("GB", subdiv="ENG")``), which includes the
one-off days such as the Platinum Jubilee (Friday 3 June 2022), the State
Funeral of Queen Elizabeth II (Monday 19 September 2022) and the Coronation of
King Charles III (Monday 8 May 2023), and the substitute "(observed)" days
given when Christmas, Boxing Day or New Year's Day fall at a weekend.

The calendar covers 1 January 1900 to 31 December 2100
(:data:`CALENDAR_START` to :data:`CALENDAR_END`): any date a return can hold.
Each year's bank holidays are worked out when that year is first needed. Any
date outside that range raises ``ValueError`` rather than silently ignoring
bank holidays.

How working days are counted
----------------------------
:func:`working_days_between` counts the start date as day 0. It returns the
number of working days from ``start`` up to but not including ``end``, which
is exactly ``numpy.busday_count(start, end)`` with this calendar whenever
``end`` is on or after ``start``. Put simply, it is the number of working days
that have to pass to get from the start to the end. For example:

* A referral on Thursday 18 April 2019 with the assessment authorised on
  Tuesday 23 April 2019 took **1** working day: Thursday 18 April is the only
  working day counted, because Good Friday (19 April) and Easter Monday
  (22 April) were bank holidays and 20 and 21 April were the weekend.
* Start and end on the same day: **0** working days.
* Friday to the following Monday (no bank holiday): **1** working day.
* Monday to Friday of the same week: **4** working days.
* If ``end`` is before ``start`` the answer is negative:
  Monday back to the previous Friday is **-1**.

A start on a weekend or bank holiday is not itself counted, so Saturday to the
following Monday is **0** working days.

When ``end`` is before ``start`` the answer is minus the count for the same
two days the other way round, so ``working_days_between(a, b) ==
-working_days_between(b, a)`` always holds. For example Monday 13 January 2020
back to Saturday 11 January 2020 is **0** (Saturday to Monday is 0), and
Saturday 11 January back to Thursday 9 January is **-2** (Thursday to Saturday
counts Thursday and Friday). Note that this is *not* what
``numpy.busday_count`` does for reversed dates: numpy counts the days after
``end`` up to and including ``start`` (it would give -1 for both examples),
which breaks the symmetry and the ``working_day_number`` rule below. The two
agree whenever both days are working days.

:func:`add_working_days` is the inverse for ``n >= 0``: it moves a date on by
``n`` working days, so that ``working_days_between(start,
add_working_days(start, n)) == n``. A start on a weekend or bank holiday first
moves forward to the next working day. For ``n < 0`` it counts backwards, and
a start on a weekend or bank holiday first moves back to the previous working
day (``numpy.busday_offset`` with ``roll="backward"``): one working day before
Saturday 11 January 2020 is Thursday 9 January. From a working day the
inverse rule holds for negative ``n`` too; from a weekend or bank holiday
``working_days_between(start, add_working_days(start, n))`` is ``n - 1``
when ``n`` is negative, because the backward roll has already stepped over
one working day.

The table in :func:`calendar_columns` carries a ``working_day_number`` for each
day, chosen so that ``working_days_between(a, b)`` equals
``working_day_number(b) - working_day_number(a)``; SQL can use that to count
working days without this module.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import holidays
import numpy as np
import numpy.typing as npt

from cscperf.reporting_periods import financial_year_label, financial_year_of

__all__ = [
    "CALENDAR_END",
    "CALENDAR_START",
    "add_working_days",
    "add_working_days_many",
    "bank_holidays",
    "calendar_columns",
    "is_working_day",
    "working_days_between",
    "working_days_between_many",
]

CALENDAR_START = date(1900, 1, 1)
"""The first day the working-day calendar covers."""

CALENDAR_END = date(2100, 12, 31)
"""The last day the working-day calendar covers."""

_NP_START = np.datetime64(CALENDAR_START, "D")
_NP_END = np.datetime64(CALENDAR_END, "D")


@cache
def _bank_holidays_of(year: int) -> tuple[tuple[date, str], ...]:
    """One year's English bank holidays with their names, in date order (worked out when first asked for)."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return tuple((d, str(name)) for d, name in sorted(found.items()) if d.year == year)


def _all_bank_holidays(start: date = CALENDAR_START, end: date = CALENDAR_END) -> dict[date, str]:
    """Every English bank holiday from ``start`` to ``end`` (both in the calendar range), in date order."""
    return {d: name for year in range(start.year, end.year + 1) for d, name in _bank_holidays_of(year)
            if start <= d <= end}  # fmt: skip


@lru_cache(maxsize=1)
def _busday_calendar() -> np.busdaycalendar:
    """Build (once) the numpy business-day calendar: Monday to Friday, less English bank holidays."""
    holiday_days = np.array(list(_all_bank_holidays()), dtype="datetime64[D]")
    return np.busdaycalendar(weekmask="1111100", holidays=holiday_days)


def _out_of_range_message(d: object) -> str:
    """Explain in plain English that a date is outside the calendar."""
    return f"date {d} is outside the working-day calendar ({CALENDAR_START.isoformat()} to {CALENDAR_END.isoformat()})"


def _checked(d: date) -> date:
    """Return ``d`` as a plain date, raising ``ValueError`` if it is outside the calendar range."""
    if isinstance(d, datetime):
        d = d.date()
    if not CALENDAR_START <= d <= CALENDAR_END:
        raise ValueError(_out_of_range_message(d.isoformat()))
    return d


def _checked_array(values: npt.ArrayLike, what: str) -> npt.NDArray[np.datetime64]:
    """Turn ``values`` into a day-precision date array, raising ``ValueError`` for out-of-range dates.

    Missing dates (``NaT``) are allowed through; each caller decides what they mean.
    """
    days: npt.NDArray[np.datetime64] = np.asarray(values, dtype="datetime64[D]")
    present = days[~np.isnat(days)]
    if present.size:
        earliest, latest = present.min(), present.max()
        if earliest < _NP_START:
            raise ValueError(f"{what}: " + _out_of_range_message(earliest))
        if latest > _NP_END:
            raise ValueError(f"{what}: " + _out_of_range_message(latest))
    return days


def bank_holidays(start: date = CALENDAR_START, end: date = CALENDAR_END) -> dict[date, str]:
    """Return the English bank holidays from ``start`` to ``end`` (both included), with their names.

    The dictionary is in date order. Bank holidays that fall at a weekend are
    included under their own name (for example Boxing Day on Saturday
    26 December 2020), as are the substitute weekdays given for them (such as
    "Boxing Day (observed)" on Monday 28 December 2020).
    """
    start, end = _checked(start), _checked(end)
    return _all_bank_holidays(start, end)


def is_working_day(d: date) -> bool:
    """Say whether ``d`` is a working day: a Monday to Friday that is not an English bank holiday."""
    d = _checked(d)
    return bool(np.is_busday(np.datetime64(d, "D"), busdaycal=_busday_calendar()))


def working_days_between(start: date, end: date) -> int:
    """Count the working days from ``start`` (day 0) up to but not including ``end``.

    When ``end`` is on or after ``start`` this is
    ``numpy.busday_count(start, end)`` with the English calendar: the same day
    gives 0 and Friday to the following Monday gives 1. When ``end`` is before
    ``start`` the answer is ``-working_days_between(end, start)``. See the
    module description for worked examples and why reversed dates do not
    simply follow numpy.
    """
    start, end = _checked(start), _checked(end)
    calendar = _busday_calendar()
    if end < start:
        return -int(np.busday_count(np.datetime64(end, "D"), np.datetime64(start, "D"), busdaycal=calendar))
    return int(np.busday_count(np.datetime64(start, "D"), np.datetime64(end, "D"), busdaycal=calendar))


def add_working_days(start: date, n: int) -> date:
    """Return the date ``n`` working days after ``start`` (or before it, when ``n`` is negative).

    For ``n >= 0`` a start on a weekend or bank holiday first moves forward to
    the next working day, and the result always satisfies
    ``working_days_between(start, result) == n``. For ``n < 0`` a start on a
    weekend or bank holiday first moves back to the previous working day. The
    result is always a working day. See the module description for how this
    fits with :func:`working_days_between` when ``n`` is negative.
    """
    start = _checked(start)
    np_start, calendar = np.datetime64(start, "D"), _busday_calendar()
    if n >= 0:
        result = np.busday_offset(np_start, n, roll="forward", busdaycal=calendar)
    else:
        result = np.busday_offset(np_start, n, roll="backward", busdaycal=calendar)
    # numpy keeps stepping past the calendar's end as if there were no more
    # bank holidays, so refuse answers that land outside the calendar.
    if not _NP_START <= result <= _NP_END:
        raise ValueError(
            f"moving {start.isoformat()} by {n} working days lands on {result}, which is outside the "
            f"working-day calendar ({CALENDAR_START.isoformat()} to {CALENDAR_END.isoformat()})"
        )
    value: date = result.astype(object)
    return value


def working_days_between_many(starts: npt.ArrayLike, ends: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Vectorised :func:`working_days_between`: count working days for many start and end pairs at once.

    ``starts`` and ``ends`` are arrays (or anything numpy can read as
    ``datetime64[D]``) of the same shape, or shapes that broadcast together.
    Each answer counts the start as day 0, exactly as in
    :func:`working_days_between`. Missing dates (``NaT``) and dates outside
    the calendar raise ``ValueError``.
    """
    start_days = _checked_array(starts, "starts")
    end_days = _checked_array(ends, "ends")
    if np.isnat(start_days).any() or np.isnat(end_days).any():
        raise ValueError("cannot count working days to or from a missing date (NaT)")
    # Count from the earlier to the later day and put the sign back, so that
    # reversed pairs give minus the forward count (numpy alone would not).
    counts = np.busday_count(
        np.minimum(start_days, end_days), np.maximum(start_days, end_days), busdaycal=_busday_calendar()
    )
    return np.where(end_days < start_days, -counts, counts).astype(np.int64)


def add_working_days_many(starts: npt.ArrayLike, ns: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """Vectorised :func:`add_working_days`: move many dates by many numbers of working days at once.

    ``starts`` (read as ``datetime64[D]``) and ``ns`` (whole numbers) must
    have the same shape or shapes that broadcast together. Each element
    follows the same rules as :func:`add_working_days`, including rolling
    forward for ``n >= 0`` and backward for ``n < 0``. A missing start
    (``NaT``) gives a missing result. Dates outside the calendar, before or
    after moving, raise ``ValueError``.
    """
    start_days = _checked_array(starts, "starts")
    offsets = np.asarray(ns)
    if offsets.dtype.kind not in "iu":
        raise ValueError(f"the numbers of working days must be whole numbers, not {offsets.dtype}")
    start_days, offsets = np.broadcast_arrays(start_days, offsets.astype(np.int64))
    result = np.empty(start_days.shape, dtype="datetime64[D]")
    forward = offsets >= 0
    calendar = _busday_calendar()
    result[forward] = np.busday_offset(start_days[forward], offsets[forward], roll="forward", busdaycal=calendar)
    result[~forward] = np.busday_offset(start_days[~forward], offsets[~forward], roll="backward", busdaycal=calendar)
    _checked_array(result, "results")
    return result


def calendar_columns(start: date = CALENDAR_START, end: date = CALENDAR_END) -> dict[str, list[object]]:
    """Return the rows of the store's calendar table as columns, one row per day from ``start`` to ``end``.

    The columns are:

    * ``cal_date``: the day (``date``).
    * ``is_working_day``: whether it is a working day (``bool``).
    * ``is_weekend``: whether it is a Saturday or Sunday (``bool``).
    * ``bank_holiday_name``: the bank holiday's name, or ``None`` (``str | None``).
    * ``working_day_number``: the number of working days from ``start`` up to
      but not including this day (``int``). For any two days ``a`` and ``b``
      in the table, ``working_days_between(a, b)`` is
      ``working_day_number(b) - working_day_number(a)``.
    * ``financial_year``: the calendar year the financial year (1 April to
      31 March) starts in, for example 2019 for 1 April 2019 to 31 March 2020.
    * ``financial_year_label``: the financial year written as ``2019-20``.
    * ``month_start``: the first day of the day's calendar month (``date``).
    * ``financial_quarter``: 1 to 4, where Q1 is April to June (``int``).
    """
    start, end = _checked(start), _checked(end)
    if end < start:
        raise ValueError(f"the calendar table cannot end ({end.isoformat()}) before it starts ({start.isoformat()})")
    calendar = _busday_calendar()
    np_start = np.datetime64(start, "D")
    days = np.arange(np_start, np.datetime64(end + timedelta(days=1), "D"), dtype="datetime64[D]")
    working = np.is_busday(days, busdaycal=calendar)
    numbers = np.busday_count(np_start, days, busdaycal=calendar)
    names = _all_bank_holidays(start, end)

    cal_dates: list[date] = days.astype(object).tolist()
    return {
        "cal_date": list(cal_dates),
        "is_working_day": [bool(w) for w in working],
        "is_weekend": [d.weekday() >= 5 for d in cal_dates],
        "bank_holiday_name": [names.get(d) for d in cal_dates],
        "working_day_number": [int(x) for x in numbers],
        "financial_year": [financial_year_of(d) for d in cal_dates],
        "financial_year_label": [financial_year_label(financial_year_of(d)) for d in cal_dates],
        "month_start": [d.replace(day=1) for d in cal_dates],
        "financial_quarter": [(d.month - 4) % 12 // 3 + 1 for d in cal_dates],
    }
