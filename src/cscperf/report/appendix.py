"""Appendix 1: which charts the report holds, in the seed report's order (charts 1 to 13), then caseloads and
the workforce, then the remaining indicators, so that every indicator in the summary has a chart.

A chart plan names the headline indicator (left axis), an optional second series on a right axis and further
series sharing the left axis. `chart_request` turns a plan and the report's figures into the chart contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
    ReferenceKind,
    ReferenceLine,
)
from cscperf.report.config import EventConfig
from cscperf.report.figures import month_short, shown, within_possible
from cscperf.report.indicator_figures import IndicatorFigures


@dataclass(frozen=True)
class ChartPlan:
    number: int
    chart_id: str
    title: str
    main: str
    secondary: str | None = None
    extra: tuple[str, ...] = ()
    comparators: bool = True  # draw England, region and neighbour lines
    comparators_of: str | None = None  # whose published figures they are, when not the headline indicator's

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return (self.main, *((self.secondary,) if self.secondary else ()), *self.extra)


CHART_PLANS: tuple[ChartPlan, ...] = (
    ChartPlan(1, "early_help_assessments", "Early help assessments started by month", "eh_assessments_started"),
    ChartPlan(2, "contacts", "Contacts and the percentage progressing to a referral", "contact_conversion",
              secondary="contacts"),
    ChartPlan(3, "re_referrals", "Re-referrals within 12 months", "re_referrals_12m"),
    ChartPlan(4, "assessments_45wd", "Assessments completed within 45 working days", "assessments_within_45wd",
              extra=("assessments_within_45wd_from_referral",)),
    ChartPlan(5, "cp_plans", "Children on child protection plans: rate per 10,000 and number", "cp_rate_per_10k",
              secondary="cp_plans_open"),
    ChartPlan(6, "cp_plan_length", "Children on a plan for 2 years or more and for more than 12 months",
              "cp_open_2y_plus", extra=("cp_open_over_12m",)),
    ChartPlan(7, "cp_visits", "Child protection visits in time", "cp_visits_in_time"),
    ChartPlan(8, "children_in_care", "Children in care: rate per 10,000 and number", "cla_rate_per_10k",
              secondary="cla_open"),
    ChartPlan(9, "placement_stability", "Placement stability: children with 3 or more placements in the year",
              "cla_3plus_placements"),
    ChartPlan(10, "cla_visits", "Children in care visited in time", "cla_visits_in_time"),
    ChartPlan(11, "health_assessments", "Health assessments in date", "cla_health_assessment_in_date",
              extra=("oc2_health_assessment",), comparators_of="oc2_health_assessment"),
    ChartPlan(12, "dental_checks", "Dental checks in date", "cla_dental_check_in_date",
              extra=("oc2_dental_check",), comparators_of="oc2_dental_check"),
    ChartPlan(13, "peps", "Personal Education Plans in date", "cla_pep_in_date"),
    ChartPlan(14, "caseloads", "Average social worker caseload", "sw_average_caseload"),
    ChartPlan(15, "caseloads_over_target", "Social workers with caseloads over the target", "sw_caseload_over_target"),
    ChartPlan(16, "vacancies", "Social worker vacancy rate", "sw_vacancy_rate"),
    ChartPlan(17, "agency", "Agency social worker rate", "sw_agency_rate"),
    ChartPlan(18, "turnover", "Social worker turnover rate", "sw_turnover_rate"),
    ChartPlan(19, "referrals", "Referrals and assessments completed", "referrals", extra=("assessments_completed",)),
    ChartPlan(20, "assessment_backlog", "Assessments open and already over 45 working days",
              "assessments_open_over_45wd"),
    ChartPlan(21, "s47_and_plans", "Section 47 enquiries and child protection plans started", "s47_started",
              extra=("cp_plans_started",)),
    ChartPlan(22, "icpc", "Initial child protection conferences within 15 working days", "icpc_within_15wd"),
    ChartPlan(23, "repeat_plans", "Child protection plans that are a second or subsequent plan",
              "cp_second_or_subsequent"),
    ChartPlan(24, "plans_ended_2y", "Child protection plans ending that lasted 2 years or more", "cp_ended_2y_plus"),
    ChartPlan(25, "cp_reviews", "Child protection plans reviewed in time", "cp_reviews_in_time"),
    ChartPlan(26, "cla_starts_ends", "Children starting and ceasing to be looked after", "cla_started",
              extra=("cla_ceased",)),
    ChartPlan(27, "long_term_stability", "Long-term placement stability", "cla_long_term_stability"),
    ChartPlan(28, "cla_reviews", "Looked-after reviews held in time", "cla_reviews_in_time"),
)  # fmt: skip

SEED_CHARTS = 13


def chart_of(indicator_id: str) -> ChartPlan:
    """The chart an indicator appears in."""
    return next(p for p in CHART_PLANS if indicator_id in p.indicator_ids)


def chart_line(figures: IndicatorFigures, label: str | None = None) -> ChartLine:
    ind = figures.indicator
    points = tuple(_chart_point(p) for p in figures.points)
    return ChartLine(label or ind.title, ind.unit, ind.decimals, points)


def _chart_point(p: Point) -> ChartPoint:
    return ChartPoint(p.period_end, month_short(p.period_end), p.value, p.numerator, p.denominator)


def chart_request(
    plan: ChartPlan, figures: Mapping[str, IndicatorFigures], events: tuple[EventConfig, ...]
) -> ChartRequest:
    """The chart contract for one plan: series, target or band, comparators, events, latest RAG and notes."""
    main = figures[plan.main]
    ind = main.indicator
    references: list[ReferenceLine] = []
    band = None
    target = main.target
    if target is not None and target.band is not None:
        band = target.band
    elif target is not None and target.target is not None:
        kind: ReferenceKind = "stretch" if target.kind == "stretch" else "target"
        words = {"stretch": "Stretch target", "local": "Target", "national": "National standard"}[target.kind]
        references.append(ReferenceLine(f"{words} {shown(target.target, ind.unit, 1, trim=True)}", target.target, kind))
    compared = figures[plan.comparators_of] if plan.comparators_of else main
    c = compared.comparators
    whose = f" ({compared.indicator.title.lower()})" if plan.comparators_of else ""
    if plan.comparators and c is not None:
        for value, kind, label in (
            (c.england, "england", "England"),
            (c.region, "region", c.region_name or "Region"),
            (c.neighbours, "neighbours", "Neighbours" + (" (median)" if c.neighbour_average == "median" else "")),
        ):
            if value is not None:
                text = f"{label}{whose} {c.year_label}: {shown(value, ind.unit, ind.decimals)}"
                references.append(ReferenceLine(text, value, kind))
    ids = set(plan.indicator_ids)
    first, last = main.points[0].period_start, main.points[-1].period_end
    chart_events = tuple(
        ChartEvent(e.date, e.text, e.series_break)
        for e in events
        if first <= e.date <= last and (not e.indicators or ids & set(e.indicators))
    )
    notes = tuple(n for i in plan.indicator_ids if (n := figures[i].small_number_note) is not None)
    if any(not figures[i].history_complete for i in plan.indicator_ids):
        notes += ("Some months have no figure because the data does not go back far enough.",)
    return ChartRequest(
        chart_id=plan.chart_id,
        title=f"Chart {plan.number}: {plan.title}",
        direction=main.direction_words,
        main=chart_line(main),
        secondary=chart_line(figures[plan.secondary]) if plan.secondary else None,
        extra=tuple(chart_line(figures[i]) for i in plan.extra),
        band=band,
        references=tuple(references),
        events=chart_events,
        latest_rag=main.status.rag,
        rag_words=f"Latest month {main.status.words}" if main.status.rag != "none" else main.status.words,
        notes=notes,
        disclosure=main.disclosure,
        spc=chart_spc(main),
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
    return [(plan, chart_request(plan, figures, events)) for plan in CHART_PLANS]
