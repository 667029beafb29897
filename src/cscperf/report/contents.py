"""The report's content, built once from the engine and shared by every format (Word, PDF, HTML, Excel).

Sections follow the seed report: recommendations, purpose, how to read the report, the summary of
performance, then early help and the front door, safeguarding and child protection, children in care, and
the workforce, each with a paragraph per indicator; data notes; Appendix 1 (the charts, each with its data);
and the glossary annex. Counts only: no child's identifier is ever part of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from cscperf.comparators.published import MEASURES
from cscperf.errors import DataProblem, UsageProblem
from cscperf.indicators.coverage import council_coverage
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point, compute, drill
from cscperf.indicators.series import series_periods
from cscperf.lists.committee import oversight_paragraphs
from cscperf.reference.la_codes import council_name
from cscperf.report.appendix import CHART_PLANS, ChartPlan, chart_of, chart_requests
from cscperf.report.chart_request import ChartRequest
from cscperf.report.commentary import Commentary
from cscperf.report.comparisons import Comparators, comparators_for
from cscperf.report.config import ReportConfig
from cscperf.report.figures import month_name
from cscperf.report.forecast_section import SECTION_ID, SECTION_TITLE, ForecastSection, forecast_section
from cscperf.report.glossary import GLOSSARY
from cscperf.report.indicator_figures import IndicatorFigures, indicator_figures
from cscperf.report.narrative import Counterfactual, counterfactual, counterfactual_sentence, indicator_paragraph
from cscperf.report.rag import RAG_NAMES
from cscperf.reporting_periods import rolling_12_months
from cscperf.store.connection import Connection

ParagraphKind = Literal["text", "narrative", "counterfactual", "commentary", "explanation_needed", "note", "list"]

# The report's performance sections, the library sections each holds, and their titles (the seed's headings).
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
    number: str  # "7.3", as committee papers number them
    text: str
    kind: ParagraphKind = "text"
    indicator_id: str | None = None
    label: str | None = None  # e.g. "Service comment"


@dataclass(frozen=True)
class ReportSection:
    number: int
    section_id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    indicator_ids: tuple[str, ...] = ()


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
    oversight: dict[str, tuple[str, ...]] = field(default_factory=dict)  # managers' lists paragraphs, by section
    forecast: ForecastSection | None = None

    @property
    def latest_month(self) -> str:
        """ "October 2026", or "15 October 2026" when the report is as at a day within a month."""
        name = month_name(self.as_at)
        return f"{self.as_at:%-d %B %Y}" if name.startswith("the month") else name

    def section(self, section_id: str) -> ReportSection:
        return next(s for s in self.sections if s.section_id == section_id)

    def summary_groups(self) -> list[tuple[str, list[IndicatorFigures]]]:
        """The summary table's rows, grouped under the performance sections' titles."""
        out = []
        for section_id, library_sections, title in PERFORMANCE_SECTIONS:
            del section_id
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
    """Compute every indicator for the charted months and assemble the report's content."""
    la_code, council_name = council_of(con, config, la)
    _check_covered(con, la_code, council_name, as_at)
    options = config.report
    periods = series_periods(as_at, options.chart_months, "month")
    settings = config.indicator_settings
    results = compute(con, periods, settings=settings, la_codes=[la_code])
    series: dict[str, list[Point]] = {
        r.indicator.id: [p for p in r.points if p.group is None and p.la_code == la_code] for r in results
    }
    latest = {i: pts[-1] for i, pts in series.items() if pts}
    library = load_library()
    flows = [i for i in MEASURES if library[i].period_kind == "flow"]
    year = compute(con, [rolling_12_months(as_at)], ids=flows, settings=settings, la_codes=[la_code]) if flows else []
    year_to_date = {r.indicator.id: r.points[-1] for r in year if r.points}
    comparators, loaded = comparators_for(
        con,
        la_code,
        latest,
        as_at,
        model=options.neighbour_model,
        average=options.neighbour_average,
        year_to_date=year_to_date,
    )
    targets = config.effective_targets()
    figures = {
        i: indicator_figures(library[i], series[i], targets.get(i), comparators.get(i), options.small_denominator,
                             breaks=config.breaks_for(i), baseline_points=config.spc.baseline_points,
                             disclosure=config.disclosure)
        for i in library
    }  # fmt: skip
    not_in_time = {i: _children_not_in_time(con, i, periods[-1], config, la_code) for i in VISIT_INDICATORS}
    oversight = oversight_paragraphs(
        con, la_code, as_at, indicator_settings=settings, settings=config.list_settings, policy=config.disclosure
    )
    counterfactuals = _counterfactuals(figures)
    charts = tuple(ChartEntry(plan, request) for plan, request in chart_requests(figures, config.all_events()))
    missing = tuple(i for i, f in figures.items() if f.status.rag == "red" and commentary.for_indicator(i) is None)
    ahead = config.forecast
    forecast = forecast_section(con, la_code, as_at, ahead, settings, config.disclosure) if ahead.in_report else None
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
        oversight=oversight,
        forecast=forecast,
    )
    sections = _sections(content, config, commentary)
    return ReportContent(**{**content.__dict__, "sections": sections})


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
        raise UsageProblem("The store does not say what dates the council's data cover: give --as-at YYYY-MM-DD.")
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


class _Numbered:
    """Paragraph numbers within a section: 5.1, 5.2, ..."""

    def __init__(self, section: int) -> None:
        self.section = section
        self.n = 0
        self.items: list[Paragraph] = []

    def add(self, text: str, kind: ParagraphKind = "text", indicator_id: str | None = None, label: str | None = None,
            numbered: bool = True) -> None:  # fmt: skip
        if numbered:
            self.n += 1
        number = f"{self.section}.{self.n}" if numbered else ""
        self.items.append(Paragraph(number, text, kind, indicator_id, label))


def _sections(content: ReportContent, config: ReportConfig, commentary: Commentary) -> tuple[ReportSection, ...]:
    from cscperf.report import boilerplate

    sections: list[ReportSection] = []
    number = 0
    commentary_name = config.report.commentary.name if config.report.commentary is not None else None

    def start() -> _Numbered:
        nonlocal number
        number += 1
        return _Numbered(number)

    p = start()
    for text, kind in boilerplate.recommendations(content):
        p.add(text, kind)  # type: ignore[arg-type]
    sections.append(ReportSection(p.section, "recommendations", "Recommendations", tuple(p.items)))

    p = start()
    for text in boilerplate.purpose(content):
        p.add(text)
    intro = commentary.for_section("introduction")
    if intro:
        p.add(intro, "commentary", label="Service Director")
    sections.append(ReportSection(p.section, "purpose", "Purpose of this report", tuple(p.items)))

    p = start()
    for text in boilerplate.how_to_read(content, config):
        p.add(text)
    sections.append(ReportSection(p.section, "how_to_read", "How to read this report", tuple(p.items)))

    p = start()
    for text in boilerplate.summary(content):
        p.add(text)
    sections.append(ReportSection(p.section, "summary", "Summary of performance", tuple(p.items),
                                  tuple(content.figures)))  # fmt: skip

    for section_id, library_sections, title in PERFORMANCE_SECTIONS:
        p = start()
        ids = tuple(i for i, f in content.figures.items() if f.indicator.section in library_sections)
        for text in boilerplate.section_intro(section_id):
            p.add(text)
        own = commentary.for_section(section_id)
        if own:
            p.add(own, "commentary", label="Service comment")
        for indicator_id in _narrative_order(ids):
            _indicator_paragraphs(p, content, indicator_id, commentary, commentary_name)
        for text in content.oversight.get(section_id, ()):
            p.add(text)
        sections.append(ReportSection(p.section, section_id, title, tuple(p.items), ids))

    if content.forecast is not None:
        p = start()
        for text in content.forecast.paragraphs:
            p.add(text)
        sections.append(ReportSection(p.section, SECTION_ID, SECTION_TITLE, tuple(p.items)))

    p = start()
    for text in boilerplate.data_notes(content, config):
        p.add(text)
    sections.append(ReportSection(p.section, "data_notes", "Notes on the data", tuple(p.items)))
    return tuple(sections)


def _narrative_order(ids: tuple[str, ...]) -> list[str]:
    """Indicators in the order of their charts (seed order first), each chart's headline before the rest."""
    order = {i: (plan.number, plan.indicator_ids.index(i)) for plan in CHART_PLANS for i in plan.indicator_ids}
    return sorted(ids, key=lambda i: order.get(i, (999, 0)))


def _indicator_paragraphs(
    p: _Numbered, content: ReportContent, indicator_id: str, commentary: Commentary, commentary_name: str | None
) -> None:
    figures = content.figures[indicator_id]
    plan = chart_of(indicator_id)
    text = indicator_paragraph(figures, plan, content.not_in_time_children.get(indicator_id))
    p.add(text, "narrative", indicator_id)
    for c in content.counterfactuals:
        if c.indicator_id == indicator_id:
            p.add(counterfactual_sentence(c), "counterfactual", indicator_id, numbered=False)
    comment = commentary.for_indicator(indicator_id)
    if comment is not None:
        parts = [comment.explanation.strip(), comment.action.strip()]
        label = "Service comment" + (f" ({comment.by.strip()})" if comment.by.strip() else "")
        p.add(" ".join(x for x in parts if x), "commentary", indicator_id, label, numbered=False)
    elif figures.status.rag == "red" and figures.latest.available:
        where = commentary_name or "the commentary file"
        p.add(
            f"This measure is {RAG_NAMES['red']} and the service has not yet said why or what is being done. "
            f"Add the explanation to {where} under [{indicator_id}].",
            "explanation_needed",
            indicator_id,
            "Explanation needed",
            numbered=False,
        )
