"""A unit in scope of a list at a date (a row of the list's SQL) and its state: overdue, due within the
look-ahead, met (done), or later."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from cscperf.lists.definition import ListDefinition

State = Literal["overdue", "due", "met", "later"]


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


def entry_of(definition: ListDefinition, values: dict[str, Any], horizon: dict[dt.date, dt.date]) -> ListEntry:
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
