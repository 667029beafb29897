"""The committee report end to end, the demo's paper rendered once for the session (`demo_report`: the default
synthetic council with the published comparators, cscperf.example.toml and the example commentary): every
section and chart; every number in the narrative parsed back and checked against the engine; the PDF, Word, HTML
and Excel files opened and checked; accessibility; no child's identifier. tests/test_report_paper.py checks it as
a printed paper."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from docx import Document
from lxml import html as lxml_html
from openpyxl import load_workbook
from typer.testing import CliRunner

from cscperf.analysis.spc import SpcResult, analyse
from cscperf.cli import app
from cscperf.comparators.comparison import compare, year_for
from cscperf.comparators.published import MEASURES
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point, compute, drill, round_as_dfe
from cscperf.indicators.series import series_periods
from cscperf.report import palette
from cscperf.report.appendix import SEED_CHARTS
from cscperf.report.commentary import read_commentary
from cscperf.report.config import ReportConfig, read_report_config
from cscperf.report.contents import ReportContent
from cscperf.report.writer import Written
from cscperf.reporting_periods import rolling_12_months
from cscperf.store.database import open_store

from .pdf_text import fonts_read_once

pytestmark = pytest.mark.slow  # a long file: started before the short ones (conftest.py)

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference-data"
AS_AT = dt.date(2026, 10, 31)
EXPLAINED = "assessments_within_45wd"  # explained in commentary.example.toml
EXPLANATION = "Vacancies in the assessment teams, and a team manager post vacant until September"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


@pytest.fixture(scope="module")
def store(demo_store: Path) -> Path:
    return demo_store


@pytest.fixture(scope="module")
def config() -> ReportConfig:
    base = read_report_config(ROOT / "cscperf.example.toml")
    options = base.report.model_copy(update={"commentary": ROOT / "commentary.example.toml"})
    return base.model_copy(update={"report": options})


@pytest.fixture(scope="module")
def written(demo_report: Written) -> Written:
    return demo_report


@pytest.fixture(scope="module")
def con(store: Path) -> duckdb.DuckDBPyConnection:
    return open_store(store, read_only=True)


@pytest.fixture(scope="module")
def html_tree(written: Written) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(written.paths["html"].read_bytes())


@pytest.fixture(scope="module")
def pdf_text(written: Written) -> str:
    return subprocess.run(["pdftotext", "-layout", str(written.paths["pdf"]), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


# ---------------------------------------------------------------- content: sections and charts


SECTION_TITLES = (
    "Performance at a glance", "Summary of performance", "1. Origin of report", "2. Purpose and reason for report",
    "3. Timescales", "4. Background and key issues", "5. Consultation", "6. Anticipated outcomes or impact",
    "7. Reason for the recommendation", "8. Alternative options considered", "9. Implications",
    "10. Background documents", "11. Appendices",
)  # fmt: skip
SUBHEADINGS = ("Early help, contacts, referrals and the timeliness of assessments", "Safeguarding and child protection",
               "Children in care", "Workforce and caseloads", "Inspection", "Portfolio holder's report")  # fmt: skip


def test_every_section_is_present_in_every_format(written: Written, html_tree: lxml_html.HtmlElement,
                                                  pdf_text: str) -> None:  # fmt: skip
    titles = [s.heading for s in written.content.sections]
    assert tuple(titles) == SECTION_TITLES
    h2 = [" ".join(h.text_content().split()) for h in html_tree.iter("h2")]
    h3 = [" ".join(h.text_content().split()) for h in html_tree.iter("h3")]
    docx = Document(str(written.paths["docx"]))
    headings = [p.text for p in docx.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    flat_pdf = " ".join(pdf_text.split())
    for title in SECTION_TITLES:
        assert title in h2 and title in headings and title in flat_pdf
    for title in SUBHEADINGS:
        assert title in h3 and title in headings and title in flat_pdf
    for extra in ("Recommendations", "Appendix 1: Charts", "Appendix 2: How to read the figures",
                  "Appendix 3: Glossary"):  # fmt: skip
        assert extra in h2 and extra in headings and extra in flat_pdf


def test_charts_cover_the_seed_and_every_measure(written: Written) -> None:
    charts = written.content.charts
    assert len(charts) >= SEED_CHARTS + 5
    # The seed's charts, in its order, each drawing one measure: the one its target or band judges, or the rate
    # (the number of children is in its figures), or the DfE's annual measure with its published comparators.
    seed_mains = ["eh_assessments_started", "contact_conversion", "re_referrals_12m", "assessments_within_45wd",
                  "cp_rate_per_10k", "cp_open_over_12m", "cp_visits_in_time", "cla_rate_per_10k",
                  "cla_3plus_placements", "cla_visits_in_time", "oc2_health_assessment", "oc2_dental_check",
                  "cla_pep_in_date"]  # fmt: skip
    assert [c.plan.main for c in charts[:SEED_CHARTS]] == seed_mains
    mains = {c.plan.main for c in charts}
    assert {"sw_average_caseload", "sw_vacancy_rate", "sw_agency_rate", "sw_turnover_rate"} <= mains
    charted = {i for c in charts for i in c.plan.indicator_ids}
    assert charted == set(load_library())  # every measure is on a chart page, drawn or in its figures
    for chart in charts:
        assert len(chart.request.main.points) >= 13
        assert chart.request.title.startswith(f"Chart {chart.plan.number}: ")
        assert chart.request.direction
        assert chart.request.secondary is None and not chart.request.extra  # one measure drawn
    cp_visits = next(c for c in charts if c.plan.main == "cp_visits_in_time").request
    assert any(r.kind == "stretch" and r.value == 98 for r in cp_visits.references)
    contacts = next(c for c in charts if c.plan.main == "contact_conversion").request
    assert contacts.events and "Case system upgrade" in contacts.events[0].text
    assert contacts.band == (20, 40) and [r.label for r in contacts.related] == ["Contacts received"]
    plans = next(c for c in charts if c.plan.main == "cp_open_over_12m").request
    assert not plans.references  # the 2-year target judges another measure: not drawn on this one
    if written.content.comparators_loaded:
        cla = next(c for c in charts if c.plan.main == "cla_rate_per_10k").request
        assert {"england", "region", "neighbours"} <= {c.kind for c in cla.comparators}
        health = next(c for c in charts if c.plan.main == "oc2_health_assessment").request
        assert any(c.kind == "england" for c in health.comparators)


def test_summary_rows_state_direction_target_and_status(written: Written) -> None:
    for f in written.content.figures.values():
        assert f.direction_words
        if f.target is not None:
            assert f.status.rag != "none"
            assert f.status.words.split(":")[0] in ("Blue", "Green", "Amber", "Red")
    kinds = {f.target.kind for f in written.content.figures.values() if f.target is not None}
    assert {"stretch", "local", "national"} <= kinds


# ---------------------------------------------------------------- the narrative, parsed back


def _engine(con: duckdb.DuckDBPyConnection, config: ReportConfig, indicator_id: str) -> list:  # type: ignore[type-arg]
    periods = series_periods(AS_AT, config.report.chart_months, "month")
    result = compute(con, periods, ids=[indicator_id], settings=config.indicator_settings, la_codes=["874"])[0]
    return [p for p in result.points if p.group is None]


def _fmt(value: float | None, decimals: int) -> str:
    assert value is not None
    rounded = round_as_dfe(value, decimals)
    return f"{rounded:,.{decimals}f}"


def _count(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else _fmt(value, 1)


def _average_12m(unit: str, points: list[Point]) -> float:
    """Percentages and ratios pooled over the 12 months (numerators over denominators); others averaged."""
    last12 = [p for p in points[-12:] if p.value is not None]
    if unit in ("percent", "ratio"):
        return (
            (100 if unit == "percent" else 1)
            * sum(p.numerator for p in last12)
            / sum(p.denominator or 0 for p in last12)
        )
    return sum(float(p.value or 0) for p in last12) / len(last12)


def _engine_earlier(con: duckdb.DuckDBPyConnection, config: ReportConfig, indicator_id: str) -> list:  # type: ignore[type-arg]
    """The charted months and the 11 before them (for the 12 months to each charted month)."""
    periods = series_periods(AS_AT, config.report.chart_months + 11, "month")
    result = compute(con, periods, ids=[indicator_id], settings=config.indicator_settings, la_codes=["874"])[0]
    return [p for p in result.points if p.group is None]


def _allowed_numbers(con: duckdb.DuckDBPyConnection, config: ReportConfig, indicator_id: str) -> set[str]:
    """Every number a paragraph about this indicator may hold, worked out again from the engine (and the
    comparators and configuration), independently of the report's own code."""
    ind = load_library()[indicator_id]
    d = ind.decimals
    points = _engine(con, config, indicator_id)
    latest, prev = points[-1], points[-2]
    allowed = {_fmt(p.value, d) for p in (latest, prev) if p.value is not None}
    allowed.add(_fmt(_average_12m(ind.unit, points), d))
    if latest.value is not None and prev.value is not None:
        change = round_as_dfe(latest.value, d) - round_as_dfe(prev.value, d)  # type: ignore[operator]
        allowed.add(_fmt(abs(change), d))
    allowed |= {_count(latest.numerator)}
    if latest.denominator is not None:
        allowed.add(_count(latest.denominator))
    if ind.unit == "percent" and ind.period_kind == "flow":
        # the 12 months to the latest month taken together, and how many a month it rests on
        year = _engine_earlier(con, config, indicator_id)[-12:]
        numerator, denominator = sum(p.numerator or 0 for p in year), sum(p.denominator or 0 for p in year)
        allowed |= {_count(numerator), _count(denominator), _fmt(100 * numerator / denominator, d)}
        months = sorted(p.denominator for p in points[-12:] if p.denominator is not None)
        middle = (months[5] + months[6]) / 2
        allowed.add(_fmt(middle, 0))
    target = config.effective_targets().get(indicator_id)
    if target is not None:
        values = [target.target] if target.target is not None else list(target.band or ())
        allowed |= {f"{v:g}" for v in values}
        allowed.add(f"{target.tolerance:g}" if target.tolerance is not None else "5")
        judged = [v for v in (latest.value, *([100 * numerator / denominator] if ind.unit == "percent"  # type: ignore[possibly-undefined]
                  and ind.period_kind == "flow" else [])) if v is not None]  # fmt: skip
        for value in judged:
            for aim in values:
                allowed.add(f"{abs(round_as_dfe(value, d) - aim):g}")  # type: ignore[operator]
                allowed.add(_fmt(abs(round_as_dfe(value, d) - aim), d))  # type: ignore[operator]
    if indicator_id in MEASURES:
        year = year_for(con, indicator_id, AS_AT)
        if year is not None:
            own = latest
            if ind.period_kind == "flow":
                own = compute(con, [rolling_12_months(AS_AT)], ids=[indicator_id],
                              settings=config.indicator_settings, la_codes=["874"])[0].points[-1]  # fmt: skip
            c = compare(con, "874", indicator_id, year=year, model=config.report.neighbour_model,
                        own=(own.value, own.numerator, own.denominator))  # fmt: skip
            allowed |= {_fmt(v, d) for v in (c.england, c.region, c.sn_mean, own.value) if v is not None}
            allowed |= {f"{v:g}" for v in (c.england, c.sn_mean) if v is not None}  # counterfactual rates
            allowed |= {str(v) for v in (c.rank, c.rank_of) if v is not None}
            for rate in (c.england, c.sn_mean):
                if rate is not None and latest.denominator:
                    at_rate = round_as_dfe(rate * latest.denominator / 10_000, 0)
                    assert at_rate is not None
                    allowed |= {f"{int(at_rate):,}", f"{abs(int(at_rate) - int(latest.numerator)):,}"}
    allowed |= _spc_numbers(config, indicator_id, points)
    if indicator_id in ("cp_visits_in_time", "cla_visits_in_time"):
        rows = drill(con, indicator_id, series_periods(AS_AT, 1, "month")[-1], settings=config.indicator_settings,
                     la_codes=["874"])  # fmt: skip
        allowed.add(str(len({r["person_id"] for r in rows if not r["in_numerator"]})))
    if indicator_id == "contacts":  # the contacts received less those counted in the conversion rate
        conversion = _engine(con, config, "contact_conversion")[-1]
        allowed.add(_count(latest.value - (conversion.denominator or 0)))
    return allowed


def _spc_analysis(config: ReportConfig, indicator_id: str, points: list[Point]) -> SpcResult:
    """The engine's charted months analysed by the SPC method (tested on its own in test_spc*.py), with the
    configured breaks that fall within them."""
    improvement = {"higher_is_better": "higher", "lower_is_better": "lower"}.get(load_library()[indicator_id].polarity,
                                                                                "neutral")  # fmt: skip
    target = config.effective_targets().get(indicator_id)
    breaks = [b.date for b in config.breaks_for(indicator_id) if points[0].period_end < b.date <= points[-1].period_end]
    unit = load_library()[indicator_id].unit
    return analyse([p.period_end for p in points], [_unrounded(unit, p) for p in points], improvement=improvement,  # type: ignore[arg-type]
                   target=target.target if target is not None and improvement != "neutral" else None,
                   band=target.band if target is not None else None, breaks=breaks,
                   baseline_points=config.spc.baseline_points)  # fmt: skip


def _unrounded(unit: str, p: Point) -> float | None:
    """The figure before the DfE's rounding, from its numerator and denominator: what the SPC method works on."""
    if p.value is None or p.numerator is None:
        return p.value
    if unit == "count":
        return p.numerator
    if not p.denominator:
        return p.value
    scale = {"percent": 100, "rate_per_10k": 10_000}.get(unit, 1)
    return scale * p.numerator / p.denominator


def _spc_numbers(config: ReportConfig, indicator_id: str, points: list[Point]) -> set[str]:
    """The figures a signal-or-noise sentence may state: the current mean and limits (a limit beyond what the
    measure can take is stated at the edge: 0, or 100%), the months behind them, and the length of the run or
    trend the latest month belongs to."""
    d = load_library()[indicator_id].decimals
    unit = load_library()[indicator_id].unit
    result = _spc_analysis(config, indicator_id, points)
    segment = result.current
    if segment is None or segment.limits is None or segment.limits.upper is None or segment.limits.lower is None:
        return set()
    top = 100.0 if unit == "percent" else math.inf
    allowed = {str(segment.points), str(segment.baseline_points), "12"}
    known = [p for p in result.points if p.value is not None]
    latest = known[-1]
    # a mean or limit that reads the same as the latest month at the measure's decimals is given with one or two
    # more ("100% ... above the mean of 99.8%")
    for places in (d, d + 1, d + 2):
        allowed.add(_fmt(segment.limits.mean, places))
        allowed |= {_fmt(min(max(v, 0.0), top), places) for v in (segment.limits.lower, segment.limits.upper)}
    if latest.rules and latest.rules[0] in ("run", "trend"):
        # the months in a row, back from the latest, on its side of the mean (a run) or moving its way (a trend)
        length = 1
        for later, earlier in itertools.pairwise(reversed(known)):
            if latest.rules[0] == "run":
                same_way = (earlier.value or 0) > (latest.mean or 0)
            else:
                same_way = (later.value or 0) > (earlier.value or 0)
            if latest.rules[0] not in earlier.rules or same_way != (latest.direction == "high"):
                break
            length += 1
        allowed.add(str(length))
    return allowed


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _numbers_in(text: str) -> list[str]:
    """The figures a paragraph states: dates, chart numbers, year labels and numbers that are part of a measure's
    name or of what it counts (45 working days, 12 months, 2 years or more) are not figures."""
    from cscperf.report.measures import MEASURE_WORDS

    names = [
        *(i.title for i in load_library().values()),
        *(w.short for w in MEASURE_WORDS.values()),
        *(w.numerator for w in MEASURE_WORDS.values()),
        *(w.denominator for w in MEASURE_WORDS.values()),
    ]
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = text.replace(name, " ").replace(name[:1].lower() + name[1:], " ")
    text = re.sub(r"\b(?:\d{1,2} )?(?:" + "|".join(MONTHS) + r") \d{4}", " ", text)
    text = re.sub(r"\b\d{4}-\d{2}\b", " ", text)
    text = re.sub(r"Chart \d+", " ", text)
    text = re.sub(r"(last 12 months|12 months to|the 12 months|12 month|per 10,000|10,000 children|every 10,000|"
                  r"aged 0 to 17|\[[a-z0-9_]+\]|2 years or more|lasted 2 years|for 2 years|more than 20 working days|"
                  r"45 working days|12 months taken together|in care for a year|2 of the last 3 months)", " ",
                  text)  # fmt: skip
    return [n.rstrip(".,") for n in NUMBER.findall(text)]


def test_every_number_in_the_narrative_is_the_engines(written: Written, con: duckdb.DuckDBPyConnection,
                                                      config: ReportConfig) -> None:  # fmt: skip
    """Every number in the paragraphs about measures (the charts' paragraphs with their related measures, the
    workforce, the counterfactuals, the scorecard) is worked out again from the engine's figures."""
    checked = 0
    allowed_for: dict[str, set[str]] = {}
    texts: list[tuple[tuple[str, ...], str]] = []
    for section in written.content.sections:
        for p in section.paragraphs:
            if p.kind in ("narrative", "counterfactual") and (p.indicator_ids or p.indicator_id):
                texts.append((p.indicator_ids or (p.indicator_id,), p.text))  # type: ignore[arg-type]
    texts += [((h.indicator_id,), h.text) for h in written.content.scorecard]
    for ids, text in texts:
        allowed: set[str] = set()
        for indicator_id in ids:
            if indicator_id not in allowed_for:
                allowed_for[indicator_id] = _allowed_numbers(con, config, indicator_id)
            allowed |= allowed_for[indicator_id]
        for number in _numbers_in(text):
            assert number in allowed, f"{ids}: {number} in {text!r} is not an engine figure"
            checked += 1
    assert checked > 250


def test_key_sentences_parse_back(written: Written, con: duckdb.DuckDBPyConnection, config: ReportConfig) -> None:
    texts = {p.indicator_id: p.text for s in written.content.sections for p in s.paragraphs if p.kind == "narrative"}
    points = _engine(con, config, "cp_visits_in_time")
    latest = points[-1]
    m = re.search(r"(\d+)% in October 2026 \((\d+) of (\d+) visits due\)", texts["cp_visits_in_time"])
    assert m is not None
    assert (m[1], m[2], m[3]) == (_fmt(latest.value, 0), _count(latest.numerator), _count(latest.denominator))
    assert "the local stretch target of 98%" in texts["cp_visits_in_time"]
    m = re.search(r"Visits relating to (\d+) children were not carried out in time", texts["cp_visits_in_time"])
    assert m is not None and int(m[1]) == written.content.not_in_time_children["cp_visits_in_time"]
    m = re.search(r"Taking the last 12 months together, the figure is ([\d.]+)%", texts["re_referrals_12m"])
    last12 = _engine(con, config, "re_referrals_12m")[-12:]
    pooled = 100 * sum(p.numerator for p in last12) / sum(p.denominator or 0 for p in last12)  # all re-referrals
    assert m is not None and m[1] == _fmt(pooled, 1)
    m = re.search(r"At the end of October 2026 there were ([\d,]+) children in care, (\d+) for every 10,000 children "
                  r"aged 0 to 17", texts["cla_rate_per_10k"])  # fmt: skip
    cla = _engine(con, config, "cla_rate_per_10k")[-1]
    assert m is not None and (m[2], m[1]) == (_fmt(cla.value, 0), _count(cla.numerator))
    # a measure resting on few cases a month is judged on the 12 months, and says so
    assert "so the status judges the 12 months taken together" in texts["cp_second_or_subsequent"]


def test_counterfactual_uses_the_neighbour_average(written: Written, con: duckdb.DuckDBPyConnection) -> None:
    if not written.content.comparators_loaded:
        pytest.skip("no published comparators to compare with")
    c = next(c for c in written.content.counterfactuals
             if c.indicator_id == "cla_rate_per_10k" and "neighbours" in c.comparator)  # fmt: skip
    sn = compare(con, "874", "cla_rate_per_10k", year=year_for(con, "cla_rate_per_10k", AS_AT)).sn_mean
    assert sn is not None and c.rate == sn
    assert c.children_at_rate == round_as_dfe(sn * c.population / 10_000, 0)
    texts = [p.text for s in written.content.sections for p in s.paragraphs if p.kind == "counterfactual"]
    assert any(f"we would look after {c.children_at_rate:,} children" in t for t in texts)


# ---------------------------------------------------------------- commentary slots


def test_red_measures_have_a_visible_slot(written: Written, html_tree: lxml_html.HtmlElement) -> None:
    content = written.content
    red = [i for i, f in content.figures.items() if f.status.rag == "red"]
    paragraphs = [p for s in content.sections for p in s.paragraphs]
    needed = {p.indicator_id for p in paragraphs if p.kind == "explanation_needed"}
    commented = {p.indicator_id for p in paragraphs if p.kind == "commentary" and p.indicator_id}
    assert needed | commented >= set(red)
    assert needed == set(content.explanations_missing)
    if EXPLAINED in red:
        assert EXPLAINED in commented and EXPLAINED not in needed
        assert EXPLANATION in html_tree.text_content()
    assert len(html_tree.find_class("to-come")) == len(needed)
    to_come = [p.text for p in paragraphs if p.kind == "explanation_needed"]
    assert all("explanation will be given at the meeting" in text for text in to_come)
    assert "A joint recruitment campaign" in html_tree.text_content()


# ---------------------------------------------------------------- the files


def test_pdf_renders_with_headings_figures_and_page_numbers(written: Written, pdf_text: str) -> None:
    info = subprocess.run(["pdfinfo", str(written.paths["pdf"])], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Tagged:\s+yes", info)  # structure for screen readers
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    assert pages > 10
    assert f"Page 1 of {pages}" in pdf_text
    flat = " ".join(pdf_text.split())
    cp = written.content.figures["cp_visits_in_time"]
    assert f"CP visits in time at {_fmt(cp.latest.value, 0)}% in October 2026" in flat
    for chart in written.content.charts:
        assert chart.request.title in flat
    assert "Figures behind chart 7" in flat


def test_pdf_text_is_12_point_or_larger(written: Written) -> None:
    import pypdf

    reader = pypdf.PdfReader(str(written.paths["pdf"]))
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.append(size * abs(tm[0]) * abs(cm[0]) if tm[0] and cm[0] else size)

    with fonts_read_once():
        first = next(n for n, page in enumerate(reader.pages) if "Background and key issues" in page.extract_text())
        for page in reader.pages[first : first + 3]:
            page.extract_text(visitor_text=visit)
    body = [s for s in sizes if s > 0]
    assert body
    # body text is 12 pt (16 px); only the running footer is smaller. WeasyPrint writes pt sizes.
    assert sorted(body)[len(body) // 2] >= 11.9


def _forecast_charts(written: Written) -> int:
    """The fan charts of the Looking ahead section (their tests are at the end of this file)."""
    return len(written.content.forecast.charts) if written.content.forecast is not None else 0


def test_docx_has_headings_tables_and_charts_with_alt_text(written: Written) -> None:
    doc = Document(str(written.paths["docx"]))
    assert any(p.style is not None and p.style.name == "Title" for p in doc.paragraphs)
    assert len(doc.inline_shapes) == len(written.content.charts) + _forecast_charts(written)
    for shape in doc.inline_shapes:
        descr = shape._inline.docPr.get("descr")
        assert descr and len(descr) > 40
    assert len(doc.tables) >= len(written.content.charts) + 3
    summary = next(t for t in doc.tables if t.rows[0].cells[0].text == "Measure")
    text = "\n".join(c.text for row in summary.rows for c in row.cells)
    assert "CP visits in time (7)" in text and "Higher" in text
    assert [c.text for c in summary.rows[0].cells][-2:] == ["Variation", "Assurance"]
    assert "Common cause" in text or "Improvement" in text or "Concern" in text
    key = next(t for t in doc.tables if t.rows[0].cells[0].text == "Variation and assurance")
    assert len(key.rows) == 1 + 7 + 3
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "The service's explanation will be given at the meeting." in body
    assert "Statistical neighbours" in body  # the glossary annex


def test_html_is_accessible_and_self_contained(written: Written, html_tree: lxml_html.HtmlElement) -> None:
    text = written.paths["html"].read_text(encoding="utf-8")
    assert html_tree.get("lang") == "en-GB"
    assert html_tree.find(".//title") is not None and html_tree.find(".//title").text  # type: ignore[union-attr]
    images = [img for img in html_tree.iter("img") if img.get("class") != "icon"]
    assert len(images) == len(written.content.charts) + _forecast_charts(written)
    for img in images:
        assert (img.get("alt") or "").strip()
        assert (img.get("src") or "").startswith("data:image/")
    # the variation and assurance icons sit beside their words, so they are decorative (empty alt)
    icons = html_tree.find_class("icon")
    assert len(icons) >= 2 * len(written.content.figures)
    for icon in icons:
        assert icon.get("alt") == "" and (icon.get("src") or "").startswith("data:image/svg+xml")
        assert icon.getparent().text_content().strip()  # type: ignore[union-attr]
    tables = list(html_tree.iter("table"))
    assert len(tables) >= len(written.content.charts) + 2
    for table in tables:
        headers = table.findall(".//th")
        assert headers, "every table has header cells"
        assert all(th.get("scope") in ("col", "row", "colgroup", "rowgroup") for th in headers)
        assert table.find("caption") is not None or table.get("class") == "meta"
    # one h1, and headings do not skip levels
    levels = [int(el.tag[1]) for el in html_tree.iter("h1", "h2", "h3", "h4")]
    assert levels.count(1) == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    # no external resources, no scripts
    assert "http://" not in text and "https://" not in text
    assert not html_tree.findall(".//script") and not html_tree.findall(".//link")
    # status is never colour alone: every status cell carries its word
    for cell in html_tree.find_class("rag"):
        assert re.search(r"Blue|Green|Amber|Red|No target|No status|No figure", cell.text_content())


def test_signal_or_noise_for_every_measure(written: Written, html_tree: lxml_html.HtmlElement) -> None:
    content = written.content
    verdicts = ("a signal, not noise", "within normal variation, not a signal", "too few to tell a signal")
    judged = 0
    for section in content.sections:
        for p in section.paragraphs:
            if p.kind != "narrative" or p.indicator_id is None:
                continue
            f = content.figures[p.indicator_id]
            if f.latest.value is None:
                continue
            assert sum(v in p.text for v in verdicts) == 1, p.text
            judged += 1
            if f.latest_signal is None:  # within normal variation: never called better or worse
                assert "(better)" not in p.text and "(worse)" not in p.text, p.text
                assert "improving nature" not in p.text and "concerning nature" not in p.text, p.text
    assert judged >= len(content.charts) - 1
    rows = html_tree.xpath('//table[@class="summary"]/tbody/tr[not(@class="group")]')
    assert len(rows) == len(content.figures)
    for row in rows:
        cells = row.xpath('./td[@class="spc"]')
        assert len(cells) == 2 and all(c.text_content().strip() for c in cells)
    key = html_tree.find_class("spc-key")
    assert key and "Hit and miss" in key[0].text_content() and "Common cause" in key[0].text_content()


def test_a_series_break_from_the_configuration(written: Written) -> None:
    # cscperf.example.toml: the case system upgrade of 2 March 2026 is a series break for the front door charts
    content = written.content
    contacts = content.figures["contacts"]
    assert [b.date for b in contacts.breaks] == [dt.date(2026, 3, 2)]
    assert contacts.spc is not None and contacts.spc.segments[-1].break_date == dt.date(2026, 3, 2)
    assert contacts.spc.segments[-1].first == dt.date(2026, 3, 31)
    assert content.figures["cp_visits_in_time"].breaks == ()
    [text] = [p.text for s in content.sections for p in s.paragraphs
              if p.kind == "narrative" and p.indicator_id == "contact_conversion"]  # fmt: skip
    assert "since the series break on 2 March 2026" in text
    chart = next(c for c in content.charts if "contacts" in c.plan.indicator_ids).request
    assert any(e.series_break for e in chart.events)
    assert chart.spc is not None and {p.segment for p in chart.spc.points} == {0, 1}
    notes = " ".join(p.text for p in content.section("data_notes").paragraphs)
    assert "This breaks the series" in notes


def test_palette_contrast_meets_wcag_aa() -> None:
    white = palette.BACKGROUND_COLOUR
    assert palette.contrast_ratio(palette.TEXT_COLOUR, white) >= 7
    assert palette.contrast_ratio(palette.MUTED_TEXT_COLOUR, white) >= 4.5
    for rag, tint in palette.RAG_TINTS.items():
        assert palette.contrast_ratio(palette.TEXT_COLOUR, tint) >= 4.5, rag  # status cells: text on tint
        assert palette.contrast_ratio(palette.RAG_COLOURS[rag], white) >= 3, rag  # the status bar beside it
    assert palette.contrast_ratio(palette.MAIN_SERIES_COLOUR, white) >= 4.5  # links


def test_xlsx_holds_every_series(written: Written, con: duckdb.DuckDBPyConnection, config: ReportConfig) -> None:
    wb = load_workbook(io.BytesIO(written.paths["xlsx"].read_bytes()))
    assert {"About", "Summary", "Early help and front door", "Child protection", "Children in care",
            "Workforce"} <= set(wb.sheetnames)  # fmt: skip
    tables = {name for ws in wb.worksheets for name in ws.tables}
    assert set(load_library()) <= tables
    ws = wb["Child protection"]
    ref = ws.tables["cp_visits_in_time"].ref
    first, last = ref.split(":")
    rows = list(ws[first:last])
    assert len(rows) - 1 == config.report.chart_months
    engine = _engine(con, config, "cp_visits_in_time")
    assert [r[3].value for r in rows[1:]] == [p.value for p in engine]
    assert [r[4].value for r in rows[1:]] == [p.numerator for p in engine]
    # The summary's figures are numbers, so they sort and add up, with the status as a word.
    summary = wb["Summary"]
    first, last = summary.tables["summary"].ref.split(":")
    table = [[c.value for c in row] for row in summary[first:last]]
    header = table[0]
    body = {row[header.index("Indicator id")]: row for row in table[1:]}
    visits = body["cp_visits_in_time"]
    assert visits[2] == engine[-1].value and isinstance(visits[2], int | float)
    assert visits[header.index("Status")] in ("Blue", "Green", "Amber", "Red")
    assert visits[header.index("Target")] == 98 and visits[header.index("Target kind")] == "stretch"
    # statistical process control: each month's mean, limits and signal; each measure's icons
    spc = written.content.figures["cp_visits_in_time"].spc
    assert spc is not None
    names = [c.value for c in rows[0]]
    assert names[-6:] == ["Mean", "Lower process limit", "Upper process limit", "Signal", "Rules", "Note"]
    assert [r[6].value for r in rows[1:]] == [None if p.mean is None else round(p.mean, 6) for p in spc.points]
    assert [r[8].value for r in rows[1:]] == [None if p.upper is None else round(p.upper, 6) for p in spc.points]
    assert visits[header.index("Variation icon")] == spc.variation_icon
    assert visits[header.index("Assurance icon")] == spc.assurance_icon
    assert visits[header.index("Variation")].startswith(("Common cause", "Improvement", "Concern"))


def test_no_child_identifier_anywhere(written: Written, con: duckdb.DuckDBPyConnection) -> None:
    ids = {r[0] for r in con.execute("SELECT pers_person_id FROM ssd_person LIMIT 2000").fetchall()}
    html = written.paths["html"].read_text(encoding="utf-8")
    doc = Document(str(written.paths["docx"]))
    docx_text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    for text in (html, docx_text):
        found = {w for w in re.findall(r"\b[A-Z]{1,3}\d{3,}\b", text)}
        assert not (found & ids)


# ---------------------------------------------------------------- the command line


runner = CliRunner()


def test_command_line_problems(tmp_path: Path, store: Path) -> None:
    for args, code, words in (
        (["report", "--db", str(store), "--as-at", "2026-10-31", "--format", "odt"], 2, "--format"),
        (["report", "--db", str(store), "--as-at", "2026-31-10"], 2, "YYYY-MM-DD or DD/MM/YYYY"),
        (["report", "--db", str(tmp_path / "none.duckdb"), "--as-at", "2026-10-31"], 1, "no store"),
        (["report", "--db", str(store), "--as-at", "2026-10-31", "--la", "999"], 2, "no council 999"),
        (["report", "--db", str(store), "--as-at", "2026-10-31", "--out", str(store)], 2, "must be a folder"),
    ):
        result = runner.invoke(app, args)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert result.exit_code == code, output
        assert words in " ".join(output.split())
        assert "Traceback" not in output
    bad = tmp_path / "bad.toml"
    bad.write_text("[targets.cp_visits_in_time]\ntarget = 120\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "--db", str(store), "--as-at", "2026-10-31", "--config", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_command_writes_only_the_formats_asked_for(tmp_path: Path, store: Path) -> None:
    out = tmp_path / "out"
    template = tmp_path / "commentary.toml"
    result = runner.invoke(app, ["report", "--db", str(store), "--as-at", "2026-10-31", "--out", str(out),
                                 "--format", "xlsx", "--commentary-template", str(template)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["kpis.xlsx"]
    assert str(out / "kpis.xlsx") in " ".join(result.output.split()).replace(" ", "") or "kpis.xlsx" in result.output
    assert "explanation = " in template.read_text(encoding="utf-8")


# ---------------------------------------------------------------- without comparators, and mid-month


def test_without_comparators_the_report_says_how_to_add_them(council_store: Path) -> None:
    from cscperf.report.boilerplate import data_notes
    from cscperf.report.commentary import Commentary
    from cscperf.report.comparisons import MISSING_NOTE
    from cscperf.report.contents import build_report
    from cscperf.report.tables import compare_rows

    con = open_store(council_store, read_only=True)
    try:
        content = build_report(con, dt.date(2026, 10, 15), ReportConfig(), Commentary())
    finally:
        con.close()
    assert not content.comparators_loaded and not content.counterfactuals and not compare_rows(content)
    assert MISSING_NOTE in data_notes(content, ReportConfig())
    assert content.latest_month == "15 October 2026"
    texts = [p.text for s in content.sections for p in s.paragraphs if p.kind == "narrative"]
    assert any("in the month to 15 October 2026" in t for t in texts)
    assert not any("latest published figures" in t for t in texts)
    from cscperf.report.boilerplate import how_to_read, recommendations
    from cscperf.report.tables import summary_headers

    assert "Latest (1-15 Oct 2026, part month)" in summary_headers(content)
    assert any("part month, 1 to 15 October 2026" in t for t in how_to_read(content, ReportConfig()))
    said = " ".join(recommendations(content))
    assert "compares with England" not in said
    red = content.status_counts()["red"]
    assert red > 0 and f"{red} measures rated red against target, for which the service's explanations will be given" \
        in said  # fmt: skip


def test_a_report_outside_the_councils_data_is_refused_and_months_before_it_have_no_figure(
    council_store: Path,
) -> None:
    from cscperf.errors import DataProblem
    from cscperf.report.commentary import Commentary
    from cscperf.report.contents import build_report

    con = open_store(council_store, read_only=True)
    try:
        start, end = con.execute("SELECT data_start_date, data_end_date FROM cscperf_councils").fetchone() or (0, 0)
        with pytest.raises(DataProblem, match="end on"):
            build_report(con, end + dt.timedelta(days=1), ReportConfig(), Commentary())
        with pytest.raises(DataProblem, match="less than a month"):
            build_report(con, start + dt.timedelta(days=10), ReportConfig(), Commentary())
        early = build_report(con, start + dt.timedelta(days=75), ReportConfig(), Commentary())
    finally:
        con.close()
    points = early.figures["contacts"].points
    assert all(p.value is None for p in points if p.period_start < start)
    assert all(p.value is not None for p in points if p.period_start >= start)


def test_table_2_sets_a_years_figure_beside_a_published_year(
    written: Written, con: duckdb.DuckDBPyConnection, config: ReportConfig
) -> None:
    """Published figures for flows (assessments in the year) are a whole year's: ours is the 12 months to the
    as-at date, not the latest month; figures at a date (children in care) stay the latest month."""
    from cscperf.report.tables import compare_rows
    from cscperf.reporting_periods import rolling_12_months

    if not written.content.comparators_loaded:
        pytest.skip("comparators not imported (../shared/reference-data missing)")
    rows = {r.indicator_id: r for r in compare_rows(written.content)}
    year = compute(con, [rolling_12_months(AS_AT)], ids=["assessments_within_45wd"],
                   settings=config.indicator_settings, la_codes=["874"])[0].points[-1]  # fmt: skip
    month = _engine(con, config, "assessments_within_45wd")[-1]
    d = load_library()["assessments_within_45wd"].decimals
    assert rows["assessments_within_45wd"].ours == f"{_fmt(year.value, d)}%"
    assert rows["assessments_within_45wd"].period == "12 months to Oct 2026"
    assert year.denominator is not None and month.denominator is not None and year.denominator > month.denominator
    cla = _engine(con, config, "cla_rate_per_10k")[-1]
    assert (rows["cla_rate_per_10k"].ours, rows["cla_rate_per_10k"].period) == (_fmt(cla.value, 0), "Oct 2026")


def test_a_council_without_population_is_told_why_it_has_no_rate(council_store: Path, tmp_path: Path) -> None:
    from cscperf.report.commentary import Commentary
    from cscperf.report.contents import build_report

    path = tmp_path / "no-population.duckdb"
    shutil.copy(council_store, path)
    con = open_store(path)
    con.execute("DELETE FROM cscperf_population").fetchall()
    try:
        content = build_report(con, AS_AT, ReportConfig(), Commentary())
    finally:
        con.close()
    [text] = [p.text for s in content.sections for p in s.paragraphs
              if p.kind == "narrative" and p.indicator_id == "cla_rate_per_10k"]  # fmt: skip
    cla = content.figures["cla_open"].latest
    assert "population of children aged 0 to 17 is not known" in text and f"{int(cla.numerator):,} children" in text
    assert "nothing was counted" not in text and "it was no figure" not in text


# ---------------------------------------------------------------- looking ahead (the forecast section)


def _forecast_paragraphs(content: ReportContent) -> list[str]:
    """The forecast's paragraphs: under its heading in section 4, before its table and fan charts."""
    from cscperf.report.forecast_section import SECTION_TITLE

    paragraphs = content.section("background").paragraphs
    start = next((n for n, p in enumerate(paragraphs) if p.kind == "heading" and p.text == SECTION_TITLE), None)
    if start is None:
        return []
    end = next(n for n, p in enumerate(paragraphs) if p.kind == "forecast")
    return [p.text for p in paragraphs[start + 1 : end]]


def test_the_forecast_section_says_what_the_forecast_says(written: Written, html_tree: lxml_html.HtmlElement,
                                                         pdf_text: str) -> None:  # fmt: skip
    from cscperf.analysis.forecast.words import whole

    forecast = written.content.forecast
    assert forecast is not None and forecast.result.available
    text = " ".join(_forecast_paragraphs(written.content))
    end = forecast.result.cla[-1]
    assert (f"the number in care in October 2029 is expected to be about {whole(end.total.p50)} (8 in 10 chances "
            f"between {whole(end.total.p10)} and {whole(end.total.p90)}") in text  # fmt: skip
    assert "How good is the forecast? Tested from October 2025 and October 2024" in text
    assert "Placement spend in 2027-28 is expected to be about £" in text
    assert "qualified case-holding social workers (FTE) are needed" in text
    # three fan charts, each an image with its alt text and the figures behind it
    assert [c.chart_id for c in forecast.charts] == ["forecast_cla", "forecast_spend", "forecast_workforce"]
    charts = [s for s in html_tree.find_class("forecast-chart")]
    assert len(charts) == 3
    for chart in charts:
        img = chart.find(".//img")
        assert img is not None and (img.get("alt") or "").startswith("Fan chart of")
        assert chart.find(".//table/caption") is not None
    caption = html_tree.find_class("forecast-placements")[0].find("caption").text_content()
    assert "by placement" in caption
    assert "Looking ahead" in " ".join(pdf_text.split())
    wb = load_workbook(io.BytesIO(written.paths["xlsx"].read_bytes()))
    assert {"Forecast", "Forecast spend", "Forecast workforce", "Forecast backtests"} <= set(wb.sheetnames)


def test_small_numbers_in_the_forecasts_placement_table_are_withheld() -> None:
    from cscperf.analysis.forecast.groups import PlacementGroup
    from cscperf.analysis.forecast.result import ClaMonth, ForecastResult
    from cscperf.analysis.forecast.spread import Spread
    from cscperf.disclosure import DEFAULT_POLICY
    from cscperf.report.forecast_section import _placement_table

    now = dict.fromkeys(PlacementGroup, 0) | {PlacementGroup.FOSTERING_IN_HOUSE: 40, PlacementGroup.RESIDENTIAL: 3,
                                              PlacementGroup.KINSHIP: 8}  # fmt: skip
    spread = {g: Spread(n * 0.8, n * 0.9, n, n * 1.1, n * 1.2) for g, n in now.items()}
    month = ClaMonth(dt.date(2027, 10, 31), Spread(40, 45, 51, 56, 60), spread, {})
    result = ForecastResult("999", "Golden", AS_AT, 12, now=now, cla=(month,) * 12)
    headers, rows = _placement_table(result, DEFAULT_POLICY)
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Residential"] == ("fewer than 5", "fewer than 5")  # 3 now, 3 forecast
    # with one cell withheld, the next smallest (kinship, 8) goes too, so 3 cannot be worked out from the total
    assert by_label["Kinship (connected persons)"][0] == "fewer than 5"
    assert by_label["Fostering (in-house)"] == ("40", "40 (36 to 44)")
    assert by_label["Placed with parents"][0] == "0"  # a true zero discloses nothing
    assert by_label["All placements"][0] == "51"
    assert headers[2] == "Oct 2027: central (80% range)"


def test_the_forecast_section_can_be_left_out(store: Path, config: ReportConfig) -> None:
    from cscperf.report.contents import build_report

    quiet = config.model_copy(update={"forecast": config.forecast.model_copy(update={"in_report": False})})
    con = open_store(store, read_only=True)
    try:
        content = build_report(con, AS_AT, quiet, read_commentary(config.report.commentary))
    finally:
        con.close()
    assert content.forecast is None and not _forecast_paragraphs(content)
    assert not any(p.kind == "forecast" for s in content.sections for p in s.paragraphs)
