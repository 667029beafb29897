"""Managers' lists: the weekly oversight lists (visits not made, and why) and the child protection plan
triggers (9 months, 12 months, 2 years), per team and worker, from the same store and the same definitions
as the indicators.

    from cscperf.lists import compute_lists, list_definitions, list_rows

The web service names the lists with `list_definitions()` and shows them with `compute_lists` (through
src/cscperf/web/lists_seam.py); `list_rows(con, list_id, la_code=..., as_at=..., teams=...)` gives one list's rows
as dicts, raising `ListNotAvailable` for a list the data cannot support.
"""

from cscperf.lists.engine import (
    ListInfo,
    ListNotAvailable,
    compute_lists,
    compute_lists_for_councils,
    list_definitions,
    list_rows,
)
from cscperf.lists.rows import NOTICE, LeftRow, ListResult, ListRow, Lists

__all__ = [
    "NOTICE", "LeftRow", "ListInfo", "ListNotAvailable", "ListResult", "ListRow", "Lists", "compute_lists",
    "compute_lists_for_councils", "list_definitions", "list_rows",
]  # fmt: skip
