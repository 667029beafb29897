"""Which councils a command works on: the ones asked for, checked against the store, or the store's only one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cscperf.errors import DataProblem, UsageProblem
from cscperf.reference.la_codes import council_name
from cscperf.reporting_periods import month_end
from cscperf.store.connection import Connection


def council_codes(con: Connection) -> list[str]:
    """The councils the store holds, by DfE code."""
    return [str(r[0]) for r in con.execute("SELECT la_code FROM cscperf_councils ORDER BY la_code").fetchall()]


def council_names(con: Connection) -> dict[str, str]:
    """Each council's name: as the store holds it, else from the DfE's code list."""
    rows = con.execute("SELECT la_code, la_name FROM cscperf_councils ORDER BY la_code").fetchall()
    return {str(code): council_name(str(code), name) for code, name in rows}


def _listed(codes: list[str]) -> str:
    return ", ".join(codes[:10]) + (" ..." if len(codes) > 10 else "")


def chosen_councils(con: Connection, wanted: list[str] | None) -> list[str]:
    """The councils asked for (each must be in the store), or the store's one council when none is asked for."""
    codes = council_codes(con)
    if not codes:
        raise DataProblem("The store holds no councils yet: create one with `cscperf synth` or `cscperf load`.")
    if wanted:
        missing = [code for code in dict.fromkeys(wanted) if code not in codes]
        if missing:
            raise UsageProblem(f"The store holds no council {missing[0]}; it holds {_listed(codes)}.")
        return list(dict.fromkeys(wanted))
    if len(codes) > 1:
        raise UsageProblem(f"The store holds {len(codes)} councils ({_listed(codes)}); choose one with --la.")
    return codes


@dataclass(frozen=True)
class Council:
    """A council in the store with the dates its data cover (for the web service's pickers and default dates)."""

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


def councils(con: Connection) -> list[Council]:
    """Every council in the store, named (as council_names does), with its data's first and last dates."""
    names = council_names(con)
    rows = con.execute(
        "SELECT la_code, data_start_date, data_end_date FROM cscperf_councils ORDER BY la_code"
    ).fetchall()
    return [Council(str(r[0]), names.get(str(r[0]), str(r[0])), r[1], r[2]) for r in rows]


def team_names(con: Connection, la_code: str) -> list[str]:
    """The council's teams as the indicators' breakdowns name them (the department's name, else its id). A
    department with teams under it (the service itself, "Children's Social Care") is one only if children are
    allocated to it directly: otherwise its page would count none, where its reader expects the whole service."""
    rows = con.execute(
        "SELECT DISTINCT COALESCE(d.dept_team_name, d.dept_team_id) FROM ssd_department d WHERE d.la_code = ? "
        "AND COALESCE(d.dept_team_name, d.dept_team_id) IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM ssd_department "
        "u WHERE u.la_code = d.la_code AND (u.dept_team_parent_id = d.dept_team_id OR (u.dept_team_parent_id IS "
        "NULL AND u.dept_team_parent_name = d.dept_team_name))) OR EXISTS (SELECT 1 FROM ssd_involvements i "
        "WHERE i.la_code = d.la_code AND i.invo_professional_team = d.dept_team_id)) ORDER BY 1",
        [la_code],
    ).fetchall()
    return [str(r[0]) for r in rows]
