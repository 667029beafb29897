"""Paragraphs drafted from the data, in the seed report's style ("Most recent performance is 92% against a
stretch target of 98%; visits relating to 7 children were not carried out in time").

Every number in them is an engine figure (or a published comparator) for the indicator, rounded as shown in
the summary table; tests parse the paragraphs back and check each number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cscperf.analysis.spc import MIN_POINTS, SpcPoint
from cscperf.indicators.definition import load_library
from cscperf.report.appendix import ChartPlan
from cscperf.report.config import TARGET_KIND_WORDS
from cscperf.report.figures import count_text, month_name, n_of_d, number, people_count, shown, within_possible
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.rag import RAG_NAMES, default_tolerance


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


def opening(figures: IndicatorFigures, plan: ChartPlan) -> str:
    title = _lower_first(figures.indicator.title)
    if plan.main == figures.indicator.id:
        return f"Chart {plan.number} shows {title}."
    return f"Chart {plan.number} also shows {title}."


def latest_sentence(figures: IndicatorFigures) -> str:
    ind, p = figures.indicator, figures.latest
    when = month_name(p.period_end)
    value = shown(p.value, ind.unit, ind.decimals)
    if not p.available:
        return f"There is no figure for {when}: {p.reason or 'the data loaded cannot support one'}."
    if p.value is None or p.numerator is None:
        if ind.unit == "rate_per_10k" and p.numerator:
            return (
                f"There is no rate for {when}: the store has no 0-17 population for the council (import the "
                f"comparators to add it). {_capital(people_count(p.numerator, figures.disclosure))} {ind.counts} "
                "were counted."
            )
        if p.denominator is None and ind.unit in ("percent", "ratio"):
            return f"There is no figure for {when}: the records this measure needs are not in the store."
        return f"There is no figure for {when}: there was nothing to measure in the period."
    if ind.unit == "count":
        if ind.period_kind == "flow":
            return f"There were {value} {_lower_first(ind.title)} in {when}."
        return f"At the end of {when} there were {value} {_lower_first(ind.title)}."
    if ind.unit == "rate_per_10k":
        return (
            f"At the end of {when} the rate was {number(p.value, ind.decimals)} per 10,000 children aged 0 to 17 "
            f"({people_count(p.numerator, figures.disclosure)} {ind.counts})."
        )
    if ind.unit == "ratio" and p.denominator is not None:
        return (
            f"The most recent figure, at the end of {when}, is {value}: "
            f"{people_count(p.numerator, figures.disclosure)} cases held by {count_text(p.denominator)} "
            f"full-time-equivalent {ind.counts}."
        )
    if ind.unit in ("ratio", "days"):
        return f"The most recent figure, at the end of {when}, is {value}."
    return f"Most recent performance is {value} in {when}{_pair(figures)}."


def target_sentence(figures: IndicatorFigures) -> str:
    ind, target, status = figures.indicator, figures.target, figures.status
    direction = figures.direction_words
    if target is None:
        return f"{direction}; there is no target."
    kind = TARGET_KIND_WORDS[target.kind]
    tolerance = default_tolerance(ind, target)
    unit = " points" if ind.unit == "percent" else ""
    if target.band is not None:
        aim = f"this is the {kind} band"
    else:
        assert target.target is not None
        aim = f"the {kind} is {shown(target.target, ind.unit, 1, trim=True)}"
    if status.rag == "none":
        return f"{direction}; {aim}."
    return (
        f"{direction}; {aim}, with a tolerance of {tolerance:g}{unit}, so the status is "
        f"{RAG_NAMES[status.rag]} ({_lower_first(status.short)})."
    )


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


def comparator_sentence(figures: IndicatorFigures) -> str:
    c, ind = figures.comparators, figures.indicator
    if c is None:
        return ""
    found = []
    if c.england is not None:
        found.append(f"England {shown(c.england, ind.unit, ind.decimals)}")
    if c.region is not None:
        found.append(f"{c.region_name or 'our region'} {shown(c.region, ind.unit, ind.decimals)}")
    if c.neighbours is not None:
        found.append(f"our {c.neighbour_words} {shown(c.neighbours, ind.unit, ind.decimals)}")
    if not found:
        return f"No England, region or neighbour figures were published for {c.year_label}."
    listed = ", ".join(found[:-1]) + (" and " if len(found) > 1 else "") + found[-1]
    return f"The latest published figures ({c.year_label}) are {listed}."


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
    if rule == "outside_limits":
        limit = shown(upper if high else lower, ind.unit, ind.decimals)
        return f"the latest month is {'above the upper' if high else 'below the lower'} process limit of {limit}"
    if rule == "two_of_three":
        limit = shown(upper if high else lower, ind.unit, ind.decimals)
        return f"two of the last three months are close to the {'upper' if high else 'lower'} process limit of {limit}"
    months = pattern_length(spc.points, rule)
    if rule == "trend":
        return f"the latest month is one of {months} in a row each {'higher' if high else 'lower'} than the one before"
    assert latest.mean is not None
    mean = shown(latest.mean, ind.unit, ind.decimals)
    return f"the latest month is one of {months} in a row {'above' if high else 'below'} the mean of {mean}"


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


def indicator_paragraph(figures: IndicatorFigures, plan: ChartPlan, not_in_time_children: int | None = None) -> str:
    """The paragraph for one indicator: chart, latest figure, target and status, trend, signal or noise,
    comparators, and the children behind a visits figure or the small-number warning."""
    sentences = [opening(figures, plan), latest_sentence(figures), target_sentence(figures), trend_sentence(figures),
                 spc_sentence(figures)]  # fmt: skip
    sentences.append(comparator_sentence(figures))
    if not_in_time_children is not None and figures.latest.value is not None:
        if not_in_time_children == 0:
            sentences.append("Every visit was carried out in time.")
        else:
            children = "child" if not_in_time_children == 1 else "children"
            if figures.disclosure.is_small(not_in_time_children):
                children = "children"
            how_many = people_count(not_in_time_children, figures.disclosure)
            sentences.append(f"Visits relating to {how_many} {children} were not carried out in time.")
    note = figures.small_number_note
    if note:
        sentences.append(note)
    return " ".join(s for s in sentences if s)
