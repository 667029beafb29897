"""Placement costs: weekly unit costs per placement group, and projected spend month by month and year by year.

Spend in a month is the children in each group (the average of the month's first and last day, taken as the
two month ends) times the group's weekly cost times the weeks in the month, uplifted each year by the
configured rate from the middle of the unit costs' price year. Each simulated future is costed on its own, so
spend has the same 80% and 95% ranges as the numbers in care.

Unit costs, in order of preference: the council's own figure in the configuration; the average weekly cost of
the council's own placements in its section 251 finance records (`ssd_s251_finance`) open in the reference
period, where at least MIN_COSTED_PLACEMENTS placements of the group are costed; the published default below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from cscperf.analysis.forecast.groups import GROUPS, PlacementGroup
from cscperf.analysis.forecast.spread import Spread, spread, spreads
from cscperf.reporting_periods import financial_year_label, financial_year_of

RESIDENTIAL_FLOOR: Final = 3000.0
"""No residential placement is costed below £3,000 a week: "Residential placements ... costing at least £3,000
per week and often significantly more" (the seed report, paragraph 4.24)."""

MIN_COSTED_PLACEMENTS: Final = 5
"""A group's cost comes from the council's own finance records only when this many of its placements are costed."""

PRICE_YEAR: Final = "2024-25"

_S251: Final = "DfE section 251 outturn 2024-25, England, weekly unit cost (LAIT)"

DEFAULT_UNIT_COSTS: Final[dict[PlacementGroup, tuple[float, str]]] = {
    PlacementGroup.FOSTERING_IN_HOUSE: (
        765.0,
        f"{_S251}, foster care: in-house and independent together (the outturn does not split them)",
    ),
    PlacementGroup.FOSTERING_INDEPENDENT: (
        765.0,
        f"{_S251}, foster care: in-house and independent together (the outturn does not split them; independent "
        "agencies usually cost more, so set your own figure)",
    ),
    PlacementGroup.KINSHIP: (
        765.0,
        f"{_S251}, foster care (kinship care is not published separately)",
    ),
    PlacementGroup.RESIDENTIAL: (
        7385.0,
        f"{_S251}, residential care (K1, K2, R1 and S1 care days); never below the seed report's £3,000 a week",
    ),
    PlacementGroup.SUPPORTED_ACCOMMODATION: (
        2100.0,
        f"{_S251}, all children looked after (no published figure for supported accommodation alone)",
    ),
    PlacementGroup.PLACED_WITH_PARENTS: (
        0.0,
        "No placement payment: the child lives at home (support costs sit in social work budgets)",
    ),
    PlacementGroup.OTHER: (
        2100.0,
        f"{_S251}, all children looked after",
    ),
}
"""Published weekly unit costs (England, 2024-25 prices) and where each comes from. The DfE publishes a weekly
unit cost for foster care, residential care and all children looked after (section 251 outturn, in LAIT:
FosteringFinance 765, RescareFinance 7,385, LACFinance 2,100 for 2024-25); nothing is published for in-house
against independent fostering, kinship care or supported accommodation alone."""


@dataclass(frozen=True)
class CostRecord:
    """A placement's weekly cost from the council's section 251 finance records."""

    group: PlacementGroup
    weekly_cost: float
    days_in_period: int


@dataclass(frozen=True)
class UnitCost:
    """One group's weekly cost and where it came from."""

    group: PlacementGroup
    weekly: float
    source: str
    kind: str  # "configured", "finance_records" or "published_default"


def unit_costs(
    configured: Mapping[PlacementGroup, float | None],
    records: Sequence[CostRecord],
    notes: list[str],
) -> list[UnitCost]:
    """Each group's weekly cost: configured, else from the finance records, else the published default."""
    out = []
    for group in GROUPS:
        chosen = configured.get(group)
        own = [r for r in records if r.group == group]
        if chosen is not None:
            out.append(UnitCost(group, float(chosen), "your configuration ([forecast.unit_costs])", "configured"))
        elif len(own) >= MIN_COSTED_PLACEMENTS:
            days = sum(r.days_in_period for r in own)
            weekly = sum(r.weekly_cost * r.days_in_period for r in own) / days
            if group == PlacementGroup.RESIDENTIAL and weekly < RESIDENTIAL_FLOOR:
                notes.append(
                    f"Your finance records average £{weekly:,.0f} a week for residential placements, below the "
                    f"£{RESIDENTIAL_FLOOR:,.0f} floor (the seed report: 'at least £3,000 per week'); "
                    f"£{RESIDENTIAL_FLOOR:,.0f} is used. Check the records."
                )
                weekly = RESIDENTIAL_FLOOR
            source = f"your section 251 finance records ({len(own)} placements, weighted by days)"
            out.append(UnitCost(group, weekly, source, "finance_records"))
        else:
            weekly, source = DEFAULT_UNIT_COSTS[group]
            out.append(UnitCost(group, weekly, source, "published_default"))
    return out


def price_base(price_year: str) -> dt.date:
    """The middle of a financial year written 2024-25: 30 September 2024."""
    return dt.date(int(price_year[:4]), 9, 30)


def monthly_spend(
    by_group: npt.NDArray[np.integer],
    month_ends: Sequence[dt.date],
    weekly: Sequence[float],
    uplift: float,
    base: dt.date,
) -> npt.NDArray[np.float64]:
    """Spend in each forecast month of each run and group: shape (runs, months, groups), from the children in
    each group at each month end (shape (runs, months + 1, groups), the first being the start)."""
    counts = np.asarray(by_group, dtype=np.float64)
    average = (counts[:, :-1] + counts[:, 1:]) / 2.0
    weeks = np.array([(end - end.replace(day=1)).days + 1 for end in month_ends[1:]], dtype=np.float64) / 7.0
    middle = [end.replace(day=15) for end in month_ends[1:]]
    factor = np.array([(1.0 + uplift) ** ((m - base).days / 365.25) for m in middle])
    spend: npt.NDArray[np.float64] = average * np.asarray(weekly)[None, None, :] * (weeks * factor)[None, :, None]
    return spend


@dataclass(frozen=True)
class YearSpend:
    """Spend over a financial year (or the part of it the forecast covers)."""

    label: str  # "2027-28"
    months: int  # forecast months in the year
    first_month: dt.date
    last_month: dt.date
    total: Spread
    by_placement: dict[PlacementGroup, Spread]

    @property
    def whole(self) -> bool:
        return self.months == 12


def yearly(spend: npt.NDArray[np.float64], month_ends: Sequence[dt.date]) -> list[YearSpend]:
    """Spend per financial year over the forecast months (month_ends[1:])."""
    forecast_months = list(month_ends[1:])
    years: dict[int, list[int]] = {}
    for i, end in enumerate(forecast_months):
        years.setdefault(financial_year_of(end), []).append(i)
    out = []
    for year, idx in years.items():
        part = spend[:, idx, :].sum(axis=1)  # (runs, groups)
        out.append(
            YearSpend(
                label=financial_year_label(year),
                months=len(idx),
                first_month=forecast_months[idx[0]],
                last_month=forecast_months[idx[-1]],
                total=spread(part.sum(axis=1)),
                by_placement={g: s for g, s in zip(GROUPS, spreads(part), strict=True)},
            )
        )
    return out


def year_differences(
    scenario: npt.NDArray[np.float64], baseline: npt.NDArray[np.float64], month_ends: Sequence[dt.date]
) -> tuple[list[tuple[str, int, Spread]], Spread]:
    """What a scenario costs (positive) or saves (negative) against the baseline, run by run: per financial
    year (label, months, spread) and over the whole horizon."""
    difference = scenario.sum(axis=2) - baseline.sum(axis=2)  # (runs, months)
    years: dict[int, list[int]] = {}
    for i, end in enumerate(month_ends[1:]):
        years.setdefault(financial_year_of(end), []).append(i)
    per_year = [(financial_year_label(y), len(idx), spread(difference[:, idx].sum(axis=1))) for y, idx in years.items()]
    return per_year, spread(difference.sum(axis=1))
