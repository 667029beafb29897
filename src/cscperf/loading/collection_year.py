"""The collection year a return is for (the year ending 31 March), from the dates in it.

Taking the year of the single latest date lets one mistyped date (15/05/2024 in a 2023-24 return) move the
whole return to the wrong year. Instead the year is the latest one that holds a fair share of the return's
dates: at least 3 of them and at least 1 in 1,000. Dates after that year's end are then reported.

Dates after today do not vote (they are reported as "date in the future"). The year in progress (the one today
falls in, not yet ended) can be chosen: a council may load an extract taken in the year. But only when the
dates stop at today: when a fair share of them lie after today too (reviews booked years ahead), this year's
dates are the front of a run that goes on past today, no sign of a return in progress, and the latest year
that has ended is taken.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

SHARE = 0.001
AT_LEAST = 3


def year_ending(day: dt.date) -> int:
    """The year ending 31 March that a date falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def collection_year(years: Counter[int], after_today: int = 0, today: dt.date | None = None) -> int | None:
    """The latest year holding at least AT_LEAST dates and SHARE of all (or, for a return with very few dates,
    the latest year with any). `years` counts the dates up to today; `after_today` how many more there are:
    a fair share of them keeps the year in progress out, when an ended year holds a fair share."""
    total = sum(years.values())
    if total == 0:
        return None
    enough = max(AT_LEAST, SHARE * total)
    held = [year for year, n in years.items() if n >= enough]
    if after_today >= max(AT_LEAST, SHARE * (total + after_today)):
        in_progress = year_ending(today or dt.date.today())
        held = [year for year in held if year < in_progress] or held
    return max(held) if held else max(years)


def dates_after(years: Counter[int], chosen: int) -> int:
    """How many dates fall after the end of the chosen year."""
    return sum(n for year, n in years.items() if year > chosen)


_NAMED_YEAR = re.compile(r"(?<!\d)(20\d\d)(?:[-_ ]?(?:20)?(\d\d))?(?!\d)")


def year_in_name(path: Path) -> tuple[int, str] | None:
    """The collection year a file's name gives, and the name it was read from: the file's own name first,
    then its folder's, then the folder above. `2019` (in `2019-oc2.csv`, `oc2_2019.csv`, `2019/oc2.csv`,
    `SSDA903_2019_episodes.csv`) is the year ending 31 March 2019, as the DfE names returns; `2018-19`,
    `2018_19`, `2018_2019` or `201819` is the same year."""
    for name in (path.stem, path.parent.name, path.parent.parent.name):
        for match in _NAMED_YEAR.finditer(name):
            first, second = int(match.group(1)), match.group(2)
            if second is None:
                return first, name
            if int(second) == (first + 1) % 100:
                return first + 1, name
    return None
