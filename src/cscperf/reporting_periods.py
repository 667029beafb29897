"""Reporting periods used by children's social care performance indicators.

A reporting period is a run of calendar days with an inclusive start and an
inclusive end: the March 2024 month period runs from 1 March 2024 to
31 March 2024, and both of those days belong to it.

English local authorities report on financial years, which run from 1 April
to 31 March. A financial year is named after the calendar year it starts in,
so financial year 2019 is 1 April 2019 to 31 March 2020 and is labelled
"2019-20". Financial quarters follow the same year: Q1 is April to June, Q2 is
July to September, Q3 is October to December and Q4 is January to March of
the following calendar year.

The kinds of period are:

* ``month``: one calendar month.
* ``quarter``: one financial quarter.
* ``financial_year``: 1 April to 31 March.
* ``financial_year_to_date``: 1 April of the financial year containing the
  "as at" date, up to and including that date.
* ``rolling_12_months``: the twelve months up to and including the "as at"
  date, for example 1 March 2023 to 29 February 2024.
* ``as_at``: a single day, used for snapshot measures such as "children in
  need on 31 March".

Periods can be written on the command line in the short forms accepted by
:func:`parse_period`, and every period's :attr:`ReportingPeriod.code` is one
of those forms.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "PERIOD_KINDS",
    "ReportingPeriod",
    "add_months",
    "as_at",
    "financial_quarter",
    "financial_year",
    "financial_year_label",
    "financial_year_of",
    "financial_year_to_date",
    "last_day_within_months",
    "month",
    "month_end",
    "months",
    "parse_period",
    "rolling_12_months",
]

PERIOD_KINDS: tuple[str, ...] = (
    "month",
    "quarter",
    "financial_year",
    "financial_year_to_date",
    "rolling_12_months",
    "as_at",
)
"""Every kind of reporting period that :class:`ReportingPeriod` accepts."""

_MONTH_ABBREVIATIONS: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

_ACCEPTED_FORMS = (
    "Accepted forms are: '2024-03' (a calendar month), '2023-24' or 'FY2023' (the financial year "
    "1 April 2023 to 31 March 2024), '2023-24 Q2' (a financial quarter, Q1 = April to June), "
    "'R12:2024-03-31' (the 12 months up to and including that date), 'YTD:2024-01-31' (the "
    "financial year to that date) and '2024-03-31' (a single 'as at' date)"
)


def _readable(d: date) -> str:
    """Write a date in plain English, for example ``31 Mar 2024``."""
    return f"{d.day} {_MONTH_ABBREVIATIONS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class ReportingPeriod:
    """A reporting period: a run of calendar days from ``start`` to ``end``, both included.

    ``kind`` is one of :data:`PERIOD_KINDS` and ``label`` is a short
    human-readable name for reports, such as ``Mar 2024`` or ``2023-24 Q2``.
    Build periods with the constructor functions in this module (for example
    :func:`month` or :func:`rolling_12_months`) rather than by hand.
    """

    kind: str
    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        """Check that the kind is known and the dates are in order."""
        if self.kind not in PERIOD_KINDS:
            raise ValueError(f"unknown reporting period kind {self.kind!r}; expected one of {', '.join(PERIOD_KINDS)}")
        if self.end < self.start:
            raise ValueError(
                f"a reporting period cannot end ({self.end.isoformat()}) before it starts ({self.start.isoformat()})"
            )
        if self.kind == "as_at" and self.start != self.end:
            raise ValueError("an 'as at' period must start and end on the same day")

    def contains(self, d: date) -> bool:
        """Say whether the day ``d`` falls inside the period (the start and end days count as inside)."""
        return self.start <= d <= self.end

    @property
    def days(self) -> int:
        """The number of calendar days in the period, counting both the start and the end day."""
        return (self.end - self.start).days + 1

    @property
    def code(self) -> str:
        """The short form of the period that :func:`parse_period` turns back into this period."""
        if self.kind == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.kind == "quarter":
            fy = financial_year_of(self.start)
            return f"{financial_year_label(fy)} Q{_quarter_number(self.start)}"
        if self.kind == "financial_year":
            label = financial_year_label(self.start.year)
            # 2000-01 to 2011-12 would be read back as months, so use the FY form for them.
            return f"FY{self.start.year:04d}" if 1 <= int(label[-2:]) <= 12 else label
        if self.kind == "financial_year_to_date":
            return f"YTD:{self.end.isoformat()}"
        if self.kind == "rolling_12_months":
            return f"R12:{self.end.isoformat()}"
        return self.end.isoformat()


def add_months(d: date, n: int) -> date:
    """Move a date by ``n`` calendar months, keeping the day of the month where possible.

    When the target month is too short the result is clamped to that month's
    last day, the same rule as pandas ``DateOffset(months=n)``. For example
    ``add_months(date(2024, 2, 29), -12)`` is 28 February 2023 and
    ``add_months(date(2023, 3, 31), -1)`` is 28 February 2023.
    """
    total = d.year * 12 + (d.month - 1) + n
    year, month_index = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"moving {d.isoformat()} by {n} months goes outside the years 1 to 9999")
    target_month = month_index + 1
    last_day = calendar.monthrange(year, target_month)[1]
    return date(year, target_month, min(d.day, last_day))


def last_day_within_months(d: date, n: int) -> date:
    """The last day on which something done on ``d`` is still "within ``n`` months": the day before
    ``add_months(d, n)``.

    This is the one way cscperf counts calendar months forward from an event (a plan start, a review, a
    check), in Python and, as ``d + INTERVAL n MONTH``, in SQL (DuckDB and PostgreSQL clamp to the month end
    as :func:`add_months` does). A plan started on 29 February 2024 reaches 9 months on
    ``add_months(d, 9)`` = 29 November 2024; one started on 31 May 2023 reaches 9 months at the end of
    February (29 February 2024). A health assessment done on 15 March 2024 is within 12 months up to and
    including 14 March 2025, and due again by then.
    """
    if n < 0:
        raise ValueError(f"a number of months to count forward cannot be negative ({n})")
    return add_months(d, n) - timedelta(days=1)


def month_end(d: date) -> date:
    """Return the last day of the calendar month that contains ``d``."""
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def financial_year_of(d: date) -> int:
    """Return the financial year containing ``d``, named by the calendar year it starts in.

    For example 31 March 2020 is in financial year 2019 (2019-20) and
    1 April 2020 is in financial year 2020 (2020-21).
    """
    return d.year if d.month >= 4 else d.year - 1


def financial_year_label(fy_start_year: int) -> str:
    """Return the usual label for a financial year, for example ``2019-20`` for 2019."""
    return f"{fy_start_year:04d}-{(fy_start_year + 1) % 100:02d}"


def _quarter_number(d: date) -> int:
    """Return the financial quarter (1 to 4) that contains ``d``; Q1 is April to June."""
    return (d.month - 4) % 12 // 3 + 1


def month(year: int, month: int) -> ReportingPeriod:
    """Return the reporting period for one calendar month, such as ``month(2024, 2)`` for February 2024."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be between 1 and 12, not {month}")
    start = date(year, month, 1)
    return ReportingPeriod("month", start, month_end(start), f"{_MONTH_ABBREVIATIONS[month - 1]} {year}")


def financial_quarter(fy_start_year: int, q: int) -> ReportingPeriod:
    """Return financial quarter ``q`` (1 to 4) of the financial year starting in April of ``fy_start_year``.

    Q1 is April to June, Q2 July to September, Q3 October to December and
    Q4 January to March of the next calendar year, so
    ``financial_quarter(2023, 4)`` is 1 January 2024 to 31 March 2024.
    """
    if not 1 <= q <= 4:
        raise ValueError(f"a financial quarter must be 1, 2, 3 or 4, not {q}")
    first_month = 4 + 3 * (q - 1)
    year = fy_start_year + (first_month - 1) // 12
    first_month = (first_month - 1) % 12 + 1
    start = date(year, first_month, 1)
    end = month_end(date(year, first_month + 2, 1))
    return ReportingPeriod("quarter", start, end, f"{financial_year_label(fy_start_year)} Q{q}")


def financial_year(fy_start_year: int) -> ReportingPeriod:
    """Return the financial year from 1 April ``fy_start_year`` to 31 March of the next year.

    The label is the usual short form, for example ``2019-20`` for 2019.
    """
    return ReportingPeriod(
        "financial_year",
        date(fy_start_year, 4, 1),
        date(fy_start_year + 1, 3, 31),
        financial_year_label(fy_start_year),
    )


def financial_year_to_date(as_at: date) -> ReportingPeriod:
    """Return the period from 1 April of the financial year containing ``as_at`` up to ``as_at``.

    For example the year to date at 31 January 2024 is 1 April 2023 to
    31 January 2024, and the year to date at 1 April 2024 is that single day.
    """
    fy = financial_year_of(as_at)
    return ReportingPeriod(
        "financial_year_to_date",
        date(fy, 4, 1),
        as_at,
        f"{financial_year_label(fy)} to {_readable(as_at)}",
    )


def rolling_12_months(as_at: date) -> ReportingPeriod:
    """Return the twelve months up to and including ``as_at``.

    The period starts the day after the same date twelve months earlier
    (clamped to month end, see :func:`add_months`). For example the 12 months
    to 29 February 2024 are 1 March 2023 to 29 February 2024, and the 12
    months to 31 March 2019 are 1 April 2018 to 31 March 2019. Such a period is
    always 365 or 366 days long.
    """
    start = add_months(as_at, -12) + timedelta(days=1)
    return ReportingPeriod("rolling_12_months", start, as_at, f"12 months to {_readable(as_at)}")


def as_at(d: date) -> ReportingPeriod:
    """Return a single-day 'as at' period, used for snapshot measures on that date."""
    return ReportingPeriod("as_at", d, d, f"As at {_readable(d)}")


def months(first: date, last: date) -> list[ReportingPeriod]:
    """Return, in date order, every calendar month that overlaps the days ``first`` to ``last``.

    Both days are included, so ``months(date(2024, 1, 31), date(2024, 3, 1))``
    gives January, February and March 2024.
    """
    if last < first:
        raise ValueError(f"the last day ({last.isoformat()}) must not be before the first day ({first.isoformat()})")
    result: list[ReportingPeriod] = []
    year, month_number = first.year, first.month
    while (year, month_number) <= (last.year, last.month):
        result.append(month(year, month_number))
        year, month_number = (year + 1, 1) if month_number == 12 else (year, month_number + 1)
    return result


_MONTH_OR_FY_RE = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_FY_PREFIX_RE = re.compile(r"FY\s*(\d{4})", re.ASCII | re.IGNORECASE)
_QUARTER_RE = re.compile(r"(\d{4})-(\d{2})\s*Q(\d)", re.ASCII | re.IGNORECASE)
_PREFIXED_DATE_RE = re.compile(r"(R12|YTD)\s*:\s*(.*)", re.ASCII | re.IGNORECASE)


def _parse_date(text: str) -> date:
    """Read a ``YYYY-MM-DD`` date, raising ``ValueError`` with the reason if it is not one."""
    if not _DATE_RE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date written as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real calendar date") from None


def _parse_financial_year(first: str, second: str) -> int:
    """Check that ``first-second`` names a financial year such as ``2023-24`` and return its start year."""
    start_year = int(first)
    if int(second) != (start_year + 1) % 100:
        raise ValueError(
            f"{first}-{second} is not a financial year (the year starting in April {start_year} "
            f"is written {financial_year_label(start_year)})"
        )
    return start_year


def _parse_period_text(cleaned: str) -> ReportingPeriod:
    """Do the work of :func:`parse_period` on stripped text, raising ``ValueError`` with a short reason."""
    prefixed = _PREFIXED_DATE_RE.fullmatch(cleaned)
    if prefixed:
        d = _parse_date(prefixed.group(2).strip())
        return rolling_12_months(d) if prefixed.group(1).upper() == "R12" else financial_year_to_date(d)

    if _DATE_RE.fullmatch(cleaned):
        return as_at(_parse_date(cleaned))

    quarter = _QUARTER_RE.fullmatch(cleaned)
    if quarter:
        fy = _parse_financial_year(quarter.group(1), quarter.group(2))
        q = int(quarter.group(3))
        if not 1 <= q <= 4:
            raise ValueError(f"Q{q} is not a financial quarter (use Q1, Q2, Q3 or Q4)")
        return financial_quarter(fy, q)

    fy_prefixed = _FY_PREFIX_RE.fullmatch(cleaned)
    if fy_prefixed:
        return financial_year(int(fy_prefixed.group(1)))

    # "2024-03" (a month) and "2023-24" (a financial year) have the same shape.
    # They clash when the financial year's second part is also a month number
    # (2000-01 to 2011-12 in this century): those are read as months, so
    # "2011-12" is December 2011. Write "FY2011" for the financial year 2011-12.
    two_part = _MONTH_OR_FY_RE.fullmatch(cleaned)
    if two_part:
        first, second = two_part.group(1), two_part.group(2)
        if 1 <= int(second) <= 12:
            return month(int(first), int(second))
        start_year = int(first)
        if int(second) != (start_year + 1) % 100:
            raise ValueError(
                f"{cleaned} is neither a month (the month number must be 01 to 12) nor a financial year "
                f"(the year starting in April {start_year} is written {financial_year_label(start_year)})"
            )
        return financial_year(start_year)

    raise ValueError("it does not match any accepted form")


def parse_period(text: str) -> ReportingPeriod:
    """Turn a short command-line form into a reporting period.

    Accepted forms (letters may be upper or lower case):

    * ``2024-03``: the calendar month March 2024.
    * ``2023-24`` or ``FY2023``: the financial year 1 April 2023 to 31 March 2024.
      The forms ``2000-01`` to ``2011-12`` are read as months (``2011-12`` is
      December 2011), so write ``FY2011`` for the financial year 2011-12.
    * ``2023-24 Q2``: financial quarter 2 of 2023-24 (July to September 2023).
    * ``R12:2024-03-31``: the 12 months up to and including 31 March 2024.
    * ``YTD:2024-01-31``: the financial year to date, 1 April 2023 to 31 January 2024.
    * ``2024-03-31``: the single day 31 March 2024 ("as at").

    Anything else raises ``ValueError`` with a message that gives the reason
    and lists these forms.
    """
    try:
        return _parse_period_text(text.strip())
    except ValueError as problem:
        raise ValueError(f"could not read {text!r} as a reporting period: {problem}. {_ACCEPTED_FORMS}") from None
