"""Social workers needed: case-holding demand turned into qualified FTE, set against those in post.

Demand is the cases qualified social workers hold (as the average caseload indicator counts them), forecast
from its two parts:
- children looked after who have an allocated worker: the children-in-care forecast times the share of them
  allocated at the start;
- other allocated children (children in need, including those being assessed, and children on child protection
  plans): a stock-and-flow model of its own, with the same estimation and simulation as children in care
  (newly allocated children from referrals coming in, cases moving between child in need and child protection,
  and cases closing), but no age bands.
Children are turned into cases by the cases a child counts for at the start (a child allocated to two workers
is two cases).

FTE needed = cases / caseload target. FTE in post falls each month by the turnover rate (a monthly share
giving the annual rate over a year). To hold caseloads at the target at the central forecast, starters are
needed each month for the gap that opens, but a post takes `months_to_recruit` to fill, so until then the gap
must be covered otherwise (agency workers, overtime, higher caseloads). Funded posts needed are FTE needed
divided by (1 - vacancy rate): the establishment that, at the council's usual vacancy rate, would leave that
many FTE in post.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from cscperf.analysis.forecast.panel import Scheme
from cscperf.analysis.forecast.spread import Spread, spreads

CASE_KINDS: Final = ("cin", "cp")
"""The caseload model's groups: children in need (including those being assessed) and on a CP plan."""

CASELOAD_SCHEME: Final = Scheme(n_bands=1, n_groups=len(CASE_KINDS), ageing=False)

ENGLAND_TURNOVER: Final = 11.8
ENGLAND_VACANCY: Final = 14.2
ENGLAND_SOURCE: Final = "England, DfE Children's social work workforce 2025 (at 30 September 2025)"
DEFAULT_MONTHS_TO_RECRUIT: Final = 4.0
MIN_REFILLS: Final = 5
"""Posts refilled in the last 24 months needed before the council's own time to recruit is used."""


@dataclass(frozen=True)
class Setting:
    """A workforce figure and where it came from."""

    value: float
    source: str


@dataclass(frozen=True)
class WorkforceInputs:
    caseload_target: Setting
    fte_in_post: float
    turnover_rate: Setting  # percent a year
    vacancy_rate: Setting  # percent
    months_to_recruit: Setting
    cases_per_child: float
    looked_after_allocated: float  # share of children looked after with an allocated qualified worker
    funded_posts_fte: float | None


@dataclass(frozen=True)
class WorkforceMonth:
    month: dt.date
    cases: Spread
    fte_needed: Spread
    fte_in_post_without_recruiting: float
    fte_in_post_with_recruiting: float
    starters_needed: float
    recruitment_to_start: float | None  # FTE to start recruiting this month (None: beyond the horizon)
    gap_to_cover: float  # FTE short of the need (central estimate) until recruits arrive
    funded_posts_needed: float


def months_to_recruit(refill_days: Sequence[int]) -> float | None:
    """The median months from an employed worker leaving a post to the next starting in it, or None when too
    few posts were refilled to say. (Posts still empty are not counted, so this errs on the short side.)"""
    if len(refill_days) < MIN_REFILLS:
        return None
    return float(np.median(np.asarray(refill_days, dtype=np.float64))) / (365.25 / 12)


def plan(
    cases: npt.NDArray[np.floating],
    month_ends: Sequence[dt.date],
    inputs: WorkforceInputs,
) -> list[WorkforceMonth]:
    """Month by month (month_ends[1:]): the FTE needed against the FTE in post, and the recruiting it takes.

    `cases` is shape (runs, months + 1), its first column the start."""
    target = inputs.caseload_target.value
    need = cases / target
    case_spreads, need_spreads = spreads(cases), spreads(need)
    leaving = 1.0 - (1.0 - inputs.turnover_rate.value / 100.0) ** (1.0 / 12.0)
    lead = math.ceil(inputs.months_to_recruit.value)
    horizon = cases.shape[1] - 1
    without = [inputs.fte_in_post * (1.0 - leaving) ** t for t in range(horizon + 1)]
    with_recruits = [inputs.fte_in_post]
    starters = [0.0]
    for t in range(1, horizon + 1):
        staying = with_recruits[-1] * (1.0 - leaving)
        joining = max(0.0, need_spreads[t].p50 - staying) if t > lead else 0.0
        starters.append(joining)
        with_recruits.append(staying + joining)
    funded = 1.0 - inputs.vacancy_rate.value / 100.0
    out = []
    for t in range(1, horizon + 1):
        ahead = t + lead
        out.append(
            WorkforceMonth(
                month=month_ends[t],
                cases=case_spreads[t],
                fte_needed=need_spreads[t],
                fte_in_post_without_recruiting=without[t],
                fte_in_post_with_recruiting=with_recruits[t],
                starters_needed=starters[t],
                recruitment_to_start=starters[ahead] if ahead <= horizon else None,
                gap_to_cover=max(0.0, need_spreads[t].p50 - with_recruits[t]),
                funded_posts_needed=need_spreads[t].p50 / funded if funded > 0 else math.inf,
            )
        )
    return out


def recruits_in(months: Sequence[WorkforceMonth], first: int, last: int) -> float:
    """FTE starting in forecast months first to last (1-based, inclusive)."""
    return sum(m.starters_needed for m in months[first - 1 : last])
