"""How many sessions of a PostgreSQL store compute the indicators, and which councils each computes.

PostgreSQL works on a query with one process (a query over the engine's temporary tables gets no parallel
workers), so one session uses one of the server's cores. The indicator engine therefore splits the councils
it computes into groups of about the same size (children recorded in ssd_person) and computes each group in
a session of its own, all reading one snapshot of the store. `CSCPERF_PG_SESSIONS` sets how many (2 unless
set; 1 computes everything in the one session, as before). DuckDB uses every core from one connection.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cscperf.errors import UsageProblem
from cscperf.indicators.council_scope import Councils
from cscperf.store.connection import Connection

SESSIONS_VARIABLE = "CSCPERF_PG_SESSIONS"
DEFAULT_SESSIONS = 2
MOST_SESSIONS = 32


def sessions_wanted(con: Connection) -> int:
    """The sessions to compute indicators in: `CSCPERF_PG_SESSIONS` (default 2) on PostgreSQL, 1 on DuckDB."""
    if con.engine != "postgresql":
        return 1
    text = os.environ.get(SESSIONS_VARIABLE, "").strip()
    if not text:
        return DEFAULT_SESSIONS
    if not text.isdigit() or not 1 <= int(text) <= MOST_SESSIONS:
        raise UsageProblem(
            f"{SESSIONS_VARIABLE} should be a whole number of sessions from 1 to {MOST_SESSIONS}, not {text!r}."
        )
    return int(text)


def council_groups(con: Connection, la_codes: Sequence[str] | None, sessions: int) -> list[Councils | None]:
    """The councils asked for (every council in the store when None) in up to `sessions` groups of about the
    same number of children, the largest council first into the smallest group. Asked for every council, the
    last group is "every council not in another group", so a council that the store holds rows for but does
    not list is computed too. One group (None: every council, unscoped) when there is nothing to split."""
    everyone = not la_codes
    if sessions <= 1:
        return [None if everyone else Councils.of(la_codes or ())]
    if not everyone and len(set(la_codes or ())) < 2:
        return [Councils.of(la_codes or ())]
    counted = con.execute("SELECT la_code, COUNT(*) FROM ssd_person GROUP BY la_code").fetchall()
    children = {str(la): int(n) for la, n in counted}
    if everyone:
        listed = {str(row[0]) for row in con.execute("SELECT la_code FROM cscperf_councils").fetchall()}
        known = sorted(listed | children.keys())
        if len(known) < 2:
            return [None]
    else:
        known = sorted(set(la_codes or ()))
    groups: list[list[str]] = [[] for _ in range(min(sessions, len(known)))]
    sizes = [0] * len(groups)
    for la in sorted(known, key=lambda la: (-children.get(la, 0), la)):
        smallest = sizes.index(min(sizes))
        groups[smallest].append(la)
        sizes[smallest] += children.get(la, 0) + 1
    out: list[Councils | None] = [Councils.of(group) for group in groups]
    if everyone:
        out[-1] = Councils(tuple(sorted(la for group in groups[:-1] for la in group)), every_other=True)
    return out
