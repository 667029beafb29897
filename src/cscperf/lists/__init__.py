"""Managers' lists: the weekly oversight lists (visits not made, and why) and the child protection plan
triggers (9 months, 12 months, 2 years), per team and worker, from the same store and the same definitions
as the indicators.

    from cscperf.lists import compute_lists, list_definitions
"""

from cscperf.lists.engine import compute_lists, list_definitions
from cscperf.lists.rows import NOTICE, LeftRow, ListResult, ListRow, Lists

__all__ = ["NOTICE", "LeftRow", "ListResult", "ListRow", "Lists", "compute_lists", "list_definitions"]
