"""A tiny hand-built council for golden tests: rows added one by one, figures read from the engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cscperf.indicators.engine import Point, compute, drill
from cscperf.indicators.series import SeriesKind, series_periods
from cscperf.indicators.settings import IndicatorSettings
from cscperf.store.database import open_store
from cscperf.store.statements import run

LA = "938"  # a real council's code (West Sussex): loaders refuse codes the DfE does not list


class GoldenCouncil:
    """A store holding one small council whose every row the test wrote."""

    def __init__(self, folder: Path, population: int = 10_000) -> None:
        self.con = open_store(folder / "golden.duckdb")
        run(self.con, "INSERT INTO cscperf_councils (la_code, la_name) VALUES (?, 'Golden')", [LA])
        for year in range(2015, 2027):
            self.add("cscperf_population", mid_year=year, age_group="0-17", population=population)

    def add(self, table: str, **values: Any) -> None:
        columns = ["la_code", *values]
        marks = ", ".join("?" for _ in columns)
        run(self.con, f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", [LA, *values.values()])

    def person(self, person_id: str, dob: str | None = "2015-06-01", sex: str = "F") -> None:
        self.add("ssd_person", pers_person_id=person_id, pers_dob=dob, pers_sex=sex, pers_ethnicity="WBRI")

    def figure(self, kpi: str, as_at: str, period: SeriesKind = "month", **settings: Any) -> Point:
        periods = series_periods(dt.date.fromisoformat(as_at), 1, period)
        results = compute(self.con, periods, ids=[kpi], settings=IndicatorSettings(**settings), la_codes=[LA])
        return results[0].points[-1]

    def units(self, kpi: str, as_at: str, period: SeriesKind = "month", **settings: Any) -> list[dict[str, Any]]:
        the_period = series_periods(dt.date.fromisoformat(as_at), 1, period)[-1]
        return drill(self.con, kpi, the_period, settings=IndicatorSettings(**settings), la_codes=[LA])

    def close(self) -> None:
        self.con.close()
