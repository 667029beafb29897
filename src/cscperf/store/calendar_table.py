"""Fill the store's calendar table (cscperf_calendar): one row per day from 1 January 1900 to 31 December 2100,
so working days can be counted in SQL for any date a return can hold.

The days are generated in SQL (73,415 rows in milliseconds); only the bank holidays come from Python
(`cscperf.working_days`). `working_day_number` counts the working days before each day since the calendar
starts, so working days from a to b = working_day_number(b) - working_day_number(a), exactly as
`working_days_between` counts them (a test compares the two).
"""

from __future__ import annotations

import pyarrow as pa

from cscperf.store.connection import Connection
from cscperf.store.statements import run, scalar
from cscperf.working_days import CALENDAR_END, CALENDAR_START, bank_holidays

CALENDAR_SQL = f"""
INSERT INTO cscperf_calendar BY NAME
WITH days AS (
    SELECT CAST(t.d AS DATE) AS cal_date
    FROM generate_series(TIMESTAMP '{CALENDAR_START}', TIMESTAMP '{CALENDAR_END}', INTERVAL 1 DAY) AS t(d)
), flagged AS (
    SELECT d.cal_date, h.holiday_name AS bank_holiday_name, EXTRACT(ISODOW FROM d.cal_date) >= 6 AS is_weekend,
           CAST(EXTRACT(YEAR FROM d.cal_date) AS INTEGER) AS y, CAST(EXTRACT(MONTH FROM d.cal_date) AS INTEGER) AS m
    FROM days d LEFT JOIN calendar_bank_holidays h ON h.holiday = d.cal_date
), working AS (
    SELECT *, NOT is_weekend AND bank_holiday_name IS NULL AS is_working_day,
           CASE WHEN m >= 4 THEN y ELSE y - 1 END AS financial_year
    FROM flagged
)
SELECT cal_date, is_working_day, is_weekend, bank_holiday_name,
       CAST(COALESCE(SUM(CASE WHEN is_working_day THEN 1 ELSE 0 END) OVER (
           ORDER BY cal_date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS INTEGER) AS working_day_number,
       financial_year,
       CAST(financial_year AS VARCHAR) || '-' || LPAD(CAST((financial_year + 1) % 100 AS VARCHAR), 2, '0')
         AS financial_year_label,
       CAST(DATE_TRUNC('month', cal_date) AS DATE) AS month_start,
       CASE WHEN m BETWEEN 4 AND 6 THEN 1 WHEN m BETWEEN 7 AND 9 THEN 2 WHEN m >= 10 THEN 3 ELSE 4 END
         AS financial_quarter
FROM working
"""


def fill_calendar(con: Connection) -> int:
    """Write one row per day of the working-day calendar; returns the number of days written."""
    found = bank_holidays()
    con.register(
        "calendar_bank_holidays",
        pa.table({"holiday": pa.array(list(found), pa.date32()), "holiday_name": pa.array(list(found.values()))}),
    )
    try:
        run(con, CALENDAR_SQL)
    finally:
        con.unregister("calendar_bank_holidays")
    return int(str(scalar(con, "SELECT count(*) FROM cscperf_calendar")))
