"""Monthly rates estimated from the reference period, and bootstrap draws of them.

For each age band and group: the chance in a month of leaving care, and of moving to each other group; and
the number of children coming into care a month with the mix of their ages and groups on entry.

Uncertainty about the rates comes from a bootstrap of the reference period: each simulation run re-estimates
the rates from the reference period's months drawn with replacement, so a run reflects what another 24
months like these might have shown (busy months and quiet months, a run of sibling groups, ...).

Cells seen for few child-months (teenagers in a parent-and-baby placement, say) borrow strength from the same
group at all ages: each cell counts as if PRIOR_CHILD_MONTHS more child-months had been seen, behaving as the
group does at all ages (and a group never seen behaves as all groups together do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from cscperf.analysis.forecast.panel import Flows

FloatArray = npt.NDArray[np.float64]

PRIOR_CHILD_MONTHS: Final = 12.0
"""Weight, in child-months, of the all-ages (or all-groups) behaviour added to each band's and group's counts."""


@dataclass(frozen=True)
class RateDraws:
    """Rates for each simulation run r (a single run for the point estimates).

    - `outcome[r, b, g, o]`: chance in a month of leaving (o = 0) or being in group o - 1 at the next month end.
    - `entries_per_month[r]`: children coming into care a month.
    - New entrants are like the reference period's: `month_weight[r, m]` is how often reference month m counts in
      run r, and month m's entrants are `entrant_age[first[m]:first[m + 1]]` (and `entrant_group`), so a new
      entrant is drawn by picking a month (by its weight times its entrants) and then one of its entrants.
    """

    outcome: FloatArray
    entries_per_month: FloatArray
    month_weight: FloatArray
    first: npt.NDArray[np.int64]
    entrant_age: npt.NDArray[np.int64]
    entrant_group: npt.NDArray[np.int64]
    exposure: FloatArray  # child-months seen in each (run, band, group), for reporting and tests

    @property
    def runs(self) -> int:
        return int(self.outcome.shape[0])

    @property
    def entrants_in_month(self) -> npt.NDArray[np.int64]:
        return np.diff(self.first)

    def leaving(self) -> FloatArray:
        """Chance of leaving care in a month: shape (runs, bands, groups)."""
        return self.outcome[..., 0]

    def moving(self) -> FloatArray:
        """Chance of moving to another group in a month: shape (runs, bands, groups)."""
        g = self.outcome.shape[2]
        stay = self.outcome[..., 1:][..., np.arange(g), np.arange(g)]
        return 1.0 - self.outcome[..., 0] - stay

    def entrant_mix(self, groups: int) -> FloatArray:
        """Each run's share of entrants in each group: shape (runs, groups)."""
        per_month = np.zeros((len(self.first) - 1, groups))
        months = np.repeat(np.arange(len(self.first) - 1), self.entrants_in_month)
        np.add.at(per_month, (months, self.entrant_group), 1.0)
        mix = self.month_weight @ per_month
        totals = mix.sum(axis=1, keepdims=True)
        out: FloatArray = np.where(totals > 0, mix / np.where(totals > 0, totals, 1.0), 1.0 / groups)
        return out


def bootstrap_weights(rng: np.random.Generator, months: int, runs: int) -> FloatArray:
    """How many times each reference month is drawn in each run: shape (runs, months), rows summing to months."""
    if months == 0:
        return np.zeros((runs, 0))
    return rng.multinomial(months, np.full(months, 1.0 / months), size=runs).astype(np.float64)


def estimate(flows: Flows, first: int, last: int, weights: FloatArray | None = None) -> RateDraws:
    """Rates from transitions `first` to `last` (inclusive) of `flows`, one set per row of `weights` (how often
    each of those transitions counts); without weights, the point estimates (each transition once)."""
    n = last - first + 1
    if weights is None:
        weights = np.ones((1, n))
    counts = np.asarray(flows.outcomes[first : last + 1], dtype=np.float64)
    runs, (_, b, g, o) = weights.shape[0], counts.shape
    seen = (weights @ counts.reshape(n, -1)).reshape(runs, b, g, o)
    outcome = _shrunk(seen)
    in_window = np.flatnonzero((flows.entry_transition >= first) & (flows.entry_transition <= last))
    local = flows.entry_transition[in_window] - first
    order = np.argsort(local, kind="stable")
    per_month = np.bincount(local, minlength=n)
    return RateDraws(
        outcome=outcome,
        entries_per_month=(weights @ per_month) / max(n, 1),
        month_weight=weights,
        first=np.concatenate([[0], np.cumsum(per_month)]).astype(np.int64),
        entrant_age=flows.entry_age[in_window][order],
        entrant_group=flows.entry_group[in_window][order],
        exposure=seen.sum(axis=-1),
    )


def _shrunk(seen: FloatArray) -> FloatArray:
    """Outcome shares per (run, band, group), each cell pulled towards its group's all-ages shares, and each
    group's towards all groups' shares, by PRIOR_CHILD_MONTHS."""
    by_group = seen.sum(axis=1)  # (runs, groups, outcomes)
    overall = _overall_shares(by_group)  # (runs, groups, outcomes): all groups' behaviour seen from each group
    group_n = by_group.sum(axis=-1, keepdims=True)
    group_shares = (by_group + PRIOR_CHILD_MONTHS * overall) / (group_n + PRIOR_CHILD_MONTHS)
    cell_n = seen.sum(axis=-1, keepdims=True)
    shares: FloatArray = (seen + PRIOR_CHILD_MONTHS * group_shares[:, None]) / (cell_n + PRIOR_CHILD_MONTHS)
    return shares


def _overall_shares(by_group: FloatArray) -> FloatArray:
    """For each group, the outcome shares of all groups together: the chance of leaving, of moving into each
    other group, and (the rest) of staying put."""
    runs, g, o = by_group.shape
    exposure = np.maximum(by_group.sum(axis=(1, 2)), 1e-12)  # (runs,)
    leaving = by_group[:, :, 0].sum(axis=1) / exposure
    moves = by_group[:, :, 1:].copy()
    moves[:, np.arange(g), np.arange(g)] = 0.0
    into = moves.sum(axis=1) / exposure[:, None]  # (runs, groups): chance a month of moving into each group
    out = np.zeros((runs, g, o))
    out[:, :, 0] = leaving[:, None]
    out[:, :, 1:] = into[:, None, :]
    out[:, np.arange(g), 1 + np.arange(g)] = 0.0
    stay = 1.0 - out.sum(axis=-1)
    out[:, np.arange(g), 1 + np.arange(g)] = np.maximum(stay, 0.0)  # nothing seen at all: everybody stays
    return out
