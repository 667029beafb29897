"""Fill the store's calendar table (cscperf_calendar) from the working-day calendar."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from cscperf.store.statements import run
from cscperf.working_days import calendar_columns


def fill_calendar(con: duckdb.DuckDBPyConnection) -> int:
    """Write one row per day of the working-day calendar; returns the number of days written."""
    columns = calendar_columns()
    days = pa.table(columns)
    con.register("calendar_days", days)
    try:
        run(con, "INSERT INTO cscperf_calendar BY NAME SELECT * FROM calendar_days")
    finally:
        con.unregister("calendar_days")
    return int(days.num_rows)
