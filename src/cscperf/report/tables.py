"""The report's tables as text, once, for every format: the summary of performance and how we compare."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cscperf.analysis.spc import AssuranceIcon, VariationIcon
from cscperf.analysis.spc_icons import assurance_label, variation_label
from cscperf.report.appendix import chart_of
from cscperf.report.chart_request import Rag
from cscperf.report.comparisons import Comparators
from cscperf.report.contents import ReportContent
from cscperf.report.figures import change_shown, month_short, n_of_d, shown
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.rag import target_short


@dataclass(frozen=True)
class SummaryRow:
    indicator_id: str
    measure: str
    chart: int
    direction: str
    latest: str
    previous: str
    change: str
    average: str
    target: str
    rag: Rag
    status: str
    note: str  # small numbers
    variation: VariationIcon | None = None  # statistical process control: the latest month's state
    assurance: AssuranceIcon | None = None  # will the process meet the target?
    variation_words: str = ""  # e.g. "Common cause", "Concern (low) (provisional)"
    assurance_words: str = ""  # e.g. "Hit and miss"


@dataclass(frozen=True)
class CompareRow:
    indicator_id: str
    measure: str
    direction: str
    ours: str
    england: str
    region: str
    neighbours: str
    year: str
    quartile: str


def _value(f: IndicatorFigures, value: float | None) -> str:
    return "-" if value is None else shown(value, f.indicator.unit, f.indicator.decimals)


def summary_headers(content: ReportContent) -> list[str]:
    latest = content.figures[next(iter(content.figures))]
    prev = latest.previous
    end = latest.latest.period_end
    whole_month = (end + dt.timedelta(days=1)).day == 1
    label = month_short(end) if whole_month else f"1-{end.day} {end:%b %Y}, part month"
    return ["Measure", "Which way is better", f"Latest ({label})",
            f"Previous month ({month_short(prev.period_end)})" if prev else "Previous month", "Change",
            "12-month average", "Target", "Status", "Variation", "Assurance"]  # fmt: skip


def summary_row(f: IndicatorFigures) -> SummaryRow:
    ind = f.indicator
    latest = _value(f, f.latest.value) if f.latest.available else "Not available"
    if f.small_number_note and f.latest.denominator is not None and f.latest.numerator is not None:
        latest += f" ({n_of_d(f.latest.numerator, f.latest.denominator, policy=f.disclosure)})"
    change = change_shown(f.change, ind.unit, ind.decimals)
    if f.change_verdict:
        change += f" ({f.change_verdict})"
    if f.break_since_previous is not None and f.latest.value is not None:
        change = "Not compared (series break)"
    variation, assurance, provisional = spc_icons(f)
    return SummaryRow(
        indicator_id=ind.id,
        measure=ind.title,
        chart=chart_of(ind.id).number,
        direction=f.direction_short,
        latest=latest,
        previous=_value(f, f.previous.value) if f.previous else "-",
        change=change,
        average=_value(f, f.average_12m),
        target=target_short(ind, f.target),
        rag=f.status.rag,
        status=f.status.words,
        note="Small numbers" if f.small_number_note else "",
        variation=variation,
        assurance=assurance,
        variation_words="No figure"
        if f.latest.value is None
        else variation_label(variation) + (" (provisional)" if provisional and variation else ""),
        assurance_words=assurance_label(assurance) + (" (provisional)" if provisional and assurance else ""),
    )


def spc_icons(f: IndicatorFigures) -> tuple[VariationIcon | None, AssuranceIcon | None, bool]:
    """The variation and assurance icons, and whether the limits behind them are provisional (fewer than 12
    months since the last break)."""
    spc = f.spc
    if spc is None or f.latest.value is None:
        return None, None, False
    current = spc.current
    return spc.variation_icon, spc.assurance_icon, bool(current is not None and current.trial)


def summary_groups(content: ReportContent) -> list[tuple[str, list[SummaryRow]]]:
    return [(title, [summary_row(f) for f in rows]) for title, rows in content.summary_groups()]


COMPARE_HEADERS = ["Measure", "Which way is better", "Ours (period)", "England", "Region", "Statistical neighbours",
                   "Published year", "Our quartile"]  # fmt: skip


def _ours(f: IndicatorFigures, c: Comparators) -> str:
    """Our figure as compared, with its period, and the numbers behind it when they are few."""
    own = c.own or f.latest
    text = f"{_value(f, own.value)} ({c.own_period})" if c.own_period else _value(f, own.value)
    small = own.denominator and own.numerator is not None and own.denominator < f.small_denominator
    if f.indicator.unit == "percent" and small and own.numerator is not None and own.denominator is not None:
        text += f"; {n_of_d(own.numerator, own.denominator, policy=f.disclosure)}, small numbers"
    return text


def compare_headers(content: ReportContent) -> list[str]:
    """The comparison table's headings, naming the region."""
    names = {f.comparators.region_name for f in content.figures.values() if f.comparators and f.comparators.region_name}
    headers = list(COMPARE_HEADERS)
    if len(names) == 1:
        headers[4] = f"Region ({next(iter(names))})"
    return headers


def compare_rows(content: ReportContent) -> list[CompareRow]:
    rows = []
    for f in content.figures.values():
        c = f.comparators
        if c is None:
            continue
        region = _value(f, c.region)
        neighbours = _value(f, c.neighbours)
        if c.neighbours is not None:
            neighbours += f" ({c.neighbour_average} of {c.neighbours_with_data})"
        rows.append(
            CompareRow(
                indicator_id=f.indicator.id,
                measure=f.indicator.title,
                direction=f.direction_short,
                ours=_ours(f, c),
                england=_value(f, c.england),
                region=region,
                neighbours=neighbours,
                year=c.year_label,
                quartile=c.quartile or "-",
            )
        )
    return rows


QUARTILE_NOTE = (
    "Ours: the latest month for figures at a date; the 12 months to it for figures over a year (assessments, "
    "conferences, plans started), as the published figures are. Quartile: where our figure would place us among "
    "all councils in the published year, A the best quarter (for measures with no better direction, A holds the "
    "lowest figures)."
)
