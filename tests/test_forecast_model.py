"""The forecast's model on hand-built histories: flows counted by hand, known rates given back, a steady state
that stays steady, ageing out at 18, intervals that widen, scenarios, common random numbers, and backtests."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import poisson

from cscperf.analysis.forecast.ages import AGE_BANDS, UNKNOWN_BAND, band_of
from cscperf.analysis.forecast.backtest import backtest, mape, trend_line
from cscperf.analysis.forecast.groups import PlacementGroup, group_index_sql, group_of
from cscperf.analysis.forecast.model import run_model
from cscperf.analysis.forecast.panel import CLA_SCHEME, flows
from cscperf.analysis.forecast.rates import PRIOR_CHILD_MONTHS, RateDraws, estimate
from cscperf.analysis.forecast.simulate import Adjustments, arrivals, hashed_uniform, poisson_quantiles, simulate
from cscperf.analysis.forecast.spread import spreads
from cscperf.loading.code_lists import PLACEMENT_TYPES

from .forecast_history import constant_rates, panel_from, steady_fostering, two_groups

FOSTER, INDEPENDENT, KINSHIP, RESIDENTIAL, SUPPORTED, PARENTS, OTHER = range(7)


# ---------------------------------------------------------------- placement groups and age bands


@pytest.mark.parametrize(
    ("place", "provider", "group"),
    [
        ("U4", "PR1", PlacementGroup.FOSTERING_IN_HOUSE),
        ("U6", "PR2", PlacementGroup.FOSTERING_IN_HOUSE),  # another council's carers: public, so in-house
        ("U5", None, PlacementGroup.FOSTERING_IN_HOUSE),  # no provider recorded
        ("U6", "PR4", PlacementGroup.FOSTERING_INDEPENDENT),
        ("u4", " pr5 ", PlacementGroup.FOSTERING_INDEPENDENT),  # case and spaces as councils send them
        ("U1", "PR4", PlacementGroup.KINSHIP),
        ("U3", None, PlacementGroup.KINSHIP),
        ("K2", "PR4", PlacementGroup.RESIDENTIAL),
        ("S1", "PR3", PlacementGroup.RESIDENTIAL),
        ("K3", "PR4", PlacementGroup.SUPPORTED_ACCOMMODATION),
        ("H5", "PR4", PlacementGroup.SUPPORTED_ACCOMMODATION),
        ("P2", None, PlacementGroup.SUPPORTED_ACCOMMODATION),
        ("P1", "PR0", PlacementGroup.PLACED_WITH_PARENTS),
        ("A5", "PR1", PlacementGroup.OTHER),
        ("R3", "PR1", PlacementGroup.OTHER),
        ("Z11", None, PlacementGroup.OTHER),
        (None, None, PlacementGroup.OTHER),
    ],
)
def test_placement_codes_map_to_the_issues_groups(
    place: str | None, provider: str | None, group: PlacementGroup
) -> None:
    assert group_of(place, provider) == group


@settings(max_examples=60, deadline=None)
@given(
    place=st.sampled_from([*PLACEMENT_TYPES, "u4", " K2", "XX", ""]) | st.none(),
    provider=st.sampled_from(["PR0", "PR1", "PR2", "PR3", "PR4", "PR5", "pr4", "", "??"]) | st.none(),
)
def test_sql_and_python_group_placements_alike(place: str | None, provider: str | None) -> None:
    import duckdb

    con = duckdb.connect()
    sql = f"SELECT {group_index_sql('p', 'q')} FROM (SELECT CAST(? AS VARCHAR) AS p, CAST(? AS VARCHAR) AS q)"
    (index,) = con.execute(sql, [place, provider]).fetchall()[0]
    assert index == group_of(place, provider).position


def test_age_bands_are_the_dfes_and_unknown_ages_have_their_own() -> None:
    ages = np.array([0, 11, 12, 59, 60, 119, 120, 191, 192, 215, -1])
    assert band_of(ages).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, UNKNOWN_BAND]
    assert [label for label, _, _ in AGE_BANDS] == ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and 17"]


# ---------------------------------------------------------------- flows counted by hand


def test_flows_between_month_ends_are_counted_as_worked_by_hand() -> None:
    # (month, child, age, group). Three month ends, 0, 1, 2.
    rows = [
        (0, 1, 100, FOSTER),
        (1, 1, 101, FOSTER),
        (2, 1, 102, FOSTER),  # stays twice (band 5 to 9)
        (0, 2, 130, FOSTER),
        (1, 2, 131, RESIDENTIAL),  # moves, then leaves care (band 10 to 15)
        (0, 3, 215, RESIDENTIAL),  # 17 years 11 months: turns 18, so leaves; not at risk of leaving otherwise
        (1, 4, 12, KINSHIP),
        (2, 4, 13, KINSHIP),  # comes into care aged 12 months, stays (band 1 to 4)
        (0, 5, -1, OTHER),
        (1, 5, -1, OTHER),
        (2, 5, -1, OTHER),  # age not recorded: its own band
    ]
    f = flows(panel_from(rows, 3))
    assert f.outcomes.shape == (2, 6, 7, 8)  # transitions, bands (5 + unknown), groups, outcomes (left + 7)
    expected = {
        (0, 2, FOSTER, 1 + FOSTER): 1,  # child 1 stayed
        (0, 3, FOSTER, 1 + RESIDENTIAL): 1,  # child 2 moved
        (0, UNKNOWN_BAND, OTHER, 1 + OTHER): 1,  # child 5 stayed
        (1, 2, FOSTER, 1 + FOSTER): 1,  # child 1 stayed
        (1, 3, RESIDENTIAL, 0): 1,  # child 2 left care
        (1, 1, KINSHIP, 1 + KINSHIP): 1,  # child 4 stayed
        (1, UNKNOWN_BAND, OTHER, 1 + OTHER): 1,  # child 5 stayed
    }
    found = {tuple(int(i) for i in idx): int(f.outcomes[idx]) for idx in zip(*np.nonzero(f.outcomes), strict=True)}
    assert found == expected
    assert f.aged_out.tolist() == [1, 0]  # child 3, in the first month
    assert (f.entry_transition.tolist(), f.entry_age.tolist(), f.entry_group.tolist()) == ([0], [12], [KINSHIP])
    assert f.exposure()[0].sum() == 3 and f.exposure()[1].sum() == 4  # child 3 is not at risk


def test_a_history_whose_rates_are_known_gives_them_back() -> None:
    panel = two_groups(months=25)
    f = flows(panel)
    point = estimate(f, 0, 23)
    band = 2  # everyone is 5 to 9
    # Raw counts over the 24 months. Fostering: 100 x 24 = 2,400 child-months; 5 x 24 = 120 left, 2 x 24 = 48
    # moved to residential, 2,400 - 168 = 2,232 stayed. Residential: 20 x 24 = 480; 48 left, 432 stayed.
    assert f.outcomes[:, band, FOSTER].sum(axis=0).tolist() == [120, 2232, 0, 0, 48, 0, 0, 0]
    assert f.outcomes[:, band, RESIDENTIAL].sum(axis=0).tolist() == [48, 0, 0, 0, 432, 0, 0, 0]
    assert point.entries_per_month[0] == 7.0
    # Every child is in one band, so the prior of PRIOR_CHILD_MONTHS child-months moves the rates by less than
    # (12 / 2,400)^2 for fostering and (12 / 480)^2 for residential.
    leaving, moving = point.leaving()[0, band], point.moving()[0, band]
    assert leaving[FOSTER] == pytest.approx(5 / 100, abs=2e-4)
    assert point.outcome[0, band, FOSTER, 1 + RESIDENTIAL] == pytest.approx(2 / 100, abs=2e-4)
    assert moving[FOSTER] == pytest.approx(2 / 100, abs=2e-4)
    assert leaving[RESIDENTIAL] == pytest.approx(2 / 20, abs=1e-3)
    assert moving[RESIDENTIAL] == pytest.approx(0.0, abs=1e-3)
    assert PRIOR_CHILD_MONTHS == 12
    # each cell's chances add up to 1
    assert np.allclose(point.outcome.sum(axis=-1), 1.0)


def test_a_cell_never_seen_borrows_its_groups_behaviour_at_all_ages() -> None:
    point = estimate(flows(two_groups(months=25)), 0, 23)
    # Nobody under 1 was in foster care: that cell behaves as fostering does at all ages.
    assert point.exposure[0, 0, FOSTER] == 0
    assert point.leaving()[0, 0, FOSTER] == pytest.approx(point.leaving()[0, 2, FOSTER], abs=1e-3)


# ---------------------------------------------------------------- the simulation


def _frozen(runs: int = 20) -> RateDraws:
    """Rates under which nobody moves, leaves or comes in."""
    outcome = np.zeros((runs, 6, 7, 8))
    for g in range(7):
        outcome[:, :, g, 1 + g] = 1.0
    none = np.zeros(0, dtype=np.int64)
    return RateDraws(
        outcome, np.zeros(runs), np.zeros((runs, 0)), np.zeros(1, dtype=np.int64), none, none, np.zeros((runs, 6, 7))
    )


def test_a_17_year_old_leaves_care_at_18_and_children_move_up_a_band_on_their_birthday() -> None:
    ages = np.array([214, 11, 191, -1])  # 17y10m, 11 months, 15y11m, not recorded
    groups = np.array([RESIDENTIAL, FOSTER, FOSTER, OTHER])
    sim = simulate(ages, groups, _frozen(), 3, CLA_SCHEME, seed=1)
    totals = sim.total
    assert (totals[:, 0] == 4).all() and (totals[:, 1] == 4).all()  # 215 months at month 1: still in care
    assert (totals[:, 2] == 3).all() and (totals[:, 3] == 3).all()  # 216 months at month 2: left at 18
    assert (sim.by_group[:, 2, RESIDENTIAL] == 0).all()
    under_1, one_to_4, ten_to_15, sixteen_17 = 0, 1, 3, 4
    assert (sim.by_band[:, 0, under_1] == 1).all() and (sim.by_band[:, 1, one_to_4] == 1).all()
    assert (sim.by_band[:, 0, ten_to_15] == 1).all() and (sim.by_band[:, 1, sixteen_17] == 2).all()
    assert (sim.by_band[:, 3, UNKNOWN_BAND] == 1).all()  # never aged


def test_an_entrant_aged_17_years_11_months_leaves_the_next_month() -> None:
    draws = _frozen(runs=5)
    # one reference month with one entrant, aged 215 months, in kinship care; 3 such entrants a month
    draws = RateDraws(
        draws.outcome,
        np.full(5, 3.0),
        np.ones((5, 1)),
        np.array([0, 1]),
        np.array([215]),
        np.array([KINSHIP]),
        draws.exposure,
    )
    sim = simulate(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), draws, 4, CLA_SCHEME, seed=3)
    # each month's arrivals are there at its end and gone at the next: the count never builds up
    assert np.array_equal(sim.by_group[:, 1:, KINSHIP], arrivals(draws, 4, 1.0, seed=3))
    assert (sim.total[:, 0] == 0).all()


def test_a_steady_state_stays_steady() -> None:
    panel = steady_fostering(months=25, stock=100, turnover=5)
    run = run_model(panel, flows(panel), 24, 24, 24, runs=400, seed=7)
    totals = run.simulated.total
    assert (totals[:, 0] == 100).all()
    for month in (6, 12, 24):
        central = spreads(totals[:, month : month + 1])[0]
        assert central.p10 < 100 < central.p90
        assert abs(central.p50 - 100) <= 4
        assert abs(totals[:, month].mean() - 100) <= 2


def test_intervals_widen_with_the_horizon() -> None:
    panel = constant_rates(seed=11, months=37)
    run = run_model(panel, flows(panel), 36, 24, 36, runs=500, seed=5)
    s = spreads(run.simulated.total)
    width80 = [s[m].p90 - s[m].p10 for m in (1, 6, 12, 24, 36)]
    width95 = [s[m].p97_5 - s[m].p2_5 for m in (1, 6, 12, 24, 36)]
    assert width80 == sorted(width80) and width80[0] < width80[-1]
    assert width95 == sorted(width95) and width95[0] < width95[-1]
    assert all(w95 >= w80 for w80, w95 in zip(width80, width95, strict=True))


def test_the_same_seed_gives_the_same_forecast_and_another_seed_another() -> None:
    panel = two_groups(months=25)
    f = flows(panel)
    a = run_model(panel, f, 24, 24, 12, runs=200, seed=3).simulated.by_group
    b = run_model(panel, f, 24, 24, 12, runs=200, seed=3).simulated.by_group
    c = run_model(panel, f, 24, 24, 12, runs=200, seed=4).simulated.by_group
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_a_scenario_meets_the_baselines_luck() -> None:
    panel = two_groups(months=25)
    f = flows(panel)
    base = run_model(panel, f, 24, 24, 24, runs=300, seed=9).simulated.total
    same = run_model(panel, f, 24, 24, 24, runs=300, seed=9, adjust=Adjustments()).simulated.total
    assert np.array_equal(base, same)  # a scenario that changes nothing changes nothing, run by run
    fewer = run_model(panel, f, 24, 24, 24, runs=300, seed=9, adjust=Adjustments(entry_multiplier=0.5)).simulated
    difference = fewer.total[:, -1] - base[:, -1]
    assert difference.mean() < -30  # 3.5 fewer a month for 24 months, less those who would have left
    # paired runs: the difference varies far less than the forecast itself does
    assert difference.std() < 0.5 * base[:, -1].std()


def test_residential_to_fostering_moves_children_out_of_residential() -> None:
    panel = two_groups(months=25)
    f = flows(panel)
    base = run_model(panel, f, 24, 24, 24, runs=300, seed=2).simulated.by_group
    shift = Adjustments(redirect_share=0.5, redirect_from=RESIDENTIAL, redirect_to=FOSTER, step_down_months=12)
    shifted = run_model(panel, f, 24, 24, 24, runs=300, seed=2, adjust=shift).simulated.by_group
    assert np.median(shifted[:, -1, RESIDENTIAL]) < 0.7 * np.median(base[:, -1, RESIDENTIAL])
    assert np.median(shifted[:, -1, FOSTER]) > np.median(base[:, -1, FOSTER])
    assert (shifted[:, 0] == base[:, 0]).all()  # the same children at the start


# ---------------------------------------------------------------- randomness


def test_poisson_quantiles_match_scipy() -> None:
    rng = np.random.default_rng(0)
    means = np.array([0.0, 0.4, 3.0, 40.0, 300.0])
    uniforms = rng.random((5, 200))
    ours = poisson_quantiles(uniforms, means)
    assert (ours[0] == 0).all()
    for r in range(1, 5):
        assert ours[r].tolist() == poisson.ppf(uniforms[r], means[r]).astype(int).tolist()


def test_hashed_uniforms_are_repeatable_and_look_uniform() -> None:
    keys = np.arange(200_000, dtype=np.uint64)
    u = hashed_uniform(keys)
    assert np.array_equal(u, hashed_uniform(keys))
    assert (u >= 0).all() and (u < 1).all()
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    assert len(np.unique(u)) == len(u)


# ---------------------------------------------------------------- backtests


def test_mape_and_trend_are_worked_out_as_by_hand() -> None:
    # |110 - 100| / 100 = 10%, |90 - 100| / 100 = 10%, |200 - 100| / 200 = 50%: mean 23.33%
    assert mape(np.array([100, 100, 200]), np.array([110, 90, 100])) == pytest.approx(70 / 3)
    assert mape(np.array([0, 0]), np.array([1, 2])) is None  # no month to divide by
    assert trend_line(np.array([10.0, 12.0, 14.0]), 2).tolist() == pytest.approx([16.0, 18.0])
    assert trend_line(np.array([5.0, 3.0, 1.0]), 2).tolist() == [0.0, 0.0]  # never below 0


def test_the_backtest_of_a_council_whose_rates_do_not_change_beats_no_change() -> None:
    panel = constant_rates(seed=2018, months=61)
    f = flows(panel)
    for months_back in (12, 24):
        b = backtest(panel, f, 60, months_back, 24, runs=400, seed=18)
        assert b.total is not None and b.total.mape is not None and b.total.naive_mape is not None
        assert b.total.mape < b.total.naive_mape, months_back
        assert len(b.series) == months_back
        assert 0 <= (b.total.coverage_80 or 0) <= (b.total.coverage_95 or 0) <= 100


def test_a_backtest_without_enough_history_says_so() -> None:
    panel = constant_rates(seed=1, months=30)
    b = backtest(panel, flows(panel), 29, 12, 24, runs=50, seed=1)
    assert b.total is None and b.reason


def test_backtests_that_could_not_run_are_said_in_one_plain_sentence() -> None:
    """The reasons join into one sentence: no second "Not available:" inside it, no ".;" or "..".)"""
    from cscperf.analysis.forecast.words import backtests_summary

    reasons = ("Not available: a backtest from 12 months back needs 36 months of data before the start, and the "
               "store holds fewer.", "Not available: SSDA903 returns are missing for 2019-20.")  # fmt: skip
    result = type("R", (), {"backtests": [type("B", (), {"total": None, "reason": r})() for r in reasons]})()
    text = backtests_summary(result)  # type: ignore[arg-type]
    expected = (
        "The forecast could not be backtested: SSDA903 returns are missing for 2019-20; a backtest from 12 months "
        "back needs 36 months of data before the start, and the store holds fewer."
    )
    assert text == expected


def test_the_ranges_hold_the_outcome_about_as_often_as_they_say() -> None:
    # 20 councils whose rates are known and never change (each its own random history): forecast 12 months
    # ahead from month 36 and count how often the actual number falls inside each range. With these seeds: 17 of
    # 20 inside the 80% ranges and 20 of 20 inside the 95% ranges (a little cautious, as bootstrap ranges that
    # carry the rates' own uncertainty tend to be). Far from 80% or 95% would mean dishonest ranges.
    inside80 = inside95 = 0
    for seed in range(20):
        panel = constant_rates(seed=seed, months=49, start_stock=300, entries=12.0, leaving=0.03)
        actual = panel.stock().sum(axis=1)[48]
        s = spreads(run_model(panel, flows(panel), 36, 24, 12, runs=200, seed=seed).simulated.total)[12]
        inside80 += s.contains(actual, 80)
        inside95 += s.contains(actual, 95)
    assert 13 <= inside80 <= 19  # 65% to 95%
    assert inside95 >= 17
