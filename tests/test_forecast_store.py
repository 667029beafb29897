"""What the forecast reads from the store, on small hand-built councils: children looked after at each month end
with their ages and placement groups (worked out by hand), allocated cases, costs from section 251 finance
records, and the cases where the data cannot support a forecast."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from cscperf.analysis.forecast import ForecastConfig, build_forecast
from cscperf.analysis.forecast.groups import PlacementGroup
from cscperf.analysis.forecast.reading import (
    caseload_data,
    cla_panel,
    finance_records,
    month_ends,
    workforce_now,
)
from cscperf.indicators.settings import IndicatorSettings
from cscperf.store.statements import run

from .golden import LA, GoldenCouncil

SETTINGS = IndicatorSettings()
ENDS = [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]


def _loaded(council: GoldenCouncil, kind: str = "ssda903", start: str = "2025-04-01", end: str = "2026-03-31") -> None:
    run(
        council.con,
        "UPDATE cscperf_councils SET data_source = 'loaded', data_start_date = ?, data_end_date = ?",
        [start, end],
    )
    council.add("cscperf_loads", load_id=f"L-{kind}", load_kind=kind, load_status="complete")


def _looked_after(
    council: GoldenCouncil,
    person: str,
    start: str,
    end: str | None = None,
    *,
    place: str | None = None,
    provider: str | None = None,
    legal: str = "C2",
) -> None:
    council.add(
        "ssd_cla_episodes",
        clae_cla_episode_id=f"E-{person}-{start}",
        clae_person_id=person,
        clae_cla_episode_start_date=start,
        clae_cla_episode_ceased_date=end,
        clae_cla_id=f"C-{person}",
        clae_entered_care_date=start,
    )
    council.add(
        "ssd_legal_status",
        lega_legal_status_id=f"LS-{person}-{start}",
        lega_person_id=person,
        lega_legal_status=legal,
        lega_legal_status_start_date=start,
        lega_legal_status_end_date=end,
    )
    if place is not None:
        _placed(council, person, start, end, place, provider)


def _placed(council: GoldenCouncil, person: str, start: str, end: str | None, place: str, provider: str | None) -> None:
    council.add(
        "ssd_cla_placement",
        clap_cla_placement_id=f"P-{person}-{start}",
        clap_person_id=person,
        clap_cla_id=f"C-{person}",
        clap_cla_placement_start_date=start,
        clap_cla_placement_end_date=end,
        clap_cla_placement_type=place,
        clap_cla_placement_provider=provider,
    )


def _rows(panel: Any) -> set[tuple[str, int, int]]:
    """(month end, age, group) of every row (children are numbered by the store's order, so left out)."""
    return {
        (panel.month_ends[m].isoformat(), int(a), int(g))
        for m, a, g in zip(panel.month, panel.age, panel.group, strict=True)
    }


def test_children_at_each_month_end_with_age_and_group_worked_by_hand(council: GoldenCouncil) -> None:
    c = council
    # P1, born 15 June 2015, independent foster care throughout. Age at 31 Jan 2026: 10 years 7 months = 127.
    c.person("P1", dob="2015-06-15")
    _looked_after(c, "P1", "2025-12-01", place="U4", provider="PR4")
    # P2, born 20 Feb 2008, in a children's home until the day before 18 (19 Feb 2026): 215 months on 31 Jan.
    c.person("P2", dob="2008-02-20")
    _looked_after(c, "P2", "2025-06-01", "2026-02-19", place="K2", provider="PR4")
    # P3, born 10 Jan 2020, comes into kinship care on 10 Feb 2026: 73 months on 28 Feb, 74 on 31 Mar.
    c.person("P3", dob="2020-01-10")
    _looked_after(c, "P3", "2026-02-10", place="U1", provider="PR1")
    # P4, born 31 May 2012, in-house foster care, then supported accommodation from 5 Mar 2026. A child born on
    # the 31st has a whole month more only on a month's 31st: 164 months on 31 Jan, 164 on 28 Feb, 166 on 31 Mar.
    c.person("P4", dob="2012-05-31")
    _looked_after(c, "P4", "2025-01-01")
    _placed(c, "P4", "2025-01-01", "2026-03-05", "U6", "PR1")
    _placed(c, "P4", "2026-03-05", None, "K3", "PR4")
    # P5: short breaks (V4) are not children looked after in DfE figures, so never in the panel.
    c.person("P5", dob="2014-01-01")
    _looked_after(c, "P5", "2025-11-01", place="U6", provider="PR1", legal="V4")
    # P6: no date of birth (age not recorded), placed with parents.
    c.person("P6", dob=None)
    _looked_after(c, "P6", "2025-10-01", place="P1", provider="PR0")
    # P7: looked after with no placement recorded (Other); P8: foster care with no provider (in-house).
    c.person("P7", dob="2011-03-01")
    _looked_after(c, "P7", "2026-03-20")
    c.person("P8", dob="2016-09-30")
    _looked_after(c, "P8", "2026-01-15", place="U5")
    panel, notes = cla_panel(c.con, LA, ENDS, SETTINGS)
    ind, ifa, kin, res, sup, par, oth = range(7)
    jan, feb, mar = (d.isoformat() for d in ENDS)
    assert _rows(panel) == {
        (jan, 127, ifa),
        (feb, 128, ifa),
        (mar, 129, ifa),  # P1
        (jan, 215, res),  # P2 left care the day before 18
        (feb, 73, kin),
        (mar, 74, kin),  # P3
        (jan, 164, ind),
        (feb, 164, ind),
        (mar, 166, sup),  # P4
        (jan, -1, par),
        (feb, -1, par),
        (mar, -1, par),  # P6
        (mar, 180, oth),  # P7: 15 years 0 months on 31 Mar 2026
        (jan, 112, ind),
        (feb, 112, ind),
        (mar, 114, ind),  # P8: born 30 Sep 2016 (a 30th, like P4's 31st)
    }
    assert panel.stock()[2].tolist() == [1, 1, 1, 0, 1, 1, 1]
    assert (notes.no_placement, notes.foster_no_provider) == (1, 1)  # at the last month end: P7; P8


def test_allocated_cases_and_fte_at_a_month_end(council: GoldenCouncil) -> None:
    c = council
    for worker, fte, registration in (("W1", 1.0, "SW1"), ("W2", 0.5, "SW2"), ("W3", 1.0, None)):
        c.add(
            "ssd_professionals",
            prof_professional_id=worker,
            prof_full_time_equivalency=fte,
            prof_social_worker_registration_no=registration,
        )
    for child in ("A", "B", "C", "D"):
        c.person(child)

    def allocate(n: int, child: str, worker: str) -> None:
        c.add(
            "ssd_involvements",
            invo_involvements_id=f"I{n}",
            invo_person_id=child,
            invo_professional_id=worker,
            invo_professional_role_id="Allocated Social Worker",
            invo_involvement_start_date="2025-12-01",
        )

    allocate(1, "A", "W1")  # a child in need
    allocate(2, "B", "W1")  # on a CP plan, held by two workers: two cases
    allocate(3, "B", "W2")
    allocate(4, "C", "W2")  # looked after
    allocate(5, "D", "W3")  # an unqualified worker's allocation is not a social worker's case
    c.add("ssd_cp_plans", cppl_cp_plan_id="CP1", cppl_person_id="B", cppl_cp_plan_start_date="2025-12-10")
    _looked_after(c, "C", "2025-12-01", place="U4", provider="PR1")
    data = caseload_data(c.con, LA, ENDS[:1], SETTINGS)
    assert data is not None
    assert (data.cases, data.children_allocated, data.looked_after_allocated) == ([3 + 1], [3], [1])
    assert sorted(zip(data.panel.group.tolist(), data.panel.month.tolist(), strict=True)) == [(0, 0), (1, 0)]
    now = workforce_now(c.con, LA, ENDS[0], SETTINGS)
    assert now.fte_in_post == 1.5  # W1 and W2 hold cases; W3 is not qualified


def test_no_allocations_means_no_caseload_data(council: GoldenCouncil) -> None:
    assert caseload_data(council.con, LA, ENDS, SETTINGS) is None


def test_costs_from_section_251_finance_records(council: GoldenCouncil) -> None:
    c = council
    c.person("R1")
    _looked_after(c, "R1", "2025-01-01", place="K2", provider="PR4")  # open all through the period
    c.person("R2")
    _looked_after(c, "R2", "2025-03-01", "2025-03-11", place="K2", provider="PR4")  # 10 days in the period
    c.person("R3")
    _looked_after(c, "R3", "2025-01-01", place="U4", provider="PR1")
    placements = {"R1": "P-R1-2025-01-01", "R2": "P-R2-2025-03-01", "R3": "P-R3-2025-01-01"}
    for n, (person, cost) in enumerate((("R1", "£3,500"), ("R2", "4200.50"), ("R3", "n/a"))):
        c.add(
            "ssd_s251_finance", s251_table_id=f"F{n}", s251_cla_placement_id=placements[person], s251_placeholder_1=cost
        )
    records, unreadable = finance_records(c.con, LA, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert unreadable == 1  # "n/a"
    by_cost = {(r.group, r.weekly_cost, r.days_in_period) for r in records}
    assert by_cost == {(PlacementGroup.RESIDENTIAL, 3500.0, 30), (PlacementGroup.RESIDENTIAL, 4200.5, 10)}


def test_a_store_with_only_a_cin_census_has_no_forecast(council: GoldenCouncil) -> None:
    _loaded(council, kind="cin_census")
    result = build_forecast(council.con, LA, dt.date(2026, 3, 31))
    assert not result.available
    assert "no history of children's care episodes" in (result.reason or "") and "CIN Census" in (result.reason or "")
    assert result.cla == () and result.cost == () and result.backtests == ()


def _small_council(council: GoldenCouncil) -> None:
    """Twelve children in foster care from 2024, two of them leaving in 2025, so there is something to model."""
    for n in range(12):
        council.person(f"C{n}", dob=f"201{n % 8}-0{1 + n % 9}-15")
        end = "2025-09-30" if n < 2 else None
        _looked_after(council, f"C{n}", "2024-06-01", end, place="U4", provider="PR1")


def test_an_as_at_date_after_the_data_has_no_forecast(council: GoldenCouncil) -> None:
    _loaded(council)
    _small_council(council)
    result = build_forecast(council.con, LA, dt.date(2026, 4, 30))
    assert not result.available and "end on 31 March 2026" in (result.reason or "")


def test_a_reference_period_the_data_do_not_cover_has_no_forecast(council: GoldenCouncil) -> None:
    _loaded(council, start="2025-04-01", end="2026-03-31")
    _small_council(council)
    small = ForecastConfig(simulations=100)
    result = build_forecast(council.con, LA, dt.date(2026, 3, 31), small)
    assert not result.available and "begins before the data do" in (result.reason or "")
    # 12 months back from 31 March 2026 is 31 March 2025: the day before the data start, whose month-end count
    # the first return holds (everyone looked after then was still looked after on 1 April)
    twelve = ForecastConfig(simulations=100, reference_months=12)
    result = build_forecast(council.con, LA, dt.date(2026, 3, 31), twelve)
    assert result.available, result.reason
    assert result.start == dt.date(2026, 3, 31) and result.reference_start == dt.date(2025, 3, 31)
    assert result.now_total == 10
    assert all(not b.available and "needs" in (b.reason or "") for b in result.backtests)
    assert result.workforce == () and "allocations" in (result.workforce_reason or "")


def test_a_mid_month_date_forecasts_from_the_month_end_before(council: GoldenCouncil) -> None:
    _loaded(council, start="2024-01-01")
    _small_council(council)
    result = build_forecast(council.con, LA, dt.date(2026, 3, 15), ForecastConfig(simulations=100))
    assert result.start == dt.date(2026, 2, 28)
    assert any("last month end on or before 15 March 2026" in n for n in result.notes)


class _Recorder:
    """A connection that remembers the SQL it runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con, self.sql = con, []  # type: ignore[var-annotated]

    def execute(self, sql: str, params: object = None) -> Any:
        self.sql.append(sql)
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def test_the_forecasts_sql_transpiles_to_postgresql(db: duckdb.DuckDBPyConnection) -> None:
    recorder = _Recorder(db)
    result = build_forecast(recorder, "874", dt.date(2026, 10, 31), ForecastConfig(simulations=100))  # type: ignore[arg-type]
    assert result.available
    ours = [
        sql
        for sql in recorder.sql
        if "ssd_cla_placement" in sql or "ssd_involvements" in sql or "cscperf_sw" in sql or "s251" in sql
    ]
    assert len(ours) >= 5
    for sql in ours:
        assert sqlglot.transpile(sql, read="duckdb", write="postgres", unsupported_level=ErrorLevel.RAISE)


def test_month_ends_run_back_from_the_month_of_a_date() -> None:
    assert month_ends(dt.date(2026, 3, 15), 3) == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    assert month_ends(dt.date(2024, 3, 31), 2) == [dt.date(2024, 2, 29), dt.date(2024, 3, 31)]


@pytest.mark.parametrize("kind", ["annex_a", "workforce_census"])
def test_sources_without_an_episode_history_are_named(council: GoldenCouncil, kind: str) -> None:
    _loaded(council, kind=kind)
    _small_council(council)
    result = build_forecast(council.con, LA, dt.date(2026, 3, 31))
    assert not result.available and "SSDA903" in (result.reason or "")


def test_without_a_recorded_data_range_it_is_taken_from_the_episodes(council: GoldenCouncil) -> None:
    # An SSD extract's load does not record the dates it covers. The earliest date an episode ended is taken as
    # the start (the extract holds the episodes open at any time from then): here 30 September 2025, when two of
    # the twelve children left; the latest date anything happened is the end: 15 April 2026, a new entrant.
    _loaded(council, kind="ssd_extract")
    run(council.con, "UPDATE cscperf_councils SET data_start_date = NULL, data_end_date = NULL")
    _small_council(council)
    council.person("N1", dob="2012-01-01")
    _looked_after(council, "N1", "2026-04-15", place="K2", provider="PR4")
    result = build_forecast(council.con, LA, dt.date(2026, 3, 31), ForecastConfig(simulations=100))
    assert not result.available and "(30 September 2025)" in (result.reason or "")
    result = build_forecast(council.con, LA, dt.date(2026, 3, 31), ForecastConfig(simulations=100, reference_months=6))
    assert result.available, result.reason
    assert any("taken from the episodes of care themselves" in n for n in result.notes)
    assert not build_forecast(council.con, LA, dt.date(2026, 4, 30)).available  # after the last date held


def _return(council: GoldenCouncil, load_id: str, kind: str, year: int) -> None:
    """A load recorded in the coverage table as giving a whole year of episodes (1 April to 31 March)."""
    council.add("cscperf_loads", load_id=load_id, load_kind=kind, load_status="complete", collection_year=year)
    council.add(
        "cscperf_coverage",
        load_id=load_id,
        table_name="ssd_cla_episodes",
        covers_from=f"{year - 1}-04-01",
        covers_to=f"{year}-03-31",
        records=10,
    )


def test_the_years_the_returns_cover_come_from_the_coverage_records(council: GoldenCouncil) -> None:
    # SSDA903 returns for 2022-23 and 2024-25 (not 2023-24) and an Annex A list for 2023-24, whose episodes are
    # each child's latest placement only, so no history: the years with a history are 1 April 2022 to 31 March
    # 2023, and 1 April 2024 to 31 March 2025.
    run(council.con, "UPDATE cscperf_councils SET data_source = 'loaded'")
    _return(council, "L2023", "ssda903", 2023)
    _return(council, "A2024", "annex_a", 2024)
    _return(council, "L2025", "ssda903", 2025)
    _small_council(council)
    twelve = ForecastConfig(simulations=100, reference_months=12)
    result = build_forecast(council.con, LA, dt.date(2025, 3, 31), twelve)
    assert result.available, result.reason  # 31 March 2024 to 31 March 2025: the 2024-25 return
    result = build_forecast(council.con, LA, dt.date(2025, 3, 31), ForecastConfig(simulations=100))
    assert not result.available and "begins before the data do (1 April 2024)" in (result.reason or "")
    result = build_forecast(council.con, LA, dt.date(2024, 1, 31), twelve)
    assert not result.available and "No episodes of care are loaded for 31 January 2024" in (result.reason or "")
    assert "1 April 2022 to 31 March 2023; 1 April 2024 to 31 March 2025" in (result.reason or "")
