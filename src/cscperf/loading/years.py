"""The collection years a return can be for: from 2009-10 (the first year of the CIN Census in its current
form, and long before any return a council still holds) to next year's (a return in progress). A year outside
them is a typing mistake (`<Year>9999</Year>`, `--year 100000`); taken as it is, it would make every later
return look older, and put the council's data in the wrong century.
"""

from __future__ import annotations

import datetime as dt

FIRST_YEAR = 2010


def latest_year(today: dt.date | None = None) -> int:
    return (today or dt.date.today()).year + 1


def year_problem(year: int, today: dt.date | None = None) -> str | None:
    """Why `year` cannot be a return's collection year, or None if it can."""
    last = latest_year(today)
    if FIRST_YEAR <= year <= last:
        return None
    return f"{year} is not a year a return can be for (it must be from {FIRST_YEAR} to {last})"


def possible_year(year: int | None, today: dt.date | None = None) -> bool:
    return year is not None and year_problem(year, today) is None


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
