"""A stand-in for `cscperf.lists` offering the interface the web service documents (cscperf.web.lists_seam):
two children on one list, in two teams, one with a detail that a spreadsheet would run as a formula."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEAM = "Family Safeguarding Team 1"


@dataclass(frozen=True)
class Definition:
    id: str
    title: str
    audience: str
    rule: str


def list_definitions() -> list[Definition]:
    return [
        Definition(
            "cp_visits_overdue",
            "CP visits overdue",
            "Team managers",
            "Children on a plan not seen within the visit interval.",
        )
    ]


def list_rows(con: Any, list_id: str, *, la_code: str, as_at: Any, teams: Any) -> list[dict[str, Any]]:
    rows = [
        {
            "la_code": la_code,
            "person_id": "SYN-LIST-1",
            "team": TEAM,
            "worker": "W1",
            "due_date": as_at,
            "status": "overdue",
            "detail": '=HYPERLINK("x")',
        },
        {
            "la_code": la_code,
            "person_id": "SYN-LIST-2",
            "team": "Another team",
            "worker": "W2",
            "due_date": as_at,
            "status": "due",
            "detail": "due soon",
        },
    ]
    return [r for r in rows if teams is None or r["team"] in teams]
