"""The lists as a whole: their fixed ids and descriptions, SQL ready for PostgreSQL, and on the synthetic default
council every list that mirrors an indicator has exactly the indicator's drill-down rows at the same date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from cscperf.indicators.engine import drill
from cscperf.indicators.series import series_periods
from cscperf.indicators.settings import IndicatorSettings
from cscperf.lists import compute_lists, list_definitions
from cscperf.lists.definition import LIST_ORDER, ListDefinition, load_lists
from cscperf.lists.engine import list_entries
from cscperf.lists.entries import ListEntry
from cscperf.lists.settings import ListSettings, sql_values
from cscperf.lists.sql import list_sql
from cscperf.store.database import open_store

ISSUE_IDS = """cp_visits_overdue cla_visits_overdue visits_missed_last_week cp_plan_9_months cp_plan_12_months
cp_plan_2_years assessments_due icpc_due cp_reviews_due cla_reviews_due cla_health_assessment_due
cla_dental_check_due cla_pep_due caseloads_over_target""".split()  # noqa: SIM905
DATES = [dt.date(2026, 10, 31), dt.date(2026, 3, 31), dt.date(2025, 2, 28), dt.date(2024, 2, 29),
         dt.date(2023, 6, 17)]  # fmt: skip
LA = "874"


def test_the_lists_have_the_issues_ids() -> None:
    assert list(load_lists()) == ISSUE_IDS == list(LIST_ORDER)


@pytest.mark.parametrize("list_id", ISSUE_IDS)
def test_every_list_says_what_it_is(list_id: str) -> None:
    d = load_lists()[list_id]
    assert d.title and d.audience and len(d.rule_text) > 100 and d.source and len(d.statutory_basis) > 30 and d.gone
    described = {x.id: x for x in list_definitions()}[list_id]
    assert (described.title, described.audience, described.rule) == (d.title, d.audience, d.rule_text)
    assert described.source and described.statutory_basis


@pytest.mark.parametrize("list_id", ISSUE_IDS)
@pytest.mark.parametrize(
    ("indicator_settings", "settings"),
    [(IndicatorSettings(), ListSettings()),
     (IndicatorSettings(pep_window_months=4, cp_visit_interval_working_days=15), ListSettings(oversight_early_days=7))],
)  # fmt: skip
def test_every_list_transpiles_to_postgresql(
    list_id: str, indicator_settings: IndicatorSettings, settings: ListSettings
) -> None:
    sql = list_sql(load_lists()[list_id], sql_values(indicator_settings, settings))
    out = sqlglot.transpile(sql, read="duckdb", write="postgres", unsupported_level=ErrorLevel.RAISE)
    assert len(out) == 1 and "report_periods" in out[0]


MIRRORED = [d for d in load_lists().values() if d.mirror is not None]


@pytest.fixture(scope="module")
def entries_by_date(council_store: Any) -> dict[dt.date, dict[str, list[ListEntry]]]:
    con = open_store(council_store, read_only=True)
    try:
        return {
            day: list_entries(con, list(load_lists().values()), [day], [LA], IndicatorSettings(), ListSettings(), 28)
            for day in DATES
        }
    finally:
        con.close()


def _indicator_units(con: duckdb.DuckDBPyConnection, d: ListDefinition, day: dt.date) -> list[str]:
    assert d.mirror is not None
    rows = drill(con, d.mirror.indicator, series_periods(day, 1)[-1], la_codes=[LA])
    chosen = {
        "overdue_units": lambda r: str(r["unit_id"]).startswith("overdue:"),
        "counted": lambda r: r["in_numerator"],
        "not_counted": lambda r: not r["in_numerator"],
        "all": lambda r: True,
    }[d.mirror.indicator_rows]
    return sorted(str(r["unit_id"]).removeprefix("overdue:") for r in rows if chosen(r))


def _list_units(d: ListDefinition, entries: list[ListEntry], day: dt.date) -> list[str]:
    assert d.mirror is not None
    if d.mirror.list_rows == "overdue":
        return sorted(e.unit_id for e in entries if e.state == "overdue")
    return sorted(e.unit_id for e in entries if e.values["due_date"] is not None and e.values["due_date"] <= day)


@pytest.mark.parametrize("day", DATES)
@pytest.mark.parametrize("definition", MIRRORED, ids=[d.id for d in MIRRORED])
def test_a_list_and_its_indicator_never_disagree(
    db: duckdb.DuckDBPyConnection,
    entries_by_date: dict[dt.date, dict[str, list[ListEntry]]],
    definition: ListDefinition,
    day: dt.date,
) -> None:
    indicator = _indicator_units(db, definition, day)
    listed = _list_units(definition, entries_by_date[day][definition.id], day)
    assert definition.mirror is not None
    if definition.mirror.relation == "same":
        assert listed == indicator
    else:
        assert set(listed) <= set(indicator)
    if definition.id in ("cp_visits_overdue", "cla_visits_overdue", "caseloads_over_target", "assessments_due"):
        assert listed, f"{definition.id} is empty at {day}: the comparison would prove nothing"


@pytest.mark.parametrize("day", DATES[:2])
def test_statuses_agree_with_due_dates(db: duckdb.DuckDBPyConnection, day: dt.date) -> None:
    lists = compute_lists(db, LA, day, look_ahead_days=28)
    horizon = day + dt.timedelta(days=28)
    seen_statuses = set()
    for result in lists.results:
        assert result.available, (result.id, result.reason)
        for row in result.rows:
            seen_statuses.add(row.status)
            assert row.person_id is not None or result.definition.subject == "worker"
            if row.due_date is None:
                continue
            if row.status == "overdue" and result.id != "visits_missed_last_week":
                assert row.due_date < day and row.calendar_days is not None and row.calendar_days >= 1
            if row.status == "due":
                assert day <= row.due_date <= horizon
    assert seen_statuses == {"overdue", "due"}


def test_the_lists_are_the_same_each_time(db: duckdb.DuckDBPyConnection) -> None:
    first = compute_lists(db, LA, DATES[0], since=DATES[0] - dt.timedelta(days=7))
    second = compute_lists(db, LA, DATES[0], since=DATES[0] - dt.timedelta(days=7))
    assert first == second
    assert sum(len(r.rows) for r in first.results) > 100 and sum(len(r.left) for r in first.results) > 10


def test_the_synthetic_council_records_oversight_as_the_issue_describes(db: duckdb.DuckDBPyConnection) -> None:
    """Most reviews when the plan reaches 9 months (or within 3 working days), some late or never; missed visits
    with each of the reasons, most with one recorded."""
    reasons = dict(db.execute("SELECT missed_reason, count(*) FROM cscperf_visit_missed GROUP BY 1").fetchall())
    assert set(reasons) == {"family_not_available", "avoiding_visit", "worker_absent", "rearranged", "other"}
    held, on_time, late, reached = db.execute("""
        WITH plans AS (
            SELECT p.cppl_cp_plan_id AS plan_id, CAST(p.cppl_cp_plan_start_date + INTERVAL 9 MONTH AS DATE) AS m
            FROM ssd_cp_plans p, cscperf_councils c
            WHERE p.cppl_cp_plan_start_date >= c.data_start_date
              AND p.cppl_cp_plan_start_date + INTERVAL 9 MONTH <= c.data_end_date
              AND (p.cppl_cp_plan_end_date IS NULL
                   OR p.cppl_cp_plan_end_date > p.cppl_cp_plan_start_date + INTERVAL 9 MONTH))
        SELECT count(o.oversight_id), count(*) FILTER (WHERE o.oversight_date BETWEEN p.m AND p.m + 5),
               count(*) FILTER (WHERE o.oversight_date > p.m + 5), count(DISTINCT p.plan_id)
        FROM plans p
        LEFT JOIN cscperf_cp_oversight o ON o.oversight_cp_plan_id = p.plan_id
         AND o.oversight_type = 'senior_manager_review'""").fetchall()[0]  # fmt: skip
    assert on_time / held > 0.75 and late / held > 0.05
    assert 0.8 < held / reached < 0.97  # some never held (or not before the plan ended)


def test_the_lists_reference_in_the_docs_is_generated_from_the_definitions() -> None:
    from pathlib import Path

    from cscperf.lists.library_doc import END, START, lists_markdown

    doc = (Path(__file__).resolve().parents[1] / "docs" / "lists.md").read_text(encoding="utf-8")
    block = doc[doc.index(START) : doc.index(END) + len(END)] + "\n"
    assert block == lists_markdown(), (
        "docs/lists.md is out of date: replace its generated part with `cscperf lists list --format markdown`"
    )


@pytest.mark.parametrize("query", [
    # every review or meeting is of a plan of the child, held while the plan was open and within the data
    """SELECT o.oversight_id FROM cscperf_cp_oversight o
       LEFT JOIN ssd_cp_plans p ON p.la_code = o.la_code AND p.cppl_cp_plan_id = o.oversight_cp_plan_id
       JOIN cscperf_councils c ON c.la_code = o.la_code
       WHERE p.cppl_cp_plan_id IS NULL OR p.cppl_person_id <> o.oversight_person_id
          OR o.oversight_date < p.cppl_cp_plan_start_date OR o.oversight_date >= p.cppl_cp_plan_end_date
          OR o.oversight_date > c.data_end_date""",
    # every missed visit is of a plan or period of care of the child, due within the data; a not-seen visit
    # names a visit of the child where the child was not seen
    """SELECT m.missed_id FROM cscperf_visit_missed m
       JOIN cscperf_councils c ON c.la_code = m.la_code
       LEFT JOIN ssd_cp_plans p ON m.missed_visit_kind = 'cp' AND p.la_code = m.la_code
        AND p.cppl_cp_plan_id = m.missed_case_id AND p.cppl_person_id = m.missed_person_id
       LEFT JOIN (SELECT DISTINCT la_code, clae_cla_id, clae_person_id FROM ssd_cla_episodes) e
         ON m.missed_visit_kind = 'cla' AND e.la_code = m.la_code AND e.clae_cla_id = m.missed_case_id
        AND e.clae_person_id = m.missed_person_id
       WHERE (p.cppl_cp_plan_id IS NULL AND e.clae_cla_id IS NULL) OR m.missed_due_date > c.data_end_date
          OR m.missed_reason NOT IN ('family_not_available', 'avoiding_visit', 'worker_absent', 'rearranged',
                                     'other')""",
    """SELECT m.missed_id FROM cscperf_visit_missed m
       LEFT JOIN ssd_cp_visits v ON v.la_code = m.la_code AND v.cppv_cp_visit_id = m.missed_visit_id
       LEFT JOIN ssd_cla_visits w ON w.la_code = m.la_code AND w.clav_cla_visit_id = m.missed_visit_id
       WHERE m.missed_visit_id IS NOT NULL
         AND COALESCE(v.cppv_cp_visit_seen, w.clav_cla_visit_seen, 'missing') <> 'N'""",
])  # fmt: skip
def test_the_synthetic_oversight_records_hang_together(db: duckdb.DuckDBPyConnection, query: str) -> None:
    assert db.execute(query).fetchall()[:3] == []
