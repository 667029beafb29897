"""Small numbers in the committee paper: every "n of d" and every count of children a member reads follows
the disclosure policy ([disclosure] in cscperf.toml; by default counts of 1 to 4 are withheld), in Word, PDF
and HTML alike (they render the same text); full-time equivalents of staff are shown as they are; the
analysts' kpis.xlsx keeps every number."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from docx import Document

from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy
from cscperf.errors import DataProblem
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point
from cscperf.report import charts
from cscperf.report.appendix import chart_line
from cscperf.report.chart_request import ChartRequest
from cscperf.report.commentary import Commentary
from cscperf.report.config import ReportConfig, read_report_config
from cscperf.report.contents import ReportContent, build_report
from cscperf.report.figures import n_of_d, people_count
from cscperf.report.indicator_figures import IndicatorFigures, indicator_figures
from cscperf.report.paragraphs import Extras, Wording, chart_paragraph
from cscperf.report.tables import summary_groups, summary_row
from cscperf.report.writer import write_report
from cscperf.store.database import open_store

AS_AT = dt.date(2026, 10, 31)
SMALL_N_OF_D = re.compile(r"(?<![\d.,])[1-4] of [\d,]+(?![\d.])(?! close to a limit)(?!\))|relating to [1-4] child")
"""A small count beside its total: "4 of 24", "relating to 3 children" (not the SPC rule "2 of 3 close to a limit",
nor its short form "(2 of 3)", which count months)."""


def test_counts_and_pairs_follow_the_policy_but_staff_ftes_are_shown() -> None:
    strict = DisclosurePolicy(threshold=10)
    assert n_of_d(4, 24, "plans") == "fewer than 5 of 24 plans"
    assert n_of_d(12, 24, "plans") == "12 of 24 plans" and n_of_d(7, 24, "plans", strict) == "fewer than 10 of 24 plans"
    assert n_of_d(3, 4, "plans") == "fewer than 5 plans"  # a small total would identify too
    assert n_of_d(0, 24, "plans") == "0 of 24 plans"  # a true zero discloses nothing
    assert n_of_d(2.5, 40.8, "full-time-equivalent social workers") == "2.5 of 40.8 full-time-equivalent social workers"
    assert people_count(3) == "fewer than 5" and people_count(3.5) == "3.5" and people_count(38) == "38"


def _figures(numerator: float, denominator: float, policy: DisclosurePolicy = DEFAULT_POLICY) -> IndicatorFigures:
    library = load_library()
    points = [Point("999", dt.date(2026, m, 1), dt.date(2026, m, 28), numerator, denominator,
                    round(100 * numerator / denominator, 1), int(denominator)) for m in range(1, 11)]  # fmt: skip
    return indicator_figures(library["cp_second_or_subsequent"], points, None, None, 30, disclosure=policy)


def test_the_narrative_summary_and_chart_withhold_a_small_numerator() -> None:
    from cscperf.report.appendix import chart_of

    figures = _figures(4, 24)
    plan = chart_of("cp_second_or_subsequent")
    paragraph = chart_paragraph(plan, {plan.main: figures}, Extras(), Wording())
    assert "fewer than 5 of 24 plans" in paragraph and not SMALL_N_OF_D.search(paragraph), paragraph
    row = summary_row(figures)
    assert row.latest == "16.7%"  # the figure alone: its counts are in the paragraph and the chart's figures
    line = chart_line(figures)
    request = ChartRequest("c", "Chart", "Lower is better", line, disclosure=DisclosurePolicy())
    assert "(fewer than 5 of 24)" in charts.alt_text(request)
    request = ChartRequest("c", "Chart", "Lower is better", line, disclosure=DisclosurePolicy(),
                           counts=("second or later plans", "plans started"))  # fmt: skip
    headers, rows = charts.data_table(request)
    assert all(row[headers.index("Second or later plans")] == "fewer than 5" for row in rows)
    assert all(row[headers.index("Plans started")] == "24" for row in rows)
    _, printed = charts.print_table(request)
    assert printed[1][1:] == ["<5"] * 10
    shown = _figures(4, 24, DisclosurePolicy(threshold=1))  # a policy that withholds nothing: the old paper
    assert "4 of 24 plans" in chart_paragraph(plan, {plan.main: shown}, Extras(), Wording())


def test_children_not_visited_in_time_are_counted_as_the_policy_says() -> None:
    from cscperf.report.appendix import chart_of

    library = load_library()
    points = [Point("999", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 95, 98, 97.0, 98)]
    figures = indicator_figures(library["cp_visits_in_time"], points, None, None, 30)
    plan = chart_of("cp_visits_in_time")
    text = chart_paragraph(plan, {plan.main: figures}, Extras({"cp_visits_in_time": 3}), Wording())
    assert "Visits relating to fewer than 5 children were not carried out in time." in text
    text = chart_paragraph(plan, {plan.main: figures}, Extras({"cp_visits_in_time": 7}), Wording())
    assert "Visits relating to 7 children" in text


def test_the_policy_is_configured_under_disclosure(tmp_path: Path) -> None:
    config = tmp_path / "cscperf.toml"
    config.write_text("[disclosure]\nthreshold = 10\nsecondary = false\n", encoding="utf-8")
    assert read_report_config(config).disclosure == DisclosurePolicy(threshold=10, secondary=False)
    assert ReportConfig().disclosure == DisclosurePolicy(threshold=5, secondary=True)
    example = Path(__file__).resolve().parents[1] / "cscperf.example.toml"
    assert read_report_config(example).disclosure.threshold == 5
    for bad, words in (("threshold = 0", "disclosure.threshold"), ("limit = 3", "not a setting")):
        config.write_text(f"[disclosure]\n{bad}\n", encoding="utf-8")
        with pytest.raises(DataProblem, match=words):
            read_report_config(config)


def _member_text(content: ReportContent) -> str:
    """Everything the paper says in words and tables (what Word, PDF and HTML each render)."""
    parts = [p.text for s in content.sections for p in s.paragraphs]
    for _, rows in summary_groups(content):
        parts += [f"{r.latest} {r.previous} {r.note}" for r in rows]
    parts += [h.text for h in content.scorecard]
    for entry in content.charts:
        parts.append(charts.alt_text(entry.request))
        parts += [" | ".join(row) for row in charts.data_table(entry.request)[1]]
        parts += [" | ".join(row) for row in charts.print_table(entry.request)[1]]
        parts += list(entry.request.notes)
    return "\n".join(parts)


def _small_count_cells(content: ReportContent) -> list[str]:
    """Numerator cells of the charts' figures (every month, and as printed) that hold a count of 1 to 4."""
    found = []
    for entry in content.charts:
        numerator = entry.request.counts[0]
        for headers, rows in (charts.data_table(entry.request), charts.print_table(entry.request)):
            labels = [h for h in headers if numerator and h.lower() == numerator.lower()]
            if labels:  # every month down the page
                found += [row[headers.index(labels[0])] for row in rows]
            found += [cell for row in rows if numerator and row[0].lower() == numerator.lower() for cell in row[1:]]
    return [cell for cell in found if cell in {"1", "2", "3", "4"}]


def test_the_whole_paper_withholds_small_numbers_that_the_old_paper_showed(council_store: Path) -> None:
    con = open_store(council_store, read_only=True)
    try:
        old = build_report(con, AS_AT, ReportConfig(disclosure=DisclosurePolicy(threshold=1)), Commentary())
        new = build_report(con, AS_AT, ReportConfig(), Commentary())
    finally:
        con.close()
    assert _small_count_cells(old)  # the synthetic council has small numbers to withhold
    assert not _small_count_cells(new)
    text = _member_text(new)
    assert not SMALL_N_OF_D.search(text), SMALL_N_OF_D.search(text)
    assert "fewer than 5" in text and "<5" in text


def test_word_and_html_files_hold_no_small_n_of_d_and_excel_keeps_the_numbers(
    council_store: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    config = ReportConfig()
    options = config.report.model_copy(update={"chart_months": 13})
    written = write_report(council_store, AS_AT, tmp_path, config.model_copy(update={"report": options}),
                           Commentary(), ("docx", "html", "xlsx"), jobs=1)  # fmt: skip
    html = re.sub(r"<[^>]+>", " ", written.paths["html"].read_text(encoding="utf-8"))
    doc = Document(str(written.paths["docx"]))
    docx = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    for text in (html, docx):
        assert not SMALL_N_OF_D.search(" ".join(text.split()))
    book = load_workbook(written.paths["xlsx"])
    numerators = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                  if isinstance(c.value, int | float) and 1 <= c.value <= 4]  # fmt: skip
    assert numerators  # the analysts' workbook keeps small counts, and says it is not for publication


def test_a_count_of_children_beside_a_chart_is_withheld_in_its_table_and_not_drawn() -> None:
    """The paper's table for children in care gave "Children starting care (number)" as 4 in a month: a count of
    children from 1 to 4, which the paper withholds everywhere else. Worked by hand: starts of 4 and 12 in two
    months read "fewer than 5" (printed "<5") and 12; the month of 4 has no point; a true 0 is shown."""
    from cscperf.report.appendix import chart_line, small_counts_withheld

    starts = load_library()["cla_started"]
    points = [
        Point("001", dt.date(2026, m, 1), dt.date(2026, m, d), n, None, n, 1)
        for m, d, n in ((8, 31, 4.0), (9, 30, 12.0), (10, 31, 0.0))
    ]
    figures = indicator_figures(starts, points, None, None, 20)
    line = chart_line(figures)
    request = small_counts_withheld(ChartRequest("c", "Chart", "Context", line, related=(line,)))
    assert [p.value for p in request.main.points] == [None, 12.0, 0.0]  # not drawn
    headers, rows = charts.data_table(request)
    column = headers.index(f"{line.label} (number)")
    assert [row[column] for row in rows] == ["fewer than 5", "12", "0"]
    _, printed = charts.print_table(request)
    assert printed[0][1:] == ["<5", "12", "0"]
    assert any("fewer than 5 children have no point" in n for n in request.notes)
    # beside the children in care, a month whose starts are withheld withholds its leavers too (else in care at
    # the month's end - in care the month before + leavers = starts): leavers of 9, 6 and 7 read
    # "withheld", 6 and 7 (printed "c", 6, 7)
    ceased = load_library()["cla_ceased"]
    leavers = [Point("001", dt.date(2026, m, 1), dt.date(2026, m, d), n, None, n, 1)
               for m, d, n in ((8, 31, 9.0), (9, 30, 6.0), (10, 31, 7.0))]  # fmt: skip
    leaving = chart_line(indicator_figures(ceased, leavers, None, None, 20))
    both = small_counts_withheld(ChartRequest("c", "Chart", "Context", line, related=(line, leaving)))
    headers, rows = charts.data_table(both)
    column = headers.index(f"{leaving.label} (number)")
    assert [row[column] for row in rows] == ["withheld", "6", "7"]
    assert charts.print_table(both)[1][-1][1:] == ["c", "6", "7"]
    rate = small_counts_withheld(ChartRequest("c", "Chart", "Context", chart_line(_figures(4, 24))))
    assert rate.main.points[-1].value is not None  # a percentage is the council's headline figure: kept


def test_table_1_and_the_text_withhold_starts_and_leavers_together() -> None:
    """Table 1 had given "Children starting care: latest 4", and the text "fewer than 5 came into care and 7
    left" beside 374 in care against 377: 374 - 377 + 7 = 4. Worked by hand, September then October 2026:
    starts 9 and 4, leavers 10 and 7. October's starts read "fewer than 5" and its leavers "withheld"; the change
    beside either is not given; September's are shown."""
    from cscperf.report.paragraphs import _care_flows
    from cscperf.report.tables import summary_row
    from cscperf.report.withheld_flows import flows_withheld_months

    def figures_of(indicator_id: str, counts: tuple[float, float]) -> IndicatorFigures:
        points = [Point("001", dt.date(2026, 9, 1), dt.date(2026, 9, 30), counts[0], None, counts[0], 1),
                  Point("001", dt.date(2026, 10, 1), dt.date(2026, 10, 31), counts[1], None, counts[1], 1)]  # fmt: skip
        return indicator_figures(load_library()[indicator_id], points, None, None, 20)

    figures = {"cla_started": figures_of("cla_started", (9, 4)), "cla_ceased": figures_of("cla_ceased", (10, 7))}
    withheld = flows_withheld_months(figures)
    assert withheld == {"cla_started": frozenset(), "cla_ceased": frozenset({dt.date(2026, 10, 31)})}
    starts = summary_row(figures["cla_started"], withheld["cla_started"])
    leavers = summary_row(figures["cla_ceased"], withheld["cla_ceased"])
    assert (starts.latest, starts.previous, starts.change) == ("fewer than 5", "9", "-")
    assert (leavers.latest, leavers.previous, leavers.change) == ("withheld", "10", "-")
    text = _care_flows(figures["cla_started"], figures["cla_started"], figures)
    assert text.startswith("In October 2026, fewer than 5 children came into care; how many left is not given")
    assert "7" not in text
