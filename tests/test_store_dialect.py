"""Each rule that turns cscperf's DuckDB SQL into PostgreSQL's (cscperf.store.dialect), run on both engines:
the same statement must give the same answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cscperf.store.connection import Connection, connect
from cscperf.store.dialect import TranslationError, to_postgres
from cscperf.store.statements import run

from .postgres_server import PostgresServer


@pytest.fixture()
def both(tmp_path: Path, pg_url: str) -> Iterator[tuple[Connection, Connection]]:
    duck, server = connect(tmp_path / "d.duckdb"), connect(pg_url)
    yield duck, server
    duck.close()
    server.close()


def on_both(both: tuple[Connection, Connection], *statements: str, params: Any = None) -> list[Any]:
    """Run the statements on both engines; the last one's rows, which must be the same on both."""
    answers = []
    for con in both:
        for sql in statements[:-1]:
            run(con, sql)
        answers.append(con.execute(statements[-1], params).fetchall())
    assert answers[0] == answers[1], f"DuckDB {answers[0]} but PostgreSQL {answers[1]}"
    return answers[0]


def test_placeholders_and_literal_percent_signs(both: tuple[Connection, Connection]) -> None:
    rows = on_both(both, "SELECT ? || '%s%' AS a, 'abc' LIKE 'a%' AS b, ? AS c", params=["x", 3])
    assert rows == [("x%s%", True, 3)]


def test_named_parameters(both: tuple[Connection, Connection]) -> None:
    rows = on_both(both, "SELECT $la || '%', $year + 1, $la", params={"la": "874", "year": 2024})
    assert rows == [("874%", 2025, "874")]


def test_create_or_replace_table_even_from_its_own_rows(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        "CREATE OR REPLACE TEMP TABLE t AS SELECT 1 AS a",
        "CREATE OR REPLACE TEMP TABLE t AS SELECT 2 AS a UNION ALL SELECT 3",
        "CREATE OR REPLACE TEMP TABLE t AS SELECT a, a * 10 AS b FROM t",  # reads the table it replaces
        "SELECT a, b FROM t ORDER BY a",
    )
    assert rows == [(2, 20), (3, 30)]


def test_a_temporary_table_never_replaces_a_permanent_one(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        "CREATE TABLE keep (a INTEGER)",
        "INSERT INTO keep VALUES (1)",
        "CREATE OR REPLACE TEMP TABLE keep AS SELECT 5 AS a",
        "SELECT count(*) FROM main.keep" if False else "SELECT a FROM keep",
    )
    assert rows == [(5,)]  # the temporary table is read first, as in DuckDB
    for con in both:
        run(con, "DROP TABLE keep")  # the temporary one
    assert on_both(both, "SELECT a FROM keep") == [(1,)]


def test_temporary_tables_made_from_a_query_are_analysed(pg_url: str) -> None:
    con = connect(pg_url)
    run(con, "CREATE OR REPLACE TEMP TABLE t AS SELECT r.a FROM range(500) AS r(a)")
    pages = con.execute_as_written("SELECT reltuples FROM pg_class WHERE relname = 't'").fetchall()
    con.close()
    assert pages == [(500.0,)]  # the planner knows its size (autovacuum never analyses temporary tables)


def test_insert_by_name(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        "CREATE TEMP TABLE t (a INTEGER, b VARCHAR, c DATE)",
        "INSERT INTO t BY NAME SELECT DATE '2024-02-29' AS c, 'x' AS b, 7 AS a",
        "SELECT a, b, c FROM t",
    )
    assert rows == [(7, "x", dt.date(2024, 2, 29))]


def test_insert_by_name_of_a_star_is_refused() -> None:
    with pytest.raises(TranslationError, match="name the columns"):
        to_postgres("INSERT INTO t BY NAME SELECT * FROM u")


def test_exclude_is_refused() -> None:
    with pytest.raises(TranslationError, match="list the columns"):
        to_postgres("SELECT * EXCLUDE (a) FROM t")


FIRST_DATA = (
    "CREATE TEMP TABLE t (g VARCHAR, v VARCHAR, k INTEGER)",
    "INSERT INTO t VALUES ('a', NULL, 1), ('a', 'second', 2), ('a', 'third', 3), ('a', 'none', NULL), "
    "('b', 'only', 5), ('c', NULL, 9)",
)


def test_first_with_order_and_filter(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        *FIRST_DATA,
        "SELECT g, first(v ORDER BY k DESC NULLS LAST) FILTER (WHERE v IS NOT NULL), first(v ORDER BY k) "
        "FROM t GROUP BY g ORDER BY g",
    )
    # a: highest k with a value is 3 ('third'); lowest k is 1, whose value is NULL (first keeps NULLs)
    assert rows == [("a", "third", None), ("b", "only", "only"), ("c", None, None)]


def test_arg_min_and_arg_max(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        *FIRST_DATA,
        "SELECT g, arg_min(v, k), arg_max(v, k), arg_min_null(v, k), arg_max_null(v, k) FROM t GROUP BY g ORDER BY g",
    )
    # arg_min/arg_max skip rows whose value or key is NULL; the _null forms keep a NULL value, skip a NULL key
    assert rows == [("a", "second", "third", None, "third"), ("b", "only", "only", "only", "only"),
                    ("c", None, None, None, None)]  # fmt: skip


def test_group_by_all(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        *FIRST_DATA,
        "SELECT g, upper(g) AS big, count(*) AS n, (SELECT max(k) FROM t) AS top, sum(k) * 2 AS twice "
        "FROM t GROUP BY ALL ORDER BY 1",
    )
    assert rows == [("a", "A", 4, 9, 12), ("b", "B", 1, 9, 10), ("c", "C", 1, 9, 18)]


def test_date_parts_are_integers_and_make_date(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        "SELECT year(d), month(d), EXTRACT(day FROM d), year(d) + (month(d) > 3)::INTEGER, make_date(year(d), 3, 31) "
        "FROM (SELECT DATE '2024-07-09' AS d) x",
    )
    assert rows == [(2024, 7, 9, 2025, dt.date(2024, 3, 31))]
    assert all(isinstance(v, int) for v in rows[0][:4])


def test_interval_of_an_expression(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        "SELECT CAST(d - INTERVAL (n) DAY AS DATE), CAST(d + INTERVAL (n) MONTH AS DATE), "
        "CAST(d - INTERVAL 12 MONTH AS DATE) FROM (SELECT DATE '2024-02-29' AS d, 3 AS n) x",
    )
    assert rows == [(dt.date(2024, 2, 26), dt.date(2024, 5, 29), dt.date(2023, 2, 28))]


def test_division_is_never_integer_division(both: tuple[Connection, Connection]) -> None:
    assert on_both(both, "SELECT 7 / 2, a / b FROM (SELECT 1 AS a, 4 AS b) x") == [(3.5, 0.25)]


def test_text_sorts_byte_by_byte(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        "CREATE TEMP TABLE t (s VARCHAR)",
        "INSERT INTO t VALUES ('b'), ('B'), ('_x'), ('a'), ('Z'), ('é'), ('10'), ('9')",
        "SELECT s FROM t ORDER BY s",
    )
    assert [r[0] for r in rows] == ["10", "9", "B", "Z", "_x", "a", "b", "é"]


def test_nulls_sort_last_both_ways(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        "CREATE TEMP TABLE t (k INTEGER)",
        "INSERT INTO t VALUES (2), (NULL), (1)",
        "SELECT k FROM t ORDER BY k DESC",
    )
    assert rows == [(2,), (1,), (None,)]


def test_following_frames_reversed(both: tuple[Connection, Connection]) -> None:
    following = "ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING"
    sql = (f"SELECT k, d, min(x) OVER (PARTITION BY k ORDER BY d, n {following}), "
           f"max(x) OVER (PARTITION BY k ORDER BY d DESC, n {following}), "
           f"count(x) OVER (PARTITION BY k ORDER BY d, n DESC ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING) "
           f"FROM t ORDER BY k, d, n")  # fmt: skip
    assert "UNBOUNDED FOLLOWING" not in to_postgres(sql).main
    rows = on_both(
        both,
        "CREATE TEMP TABLE t (k INTEGER, d INTEGER, n INTEGER, x INTEGER)",
        "INSERT INTO t VALUES (1, 1, 1, 10), (1, 2, 1, NULL), (1, 2, 2, 30), (1, NULL, 1, 5), (1, 3, 1, 20), "
        "(2, 1, 1, 7)",
        sql,
    )
    # k = 1 in order of d then n: (1, 10), (2, NULL), (2, 30), (3, 20), (NULL, 5): after each row, in that order
    # the least x; in the order d DESC (NULL last), n: (3, 20), (2, NULL), (2, 30), (1, 10), (NULL, 5): the
    # greatest after each; in the order d, n DESC: (1, 10), (2, 30), (2, NULL), (3, 20), (NULL, 5): how many
    # x from the second row after
    assert rows == [(1, 1, 5, 5, 2), (1, 2, 5, 30, 1), (1, 2, 5, 10, 2), (1, 3, 5, 30, 0), (1, None, None, None, 0),
                    (2, 1, None, None, 0)]  # fmt: skip


def test_numbers_come_back_as_int_or_float(both: tuple[Connection, Connection]) -> None:
    rows = on_both(both, "SELECT sum(x), count(*), round(avg(x), 2) FROM (SELECT CAST(r.n AS BIGINT) AS x "
                         "FROM range(4) AS r(n)) t")  # fmt: skip
    assert rows == [(6, 4, 1.5)]
    assert [type(v) for v in rows[0]] == [int, int, float]


def test_json_comes_back_as_the_text_stored(both: tuple[Connection, Connection]) -> None:
    rows = on_both(
        both,
        "CREATE TEMP TABLE t (j JSON)",
        """INSERT INTO t VALUES ('{"NEW_REFERRAL_FLAG":"Y","b":1}')""",
        "SELECT CAST(j AS VARCHAR), json_extract_string(j, '$.NEW_REFERRAL_FLAG') FROM t",
    )
    assert rows == [('{"NEW_REFERRAL_FLAG":"Y","b":1}', "Y")]


def test_flows_are_joined_to_their_period_by_day(both: tuple[Connection, Connection]) -> None:
    from cscperf.indicators.engine import set_periods
    from cscperf.indicators.series import series_periods

    for con in both:
        set_periods(con, series_periods(dt.date(2024, 3, 15), 3))  # Jan, Feb, and 1-15 March 2024
    assert (
        "report_period_days"
        in to_postgres("SELECT 1 FROM t JOIN report_periods p ON t.d BETWEEN p.period_start AND p.period_end").main
    )
    rows = on_both(
        both,
        "CREATE TEMP TABLE events (d DATE, n INTEGER)",
        "INSERT INTO events VALUES (DATE '2023-12-31', 1), (DATE '2024-01-01', 2), (DATE '2024-02-29', 3), "
        "(DATE '2024-03-15', 4), (DATE '2024-03-16', 5), (NULL, 6)",
        "SELECT p.period_start, p.period_end, sum(e.n), count(*) FROM events e "
        "JOIN report_periods p ON e.d BETWEEN p.period_start AND p.period_end AND e.n > 0 GROUP BY 1, 2 ORDER BY 1",
    )
    january, february, march = (dt.date(2024, m, 1) for m in (1, 2, 3))
    assert rows == [(january, dt.date(2024, 1, 31), 2, 1), (february, dt.date(2024, 2, 29), 3, 1),
                    (march, dt.date(2024, 3, 15), 4, 1)]  # fmt: skip


def test_scratch_tables_are_the_sessions_own(pg_url: str, postgres: PostgresServer) -> None:
    one, other = connect(pg_url), connect(pg_url)
    run(one, "CREATE TABLE cscperf_staging.cscperf_staged_x (a INTEGER)")
    run(one, "INSERT INTO cscperf_staging.cscperf_staged_x VALUES (1)")
    assert one.table_exists("cscperf_staging.cscperf_staged_x")
    assert one.execute("SELECT count(*) FROM cscperf_staging.cscperf_staged_x").fetchall() == [(1,)]
    assert not other.table_exists("cscperf_staging.cscperf_staged_x")  # another session (another load)
    one.close()
    other.close()
