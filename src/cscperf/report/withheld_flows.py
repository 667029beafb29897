"""Counts of events withheld together with one another, for whatever members read (the paper, the web service's
pages for members): the children in care at the end of a month = those at the end of the month before + the
children who started to be looked after - those who stopped. So where one of those two counts is from 1 to the
threshold less one, and withheld, the other is withheld beside it, or the two month-end counts would give it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from cscperf.disclosure import DisclosurePolicy
from cscperf.report.indicator_figures import IndicatorFigures

FLOWS_TOGETHER = ("cla_started", "cla_ceased")


def flows_withheld_months(
    figures: Mapping[str, IndicatorFigures], policy: DisclosurePolicy | None = None
) -> dict[str, frozenset[dt.date]]:
    """For each of children starting and leaving care, the months in which it is withheld beside the other: the
    other is small there, and this one is not. `policy`: each figure's own (the paper's) when not given. A
    count's numerator is the count itself, and stays when a small figure's value is taken away."""
    present = [figures[i] for i in FLOWS_TOGETHER if i in figures]

    def small(f: IndicatorFigures, count: float | None) -> bool:
        return (policy or f.disclosure).is_small(count)

    months = {p.period_end for f in present for p in f.points if small(f, p.numerator)}
    return {f.indicator.id: frozenset(p.period_end for p in f.points if p.period_end in months
                                      and not small(f, p.numerator)) for f in present}  # fmt: skip
