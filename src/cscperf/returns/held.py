"""Whether the store holds what a return (or one of Annex A's lists) is written from, for the period it covers.

A return written from a store that never held contacts, or whose referrals begin half-way through the year,
must not pass for a complete one: an empty list would read as "no contacts", a census of five months as a
quiet year. The store records, for each council, the days each table gives a complete record of (the same
coverage the indicators use, `cscperf.indicators.coverage`); this says, for one table and period, whether it
is held for all of it, part of it or none of it, in words for the export's notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from cscperf.indicators.coverage import CouncilCoverage, council_coverage
from cscperf.store.connection import Connection

HeldLevel = Literal["full", "part", "none"]


@dataclass(frozen=True)
class Held:
    level: HeldLevel
    reason: str | None = None  # why not full, in words


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def coverage_of(con: Connection, la_code: str) -> CouncilCoverage:
    return council_coverage(con, [la_code])[la_code]


def held(coverage: CouncilCoverage, table: str, what: str, start: dt.date, end: dt.date) -> Held:
    """Whether `table` (`what` it holds, in words) is held from `start` to `end`, both included. A council the
    store records nothing about (a store built by hand) is taken to hold everything, as the indicators do."""
    if not coverage.recorded:
        return Held("full")
    spans = coverage.spans(table)
    if not spans:
        return Held("none", f"the store holds no {what} for this council")
    if any(s.start <= start and s.end >= end for s in spans):
        return Held("full")
    overlapping = [s for s in spans if s.start <= end and s.end >= start]
    runs = ", ".join(f"{_day(s.start)} to {_day(s.end)}" for s in spans)
    if not overlapping:
        return Held("none", f"the {what} loaded cover {runs}, none of this period")
    within = ", ".join(f"{_day(max(s.start, start))} to {_day(min(s.end, end))}" for s in overlapping)
    return Held("part", f"the {what} loaded cover only {within} of this period")


def year_note(con: Connection, la_code: str, table: str, what: str, year: int) -> str | None:
    """A note when the store does not hold `table` for the whole collection year (1 April to 31 March): the
    return then holds only what the store shows, and is not the council's whole year."""
    found = held(coverage_of(con, la_code), table, what, dt.date(year - 1, 4, 1), dt.date(year, 3, 31))
    if found.level == "full":
        return None
    return f"This is not a whole year's return: {found.reason}."
