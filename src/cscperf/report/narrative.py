"""The sentences the paper's paragraphs are built from that are the engine's and SPC's own: what a rate would
mean at a comparator's rate (the seed's "at the neighbours' rate we would have 430 children in care"), the month
before and a year earlier, and signal or noise (`paragraphs` composes them into each chart's paragraph).

Every number in them is an engine figure (or a published comparator) for the indicator, rounded as shown in
the summary table; tests parse the paragraphs back and check each number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cscperf.analysis.spc import MIN_POINTS, SpcPoint
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import round_as_dfe
from cscperf.report.figures import month_name, n_of_d, number, shown, within_possible
from cscperf.report.indicator_figures import IndicatorFigures


@dataclass(frozen=True)
class Counterfactual:
    """What a rate per 10,000 would mean in children if ours matched a comparator's."""

    indicator_id: str
    comparator: str  # "statistical neighbours' average", "England"
    rate: float
    population: float
    children_now: int
    children_at_rate: int

    @property
    def difference(self) -> int:
        return self.children_at_rate - self.children_now


def counterfactual(figures: IndicatorFigures, comparator: str, rate: float | None) -> Counterfactual | None:
    """Children at the comparator's rate: rate x our 0-17 population / 10,000, to the nearest child."""
    p = figures.latest
    if (
        figures.indicator.unit != "rate_per_10k"
        or rate is None
        or p.denominator is None
        or p.numerator is None
        or p.value is None
    ):
        return None
    at_rate = int(number(rate * p.denominator / 10_000, 0).replace(",", ""))
    return Counterfactual(figures.indicator.id, comparator, rate, p.denominator, int(p.numerator), at_rate)


CHILDREN_PHRASE = {
    "cla_rate_per_10k": ("look after", "children", "in care"),
    "cp_rate_per_10k": ("have", "children on child protection plans", "on plans"),
}


def counterfactual_sentence(c: Counterfactual) -> str:
    verb, children, _ = CHILDREN_PHRASE.get(c.indicator_id, ("have", "children", ""))
    if c.difference == 0:
        gap = "the same number as now"
    else:
        gap = f"{abs(c.difference):,} {'more' if c.difference > 0 else 'fewer'} than now"
    return (
        f"if our rate matched the {c.comparator} of {number(c.rate, load_library()[c.indicator_id].decimals)} per "
        f"10,000, we would {verb} "
        f"{c.children_at_rate:,} {children}, {gap}."
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _pair(figures: IndicatorFigures) -> str:
    """ "(398 of 429 visits)" for a percentage; full-time equivalents for the workforce."""
    p = figures.latest
    if p.denominator is None or p.numerator is None:
        return ""
    counts = figures.indicator.counts
    fte = not (float(p.numerator).is_integer() and float(p.denominator).is_integer())
    what = f"full-time-equivalent {counts}" if fte else counts
    return f" ({n_of_d(p.numerator, p.denominator, what, figures.disclosure)})"


def trend_sentence(figures: IndicatorFigures) -> str:
    """The month before, the 12-month average and a year earlier. The change on last month is called better or
    worse only when the latest month is a signal pointing that way, and is not worked out across a series
    break."""
    ind = figures.indicator
    prev, year_ago, average = figures.previous, figures.year_ago, figures.average_12m
    parts = []
    broken = figures.break_since_previous
    if prev is not None and prev.value is None:
        parts.append(f"there is no figure for {month_name(prev.period_end)}")
    elif prev is not None:
        change = figures.change
        tail = ""
        if broken is not None and figures.latest.value is not None:
            tail = (f"; the series breaks between the two months ({_lower_first(broken.text)}, "
                    f"{_long_date(broken.date)}), so they are not compared")  # fmt: skip
        elif change is not None and change != 0:
            unit = ""
            if ind.unit == "percent":
                unit = " point" if abs(change) == 1 else " points"
            verdict = figures.change_verdict
            judged = f" ({verdict})" if verdict else ""
            way = "higher" if change > 0 else "lower"
            tail = f", so the latest month is {number(abs(change), ind.decimals)}{unit} {way}{judged}"
        parts.append(f"In {month_name(prev.period_end)} it was {shown(prev.value, ind.unit, ind.decimals)}{tail}")
    if average is not None:
        parts.append(f"the average over the last 12 months is {shown(average, ind.unit, ind.decimals)}")
    if year_ago is not None and year_ago.value is not None:
        before = figures.break_since(year_ago)
        caveat = f" (before the series break of {_long_date(before.date)})" if before is not None else ""
        parts.append(f"a year earlier, in {month_name(year_ago.period_end)}, it was "
                     f"{shown(year_ago.value, ind.unit, ind.decimals)}{caveat}")  # fmt: skip
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def spc_sentence(figures: IndicatorFigures) -> str:
    """Signal or noise: whether the latest month is within normal variation or a special cause, against the
    process limits of the months since the last series break (docs/spc.md)."""
    spc = figures.spc
    if spc is None or figures.latest.value is None or not spc.points:
        return ""
    segment = spc.current
    if segment is None or segment.limits is None or segment.limits.mean_moving_range is None:
        return "There are too few figures yet to tell a signal from normal variation."
    limits = limit_range(figures)
    basis = _basis(figures)
    if segment.trial:
        return (f"There are only {segment.points} months of figures {basis}, too few to tell a signal from normal "
                f"variation with confidence ({MIN_POINTS} are needed); the process limits drawn on the chart, "
                f"{limits}, are provisional.")  # fmt: skip
    latest = spc.points[-1]
    if latest.signal is None or latest.direction is None:
        return (f"This is within normal variation, not a signal: the latest month lies within the process limits of "
                f"{limits} worked out from {basis}, and is not part of a run or a trend.")  # fmt: skip
    return f"This is a signal, not noise: {_rule_words(figures)}, which is {SIGNAL_VERDICT[latest.signal]}."


SIGNAL_VERDICT = {
    "improvement": "special cause variation of an improving nature",
    "concern": "special cause variation of a concerning nature",
    "neutral_high": "special cause variation (unusually high, in a measure with no better direction)",
    "neutral_low": "special cause variation (unusually low, in a measure with no better direction)",
}


def limit_range(figures: IndicatorFigures) -> str:
    """The current process limits as a reader sees them ("85% to 99%"), kept within what the measure can take
    (no percentage above 100, no figure below 0)."""
    lower, upper = shown_limits(figures)
    ind = figures.indicator
    return f"{shown(lower, ind.unit, ind.decimals)} to {shown(upper, ind.unit, ind.decimals)}"


def shown_limits(figures: IndicatorFigures) -> tuple[float, float]:
    """The current lower and upper process limits, kept within the measure's possible range."""
    assert figures.spc is not None and figures.spc.current is not None
    limits = figures.spc.current.limits
    assert limits is not None and limits.lower is not None and limits.upper is not None
    unit = figures.indicator.unit
    return within_possible(limits.lower, unit), within_possible(limits.upper, unit)


def _basis(figures: IndicatorFigures) -> str:
    """Which months the limits come from: "the 25 months shown", "the months since the series break on ..." """
    assert figures.spc is not None and figures.spc.current is not None
    segment = figures.spc.current
    fixed = segment.baseline_points < segment.points
    if segment.break_date is not None:
        event = next((b for b in figures.breaks if b.date == segment.break_date), None)
        what = f" ({_lower_first(event.text)})" if event is not None else ""
        since = f"since the series break on {_long_date(segment.break_date)}{what}"
        if fixed:
            return f"the first {segment.baseline_points} months {since}"
        return since if segment.trial else f"the months {since}"
    if segment.trial:
        return "so far"
    if fixed:
        return f"the first {segment.baseline_points} of the {segment.points} months shown"
    return f"the {segment.points} months shown"


def _rule_words(figures: IndicatorFigures) -> str:
    """The pattern that makes the latest month a signal, in words."""
    assert figures.spc is not None
    ind, spc = figures.indicator, figures.spc
    latest = spc.points[-1]
    high = latest.direction == "high"
    rule = latest.rules[0]
    lower, upper = shown_limits(figures)
    value = latest.value
    if rule == "outside_limits":
        edge = upper if high else lower
        limit = _apart(value, edge, ind.unit, ind.decimals)
        return f"the latest month is {'above the upper' if high else 'below the lower'} process limit of {limit}"
    if rule == "two_of_three":
        limit = shown(upper if high else lower, ind.unit, ind.decimals)
        return f"two of the last three months are close to the {'upper' if high else 'lower'} process limit of {limit}"
    months = pattern_length(spc.points, rule)
    if rule == "trend":
        return f"the latest month is one of {months} in a row each {'higher' if high else 'lower'} than the one before"
    assert latest.mean is not None
    mean = _apart(value, latest.mean, ind.unit, ind.decimals)
    return f"the latest month is one of {months} in a row {'above' if high else 'below'} the mean of {mean}"


def _apart(value: float | None, reference: float, unit: str, decimals: int) -> str:
    """A mean or process limit compared with the month's figure, with up to two more decimals where at the
    measure's own it would read as the figure: "100% ... above the mean of 99.8%", never "of 100%". The month's
    figure is the engine's, rounded to the measure's decimals, and is what the analysis judged, so it is never
    given more decimals than it has."""
    if value is not None:
        for extra in range(3):
            if round_as_dfe(reference, decimals + extra) != value:
                return shown(reference, unit, decimals + extra)
    return shown(reference, unit, decimals)


def pattern_length(points: Sequence[SpcPoint], rule: str) -> int:
    """How many months, back from the latest, make up the run or trend the latest month belongs to."""
    known = [p for p in points if p.value is not None]
    latest = known[-1]
    count = 1
    for before, after in zip(reversed(known[:-1]), reversed(known[1:]), strict=True):
        if rule not in before.rules or before.segment != latest.segment:
            break
        assert before.value is not None and after.value is not None and before.mean is not None
        if rule == "trend" and (after.value > before.value) != (latest.direction == "high"):
            break
        if rule == "run" and (before.value > before.mean) != (latest.direction == "high"):
            break
        count += 1
    return count
