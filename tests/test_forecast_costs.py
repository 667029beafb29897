"""Placement spend, social workers needed and the forecast's settings, each worked out by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from cscperf.analysis.forecast.config import (
    ForecastConfig,
    Scenario,
    UnitCostConfig,
    read_forecast_config,
    read_scenarios,
)
from cscperf.analysis.forecast.costs import (
    DEFAULT_UNIT_COSTS,
    RESIDENTIAL_FLOOR,
    CostRecord,
    monthly_spend,
    price_base,
    unit_costs,
    year_differences,
    yearly,
)
from cscperf.analysis.forecast.groups import GROUPS, PlacementGroup
from cscperf.analysis.forecast.workforce import Setting, WorkforceInputs, months_to_recruit, plan
from cscperf.errors import DataProblem

RES = PlacementGroup.RESIDENTIAL
ENDS = [dt.date(2026, 10, 31), dt.date(2026, 11, 30), dt.date(2026, 12, 31)]


def _counts(residential: list[int], runs: int = 1) -> np.ndarray:
    out = np.zeros((runs, len(residential), len(GROUPS)), dtype=np.int64)
    out[:, :, RES.position] = residential
    return out


def test_monthly_spend_is_children_times_weekly_cost_times_weeks() -> None:
    weekly = [0.0] * 7
    weekly[RES.position] = 7000.0
    # 2 children at the end of October and of November: November (30 days) costs 2 x 7,000 x 30 / 7 = 60,000.
    # 2 then 4 at the ends of November and December: December averages 3, 3 x 7,000 x 31 / 7 = 93,000.
    spend = monthly_spend(_counts([2, 2, 4]), ENDS, weekly, 0.0, price_base("2026-27"))
    assert spend[0, :, RES.position].tolist() == pytest.approx([60_000.0, 93_000.0])
    # A 10% a year uplift from 30 September 2025 (middle of 2025-26) to 15 November 2026 (411 days)
    uplifted = monthly_spend(_counts([2, 2, 4]), ENDS, weekly, 0.10, price_base("2025-26"))
    assert uplifted[0, 0, RES.position] == pytest.approx(60_000 * 1.1 ** (411 / 365.25))


def test_spend_by_financial_year_keeps_part_years_apart() -> None:
    ends = [dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]
    spend = np.ones((4, 3, 7))  # 4 runs, 3 months (Feb, Mar, Apr), £1 a month in each group
    years = yearly(spend, ends)
    assert [(y.label, y.months, y.whole) for y in years] == [("2026-27", 2, False), ("2027-28", 1, False)]
    assert years[0].total.p50 == 14.0 and years[1].total.p50 == 7.0
    per_year, total = year_differences(spend * 0.5, spend, ends)
    assert [(label, months, d.p50) for label, months, d in per_year] == [("2026-27", 2, -7.0), ("2027-28", 1, -3.5)]
    assert total.p50 == -10.5


def test_unit_costs_come_from_configuration_then_finance_records_then_the_published_default() -> None:
    records = [CostRecord(PlacementGroup.FOSTERING_INDEPENDENT, 900.0 + 100 * n, 30) for n in range(5)]
    records += [CostRecord(PlacementGroup.KINSHIP, 400.0, 30)] * 4  # too few to use
    notes: list[str] = []
    configured = {g: None for g in GROUPS} | {PlacementGroup.FOSTERING_IN_HOUSE: 600.0}
    costs = {u.group: u for u in unit_costs(configured, records, notes)}
    assert (
        costs[PlacementGroup.FOSTERING_IN_HOUSE].weekly == 600
        and costs[PlacementGroup.FOSTERING_IN_HOUSE].kind == "configured"
    )
    independent = costs[PlacementGroup.FOSTERING_INDEPENDENT]
    assert (independent.weekly, independent.kind) == (1100.0, "finance_records")  # mean of 900..1,300, same days
    assert costs[PlacementGroup.KINSHIP].kind == "published_default"
    assert costs[RES].weekly == DEFAULT_UNIT_COSTS[RES][0] == 7385.0 and "2024-25" in costs[RES].source
    assert not notes


def test_finance_records_below_the_residential_floor_are_raised_to_it_and_said_so() -> None:
    records = [CostRecord(RES, 2500.0, 10)] * 5
    notes: list[str] = []
    costs = {u.group: u for u in unit_costs({}, records, notes)}
    assert costs[RES].weekly == RESIDENTIAL_FLOOR == 3000.0
    assert notes and "£2,500" in notes[0] and "£3,000" in notes[0]


def test_a_configured_residential_cost_below_3000_a_week_is_refused() -> None:
    with pytest.raises(ValueError, match="below the £3,000 floor"):
        UnitCostConfig(residential=2900)
    assert UnitCostConfig(residential=3000).residential == 3000


def _inputs(turnover: float = 12.0, lead: float = 2.0, vacancy: float = 20.0) -> WorkforceInputs:
    return WorkforceInputs(
        caseload_target=Setting(20, "test"),
        fte_in_post=10.0,
        turnover_rate=Setting(turnover, "test"),
        vacancy_rate=Setting(vacancy, "test"),
        months_to_recruit=Setting(lead, "test"),
        cases_per_child=1.0,
        looked_after_allocated=1.0,
        funded_posts_fte=12.0,
    )


def test_social_workers_needed_and_recruits_worked_by_hand() -> None:
    ends = [dt.date(2026, 10, 31) + dt.timedelta(days=31 * k) for k in range(5)]
    cases = np.full((100, 5), 200.0)  # 200 cases: 10 FTE at a caseload of 20, every month, every run
    months = plan(cases, ends, _inputs())
    leave = 1 - 0.88 ** (1 / 12)  # 12% a year: 1.0596% a month
    assert leave == pytest.approx(0.010596, abs=1e-6)
    # months 1 and 2: nobody can start yet (2 months to recruit); in post falls by the leaving rate
    assert [m.fte_in_post_without_recruiting for m in months] == pytest.approx(
        [10 * (1 - leave) ** t for t in range(1, 5)]
    )
    assert months[0].fte_in_post_with_recruiting == pytest.approx(10 * (1 - leave))
    assert months[1].gap_to_cover == pytest.approx(10 - 10 * (1 - leave) ** 2)
    # month 3: starters fill the gap: 10 - 10 x (1 - leave)^3 = 0.3144 FTE; then each month replaces leavers
    assert months[2].starters_needed == pytest.approx(10 - 10 * (1 - leave) ** 3)
    assert months[2].fte_in_post_with_recruiting == pytest.approx(10.0)
    assert months[3].starters_needed == pytest.approx(10 * leave)
    # recruiting starts 2 months ahead of each start; month 1's is month 3's starters
    assert months[0].recruitment_to_start == pytest.approx(months[2].starters_needed)
    assert months[3].recruitment_to_start is None  # beyond the horizon
    assert months[0].fte_needed.p50 == 10.0
    assert months[0].funded_posts_needed == pytest.approx(10 / 0.8)  # 20% of posts vacant


def test_time_to_recruit_is_the_median_refill_when_enough_posts_were_refilled() -> None:
    assert months_to_recruit([30, 60, 90]) is None  # too few to say
    assert months_to_recruit([30, 60, 91.3125 * 1, 120, 150]) == pytest.approx(91.3125 / (365.25 / 12))
    assert math.isclose(months_to_recruit([61] * 5) or 0, 61 / 30.4375)


def test_scenario_files_are_read_and_explained(tmp_path: Path) -> None:
    good = tmp_path / "scenarios.toml"
    good.write_text(
        '[[scenario]]\nname = "Ten per cent fewer"\nentry_rate_change = -10\n\n'
        '[[scenario]]\nname = "Step down"\nresidential_to_fostering = 20\nfostering_group = "fostering_independent"\n',
        encoding="utf-8",
    )
    fewer, step = read_scenarios(good)
    assert fewer.describe() == "10% fewer children coming into care"
    assert "20% of residential placements made in fostering (independent) instead" in step.describe()
    for text, words in (
        ('[[scenario]]\nname = "x"\n', "must change something"),
        ('[[scenario]]\nname = "x"\nentry_rate_chnage = 5\n', "scenario 1.entry_rate_chnage: not a setting"),
        ('[[scenario]]\nname = "x"\nentry_rate_change = -95\n', "greater than or equal to -90"),
        ("[options]\nx = 1\n", "[[scenario]] table"),
        ("name = ", "not valid TOML"),
    ):
        bad = tmp_path / "bad.toml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(DataProblem, match=words.replace("[", r"\[").replace("]", r"\]")):
            read_scenarios(bad)


def test_the_forecast_table_of_cscperf_toml(tmp_path: Path) -> None:
    assert read_forecast_config(None) == (ForecastConfig(), {})
    path = tmp_path / "cscperf.toml"
    path.write_text(
        "[indicator_settings]\ncaseload_target = 18\n\n[forecast]\nsimulations = 200\n\n[forecast.unit_costs]\n"
        "residential = 6000\nannual_uplift = 3\n\n[forecast.workforce]\nturnover_rate = 15\n\n[[forecast.scenarios]]\n"
        'name = "Fewer"\nentry_rate_change = -5\n',
        encoding="utf-8",
    )
    config, settings = read_forecast_config(path)
    assert config.simulations == 200 and config.unit_costs.residential == 6000 and config.workforce.turnover_rate == 15
    assert config.scenarios == (Scenario(name="Fewer", entry_rate_change=-5),)
    assert settings == {"caseload_target": 18}
    path.write_text("[forecast.unit_costs]\nresidential = 2000\n", encoding="utf-8")
    with pytest.raises(DataProblem, match=r"forecast\.unit_costs\.residential: .*floor"):
        read_forecast_config(path)
