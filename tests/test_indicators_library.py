"""The indicator library as a whole: its ids, its SQL (PostgreSQL-ready), the engine's arithmetic, and
its figures on the synthetic default council."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from cscperf.errors import DataProblem
from cscperf.indicators.definition import LIBRARY_ORDER, load_library
from cscperf.indicators.engine import compute, drill, population_for, round_as_dfe
from cscperf.indicators.series import series_periods
from cscperf.indicators.settings import IndicatorSettings, read_settings
from cscperf.indicators.sql_text import fragment_reads, indicator_sql
from cscperf.store.database import open_store

from .golden import LA, GoldenCouncil

ISSUE_IDS = """eh_assessments_started contacts contact_conversion referrals re_referrals_12m assessments_completed
assessments_within_45wd assessments_within_45wd_from_referral assessments_open_over_45wd s47_started
icpc_within_15wd cp_plans_open cp_rate_per_10k cp_plans_started cp_second_or_subsequent cp_open_over_12m
cp_open_2y_plus cp_ended_2y_plus cp_reviews_in_time cp_visits_in_time cla_open cla_rate_per_10k cla_started
cla_ceased cla_3plus_placements cla_long_term_stability cla_visits_in_time cla_reviews_in_time
cla_health_assessment_in_date cla_dental_check_in_date cla_pep_in_date oc2_health_assessment oc2_dental_check
sw_average_caseload sw_caseload_over_target sw_vacancy_rate sw_agency_rate sw_turnover_rate""".split()  # noqa: SIM905


def test_the_library_has_exactly_the_fixed_ids() -> None:
    assert list(load_library()) == ISSUE_IDS == list(LIBRARY_ORDER)


@pytest.mark.parametrize("indicator_id", ISSUE_IDS)
def test_every_indicator_is_described(indicator_id: str) -> None:
    ind = load_library()[indicator_id]
    assert ind.title and len(ind.description) > 40 and ind.source
    assert ind.decimals >= 0
    if ind.polarity == "target_band":
        assert ind.band is not None


@pytest.mark.parametrize("indicator_id", ISSUE_IDS)
@pytest.mark.parametrize(
    "settings",
    [
        IndicatorSettings(),
        IndicatorSettings(assessment_clock="referral", count_same_carer_moves=True, pep_window_months=4),
    ],
)
def test_every_indicator_transpiles_to_postgresql(indicator_id: str, settings: IndicatorSettings) -> None:
    sql = indicator_sql(load_library()[indicator_id], settings)
    out = sqlglot.transpile(sql, read="duckdb", write="postgres", unsupported_level=ErrorLevel.RAISE)
    assert len(out) == 1 and "report_periods" in out[0]


def test_every_indicator_runs_on_an_empty_council(council: GoldenCouncil) -> None:
    results = compute(council.con, series_periods(dt.date(2024, 3, 31), 3), la_codes=[LA])
    assert len(results) == len(ISSUE_IDS)
    for result in results:
        assert len(result.points) == 3
        for point in result.points:
            assert point.numerator == 0
            if result.indicator.unit in ("percent", "ratio"):
                assert point.value is None  # nothing to divide: no figure, not zero


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (0.75, 1, 0.8), (21.45, 1, 21.5), (2.5, 0, 3.0), (66.66666, 1, 66.7), (74.5, 0, 75.0), (0.049, 1, 0.0),
    (None, 1, None),
])  # fmt: skip
def test_rounding_is_half_up_as_published(value: float | None, decimals: int, expected: float | None) -> None:
    assert round_as_dfe(value, decimals) == expected


def test_population_for_a_date_uses_the_latest_mid_year_before_it() -> None:
    population = {2022: 100, 2023: 200}
    assert population_for(population, dt.date(2024, 3, 31)) == 200  # mid-2023
    assert population_for(population, dt.date(2023, 3, 31)) == 100  # mid-2022
    assert population_for(population, dt.date(2023, 6, 30)) == 200  # 30 June 2023 itself
    assert population_for(population, dt.date(2026, 3, 31)) == 200  # latest the store has
    assert population_for(population, dt.date(2020, 3, 31)) == 100  # earliest, when nothing earlier


def test_series_periods() -> None:
    months = series_periods(dt.date(2024, 3, 15), 13)
    assert len(months) == 13 and months[0].start == dt.date(2023, 3, 1)
    assert months[-1].start == dt.date(2024, 3, 1) and months[-1].end == dt.date(2024, 3, 15)  # month to date
    years = series_periods(dt.date(2024, 3, 31), 3, "financial-year")
    assert [(p.start, p.end) for p in years] == [
        (dt.date(2021, 4, 1), dt.date(2022, 3, 31)), (dt.date(2022, 4, 1), dt.date(2023, 3, 31)),
        (dt.date(2023, 4, 1), dt.date(2024, 3, 31)),
    ]  # fmt: skip
    rolling = series_periods(dt.date(2024, 2, 29), 2, "rolling-12")
    assert [(p.start, p.end) for p in rolling] == [
        (dt.date(2023, 2, 1), dt.date(2024, 1, 31)), (dt.date(2023, 3, 1), dt.date(2024, 2, 29)),
    ]  # fmt: skip


def test_settings_are_read_from_cscperf_toml(tmp_path: Path) -> None:
    good = tmp_path / "cscperf.toml"
    good.write_text("[indicator_settings]\ncp_visit_interval_working_days = 15\n", encoding="utf-8")
    assert read_settings(good).cp_visit_interval_working_days == 15
    bad = tmp_path / "bad.toml"
    bad.write_text("[indicator_settings]\ncp_visit_interval_working_days = 0\nnonsense = 1\n", encoding="utf-8")
    with pytest.raises(DataProblem, match="cp_visit_interval_working_days") as caught:
        read_settings(bad)
    assert "nonsense" in str(caught.value)


# ---------------------------------------------------------------------------------- on the default council
AS_AT = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def year_figures(council_store: Path) -> dict[str, float | None]:
    con = open_store(council_store, read_only=True)
    try:
        results = compute(con, series_periods(AS_AT, 1, "financial-year"))
    finally:
        con.close()
    return {r.indicator.id: r.points[-1].value for r in results}


@pytest.mark.parametrize(("indicator_id", "low", "high"), [
    ("cla_open", 330, 420),  # seed 374
    ("cla_rate_per_10k", 66, 84),  # seed 75 per 10,000
    ("cp_plans_open", 185, 250),  # seed 217
    ("cp_open_over_12m", 1.5, 11),  # seed 12 of 217 = 5.5%
    ("cp_open_2y_plus", 0, 0),  # seed: none
    ("re_referrals_12m", 17, 25),  # about 21%
    ("assessments_within_45wd", 60, 75),
    ("cp_visits_in_time", 88, 96),  # seed 92%
    ("cla_visits_in_time", 89, 97),  # seed 93%
    ("cla_health_assessment_in_date", 82, 94),  # seed 88%
    ("oc2_dental_check", 68, 84),  # seed 76%
    ("cla_pep_in_date", 95, 100),  # seed 100%
    ("sw_average_caseload", 16, 22),  # seed 19
    ("sw_vacancy_rate", 5, 20),  # low teens
    ("sw_agency_rate", 4, 20),  # low teens
])  # fmt: skip
def test_the_engine_lands_near_the_seed_on_the_default_council(
    year_figures: dict[str, float | None], indicator_id: str, low: float, high: float
) -> None:
    value = year_figures[indicator_id]
    assert value is not None and low <= value <= high, f"{indicator_id} = {value}"


def test_drill_down_adds_up_to_the_figure(db: duckdb.DuckDBPyConnection) -> None:
    period = series_periods(AS_AT, 1)[-1]
    results = {r.indicator.id: r.points[-1] for r in compute(db, [period])}
    for indicator_id, point in results.items():
        rows = drill(db, indicator_id, period)
        assert len(rows) == point.units, indicator_id
        assert sum(float(r["numerator"] or 0) for r in rows) == pytest.approx(point.numerator), indicator_id


def test_breakdowns_add_up_to_the_whole(db: duckdb.DuckDBPyConnection) -> None:
    period = series_periods(AS_AT, 1)
    whole = compute(db, period, ids=["cla_open", "cp_visits_in_time"])
    for dimension in ("age_band", "sex", "team"):
        parts = compute(db, period, ids=["cla_open", "cp_visits_in_time"], by=dimension)
        for w, p in zip(whole, parts, strict=True):
            assert sum(x.numerator for x in p.points) == w.points[-1].numerator
            assert sum(x.denominator or 0 for x in p.points) == (w.points[-1].denominator or 0)
            assert len({x.group for x in p.points}) > 1


def test_the_library_documentation_is_generated_from_the_definitions() -> None:
    from cscperf.indicators.library_doc import library_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "indicators.md"
    assert doc.read_text(encoding="utf-8") == library_markdown(), (
        "docs/indicators.md is out of date: run `cscperf kpis list --format markdown > docs/indicators.md`"
    )


def test_fragment_reads_count_a_materialised_fragment_once() -> None:
    """A fragment read only inside another one that is computed into a table is read once (so it is not
    copied into a table of its own), while one the measure and its due fragment both read is read twice."""
    visits = load_library()["cla_visits_in_time"].sql
    reads = fragment_reads([visits], {"cla_visits_in_turn", "cla_visit_placements", "cla_visits_by_placement"})
    assert reads["cla_visits_in_turn"] == 2  # the measure, and the visit due at each period end
    assert reads["cla_visits_by_placement"] == 1  # only inside cla_visits_in_turn, computed once
    assert reads["cla_visit_placements"] == 3  # both halves of the visits' placements, and the children's
    inline = fragment_reads([visits], set())
    assert inline["cla_visits_by_placement"] == 2 and inline["cla_visit_placements"] == 5
