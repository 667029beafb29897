"""Whether a council's data can support a list at a date: the tables the list needs hold records for the
council, and the date falls within the council's data. A list the data cannot support is "not available"
with the reason, never an empty list (which would read as "nobody is overdue").

Issue #10 is giving the indicator engine the same rule; when it lands the lists use its API.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from cscperf.lists.definition import ListDefinition
from cscperf.store.schema import load_schema


class Coverage:
    """What one council's data hold, asked once per table and reused for every list."""

    def __init__(self, con: duckdb.DuckDBPyConnection, la_code: str) -> None:
        self.con = con
        self.la_code = la_code
        self._held: dict[str, bool] = {}
        rows = con.execute(
            "SELECT data_start_date, data_end_date FROM cscperf_councils WHERE la_code = ?", [la_code]
        ).fetchall()
        self.start: dt.date | None = rows[0][0] if rows else None
        self.end: dt.date | None = rows[0][1] if rows else None

    def holds(self, table: str) -> bool:
        if table not in self._held:
            found = self.con.execute(f"SELECT 1 FROM {table} WHERE la_code = ? LIMIT 1", [self.la_code]).fetchall()
            self._held[table] = bool(found)
        return self._held[table]

    def date_problem(self, when: dt.date, what: str = "the as-at date") -> str | None:
        """Why a date is outside the council's data, or None."""
        if self.end is not None and when > self.end:
            return (
                f"the council's data end on {_words(self.end)}, so {what} ({_words(when)}) is after them and what "
                "happened since is not known"
            )
        if self.start is not None and when < self.start:
            return f"the council's data begin on {_words(self.start)}, after {what} ({_words(when)})"
        return None

    def unavailable(self, definition: ListDefinition, as_at: dt.date) -> str | None:
        """Why the list cannot be produced for this council at the date, or None when it can."""
        missing = [t for t in definition.requires if not self.holds(t)]
        if missing:
            return "no " + " and no ".join(_table_words(t) for t in missing) + " are loaded for this council"
        return self.date_problem(as_at)

    def notes(self, definition: ListDefinition) -> tuple[str, ...]:
        """What the list cannot say because an optional table is empty (e.g. no reasons recorded)."""
        return tuple(note for table, note in definition.optional.items() if not self.holds(table))


def _table_words(table: str) -> str:
    description = load_schema().table(table).description.rstrip(".")
    first = description.split(":")[0].split(" (")[0]
    return f"{first[0].lower()}{first[1:]} ({table})"


def _words(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"
