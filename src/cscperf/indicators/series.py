"""The periods an indicator series covers: monthly, financial years, or rolling 12 months, ending at the
as-at date (the last period runs to the as-at date, so a mid-month as-at gives the month to date)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

from cscperf.reporting_periods import (
    ReportingPeriod,
    add_months,
    financial_year,
    financial_year_of,
    month,
    month_end,
    rolling_12_months,
)

SeriesKind = Literal["month", "financial-year", "rolling-12"]


def series_periods(as_at: dt.date, count: int, kind: SeriesKind = "month") -> list[ReportingPeriod]:
    """`count` consecutive periods of the kind, the last ending on `as_at`."""
    if count < 1:
        raise ValueError("a series needs at least one period")
    periods: list[ReportingPeriod] = []
    if kind == "month":
        first = add_months(as_at.replace(day=1), -(count - 1))
        for i in range(count):
            d = add_months(first, i)
            periods.append(month(d.year, d.month))
    elif kind == "financial-year":
        last = financial_year_of(as_at)
        periods = [financial_year(y) for y in range(last - count + 1, last + 1)]
    else:
        first_end = add_months(as_at.replace(day=1), -(count - 1))
        periods = [rolling_12_months(month_end(add_months(first_end, i))) for i in range(count - 1)]
        periods.append(rolling_12_months(as_at))
    last_period = periods[-1]
    if last_period.end != as_at:
        periods[-1] = dataclasses.replace(last_period, end=as_at, label=f"{last_period.label} (to {as_at:%-d %b %Y})")
    return periods
