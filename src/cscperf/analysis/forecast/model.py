"""One run of the model: rates from a reference period of a panel, then the simulated futures from a month end.

Pure: a panel in, simulated counts out. The same function makes the forecast, each backtest and each
scenario, so a backtest tests exactly what is forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cscperf.analysis.forecast.panel import Flows, Panel
from cscperf.analysis.forecast.rates import RateDraws, bootstrap_weights, estimate
from cscperf.analysis.forecast.simulate import Adjustments, Simulated, simulate, simulate_counts


@dataclass(frozen=True)
class ModelRun:
    """The forecast from month end `origin` of a panel, with rates from the `reference_months` before it."""

    origin: int
    reference_months: int
    horizon: int
    draws: RateDraws
    simulated: Simulated


def reference_transitions(origin: int, reference_months: int) -> tuple[int, int]:
    """The first and last transitions of the reference period ending at month end `origin`."""
    return origin - reference_months, origin - 1


def run_model(
    panel: Panel,
    flows: Flows,
    origin: int,
    reference_months: int,
    horizon: int,
    runs: int,
    seed: int,
    adjust: Adjustments | None = None,
) -> ModelRun:
    """Rates bootstrapped from the reference period, then `runs` simulated futures of `horizon` months."""
    first, last = reference_transitions(origin, reference_months)
    if first < 0:
        raise ValueError(f"the panel starts {-first} month(s) too late for a {reference_months}-month reference")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    draws = estimate(flows, first, last, bootstrap_weights(rng, reference_months, runs))
    ages, groups = panel.children_at(origin)
    if panel.scheme.n_bands == 1 and not panel.scheme.ageing and adjust is None:
        simulated = simulate_counts(groups, draws, horizon, panel.scheme, seed)
    else:
        simulated = simulate(ages, groups, draws, horizon, panel.scheme, seed, adjust)
    return ModelRun(origin, reference_months, horizon, draws, simulated)
