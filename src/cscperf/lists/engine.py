"""Compute the managers' lists: run each list's SQL for the as-at date (and the since date), give each child
their team and worker, decide who is on the list (overdue, or due within the look-ahead), and word the rows.

One call, `compute_lists`, serves the command line, the web service and the committee report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb

from cscperf.errors import UsageProblem
from cscperf.indicators.engine import materialise_fragments, set_periods
from cscperf.indicators.settings import IndicatorSettings
from cscperf.indicators.sql_text import SETTING, expand_fragments, fragments_within
from cscperf.lists.coverage import Coverage
from cscperf.lists.definition import ListDefinition, load_lists
from cscperf.lists.rows import LeftRow, ListResult, ListRow, Lists
from cscperf.lists.settings import ListSettings, sql_values, template_values
from cscperf.lists.wording import render
from cscperf.reporting_periods import as_at as as_at_period
from cscperf.working_days import working_days_between

State = Literal["overdue", "due", "met", "later"]
NOT_ALLOCATED = "Not allocated"


@dataclass(frozen=True)
class ListEntry:
    """A row of the list SQL with its state worked out (every unit in scope, on the list or not)."""

    definition: ListDefinition
    values: dict[str, Any]
    state: State

    @property
    def unit_id(self) -> str:
        return str(self.values["unit_id"])

    @property
    def listed(self) -> bool:
        return self.state in ("overdue", "due")


def list_definitions() -> list[dict[str, str]]:
    """Every list: id, title, who it is for, its rule, where the data come from, its statutory basis."""
    return [
        {
            "id": d.id,
            "title": d.title,
            "audience": d.audience,
            "rule": d.rule_text,
            "source": d.source,
            "statutory_basis": d.statutory_basis,
        }
        for d in load_lists().values()
    ]


def compute_lists(
    con: duckdb.DuckDBPyConnection,
    la_code: str,
    as_at: dt.date,
    *,
    ids: Sequence[str] | None = None,
    team: str | None = None,
    worker: str | None = None,
    look_ahead_days: int | None = None,
    since: dt.date | None = None,
    indicator_settings: IndicatorSettings | None = None,
    settings: ListSettings | None = None,
) -> Lists:
    """The lists asked for (all by default) for one council as at a date, optionally for one team or worker
    only, with each child marked new or continuing since an earlier date and those who left listed."""
    return compute_lists_for_councils(
        con, [la_code], as_at, ids=ids, team=team, worker=worker, look_ahead_days=look_ahead_days, since=since,
        indicator_settings=indicator_settings, settings=settings,
    )[la_code]  # fmt: skip


def compute_lists_for_councils(
    con: duckdb.DuckDBPyConnection,
    la_codes: Sequence[str],
    as_at: dt.date,
    *,
    ids: Sequence[str] | None = None,
    team: str | None = None,
    worker: str | None = None,
    look_ahead_days: int | None = None,
    since: dt.date | None = None,
    indicator_settings: IndicatorSettings | None = None,
    settings: ListSettings | None = None,
) -> dict[str, Lists]:
    """`compute_lists` for several councils at once (each list's SQL runs once for all of them)."""
    indicator_settings = indicator_settings or IndicatorSettings()
    settings = settings or ListSettings()
    look_ahead = settings.look_ahead_days if look_ahead_days is None else look_ahead_days
    if look_ahead < 0:
        raise UsageProblem("The look-ahead cannot be negative.")
    if since is not None and since >= as_at:
        raise UsageProblem("The since date must be before the as-at date.")
    definitions = chosen_lists(ids)
    names = {code: _council_name(con, code) for code in la_codes}
    coverage = {code: Coverage(con, code) for code in la_codes}
    unavailable = {(code, d.id): coverage[code].unavailable(d, as_at) for code in la_codes for d in definitions}
    since_problem = {code: coverage[code].date_problem(since, "the since date") if since else None for code in la_codes}
    dates = [as_at] if since is None or all(since_problem.values()) else [as_at, since]
    runnable = [d for d in definitions if any(unavailable[(code, d.id)] is None for code in la_codes)]
    entries: dict[tuple[str, str], list[ListEntry]] = defaultdict(list)
    for list_id, found in list_entries(
        con, runnable, dates, la_codes, indicator_settings, settings, look_ahead
    ).items():
        for entry in found:
            entries[(list_id, entry.values["la_code"])].append(entry)
    context = template_values(indicator_settings, settings)
    out = {}
    for code in la_codes:
        results = []
        compared = since if since is not None and not since_problem[code] else None
        for d in definitions:
            reason = unavailable[(code, d.id)]
            if reason is not None:
                results.append(ListResult(d, code, as_at, False, reason))
                continue
            notes = coverage[code].notes(d)
            if since_problem[code]:
                notes += (f"No comparison with the since date: {since_problem[code]}.",)
            results.append(_result(d, code, as_at, compared, entries.get((d.id, code), []), team, worker, context,
                                   look_ahead, notes))  # fmt: skip
        out[code] = Lists(code, names[code], as_at, look_ahead, since, team, worker, tuple(results))
    return out


def chosen_lists(ids: Sequence[str] | None) -> list[ListDefinition]:
    lists = load_lists()
    unknown = [i for i in ids or () if i not in lists]
    if unknown:
        raise UsageProblem(f"Unknown list {unknown[0]}. `cscperf lists list` names them all.")
    return [lists[i] for i in (list(dict.fromkeys(ids)) if ids else list(lists))]


def _council_name(con: duckdb.DuckDBPyConnection, la_code: str) -> str:
    rows = con.execute("SELECT la_name FROM cscperf_councils WHERE la_code = ?", [la_code]).fetchall()
    if not rows:
        raise UsageProblem(f"The store holds no council {la_code}.")
    return str(rows[0][0] or la_code)


def list_entries(
    con: duckdb.DuckDBPyConnection,
    definitions: Sequence[ListDefinition],
    dates: Sequence[dt.date],
    la_codes: Sequence[str],
    indicator_settings: IndicatorSettings,
    settings: ListSettings,
    look_ahead_days: int,
) -> dict[str, list[ListEntry]]:
    """Every unit in scope of each list at each date, for the councils given (one query per list, all
    councils and dates at once), with its state."""
    if not definitions or not dates:
        return {}
    set_periods(con, [as_at_period(d) for d in sorted(set(dates))])
    values = sql_values(indicator_settings, settings)
    uses = Counter(name for d in definitions for name in fragments_within(d.sql))
    shared = sorted(name for name, count in uses.items() if count >= 2)
    tables = materialise_fragments(con, shared, indicator_settings, prefix="cscperf_list_fragment_")
    out: dict[str, list[ListEntry]] = {}
    for d in definitions:
        cursor = con.execute(enriched_sql(d, values, la_codes, tables))
        names = [c[0] for c in cursor.description]
        horizon = {day: day + dt.timedelta(days=look_ahead_days) for day in dates}
        out[d.id] = [_entry(d, dict(zip(names, row, strict=True)), horizon) for row in cursor.fetchall()]
    return out


def list_sql(definition: ListDefinition, values: dict[str, str], tables: dict[str, str] | None = None) -> str:
    """A list's runnable SQL (DuckDB dialect): fragments and settings put in place."""
    sql = expand_fragments(definition.sql, definition.id, tables)

    def setting(match: Any) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(f"{definition.id}: unknown setting {name}")
        return values[name]

    return SETTING.sub(setting, sql).strip().rstrip(";")


def enriched_sql(
    definition: ListDefinition, values: dict[str, str], la_codes: Sequence[str], tables: dict[str, str] | None = None
) -> str:
    """The list's rows for the councils asked for, with each child's team and worker on the date: the
    unit's own where it has them, else the child's allocated worker (a case-holding involvement first, then
    the most recently started)."""
    councils = ", ".join("'" + c.replace("'", "''") + "'" for c in la_codes)
    return f"""
    WITH u AS (SELECT * FROM ({list_sql(definition, values, tables)}) AS list_rows WHERE la_code IN ({councils})),
    children AS (SELECT DISTINCT la_code, as_at, person_id FROM u WHERE worker_id IS NULL AND person_id IS NOT NULL),
    allocated AS (
        SELECT c.la_code, c.as_at, c.person_id, i.invo_professional_team AS team_id,
               i.invo_professional_id AS worker_id,
               ROW_NUMBER() OVER (PARTITION BY c.la_code, c.as_at, c.person_id
                                  ORDER BY CASE WHEN i.invo_professional_role_id IS NULL
                                                  OR i.invo_professional_role_id IN ({values["case_holding_roles"]})
                                                THEN 0 ELSE 1 END,
                                           i.invo_involvement_start_date DESC, i.invo_professional_id) AS pick
        FROM children c
        JOIN ssd_involvements i ON i.la_code = c.la_code AND i.invo_person_id = c.person_id
         AND i.invo_involvement_start_date <= c.as_at
         AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= c.as_at)
    ), placed AS (
        SELECT u.*, COALESCE(u.worker_id, a.worker_id) AS assigned_worker_id,
               COALESCE(u.team_id, a.team_id) AS assigned_team_id
        FROM u
        LEFT JOIN allocated a ON a.la_code = u.la_code AND a.as_at = u.as_at AND a.person_id = u.person_id
         AND a.pick = 1 AND u.worker_id IS NULL
    )
    SELECT p.*, d.dept_team_name AS team_name, w.prof_professional_name AS worker_name
    FROM placed p
    LEFT JOIN ssd_department d ON d.la_code = p.la_code AND d.dept_team_id = p.assigned_team_id
    LEFT JOIN ssd_professionals w ON w.la_code = p.la_code AND w.prof_professional_id = p.assigned_worker_id
    """


def _entry(definition: ListDefinition, values: dict[str, Any], horizon: dict[dt.date, dt.date]) -> ListEntry:
    state: State
    due = values["due_date"]
    if values["met"]:
        state = "met"
    elif values["overdue"]:
        state = "overdue"
    elif definition.look_ahead and due is not None and due <= horizon[values["as_at"]]:
        state = "due"
    else:
        state = "later"
    return ListEntry(definition, values, state)


def _result(
    definition: ListDefinition,
    la_code: str,
    as_at: dt.date,
    since: dt.date | None,
    entries: list[ListEntry],
    team: str | None,
    worker: str | None,
    context: dict[str, Any],
    look_ahead: int,
    notes: tuple[str, ...],
) -> ListResult:
    def wanted(entry: ListEntry) -> bool:
        return entry.values["la_code"] == la_code and _for(entry, team, worker)

    now = [e for e in entries if e.values["as_at"] == as_at and wanted(e)]
    listed_now = [e for e in now if e.listed]
    before_units: set[str] = set()
    left: list[LeftRow] = []
    if since is not None:
        then = [e for e in entries if e.values["as_at"] == since and e.listed and wanted(e)]
        before_units = {e.unit_id for e in then}
        present = {e.unit_id: e for e in now}
        still = {e.unit_id for e in listed_now}
        seen: set[str] = set()
        for e in then:
            if e.unit_id in still or e.unit_id in seen:
                continue
            seen.add(e.unit_id)
            left.append(_left_row(e, present.get(e.unit_id), context, look_ahead))
    rows = [_row(e, as_at, context, look_ahead, before_units if since is not None else None) for e in listed_now]
    rows.sort(key=_order)
    left.sort(key=lambda r: (r.team, r.worker, r.person_id or "", r.unit_id))
    return ListResult(definition, la_code, as_at, True, None, tuple(rows), since, tuple(left), notes)


def _for(entry: ListEntry, team: str | None, worker: str | None) -> bool:
    v = entry.values
    if team is not None and team.casefold() not in {str(x).casefold() for x in (v["team_name"], v["assigned_team_id"])}:
        return False
    return worker is None or worker.casefold() in {
        str(x).casefold() for x in (v["assigned_worker_id"], v["worker_name"])
    }


def _team(values: dict[str, Any]) -> str:
    return str(values["team_name"] or values["assigned_team_id"] or NOT_ALLOCATED)


def _worker(values: dict[str, Any]) -> str:
    return str(values["worker_name"] or values["assigned_worker_id"] or NOT_ALLOCATED)


def _days(as_at: dt.date, due: dt.date | None, state: State) -> tuple[int | None, int | None]:
    """(working days, calendar days) overdue, or until due."""
    if due is None:
        return None, None
    if state == "overdue":
        return working_days_between(due, as_at), (as_at - due).days
    return working_days_between(as_at, due), (due - as_at).days


def _template_values(entry: ListEntry, context: dict[str, Any], look_ahead: int) -> dict[str, Any]:
    values = dict(entry.values)
    values.update(settings=context, status=entry.state, look_ahead_days=look_ahead)
    return values


def _row(
    entry: ListEntry, as_at: dt.date, context: dict[str, Any], look_ahead: int, before: set[str] | None
) -> ListRow:
    v = entry.values
    d = entry.definition
    state: Any = entry.state
    working, calendar = _days(as_at, v["due_date"], state)
    values = _template_values(entry, context, look_ahead)
    return ListRow(
        list_id=d.id,
        la_code=str(v["la_code"]),
        unit_id=str(v["unit_id"]),
        person_id=None if v["person_id"] is None else str(v["person_id"]),
        worker_id=None if v["assigned_worker_id"] is None else str(v["assigned_worker_id"]),
        team=_team(v),
        worker=_worker(v),
        event_date=v["event_date"],
        due_date=v["due_date"],
        status=state,
        working_days=working,
        calendar_days=calendar,
        action=render(d.action, values),
        detail=render(d.detail, values),
        manager=None if v.get("manager") is None else str(v["manager"]),
        change=None if before is None else ("continuing" if entry.unit_id in before else "new"),
    )


def _left_row(entry: ListEntry, now: ListEntry | None, context: dict[str, Any], look_ahead: int) -> LeftRow:
    v = entry.values
    d = entry.definition
    if now is None:
        why = d.gone
    else:
        why = render(d.cleared, _template_values(now, context, look_ahead)) or "no longer due within the look-ahead"
    return LeftRow(d.id, str(v["la_code"]), entry.unit_id, None if v["person_id"] is None else str(v["person_id"]),
                   None if v["assigned_worker_id"] is None else str(v["assigned_worker_id"]), _team(v), _worker(v),
                   v["due_date"], why)  # fmt: skip


def _order(row: ListRow) -> tuple[object, ...]:
    overdue = row.status == "overdue"
    return (not overdue, -(row.calendar_days or 0) if overdue else (row.calendar_days or 0), row.team, row.worker,
            row.person_id or "", row.unit_id)  # fmt: skip


def teams(con: duckdb.DuckDBPyConnection, la_code: str) -> list[str]:
    """The council's teams by name (and id where unnamed), for checking a --team."""
    rows = con.execute(
        "SELECT DISTINCT COALESCE(dept_team_name, dept_team_id) FROM ssd_department WHERE la_code = ? ORDER BY 1",
        [la_code],
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] is not None]
