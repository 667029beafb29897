"""A region's figures: every council's indicators beside the region's aggregate, as the councils of a region
(or England's 153) share them.

The aggregate pools the councils' units: numerators and denominators are summed over the councils (for a
rate per 10,000, the councils' populations), and the figure is worked from the sums, as the DfE works a
regional figure from councils' returns (never an average of the councils' percentages). Anything shared
across councils is member-facing in the sense of `cscperf.disclosure`: a council's figure built on a small
count is withheld ("fewer than 5"), and where one council's figure alone is withheld beside the region's
total, the next smallest is withheld too, so the first cannot be worked out by subtraction.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy
from cscperf.errors import DataProblem
from cscperf.indicators.definition import Indicator
from cscperf.indicators.engine import Point, Result, round_as_dfe, value_of

REGION = "ALL"
"""The code --la takes for every council the store (or the user's role) holds, and the aggregate's code."""


@dataclass(frozen=True)
class Shared:
    """One figure as it may be shared: None where it is withheld (`withheld` says why)."""

    area: str  # a council's code, or ALL for the aggregate
    period_start: dt.date
    period_end: dt.date
    numerator: float | None
    denominator: float | None
    value: float | None
    councils: int  # councils pooled (1 for a council)
    withheld: str | None = None


@dataclass
class RegionResult:
    indicator: Indicator
    region: list[Shared] = field(default_factory=list)
    councils: dict[str, list[Shared]] = field(default_factory=dict)


def regional(results: list[Result], policy: DisclosurePolicy = DEFAULT_POLICY) -> list[RegionResult]:
    """Each indicator's aggregate over the councils in `results`, and each council's figures, with small
    numbers withheld."""
    out = []
    for result in results:
        ind = result.indicator
        by_period: dict[tuple[dt.date, dt.date], list[Point]] = {}
        for p in result.points:
            if p.group is None:
                by_period.setdefault((p.period_start, p.period_end), []).append(p)
        region = RegionResult(ind)
        for (start, end), points in sorted(by_period.items()):
            region.region.append(_aggregate(ind, start, end, points, policy))
            for shared in _councils(ind, points, policy):
                region.councils.setdefault(shared.area, []).append(shared)
        out.append(region)
    return out


def _aggregate(ind: Indicator, start: dt.date, end: dt.date, points: list[Point], policy: DisclosurePolicy) -> Shared:
    missing = [p for p in points if p.numerator is None]
    if missing:  # a council's data do not support the figure: a pooled figure without it would mislead
        # each council with its own reason (one council's had been given for all: "after the data end on 31
        # March 2023" for a council whose data end in 2026)
        told = [f"{p.la_code} ({p.reason})" if p.reason else p.la_code for p in missing[:5]]
        why = f"not available for council {'; '.join(told)}" + (" ..." if len(missing) > 5 else "")
        return Shared(REGION, start, end, None, None, None, len(points), why)
    numerator = round(sum(p.numerator or 0 for p in points), 6)
    # a council with no units adds nothing; but a rate needs every council's population (without one, the
    # pooled rate would be too low)
    complete = ind.unit != "rate_per_10k" or all(p.denominator is not None for p in points)
    denominator = round(sum(p.denominator or 0 for p in points), 6) if ind.unit != "count" else None
    value = round_as_dfe(value_of(ind, numerator, denominator), ind.decimals) if complete else None
    withheld = None
    if not complete:
        withheld = "not every council's population is in the store for this period"
    elif policy.is_small(numerator) or (ind.unit in ("percent", "ratio", "days") and policy.is_small(denominator)):
        withheld = policy.label
    if withheld:
        return Shared(REGION, start, end, None, None, None, len(points), withheld)
    return Shared(REGION, start, end, numerator, None if ind.unit == "count" else denominator, value, len(points))


def _councils(ind: Indicator, points: list[Point], policy: DisclosurePolicy) -> list[Shared]:
    """Each council's figure, small ones withheld, and a second one where one alone would be recoverable."""
    shown = [p for p in points if p.numerator is not None]
    small = {
        p.la_code
        for p in shown
        if policy.is_small(p.numerator) or (ind.unit in ("percent", "ratio", "days") and policy.is_small(p.denominator))
    }
    if policy.secondary and len(small) == 1:
        others = sorted(
            (p.numerator or 0, p.la_code) for p in shown if p.la_code not in small and (p.numerator or 0) > 0
        )
        if others:
            small.add(others[0][1])
    shared = []
    for p in sorted(points, key=lambda q: q.la_code):
        if p.numerator is None:
            why = f"not available: {p.reason}" if p.reason else "not available"
            shared.append(Shared(p.la_code, p.period_start, p.period_end, None, None, None, 1, why))
        elif p.la_code in small:
            shared.append(Shared(p.la_code, p.period_start, p.period_end, None, None, None, 1, policy.label))
        else:
            shared.append(Shared(p.la_code, p.period_start, p.period_end, p.numerator, p.denominator, p.value, 1))
    return shared


def read_disclosure(config: Path | None) -> DisclosurePolicy:
    """The `[disclosure]` table of cscperf.toml (the DfE's practice by default)."""
    if config is None:
        return DEFAULT_POLICY
    try:
        with config.open("rb") as handle:
            found = tomllib.load(handle).get("disclosure", {})
        return DisclosurePolicy.model_validate(found)
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise DataProblem(f"The [disclosure] settings in {config} could not be used: {exc}") from None
