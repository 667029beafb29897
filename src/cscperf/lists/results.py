"""One list's result for a council: who is on it now (with their team, worker, days overdue or until due, and
the worded detail and action), marked new or continuing since an earlier date, and who left and why."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cscperf.lists.definition import ListDefinition
from cscperf.lists.entries import ListEntry, State
from cscperf.lists.rows import LeftRow, ListResult, ListRow
from cscperf.lists.wording import render
from cscperf.working_days import working_days_between

NOT_ALLOCATED = "Not allocated"


def list_result(
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
