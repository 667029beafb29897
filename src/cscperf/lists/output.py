"""The lists as JSON, CSV and Excel, and the per-team summary for heads of service. Every output says it
holds child identifiers. Files go through the shared safe writers (cscperf.exports): text a spreadsheet could
take for a formula is made inert, dates are dates, and a file is written whole or not at all."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cscperf.exports.csv_file import FILE_ENCODING, csv_text, stream_csv
from cscperf.exports.xlsx_file import (
    CHILD_IDENTIFIERS,
    WORKER_IDENTIFIERS,
    add_table,
    append_row,
    mark_sheet,
    set_value,
    workbook_bytes,
)
from cscperf.lists.rows import NOTICE, LeftRow, ListResult, ListRow, Lists

CSV_ENCODING = FILE_ENCODING
CSV_COLUMNS = (
    "list_id", "la_code", "person_id", "worker_id", "team", "worker", "event_date", "due_date", "status",
    "working_days", "calendar_days", "action", "detail", "change", "manager", "unit_id",
)  # fmt: skip
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def _iso(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def row_dict(row: ListRow, result: ListResult) -> dict[str, Any]:
    d = result.definition
    out: dict[str, Any] = {"la_code": row.la_code}
    if d.subject == "child":
        out["person_id"] = row.person_id
    out |= {
        "worker_id": row.worker_id, "team": row.team, "worker": row.worker, "event": d.event_label or None,
        "event_date": _iso(row.event_date), "due_date": _iso(row.due_date), "status": d.status_words(row.status),
        "working_days": row.working_days, "calendar_days": row.calendar_days, "action": row.action or None,
        "detail": row.detail, "unit_id": row.unit_id,
    }  # fmt: skip
    if d.subject == "worker":
        out["manager"] = row.manager
    if row.change is not None:
        out["change"] = row.change
    return out


def left_dict(row: LeftRow) -> dict[str, Any]:
    return {"la_code": row.la_code, "person_id": row.person_id, "worker_id": row.worker_id, "team": row.team,
            "worker": row.worker, "due_date": _iso(row.due_date), "why": row.why, "unit_id": row.unit_id}  # fmt: skip


def lists_json(lists: Lists) -> str:
    """`{"as_at": ..., "notice": ..., "lists": [{"id", "title", "available", "rows": [...]}, ...]}`."""
    entries = []
    for r in lists.results:
        d = r.definition
        entry: dict[str, Any] = {"id": d.id, "title": d.title, "audience": d.audience, "rule": d.rule_text,
                                 "available": r.available, "reason": r.reason, "notes": list(r.notes)}  # fmt: skip
        if r.available:
            entry["counts"] = {d.overdue_key: r.count("overdue"), "due": r.count("due")}
            entry["rows"] = [row_dict(row, r) for row in r.rows]
            if r.since is not None:
                entry["left"] = [left_dict(x) for x in r.left]
        entries.append(entry)
    document = {
        "as_at": lists.as_at.isoformat(), "la_code": lists.la_code, "la_name": lists.la_name,
        "look_ahead_days": lists.look_ahead_days, "since": _iso(lists.since), "team": lists.team,
        "worker": lists.worker, "notice": lists.notice, "lists": entries,
    }  # fmt: skip
    return json.dumps(document, indent=2)


def lists_csv(lists: Lists) -> str:
    """One CSV of every list's rows (and, with a since date, those who left, with change "left" and why in
    detail), after a first line saying the file holds child identifiers."""
    rows: list[list[object]] = []
    for r in lists.results:
        for row in r.rows:
            values = {**row_dict(row, r), "list_id": r.id}
            rows.append([values.get(c) for c in CSV_COLUMNS])
        for x in r.left:
            values = {**left_dict(x), "list_id": r.id, "change": "left", "detail": x.why}
            rows.append([values.get(c) for c in CSV_COLUMNS])
    out = io.StringIO()
    out.write(f"# {lists.notice}\n")
    stream_csv(out, CSV_COLUMNS, rows)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ by team
@dataclass(frozen=True)
class TeamCount:
    team: str
    worker: str | None  # None: the team's total
    worker_id: str | None
    counts: dict[str, tuple[int, int]]  # list id -> (overdue, due)


def by_team(lists: Lists) -> list[TeamCount]:
    """Counts of overdue and due per list, for each team and each worker in it (the team's total first)."""
    teams: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    workers: dict[tuple[str, str, str | None], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in lists.results:
        for row in r.rows:
            i = 0 if row.status == "overdue" else 1
            teams[row.team][r.id][i] += 1
            workers[(row.team, row.worker, row.worker_id)][r.id][i] += 1
    out = []
    for team in sorted(teams):
        out.append(TeamCount(team, None, None, {k: (v[0], v[1]) for k, v in teams[team].items()}))
        for key in sorted(k for k in workers if k[0] == team):
            out.append(TeamCount(team, key[1], key[2], {k: (v[0], v[1]) for k, v in workers[key].items()}))
    return out


def by_team_json(lists: Lists) -> str:
    ids = [r.id for r in lists.results if r.available]
    keys = _overdue_keys(lists)
    teams: list[dict[str, Any]] = []
    for c in by_team(lists):
        counts = {i: {keys[i]: c.counts.get(i, (0, 0))[0], "due": c.counts.get(i, (0, 0))[1]} for i in ids}
        if c.worker is None:
            teams.append({"team": c.team, "lists": counts, "workers": []})
        else:
            teams[-1]["workers"].append({"worker": c.worker, "worker_id": c.worker_id, "lists": counts})
    unavailable = {r.id: r.reason for r in lists.results if not r.available}
    return json.dumps({"as_at": lists.as_at.isoformat(), "la_code": lists.la_code, "by": "team",
                       "look_ahead_days": lists.look_ahead_days, "teams": teams, "not_available": unavailable},
                      indent=2)  # fmt: skip


def _overdue_keys(lists: Lists) -> dict[str, str]:
    """Each list's word for its rows now, as a key: "overdue", or "over_target" for caseloads."""
    return {r.id: r.definition.overdue_key for r in lists.results}


def by_team_csv(lists: Lists) -> str:
    ids = [r.id for r in lists.results if r.available]
    keys = _overdue_keys(lists)
    header = ["team", "worker", "worker_id", *[f"{i}_{s}" for i in ids for s in (keys[i], "due")]]
    rows = [[c.team, c.worker or "(whole team)", c.worker_id, *[n for i in ids for n in c.counts.get(i, (0, 0))]]
            for c in by_team(lists)]  # fmt: skip
    return csv_text(header, rows)


# ------------------------------------------------------------------------------------------------ Excel
def lists_xlsx(lists: Lists, *, with_summary: bool = False) -> bytes:
    """A workbook: a first sheet saying what it holds (child identifiers) with each list's rule and counts,
    then one sheet per list (one row per child, a filterable table, the header frozen, dates as dates), those
    who left since the since date, and with `with_summary` the counts per team and worker."""
    wb = Workbook()
    about = wb.active
    assert about is not None
    about.title = "About"
    _about(about, lists)
    if with_summary:
        _summary(wb.create_sheet("By team"), lists)
    for r in lists.results:
        _list_sheet(wb.create_sheet(r.id[:31]), r)
    if lists.since is not None:
        _left_sheet(wb.create_sheet("Left since"), lists)
    return workbook_bytes(wb)


def _put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    cell = ws.cell(row=row, column=column)
    set_value(cell, value)
    return cell


def _about(ws: Worksheet, lists: Lists) -> None:
    mark_sheet(ws, _banner(lists))
    _put(ws, 2, 1, f"Managers' lists: {lists.la_name} ({lists.la_code}) as at {lists.as_at:%-d %B %Y}").font = TITLE
    _put(ws, 3, 1, lists.notice)
    horizon = lists.as_at + dt.timedelta(days=lists.look_ahead_days)
    facts = [
        ("As at", lists.as_at),
        ("Look-ahead", f"{lists.look_ahead_days} days: things falling due by {horizon:%-d %B %Y}"),
        ("Compared with", lists.since if lists.since is not None else "(no since date)"),
        ("Team", lists.team or "(all teams)"),
        ("Worker", lists.worker or "(all workers)"),
    ]
    for n, (label, value) in enumerate(facts, start=5):
        _put(ws, n, 1, label).font = BOLD
        _put(ws, n, 2, value)
    top = 5 + len(facts) + 1
    headings = ("Sheet", "List", "For", "Overdue (or over the target)", "Due", "Rule or why not available")
    for column, heading in enumerate(headings, 1):
        _put(ws, top, column, heading).font = BOLD
    for n, r in enumerate(lists.results, start=top + 1):
        values: list[object] = [r.id[:31], r.title, r.definition.audience]
        if r.available:
            due = r.count("due") if r.definition.look_ahead else None  # blank, not 0: it does not look ahead
            values += [r.count("overdue"), due, r.definition.rule_text]
        else:
            values += [None, None, f"Not available: {r.reason}."]
        for column, value in enumerate(values, 1):
            _put(ws, n, column, value).alignment = Alignment(wrap_text=True, vertical="top")
    _widths(ws, [28, 44, 34, 10, 10, 90])


def _list_sheet(ws: Worksheet, r: ListResult) -> None:
    d = r.definition
    mark_sheet(ws, CHILD_IDENTIFIERS if d.subject == "child" else WORKER_IDENTIFIERS)
    if not r.available:
        _put(ws, 2, 1, f"{d.title}: not available: {r.reason}.")
        return
    child, worker = d.subject == "child", d.subject == "worker"
    headings = [*(["Child"] if child else []), "Worker ID", "Team", "Worker",
                *([d.event_label] if d.event_label else []), *([d.due_label] if d.due_label else []),
                "Status", "Working days", "Calendar days",
                "Action or reason recorded", "Detail", *(["Team manager"] if worker else []),
                *(["Change"] if r.since is not None else [])]  # fmt: skip
    append_row(ws, headings)
    for cell in ws[2]:
        cell.font = BOLD
    for row in r.rows:
        append_row(ws, [*([row.person_id] if child else []), row.worker_id, row.team, row.worker,
                        *([row.event_date] if d.event_label else []), *([row.due_date] if d.due_label else []),
                        d.status_words(row.status), row.working_days, row.calendar_days, row.action or None, row.detail,
                        *([row.manager] if worker else []),
                        *([row.change] if r.since is not None else [])])  # fmt: skip
    add_table(ws, d.id, 2, len(headings))
    ws.freeze_panes = "A3"
    widths = {"Child": 12, "Worker ID": 12, "Team": 28, "Worker": 22, "Status": 10, "Working days": 9,
              "Calendar days": 9, "Action or reason recorded": 40, "Detail": 90, "Team manager": 22,
              "Change": 11}  # fmt: skip
    _widths(ws, [widths.get(h, 14) for h in headings])
    if r.notes:
        _put(ws, ws.max_row + 2, 1, " ".join(r.notes))


def _banner(lists: Lists) -> str:
    """The workbook's mark: child identifiers, or worker identifiers when every list is of workers."""
    return CHILD_IDENTIFIERS if lists.notice == NOTICE else WORKER_IDENTIFIERS


def _left_sheet(ws: Worksheet, lists: Lists) -> None:
    mark_sheet(ws, _banner(lists))
    headings = ["List", "Child", "Worker ID", "Team", "Worker", "Was due by", "Why no longer on the list"]
    append_row(ws, headings)
    for cell in ws[2]:
        cell.font = BOLD
    for r in lists.results:
        for x in r.left:
            append_row(ws, [r.id, x.person_id, x.worker_id, x.team, x.worker, x.due_date, x.why])
    add_table(ws, "left_since", 2, len(headings))
    ws.freeze_panes = "A3"
    _widths(ws, [28, 12, 12, 28, 22, 12, 70])


def _summary(ws: Worksheet, lists: Lists) -> None:
    mark_sheet(ws, WORKER_IDENTIFIERS)
    ids = [r.id for r in lists.results if r.available]
    words = {r.id: r.definition.overdue_words for r in lists.results}
    headings = ["Team", "Worker", "Worker ID", *[f"{i} {s}" for i in ids for s in (words[i], "due")]]
    append_row(ws, headings)
    for cell in ws[2]:
        cell.font = BOLD
    for c in by_team(lists):
        append_row(ws, [c.team, c.worker or "(whole team)", c.worker_id,
                        *[x for i in ids for x in c.counts.get(i, (0, 0))]])  # fmt: skip
        if c.worker is None:
            for cell in ws[ws.max_row]:
                cell.font = BOLD
    add_table(ws, "by_team", 2, len(headings))
    ws.freeze_panes = "D3"
    _widths(ws, [28, 22, 12, *[12 for _ in ids for _ in (0, 1)]])


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
