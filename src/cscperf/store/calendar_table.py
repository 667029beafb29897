"""Fill the store's calendar table (cscperf_calendar) from the working-day calendar."""

from __future__ import annotations

import pyarrow as pa

from cscperf.store.connection import Connection
from cscperf.working_days import calendar_columns


def fill_calendar(con: Connection) -> int:
    """Write one row per day of the working-day calendar; returns the number of days written."""
    return con.append("cscperf_calendar", pa.table(calendar_columns()))
