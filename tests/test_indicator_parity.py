"""The same numbers on both engines: every indicator of the library on the synthetic council, computed on
DuckDB and on PostgreSQL, must agree exactly (numerators, denominators, values, units counted) for every
month of five years, for financial years and rolling 12 months, in a breakdown, and in the drill-down rows.
The managers' lists too, row for row. (The hand-built golden councils are compared the same way:
tests/golden.py and tests/test_lists_golden.py.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Result, _point, compute, drill
from cscperf.indicators.series import series_periods
from cscperf.lists import compute_lists
from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.synth.council import SyntheticCouncil
from cscperf.synth.writer import write_council

from .postgres_server import PostgresServer

pytestmark = pytest.mark.slow  # a long file: started before the short ones (conftest.py)

AS_AT = dt.date(2026, 10, 31)
LA = "874"
LIBRARY = list(load_library())


@pytest.fixture(scope="module")
def engines(
    council_store: Path, postgres: PostgresServer, default_council: SyntheticCouncil
) -> Iterator[tuple[Connection, Connection]]:
    server = open_store(postgres.database())
    write_council(server, default_council, replace=False)
    laptop = open_store(council_store, read_only=True)
    yield laptop, server
    laptop.close()
    server.close()


def _points(results: list[Result]) -> dict[str, list[tuple[object, ...]]]:
    return {
        r.indicator.id: [
            (
                p.la_code,
                p.period_start,
                p.period_end,
                p.group,
                p.numerator,
                p.denominator,
                p.value,
                p.units,
                p.coverage,
                p.reason,
                p.not_measurable,
            )
            for p in r.points
        ]
        for r in results
    }


@pytest.mark.parametrize(("kind", "periods"), [("month", 60), ("financial-year", 5), ("rolling-12", 13)])
def test_every_indicator_is_the_same_on_both_engines(
    engines: tuple[Connection, Connection], kind: str, periods: int
) -> None:
    wanted = series_periods(AS_AT, periods, kind)  # type: ignore[arg-type]
    laptop, server = (_points(compute(con, wanted)) for con in engines)
    assert set(laptop) == set(LIBRARY)
    assert sum(len(v) for v in laptop.values()) == len(LIBRARY) * periods
    for kpi in LIBRARY:
        assert server[kpi] == laptop[kpi], f"{kpi} ({kind}) differs between DuckDB and PostgreSQL"
    assert any(p[4] for points in laptop.values() for p in points), "a comparison of nothing proves nothing"


def test_a_breakdown_is_the_same_on_both_engines(engines: tuple[Connection, Connection]) -> None:
    wanted = series_periods(AS_AT, 3)
    for by in ("team", "age_band"):
        laptop, server = (_points(compute(con, wanted, by=by)) for con in engines)
        assert server == laptop, f"breakdown by {by} differs"


def test_every_drill_down_is_the_same_on_both_engines(engines: tuple[Connection, Connection]) -> None:
    month = series_periods(AS_AT, 1)[-1]
    year = series_periods(dt.date(2026, 3, 31), 1, "financial-year")[-1]
    rows = 0
    for kpi in LIBRARY:
        for period in (month, year):
            laptop, server = (drill(con, kpi, period) for con in engines)
            assert server == laptop, f"{kpi} drill-down for {period.label} differs"
            rows += len(laptop)
    assert rows > 10_000


@pytest.mark.parametrize("as_at", [AS_AT, dt.date(2025, 3, 31)])
def test_every_managers_list_is_the_same_on_both_engines(
    engines: tuple[Connection, Connection], as_at: dt.date
) -> None:
    """Every list, every row and every field (team, worker, dates, days overdue, wording), with who joined and
    left since a week before."""
    since = as_at - dt.timedelta(days=7)
    laptop, server = (compute_lists(con, LA, as_at, since=since) for con in engines)
    assert server == laptop
    rows = sum(len(r.rows) for r in laptop.results)
    assert rows > 50 and all(r.available for r in laptop.results), "a comparison of nothing proves nothing"
    assert any(r.left for r in laptop.results)


def test_a_figure_does_not_depend_on_the_order_fractions_were_added_in() -> None:
    """51 cases over 2.4 FTE is 21.25, shown as 21.3 (half away from zero), whichever engine added 0.8 three
    times: DuckDB and PostgreSQL sum floats in different orders (2.4000000000000004 or 2.3999999999999995)."""
    indicator = load_library()["sw_average_caseload"]
    month = series_periods(AS_AT, 1)[-1]
    for fte in (0.8 + 0.8 + 0.8, 0.8 + (0.8 + 0.8) - 1e-15, 2.4):
        assert _point(indicator, "874", month, 51.0, fte, 3, None, {}).value == 21.3
