"""RAG status: how a figure stands against its target and tolerance, in words as well as a colour.

For a measure where higher is better, with target T and tolerance t (lower is better mirrors it):

    blue   better than T by more than t          ("well above target")
    green  T or better, by up to t               ("on or above target")
    amber  worse than T by up to t               ("below target, within tolerance")
    red    worse than T by more than t           ("below target by more than the tolerance")

For a band [low, high] (too high and too low both concern): green inside the band (ends included), amber
outside it by up to t, red further out. Boundaries belong to the better status. Figures are compared as
shown (rounded as the DfE rounds), so what a reader sees and the status agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from cscperf.indicators.definition import Indicator
from cscperf.report.chart_request import Rag
from cscperf.report.config import TargetConfig
from cscperf.report.figures import shown

RAG_NAMES: dict[str, str] = {"blue": "Blue", "green": "Green", "amber": "Amber", "red": "Red", "none": "No status"}


@dataclass(frozen=True)
class Status:
    rag: Rag
    words: str  # e.g. "Amber: below target, within tolerance"
    short: str  # e.g. "Below target, within tolerance"


def default_tolerance(indicator: Indicator, target: TargetConfig) -> float:
    """Tolerance when the configuration gives none: 5 points for percentages, else a tenth of the target (or
    of the band's width)."""
    if target.tolerance is not None:
        return target.tolerance
    if indicator.unit == "percent":
        return 5.0
    if target.target is not None:
        return abs(target.target) / 10
    low, high = target.band or (0.0, 0.0)
    return (high - low) / 10


def rag_status(
    indicator: Indicator, value: float | None, target: TargetConfig | None, not_available: str | None = None
) -> Status:
    """The RAG status of a figure against its target (or band) and tolerance. A figure the data cannot
    support (`not_available` gives why) has no status: never red for a measure the data do not hold."""
    if not_available is not None:
        return Status("none", f"Not available: {not_available}", "Not available")
    if target is None:
        return Status("none", "No target: shown for context", "No target")
    if value is None:
        return Status("none", "No figure this period", "No figure")
    tolerance = default_tolerance(indicator, target)
    if target.band is not None:
        return _band_status(value, target.band, tolerance)
    assert target.target is not None
    higher_better = indicator.polarity != "lower_is_better"
    # how far the figure is on the good side of the target (negative: on the wrong side)
    margin = round((value - target.target) if higher_better else (target.target - value), 6)
    above, below = ("above", "below") if higher_better else ("below", "above")
    if margin > tolerance:
        rag: Rag = "blue"
        short = f"Well {above} target"
    elif margin >= 0:
        rag, short = "green", f"On or {above} target"
    elif -margin <= tolerance:
        rag, short = "amber", f"{below.capitalize()} target, within tolerance"
    else:
        rag, short = "red", f"{below.capitalize()} target by more than the tolerance"
    return Status(rag, f"{RAG_NAMES[rag]}: {short.lower()}", short)


def _band_status(value: float, band: tuple[float, float], tolerance: float) -> Status:
    low, high = band
    outside = round(max(low - value, value - high, 0.0), 6)
    side = "below" if value < low else "above"
    if outside == 0:
        rag: Rag = "green"
        short = "Within the band"
    elif outside <= tolerance:
        rag, short = "amber", f"Just {side} the band, within tolerance"
    else:
        rag, short = "red", f"{side.capitalize()} the band by more than the tolerance"
    return Status(rag, f"{RAG_NAMES[rag]}: {short.lower()}", short)


TARGET_KIND_SHORT = {"stretch": "stretch", "local": "local", "national": "national"}


def target_short(indicator: Indicator, target: TargetConfig | None) -> str:
    """The target in a few words for a table cell: "98% stretch", "100% national", "18% to 24%" (a local target
    is the usual kind and takes no word)."""
    if target is None:
        return "No target"
    kind = "" if target.kind == "local" else f" {TARGET_KIND_SHORT[target.kind]}"
    if target.band is not None:
        low, high = target.band
        return f"{shown(low, indicator.unit, 1, trim=True)} to {shown(high, indicator.unit, 1, trim=True)}{kind}"
    assert target.target is not None
    return f"{shown(target.target, indicator.unit, 1, trim=True, suffix=indicator.unit == 'percent')}{kind}"
