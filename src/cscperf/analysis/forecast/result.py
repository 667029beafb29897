"""What a forecast gives: children in care, placement spend and social workers month by month with their ranges,
the backtests, the scenarios, and notes on the data; and the same as JSON (the shape `cscperf forecast --format
json` prints).

Counts and FTE are kept unrounded here; outputs round them (children to whole numbers, FTE to one decimal,
pounds to whole pounds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cscperf.analysis.forecast.backtest import Accuracy, Backtest
from cscperf.analysis.forecast.config import Scenario
from cscperf.analysis.forecast.costs import UnitCost, YearSpend
from cscperf.analysis.forecast.groups import PlacementGroup
from cscperf.analysis.forecast.spread import Spread
from cscperf.analysis.forecast.workforce import WorkforceInputs, WorkforceMonth


@dataclass(frozen=True)
class ClaMonth:
    month: dt.date
    total: Spread
    by_placement: dict[PlacementGroup, Spread]
    by_age_band: dict[str, Spread]


@dataclass(frozen=True)
class CostMonth:
    month: dt.date
    total: Spread
    by_placement: dict[PlacementGroup, Spread]


@dataclass(frozen=True)
class History:
    """The actual numbers in care at the month ends before the start (for charts and tables)."""

    months: tuple[dt.date, ...]
    total: tuple[int, ...]
    by_placement: dict[PlacementGroup, tuple[int, ...]]


@dataclass(frozen=True)
class RatesSummary:
    """The reference period's behaviour in a few figures (point estimates, all ages and groups together)."""

    entries_per_month: float
    leaving_per_month: float  # percent of children in care leaving (other than at 18) a month
    moving_per_month: float  # percent changing placement group a month
    turning_18_per_month: float


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    cla: tuple[Spread, ...] = ()  # total in care at each forecast month
    by_placement_end: dict[PlacementGroup, Spread] = field(default_factory=dict)
    spend_years: tuple[tuple[str, int, Spread], ...] = ()
    difference_years: tuple[tuple[str, int, Spread], ...] = ()
    difference_total: Spread | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ForecastResult:
    la_code: str
    council_name: str
    as_at: dt.date
    horizon: int
    reason: str | None = None  # why there is no forecast (None when there is one)
    start: dt.date | None = None  # the month end the forecast runs from
    reference_start: dt.date | None = None  # the month end the reference period runs from
    reference_months: int = 0
    simulations: int = 0
    seed: int = 0
    now: dict[PlacementGroup, int] = field(default_factory=dict)
    rates: RatesSummary | None = None
    history: History | None = None
    cla: tuple[ClaMonth, ...] = ()
    unit_costs: tuple[UnitCost, ...] = ()
    price_year: str = ""
    annual_uplift: float = 0.0
    cost: tuple[CostMonth, ...] = ()
    cost_years: tuple[YearSpend, ...] = ()
    spend_history: tuple[tuple[dt.date, float], ...] = ()  # past months' children, at the same unit costs
    workforce: tuple[WorkforceMonth, ...] = ()
    fte_needed_history: tuple[tuple[dt.date, float], ...] = ()  # past month ends' cases / caseload target
    workforce_inputs: WorkforceInputs | None = None
    workforce_reason: str | None = None
    backtests: tuple[Backtest, ...] = ()
    scenarios: tuple[ScenarioResult, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        return self.reason is None

    @property
    def now_total(self) -> int:
        return sum(self.now.values())


def _accuracy(a: Accuracy | None) -> dict[str, float | None]:
    keys = ("mape", "naive_mape", "trend_mape", "coverage_80", "coverage_95")
    return {k: (None if a is None or getattr(a, k) is None else round(getattr(a, k), 1)) for k in keys}


def _backtest(b: Backtest) -> dict[str, Any]:
    out: dict[str, Any] = {"from": b.start.isoformat(), "months": b.months, **_accuracy(b.total)}
    out["by_placement"] = {
        g.value: {k: v for k, v in _accuracy(a).items() if k.endswith("mape")} for g, a in b.by_placement.items()
    }
    out["reason"] = b.reason
    return out


def _spread_map(values: dict[PlacementGroup, Spread] | dict[str, Spread], decimals: int = 1) -> dict[str, Any]:
    return {str(getattr(k, "value", k)): v.as_dict(decimals) for k, v in values.items()}


def as_json(result: ForecastResult) -> dict[str, Any]:
    """The forecast in the shape the issue fixes (`as_at`, `horizon`, `cla`, `cost`, `workforce`, `backtest`)
    with the rest beside it. Percentages are 0-100; money in pounds; counts and FTE to one decimal."""
    out: dict[str, Any] = {
        "as_at": result.as_at.isoformat(),
        "horizon": result.horizon,
        "la_code": result.la_code,
        "council": result.council_name,
        "available": result.available,
        "reason": result.reason,
        "start": result.start.isoformat() if result.start else None,
        "reference_period": None,
        "simulations": result.simulations,
        "seed": result.seed,
        "now": {g.value: n for g, n in result.now.items()},
        "cla": [
            {
                "month": m.month.isoformat(),
                **m.total.as_dict(),
                "by_placement": _spread_map(m.by_placement),
                "by_age_band": _spread_map(m.by_age_band),
            }
            for m in result.cla
        ],
        "cost": [
            {"month": m.month.isoformat(), **m.total.as_dict(0), "by_placement": _spread_map(m.by_placement, 0)}
            for m in result.cost
        ],
        "cost_years": [
            {
                "year": y.label,
                "months": y.months,
                "whole_year": y.whole,
                **y.total.as_dict(0),
                "by_placement": _spread_map(y.by_placement, 0),
            }
            for y in result.cost_years
        ],
        "unit_costs": [
            {"placement": u.group.value, "weekly": round(u.weekly, 2), "source": u.source, "kind": u.kind}
            for u in result.unit_costs
        ],
        "price_year": result.price_year or None,
        "annual_uplift": result.annual_uplift,
        "workforce": [_workforce_month(m) for m in result.workforce],
        "workforce_inputs": _workforce_inputs(result.workforce_inputs),
        "workforce_reason": result.workforce_reason,
        "backtest": [_backtest(b) for b in result.backtests],
        "scenarios": [_scenario(s) for s in result.scenarios],
        "notes": list(result.notes),
        "history": {
            "cla": [
                {"month": m.isoformat(), "actual": v}
                for m, v in zip(result.history.months, result.history.total, strict=True)
            ]
            if result.history
            else [],
            "spend_at_same_unit_costs": [{"month": m.isoformat(), "spend": round(v)} for m, v in result.spend_history],
            "fte_needed": [{"month": m.isoformat(), "fte": round(v, 1)} for m, v in result.fte_needed_history],
        },
    }
    if result.start and result.reference_start:
        out["reference_period"] = {
            "from": result.reference_start.isoformat(),
            "to": result.start.isoformat(),
            "months": result.reference_months,
        }
    if result.rates is not None:
        r = result.rates
        out["rates"] = {
            "entries_per_month": round(r.entries_per_month, 2),
            "leaving_per_month_percent": round(r.leaving_per_month, 2),
            "moving_per_month_percent": round(r.moving_per_month, 2),
            "turning_18_per_month": round(r.turning_18_per_month, 2),
        }
    return out


def _workforce_month(m: WorkforceMonth) -> dict[str, Any]:
    return {
        "month": m.month.isoformat(),
        "cases": m.cases.as_dict(),
        "fte_needed": m.fte_needed.as_dict(),
        "fte_in_post_without_recruiting": round(m.fte_in_post_without_recruiting, 1),
        "fte_in_post_with_recruiting": round(m.fte_in_post_with_recruiting, 1),
        "starters_needed": round(m.starters_needed, 1),
        "recruitment_to_start": None if m.recruitment_to_start is None else round(m.recruitment_to_start, 1),
        "gap_to_cover": round(m.gap_to_cover, 1),
        "funded_posts_needed": round(m.funded_posts_needed, 1),
    }


def _workforce_inputs(w: WorkforceInputs | None) -> dict[str, Any] | None:
    if w is None:
        return None
    return {
        "caseload_target": {"value": w.caseload_target.value, "source": w.caseload_target.source},
        "fte_in_post": round(w.fte_in_post, 1),
        "turnover_rate": {"value": round(w.turnover_rate.value, 1), "source": w.turnover_rate.source},
        "vacancy_rate": {"value": round(w.vacancy_rate.value, 1), "source": w.vacancy_rate.source},
        "months_to_recruit": {"value": round(w.months_to_recruit.value, 1), "source": w.months_to_recruit.source},
        "cases_per_child": round(w.cases_per_child, 3),
        "looked_after_allocated": round(w.looked_after_allocated * 100, 1),
        "funded_posts_fte": None if w.funded_posts_fte is None else round(w.funded_posts_fte, 1),
    }


def _scenario(s: ScenarioResult) -> dict[str, Any]:
    return {
        "name": s.scenario.name,
        "description": s.scenario.describe(),
        "reason": s.reason,
        "cla": [c.as_dict() for c in s.cla],
        "cla_end": s.cla[-1].as_dict() if s.cla else None,
        "by_placement_end": _spread_map(s.by_placement_end),
        "spend_years": [{"year": y, "months": n, **v.as_dict(0)} for y, n, v in s.spend_years],
        "difference_years": [{"year": y, "months": n, **v.as_dict(0)} for y, n, v in s.difference_years],
        "difference_total": s.difference_total.as_dict(0) if s.difference_total else None,
    }
