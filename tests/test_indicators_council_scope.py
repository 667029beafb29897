"""Councils asked for, pushed down to every read of the store (cscperf.indicators.council_scope): the SQL
rewrite itself, and on a store of three councils, each council computed alone gives exactly the figures and
drill-down rows it has when every council is computed (DuckDB, and PostgreSQL when a server is installed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from cscperf.indicators import engine
from cscperf.indicators.council_scope import Councils, council_tables, scoped
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import compute, drill, units_sql
from cscperf.indicators.series import series_periods
from cscperf.indicators.sessions import SESSIONS_VARIABLE
from cscperf.indicators.settings import IndicatorSettings
from cscperf.reporting_periods import financial_year
from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.store.dialect import to_postgres

from .postgres_server import PostgresServer
from .several_councils import AS_AT, COUNCILS, points, write_several

ONE = Councils.of(["874"])


def _reads(sql: str) -> list[tuple[str, str | None]]:
    """Each read of a store table holding la_code: (table, the condition its rows are read under, if any)."""
    found = []
    for table in sqlglot.parse_one(sql, read="duckdb").find_all(exp.Table):
        if table.name not in council_tables() or not isinstance(table.parent, exp.From | exp.Join):
            continue
        select = table.parent.parent
        where = select.args.get("where") if isinstance(select, exp.Select) else None
        limited = where is not None and isinstance(select.parent, exp.Subquery) and select.expressions[0].is_star
        found.append((table.name, where.this.sql(dialect="duckdb") if limited and where else None))
    return found


def test_a_read_of_a_council_table_is_limited_and_keeps_its_name() -> None:
    sql = scoped("SELECT p.la_code FROM ssd_person p JOIN ssd_contacts ON ssd_contacts.la_code = p.la_code", ONE)
    assert "(SELECT * FROM ssd_person WHERE la_code IN ('874')) AS p" in sql
    assert "(SELECT * FROM ssd_contacts WHERE la_code IN ('874')) AS ssd_contacts" in sql
    every_other = scoped("SELECT * FROM ssd_person", Councils(("001", "002"), every_other=True))
    assert "WHERE NOT la_code IN ('001', '002')" in every_other


def test_a_cte_named_as_a_table_is_left_alone_and_its_own_read_of_the_table_limited() -> None:
    sql = scoped(
        "WITH ssd_person AS (SELECT * FROM ssd_person WHERE pers_sex = 'F'), "
        "later AS (SELECT * FROM ssd_person) "
        "SELECT * FROM ssd_person, later, (WITH x AS (SELECT 1) SELECT * FROM ssd_contacts) AS c",
        ONE,
    )
    assert sql == (
        "WITH ssd_person AS (SELECT * FROM (SELECT * FROM ssd_person WHERE la_code IN ('874')) AS ssd_person "
        "WHERE pers_sex = 'F'), later AS (SELECT * FROM ssd_person) SELECT * FROM ssd_person, later, "
        "(WITH x AS (SELECT 1) SELECT * FROM (SELECT * FROM ssd_contacts WHERE la_code IN ('874')) AS ssd_contacts) "
        "AS c"
    )


def test_scoped_sql_scoped_again_is_unchanged() -> None:
    sql = "SELECT * FROM ssd_person p JOIN (SELECT * FROM ssd_contacts) AS c ON c.la_code = p.la_code"
    for councils in (ONE, Councils(("001", "002"), every_other=True)):
        once = scoped(sql, councils)
        assert scoped(once, councils) == once
        assert once.count("WHERE") == 2
    assert scoped(scoped(sql, ONE), Councils.of(["001"])).count("WHERE") == 4


def test_a_scoped_read_of_the_contacts_still_reads_the_jsonb_copy_on_postgresql() -> None:
    sql = units_sql(load_library()["contact_conversion"], IndicatorSettings(), ["874"])
    assert "(SELECT * FROM ssd_contacts WHERE la_code IN ('874'))" in sql
    assert "cont_contact_outcome_jsonb" in to_postgres(sql).main
    other = to_postgres("SELECT json_extract_string(c.cont_contact_outcome_json, '$.a') FROM (SELECT 1) c")
    assert "jsonb" not in other.main


def test_tables_without_councils_are_left_alone() -> None:
    sql = (
        "SELECT * FROM report_periods p JOIN cscperf_calendar c ON c.cal_date = p.period_end "
        "JOIN cscperf_fragment_cp_at_period_end f ON f.period_end = p.period_end"
    )
    assert scoped(sql, ONE) == sqlglot.transpile(sql, read="duckdb", write="duckdb")[0]


@pytest.mark.parametrize("kpi", list(load_library()))
def test_every_read_inside_an_indicators_fragments_is_limited(kpi: str) -> None:
    indicator = load_library()[kpi]
    whole = units_sql(indicator, IndicatorSettings(), None)
    limited = units_sql(indicator, IndicatorSettings(), ["874"])
    assert [t for t, _ in _reads(limited)] == [t for t, _ in _reads(whole)]
    assert _reads(limited), "an indicator that reads no store table"
    assert {condition for _, condition in _reads(limited)} == {"la_code IN ('874')"}


# ------------------------------------------------------------------------------------- three councils
PERIODS = [*series_periods(AS_AT, 13), financial_year(2023)]


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory, postgres_if_installed: PostgresServer | None
) -> Iterator[list[Connection]]:
    made = [write_several(open_store(tmp_path_factory.mktemp("three") / "three.duckdb"))]
    if postgres_if_installed is not None:
        made.append(write_several(open_store(postgres_if_installed.database())))
    yield made
    for con in made:
        con.close()


def test_the_fragments_made_for_a_council_read_only_its_rows(
    stores: list[Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    real_run = engine.run

    def recorded(con: Connection, sql: str, params: Any = None) -> None:
        if "cscperf_fragment_" in sql and sql.startswith("CREATE"):
            made.append(sql)
        real_run(con, sql, params)

    monkeypatch.setattr(engine, "run", recorded)
    compute(stores[0], PERIODS[-2:], la_codes=["002"])
    assert len(made) >= 5
    for sql in made:
        select = sql.split(" AS ", 1)[1]
        assert _reads(select) and {c for _, c in _reads(select)} == {"la_code IN ('002')"}, sql[:60]


def test_each_council_alone_has_the_figures_it_has_among_all(
    stores: list[Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SESSIONS_VARIABLE, "1")
    for con in stores:
        everyone = points(compute(con, PERIODS))
        for wanted in (["001"], ["002"], ["003"], ["003", "001"]):
            alone = points(compute(con, PERIODS, la_codes=wanted))
            assert alone == {k: [p for p in v if p[0] in wanted] for k, v in everyone.items()}, (con.engine, wanted)
        plans_visited = [p for p in everyone["cp_visits_in_time"] if p[4]]
        assert {p[0] for p in plans_visited} == {code for code, _, _ in COUNCILS}, "plans numbered in every council"


def test_each_council_alone_has_the_drill_down_rows_it_has_among_all(stores: list[Connection]) -> None:
    month = series_periods(AS_AT, 1)[-1]
    year = financial_year(2023)
    rows = 0
    for con in stores:
        for kpi in load_library():
            for period in (month, year) if kpi.startswith("cp_") else (month,):
                everyone = drill(con, kpi, period)
                for la in ("001", "003"):
                    alone = drill(con, kpi, period, la_codes=[la])
                    assert alone == [r for r in everyone if r["la_code"] == la], (con.engine, kpi, period.label, la)
                    rows += len(alone)
    assert rows > 1_000


def test_the_councils_condition() -> None:
    assert Councils.of([]).condition() == "FALSE"
    assert Councils((), every_other=True).condition() == "TRUE"
    assert Councils.of(["b", "a", "a"]).condition() == "la_code IN ('a', 'b')"
    assert Councils.of(["o'x"]).condition() == "la_code IN ('o''x')"
