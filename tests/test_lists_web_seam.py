"""The web service reads the lists through its seam (cscperf.web.lists_seam): every list named with who it is
for and its rule, one list's rows for a council, date, teams and worker, and a list the data cannot support
refused with the reason (never shown as an empty list)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from cscperf.lists import ListNotAvailable, ListRow, compute_lists
from cscperf.web import lists_seam

from .golden import LA, GoldenCouncil
from .test_lists_consistency import ISSUE_IDS
from .test_lists_golden import plan

AS_AT = dt.date(2026, 10, 31)


def test_the_web_service_finds_every_list() -> None:
    found = lists_seam.definitions()
    assert found is not None and [d.id for d in found] == ISSUE_IDS
    assert all(d.title and d.audience and d.rule for d in found)


def test_rows_for_a_council_date_and_teams(db: duckdb.DuckDBPyConnection) -> None:
    def rows(teams: list[str] | None, worker: str | None = None) -> list[ListRow]:
        found = lists_seam.one_list(db, "cla_reviews_due", la_code="874", as_at=AS_AT, teams=teams, worker=worker,
                                    look_ahead_days=None, since=None, config=None)  # fmt: skip
        return list(found.results[0].rows)

    every = rows(None)
    expected = compute_lists(db, "874", AS_AT, ids=["cla_reviews_due"]).results[0].rows
    assert [r.person_id for r in every] == [r.person_id for r in expected] and len(every) > 10
    team = every[0].team
    mine = rows([team])
    assert mine and {r.team for r in mine} == {team} and len(mine) < len(every)
    worker = every[0].worker_id
    assert worker is not None
    assert {r.worker_id for r in rows(None, worker)} == {worker}


def test_a_list_the_data_cannot_support_is_refused_with_the_reason(council: GoldenCouncil) -> None:
    plan(council, "P1", "2024-01-01")
    council.add("cscperf_coverage", load_id="L1", table_name="ssd_cp_plans", covers_from="2023-04-01",
                covers_to="2025-03-31", records=1)  # fmt: skip
    with pytest.raises(ListNotAvailable, match="not available from the data loaded: CP visits"):
        lists_seam.one_list(council.con, "cp_visits_overdue", la_code=LA, as_at=dt.date(2024, 11, 29), teams=None,
                            worker=None, look_ahead_days=None, since=None, config=None)  # fmt: skip
