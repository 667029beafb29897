"""Template filters that format figures (rounded as the DfE rounds, with units); no rules are decided here."""

from __future__ import annotations

from django import template

from cscperf.disclosure import DisclosurePolicy
from cscperf.indicators.engine import Point
from cscperf.report.figures import change_shown, count_text, month_name, shown
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.palette import RAG_SYMBOLS
from cscperf.web.figures import value_text
from cscperf.web.spc_seam import Icon, icons_for

register = template.Library()


@register.filter
def latest(figures: IndicatorFigures, policy: DisclosurePolicy | None = None) -> str:
    """The latest figure; for a reader with a disclosure policy (members), a count, or a percentage or rate
    built on a count, from 1 to the threshold less one shows as "fewer than 5"."""
    return _point_text(figures, figures.latest, policy)


@register.filter
def judged(figures: IndicatorFigures) -> str:
    """What the status judges, when it is not the latest month: " (the 12 months to October 2026: 19.4%)", so
    that a status beside a latest figure that reads otherwise is not taken for that figure's."""
    if figures.basis != "12 months" or figures.judged is figures.latest or figures.judged.value is None:
        return ""
    judged_point = figures.judged
    return f" (the 12 months to {month_name(judged_point.period_end)}: {value_text(figures.indicator, judged_point)})"


@register.filter
def why_not(figures: IndicatorFigures) -> str:
    """Why the latest figure is not available, to follow the words "not available" ("after the end of the
    referrals loaded (31 March 2023)"); empty when the engine gives no reason."""
    reason = figures.latest.reason or ""
    return reason.removeprefix("not available").lstrip(" :")


@register.filter
def previous(figures: IndicatorFigures, policy: DisclosurePolicy | None = None) -> str:
    prev = figures.previous
    return _point_text(figures, prev, policy) if prev is not None else "not available"


def _point_text(figures: IndicatorFigures, point: Point, policy: DisclosurePolicy | None) -> str:
    if policy is not None and policy.is_small(point.numerator):
        return (
            policy.label
            if figures.indicator.unit == "count"
            else f"withheld ({policy.label} {figures.indicator.counts})"
        )
    return value_text(figures.indicator, point)


@register.filter
def change(figures: IndicatorFigures) -> str:
    text = change_shown(figures.change, figures.indicator.unit, figures.indicator.decimals)
    words = figures.change_words
    if getattr(figures, "spc", None) is not None and words in ("better", "worse"):
        # a month-on-month movement is better or worse only when SPC says it is a signal, not noise
        words = figures.change_verdict or "within normal variation"
    return f"{text} ({words})" if words and text not in ("-", "no change") else text


@register.filter
def rag_symbol(figures: IndicatorFigures) -> str:
    return RAG_SYMBOLS[figures.status.rag]


@register.filter
def england(figures: IndicatorFigures) -> str:
    c = figures.comparators
    if c is None or c.england is None:
        return "–"
    return f"{shown(c.england, figures.indicator.unit, figures.indicator.decimals)} ({c.year_label})"


@register.filter
def neighbours(figures: IndicatorFigures) -> str:
    c = figures.comparators
    if c is None or c.neighbours is None:
        return "–"
    return f"{shown(c.neighbours, figures.indicator.unit, figures.indicator.decimals)} ({c.year_label})"


@register.filter
def region(figures: IndicatorFigures) -> str:
    c = figures.comparators
    if c is None or c.region is None:
        return "–"
    return f"{shown(c.region, figures.indicator.unit, figures.indicator.decimals)} ({c.year_label})"


@register.filter
def counts(figures: IndicatorFigures) -> str:
    """ "398 of 429 visits": the counts behind the latest percentage, rate or ratio (staff only)."""
    p = figures.latest
    if p.value is None or p.numerator is None or p.denominator is None or figures.indicator.unit == "count":
        return ""
    what = "children aged 0-17" if figures.indicator.unit == "rate_per_10k" else figures.indicator.counts
    return f"({count_text(p.numerator)} of {count_text(p.denominator)} {what})"


@register.filter
def target(figures: IndicatorFigures) -> str:
    from cscperf.report.rag import target_short

    return target_short(figures.indicator, figures.target)


@register.filter
def month(figures: IndicatorFigures) -> str:
    return month_name(figures.latest.period_end)


@register.filter
def spc_icons(figures: IndicatorFigures) -> list[Icon]:
    """The SPC variation and assurance icons with their words, when the figures carry an SPC analysis."""
    return icons_for(figures)


@register.filter
def thousands(value: object) -> str:
    """A whole number with thousands separators ("380,058"); anything else as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)
