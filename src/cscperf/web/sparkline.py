"""A small trend line for the dashboard, drawn on the server as SVG (no script), with its words for a screen
reader: the months it covers and the first and latest figures."""

from __future__ import annotations

from dataclasses import dataclass

from cscperf.report.figures import month_short, shown
from cscperf.report.indicator_figures import IndicatorFigures

WIDTH = 120
HEIGHT = 32
PAD = 3


@dataclass(frozen=True)
class Sparkline:
    points: str  # "x,y x,y ..." for a <polyline>; empty when fewer than two months have a figure
    last_x: float
    last_y: float
    label: str


def sparkline(figures: IndicatorFigures, months: int = 13) -> Sparkline:
    ind = figures.indicator
    recent = figures.points[-months:]
    known = [(i, p) for i, p in enumerate(recent) if p.value is not None]
    if len(known) < 2:
        return Sparkline("", 0, 0, f"Trend of {ind.title}: not enough months with a figure to draw")
    values = [float(p.value) for _, p in known if p.value is not None]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(1, len(recent) - 1)
    coords = [(PAD + i * step, PAD + (HEIGHT - 2 * PAD) * (1 - (float(p.value or 0) - low) / span)) for i, p in known]
    first, last = known[0][1], known[-1][1]
    label = (
        f"Trend of {ind.title} from {month_short(first.period_end)} ({shown(first.value, ind.unit, ind.decimals)}) "
        f"to {month_short(last.period_end)} ({shown(last.value, ind.unit, ind.decimals)}); lowest "
        f"{shown(low, ind.unit, ind.decimals)}, highest {shown(high, ind.unit, ind.decimals)}"
    )
    text = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    return Sparkline(text, round(coords[-1][0], 1), round(coords[-1][1], 1), label)
