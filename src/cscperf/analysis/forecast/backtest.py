"""Backtests: the model run from a month end in the past, set against what then happened.

From a month end 12 (and 24) months before the forecast's start, with the same reference period length, the
model forecasts each month up to the start; each month's actual number in care is compared with the central
forecast (mean absolute percentage error, MAPE) and with its 80% and 95% ranges (the share of months inside).
The same MAPE is worked out for two simple forecasts any analyst could make, so the model's is read against
them: no change (the number at the backtest's start, held flat) and a straight-line trend (least squares
through the reference period's month ends, carried on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cscperf.analysis.forecast.groups import GROUPS, PlacementGroup
from cscperf.analysis.forecast.model import run_model
from cscperf.analysis.forecast.panel import Flows, Panel
from cscperf.analysis.forecast.spread import Spread, spreads


@dataclass(frozen=True)
class Accuracy:
    """How close a forecast came: MAPEs in percent (None when every actual month was 0), coverage in percent of
    months."""

    mape: float | None
    naive_mape: float | None
    trend_mape: float | None
    coverage_80: float | None = None
    coverage_95: float | None = None

    @property
    def beats_naive(self) -> bool | None:
        if self.mape is None or self.naive_mape is None:
            return None
        return self.mape < self.naive_mape

    @property
    def beats_trend(self) -> bool | None:
        if self.mape is None or self.trend_mape is None:
            return None
        return self.mape < self.trend_mape


@dataclass(frozen=True)
class BacktestMonth:
    month: dt.date
    actual: int
    forecast: Spread
    naive: float
    trend: float


@dataclass(frozen=True)
class Backtest:
    """One backtest: from `start`, `months` months forecast and compared (or why it could not be done)."""

    months_back: int
    start: dt.date
    months: int
    total: Accuracy | None
    by_placement: dict[PlacementGroup, Accuracy]
    series: tuple[BacktestMonth, ...]
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.total is not None


def mape(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float | None:
    """Mean absolute percentage error over the months whose actual is above 0 (None when there are none)."""
    actual = np.asarray(actual, dtype=np.float64)
    forecast = np.asarray(forecast, dtype=np.float64)
    kept = actual > 0
    if not kept.any():
        return None
    return float(np.mean(np.abs(forecast[kept] - actual[kept]) / actual[kept]) * 100.0)


def trend_line(history: npt.ArrayLike, ahead: int) -> npt.NDArray[np.float64]:
    """A least-squares straight line through `history` (one value a month), carried on `ahead` months (never
    below 0)."""
    values = np.asarray(history, dtype=np.float64)
    x = np.arange(len(values), dtype=np.float64)
    if len(values) > 1:
        slope, intercept = (float(v) for v in np.polyfit(x, values, 1))
    else:
        slope, intercept = 0.0, float(values[-1]) if len(values) else 0.0
    future = np.arange(len(values), len(values) + ahead, dtype=np.float64)
    out: npt.NDArray[np.float64] = np.maximum(intercept + slope * future, 0.0)
    return out


def accuracy(
    actual: npt.NDArray[np.integer], runs: npt.NDArray[np.integer], history: npt.NDArray[np.integer]
) -> Accuracy:
    """The model's accuracy (runs: shape (runs, months)) against naive and trend forecasts of `actual`, where
    `history` is the reference period's month ends, ending at the backtest's start."""
    months = len(actual)
    central = np.percentile(runs, 50, axis=0)
    low80, high80 = np.percentile(runs, [10, 90], axis=0)
    low95, high95 = np.percentile(runs, [2.5, 97.5], axis=0)
    inside80 = float(np.mean((actual >= low80) & (actual <= high80)) * 100.0)
    inside95 = float(np.mean((actual >= low95) & (actual <= high95)) * 100.0)
    return Accuracy(
        mape=mape(actual, central),
        naive_mape=mape(actual, np.full(months, float(history[-1]))),
        trend_mape=mape(actual, trend_line(history, months)),
        coverage_80=inside80,
        coverage_95=inside95,
    )


def backtest(
    panel: Panel, flows: Flows, start: int, months_back: int, reference_months: int, runs: int, seed: int
) -> Backtest:
    """The model run from month end `start - months_back` to `start`, compared with what happened."""
    origin = start - months_back
    when = panel.month_ends[origin] if origin >= 0 else panel.month_ends[0]
    if origin - reference_months < 0:
        return Backtest(months_back, when, months_back, None, {}, (), reason="not enough history")
    run = run_model(panel, flows, origin, reference_months, months_back, runs, seed)
    stock = panel.stock()
    window = slice(origin + 1, start + 1)
    history = slice(origin - reference_months, origin + 1)
    total = accuracy(stock[window].sum(axis=1), run.simulated.total[:, 1:], stock[history].sum(axis=1))
    by_group = {
        g: accuracy(stock[window, i], run.simulated.by_group[:, 1:, i], stock[history, i]) for i, g in enumerate(GROUPS)
    }
    forecast = spreads(run.simulated.total[:, 1:])
    naive = float(stock[origin].sum())
    trend = trend_line(stock[history].sum(axis=1), months_back)
    series = tuple(
        BacktestMonth(
            panel.month_ends[origin + 1 + k], int(stock[origin + 1 + k].sum()), forecast[k], naive, float(trend[k])
        )
        for k in range(months_back)
    )
    return Backtest(months_back, when, months_back, total, by_group, series)
