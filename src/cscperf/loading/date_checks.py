"""Dates a return should not hold, flagged the same way by every loader: a date after today, or (for a return
with a collection year) after 31 March of its year. Each is a warning with its location, field and value;
the record is loaded as it is (the indicator engine shows no figure for a period after the data end).

Each format names the dated fields it checks, and runs the check once every file of the command is read and
its collection year is settled (the format's `after_all` hook).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cscperf.loading.merge import LOADS_TABLE, StagedLoads
from cscperf.loading.problems import Problem

FUTURE = "date in the future"


def future_date(
    location: str, table: str | None, name: str, day: dt.date, today: dt.date | None = None
) -> Problem | None:
    """The warning for a date after today, or None: for a loader that checks a date as it reads it (one whose
    staged dates stand for something else when the source left them out, as the workforce census's do)."""
    if day <= (today or dt.date.today()):
        return None
    return Problem(location, FUTURE, _after_today(name, day), "warning", table, name, day.isoformat())


def _after_today(name: str, day: dt.date) -> str:
    return f"{name} {day:%d/%m/%Y} is after today."


@dataclass(frozen=True)
class DatedField:
    """A date field of a source: the store table and column it is staged in, and its name in the source."""

    table: str
    column: str
    name: str


def flag_late_dates(
    staged: StagedLoads,
    kind: str,
    fields: tuple[DatedField, ...],
    *,
    year_end: bool = True,
    today: dt.date | None = None,
) -> int:
    """Flag every date of the loads of `kind` after today or (with `year_end`) after 31 March of the load's
    collection year; how many were flagged."""
    today = today or dt.date.today()
    count = 0
    for f in fields:
        table = staged.staged(f.table)
        if table is None:
            continue
        late = f"s.{f.column} > make_date(l.collection_year, 3, 31)" if year_end else "false"
        rows = staged.con.execute(
            f"""SELECT s._load_id, s._location, s.{f.column}, l.collection_year, s.{f.column} > ? AS future
                FROM {table} s JOIN {LOADS_TABLE} l ON l.load_id = s._load_id
                WHERE l.load_kind = ? AND s.{f.column} IS NOT NULL AND (s.{f.column} > ? OR {late})
                ORDER BY s._load_seq, s._row_seq""",
            [today, kind, today],
        ).fetchall()
        for load_id, location, day, year, future in rows:
            if future:
                rule, message = FUTURE, _after_today(f.name, day)
            else:
                rule = "date after the return's year"
                message = (
                    f"{f.name} {day:%d/%m/%Y} is after 31 March {year}, the end of the year this return is for; "
                    "check it for a typing mistake."
                )
            staged.flag(load_id, Problem(location, rule, message, "warning", f.table, f.name, day.isoformat()))
            count += 1
    for load in staged.loads:
        load.flush()
    return count
