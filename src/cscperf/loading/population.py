"""The name, region and 0-17 population of a council whose data was loaded (not generated).

The engine needs the population for rates per 10,000 children. Councils' files do not hold it; the imported
comparators do, as the base of each published rate of children looked after per 10,000 (the ONS mid-year
estimate of the year before 31 March)."""

from __future__ import annotations

from cscperf.store.connection import Connection
from cscperf.store.statements import run


def fill_population_from_comparators(con: Connection, la_codes: list[str]) -> int:
    """Add the council's 0-17 population for every mid-year the comparators give and the store lacks.
    Returns how many years were added."""
    if not la_codes:
        return 0
    marks = ", ".join("?" for _ in la_codes)
    before = con.execute("SELECT count(*) FROM cscperf_population").fetchall()[0][0]
    run(
        con,
        f"""
        INSERT INTO cscperf_population (la_code, mid_year, age_group, population, population_source)
        SELECT area_code, year - 1, '0-17', CAST(round(arg_max(denominator, release)) AS INTEGER),
               'ONS mid-year estimate, as the base of the published CLA rate (' || arg_max(source_file, release) || ')'
        FROM cscperf_benchmark_values
        WHERE indicator_id = 'cla_rate_per_10k' AND area_level = 'la' AND denominator IS NOT NULL
          AND area_code IN ({marks})
          AND (area_code, year - 1) NOT IN (SELECT la_code, mid_year FROM cscperf_population WHERE age_group = '0-17')
        GROUP BY area_code, year
        """,
        la_codes,
    )
    after = con.execute("SELECT count(*) FROM cscperf_population").fetchall()[0][0]
    run(
        con,
        f"""
        UPDATE cscperf_councils c
        SET la_name = COALESCE(c.la_name, b.area_name), region = COALESCE(c.region, b.region_name)
        FROM (SELECT area_code, arg_max(area_name, year) AS area_name, arg_max(region_name, year) AS region_name
              FROM cscperf_benchmark_values WHERE area_level = 'la' AND area_code IN ({marks}) GROUP BY area_code) b
        WHERE c.la_code = b.area_code AND (c.la_name IS NULL OR c.region IS NULL)
        """,
        la_codes,
    )
    return int(after) - int(before)
