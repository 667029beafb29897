"""Indicators computed in several sessions of a PostgreSQL store (cscperf.indicators.sessions): the same
figures as from one session, every session reading one snapshot of the store, and a failure in one session
told as one session would tell it, with the others stopped and closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from cscperf.errors import DataProblem, UsageProblem
from cscperf.indicators.council_scope import Councils
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import compute
from cscperf.indicators.series import series_periods
from cscperf.indicators.sessions import SESSIONS_VARIABLE, council_groups, sessions_wanted
from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.store.postgres_connection import PostgresConnection

from .postgres_server import PostgresServer
from .several_councils import AS_AT, points, write_several

PERIODS = series_periods(AS_AT, 13)


@pytest.fixture(scope="module")
def server_url(postgres: PostgresServer) -> str:
    url = postgres.database()
    write_several(open_store(url)).close()
    return url


@pytest.fixture()
def store(server_url: str) -> Iterator[Connection]:
    con = open_store(server_url, read_only=True)
    yield con
    con.close()


@pytest.fixture()
def opened(monkeypatch: pytest.MonkeyPatch) -> list[PostgresConnection]:
    """Every session opened from now on (the extra sessions of an indicator run)."""
    sessions: list[PostgresConnection] = []
    real_open = PostgresConnection.open

    def open_(url: str, *, read_only: bool) -> PostgresConnection:
        sessions.append(real_open(url, read_only=read_only))
        return sessions[-1]

    monkeypatch.setattr(PostgresConnection, "open", staticmethod(open_))
    return sessions


def test_one_session_and_three_give_the_same_figures(
    store: Connection, monkeypatch: pytest.MonkeyPatch, opened: list[PostgresConnection]
) -> None:
    monkeypatch.setenv(SESSIONS_VARIABLE, "1")
    alone = points(compute(store, PERIODS))
    teams_alone = points(compute(store, PERIODS[-2:], by="team"))
    assert not opened
    monkeypatch.setenv(SESSIONS_VARIABLE, "3")
    side_by_side = points(compute(store, PERIODS))
    assert len(opened) == 2 and all(s.raw.closed for s in opened), "two more sessions, closed when done"
    assert set(side_by_side) == set(load_library())
    for kpi, figures in alone.items():
        assert side_by_side[kpi] == figures, kpi
    assert points(compute(store, PERIODS[-2:], by="team")) == teams_alone
    assert {p[0] for v in alone.values() for p in v if p[4]} == {"001", "002", "003"}


def test_councils_asked_for_are_split_between_the_sessions(
    store: Connection, monkeypatch: pytest.MonkeyPatch, opened: list[PostgresConnection]
) -> None:
    monkeypatch.setenv(SESSIONS_VARIABLE, "1")
    alone = points(compute(store, PERIODS[-3:], la_codes=["003", "002"]))
    monkeypatch.delenv(SESSIONS_VARIABLE)
    assert points(compute(store, PERIODS[-3:], la_codes=["003", "002"])) == alone
    assert len(opened) == 1
    compute(store, PERIODS[-1:], ids=["contacts"], la_codes=["002"])
    assert len(opened) == 1, "one council: one session"


def test_a_server_that_refuses_another_connection_gets_fewer_sessions(
    store: Connection, monkeypatch: pytest.MonkeyPatch, opened: list[PostgresConnection]
) -> None:
    monkeypatch.setenv(SESSIONS_VARIABLE, "1")
    alone = points(compute(store, PERIODS[-3:]))
    counting_open = PostgresConnection.open

    def open_once(url: str, *, read_only: bool) -> PostgresConnection:
        if opened:
            raise DataProblem("The PostgreSQL store could not be reached: too many clients already")
        return counting_open(url, read_only=read_only)

    monkeypatch.setattr(PostgresConnection, "open", staticmethod(open_once))
    monkeypatch.setenv(SESSIONS_VARIABLE, "3")
    assert points(compute(store, PERIODS[-3:])) == alone
    assert len(opened) == 1 and opened[0].raw.closed


def test_the_groups_are_balanced_by_children_and_miss_no_council(store: Connection) -> None:
    # 001 has the most children, then 002 and 003 (tests/several_councils.py)
    assert council_groups(store, None, 2) == [Councils(("001",)), Councils(("001",), every_other=True)]
    assert council_groups(store, ["003", "002", "001"], 3) == [Councils.of([c]) for c in ("001", "002", "003")]
    assert council_groups(store, ["003", "002"], 5) == [Councils.of(["002"]), Councils.of(["003"])]
    assert council_groups(store, ["002"], 2) == [Councils.of(["002"])]
    assert council_groups(store, None, 1) == [None]


def test_the_number_of_sessions_is_checked(store: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SESSIONS_VARIABLE, raising=False)
    assert sessions_wanted(store) == 2
    monkeypatch.setenv(SESSIONS_VARIABLE, "4")
    assert sessions_wanted(store) == 4
    for wrong in ("0", "two", "-1", "99"):
        monkeypatch.setenv(SESSIONS_VARIABLE, wrong)
        with pytest.raises(UsageProblem, match=SESSIONS_VARIABLE):
            sessions_wanted(store)


def test_every_session_reads_one_snapshot(store: Connection, server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A contact of council 003 (computed by the second session) committed after the first session took its
    snapshot, but before the second session began, is not counted; a later run counts it."""
    monkeypatch.setenv(SESSIONS_VARIABLE, "2")
    month = PERIODS[-1]
    before = _contacts(compute(store, [month], ids=["contacts"]))
    real_open = PostgresConnection.open

    def open_after_a_commit(url: str, *, read_only: bool) -> PostgresConnection:
        with psycopg.connect(server_url, autocommit=True) as other:
            other.execute(
                "INSERT INTO ssd_contacts (la_code, cont_contact_id, cont_person_id, cont_contact_date) "
                "VALUES ('003', 'snapshot-test', 'snapshot-test', %s)",
                [month.end],
            )
        return real_open(url, read_only=read_only)

    monkeypatch.setattr(PostgresConnection, "open", staticmethod(open_after_a_commit))
    try:
        assert _contacts(compute(store, [month], ids=["contacts"])) == before
        monkeypatch.setattr(PostgresConnection, "open", staticmethod(real_open))
        after = _contacts(compute(store, [month], ids=["contacts"]))
        assert after == {**before, "003": before["003"] + 1}
    finally:
        with psycopg.connect(server_url, autocommit=True) as other:
            other.execute("DELETE FROM ssd_contacts WHERE cont_contact_id = 'snapshot-test'")


def _contacts(results: list[Any]) -> dict[str, float]:
    return {p.la_code: p.numerator for p in results[0].points}


def test_a_failed_session_is_told_and_the_others_closed(
    store: Connection, monkeypatch: pytest.MonkeyPatch, opened: list[PostgresConnection]
) -> None:
    """The second session's connection is lost at its third indicator: the run fails with the message one
    session would give, the third session is stopped and closed, and the store's own session is left usable,
    out of any transaction."""
    monkeypatch.setenv(SESSIONS_VARIABLE, "3")
    real_execute = PostgresConnection.execute
    queries: dict[int, int] = {}

    def execute(self: PostgresConnection, sql: str, params: Any = None) -> Any:
        if opened and self is opened[0] and sql.lstrip().startswith("SELECT la_code, period_start"):
            queries[id(self)] = queries.get(id(self), 0) + 1
            if queries[id(self)] == 3:
                self.execute_as_written("SELECT pg_terminate_backend(pg_backend_pid())")
        return real_execute(self, sql, params)

    monkeypatch.setattr(PostgresConnection, "execute", execute)
    with pytest.raises(DataProblem, match="the connection to the server failed"):
        compute(store, PERIODS)
    assert len(opened) == 2 and all(s.raw.closed for s in opened)
    assert store.execute("SELECT COUNT(*) FROM cscperf_councils").fetchall() == [(3,)]
    assert isinstance(store, PostgresConnection) and store.raw.info.transaction_status.name == "IDLE"
