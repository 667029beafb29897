"""Where the managers' lists (the `cscperf.lists` package) plug into the web service.

The web service needs two things from `cscperf.lists`, and nothing else:

    list_definitions() -> Sequence[definition]
        each definition has `id`, `title`, `audience` (who it is for) and `rule` (plain English)

    list_rows(con, list_id, *, la_code: str, as_at: datetime.date, teams: Sequence[str] | None)
        -> list[dict[str, Any]]
        the rows of one list for one council as at a date, limited to those teams (None: every team);
        each row a dict with the list's columns (person_id or worker_id, team, worker, due_date, status,
        detail, ...)

Until the package exists the lists pages say so (and no list can be opened). CSCPERF_WEB_LISTS_MODULE names
another module offering the same two functions (the browser tests use a stand-in this way). Rows are shown with the
columns below first, in this order, then any others the list has.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cscperf.store.connection import Connection

FIRST_COLUMNS = (
    "person_id",
    "worker_id",
    "team",
    "worker",
    "event_date",
    "due_date",
    "status",
    "working_days",
    "calendar_days",
    "action",
    "detail",
)
HEADINGS = {
    "person_id": "Person",
    "worker_id": "Worker id",
    "team": "Team",
    "worker": "Worker",
    "event_date": "Date",
    "due_date": "Due",
    "status": "Status",
    "working_days": "Working days",
    "calendar_days": "Calendar days",
    "action": "Action or reason",
    "detail": "Detail",
    "la_code": "Council",
}


@dataclass(frozen=True)
class ListDefinition:
    id: str
    title: str
    audience: str
    rule: str


def lists_module() -> Any | None:
    """The lists package when it is installed and offers the interface, else None."""
    try:
        module = importlib.import_module(os.environ.get("CSCPERF_WEB_LISTS_MODULE") or "cscperf.lists")
    except ImportError:
        return None
    if not (hasattr(module, "list_definitions") and hasattr(module, "list_rows")):
        return None
    return module


def definitions() -> list[ListDefinition] | None:
    module = lists_module()
    if module is None:
        return None
    return [ListDefinition(str(d.id), str(d.title), str(d.audience), str(d.rule)) for d in module.list_definitions()]


def rows(
    con: Connection, list_id: str, *, la_code: str, as_at: dt.date, teams: Sequence[str] | None
) -> list[dict[str, Any]]:
    module = lists_module()
    if module is None:
        raise LookupError("the managers' lists are not installed")
    found: list[dict[str, Any]] = module.list_rows(con, list_id, la_code=la_code, as_at=as_at, teams=teams)
    if teams is not None:  # the interface promises it; the web service makes sure
        found = [r for r in found if r.get("team") in teams]
    return found


def columns(found: list[dict[str, Any]]) -> list[str]:
    keys: list[str] = []
    for row in found:
        for key in row:
            if key not in keys:
                keys.append(key)
    first = [c for c in FIRST_COLUMNS if c in keys]
    return first + [k for k in keys if k not in first and k != "la_code"]


def heading(column: str) -> str:
    return HEADINGS.get(column, column.replace("_", " ").capitalize())
