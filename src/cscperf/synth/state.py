"""Shared state of one council's simulation: the random source, dates as day numbers, ids and row buffers.

Inside the simulation a date is its proleptic ordinal (`date.toordinal()`), an int, so date arithmetic is
integer arithmetic; the writer turns ordinals back into dates. Working-day arithmetic uses the same
England & Wales calendar as the rest of cscperf (cscperf.working_days), looked up in arrays for speed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from itertools import count
from typing import Any

from cscperf.working_days import calendar_columns

Row = tuple[Any, ...] | list[Any]


class SimulationRandom(random.Random):
    """Python's Mersenne Twister with faster integer draws (the simulation makes millions of them).

    `randint(a, b)` is uniform on a..b inclusive, like random.randint, from one `random()` call."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]


class WorkingDayIndex:
    """Working-day arithmetic on day ordinals (start date = day 0, as in cscperf.working_days)."""

    def __init__(self) -> None:
        cols = calendar_columns()
        dates: list[dt.date] = cols["cal_date"]  # type: ignore[assignment]
        self.base = dates[0].toordinal()
        self.number: list[int] = cols["working_day_number"]  # type: ignore[assignment]
        flags: list[bool] = cols["is_working_day"]  # type: ignore[assignment]
        self.working = [d.toordinal() for d, w in zip(dates, flags, strict=True) if w]
        self.is_working = flags

    def add(self, day: int, n: int) -> int:
        """The working day n working days after `day` (a non-working `day` first rolls forward)."""
        return self.working[self.number[day - self.base] + n]

    def between(self, start: int, end: int) -> int:
        """Working days from start to end, start being day 0."""
        return self.number[end - self.base] - self.number[start - self.base]

    def on_or_after(self, day: int) -> int:
        """The first working day on or after `day`."""
        return self.working[self.number[day - self.base]]

    def working_day(self, day: int) -> bool:
        return self.is_working[day - self.base]


@lru_cache(maxsize=1)
def working_day_index() -> WorkingDayIndex:
    return WorkingDayIndex()


def ordinal(d: dt.date) -> int:
    return d.toordinal()


def add_months(day: int, months: int) -> int:
    """Calendar-month arithmetic on an ordinal, clamped to the month end."""
    d = dt.date.fromordinal(day)
    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last)).toordinal()


def birthday(dob: int, years: int) -> int:
    """Ordinal of the `years`-th birthday (29 February birthdays fall on 28 February)."""
    d = dt.date.fromordinal(dob)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:
        return dt.date(d.year + years, 2, 28).toordinal()


class SimulationState:
    """Everything one council's simulation shares: rng, calendar, ids, output rows."""

    def __init__(self, seed: int, la_code: str, start: int, end: int) -> None:
        self.rng = SimulationRandom(f"{seed}:{la_code}")
        self.la_code = la_code
        self.start = start
        self.end = end
        self.wd = working_day_index()
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.columns: dict[str, tuple[str, ...]] = {}
        self._counters: dict[str, Iterator[int]] = {}

    def new_id(self, prefix: str) -> str:
        """The next identifier with this prefix: P1, P2, ... (unique within the council)."""
        counter = self._counters.get(prefix)
        if counter is None:
            counter = self._counters[prefix] = count(1)
        return prefix + str(next(counter))

    def declare(self, table: str, columns: tuple[str, ...]) -> list[Row]:
        """Name the columns a table's rows carry (in order) and return its row list to append to."""
        self.columns[table] = columns
        return self.rows[table]

    def poisson(self, lam: float) -> int:
        """A Poisson draw (inversion for small means, normal approximation for large)."""
        if lam <= 0:
            return 0
        if lam > 40:
            return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))
        threshold = math.exp(-lam)
        k = 0
        p = self.rng.random()
        while p > threshold:
            k += 1
            p *= self.rng.random()
        return k

    def chance(self, p: float) -> bool:
        return self.rng.random() < p
