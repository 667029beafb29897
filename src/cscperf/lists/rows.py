"""What the lists engine returns: typed rows, one list's result, and all lists for a council and date.
The command line, the web service and the committee report all read these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from cscperf.lists.definition import ListDefinition

Status = Literal["overdue", "due"]
Change = Literal["new", "continuing"]

NOTICE = (
    "These lists hold child identifiers (special category personal data). Share them only with the managers "
    "responsible for the children on them; keep them securely and do not publish them."
)
WORKER_NOTICE = (
    "These lists name social workers (personal data about staff). Share them only with the managers responsible "
    "for the workers on them; keep them securely and do not publish them."
)


@dataclass(frozen=True)
class ListRow:
    """One child (or worker) on a list."""

    list_id: str
    la_code: str
    unit_id: str
    person_id: str | None
    worker_id: str | None
    team: str
    worker: str
    event_date: dt.date | None
    due_date: dt.date | None
    status: Status
    working_days: int | None  # working days overdue (status overdue) or until due (status due)
    calendar_days: int | None  # calendar days likewise
    action: str  # the recorded action or reason, where there is one ("" otherwise)
    detail: str
    manager: str | None = None  # the team manager, on worker lists
    change: Change | None = None  # with a since date: new to the list, or on it then too


@dataclass(frozen=True)
class LeftRow:
    """A child (or worker) on the list at the since date and not now, with why."""

    list_id: str
    la_code: str
    unit_id: str
    person_id: str | None
    worker_id: str | None
    team: str
    worker: str
    due_date: dt.date | None
    why: str


@dataclass(frozen=True)
class ListResult:
    """One list for one council at one date. When the council's data cannot support it, `available` is
    False, `reason` says why, and there are no rows (never an empty list that looks like nobody)."""

    definition: ListDefinition
    la_code: str
    as_at: dt.date
    available: bool
    reason: str | None = None
    rows: tuple[ListRow, ...] = ()
    since: dt.date | None = None
    left: tuple[LeftRow, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def title(self) -> str:
        return self.definition.title

    def count(self, status: Status | None = None) -> int:
        return sum(1 for r in self.rows if status is None or r.status == status)


@dataclass(frozen=True)
class Lists:
    """Every list asked for, for one council at one date."""

    la_code: str
    la_name: str
    as_at: dt.date
    look_ahead_days: int
    since: dt.date | None
    team: str | None
    worker: str | None
    results: tuple[ListResult, ...] = field(default_factory=tuple)

    def result(self, list_id: str) -> ListResult:
        return next(r for r in self.results if r.id == list_id)

    @property
    def notice(self) -> str:
        """What the lists hold: child identifiers, or, when every list asked for is of workers (the caseload
        list alone), workers' names."""
        workers_only = bool(self.results) and all(r.definition.subject == "worker" for r in self.results)
        return WORKER_NOTICE if workers_only else NOTICE
