"""The report's tables as text, once, for every format: the summary of performance and how we compare."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cscperf.analysis.spc import AssuranceIcon, VariationIcon
from cscperf.analysis.spc_icons import assurance_label, variation_label
from cscperf.indicators.engine import Point
from cscperf.report.appendix import chart_of
from cscperf.report.chart_request import Rag
from cscperf.report.comparisons import Comparators
from cscperf.report.contents import ReportContent
from cscperf.report.figures import change_shown, month_short, shown
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.measures import words_for
from cscperf.report.paragraphs import contrary
from cscperf.report.rag import RAG_NAMES, target_short
from cscperf.report.withheld_flows import flows_withheld_months


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
    direction_mark: str = ""  # "Higher", "Lower", "Band", "Context": which way is better, in a word
    status_short: str = ""  # "Red", "Amber: within tolerance", as the narrow summary table gives it
    judged_on_year: bool = False  # the status judges the 12 months (marked in the table)
    contrary: str = ""  # "worse than all comparators" where a met target hides a poor comparison

    @property
    def variation_short(self) -> str:
        """The variation words for the narrow printed table: "(provisional)" becomes a mark explained beneath."""
        return self.variation_words.replace(" (provisional)", " *")

    @property
    def assurance_short(self) -> str:
        return self.assurance_words.replace(" (provisional)", " *")


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
    rank: str = ""  # "152 of 153"
    period: str = ""  # our figure's period: "Oct 2026", "12 months to Oct 2026"


def _value(f: IndicatorFigures, value: float | None) -> str:
    """A figure for a table cell: "93%", "17.5", "78" (a rate's unit is in the measure's title)."""
    if value is None:
        return "-"
    return shown(value, f.indicator.unit, f.indicator.decimals, suffix=f.indicator.unit == "percent")


def summary_headers(content: ReportContent) -> list[str]:
    latest = content.figures[next(iter(content.figures))]
    prev = latest.previous
    end = latest.latest.period_end
    whole_month = (end + dt.timedelta(days=1)).day == 1
    label = month_short(end) if whole_month else f"1-{end.day} {end:%b %Y}, part month"
    return ["Measure", "Better", f"Latest ({label})", f"Previous ({month_short(prev.period_end)})" if prev else
            "Previous", "Last 12 months", "Target", "Status", "Variation", "Assurance"]  # fmt: skip


DIRECTION_MARKS = {"higher_is_better": "Higher", "lower_is_better": "Lower", "target_band": "Band",
                   "neutral": "Context"}  # fmt: skip


def _short_status(f: IndicatorFigures) -> str:
    """The status in a few words for the narrow table: "Red", "Amber: within tolerance", "Not available"."""
    rag = f.status.rag
    if not f.latest.available:
        return "Not available"
    if rag == "none":
        return "No target"
    return RAG_NAMES[rag]


def summary_row(f: IndicatorFigures, withheld: frozenset[dt.date] = frozenset()) -> SummaryRow:
    """The measure's row of Table 1. A count of children from 1 to the threshold less one reads "fewer than
    5", and a count of `withheld` months (a count of events beside a small one that, with the children in care,
    would give it) "withheld"; the change beside either is not given."""
    ind = f.indicator
    latest = _count_or_value(f, f.latest, withheld) if f.latest.available else "Not available"
    change = change_shown(f.change, ind.unit, ind.decimals)
    if f.change_verdict:
        change += f" ({f.change_verdict})"
    if f.break_since_previous is not None and f.latest.value is not None:
        change = "Not compared (series break)"
    hidden = [p for p in (f.latest, f.previous)
              if p is not None and _count_or_value(f, p, withheld) in ("withheld", f.disclosure.label)]  # fmt: skip
    if hidden:
        change = "-"
    variation, assurance, provisional = spc_icons(f)
    side = contrary(f)
    return SummaryRow(
        indicator_id=ind.id,
        measure=words_for(ind).short,
        chart=chart_of(ind.id).number,
        direction=f.direction_short,
        latest=latest,
        previous=_count_or_value(f, f.previous, withheld) if f.previous else "-",
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
        direction_mark=DIRECTION_MARKS.get(ind.polarity, "Context")
        if f.target is None or f.target.band is None
        else "Band",
        status_short=_short_status(f),
        judged_on_year=f.basis == "12 months",
        contrary=f"{side} than England, region and neighbours" if side else "",
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
    withheld = flows_withheld_months(content.figures)
    return [(title, [summary_row(f, withheld.get(f.indicator.id, frozenset())) for f in rows])
            for title, rows in content.summary_groups()]  # fmt: skip


def _count_or_value(f: IndicatorFigures, point: Point, withheld: frozenset[dt.date]) -> str:
    """A figure for Table 1: a count of children as members may read it, else the figure with its unit."""
    if f.indicator.unit == "count" and point.value is not None:
        if point.period_end in withheld:
            return "withheld"
        if float(point.value).is_integer() and f.disclosure.is_small(point.value):
            return f.disclosure.label
    return _value(f, point.value)


def status_cell(row: SummaryRow) -> str:
    """The status as the summary table prints it, with its marks."""
    marks = (" \u2020" if row.judged_on_year and row.rag != "none" else "") + (" \u2021" if row.contrary else "")
    return row.status_short + marks


COMPARE_HEADERS = ["Measure", "Better", "Ours", "Our period", "England", "Region", "Neighbours",
                   "Published year", "Quartile (rank)"]  # fmt: skip


def _ours(f: IndicatorFigures, c: Comparators) -> str:
    """Our figure as compared (its period is the next column)."""
    own = c.own or f.latest
    return _value(f, own.value)


def compare_headers(content: ReportContent) -> list[str]:
    """The comparison table's headings, naming the region."""
    names = {f.comparators.region_name for f in content.figures.values() if f.comparators and f.comparators.region_name}
    headers = list(COMPARE_HEADERS)
    if len(names) == 1:
        headers[5] = next(iter(names))
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
            neighbours += f" ({c.neighbour_average} of {c.neighbours_with_data})" if c.neighbours_with_data != 10 \
                else ""  # fmt: skip
        rows.append(
            CompareRow(
                indicator_id=f.indicator.id,
                measure=words_for(f.indicator).short,
                direction=DIRECTION_MARKS.get(f.indicator.polarity, "Context"),
                ours=_ours(f, c),
                period=c.own_period,
                england=_value(f, c.england),
                region=region,
                neighbours=neighbours,
                year=c.year_label,
                quartile=f"{c.quartile} ({c.rank} of {c.rank_of})" if c.quartile and c.rank else c.quartile or "-",
                rank=f"{c.rank} of {c.rank_of}" if c.rank else "",
            )
        )
    return rows


QUARTILE_NOTE = (
    "Ours: the latest month for figures at a date; the 12 months to it for figures over a year (assessments, "
    "conferences, plans started), as the published figures are. Statistical neighbours: the mean of the ten "
    "councils most like ours (of fewer where some published no figure). Quartile: where our figure would place us "
    "among all councils in the published year, A the best quarter and rank 1 the best (for measures with no better "
    "direction, A and rank 1 the lowest figures)."
)
SUMMARY_NOTE = (
    "Better: which way is better (Band: best within a range; Context: no better direction). Rates are per 10,000 "
    "children aged 0 to 17. Last 12 months: for events, the 12 months taken together; for figures at a date, the "
    "average month-end; for counts, the average month (Appendix 2). \u2020 Judged on the last 12 months: too few "
    "cases a month to judge one. \u2021 On target, but worse than England, the region and our neighbours (Table 2). "
    "* Provisional: fewer than 12 months since a series break."
)
