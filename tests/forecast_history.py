"""Hand-built histories for the forecast's tests: panels written child by child, and councils whose monthly rates
are fixed and known."""

from __future__ import annotations

import datetime as dt

import numpy as np

from cscperf.analysis.forecast.ages import UNKNOWN_AGE
from cscperf.analysis.forecast.panel import Panel
from cscperf.analysis.forecast.reading import month_ends

END = dt.date(2026, 10, 31)


def panel_from(rows: list[tuple[int, int, int, int]], months: int, end: dt.date = END) -> Panel:
    """A panel from (month index, child, age in months, group) rows over `months` month ends ending at `end`."""
    a = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return Panel(tuple(month_ends(end, months)), a[:, 0], a[:, 1], a[:, 2], a[:, 3])


def steady_fostering(months: int = 25, stock: int = 100, turnover: int = 5) -> Panel:
    """`stock` children in in-house fostering (group 0) at every month end, aged 5 to 6 at the start; each month
    exactly `turnover` leave (the longest there) and as many come in, aged 5 (60 months). Leaving rate:
    turnover / stock a month; entries: turnover a month; nobody moves."""
    rows: list[tuple[int, int, int, int]] = []
    children = [(c, 60 + c % 20) for c in range(stock)]  # (child, age at month 0)
    entered = {c: 0 for c, _ in children}
    next_child = stock
    for m in range(months):
        for c, age0 in children:
            rows.append((m, c, age0 + (m - entered[c]), 0))
        children = children[turnover:]
        for _ in range(turnover):
            children.append((next_child, 60))
            entered[next_child] = m + 1
            next_child += 1
    return panel_from(rows, months)


def two_groups(months: int = 25) -> Panel:
    """Known rates: 100 children in in-house fostering (group 0) and 20 in residential (group 3) at every month
    end, aged 5 to 9 throughout. Each month: 5 leave fostering, 2 move from fostering to residential, 2 leave
    residential, and 7 come into fostering. So, a month: leaving fostering 5/100, fostering to residential 2/100,
    leaving residential 2/20; 7 entries."""
    rows: list[tuple[int, int, int, int]] = []
    fostering = list(range(100))
    residential = list(range(100, 120))
    next_child = 120
    age0 = {c: 60 + c % 12 for c in range(120)}
    start = dict.fromkeys(range(120), 0)
    for m in range(months):
        rows += [(m, c, age0[c] + m - start[c], 0) for c in fostering]
        rows += [(m, c, age0[c] + m - start[c], 3) for c in residential]
        movers = fostering[5:7]  # fostering[:5] leave
        fostering = fostering[7:]
        residential = residential[2:] + movers  # residential[:2] leave
        for _ in range(7):
            fostering.append(next_child)
            age0[next_child], start[next_child] = 60, m + 1
            next_child += 1
    return panel_from(rows, months)


def constant_rates(
    seed: int, months: int = 61, start_stock: int = 100, entries: float = 12.0, leaving: float = 0.03
) -> Panel:
    """A council whose rates never change, but whose number in care does: it starts at `start_stock` children in
    in-house fostering and grows towards entries / leaving (400). Each month each child leaves with probability
    `leaving` and a Poisson(`entries`) number come in; ages are not recorded (so nobody ages out)."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[int, int, int, int]] = []
    alive = list(range(start_stock))
    next_child = start_stock
    for m in range(months):
        rows += [(m, c, UNKNOWN_AGE, 0) for c in alive]
        alive = [c for c in alive if rng.random() >= leaving]
        for _ in range(rng.poisson(entries)):
            alive.append(next_child)
            next_child += 1
    return panel_from(rows, months)
