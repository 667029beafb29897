"""Run the stock forward month by month, many times over.

Every run starts from the same children (their ages and groups at the forecast's start) and uses its own
bootstrap draw of the rates. Each month, in this order:

1. every child leaves care, moves to another group, or stays, with the chances for their age band and group in
   this run (a child who turns 18 before the month end leaves care whatever the draw says);
2. children age by a month: a birthday that ends a band moves the child to the next band, the 18th ends care;
3. new children come into care: a Poisson number with this run's mean, each like a child who came into care in
   the reference period (their age and group on entry drawn from this run's reference entrants).

A scenario can change the mean number coming in (`entry_multiplier`) and send a share of the children who would
have gone into one group (residential) to another (fostering) instead: new entrants and moves from then on,
and that share of the children already in the group, stepped down evenly over the first months.

Common random numbers: a scenario run with the same seed meets the same luck as the baseline, child by child,
so the difference between them is the scenario's effect rather than noise. Each child has one uniform number a
month (from a stream of fixed shape for the children at the start, and from a counter-based hash of the run,
the child's arrival number and the month for entrants), which decides whether they change, and (rescaled)
where they go and whether a scenario redirects them; the number coming in each month is the Poisson quantile
of a fixed uniform number, so a scenario with fewer entrants has the baseline's first ones.

Children looked after are simulated child by child (their ages matter); the caseload model, which has no ages,
is simulated as counts per group (`simulate_counts`), which is the same process, faster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln, ndtri

from cscperf.analysis.forecast.ages import AGE_BANDS, AGE_OUT_MONTHS
from cscperf.analysis.forecast.panel import Scheme
from cscperf.analysis.forecast.rates import RateDraws

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Adjustments:
    """What a scenario changes (the baseline changes nothing)."""

    entry_multiplier: float = 1.0
    redirect_share: float = 0.0
    redirect_from: int = -1
    redirect_to: int = -1
    step_down_months: int = 12


@dataclass(frozen=True)
class Simulated:
    """Children in each group and band at each month end of each run; month 0 is the start."""

    by_group: npt.NDArray[np.int32]  # (runs, horizon + 1, groups)
    by_band: npt.NDArray[np.int32]  # (runs, horizon + 1, bands)

    @property
    def total(self) -> npt.NDArray[np.int64]:
        """Children in all groups: shape (runs, horizon + 1)."""
        out: npt.NDArray[np.int64] = self.by_group.sum(axis=-1, dtype=np.int64)
        return out


def arrivals(draws: RateDraws, horizon: int, multiplier: float, seed: int) -> IntArray:
    """Children coming in each month of each run: shape (runs, horizon), Poisson quantiles of fixed uniforms."""
    uniforms = np.random.default_rng(np.random.SeedSequence([seed, 1])).random((draws.runs, horizon))
    return poisson_quantiles(uniforms, np.maximum(draws.entries_per_month * multiplier, 0.0))


def poisson_quantiles(uniforms: FloatArray, means: FloatArray) -> IntArray:
    """The Poisson quantile of each uniform number (row r with mean means[r]): the smallest k whose cumulative
    probability exceeds it. Exact for means up to 500 a month; above that, the normal approximation."""
    top = float(means.max(initial=0.0))
    if top > 500:
        z = np.asarray(ndtri(np.clip(uniforms, 1e-12, 1 - 1e-12)), dtype=np.float64)
        approx: IntArray = np.maximum(np.rint(means[:, None] + np.sqrt(means[:, None]) * z), 0).astype(np.int64)
        return approx
    k = np.arange(int(top + 12 * np.sqrt(top) + 12), dtype=np.float64)
    safe = np.where(means > 0, means, 1.0)[:, None]
    log_pmf = k[None, :] * np.log(safe) - safe - gammaln(k + 1.0)[None, :]
    cdf = np.cumsum(np.exp(log_pmf), axis=1)
    cdf[means <= 0] = 1.0  # a mean of 0: nobody comes in
    # one search for every row: row r's cumulative probabilities (0 to 1) shifted to 2r to 2r + 1
    shift = 2.0 * np.arange(uniforms.shape[0], dtype=np.float64)[:, None]
    found = np.searchsorted((cdf + shift).ravel(), (uniforms + shift).ravel(), side="right").reshape(uniforms.shape)
    counts: IntArray = np.minimum(found - np.arange(uniforms.shape[0])[:, None] * len(k), len(k) - 1)
    return counts


def simulate(
    ages: IntArray,
    groups: IntArray,
    draws: RateDraws,
    horizon: int,
    scheme: Scheme,
    seed: int,
    adjust: Adjustments | None = None,
) -> Simulated:
    """`draws.runs` simulated futures of `horizon` months from the children given (their ages and groups)."""
    adjust = adjust or Adjustments()
    world = _World(scheme, draws, arrivals(draws, horizon, adjust.entry_multiplier, seed), adjust, seed, len(ages))
    world.place_start(np.asarray(ages, dtype=np.int64), np.asarray(groups, dtype=np.int64))
    counts = np.zeros((draws.runs, horizon + 1, world.states), dtype=np.int32)
    counts[:, 0] = world.tally.reshape(draws.runs, world.states)
    for t in range(1, horizon + 1):
        world.month(t)
        counts[:, t] = world.tally.reshape(draws.runs, world.states)
    by_state = counts.reshape(draws.runs, horizon + 1, scheme.n_bands, scheme.n_groups + 1)[..., : scheme.n_groups]
    return Simulated(by_group=by_state.sum(axis=2, dtype=np.int32), by_band=by_state.sum(axis=3, dtype=np.int32))


def simulate_counts(groups: IntArray, draws: RateDraws, horizon: int, scheme: Scheme, seed: int) -> Simulated:
    """The same process as `simulate` for a scheme with one band and no ageing, run on counts per group: each
    month each group's children split multinomially into leaving and each group, and the entrants Poisson with
    their groups multinomial."""
    if scheme.n_bands != 1 or scheme.ageing:
        raise ValueError("counts can be simulated only without age bands")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    runs, g = draws.runs, scheme.n_groups
    outcome = draws.outcome[:, 0]  # (runs, groups, outcomes)
    outcome = outcome / outcome.sum(axis=-1, keepdims=True)
    coming = arrivals(draws, horizon, 1.0, seed)
    mix = draws.entrant_mix(g)
    now = np.tile(np.bincount(np.asarray(groups, dtype=np.int64), minlength=g), (runs, 1))
    by_group = np.zeros((runs, horizon + 1, g), dtype=np.int32)
    by_group[:, 0] = now
    for t in range(1, horizon + 1):
        nxt = np.zeros((runs, g), dtype=np.int64)
        for k in range(g):
            nxt += rng.multinomial(now[:, k], outcome[:, k])[:, 1:]
        nxt += rng.multinomial(coming[:, t - 1], mix)
        now = nxt
        by_group[:, t] = now
    return Simulated(by_group=by_group, by_band=by_group.sum(axis=2, keepdims=True, dtype=np.int32))


NEVER: Final = 32000
"""A countdown beyond any horizon."""

_MIX: Final = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def hashed_uniform(keys: npt.NDArray[np.uint64]) -> FloatArray:
    """A uniform number in [0, 1) for each key (the SplitMix64 finaliser): the same key always gives the same
    number, and neighbouring keys give unrelated ones."""
    with np.errstate(over="ignore"):
        z = keys + _MIX[0]
        z = (z ^ (z >> np.uint64(30))) * _MIX[1]
        z = (z ^ (z >> np.uint64(27))) * _MIX[2]
        z = z ^ (z >> np.uint64(31))
    out: FloatArray = (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
    return out


def _keys(seed: int, runs: IntArray, arrival: IntArray, salt: int) -> npt.NDArray[np.uint64]:
    """Counter keys for (seed, run, arrival number, month or salt)."""
    with np.errstate(over="ignore"):
        k = np.uint64(seed) * np.uint64(0x100000001B3) + runs.astype(np.uint64)
        k = k * np.uint64(0x1000193) + arrival.astype(np.uint64)
        out: npt.NDArray[np.uint64] = k * np.uint64(0x10001) + np.uint64(salt)
    return out


class _World:
    """The children of every run, month by month.

    Each run has a row of slots: the children at the start, then each entrant in the next free slot. A slot's
    `state` is band * (groups + 1) + group, with group = groups once the child has left care (or before they
    arrive). `tally` keeps the children in each (run, state), changed as events happen, and `birthdays` the
    slots whose band changes (or who turn 18) in each month, so that a month costs one pass over the slots (who
    changes placement or leaves) plus work in proportion to the events.
    """

    def __init__(
        self, scheme: Scheme, draws: RateDraws, coming: IntArray, adjust: Adjustments, seed: int, start: int
    ) -> None:
        self.scheme, self.draws, self.adjust, self.seed = scheme, draws, adjust, seed
        self.runs, self.groups = draws.runs, scheme.n_groups
        self.horizon = coming.shape[1]
        self.states = scheme.n_bands * (self.groups + 1)
        self.gone = self.groups  # state of an empty slot: band 0, not in care
        self.coming = coming
        self.filled = start + np.concatenate(
            [np.zeros((self.runs, 1), dtype=np.int64), np.cumsum(coming, axis=1)], axis=1
        )
        self.start = start
        self.capacity = int(self.filled[:, -1].max(initial=start))
        self.state = np.full((self.runs, self.capacity), self.gone, dtype=np.int16)
        self.tally = np.zeros(self.runs * self.states, dtype=np.int64)
        self.run_offset = (np.arange(self.runs, dtype=np.intp) * self.states)[:, None]
        self.change, cumulative = _tables(draws, self.groups)
        self.cumulative = cumulative.reshape(-1, cumulative.shape[-1])  # one row per (run, band, group)
        self.month_cum = _month_cumulative(draws)
        self.start_rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
        self.birthdays: dict[int, list[IntArray]] = {}
        self.step_downs: tuple[IntArray, IntArray] | None = None
        ends = [high for _, _, high in AGE_BANDS]
        self.band_months = np.array([high - low for _, low, high in AGE_BANDS], dtype=np.int64)
        self.months_to_band_end = np.array(
            [next(e for e in ends if e > age) - age for age in range(AGE_OUT_MONTHS)], dtype=np.int64
        )
        self.entrant_keys = (
            _keys(seed, np.arange(self.runs)[:, None], np.arange(self.capacity - start)[None, :], 0)
            if self.capacity > start
            else np.zeros((self.runs, 0), dtype=np.uint64)
        )

    # ---- placing children
    def place_start(self, ages: IntArray, groups: IntArray) -> None:
        """The children at the start, in the first slots of every run (and, for a redirection scenario, those
        already in the group chosen to step down, and when). Worked out once and repeated for every run."""
        n = len(ages)
        if n == 0:
            return
        states = self.scheme.bands(ages).astype(np.int64) * (self.groups + 1) + groups
        flat = self.state.reshape(-1)
        runs = np.arange(self.runs)[:, None] * self.capacity
        flat[(runs + np.arange(n)[None, :]).ravel()] = np.tile(states, self.runs)
        per_run = np.bincount(states, minlength=self.states)
        self.tally += np.tile(per_run, self.runs)
        self.tally[np.arange(self.runs) * self.states + self.gone] -= n  # those slots were counted as empty
        if self.scheme.ageing:
            known = np.flatnonzero((ages >= 0) & (ages < AGE_OUT_MONTHS))
            due = self.months_to_band_end[ages[known]]
            for month in np.unique(due[due <= self.horizon]):
                children = known[due == month]
                self.birthdays.setdefault(int(month), []).append((runs + children[None, :]).ravel())
        adjust = self.adjust
        if adjust.redirect_share > 0:
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, 4]))
            slots = (runs + np.arange(n)[None, :]).ravel()
            chosen = rng.random((self.runs, n)).ravel() < adjust.redirect_share
            months = rng.integers(1, adjust.step_down_months + 1, size=(self.runs, n)).ravel()
            chosen &= np.tile(groups, self.runs) == adjust.redirect_from
            self.step_downs = (slots[chosen], months[chosen])

    def _place(self, slots: IntArray, ages: IntArray, groups: IntArray, t: int) -> None:
        band = self.scheme.bands(ages).astype(np.int64)
        self._set(slots, band * (self.groups + 1) + groups)
        if self.scheme.ageing:
            known = (ages >= 0) & (ages < AGE_OUT_MONTHS)
            self._schedule(slots[known], t + self.months_to_band_end[ages[known]])

    def _set(self, slots: IntArray, new: IntArray) -> None:
        """Give slots new states, keeping the tally."""
        if len(slots) == 0:
            return
        flat = self.state.reshape(-1)
        run = slots // self.capacity
        size = self.runs * self.states
        self.tally -= np.bincount(run * self.states + flat[slots].astype(np.int64), minlength=size)
        self.tally += np.bincount(run * self.states + new, minlength=size)
        flat[slots] = new

    def _schedule(self, slots: IntArray, due: IntArray) -> None:
        soon = due <= self.horizon
        slots, due = slots[soon], due[soon]
        if len(slots) == 0:
            return
        order = np.argsort(due, kind="stable")
        slots, due = slots[order], due[order]
        months, first = np.unique(due, return_index=True)
        for month, part in zip(months, np.split(slots, first[1:]), strict=True):
            self.birthdays.setdefault(int(month), []).append(part)

    def _decode(self, slots: IntArray) -> tuple[IntArray, IntArray]:
        s = self.state.reshape(-1)[slots].astype(np.int64)
        return s // (self.groups + 1), s % (self.groups + 1)

    # ---- a month
    def month(self, t: int) -> None:
        """Month t: leavings and moves, birthdays, arrivals, scenario step-downs."""
        width = int(self.filled[:, t - 1].max(initial=self.start))
        state = self.state[:, :width]
        luck = np.empty(state.shape, dtype=np.float32)
        luck[:, : self.start] = self.start_rng.random((self.runs, self.start), dtype=np.float32)
        if width > self.start:
            luck[:, self.start :] = hashed_uniform(self.entrant_keys[:, : width - self.start] + np.uint64(t))
        chance = np.take(self.change, self.run_offset + state)
        changing = np.flatnonzero(luck < chance)
        rescaled = luck.ravel()[changing].astype(np.float64) / chance.ravel()[changing]  # uniform, given a change
        self._moves(changing // width * self.capacity + changing % width, rescaled)
        self._birthdays(t)
        self._arrivals(t)
        self._step_downs(t)

    def _moves(self, slots: IntArray, luck: FloatArray) -> None:
        if len(slots) == 0:
            return
        band, group = self._decode(slots)
        cell = ((slots // self.capacity) * self.scheme.n_bands + band) * self.groups + group
        chances = self.cumulative[cell]
        outcome = np.minimum((chances <= luck[:, None]).sum(axis=1), chances.shape[1] - 1)
        new = outcome - 1  # -1: left care
        if self.adjust.redirect_share > 0:
            rows = np.arange(len(slots))
            low = np.where(outcome > 0, chances[rows, np.maximum(outcome - 1, 0)], 0.0)
            high = chances[rows, outcome]
            within = (luck - low) / np.where(high > low, high - low, 1.0)
            new = np.where(
                (new == self.adjust.redirect_from) & (within < self.adjust.redirect_share), self.adjust.redirect_to, new
            )
        self._set(slots, np.where(new < 0, self.gone, band * (self.groups + 1) + new))

    def _birthdays(self, t: int) -> None:
        due = self.birthdays.pop(t, [])
        if not due:
            return
        slots = np.concatenate(due)
        band, group = self._decode(slots)
        in_care = group < self.groups
        slots, band, group = slots[in_care], band[in_care], group[in_care]
        turning_18 = band >= len(AGE_BANDS) - 1
        self._set(slots, np.where(turning_18, self.gone, (band + 1) * (self.groups + 1) + group))
        growing = ~turning_18
        self._schedule(slots[growing], t + self.band_months[band[growing] + 1])

    def _arrivals(self, t: int) -> None:
        counts = self.coming[:, t - 1]
        total = int(counts.sum())
        if total == 0 or self.month_cum is None:
            return
        runs = np.repeat(np.arange(self.runs), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        arrival = self.filled[runs, t - 1] - self.start + offsets
        luck = hashed_uniform(self.entrant_keys[runs, arrival] + np.uint64(NEVER))
        ages, groups = self._entrants(runs, luck)
        slots = runs * self.capacity + self.start + arrival
        self._place(slots, ages, groups, t)

    def _entrants(self, runs: IntArray, luck: FloatArray) -> tuple[IntArray, IntArray]:
        """The ages and groups of new entrants, one for each uniform number: a reference month picked by its
        weight in the run times its entrants, then one of that month's entrants; what is left of the uniform
        number decides a scenario's redirection."""
        assert self.month_cum is not None
        months = self.month_cum.shape[1]
        target = luck + runs
        flat = self.month_cum.ravel()
        picked = np.clip(np.searchsorted(flat, target, side="right"), 0, len(flat) - 1)
        month = picked - runs * months
        low = np.where(month > 0, flat[np.maximum(picked - 1, 0)], runs.astype(np.float64))
        within = np.clip((target - low) / np.maximum(flat[picked] - low, 1e-12), 0.0, 1.0 - 1e-12)
        count = self.draws.entrants_in_month[month]
        position = within * count
        entrant = self.draws.first[month] + np.minimum(position.astype(np.int64), np.maximum(count - 1, 0))
        groups = self.draws.entrant_group[entrant].copy()
        if self.adjust.redirect_share > 0:
            rest = position - np.floor(position)
            sent = (groups == self.adjust.redirect_from) & (rest < self.adjust.redirect_share)
            groups[sent] = self.adjust.redirect_to
        return self.draws.entrant_age[entrant], groups

    def _step_downs(self, t: int) -> None:
        if self.step_downs is None:
            return
        slots, months = self.step_downs
        slots = slots[months == t]
        band, group = self._decode(slots)
        still = group == self.adjust.redirect_from
        self._set(slots[still], band[still] * (self.groups + 1) + self.adjust.redirect_to)


def _tables(draws: RateDraws, groups_n: int) -> tuple[npt.NDArray[np.float32], FloatArray]:
    """The chance of any change (leaving or moving) per (run, band, group), flattened, with a zero for slots
    not in care; and per (run, band, group) the cumulative chances of each outcome given a change."""
    outcome = draws.outcome
    runs, bands = outcome.shape[0], outcome.shape[1]
    own = 1 + np.arange(groups_n)
    stay = outcome[:, :, np.arange(groups_n), own]
    change = np.zeros((runs, bands, groups_n + 1), dtype=np.float32)  # not in care: never changes
    change[:, :, :groups_n] = np.clip(1.0 - stay, 0.0, 1.0)
    given = outcome.copy()
    given[:, :, np.arange(groups_n), own] = 0.0
    total = given.sum(axis=-1, keepdims=True)
    cumulative = np.cumsum(given, axis=-1) / np.where(total > 0, total, 1.0)
    cumulative[..., -1] = 1.0
    return change.ravel(), cumulative


def _month_cumulative(draws: RateDraws) -> FloatArray | None:
    """Each run's reference months, weighted by how often each counts in the run times its entrants, as a
    cumulative share offset by the run number (run r's from r to r + 1), so one search picks a month for
    entrants of every run at once. None when the reference period had no entrants."""
    weights = draws.month_weight * draws.entrants_in_month[None, :]
    if weights.shape[1] == 0 or not weights.any():
        return None
    totals = weights.sum(axis=1, keepdims=True)
    cum = np.cumsum(weights, axis=1) / np.where(totals > 0, totals, 1.0)
    cum[:, -1] = np.where(totals[:, 0] > 0, 1.0, 0.0)
    offset: FloatArray = cum + np.arange(weights.shape[0])[:, None]
    return offset
