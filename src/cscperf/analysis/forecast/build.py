"""The forecast for one council: read what it needs from the store, check the data can support it, run the
model, cost it, turn it into social workers, backtest it and run the scenarios.

This is the one library function `cscperf forecast`, the committee report and (later) the web view call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from cscperf.analysis.forecast import costs, reading, workforce
from cscperf.analysis.forecast.ages import BAND_LABELS
from cscperf.analysis.forecast.backtest import Backtest, backtest
from cscperf.analysis.forecast.config import ForecastConfig, Scenario
from cscperf.analysis.forecast.groups import GROUPS, PlacementGroup
from cscperf.analysis.forecast.model import ModelRun, run_model
from cscperf.analysis.forecast.panel import Flows, Panel, flows
from cscperf.analysis.forecast.rates import estimate
from cscperf.analysis.forecast.result import (
    ClaMonth,
    CostMonth,
    ForecastResult,
    History,
    RatesSummary,
    ScenarioResult,
)
from cscperf.analysis.forecast.simulate import Adjustments
from cscperf.analysis.forecast.spread import spreads
from cscperf.indicators.settings import IndicatorSettings
from cscperf.reporting_periods import add_months, month_end
from cscperf.store.connection import Connection

BACKTEST_MONTHS = (12, 24)
"""Backtests run from these many months before the forecast's start."""

HISTORY_SHOWN = 24
"""Month ends of actual figures kept with the forecast for charts (at most)."""


def forecast_start(as_at: dt.date) -> dt.date:
    """The month end the forecast runs from: the as-at date when it is a month end, else the month end before."""
    return as_at if month_end(as_at) == as_at else month_end(add_months(as_at.replace(day=1), -1))


def build_forecast(
    con: Connection,
    la_code: str,
    as_at: dt.date,
    config: ForecastConfig | None = None,
    *,
    settings: IndicatorSettings | None = None,
    scenarios: Sequence[Scenario] = (),
    horizon: int | None = None,
    on_step: Callable[[str], None] | None = None,
) -> ForecastResult:
    """The forecast for a council as at a date (or a result saying why there can be none)."""
    config = config or ForecastConfig()
    settings = settings or IndicatorSettings()
    horizon = horizon or config.horizon_months
    scenarios = tuple(config.scenarios) + tuple(scenarios)
    step = on_step or (lambda _: None)
    council = reading.council_data(con, la_code)
    base = ForecastResult(
        la_code,
        council.name if council else la_code,
        as_at,
        horizon,
        seed=config.seed,
        simulations=config.simulations,
        reference_months=config.reference_months,
    )
    start = forecast_start(as_at)
    reason = _why_not(council, as_at, start, config.reference_months)
    if reason is not None:
        return replace(base, reason=reason)
    assert council is not None
    span = council.span_holding(start)
    assert span is not None
    first_usable = month_end(span[0] - dt.timedelta(days=1))
    wanted = max([config.reference_months + max(BACKTEST_MONTHS), *(s.reference_months or 0 for s in scenarios)])
    count = min(wanted, _months_between(first_usable, start)) + 1
    ends = reading.month_ends(start, count)
    panel, placement_notes = reading.cla_panel(con, la_code, ends, settings)
    step("read")
    notes = _data_notes(council, as_at, start, placement_notes)
    origin = len(ends) - 1
    if not np.any(panel.month >= origin - config.reference_months):
        return replace(
            base,
            reason=f"No child was looked after in the {config.reference_months} months to "
            f"{start:%-d %B %Y}, so there is nothing to forecast from.",
        )
    all_flows = flows(panel)
    run = run_model(panel, all_flows, origin, config.reference_months, horizon, config.simulations, config.seed)
    step("model")
    future = [month_end(add_months(start.replace(day=1), k)) for k in range(horizon + 1)]
    result = replace(
        base,
        start=start,
        reference_start=ends[origin - config.reference_months],
        now={g: int(n) for g, n in zip(GROUPS, panel.stock()[origin], strict=True)},
        rates=_rates_summary(all_flows, origin, config.reference_months),
        history=_history(panel, origin),
        cla=_cla_months(run, future),
    )
    result = _costed(con, result, run, future, config, notes)
    step("cost")
    result = _staffed(con, result, run, future, config, settings)
    step("workforce")
    tests = tuple(_backtest(panel, all_flows, origin, m, config) for m in BACKTEST_MONTHS)
    step("backtest")
    ran = tuple(_scenario(panel, all_flows, origin, s, run, result, future, config) for s in scenarios)
    step("scenarios")
    return replace(result, backtests=tests, scenarios=ran, notes=tuple(notes))


def _months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _why_not(council: reading.CouncilData | None, as_at: dt.date, start: dt.date, reference: int) -> str | None:
    """Why the data cannot support a forecast from this date (None when they can)."""
    if council is None:
        return "The store holds no such council."
    if council.episodes == 0 or not set(council.sources) & set(reading.HISTORY_SOURCES) or not council.spans:
        held = ", ".join(_SOURCE_WORDS.get(s, s) for s in council.sources) or "nothing yet"
        return (
            f"The store holds no history of children's care episodes for {council.name} (loaded: {held}). A "
            "forecast needs the SSDA903 returns (or an SSD extract) covering at least the reference period."
        )
    end = council.data_end
    if end is not None and as_at > end:
        return (
            f"The data for {council.name} end on {end:%-d %B %Y}, so there is nothing to forecast from on "
            f"{as_at:%-d %B %Y}. Forecast as at {end:%Y-%m-%d} or earlier."
        )
    span = council.span_holding(start)
    if span is None:
        held = "; ".join(f"{a:%-d %B %Y} to {b:%-d %B %Y}" for a, b in council.spans)
        return f"No episodes of care are loaded for {start:%-d %B %Y} (those loaded cover {held})."
    reference_start = month_end(add_months(start.replace(day=1), -reference))
    if reference_start < span[0] - dt.timedelta(days=1):
        return (
            f"The reference period ({reference} months to {start:%-d %B %Y}) begins before the data do "
            f"({span[0]:%-d %B %Y}). Load earlier returns, choose a later date, or shorten the reference period "
            "([forecast] reference_months)."
        )
    return None


_SOURCE_WORDS = {
    "cin_census": "CIN Census",
    "annex_a": "Ofsted Annex A lists",
    "workforce_census": "workforce census",
    "ssda903": "SSDA903",
    "ssd_extract": "SSD extract",
    "synthetic": "synthetic council",
}


def _data_notes(
    council: reading.CouncilData, as_at: dt.date, start: dt.date, placed: reading.PlacementNotes
) -> list[str]:
    notes = []
    if start != as_at:
        notes.append(f"The forecast runs from {start:%-d %B %Y}, the last month end on or before {as_at:%-d %B %Y}.")
    if council.range_from_episodes:
        notes.append(
            "The store does not record the dates the council's data cover; they were taken from the "
            "episodes of care themselves (from the earliest date an episode ended)."
        )
    if placed.no_placement:
        notes.append(
            f"{_count(placed.no_placement, 'child', 'children')} looked after at the start had no placement "
            f"recorded on the day; {_they(placed.no_placement)} counted as Other."
        )
    if placed.foster_no_provider:
        notes.append(
            f"{_count(placed.foster_no_provider, 'foster placement', 'foster placements')} at the start had no "
            f"provider code; {_they(placed.foster_no_provider)} counted as in-house."
        )
    return notes


def _rates_summary(all_flows: Flows, origin: int, reference: int) -> RatesSummary:
    first, last = origin - reference, origin - 1
    point = estimate(all_flows, first, last)
    seen = all_flows.outcomes[first : last + 1].sum(axis=(0, 1))  # (groups, outcomes)
    exposure = max(float(seen.sum()), 1.0)
    stays = float(np.trace(seen[:, 1:]))
    leaving = float(seen[:, 0].sum())
    return RatesSummary(
        entries_per_month=float(point.entries_per_month[0]),
        leaving_per_month=leaving / exposure * 100.0,
        moving_per_month=(exposure - stays - leaving) / exposure * 100.0,
        turning_18_per_month=float(all_flows.aged_out[first : last + 1].mean()),
    )


def _history(panel: Panel, origin: int) -> History:
    stock = panel.stock()
    first = max(0, origin - HISTORY_SHOWN)
    rows = range(first, origin + 1)
    return History(
        months=tuple(panel.month_ends[m] for m in rows),
        total=tuple(int(stock[m].sum()) for m in rows),
        by_placement={g: tuple(int(stock[m, i]) for m in rows) for i, g in enumerate(GROUPS)},
    )


def _cla_months(run: ModelRun, future: list[dt.date]) -> tuple[ClaMonth, ...]:
    sim = run.simulated
    total = spreads(sim.total[:, 1:])
    by_group = [spreads(sim.by_group[:, 1:, i]) for i in range(len(GROUPS))]
    by_band = [spreads(sim.by_band[:, 1:, b]) for b in range(len(BAND_LABELS))]
    return tuple(
        ClaMonth(
            month=future[t + 1],
            total=total[t],
            by_placement={g: by_group[i][t] for i, g in enumerate(GROUPS)},
            by_age_band={label: by_band[b][t] for b, label in enumerate(BAND_LABELS)},
        )
        for t in range(len(total))
    )


def _costed(
    con: Connection,
    result: ForecastResult,
    run: ModelRun,
    future: list[dt.date],
    config: ForecastConfig,
    notes: list[str],
) -> ForecastResult:
    assert result.start is not None and result.reference_start is not None
    records, unreadable = reading.finance_records(con, result.la_code, result.reference_start, result.start)
    if unreadable:
        notes.append(
            f"{_count(unreadable, 'section 251 finance record', 'section 251 finance records')} had no cost "
            "cscperf could read (s251_placeholder_1 should hold the weekly cost in pounds); "
            f"{'it was' if unreadable == 1 else 'they were'} left out."
        )
    units = costs.unit_costs(config.unit_costs.by_group(), records, notes)
    spend = _spend(run, future, [u.weekly for u in units], config)
    per_group = [spreads(spend[:, :, i]) for i in range(len(GROUPS))]
    months = [
        CostMonth(future[t + 1], total, {g: s[t] for g, s in zip(GROUPS, per_group, strict=True)})
        for t, total in enumerate(spreads(spend.sum(axis=2)))
    ]
    history = result.history
    assert history is not None
    past = np.array([[history.by_placement[g][m] for g in GROUPS] for m in range(len(history.months))])[None]
    past_spend = costs.monthly_spend(
        past,
        history.months,
        [u.weekly for u in units],
        config.unit_costs.annual_uplift / 100.0,
        costs.price_base(config.unit_costs.price_year),
    )[0].sum(axis=1)
    return replace(
        result,
        spend_history=tuple((m, float(v)) for m, v in zip(history.months[1:], past_spend, strict=True)),
        unit_costs=tuple(units),
        price_year=config.unit_costs.price_year,
        annual_uplift=config.unit_costs.annual_uplift,
        cost=tuple(months),
        cost_years=tuple(costs.yearly(spend, future)),
    )


def _spend(run: ModelRun, future: list[dt.date], weekly: list[float], config: ForecastConfig) -> np.ndarray:
    return costs.monthly_spend(
        run.simulated.by_group,
        future,
        weekly,
        config.unit_costs.annual_uplift / 100.0,
        costs.price_base(config.unit_costs.price_year),
    )


def _staffed(
    con: Connection,
    result: ForecastResult,
    run: ModelRun,
    future: list[dt.date],
    config: ForecastConfig,
    settings: IndicatorSettings,
) -> ForecastResult:
    assert result.start is not None
    ends = reading.month_ends(result.start, config.reference_months + 1)
    data = reading.caseload_data(con, result.la_code, ends, settings)
    if data is None:
        return replace(
            result,
            workforce_reason="The store holds no allocations of cases to social workers "
            "(ssd_involvements), so case-holding demand cannot be measured.",
        )
    now = reading.workforce_now(con, result.la_code, result.start, settings)
    if not now.fte_in_post or not data.children_allocated[-1]:
        return replace(
            result,
            workforce_reason=f"No qualified social worker held a case on {result.start:%-d %B %Y}, "
            "so caseloads cannot be measured.",
        )
    inputs = _workforce_inputs(con, result, data, now, config, settings)
    case_flows = flows(data.panel)
    others = run_model(
        data.panel,
        case_flows,
        len(ends) - 1,
        config.reference_months,
        len(future) - 1,
        config.simulations,
        config.seed + 1,
    )
    children = others.simulated.total + run.simulated.total * inputs.looked_after_allocated
    cases = children * inputs.cases_per_child
    target = inputs.caseload_target.value
    return replace(
        result,
        workforce=tuple(workforce.plan(cases, future, inputs)),
        workforce_inputs=inputs,
        fte_needed_history=tuple((m, n / target) for m, n in zip(ends, data.cases, strict=True)),
    )


def _workforce_inputs(
    con: Connection,
    result: ForecastResult,
    data: reading.CaseloadData,
    now: reading.WorkforceNow,
    config: ForecastConfig,
    settings: IndicatorSettings,
) -> workforce.WorkforceInputs:
    assert result.start is not None and now.fte_in_post is not None
    chosen = config.workforce
    measured = reading.workforce_rates(con, result.la_code, result.start, settings)
    looked_after = max(result.now_total, 1)
    target = (
        workforce.Setting(chosen.caseload_target, "your configuration ([forecast.workforce])")
        if chosen.caseload_target is not None
        else workforce.Setting(
            settings.caseload_target, "[indicator_settings] caseload_target (default 20, the seed report's target)"
        )
    )
    return workforce.WorkforceInputs(
        caseload_target=target,
        fte_in_post=now.fte_in_post,
        turnover_rate=_rate(
            chosen.turnover_rate,
            measured.turnover,
            workforce.ENGLAND_TURNOVER,
            "the council's turnover in the 12 months to the start",
        ),
        vacancy_rate=_rate(
            chosen.vacancy_rate, measured.vacancy, workforce.ENGLAND_VACANCY, "the council's vacancy rate at the start"
        ),
        months_to_recruit=_recruiting(chosen.months_to_recruit, now.refill_days),
        cases_per_child=data.cases[-1] / data.children_allocated[-1],
        looked_after_allocated=min(data.looked_after_allocated[-1] / looked_after, 1.0),
        funded_posts_fte=now.funded_posts_fte,
    )


def _rate(configured: float | None, measured: float | None, england: float, words: str) -> workforce.Setting:
    if configured is not None:
        return workforce.Setting(configured, "your configuration ([forecast.workforce])")
    if measured is not None:
        return workforce.Setting(measured, words)
    return workforce.Setting(england, f"{workforce.ENGLAND_SOURCE} (the store holds no figure for the council)")


def _recruiting(configured: float | None, refill_days: list[int]) -> workforce.Setting:
    if configured is not None:
        return workforce.Setting(configured, "your configuration ([forecast.workforce])")
    measured = workforce.months_to_recruit(refill_days)
    if measured is not None:
        return workforce.Setting(
            measured,
            f"the council's median time to refill a post ({len(refill_days)} posts refilled in the last 24 months)",
        )
    return workforce.Setting(
        workforce.DEFAULT_MONTHS_TO_RECRUIT,
        "an assumption (no published figure; too few refilled posts in the store to measure it)",
    )


def _backtest(panel: Panel, all_flows: Flows, origin: int, months_back: int, config: ForecastConfig) -> Backtest:
    tested = backtest(panel, all_flows, origin, months_back, config.reference_months, config.simulations, config.seed)
    if tested.reason is not None:
        need = months_back + config.reference_months
        return replace(
            tested,
            reason=f"Not available: a backtest from {months_back} months back needs {need} "
            "months of data before the start, and the store holds fewer.",
        )
    return tested


def _scenario(
    panel: Panel,
    all_flows: Flows,
    origin: int,
    scenario: Scenario,
    baseline: ModelRun,
    result: ForecastResult,
    future: list[dt.date],
    config: ForecastConfig,
) -> ScenarioResult:
    reference = scenario.reference_months or config.reference_months
    if origin - reference < 0:
        return ScenarioResult(
            scenario, reason=f"Not available: the store holds fewer than {reference} months of data before the start."
        )
    adjust = Adjustments(
        entry_multiplier=1.0 + scenario.entry_rate_change / 100.0,
        redirect_share=scenario.residential_to_fostering / 100.0,
        redirect_from=PlacementGroup.RESIDENTIAL.position,
        redirect_to=PlacementGroup(scenario.fostering_group).position,
        step_down_months=scenario.step_down_months,
    )
    run = run_model(panel, all_flows, origin, reference, baseline.horizon, config.simulations, config.seed, adjust)
    weekly = [u.weekly for u in result.unit_costs]
    spend, base_spend = _spend(run, future, weekly, config), _spend(baseline, future, weekly, config)
    per_year, total = costs.year_differences(spend, base_spend, future)
    years = costs.yearly(spend, future)
    return ScenarioResult(
        scenario=scenario,
        cla=tuple(spreads(run.simulated.total[:, 1:])),
        by_placement_end={g: s for g, s in zip(GROUPS, spreads(run.simulated.by_group[:, -1, :]), strict=True)},
        spend_years=tuple((y.label, y.months, y.total) for y in years),
        difference_years=tuple(per_year),
        difference_total=total,
    )


def _count(n: int, one: str, many: str) -> str:
    """ "1 child", "2 children": a count with its noun, in plain English."""
    return f"{n:,} {one if n == 1 else many}"


def _they(n: int) -> str:
    return "it is" if n == 1 else "they are"
