"""The managers' lists (`cscperf.lists`) as the web service shows them: the same computation as `cscperf lists`
(one list or all, as at a day, looking ahead N days, compared with an earlier day), limited to the teams the
reader may see and optionally one worker, and worded for the page.

A list the council's data cannot support is never an empty list (which would read as "nobody is overdue"):
`one_list` raises `ListNotAvailable` with the reason, and the page says "not available" and why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from cscperf.indicators.settings import IndicatorSettings
from cscperf.lists import ListInfo, ListNotAvailable, ListResult, ListRow, Lists, compute_lists, list_definitions
from cscperf.lists.results import NOT_ALLOCATED
from cscperf.lists.settings import ListSettings, read_list_settings
from cscperf.store.connection import Connection

__all__ = ["ListInfo", "ListNotAvailable", "Shown", "all_lists", "computed", "definitions", "one_list", "settings_for"]


def definitions() -> list[ListInfo]:
    return list_definitions()


@lru_cache(maxsize=8)
def settings_for(config: str | None) -> tuple[IndicatorSettings, ListSettings]:
    """The [indicator_settings] and [list_settings] of the service's cscperf.toml (the same rules the
    command line applies), read once."""
    return read_list_settings(Path(config) if config else None)


def _compute(
    con: Connection,
    la_code: str,
    as_at: dt.date,
    ids: Sequence[str] | None,
    look_ahead_days: int | None,
    since: dt.date | None,
    config: str | None,
) -> Lists:
    indicator_settings, settings = settings_for(config)
    return compute_lists(con, la_code, as_at, ids=ids, look_ahead_days=look_ahead_days, since=since,
                         indicator_settings=indicator_settings, settings=settings)  # fmt: skip


def restricted(lists: Lists, teams: Sequence[str] | None, worker: str | None) -> Lists:
    """The lists with only the rows (and those who left) of these teams (None: every team) and this worker
    (by id or name, as `cscperf lists --worker`)."""
    wanted = None if teams is None else set(teams)

    def keep(team: str, worker_id: str | None, worker_name: str) -> bool:
        if wanted is not None and team not in wanted:
            return False
        return worker is None or worker.casefold() in {str(worker_id).casefold(), worker_name.casefold()}

    results = tuple(
        dataclasses.replace(
            r,
            rows=tuple(x for x in r.rows if keep(x.team, x.worker_id, x.worker)),
            left=tuple(x for x in r.left if keep(x.team, x.worker_id, x.worker)),
        )
        for r in lists.results
    )
    team_words = None if teams is None else ", ".join(teams)
    return dataclasses.replace(lists, results=results, team=team_words, worker=worker)


def computed(
    con: Connection,
    *,
    la_code: str,
    as_at: dt.date,
    look_ahead_days: int | None,
    since: dt.date | None,
    config: str | None,
) -> Lists:
    """Every list for the council as at the day, for every team (limit it with `restricted`)."""
    return _compute(con, la_code, as_at, None, look_ahead_days, since, config)


def all_lists(
    con: Connection,
    *,
    la_code: str,
    as_at: dt.date,
    teams: Sequence[str] | None,
    worker: str | None,
    look_ahead_days: int | None,
    config: str | None,
) -> Lists:
    """Every list for the council as at the day, for these teams and worker."""
    return restricted(_compute(con, la_code, as_at, None, look_ahead_days, None, config), teams, worker)


def one_list(
    con: Connection,
    list_id: str,
    *,
    la_code: str,
    as_at: dt.date,
    teams: Sequence[str] | None,
    worker: str | None,
    look_ahead_days: int | None,
    since: dt.date | None,
    config: str | None,
) -> Lists:
    """One list for the council as at the day, for these teams and worker; ListNotAvailable (with the reason)
    when the council's data cannot support it."""
    lists = _compute(con, la_code, as_at, [list_id], look_ahead_days, since, config)
    result = lists.results[0]
    if not result.available:
        raise ListNotAvailable(f"{result.title} is {_not_available(result.reason)}.")
    return restricted(lists, teams, worker)


def _not_available(reason: str | None) -> str:
    """Not available and why, said once when the reason already begins with "not available"."""
    why = reason or "not available"
    return why if why.startswith("not available") else f"not available: {why}"


def workers_in(lists: Lists) -> list[tuple[str, str]]:
    """(value, label) for each worker with someone on the lists, by name: the choices of the worker filter."""
    found: dict[str, str] = {}
    for r in lists.results:
        for row in r.rows:
            if row.worker == NOT_ALLOCATED:
                continue
            value = row.worker_id or row.worker
            found.setdefault(value, row.worker if row.worker == value else f"{row.worker} ({value})")
    return sorted(found.items(), key=lambda kv: kv[1].casefold())


def children_in(result: ListResult) -> int:
    """How many children the list shows (on it now, and those who left): 0 for a list of workers."""
    if result.definition.subject != "child":
        return 0
    return len({x.person_id or x.unit_id for x in result.rows} | {x.person_id or x.unit_id for x in result.left})


def children_in_all(lists: Lists) -> int:
    """How many children the lists show between them (a child on several lists counted once)."""
    return len(
        {x.person_id or x.unit_id for r in lists.results if r.definition.subject == "child" for x in r.rows}
        | {x.person_id or x.unit_id for r in lists.results if r.definition.subject == "child" for x in r.left}
    )


# ------------------------------------------------------------------------------------------------ the page
@dataclasses.dataclass(frozen=True)
class Shown:
    """One list worded for the page: its headings and cells (text), those who left, and its counts."""

    headings: list[str]
    rows: list[list[str]]
    left_headings: list[str]
    left: list[list[str]]
    overdue: int
    due: int
    overdue_words: str = "overdue"  # a caseload is "over the target", not overdue


def shown(result: ListResult) -> Shown:
    d = result.definition
    child = d.subject == "child"
    headings = [*(["Child"] if child else []), "Worker", "Team"]
    headings += [x for x in (d.event_label, d.due_label) if x]
    headings += ["Status", "Action or reason recorded", "Detail"]
    headings += ["Team manager"] if d.subject == "worker" else []
    headings += ["Since " + f"{result.since:%-d %b %Y}"] if result.since is not None else []
    rows = [_cells(result, row) for row in result.rows]
    left_headings = [*(["Child"] if child else []), "Worker", "Team", "Was due", "Why no longer on the list"]
    left = [[*([x.person_id or ""] if child else []), x.worker, x.team, _date(x.due_date), x.why] for x in result.left]
    return Shown(headings, rows, left_headings, left, result.count("overdue"), result.count("due"), d.overdue_words)


def _cells(result: ListResult, row: ListRow) -> list[str]:
    d = result.definition
    cells = [*([row.person_id or ""] if d.subject == "child" else []), row.worker, row.team]
    cells += [_date(row.event_date)] if d.event_label else []
    cells += [_date(row.due_date)] if d.due_label else []
    cells += [status_words(row, d.overdue_words), row.action, row.detail]
    cells += [row.manager or ""] if d.subject == "worker" else []
    cells += [row.change or ""] if result.since is not None else []
    return cells


def status_words(row: ListRow, overdue_words: str = "overdue") -> str:
    """A row's status for the page: "Overdue by 3 working days", "Due today", or for a caseload "Over the
    target" (the list's `overdue_words`)."""
    days = row.working_days
    if row.status == "overdue":
        if not days:
            return overdue_words.capitalize()
        return f"Overdue by {days} working day{'s' if days != 1 else ''}"
    if days is None:
        return "Due"
    if days == 0:
        return "Due today"
    return f"Due in {days} working day{'s' if days != 1 else ''}"


def _date(day: dt.date | None) -> str:
    return "" if day is None else f"{day:%-d %b %Y}"
