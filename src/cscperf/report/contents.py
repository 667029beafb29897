"""The report's content, built once from the engine and shared by every format (Word, PDF, HTML, Excel).

The committee paper follows the council template the seed report uses: the cover with the recommendations,
then (before section 1, for a member reading in ten minutes) the scorecard and the summary tables; 1 origin,
2 purpose and reason, 3 timescales, 4 background and key issues (the performance narrative by area, the
workforce, inspection, the portfolio holder's report), 5 consultation, 6 anticipated outcomes, 7 reason for the
recommendation, 8 alternative options, 9 implications, 10 background documents, 11 appendices; Appendix 1 the
charts, Appendix 2 how to read the figures and notes on the data, Appendix 3 the glossary. Counts only: no
child's identifier is ever part of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from cscperf.comparators.own import year_to_date
from cscperf.errors import DataProblem, UsageProblem
from cscperf.indicators.coverage import council_coverage
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point, compute, drill
from cscperf.indicators.series import series_periods
from cscperf.lists.committee import oversight_paragraphs
from cscperf.reference.la_codes import council_name
from cscperf.report.appendix import ChartPlan, chart_requests
from cscperf.report.chart_request import ChartRequest
from cscperf.report.commentary import Commentary
from cscperf.report.comparisons import Comparators, comparators_for
from cscperf.report.config import ReportConfig
from cscperf.report.figures import month_name
from cscperf.report.forecast_section import ForecastSection, forecast_section
from cscperf.report.glossary import GLOSSARY
from cscperf.report.indicator_figures import IndicatorFigures, indicator_figures
from cscperf.report.narrative import Counterfactual, counterfactual
from cscperf.report.scorecard import Headline, scorecard
from cscperf.reporting_periods import ReportingPeriod
from cscperf.store.connection import Connection

ParagraphKind = Literal["text", "narrative", "counterfactual", "commentary", "explanation_needed", "note", "list",
                        "heading", "gap", "bullet", "forecast"]  # fmt: skip

# The performance parts of section 4, the library sections each holds, and their titles (the seed's headings).
PERFORMANCE_SECTIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("front_door", ("early_help", "front_door"), "Early help, contacts, referrals and the timeliness of assessments"),
    ("child_protection", ("child_protection",), "Safeguarding and child protection"),
    ("children_in_care", ("children_in_care",), "Children in care"),
    ("workforce", ("workforce",), "Workforce and caseloads"),
)

# Indicators whose paragraph says how many children were behind the visits not done in time (from the drill).
VISIT_INDICATORS = ("cp_visits_in_time", "cla_visits_in_time")


@dataclass(frozen=True)
class Paragraph:
    number: str  # "4.7", as committee papers number them; "" for a heading, a box or a bullet
    text: str
    kind: ParagraphKind = "text"
    indicator_id: str | None = None  # the measure a paragraph is about (a chart's drawn measure)
    label: str | None = None  # e.g. "Service comment"
    indicator_ids: tuple[str, ...] = ()  # every measure whose figures it states (a chart's related ones too)
    slot: str | None = None  # a gap: the part of the paper still to be written


@dataclass(frozen=True)
class ReportSection:
    number: int  # 0 for the parts before section 1 (the scorecard, the summary tables)
    section_id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    indicator_ids: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class ChartEntry:
    plan: ChartPlan
    request: ChartRequest


@dataclass(frozen=True)
class ReportContent:
    title: str
    committee: str
    author: str
    council_name: str
    la_code: str
    as_at: dt.date
    meeting_date: dt.date | None
    figures: dict[str, IndicatorFigures]  # library order
    sections: tuple[ReportSection, ...]
    charts: tuple[ChartEntry, ...]
    glossary: tuple[tuple[str, str], ...]
    comparators_loaded: bool
    counterfactuals: tuple[Counterfactual, ...]
    not_in_time_children: dict[str, int]
    explanations_missing: tuple[str, ...]
    recommendations: tuple[str, ...] = ()
    scorecard: tuple[Headline, ...] = ()
    slots_missing: tuple[str, ...] = ()  # parts of the paper still to be written (slots.SLOTS)
    appendix_2: tuple[ReportSection, ...] = ()  # how to read the figures; notes on the data
    measures: tuple[tuple[str, str], ...] = ()  # the glossary's measures: short title, definition
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    oversight: dict[str, tuple[str, ...]] = field(default_factory=dict)  # managers' lists paragraphs, by section
    forecast: ForecastSection | None = None

    @property
    def latest_month(self) -> str:
        """ "October 2026", or "15 October 2026" when the report is as at a day within a month."""
        name = month_name(self.as_at)
        return f"{self.as_at:%-d %B %Y}" if name.startswith("the month") else name

    def section(self, section_id: str) -> ReportSection:
        return next(s for s in (*self.sections, *self.appendix_2) if s.section_id == section_id)

    def summary_groups(self) -> list[tuple[str, list[IndicatorFigures]]]:
        """The summary table's rows, grouped under the performance sections' titles."""
        out = []
        for _, library_sections, title in PERFORMANCE_SECTIONS:
            rows = [f for f in self.figures.values() if f.indicator.section in library_sections]
            out.append((title, rows))
        return out

    def status_counts(self) -> dict[str, int]:
        """Measures by status; "none" holds those without a target, "not_available" those whose latest figure
        the data cannot support (they have no status either)."""
        counts = dict.fromkeys(("blue", "green", "amber", "red", "none", "not_available"), 0)
        for f in self.figures.values():
            counts["not_available" if not f.latest.available else f.status.rag] += 1
        return counts

    @property
    def not_available(self) -> dict[str, str]:
        """The measures with no latest figure because the data cannot support one, and why."""
        return {i: f.latest.reason or "not available" for i, f in self.figures.items() if not f.latest.available}


def council_of(con: Connection, config: ReportConfig, la: str | None) -> tuple[str, str]:
    """The council reported on: its DfE code and name."""
    rows = con.execute("SELECT la_code, la_name FROM cscperf_councils ORDER BY la_code").fetchall()
    if not rows:
        raise DataProblem("The store holds no councils yet: create one with `cscperf synth` or load a council's data.")
    names = {str(code): council_name(str(code), name) for code, name in rows}  # a loaded council has no name yet
    wanted = la or config.council.la_code
    if wanted is None:
        if len(names) > 1:
            shown = ", ".join(list(names)[:10])
            raise UsageProblem(
                f"The store holds {len(names)} councils ({shown}); choose one with --la or [council] la_code."
            )
        wanted = next(iter(names))
    if wanted not in names:
        raise UsageProblem(f"The store holds no council {wanted}; it holds {', '.join(list(names)[:10])}.")
    return wanted, config.council.name or names[wanted]


def build_report(
    con: Connection,
    as_at: dt.date,
    config: ReportConfig,
    commentary: Commentary,
    *,
    la: str | None = None,
) -> ReportContent:
    """Compute every indicator for the charted months and assemble the committee paper's content."""
    from cscperf.report.paper import paper_sections

    la_code, council_name = council_of(con, config, la)
    _check_covered(con, la_code, council_name, as_at)
    options = config.report
    periods = series_periods(as_at, options.chart_months, "month")
    figures, loaded = report_figures(con, periods, config, la_code)
    not_in_time = {i: _children_not_in_time(con, i, periods[-1], config, la_code) for i in VISIT_INDICATORS}
    oversight = oversight_paragraphs(
        con,
        la_code,
        as_at,
        indicator_settings=config.indicator_settings,
        settings=config.list_settings,
        policy=config.disclosure,
    )
    counterfactuals = _counterfactuals(figures)
    charts = tuple(ChartEntry(plan, request) for plan, request in chart_requests(figures, config.all_events()))
    missing = tuple(i for i, f in figures.items() if f.status.rag == "red" and commentary.for_indicator(i) is None
                    and f.latest.available)  # fmt: skip
    ahead = config.forecast
    forecast = (
        forecast_section(con, la_code, as_at, ahead, config.indicator_settings, config.disclosure)
        if ahead.in_report
        else None
    )
    content = ReportContent(
        title=options.title,
        committee=options.committee,
        author=options.author,
        council_name=council_name,
        la_code=la_code,
        as_at=as_at,
        meeting_date=options.meeting_date,
        figures=figures,
        sections=(),
        charts=charts,
        glossary=GLOSSARY,
        comparators_loaded=loaded,
        counterfactuals=counterfactuals,
        not_in_time_children=not_in_time,
        explanations_missing=missing,
        scorecard=scorecard(figures, counterfactuals),
        oversight=oversight,
        forecast=forecast,
    )
    return paper_sections(content, config, commentary)


def report_figures(
    con: Connection, periods: list[ReportingPeriod], config: ReportConfig, la_code: str
) -> tuple[dict[str, IndicatorFigures], bool]:
    """Every indicator's figures over the charted months (and, for percentages of events, the 11 months before
    them, for the 12 months to each charted month), with its target, status, comparators and process control;
    and whether comparators are loaded."""
    options, settings = config.report, config.indicator_settings
    as_at = periods[-1].end
    results = compute(con, periods, settings=settings, la_codes=[la_code])
    series: dict[str, list[Point]] = {
        r.indicator.id: [p for p in r.points if p.group is None and p.la_code == la_code] for r in results
    }
    library = load_library()
    flows = [i for i, ind in library.items() if ind.unit == "percent" and ind.period_kind == "flow"]
    before = series_periods(periods[0].start - dt.timedelta(days=1), 11, "month")
    earlier: dict[str, list[Point]] = {
        r.indicator.id: [p for p in r.points if p.group is None and p.la_code == la_code]
        for r in compute(con, before, ids=flows, settings=settings, la_codes=[la_code])
    } if flows else {}  # fmt: skip
    latest = {i: pts[-1] for i, pts in series.items() if pts}
    year = year_to_date(con, library, as_at, settings=settings, la_code=la_code)
    comparators, loaded = comparators_for(con, la_code, latest, as_at, model=options.neighbour_model,
                                          average=options.neighbour_average, year_to_date=year,
                                          since=periods[0].start)  # fmt: skip
    targets = config.effective_targets()
    figures = {
        i: indicator_figures(library[i], series[i], targets.get(i), comparators.get(i), options.small_denominator,
                             breaks=config.breaks_for(i), baseline_points=config.spc.baseline_points,
                             disclosure=config.disclosure, earlier=earlier.get(i, ()))
        for i in library
    }  # fmt: skip
    return figures, loaded


def _check_covered(con: Connection, la_code: str, name: str, as_at: dt.date) -> None:
    """Refuse an as-at date the council's data do not reach (the engine's coverage: a report of figures that
    are all "not available" would help no one). Months before the data start have no figure (the engine)."""
    coverage = council_coverage(con, [la_code])[la_code]
    start, end = coverage.data_start, coverage.data_end
    if end is not None and as_at > end:
        raise DataProblem(
            f"The store's data for {name} end on {end:%-d %B %Y}, so there are no figures to {as_at:%-d %B %Y}. "
            f"Report as at {end:%Y-%m-%d} or earlier, or load newer data."
        )
    if start is not None and as_at < start + dt.timedelta(days=27):
        raise DataProblem(
            f"The store's data for {name} begin on {start:%-d %B %Y}: a report as at {as_at:%-d %B %Y} would have "
            "less than a month of figures. Choose a later date."
        )


def default_as_at(con: Connection, config: ReportConfig, la: str | None) -> dt.date:
    """The as-at date when none is given: the end of the last complete month of the council's data."""
    la_code, _ = council_of(con, config, la)
    found = council_coverage(con, [la_code])[la_code].last_complete_month()
    if found is None:
        from cscperf.indicators.coverage import why_no_default_as_at

        raise UsageProblem(f"{why_no_default_as_at(con, la_code)}: give --as-at YYYY-MM-DD.")
    return found


def _children_not_in_time(
    con: Connection, indicator_id: str, period: object, config: ReportConfig, la_code: str
) -> int:
    """Distinct children behind the visits not carried out in time in the latest month (a count, never ids)."""
    rows = drill(con, indicator_id, period, settings=config.indicator_settings, la_codes=[la_code])  # type: ignore[arg-type]
    return len({r["person_id"] for r in rows if not r["in_numerator"] and r["person_id"] is not None})


def _counterfactuals(figures: dict[str, IndicatorFigures]) -> tuple[Counterfactual, ...]:
    out = []
    for indicator_id in ("cla_rate_per_10k", "cp_rate_per_10k"):
        f = figures[indicator_id]
        c: Comparators | None = f.comparators
        if c is None:
            continue
        for words, rate in ((c.neighbour_words, c.neighbours), ("England rate", c.england)):
            made = counterfactual(f, words, rate)
            if made is not None:
                out.append(made)
    return tuple(out)
