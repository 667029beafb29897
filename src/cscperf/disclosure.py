"""Small-number disclosure control for anything members or other councils see.

A count of a few children in a breakdown (or a percentage built on one) can identify a child. Published
council-level statistics replace such cells with a symbol, and suppress a second cell where the first could
be worked out from a total ("secondary suppression"). This module holds that policy, as data, and the pure
functions every member-facing output uses: the committee paper, the web view for councillors and anything
shared across the councils of a region. Analysts' own outputs (kpis.xlsx, drill-downs, lists) keep the
numbers and are marked as not for publication instead.

Rules (the defaults follow the DfE's practice for council-level figures, 'c' for confidentiality):
- a count from 1 to ``threshold - 1`` is suppressed; zero is shown (a true zero discloses nothing);
- a percentage or rate whose numerator is suppressed is suppressed too;
- in a breakdown shown beside its total, if only one cell is suppressed, the next smallest non-zero cell
  is suppressed as well, so that the first cannot be recovered by subtraction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field


class DisclosurePolicy(BaseModel):
    """How small numbers are treated in member-facing outputs. Configurable under `[disclosure]`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: int = Field(default=5, ge=1, le=100)
    """Counts from 1 to threshold - 1 are suppressed."""
    secondary: bool = True
    """Suppress a second cell where one suppressed cell could be worked out from the total."""

    @property
    def label(self) -> str:
        """How a suppressed cell reads, e.g. 'fewer than 5'."""
        return f"fewer than {self.threshold}"

    def is_small(self, count: float | None) -> bool:
        """True for a count that must not be shown (1 to threshold - 1; never zero or None)."""
        return count is not None and 0 < count < self.threshold


DEFAULT_POLICY = DisclosurePolicy()


@dataclass(frozen=True)
class Cell:
    """One cell of a breakdown as it may be shown: its count, or None with the reason it is withheld."""

    key: str
    count: float | None
    suppressed: bool

    def shown(self, policy: DisclosurePolicy = DEFAULT_POLICY, decimals: int = 0) -> str:
        """The cell's text: the count, or the policy's label."""
        if self.suppressed or self.count is None:
            return policy.label
        return f"{self.count:,.{decimals}f}"


def suppress_breakdown(
    counts: Mapping[str, float], policy: DisclosurePolicy = DEFAULT_POLICY, *, total_shown: bool = True
) -> list[Cell]:
    """Primary and (where a total is shown) secondary suppression of one breakdown, in the input's order.

    >>> [c.suppressed for c in suppress_breakdown({"A": 20, "B": 3, "C": 7})]
    [False, True, True]
    """
    primary = {k for k, n in counts.items() if policy.is_small(n)}
    hidden = set(primary)
    if policy.secondary and total_shown and len(primary) == 1:
        candidates = sorted((n, k) for k, n in counts.items() if k not in hidden and n > 0)
        if candidates:
            hidden.add(candidates[0][1])
    return [Cell(k, None if k in hidden else n, k in hidden) for k, n in counts.items()]


def suppress_table(rows: Sequence[Mapping[str, float]], policy: DisclosurePolicy = DEFAULT_POLICY) -> list[list[Cell]]:
    """Suppression of several breakdowns (for example one per month), each treated on its own."""
    return [suppress_breakdown(row, policy) for row in rows]


def count_words(count: float | None, policy: DisclosurePolicy = DEFAULT_POLICY) -> str:
    """A count as members may read it: '12', '0', or 'fewer than 5'."""
    if count is None:
        return "not available"
    if policy.is_small(count):
        return policy.label
    return f"{count:,.0f}"


def n_of_d_words(
    numerator: float, denominator: float, what: str = "", policy: DisclosurePolicy = DEFAULT_POLICY
) -> str:
    """'12 of 150 plans', or 'fewer than 5 of 24 plans': the numerator never shown when small. A small
    denominator is shown as 'fewer than 5 plans' with no numerator at all (both would identify)."""
    if policy.is_small(denominator):
        return f"{policy.label} {what}".rstrip()
    return f"{count_words(numerator, policy)} of {denominator:,.0f} {what}".rstrip()


def value_may_be_shown(numerator: float | None, policy: DisclosurePolicy = DEFAULT_POLICY) -> bool:
    """Whether a percentage or rate built on this numerator may be shown to members."""
    return not policy.is_small(numerator)
