"""Appendix 1: which charts the report holds, one measure each, in the seed report's order (charts 1 to 13),
then the rest of the front door, child protection and children in care, then the workforce. Every measure in
the summary is on a chart page: drawn, or (a count beside its rate, a variant of a measure, the number behind a
percentage) given in the figures beneath the chart it belongs with.

A chart plan names the measure drawn and the related measures given in its figures. `chart_request` turns a
plan and the report's figures into the chart contract (`chart_request.ChartRequest`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace

from cscperf.analysis.spc import MIN_POINTS
from cscperf.analysis.spc_icons import signal_words
from cscperf.indicators.engine import Point
from cscperf.report.chart_request import (
    ChartEvent,
    ChartLine,
    ChartPoint,
    ChartRequest,
    ChartSpc,
    ChartSpcPoint,
    ComparatorSeries,
    PublishedPoint,
    ReferenceKind,
    ReferenceLine,
    flows_withheld_together,
)
from cscperf.report.config import EventConfig
from cscperf.report.figures import month_short, shown, within_possible
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.measures import words_for


@dataclass(frozen=True)
class ChartPlan:
    number: int
    chart_id: str
    title: str
    main: str
    secondary: str | None = None  # not drawn on a second axis: given in the figures
    extra: tuple[str, ...] = ()
    comparators: bool = True  # draw England, region and neighbours over their years
    comparators_of: str | None = None  # whose published figures they are, when not the drawn measure's
    related: tuple[str, ...] = ()  # given in the figures beneath the chart, not drawn

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return (self.main, *((self.secondary,) if self.secondary else ()), *self.extra, *self.related)


CHART_PLANS: tuple[ChartPlan, ...] = (
    ChartPlan(1, "early_help_assessments", "Early help assessments started", "eh_assessments_started"),
    ChartPlan(2, "contacts", "Contacts becoming referrals", "contact_conversion", related=("contacts",)),
    ChartPlan(3, "re_referrals", "Re-referrals within 12 months", "re_referrals_12m", related=("referrals",)),
    ChartPlan(4, "assessments_45wd", "Assessments completed in 45 working days", "assessments_within_45wd",
              related=("assessments_completed", "assessments_within_45wd_from_referral")),
    ChartPlan(5, "cp_plans", "Children on child protection plans per 10,000", "cp_rate_per_10k",
              related=("cp_plans_open",)),
    ChartPlan(6, "cp_plan_length", "Children on a plan for more than 12 months", "cp_open_over_12m",
              related=("cp_open_2y_plus", "cp_ended_2y_plus")),
    ChartPlan(7, "cp_visits", "Child protection visits in time", "cp_visits_in_time"),
    ChartPlan(8, "children_in_care", "Children in care per 10,000", "cla_rate_per_10k",
              related=("cla_open", "cla_started", "cla_ceased")),
    ChartPlan(9, "placement_stability", "Children with 3 or more placements in 12 months", "cla_3plus_placements"),
    ChartPlan(10, "cla_visits", "Children in care visited in time", "cla_visits_in_time"),
    ChartPlan(11, "health_assessments", "Annual health assessments", "oc2_health_assessment",
              related=("cla_health_assessment_in_date",)),
    ChartPlan(12, "dental_checks", "Annual dental checks", "oc2_dental_check", related=("cla_dental_check_in_date",)),
    ChartPlan(13, "peps", "Personal Education Plans in date", "cla_pep_in_date"),
    ChartPlan(14, "assessment_backlog", "Assessments open over 45 working days", "assessments_open_over_45wd"),
    ChartPlan(15, "s47", "Section 47 enquiries started", "s47_started"),
    ChartPlan(16, "icpc", "Initial conferences in 15 working days", "icpc_within_15wd"),
    ChartPlan(17, "repeat_plans", "Child protection plans that are a repeat plan", "cp_second_or_subsequent",
              related=("cp_plans_started",)),
    ChartPlan(18, "cp_reviews", "Child protection plans reviewed in time", "cp_reviews_in_time"),
    ChartPlan(19, "long_term_stability", "Long-term placement stability", "cla_long_term_stability"),
    ChartPlan(20, "cla_reviews", "Reviews of children in care held in time", "cla_reviews_in_time"),
    ChartPlan(21, "caseloads", "Average social worker caseload", "sw_average_caseload"),
    ChartPlan(22, "caseloads_over_target", "Social workers with caseloads over the target", "sw_caseload_over_target"),
    ChartPlan(23, "vacancies", "Social worker vacancy rate", "sw_vacancy_rate"),
    ChartPlan(24, "agency", "Agency social worker rate", "sw_agency_rate"),
    ChartPlan(25, "turnover", "Social worker turnover in the last 12 months", "sw_turnover_rate"),
)  # fmt: skip

SEED_CHARTS = 13


@functools.cache
def all_plans() -> tuple[ChartPlan, ...]:
    """The charts of the paper: CHART_PLANS, then a chart of its own for any measure added to the library since."""
    from cscperf.indicators.definition import load_library

    planned = {i for plan in CHART_PLANS for i in plan.indicator_ids}
    library = load_library()
    more = [i for i in library if i not in planned]
    return CHART_PLANS + tuple(ChartPlan(len(CHART_PLANS) + n, i, words_for(library[i]).short, i)
                               for n, i in enumerate(more, start=1))  # fmt: skip


def chart_of(indicator_id: str) -> ChartPlan:
    """The chart an indicator is drawn on, or given in the figures of."""
    return next(p for p in all_plans() if indicator_id in p.indicator_ids)


def chart_line(figures: IndicatorFigures, label: str | None = None) -> ChartLine:
    ind = figures.indicator
    points = tuple(_chart_point(p) for p in figures.points)
    return ChartLine(label or words_for(ind).short, ind.unit, ind.decimals, points, ind.period_kind)


def _chart_point(p: Point) -> ChartPoint:
    return ChartPoint(p.period_end, month_short(p.period_end), p.value, p.numerator, p.denominator)


def rolling_line(figures: IndicatorFigures) -> ChartLine | None:
    """The 12 months to each month, pooled, for a measure judged on them."""
    if figures.basis != "12 months" or not figures.rolling:
        return None
    points = tuple(ChartPoint(p.period_end, month_short(p.period_end), None) if r is None else _chart_point(r)
                   for p, r in zip(figures.points, figures.rolling, strict=True))  # fmt: skip
    ind = figures.indicator
    return ChartLine("12 months to each month", ind.unit, ind.decimals, points)


TARGET_WORDS = {"stretch": "Stretch target", "local": "Target", "national": "National standard"}


def target_reference(figures: IndicatorFigures) -> ReferenceLine | None:
    target, ind = figures.target, figures.indicator
    if target is None or target.target is None:
        return None
    kind: ReferenceKind = "stretch" if target.kind == "stretch" else "target"
    return ReferenceLine(f"{TARGET_WORDS[target.kind]} {shown(target.target, ind.unit, 1, trim=True)}",
                         target.target, kind)  # fmt: skip


def comparator_series(figures: IndicatorFigures) -> tuple[ComparatorSeries, ...]:
    """England, the region and the neighbours over the published years the chart spans."""
    c = figures.comparators
    if c is None or not c.series:
        return ()
    neighbours = "Neighbours" + (" (median)" if c.neighbour_average == "median" else " (mean)")
    out = []
    for kind, label in (("england", "England"), ("region", c.region_name or "Region"), ("neighbours", neighbours)):
        points = tuple(PublishedPoint(y.date, v, y.label) for y in c.series if (v := getattr(y, kind)) is not None)
        if points:
            out.append(ComparatorSeries(kind, label, points))  # type: ignore[arg-type]
    return tuple(out)


def chart_direction(figures: IndicatorFigures) -> str:
    """Which way is good, short enough for the line above a chart: "Best between 18% and 24%"."""
    words = figures.direction_words
    return words.split(" (")[0] if words.startswith("Best between") else words


def chart_request(
    plan: ChartPlan, figures: Mapping[str, IndicatorFigures], events: tuple[EventConfig, ...]
) -> ChartRequest:
    """The chart contract for one plan: the measure, the 12 months to each month where it is judged on them, its
    target or band, the comparators over their years, events, the latest status and the related measures."""
    main = figures[plan.main]
    ind = main.indicator
    target = main.target
    band = target.band if target is not None and target.band is not None else None
    reference = target_reference(main)
    compared = figures[plan.comparators_of] if plan.comparators_of else main
    ids = set(plan.indicator_ids)
    first, last = main.points[0].period_start, main.points[-1].period_end
    chart_events = tuple(
        ChartEvent(e.date, e.text, e.series_break)
        for e in events
        if first <= e.date <= last and (not e.indicators or ids & set(e.indicators))
    )
    related_ids = [i for i in (*((plan.secondary,) if plan.secondary else ()), *plan.related) if i != plan.main]
    notes = tuple(n for i in (plan.main, *related_ids) if (n := figures[i].small_number_note) is not None)
    if any(not figures[i].history_complete for i in plan.indicator_ids):
        notes += ("Some months have no figure because the data do not go back far enough.",)
    words = words_for(ind)
    judged = "the 12 months to the latest month" if main.basis == "12 months" else "the latest month"
    status = main.status.words
    return ChartRequest(
        chart_id=plan.chart_id,
        title=f"Chart {plan.number}: {plan.title}",
        direction=chart_direction(main),
        main=chart_line(main),
        extra=tuple(chart_line(figures[i]) for i in plan.extra),
        band=band,
        references=(reference,) if reference is not None else (),
        events=chart_events,
        latest_rag=main.status.rag,
        rag_words=f"{judged[:1].upper()}{judged[1:]}: {status}" if main.status.rag != "none" else status,
        notes=notes,
        disclosure=main.disclosure,
        spc=chart_spc(main),
        rolling=rolling_line(main),
        judged=main.basis,
        comparators=comparator_series(compared) if plan.comparators else (),
        related=tuple(chart_line(figures[i]) for i in related_ids),
        counts=(words.numerator, words.denominator),
    )


LATEST_STATE = {
    "common_cause": "Latest month within normal variation (common cause)",
    "improvement_high": "Latest month a signal of improvement (special cause)",
    "improvement_low": "Latest month a signal of improvement (special cause)",
    "concern_high": "Latest month a signal of concern (special cause)",
    "concern_low": "Latest month a signal of concern (special cause)",
    "neutral_high": "Latest month unusually high (special cause)",
    "neutral_low": "Latest month unusually low (special cause)",
}


def chart_spc(figures: IndicatorFigures) -> ChartSpc | None:
    """The headline series' mean, process limits and signals, for drawing behind and on the data."""
    spc, unit = figures.spc, figures.indicator.unit
    if spc is None or spc.current is None:
        return None
    points = tuple(
        ChartSpcPoint(
            p.date,
            p.mean,
            None if p.upper is None else within_possible(p.upper, unit),
            None if p.lower is None else within_possible(p.lower, unit),
            p.segment,
            p.signal,
            signal_words(p.signal, p.rules, short=True),
        )
        for p in spc.points
        if p.value is not None and p.mean is not None
    )
    if not any(p.upper is not None for p in points):
        return None
    provisional = spc.current.trial
    summary = LATEST_STATE.get(spc.variation_icon or "", "Too few figures to tell a signal from normal variation")
    if figures.latest.value is None:
        summary = "No figure for the latest month"
    if provisional:
        summary += f", against provisional limits (fewer than {MIN_POINTS} months)"
    return ChartSpc(points, summary, provisional)


def chart_requests(
    figures: Mapping[str, IndicatorFigures], events: tuple[EventConfig, ...]
) -> list[tuple[ChartPlan, ChartRequest]]:
    """The paper's charts: a count of children from 1 to the threshold less one has no point (its table reads
    "fewer than 5"), as everywhere in what members read."""
    return [(plan, small_counts_withheld(chart_request(plan, figures, events)))
            for plan in all_plans() if plan.main in figures]  # fmt: skip


def small_counts_withheld(req: ChartRequest) -> ChartRequest:
    """Each count series (children starting care beside those in care, say) with its months of 1 to the
    threshold less one children drawn as no point: their value is None, the count kept as the numerator so
    that the figures' table says "fewer than 5" (`charts.data_table`); in such a month every count of events
    beside the chart is withheld ("withheld"), so that none can be worked out from the others. Percentages and
    rates are the council's headline figures and stay (docs/report.md#small-numbers)."""
    policy = req.disclosure
    together = flows_withheld_together((req.main, *req.extra, *req.related), policy.is_small)
    withheld = False

    def line(chart_line: ChartLine | None, beside: bool = False) -> ChartLine | None:
        nonlocal withheld
        if chart_line is None or chart_line.unit != "count":
            return chart_line
        points = []
        for p in chart_line.points:
            small = p.value is not None and float(p.value).is_integer() and policy.is_small(p.value)
            second = beside and chart_line.period_kind == "flow" and p.period_end in together and not small
            withheld = withheld or small
            if small:
                points.append(replace(p, value=None, numerator=p.value))
            elif second and p.value is not None:
                points.append(replace(p, value=None, numerator=None, withheld=True))
            else:
                points.append(p)
        return replace(chart_line, points=tuple(points))

    main = line(req.main, True)
    assert main is not None
    out = replace(req, main=main, secondary=line(req.secondary),
                  extra=tuple(x for x in (line(x, True) for x in req.extra) if x),
                  related=tuple(x for x in (line(x, True) for x in req.related) if x))  # fmt: skip
    if withheld:
        note = f'Months with {policy.label} children have no point, and their count reads "{policy.label}".'
        out = replace(out, notes=(*out.notes, note))
    return out
