"""The report's "Looking ahead" section: the forecast of children in care, placement spend and social workers
needed, its backtest in a sentence, any scenarios, and three fan charts; or, when the data cannot support a
forecast, why not.

Counts of children now in each placement group are member-facing and small ones are withheld (the disclosure
policy); so are forecast figures below the threshold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cscperf.analysis.forecast import build_forecast
from cscperf.analysis.forecast.config import ForecastConfig
from cscperf.analysis.forecast.groups import GROUPS
from cscperf.analysis.forecast.result import ForecastResult
from cscperf.analysis.forecast.spread import Spread
from cscperf.analysis.forecast.words import (
    backtest_one_sentence,
    cla_sentence,
    placement_sentence,
    scenario_sentence,
    spend_sentence,
    unit_costs_sentence,
    whole,
    workforce_sentence,
)
from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy, suppress_breakdown
from cscperf.indicators.settings import IndicatorSettings
from cscperf.report.forecast_charts import FanChart
from cscperf.store.connection import Connection

SECTION_ID = "forecast"
SECTION_TITLE = "Looking ahead: children in care, placement costs and social workers"


@dataclass(frozen=True)
class ForecastSection:
    """What the report shows of the forecast."""

    result: ForecastResult
    paragraphs: tuple[str, ...]
    charts: tuple[FanChart, ...]
    placement_headers: tuple[str, ...]
    placement_rows: tuple[tuple[str, ...], ...]


def forecast_section(
    con: Connection,
    la_code: str,
    as_at: dt.date,
    config: ForecastConfig,
    settings: IndicatorSettings,
    policy: DisclosurePolicy = DEFAULT_POLICY,
) -> ForecastSection:
    """Run the forecast and shape it for the report."""
    result = build_forecast(con, la_code, as_at, config, settings=settings)
    if not result.available:
        text = f"A forecast is not available: {result.reason}"
        return ForecastSection(result, (text,), (), (), ())
    headers, rows = _placement_table(result, policy)
    return ForecastSection(result, _paragraphs(result), _charts(result), headers, rows)


def _paragraphs(r: ForecastResult) -> tuple[str, ...]:
    out = [
        "This section looks ahead three years. It is a forecast, not a target: it shows where the numbers are "
        "heading if children keep coming into care, moving and leaving as they have recently, and how sure that "
        "is. The shaded bands on the charts are the ranges the outcome is expected to fall in 8 times in 10 "
        "(darker) and 19 times in 20 (lighter); they widen the further ahead they look.",
        f"{cla_sentence(r)} {placement_sentence(r)}",
    ]
    spend = spend_sentence(r)
    if spend:
        out.append(f"{spend} {unit_costs_sentence(r)}")
    staff = workforce_sentence(r)
    out.append(staff if staff else f"Social workers needed cannot be forecast: {r.workforce_reason}")
    out.append("How good is the forecast? " + backtest_one_sentence(r))
    out += [scenario_sentence(s) for s in r.scenarios]
    if r.notes:
        out.append("Notes on the forecast: " + " ".join(r.notes))
    return tuple(out)


def _placement_table(
    r: ForecastResult, policy: DisclosurePolicy
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    points = [i for i in (11, 23, 35) if i < len(r.cla)] or [len(r.cla) - 1]
    headers = ("Placement", "Now", *(f"{r.cla[i].month:%b %Y}: central (80% range)" for i in points))
    now = suppress_breakdown({g.value: float(r.now.get(g, 0)) for g in GROUPS}, policy)
    rows = []
    for g, cell in zip(GROUPS, now, strict=True):
        forecasts = [_shown(r.cla[i].by_placement[g], policy) for i in points]
        rows.append((g.label, cell.shown(policy), *forecasts))
    total = ("All placements", f"{r.now_total:,}", *(_shown(r.cla[i].total, policy) for i in points))
    return headers, (*rows, total)


def _shown(s: Spread, policy: DisclosurePolicy) -> str:
    if policy.is_small(round(s.p50)):
        return policy.label
    return f"{whole(s.p50)} ({whole(s.p10)} to {whole(s.p90)})"


def _charts(r: ForecastResult) -> tuple[FanChart, ...]:
    assert r.history is not None
    actual = tuple((d, float(v)) for d, v in zip(r.history.months, r.history.total, strict=True))
    charts = [
        FanChart(
            "forecast_cla",
            "Children looked after: actual and forecast",
            "Neither up nor down is better in itself: it is a forecast to plan for",
            "children",
            0,
            actual,
            tuple((m.month, m.total) for m in r.cla),
        ),
        FanChart(
            "forecast_spend",
            "Placement spend a month: forecast",
            "Lower costs less; the bands show the spend to plan for",
            "£ thousands a month",
            0,
            tuple((m, v / 1000) for m, v in r.spend_history),
            tuple((m.month, m.total.scaled(1 / 1000)) for m in r.cost),
            actual_label="Past months at the same unit costs",
        ),
    ]
    if r.workforce and r.workforce_inputs is not None:
        charts.append(
            FanChart(
                "forecast_workforce",
                f"Social workers (FTE) needed at a caseload of {r.workforce_inputs.caseload_target.value:g}",
                "Enough social workers when the in-post line is at or above the central forecast",
                "qualified case-holding FTE",
                1,
                r.fte_needed_history,
                tuple((m.month, m.fte_needed) for m in r.workforce),
                (
                    (
                        "In post if recruiting as needed",
                        tuple((m.month, m.fte_in_post_with_recruiting) for m in r.workforce),
                    ),
                    (
                        "In post without recruiting",
                        tuple((m.month, m.fte_in_post_without_recruiting) for m in r.workforce),
                    ),
                ),
                actual_label="Needed in past months",
            )
        )
    return tuple(charts)
