"""Paragraphs drafted from the data, in the seed report's style ("Most recent performance is 92% against a
stretch target of 98%; visits relating to 7 children were not carried out in time").

Every number in them is an engine figure (or a published comparator) for the indicator, rounded as shown in
the summary table; tests parse the paragraphs back and check each number.
"""

from __future__ import annotations

from dataclasses import dataclass

from cscperf.indicators.definition import load_library
from cscperf.report.appendix import ChartPlan
from cscperf.report.config import TARGET_KIND_WORDS
from cscperf.report.figures import count_text, month_name, n_of_d, number, people_count, shown
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
    if figures.indicator.unit != "rate_per_10k" or rate is None or p.denominator is None or p.value is None:
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
    if p.denominator is None:
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
    if p.value is None:
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
    ind = figures.indicator
    prev, year_ago, average = figures.previous, figures.year_ago, figures.average_12m
    parts = []
    if prev is not None and prev.value is None:
        parts.append(f"there is no figure for {month_name(prev.period_end)}")
    elif prev is not None:
        change = figures.change
        tail = ""
        if change is not None and change != 0:
            unit = ""
            if ind.unit == "percent":
                unit = " point" if abs(change) == 1 else " points"
            verdict = figures.change_words
            judged = f" ({verdict})" if verdict in ("better", "worse") else ""
            way = "higher" if change > 0 else "lower"
            tail = f", so the latest month is {number(abs(change), ind.decimals)}{unit} {way}{judged}"
        parts.append(f"In {month_name(prev.period_end)} it was {shown(prev.value, ind.unit, ind.decimals)}{tail}")
    if average is not None:
        parts.append(f"the average over the last 12 months is {shown(average, ind.unit, ind.decimals)}")
    if year_ago is not None and year_ago.value is not None:
        parts.append(f"a year earlier, in {month_name(year_ago.period_end)}, it was "
                     f"{shown(year_ago.value, ind.unit, ind.decimals)}")  # fmt: skip
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


def indicator_paragraph(figures: IndicatorFigures, plan: ChartPlan, not_in_time_children: int | None = None) -> str:
    """The paragraph for one indicator: chart, latest figure, target and status, trend, comparators, and the
    children behind a visits figure or the small-number warning."""
    sentences = [opening(figures, plan), latest_sentence(figures), target_sentence(figures), trend_sentence(figures)]
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
