"""The paragraph for each chart of the paper, drafted from the data in the seed report's manner.

A paragraph tells what the data say first: a red measure leads with how far it misses its target, a signal with
the signal, a measure that is on target but stands out against England and the neighbours with that, a measure
shown for context with its level. Then, as they apply: the judgement against the target (on the 12 months for
a measure resting on few cases a month, and saying so), the movement in the language of statistical process
control (signal, not noise; or normal variation, not a signal), the published comparison, and the related
measures on the chart's page. Each kind of sentence has more than one wording, and a paragraph never uses the
wording the paragraph before it used, so that no two paragraphs in a row are built from one template.

Every number is an engine figure (or a published comparator, a target, a process limit, a count of children
from the drill-down), rounded as the summary table shows it; tests parse the paragraphs back and check each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cscperf.indicators.engine import round_as_dfe
from cscperf.report.appendix import ChartPlan
from cscperf.report.config import TARGET_KIND_WORDS
from cscperf.report.figures import count_text, month_name, n_of_d, number, people_count, shown
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.measures import words_for
from cscperf.report.narrative import (
    Counterfactual,
    counterfactual_sentence,
    limit_range,
    spc_sentence,
    trend_sentence,
)
from cscperf.report.rag import RAG_NAMES, default_tolerance

QUARTILE_WORDS = {
    "A": "the best quarter",
    "B": "the second quarter",
    "C": "the third quarter",
    "D": "the worst quarter",
}
QUARTILE_WORDS_NEUTRAL = {"A": "the lowest quarter", "B": "the second-lowest quarter",
                          "C": "the second-highest quarter", "D": "the highest quarter"}  # fmt: skip


@dataclass
class Wording:
    """Which wording each kind of sentence used in the paragraph before, so the next one picks another."""

    used: dict[str, str] = field(default_factory=dict)

    def pick(self, kind: str, options: Mapping[str, Callable[[], str]]) -> str:
        """The first wording (in the options' order) the previous paragraph did not use for this kind."""
        previous = self.used.get(kind)
        for name, make in options.items():
            if name != previous:
                self.used[kind] = name
                return make()
        name, make = next(iter(options.items()))
        self.used[kind] = name
        return make()


@dataclass(frozen=True)
class Extras:
    """What the report knows beyond each measure's figures: children behind visits not in time, and what a rate
    would mean in children at a comparator's rate."""

    not_in_time_children: Mapping[str, int] = field(default_factory=dict)
    counterfactuals: tuple[Counterfactual, ...] = ()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _title(f: IndicatorFigures) -> str:
    """The short title inside a sentence: "CP visits in time", "re-referrals within 12 months"."""
    return _lower_first(words_for(f.indicator).short)


def _value(f: IndicatorFigures, value: float | None) -> str:
    ind = f.indicator
    return shown(value, ind.unit, ind.decimals)


def _month(f: IndicatorFigures) -> str:
    return month_name(f.latest.period_end)


def pair(f: IndicatorFigures, point: object | None = None) -> str:
    """ "(398 of 429 visits due)"; "(1,629 cases held by 92.9 FTE social workers)"; "" for counts and rates."""
    p = point or f.judged
    numerator, denominator = getattr(p, "numerator", None), getattr(p, "denominator", None)
    ind, words = f.indicator, words_for(f.indicator)
    if numerator is None or denominator is None or ind.unit not in ("percent", "ratio"):
        return ""
    if ind.unit == "ratio":
        return f" ({count_text(numerator)} {words.numerator} held by {count_text(denominator)} {words.denominator})"
    return f" ({n_of_d(numerator, denominator, words.denominator or ind.counts, f.disclosure)})"


def target_words(f: IndicatorFigures) -> str:
    """ "the local stretch target of 98%", "the best range of 18% to 24%"."""
    target, ind = f.target, f.indicator
    assert target is not None
    if target.band is not None:
        low, high = target.band
        return f"the best range of {shown(low, ind.unit, 1, trim=True)} to {shown(high, ind.unit, 1, trim=True)}"
    assert target.target is not None
    return f"the {TARGET_KIND_WORDS[target.kind]} of {shown(target.target, ind.unit, 1, trim=True)}"


def distance_words(f: IndicatorFigures) -> str:
    """How far the judged figure is from the target: "5 points below", "2.5 above", "within", "on"."""
    target, ind, value = f.target, f.indicator, f.judged.value
    assert target is not None and value is not None
    if target.band is not None:
        low, high = target.band
        if low <= value <= high:
            return "within"
        return "above" if value > high else "below"
    assert target.target is not None
    gap = round(value - target.target, ind.decimals)
    if gap == 0:
        return "on"
    unit = (" point" if abs(gap) == 1 else " points") if ind.unit == "percent" else ""
    return f"{number(abs(gap), ind.decimals, trim=True)}{unit} {'above' if gap > 0 else 'below'}"


def status_phrase(f: IndicatorFigures) -> str:
    """ "red: below target by more than the tolerance of 5 points"."""
    status, target = f.status, f.target
    assert target is not None
    words = _lower_first(status.short)
    if status.rag in ("amber", "red"):
        tolerance = default_tolerance(f.indicator, target)
        unit = " points" if f.indicator.unit == "percent" else ""
        words += f" of {tolerance:g}{unit}" if status.rag == "red" else f" ({tolerance:g}{unit})"
    return f"{RAG_NAMES[status.rag]}: {words}"


def story(f: IndicatorFigures) -> str:
    """What the paragraph leads with: unavailable, red, signal, contrary (on target yet worse than every
    comparator), amber, on_target, or context."""
    if not f.latest.available or f.latest.value is None:
        return "unavailable"
    if f.status.rag == "red":
        return "red"
    if f.latest_signal in ("improvement", "concern"):
        return "signal"
    if contrary(f):
        return "contrary"
    if f.status.rag == "amber":
        return "amber"
    if f.status.rag in ("blue", "green"):
        return "on_target"
    return "context"


def contrary(f: IndicatorFigures) -> str | None:
    """ "higher" or "lower" when a measure meets its target (blue or green) but is on the worse side of England,
    the region and the neighbours all at once; None otherwise."""
    c = f.comparators
    if c is None or f.status.rag not in ("blue", "green"):
        return None
    standing = c.standing
    polarity = f.indicator.polarity
    if (standing, polarity) in (("higher", "lower_is_better"), ("lower", "higher_is_better")):
        return standing
    return None


# ------------------------------------------------------------------------------------------------ leads


def lead(f: IndicatorFigures, plan: ChartPlan, wording: Wording) -> str:
    short = words_for(f.indicator).short
    n, month, judged = plan.number, _month(f), f.judged
    value = _value(f, judged.value)
    kind = story(f)
    title = _title(f)
    bare = "" if f.indicator.section == "workforce" else pair(f)  # the workforce paragraphs give the numbers
    if kind == "unavailable":
        return f"Chart {n} is for {title}, but there is no figure for {month}: {no_figure_reason(f)}."
    if f.basis == "12 months":
        when = f"over the 12 months to {month}"
    else:
        when = f"in {month}" if f.indicator.period_kind == "flow" else f"at the end of {month}"
    rag = f"{RAG_NAMES[f.status.rag].lower()}" + (f", {_lower_first(f.status.short)}" if kind == "amber" else "")
    if kind in ("red", "amber"):
        return wording.pick("lead:target", {
            "a": lambda: f"{short}: {value} {when}{bare}, {distance_words(f)} {target_words(f)}: {rag} (Chart {n}).",
            "b": lambda: (f"Chart {n} shows {title} at {value} {when}{bare}, {distance_words(f)} {target_words(f)}: "
                          f"{rag}."),
        })  # fmt: skip
    if kind == "signal":  # the sentence after names the pattern (SPC); this one says which way it points
        better = f.latest_signal == "improvement"
        return wording.pick(
            "lead:signal",
            {
                "a": lambda: (
                    f"Chart {n} shows {'an improvement' if better else 'a deterioration'} in {title}: "
                    f"{value} {when}{bare}."
                ),
                "b": lambda: (
                    f"In Chart {n}, {title} stood at {value} {when}{bare}, a sign of "
                    f"{'improvement' if better else 'deterioration'}."
                ),
            },
        )
    if kind == "contrary":
        side = contrary(f)
        return (f"{short}: {value} {when}{bare} (Chart {n}), {RAG_NAMES[f.status.rag].lower()} against "
                f"{target_words(f)}, yet {side} than England, the region and our neighbours.")  # fmt: skip
    if kind == "on_target":
        return wording.pick("lead:target", {
            "a": lambda: (f"At {value} {when}{bare}, the figure for {title} is {distance_words(f)} "
                          f"{target_words(f)}: {rag} (Chart {n})."),
            "b": lambda: (f"Chart {n} shows {title} at {value} {when}{bare}, {distance_words(f)} "
                          f"{target_words(f)}: {rag}."),
        })  # fmt: skip
    return context_lead(f, plan, wording)


def no_figure_reason(f: IndicatorFigures) -> str:
    """Why the latest month has no figure, in words for members (never a zero)."""
    p, ind = f.latest, f.indicator
    if not p.available:
        return p.reason or "the data loaded cannot support one"
    if ind.unit == "rate_per_10k" and p.numerator:
        what = words_for(ind).numerator or ind.counts
        return (f"the area's population of children aged 0 to 17 is not known, so there is no rate; there were "
                f"{people_count(p.numerator, f.disclosure)} {what}")  # fmt: skip
    if p.denominator is None and ind.unit in ("percent", "ratio"):
        return "the records this measure needs are not held"
    return "there was nothing to measure in the month"


def context_lead(f: IndicatorFigures, plan: ChartPlan, wording: Wording) -> str:
    """A measure with no target: its level, in its own terms."""
    ind, n, month = f.indicator, plan.number, _month(f)
    short, title = words_for(ind).short, _title(f)
    value = _value(f, f.latest.value)
    if ind.unit == "count" and ind.period_kind == "flow":
        return wording.pick(
            "lead:context",
            {
                "a": lambda: f"Chart {n} shows {title}: {value} in {month}.",
                "b": lambda: f"There were {value} {title} in {month} (Chart {n}).",
            },
        )
    if ind.unit == "count":
        return wording.pick(
            "lead:context",
            {
                "a": lambda: f"{short}: {value} at the end of {month} (Chart {n}).",
                "b": lambda: f"Chart {n} shows {title}: {value} at the end of {month}.",
            },
        )
    if ind.unit == "rate_per_10k" and f.latest.numerator is not None:
        children = people_count(f.latest.numerator, f.disclosure)
        what = words_for(ind).numerator or ind.counts
        return (f"At the end of {month} there were {children} {what}, {number(f.latest.value or 0, ind.decimals)} "
                f"for every 10,000 children aged 0 to 17 in the area (Chart {n}).")  # fmt: skip
    when = f"in {month}" if ind.period_kind == "flow" else f"at the end of {month}"
    return wording.pick(
        "lead:context",
        {
            "a": lambda: f"Chart {n} shows {title}: {value} {when}{pair(f)}.",
            "b": lambda: f"In Chart {n}, the figure for {title} was {value} {when}{pair(f)}.",
        },
    )


# ------------------------------------------------------------------------------------------------ judgement


def judgement(f: IndicatorFigures, wording: Wording) -> str:
    """The status, and what it judges. A measure judged on 12 months says why; one without a target says so."""
    if f.target is None or f.status.rag == "none" or f.judged.value is None:
        return ""
    if f.basis == "12 months":
        typical = f.typical_denominator or 0
        what = words_for(f.indicator).denominator or f.indicator.counts
        month_value = _value(f, f.latest.value)
        counts = pair(f, f.latest).strip(" ()")
        return (f"With only about {number(typical, 0)} {what} a month, a single month swings widely ({counts}, "
                f"{month_value}, in {_month(f)}), so the status judges the 12 months taken together.")  # fmt: skip
    return wording.pick(
        "judgement",
        {
            "a": lambda: f"The status is {status_phrase(f)}.",
            "b": lambda: f"That makes it {status_phrase(f)}.",
        },
    )


# ------------------------------------------------------------------------------------------------ movement


def movement(f: IndicatorFigures, wording: Wording) -> str:
    """The latest month's movement in the language of statistical process control."""
    spc = spc_sentence(f)
    if not spc or f.latest.value is None:
        return ""
    segment = f.spc.current if f.spc is not None else None
    if spc.startswith("There are only") and segment is not None and segment.break_date is not None:
        key = f"break:{segment.break_date}"  # the paragraph before told of this break already: say it briefly
        if wording.used.get(key):
            return (f"Here too there are only {segment.points} months since the series break, too few to tell a "
                    f"signal from normal variation (provisional limits {limit_range(f)}).")  # fmt: skip
        wording.used[key] = "said"
    prev = f.previous
    if spc.startswith("This is within normal variation") and prev is not None and prev.value is not None:
        if f.break_since_previous is not None:
            return f"{trend_sentence(f).split(';')[0]}; {_lower_first(trend_sentence(f).split('; ', 1)[1])} {spc}"
        limits = limit_range(f)
        change = f.change or 0
        way = "Up" if change > 0 else "Down" if change < 0 else "Unchanged"
        before = f"{'from' if change else 'on'} {_value(f, prev.value)} in {month_name(prev.period_end)}"
        return wording.pick("movement", {
            "a": lambda: f"{way} {before}, but within normal variation, not a signal (process limits {limits}).",
            "b": lambda: (f"Against {_value(f, prev.value)} in {month_name(prev.period_end)}, this is within normal "
                          f"variation, not a signal (process limits {limits})."),
            "c": lambda: f"Its process limits are {limits}, so this month is within normal variation, not a signal.",
        })  # fmt: skip
    if spc.startswith("This is a signal, not noise: "):
        rest = spc.removeprefix("This is a signal, not noise: ")
        return wording.pick("signal", {
            "a": lambda: spc,
            "b": lambda: f"{_capital(rest.rsplit(', which is ', 1)[0])}: a signal, not noise "
                         f"({rest.rsplit(', which is ', 1)[-1].rstrip('.')}).",
        })  # fmt: skip
    return spc


def twelve_months(f: IndicatorFigures) -> str:
    """The last 12 months, said as what it is: the months taken together for events, the average month-end
    figure for figures at a date, the average month for counts."""
    average, ind = f.average_12m, f.indicator
    if average is None or f.basis == "12 months" or average == round_as_dfe(f.latest.value or 0, ind.decimals):
        return ""  # nothing the latest month does not say
    value = _value(f, average)
    if ind.unit in ("percent", "ratio") and ind.period_kind == "flow":
        return f"Taking the last 12 months together, the figure is {value}."
    if ind.unit in ("percent", "ratio"):
        return ""  # a figure at a date: its 12-month figure is in the summary table, said there for what it is
    if ind.period_kind == "flow":
        return f"The average over the last 12 months is {value} a month."
    return ""


# ------------------------------------------------------------------------------------------------ comparison


def comparison(f: IndicatorFigures, wording: Wording) -> str:
    c = f.comparators
    if c is None or c.own is None:
        return ""
    found = []
    bare = f.indicator.unit == "rate_per_10k"  # "England 40.6, ... and our neighbours' 46.5 per 10,000"

    def figure(value: float) -> str:
        return number(value, f.indicator.decimals) if bare else _value(f, value)

    if c.england is not None:
        found.append(f"England {figure(c.england)}")
    if c.region is not None:
        found.append(f"{c.region_name or 'our region'} {figure(c.region)}")
    if c.neighbours is not None:
        average = "" if c.neighbour_average == "mean" else " median"
        found.append(f"our neighbours'{average} {figure(c.neighbours)}")
    if bare and found:
        found[-1] += " per 10,000"
    if not found:
        return f"No England, region or neighbour figures were published for {c.year_label}."
    listed = ", ".join(found[:-1]) + (" and " if len(found) > 1 else "") + found[-1]
    quartile = ""
    if c.quartile is not None and c.rank is not None:
        directed = f.indicator.polarity in ("higher_is_better", "lower_is_better")
        words = QUARTILE_WORDS if directed else QUARTILE_WORDS_NEUTRAL
        place = f"{ordinal(c.rank)} of {c.rank_of}" if directed else f"{ordinal(c.rank)} lowest of {c.rank_of}"
        quartile = f", in {words[c.quartile]} of councils ({place})"
    ours = _value(f, c.own.value)
    month = month_name(c.own.period_end)
    period = f"the 12 months to {month}" if c.own_period.startswith("12 months") else month
    year = year_phrase(c.year_label, c.year_meaning)
    return wording.pick("comparison", {
        "a": lambda: f"Published figures ({c.year_label}): {listed}; ours for {period} is {ours}{quartile}.",
        "b": lambda: f"Ours for {period}, {ours}, compares with {listed} {year}{quartile}.",
    })  # fmt: skip


def year_phrase(label: str, meaning: str) -> str:
    """ "in 2024-25", "at 31 March 2025", "at 30 September 2025"."""
    return f"in {label}" if meaning == "year to 31 March" else f"at {label}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ------------------------------------------------------------------------------------------------ the paragraph


def chart_paragraph(plan: ChartPlan, figures: Mapping[str, IndicatorFigures], extras: Extras, wording: Wording) -> str:
    """The paragraph for one chart: its measure, then the related measures on its page."""
    f = figures[plan.main]
    parts = [lead(f, plan, wording)]
    if f.latest.value is not None:
        said = story(f) in ("contrary", "red", "amber", "on_target") and f.basis != "12 months"  # in the lead
        parts += [
            judgement(f, wording) if not said else "",
            movement(f, wording),
            twelve_months(f),
            comparison(f, wording),
        ]
        if contrary(f) is not None:
            parts.append(contrary_reason(f))
        children = extras.not_in_time_children.get(plan.main)
        if children is not None:
            parts.append(children_not_in_time(f, children))
        if f.small_number_note and f.basis != "12 months":
            parts.append(f.small_number_note)
    parts += related_sentences(plan, figures)
    return " ".join(p for p in parts if p)


def contrary_reason(f: IndicatorFigures) -> str:
    """Why a measure can meet its target and still compare badly: the target is the council's own."""
    c = f.comparators
    assert c is not None and f.target is not None
    quartile = f" (quartile {c.quartile})" if c.quartile else ""
    return (f"The status measures the figure against {target_words(f)}, which the council set; against other "
            f"councils it is in the weaker half{quartile}, so members may wish to ask whether the target is "
            "stretching enough.")  # fmt: skip


def children_not_in_time(f: IndicatorFigures, children: int) -> str:
    if children == 0:
        return "Every visit due was carried out in time."
    word = "child" if children == 1 and not f.disclosure.is_small(children) else "children"
    return f"Visits relating to {people_count(children, f.disclosure)} {word} were not carried out in time."


def related_sentences(plan: ChartPlan, figures: Mapping[str, IndicatorFigures]) -> list[str]:
    """The related measures on the chart's page, each in a sentence of its own kind."""
    out = []
    for indicator_id in plan.related:
        f = figures.get(indicator_id)
        if f is None or f.latest.value is None:
            continue
        maker = RELATED.get(indicator_id, _related_default)
        out.append(maker(f, figures[plan.main], figures))
    return [s for s in out if s]


def _related_default(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    del main
    words = words_for(f.indicator)
    status = f" ({status_phrase(f)})" if f.target is not None and f.status.rag != "none" else ""
    return f"{words.short}: {_value(f, f.latest.value)} in {_month(f)}{pair(f, f.latest)}{status}."


def _contacts(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    """Contacts received, reconciled with the contacts counted in the conversion rate."""
    received, counted = f.latest.value, main.latest.denominator
    if received is None or counted is None:
        return ""
    already = people_count(int(received - counted), f.disclosure)
    return (f"Of the {count_text(received)} contacts received in {_month(f)}, {already} were about children already "
            f"open to social care; they are not counted in the {count_text(counted)} above.")  # fmt: skip


def _referrals(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    if main.latest.denominator == f.latest.value:
        return ""  # the referrals are the denominator already given
    return f"{count_text(f.latest.value or 0)} referrals were received in {_month(f)}."


def _assessments_completed(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    if main.latest.denominator == f.latest.value:
        return ""
    return f"{count_text(f.latest.value or 0)} assessments were completed in {_month(f)}."


def _from_referral(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    del main
    return (f"Timed from the referral, as Working Together words the timescale, {_value(f, f.latest.value)} were "
            f"completed within 45 working days{pair(f, f.latest)}.")  # fmt: skip


def _plans_open(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    del f, main
    return ""  # the lead already gives the number of children on plans


def _plan_length(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    p = f.latest
    if p.numerator is None or p.denominator is None:
        return ""
    if f.indicator.id == "cp_open_2y_plus":
        status = f" ({status_phrase(f).split(':')[0].lower()})" if f.target is not None else ""
        if p.numerator == 0:
            return f"None had been on a plan for 2 years or more{status}."
        return (f"{_capital(people_count(p.numerator, f.disclosure))} had been on a plan for 2 years or more "
                f"({_value(f, p.value)}){status}.")  # fmt: skip
    del main
    if p.numerator == 0:
        return f"Of the {count_text(p.denominator)} plans that ended in {_month(f)}, none had lasted 2 years."
    return (f"Of the plans that ended in {_month(f)}, {n_of_d(p.numerator, p.denominator, '', f.disclosure)} had "
            f"lasted 2 years or more.")  # fmt: skip


def _care_flows(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    del main
    if f.indicator.id == "cla_ceased":
        return ""  # said with the children who started
    started = people_count(f.latest.value or 0, f.disclosure)
    text = f"In {_month(f)}, {started} {'child' if started == '1' else 'children'} came into care"
    ceased = figures.get("cla_ceased")
    if ceased is None or ceased.latest.value is None:
        return text + "."
    left = people_count(ceased.latest.value, ceased.disclosure)
    few = f.disclosure.label
    if (started == few) == (left == few):
        return text + f" and {left} left."
    if started == few:  # the children in care at the two month ends and the leavers would give the starts
        return text + "; how many left is not given beside it, since with the children in care it would give that."
    return (
        f"In {_month(f)}, {left} children left care; how many came into care is not given beside it, since "
        "with the children in care it would give that."
    )


def _cla_open(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    del f, main
    return ""  # the lead gives the number in care


def _in_date(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    """The service's monthly measure beside the DfE's annual one, with how the two differ."""
    del main
    what = "a health assessment" if "health" in f.indicator.id else "a dental check"
    status = f", {status_phrase(f).split(':')[0].lower()}" if f.target is not None and f.status.rag != "none" else ""
    return (f"The service's own monthly measure, which counts every child in care for more than 20 working days "
            f"(not only those in care for a year), shows {_value(f, f.latest.value)} with {what} in date"
            f"{pair(f, f.latest)}{status}.")  # fmt: skip


def _plans_started(f: IndicatorFigures, main: IndicatorFigures, figures: Mapping[str, IndicatorFigures]) -> str:
    del main
    return f"{count_text(f.latest.value or 0)} plans started in {_month(f)}."


RELATED: dict[str, Callable[[IndicatorFigures, IndicatorFigures, Mapping[str, IndicatorFigures]], str]] = {
    "contacts": _contacts,
    "referrals": _referrals,
    "assessments_completed": _assessments_completed,
    "assessments_within_45wd_from_referral": _from_referral,
    "cp_plans_open": _plans_open,
    "cp_open_2y_plus": _plan_length,
    "cp_ended_2y_plus": _plan_length,
    "cla_open": _cla_open,
    "cla_started": _care_flows,
    "cla_ceased": _care_flows,
    "cla_health_assessment_in_date": _in_date,
    "cla_dental_check_in_date": _in_date,
    "cp_plans_started": _plans_started,
}


def counterfactual_paragraphs(indicator_id: str, extras: Extras) -> list[str]:
    """ "To put this in context: if our rate matched ..." for a rate per 10,000 (the seed's device)."""
    return [counterfactual_sentence(c) for c in extras.counterfactuals
            if c.indicator_id == indicator_id and "neighbours" in c.comparator]  # fmt: skip


def as_of(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
