"""The councils a store holds, with the dates their data cover (for pickers and default dates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from cscperf.reporting_periods import month_end


@dataclass(frozen=True)
class Council:
    la_code: str
    la_name: str
    data_start: dt.date | None
    data_end: dt.date | None

    @property
    def last_complete_month_end(self) -> dt.date | None:
        """The end of the last whole month the data cover (the data's last day if that ends a month)."""
        if self.data_end is None:
            return None
        if month_end(self.data_end) == self.data_end:
            return self.data_end
        return self.data_end.replace(day=1) - dt.timedelta(days=1)

    def month_ends(self) -> list[dt.date]:
        """Every whole month the data cover, newest first (the months a figure can be asked for)."""
        last = self.last_complete_month_end
        if last is None:
            return []
        first = self.data_start or last
        out: list[dt.date] = []
        day = last
        while day >= first + dt.timedelta(days=27) and len(out) < 240:
            out.append(day)
            day = day.replace(day=1) - dt.timedelta(days=1)
        return out


def councils(con: duckdb.DuckDBPyConnection) -> list[Council]:
    rows = con.execute(
        "SELECT la_code, la_name, data_start_date, data_end_date FROM cscperf_councils ORDER BY la_code"
    ).fetchall()
    return [Council(str(r[0]), str(r[1] or r[0]), r[2], r[3]) for r in rows]


def team_names(con: duckdb.DuckDBPyConnection, la_code: str) -> list[str]:
    """The council's teams as the indicators' breakdowns name them (the department's name, else its id)."""
    rows = con.execute(
        "SELECT DISTINCT COALESCE(dept_team_name, dept_team_id) FROM ssd_department WHERE la_code = ? "
        "AND COALESCE(dept_team_name, dept_team_id) IS NOT NULL ORDER BY 1",
        [la_code],
    ).fetchall()
    return [str(r[0]) for r in rows]
