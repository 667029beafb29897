"""The one-page scorecard: the five to eight messages a member can repeat, chosen from the data.

Candidates, strongest first: red measures (by how far beyond their tolerance), signals of concern and of
improvement (special cause variation, never a common-cause wobble), measures on target but worse than England,
the region and the neighbours, where the council stands out against its neighbours (a rate per 10,000 with what
it means in children), unusually high or low demand, and measures well beyond target. At most three from one
section of the paper and one per measure, so the page covers the service; each message is one sentence with its
figure, its status in words and its chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cscperf.report.appendix import chart_of
from cscperf.report.chart_request import Rag
from cscperf.report.figures import month_name, number, shown
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.measures import words_for
from cscperf.report.narrative import Counterfactual, pattern_length, shown_limits
from cscperf.report.paragraphs import contrary, distance_words, pair, target_words
from cscperf.report.rag import RAG_NAMES, default_tolerance

MOST, FEWEST = 8, 5
PER_SECTION = 3
PER_KIND = {"red": 4, "ahead": 1, "unusual": 1}


@dataclass(frozen=True)
class Headline:
    indicator_id: str
    kind: str  # red, concern, improvement, contrary, standout, unusual, ahead
    rag: Rag
    text: str
    chart: int
    score: float


def _value(f: IndicatorFigures, value: float | None) -> str:
    return shown(value, f.indicator.unit, f.indicator.decimals)


def _when(f: IndicatorFigures) -> str:
    month = month_name(f.latest.period_end)
    if f.basis == "12 months":
        return f"over the 12 months to {month}"
    return f"in {month}" if f.indicator.period_kind == "flow" else f"at the end of {month}"


def _limit(f: IndicatorFigures, high: bool) -> str:
    lower, upper = shown_limits(f)
    return _value(f, upper if high else lower)


def rule_phrase(f: IndicatorFigures) -> str:
    """The pattern that makes the latest month a signal, in a few words: "above its usual range", "the 9th month
    in a row above its average", "close to the top of its usual range in 2 of the last 3 months"."""
    assert f.spc is not None
    latest = f.spc.points[-1]
    high, rule = latest.direction == "high", latest.rules[0]
    if rule == "outside_limits":
        return f"{'above' if high else 'below'} its usual range"
    if rule == "two_of_three":
        return f"close to the {'top' if high else 'bottom'} of its usual range in 2 of the last 3 months"
    months = pattern_length(f.spc.points, rule)
    if rule == "trend":
        return f"{'rising' if high else 'falling'} for {months} months in a row"
    return f"{'above' if high else 'below'} its average for {months} months in a row"


def candidates(figures: Mapping[str, IndicatorFigures], counterfactuals: tuple[Counterfactual, ...]) -> list[Headline]:
    """Every message the data could support, each with a score (higher: more worth a member's attention)."""
    out: list[Headline] = []
    for indicator_id, f in figures.items():
        if f.latest.value is None or not f.latest.available:
            continue
        short, chart = words_for(f.indicator).short, chart_of(indicator_id).number
        value, when = _value(f, f.judged.value), _when(f)
        signal = f.latest_signal
        spc = f.spc.points[-1] if f.spc is not None and f.spc.points else None
        high = spc is not None and spc.direction == "high"
        if f.status.rag == "red" and f.target is not None and f.judged.value is not None:
            gap = abs((f.target.target if f.target.target is not None else f.judged.value) - f.judged.value)
            score = 3 + min(gap / max(default_tolerance(f.indicator, f.target), 1e-9), 5) / 5
            text = f"{short}: {value} {when}{pair(f)}, {distance_words(f)} {target_words(f)}"
            if signal in ("improvement", "concern"):
                text += f"; {'improving' if signal == 'improvement' else 'getting worse'} ({rule_phrase(f)})"
            out.append(Headline(indicator_id, "red", "red", text + ".", chart, score))
        if signal in ("improvement", "concern"):
            verb = "is improving" if signal == "improvement" else "is getting worse"
            text = f"{short} {verb}: {_value(f, f.latest.value)} {_when_month(f)}, {rule_phrase(f)}"
            if f.status.rag in ("amber", "red"):
                text += f", and {RAG_NAMES[f.status.rag].lower()} against {target_words(f)}"
            out.append(Headline(indicator_id, signal, f.status.rag, text + " (a signal, not noise).", chart,
                                2.6 if signal == "concern" else 2.2))  # fmt: skip
        elif signal in ("neutral_high", "neutral_low") and spc is not None and "outside_limits" in spc.rules:
            where, level = ("above", "high") if high else ("below", "low")
            text = (f"{short} {'rose' if high else 'fell'} to {_value(f, f.latest.value)} {_when_month(f)}, {where} "
                    f"its usual range (process limit {_limit(f, high)}): unusually {level}.")  # fmt: skip
            out.append(Headline(indicator_id, "unusual", f.status.rag, text, chart, 1.8))
        side = contrary(f)
        c = f.comparators
        if side is not None and c is not None:
            out.append(Headline(indicator_id, "contrary", f.status.rag, f"{short}: {value} {when}, "
                                f"{RAG_NAMES[f.status.rag].lower()} against {target_words(f)} but {side} than England "
                                f"({_value(f, c.england)}) and our neighbours ({_value(f, c.neighbours)}).", chart,
                                2.4))  # fmt: skip
        if f.status.rag == "blue":
            out.append(Headline(indicator_id, "ahead", "blue", f"{short}: {value} {when}{pair(f)}, "
                                f"{distance_words(f)} {target_words(f)}.", chart, 1.2))  # fmt: skip
    out += [_standout(cf, figures[cf.indicator_id]) for cf in counterfactuals
            if "neighbours" in cf.comparator and cf.difference != 0]  # fmt: skip
    return out


def _standout(cf: Counterfactual, f: IndicatorFigures) -> Headline:
    """Where the council stands out against its neighbours, in children: the seed's "at the neighbours' rate we
    would have 430 children in care"."""
    rate, theirs = number(f.latest.value or 0, f.indicator.decimals), number(cf.rate, f.indicator.decimals)
    fewer = "fewer" if cf.difference > 0 else "more"
    difference = f"{abs(cf.difference):,} {'more' if cf.difference > 0 else 'fewer'} than the {cf.children_now:,} now"
    if cf.indicator_id == "cla_rate_per_10k":
        text = (f"We look after {rate} children per 10,000, {fewer} than our neighbours' {theirs}: at their rate we "
                f"would look after {cf.children_at_rate:,}, {difference}.")  # fmt: skip
    else:
        text = (f"{rate} children per 10,000 are on child protection plans, {fewer} than our neighbours' {theirs}: "
                f"at their rate {cf.children_at_rate:,} would be on plans, {difference}.")  # fmt: skip
    return Headline(cf.indicator_id, "standout", f.status.rag, text, chart_of(cf.indicator_id).number,
                    2.0 + min(abs(cf.difference) / 200, 0.5))  # fmt: skip


def _when_month(f: IndicatorFigures) -> str:
    month = month_name(f.latest.period_end)
    return f"in {month}" if f.indicator.period_kind == "flow" else f"at the end of {month}"


def scorecard(
    figures: Mapping[str, IndicatorFigures], counterfactuals: tuple[Counterfactual, ...]
) -> tuple[Headline, ...]:
    """Five to eight headlines: the strongest first, one per measure, at most three from a section of the paper
    and four red measures (so signals and comparisons get a place), both relaxed only to reach five; reds first,
    then the rest by strength."""
    ranked = sorted(candidates(figures, counterfactuals), key=lambda h: -h.score)
    chosen: list[Headline] = []
    for strict in (True, False):
        for h in ranked:
            if len(chosen) >= MOST or (not strict and len(chosen) >= FEWEST):
                break
            section = figures[h.indicator_id].indicator.section
            same = sum(1 for c in chosen if figures[c.indicator_id].indicator.section == section)
            kind = sum(1 for c in chosen if c.kind == h.kind)
            if h in chosen or any(c.indicator_id == h.indicator_id for c in chosen):
                continue
            if strict and (same >= PER_SECTION or kind >= PER_KIND.get(h.kind, MOST)):
                continue
            chosen.append(h)
    return tuple(sorted(chosen, key=lambda h: (h.kind != "red", -h.score)))
