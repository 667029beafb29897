"""The collection year a return is for (the year ending 31 March), from the dates in it.

Taking the year of the single latest date lets one mistyped date (15/05/2024 in a 2023-24 return) move the
whole return to the wrong year. Instead the year is the latest one that holds a fair share of the return's
dates: at least 3 of them and at least 1 in 1,000. Dates after that year's end are then reported.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

SHARE = 0.001
AT_LEAST = 3


def year_ending(day: dt.date) -> int:
    """The year ending 31 March that a date falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def collection_year(years: Counter[int]) -> int | None:
    """The latest year holding at least AT_LEAST dates and SHARE of all (or, for a return with very few dates,
    the latest year with any)."""
    total = sum(years.values())
    if total == 0:
        return None
    enough = max(AT_LEAST, SHARE * total)
    held = [year for year, n in years.items() if n >= enough]
    return max(held) if held else max(years)


def dates_after(years: Counter[int], chosen: int) -> int:
    """How many dates fall after the end of the chosen year."""
    return sum(n for year, n in years.items() if year > chosen)
