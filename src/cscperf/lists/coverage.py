"""Whether a council's data can support a list at a date, by the indicators' own coverage rule
(cscperf.indicators.coverage): each list declares the tables it requires (and how far back it needs them),
and a list the data cannot support is "not available" with the reason (tables no loaded source provides,
a date outside the data), never an empty list that would read as "nobody is overdue"."""

from __future__ import annotations

import datetime as dt

from cscperf.indicators.coverage import CouncilCoverage, availability, council_coverage
from cscperf.lists.definition import ListDefinition
from cscperf.reporting_periods import as_at as as_at_period
from cscperf.store.connection import Connection


class Coverage:
    """What the store holds for one council, asked once and reused for every list."""

    def __init__(self, con: Connection, la_code: str) -> None:
        self.con = con
        self.la_code = la_code
        self.council: CouncilCoverage = council_coverage(con, [la_code])[la_code]
        self._rows: dict[str, bool] = {}

    def unavailable(self, definition: ListDefinition, day: dt.date) -> str | None:
        """Why the list cannot be produced for this council as at the date, or None when it can."""
        found = availability(definition, self.council, as_at_period(day))
        return None if found.available else found.reason

    def holds(self, table: str) -> bool:
        """Whether the store holds `table` for the council and it has any records for it."""
        if table not in self._rows:
            rows = self.con.execute(f"SELECT 1 FROM {table} WHERE la_code = ? LIMIT 1", [self.la_code]).fetchall()
            self._rows[table] = bool(rows) and bool(self.council.spans(table))
        return self._rows[table]

    def notes(self, definition: ListDefinition) -> tuple[str, ...]:
        """What the list cannot say because a table that only adds to it is not held (no reasons recorded)."""
        return tuple(note for table, note in definition.optional.items() if not self.holds(table))
