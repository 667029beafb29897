"""Month-end snapshots of who was where, and the flows between consecutive month ends.

The model is estimated from snapshots: the children looked after at each month end, each with their age
(whole months) and placement group. Comparing one month end with the next gives, for each age band and
placement group, how many children stayed, moved to each other group, or left care, and how many came into
care (in care at a month end, not at the one before). A child who comes in and leaves between two month ends
is not seen, just as they would not be in a count at any month end.

The same machinery serves the caseload model, whose "groups" are the kinds of case (child in need, child
protection) and which has one band and no ageing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from cscperf.analysis.forecast.ages import AGE_OUT_MONTHS, UNKNOWN_BAND, band_of

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Scheme:
    """How children are banded: the CLA model has age bands and ageing; the caseload model neither."""

    n_bands: int
    n_groups: int
    ageing: bool

    def bands(self, ages: npt.NDArray[np.integer]) -> npt.NDArray[np.int8]:
        if self.n_bands == 1:
            return np.zeros(np.shape(ages), dtype=np.int8)
        return band_of(ages)

    def band_table(self) -> npt.NDArray[np.int8]:
        """Band of each age from -1 (unknown) to AGE_OUT_MONTHS, indexed by age + 1 (for fast lookups)."""
        return self.bands(np.arange(-1, AGE_OUT_MONTHS + 1))


CLA_SCHEME: Final = Scheme(n_bands=UNKNOWN_BAND + 1, n_groups=7, ageing=True)
"""Children looked after: five age bands and one for age not recorded; seven placement groups."""


@dataclass(frozen=True)
class Panel:
    """Who was in the stock at each month end: one row per child and month end.

    `month` indexes `month_ends` (consecutive month ends, oldest first); `child` is any integer key that is the
    same for a child at every month end; `age` is whole months (UNKNOWN_AGE when not recorded); `group` indexes
    the scheme's groups. A child appears at most once per month end.
    """

    month_ends: tuple[dt.date, ...]
    month: IntArray
    child: IntArray
    age: IntArray
    group: IntArray
    scheme: Scheme = CLA_SCHEME
    _order: IntArray = field(init=False, repr=False, compare=False)
    _keys: IntArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = self.child.astype(np.int64) * len(self.month_ends) + self.month.astype(np.int64)
        order = np.argsort(keys, kind="stable")
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_keys", keys[order])

    @property
    def months(self) -> int:
        return len(self.month_ends)

    def index_of(self, month_end: dt.date) -> int:
        return self.month_ends.index(month_end)

    def stock(self) -> IntArray:
        """Children at each month end by group: shape (months, groups)."""
        g = self.scheme.n_groups
        flat = np.bincount(self.month * g + self.group, minlength=self.months * g)
        return flat.reshape(self.months, g)

    def stock_by_band(self) -> IntArray:
        """Children at each month end by band: shape (months, bands)."""
        b = self.scheme.n_bands
        flat = np.bincount(self.month * b + self.scheme.bands(self.age), minlength=self.months * b)
        return flat.reshape(self.months, b)

    def children_at(self, m: int) -> tuple[IntArray, IntArray]:
        """Ages and groups of the children in the stock at month end `m`."""
        rows = self.month == m
        return self.age[rows], self.group[rows]

    def next_rows(self) -> IntArray:
        """For each row, the row of the same child at the next month end, or -1."""
        wanted = self.child.astype(np.int64) * self.months + self.month.astype(np.int64) + 1
        pos = np.searchsorted(self._keys, wanted)
        found = pos < len(self._keys)
        found[found] = self._keys[pos[found]] == wanted[found]
        out = np.full(len(wanted), -1, dtype=np.int64)
        out[found] = self._order[pos[found]]
        return out

    def had_previous(self) -> npt.NDArray[np.bool_]:
        """For each row, whether the same child was in the stock at the month end before."""
        wanted = self.child.astype(np.int64) * self.months + self.month.astype(np.int64) - 1
        pos = np.searchsorted(self._keys, wanted)
        found = pos < len(self._keys)
        found[found] = self._keys[pos[found]] == wanted[found]
        return found


@dataclass(frozen=True)
class Flows:
    """What happened between each pair of consecutive month ends of a panel.

    Transition n (0-based) runs from month end n to month end n + 1.

    - `outcomes[n, b, g, o]`: children in band b and group g at month end n (not about to turn 18) who at
      month end n + 1 had left care (o = 0) or were in group o - 1 (o - 1 = g: stayed).
    - `aged_out[n]`: children who turned 18 before month end n + 1 and so left care.
    - entries: one per child in the stock at month end n + 1 but not at n, with their age and group then.
    """

    outcomes: IntArray
    aged_out: IntArray
    entry_transition: IntArray
    entry_age: IntArray
    entry_group: IntArray

    @property
    def transitions(self) -> int:
        return int(self.outcomes.shape[0])

    def exposure(self) -> IntArray:
        """Children at risk of each outcome: shape (transitions, bands, groups)."""
        total: IntArray = self.outcomes.sum(axis=-1)
        return total

    def entries(self) -> IntArray:
        """Children coming into the stock in each transition."""
        return np.bincount(self.entry_transition, minlength=self.transitions)


def flows(panel: Panel) -> Flows:
    """The flows between every pair of consecutive month ends of the panel."""
    scheme = panel.scheme
    n, b, g = max(panel.months - 1, 0), scheme.n_bands, scheme.n_groups
    rows = panel.month < panel.months - 1
    ages_out = np.zeros(len(panel.month), dtype=bool)
    if scheme.ageing:
        ages_out = panel.age >= AGE_OUT_MONTHS - 1
    nxt = panel.next_rows()
    at_risk = rows & ~ages_out
    outcome = np.where(nxt >= 0, panel.group[np.maximum(nxt, 0)] + 1, 0)
    band = scheme.bands(panel.age)
    cell = ((panel.month * b + band) * g + panel.group) * (g + 1) + outcome
    counts = np.bincount(cell[at_risk], minlength=n * b * g * (g + 1)).reshape(n, b, g, g + 1)
    aged = np.bincount(panel.month[rows & ages_out], minlength=n)
    entering = (panel.month > 0) & ~panel.had_previous()
    return Flows(
        outcomes=counts,
        aged_out=aged,
        entry_transition=panel.month[entering] - 1,
        entry_age=panel.age[entering],
        entry_group=panel.group[entering],
    )
