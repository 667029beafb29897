"""A tiny hand-built council for golden tests: rows added one by one, figures read from the engine.

When a PostgreSQL server is there (tests/postgres_server.py), every row is written to a PostgreSQL store
as well, and every figure and drill-down the test reads is computed on both engines and must be identical;
when the test ends, every indicator of the library is computed on both for every period the test looked
at, and must be identical too (numerators, denominators, values, units). So each hand-built council is
also a parity test of the whole library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cscperf.indicators.engine import Point, compute, drill, set_periods
from cscperf.indicators.series import SeriesKind, series_periods
from cscperf.indicators.settings import IndicatorSettings
from cscperf.indicators.sql_text import expand_fragments, fragment_sql, with_settings
from cscperf.reporting_periods import ReportingPeriod, financial_year, month
from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.store.schema import load_schema
from cscperf.store.statements import run

LA = "938"  # a real council's code (West Sussex): loaders refuse codes the DfE does not list


class GoldenCouncil:
    """A store holding one small council whose every row the test wrote (mirrored to PostgreSQL when
    `mirror` is an open, empty PostgreSQL store)."""

    def __init__(self, folder: Path, population: int = 10_000, mirror: Connection | None = None) -> None:
        self.con = open_store(folder / "golden.duckdb")
        self.mirror = mirror
        self.looked_at: set[tuple[ReportingPeriod, str]] = set()  # (period, settings) the test read
        self.run("INSERT INTO cscperf_councils (la_code, la_name) VALUES (?, 'Golden')", [LA])
        for year in range(2015, 2027):
            self.add("cscperf_population", mid_year=year, age_group="0-17", population=population)

    def run(self, sql: str, params: Sequence[object] | None = None) -> None:
        """One statement on the council's store (and its PostgreSQL mirror)."""
        run(self.con, sql, params)
        if self.mirror is not None:
            run(self.mirror, sql, params)

    def add(self, table: str, **values: Any) -> None:
        columns = ["la_code", *values]
        marks = ", ".join("?" for _ in columns)
        self.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", [LA, *values.values()])

    def person(self, person_id: str, dob: str | None = "2015-06-01", sex: str = "F") -> None:
        self.add("ssd_person", pers_person_id=person_id, pers_dob=dob, pers_sex=sex, pers_ethnicity="WBRI")

    def stores(self) -> list[Connection]:
        """The council's DuckDB store, and its PostgreSQL mirror where the tests run one."""
        return [self.con] + ([self.mirror] if self.mirror is not None else [])

    def figure(self, kpi: str, as_at: str, period: SeriesKind = "month", **settings: Any) -> Point:
        periods = series_periods(dt.date.fromisoformat(as_at), 1, period)
        chosen = IndicatorSettings(**settings)
        results = compute(self.con, periods, ids=[kpi], settings=chosen, la_codes=[LA])
        if self.mirror is not None:
            self.looked_at.add((periods[-1], chosen.model_dump_json()))
            on_server = compute(self.mirror, periods, ids=[kpi], settings=chosen, la_codes=[LA])
            assert on_server[0].points == results[0].points, f"{kpi}: PostgreSQL differs from DuckDB"
        return results[0].points[-1]

    def units(self, kpi: str, as_at: str, period: SeriesKind = "month", **settings: Any) -> list[dict[str, Any]]:
        the_period = series_periods(dt.date.fromisoformat(as_at), 1, period)[-1]
        chosen = IndicatorSettings(**settings)
        rows = drill(self.con, kpi, the_period, settings=chosen, la_codes=[LA])
        if self.mirror is not None:
            on_server = drill(self.mirror, kpi, the_period, settings=chosen, la_codes=[LA])
            assert on_server == rows, f"{kpi}: PostgreSQL's drill-down differs from DuckDB's"
        return rows

    def check_every_indicator(self) -> None:
        """The whole library, for each period (and settings) the test looked at, identical on both engines."""
        if self.mirror is None:
            return
        for period, settings_json in sorted(self.looked_at, key=lambda x: (x[0].start, x[0].end, x[1])):
            chosen = IndicatorSettings.model_validate_json(settings_json)
            here = compute(self.con, [period], settings=chosen, la_codes=[LA])
            there = compute(self.mirror, [period], settings=chosen, la_codes=[LA])
            for a, b in zip(here, there, strict=True):
                assert a.points == b.points, f"{a.indicator.id} for {period.label}: PostgreSQL differs from DuckDB"

    def close(self) -> None:
        try:
            self.check_every_indicator()
        finally:
            self.con.close()
            if self.mirror is not None:
                clear(self.mirror)


def clear(con: Connection) -> None:
    """Empty every per-council table (a mirror is reused from test to test)."""
    names = [t.name for t in load_schema().tables_for(con.engine) if t.per_council]
    con.execute_as_written(f"TRUNCATE {', '.join(names)}").fetchall()


def irregular_period_sets() -> list[list[ReportingPeriod]]:
    """Period sets a fragment over period ends must handle: seven months to 30 September 2023, one period, periods
    with gaps between them, and periods sharing an end (the financial year 2023-24 and March 2023)."""
    months = series_periods(dt.date(2023, 9, 30), 7)
    return [months, months[:1], [months[0], months[3], months[6]], [*months, financial_year(2023), month(2023, 3)]]


# One child's visits around the period ends of irregular_period_sets (the last days of March to September 2023, and
# 31 March 2024 in one set): (visit id, date, child seen).
VISITS_AROUND_PERIOD_ENDS = (
    ("V1", "2023-02-10", "Y"),  # before every period end
    ("V2", "2023-04-30", "Y"),  # on a period end: the last seen at it
    ("V3", "2023-05-31", "N"),  # not seen: 30 April stays the last at 31 May
    ("V4", "2023-06-30", "Y"),  # two on one day, on a period end
    ("V5", "2023-06-30", "Y"),
    ("V6", "2023-08-15", "Y"),
    ("V7", "2030-01-01", "Y"),  # after every period end
)


def assert_fragment_matches_plain(
    council: GoldenCouncil, fragment: str, plain: str, *, columns: str = "*", settings: IndicatorSettings | None = None
) -> None:
    """The fragment's rows are the plain definition's (`plain`, SQL over report_periods, which may read other
    fragments as `{{> name}}`) for every irregular period set, on DuckDB and on PostgreSQL, and there are some."""
    settings = settings or IndicatorSettings()
    sql = f"SELECT {columns} FROM ({fragment_sql(fragment, settings)}) AS f"
    plain = with_settings(expand_fragments(plain, "plain definition"), settings, "plain definition")
    for con in council.stores():
        for periods in irregular_period_sets():
            set_periods(con, periods)
            rows = sorted(con.execute(sql).fetchall())
            assert rows == sorted(con.execute(plain).fetchall()) and rows, [p.label for p in periods]
