"""The report's rules worked out by hand: RAG boundaries, counterfactual arithmetic, figures as shown, the
configuration's validation messages, the commentary file and the chart tables (no store needed)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from cscperf.errors import DataProblem
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point
from cscperf.report.chart_request import ChartLine, ChartPoint, ChartRequest
from cscperf.report.commentary import Commentary, IndicatorComment, commentary_template, read_commentary
from cscperf.report.comparisons import Comparators
from cscperf.report.config import SEED_TARGETS, ReportConfig, TargetConfig, read_report_config
from cscperf.report.figures import change_shown, month_name, shown, year_label
from cscperf.report.indicator_figures import indicator_figures
from cscperf.report.narrative import counterfactual, counterfactual_sentence
from cscperf.report.rag import rag_status

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = load_library()


# ---------------------------------------------------------------- RAG, by hand


@pytest.mark.parametrize(
    ("value", "rag"),
    [
        (100.0, "green"),  # 2 above a 98 target, tolerance 5: not beyond the tolerance, so green
        (98.0, "green"),  # exactly on target
        (97.9, "amber"),
        (93.0, "amber"),  # exactly the tolerance below: still amber
        (92.9, "red"),
        (0.0, "red"),
    ],
)
def test_rag_higher_is_better(value: float, rag: str) -> None:
    target = TargetConfig(target=98, kind="stretch", tolerance=5)
    assert rag_status(LIBRARY["cp_visits_in_time"], value, target).rag == rag


@pytest.mark.parametrize(("value", "rag"), [(85.0, "blue"), (84.9, "blue"), (80.0, "green"), (75.0, "green")])
def test_rag_blue_when_better_by_more_than_the_tolerance(value: float, rag: str) -> None:
    target = TargetConfig(target=75, tolerance=5)
    assert rag_status(LIBRARY["assessments_within_45wd"], value, target).rag == rag


@pytest.mark.parametrize(
    ("value", "rag"),
    [(17.9, "blue"), (18.0, "green"), (20.0, "green"), (20.1, "amber"), (22.0, "amber"), (22.1, "red")],
)
def test_rag_lower_is_better(value: float, rag: str) -> None:
    # caseload target 20, tolerance 2: below 18 is well below target (blue); 22.1 is beyond the tolerance
    target = TargetConfig(target=20, tolerance=2)
    status = rag_status(LIBRARY["sw_average_caseload"], value, target)
    assert status.rag == rag
    assert status.words.startswith({"blue": "Blue", "green": "Green", "amber": "Amber", "red": "Red"}[rag])


@pytest.mark.parametrize(
    ("value", "rag"),
    [(18.0, "green"), (24.0, "green"), (21.0, "green"), (15.0, "amber"), (14.9, "red"), (27.0, "amber"),
     (27.1, "red")],
)  # fmt: skip
def test_rag_target_band(value: float, rag: str) -> None:
    target = TargetConfig(band=(18, 24), tolerance=3)
    status = rag_status(LIBRARY["re_referrals_12m"], value, target)
    assert status.rag == rag
    if rag != "green":
        assert ("below" if value < 18 else "above") in status.words


def test_rag_without_target_or_figure() -> None:
    assert rag_status(LIBRARY["cla_open"], 388, None).rag == "none"
    assert rag_status(LIBRARY["cp_visits_in_time"], None, TargetConfig(target=98)).rag == "none"


def test_default_tolerance_is_five_points_for_percentages() -> None:
    target = TargetConfig(target=90)
    assert rag_status(LIBRARY["cla_visits_in_time"], 85, target).rag == "amber"
    assert rag_status(LIBRARY["cla_visits_in_time"], 84, target).rag == "red"


# ---------------------------------------------------------------- counterfactuals, by hand


def _figures(indicator_id: str, values: list[tuple[float, float | None, float | None]], *,
             target: TargetConfig | None = None, sn: float | None = None, small: int = 30):  # type: ignore[no-untyped-def]  # fmt: skip
    points = []
    start = dt.date(2025, 10, 1)
    for i, (value, num, den) in enumerate(values):
        month = (start.month - 1 + i) % 12 + 1
        year = start.year + (start.month - 1 + i) // 12
        first = dt.date(year, month, 1)
        end = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        points.append(Point("874", first, end, num or 0.0, den, value, 1))
    comparators = None
    if sn is not None:
        comparators = Comparators(indicator_id, 2025, "31 March 2025", "31 March", 67.0, 49.0, "East of England", sn,
                                  "mean", "groupings", 10, 10, "C", None, ())  # fmt: skip
    return indicator_figures(LIBRARY[indicator_id], points, target, comparators, small)


def test_counterfactual_children_in_care_as_in_the_seed() -> None:
    # The seed: 374 children = 75 per 10,000 (population about 49,900); neighbours 87 per 10,000 -> 434 children.
    f = _figures("cla_rate_per_10k", [(75.0, 374.0, 49_900.0)], sn=87.0)
    c = counterfactual(f, "statistical neighbours' average", 87.0)
    assert c is not None
    assert c.children_at_rate == 434  # 87 x 49,900 / 10,000 = 434.13
    assert c.difference == 60
    assert counterfactual_sentence(c) == (
        "if our rate matched the statistical neighbours' average of 87 per 10,000, we would look after 434 "
        "children, 60 more than now."
    )


def test_counterfactual_rounds_half_away_from_zero_and_says_fewer() -> None:
    f = _figures("cp_rate_per_10k", [(30.2, 151.0, 50_000.0)])
    c = counterfactual(f, "England rate", 40.61)  # 203.05 children -> 203
    assert c is not None and c.children_at_rate == 203
    c = counterfactual(f, "England rate", 20.01)  # 100.05 -> 100, 51 fewer
    assert c is not None and c.children_at_rate == 100 and c.difference == -51
    assert "51 fewer than now" in counterfactual_sentence(c)
    c = counterfactual(f, "England rate", 30.3)  # 151.5 -> 152 (half away from zero)
    assert c is not None and c.children_at_rate == 152


def test_no_counterfactual_for_percentages() -> None:
    assert counterfactual(_figures("cp_visits_in_time", [(93.0, 398.0, 429.0)]), "England", 90) is None


# ---------------------------------------------------------------- figures


def test_summary_figures_by_hand() -> None:
    values = [(float(v), float(v), 100.0) for v in (90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 90, 91, 95)]
    f = _figures("cla_visits_in_time", values, target=TargetConfig(target=98, kind="stretch", tolerance=5))
    assert f.latest.value == 95 and f.previous is not None and f.previous.value == 91
    assert f.year_ago is not None and f.year_ago.value == 90
    assert f.change == 4 and f.change_words == "better"
    # mean of the last 12: (91+...+99+90+91+95) / 12 = 1,131 / 12 = 94.25 -> 94 (0 decimals)
    assert f.average_12m == 94
    assert f.status.rag == "amber"


def test_twelve_month_average_of_a_percentage_is_pooled() -> None:
    # 12 months of 1 of 2 (50%) and one month of 90 of 100: pooled (11 x 1 + 90) / (11 x 2 + 100) = 101 / 122
    # = 82.8%, not the mean of the monthly figures ((11 x 50 + 90) / 12 = 53.3%).
    values = [(50.0, 1.0, 2.0)] * 12 + [(90.0, 90.0, 100.0)]
    assert _figures("cp_second_or_subsequent", values).average_12m == 82.8


def test_small_numbers_are_flagged() -> None:
    f = _figures("icpc_within_15wd", [(77.8, 7.0, 9.0)])
    assert f.small_number_note is not None and "7 of 9 conferences" in f.small_number_note
    assert _figures("icpc_within_15wd", [(77.8, 70.0, 90.0)]).small_number_note is None


def test_figures_as_shown() -> None:
    assert shown(21.45, "percent", 1) == "21.5%"
    assert shown(1031, "count", 0) == "1,031"
    assert shown(78, "rate_per_10k", 0) == "78 per 10,000"
    assert shown(None, "percent", 0) == "no figure"
    assert change_shown(-1.0, "percent", 0) == "-1 point"
    assert change_shown(2.5, "percent", 1) == "+2.5 points"
    assert change_shown(0.0, "count", 0) == "no change"
    assert month_name(dt.date(2026, 10, 31)) == "October 2026"
    assert month_name(dt.date(2026, 10, 15)) == "the month to 15 October 2026"
    assert year_label(2025, "year to 31 March") == "2024-25"
    assert year_label(2025, "30 September") == "30 September 2025"


# ---------------------------------------------------------------- configuration


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cscperf.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_reads(tmp_path: Path) -> None:
    config = read_report_config(ROOT / "cscperf.example.toml")
    assert config.council.la_code == "874"
    assert config.targets is not None and config.targets["cp_visits_in_time"].kind == "stretch"
    assert config.report.commentary == ROOT / "demo-output" / "commentary.toml"
    assert config.events and config.events[0].indicators[0] == "contacts"


def test_defaults_are_the_seed_targets() -> None:
    targets = ReportConfig().effective_targets()
    assert targets["cp_visits_in_time"] == SEED_TARGETS["cp_visits_in_time"]
    assert targets["re_referrals_12m"].band == (18, 24)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[targets.cp_visits]\ntarget = 98\n", "targets.cp_visits: no such indicator"),
        ("[targets.cp_visits_in_time]\ntarget = 98\nband = [90, 99]\n", "either a target or a band"),
        ("[targets.cp_visits_in_time]\ntarget = 108\n", "not a percentage"),
        ("[targets.cla_open]\ntarget = 400\n", "no better direction"),
        ("[targets.re_referrals_12m]\ntarget = 20\n", "best within a band"),
        ('[targets.cp_visits_in_time]\ntarget = 98\nkind = "aspirational"\n', "targets.cp_visits_in_time.kind"),
        ("[targets.cp_visits_in_time]\ntarget = 98\ntolerance = -1\n", "tolerance"),
        ("[targets.re_referrals_12m]\nband = [24, 18]\n", "lower figure first"),
        ("[council]\nla_code = 874\n", "council.la_code"),
        ('[council]\nla_code = "87"\n', "3 digits"),
        ("[report]\nchart_months = 6\n", "report.chart_months"),
        ('[report]\ncolour = "red"\n', "report.colour: not a setting cscperf knows"),
        ("[indicator_settings]\ncp_visit_interval_working_days = 0\n", "indicator_settings.cp_visit_interval"),
        ('[[events]]\ndate = 2026-03-01\ntext = "x"\nindicators = ["nope"]\n', "no such indicator 'nope'"),
        ("[report\n", "not valid TOML"),
    ],
)
def test_config_problems_are_explained(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataProblem) as problem:
        read_report_config(_config(tmp_path, text))
    assert message in str(problem.value)
    assert "Traceback" not in str(problem.value)


def test_a_config_that_is_not_utf8_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[report]\ntitle = "caf\xe9"\n')
    with pytest.raises(DataProblem, match="not UTF-8"):
        read_report_config(path)


def test_missing_config_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(DataProblem, match="could not be read"):
        read_report_config(tmp_path / "nowhere.toml")


# ---------------------------------------------------------------- commentary


def test_commentary_file_and_template(tmp_path: Path) -> None:
    path = tmp_path / "commentary.toml"
    path.write_text(
        '[cp_visits_in_time]\nexplanation = "Two workers were off sick."\naction = "Weekly list to managers."\n'
        'by = "Head of Service"\n\n[cla_visits_in_time]\nexplanation = ""\n\n'
        '[sections.workforce]\ntext = "A recruitment campaign starts in December."\n',
        encoding="utf-8",
    )
    commentary = read_commentary(path)
    comment = commentary.for_indicator("cp_visits_in_time")
    assert comment is not None and comment.by == "Head of Service"
    assert commentary.for_indicator("cla_visits_in_time") is None  # an empty slot is no comment
    assert commentary.for_section("workforce").startswith("A recruitment")
    template = commentary_template(
        [("cla_visits_in_time", "Children looked after visited in time", "Red: below target")], commentary,
        "2026-10-31",
    )  # fmt: skip
    parsed = tomllib.loads(template)
    assert parsed["cla_visits_in_time"]["explanation"] == ""
    assert parsed["cp_visits_in_time"]["explanation"] == "Two workers were off sick."
    assert parsed["sections"]["workforce"]["text"].startswith("A recruitment")
    assert read_commentary(tmp_path / "absent.toml") == Commentary()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[cp_visits]\nexplanation = "x"\n', "not an indicator id"),
        ('[cp_visits_in_time]\nreason = "x"\n', "not a field"),
        ('[sections.somewhere]\ntext = "x"\n', "sections are"),
    ],
)
def test_commentary_problems_are_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "commentary.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataProblem, match=message):
        read_commentary(path)


def test_indicator_comment_empty() -> None:
    assert IndicatorComment().is_empty and not IndicatorComment(action="x").is_empty


# ---------------------------------------------------------------- chart tables


def test_printed_figures_run_across_the_months_and_withhold_small_counts() -> None:
    from cscperf.report.charts import print_table

    ends = [dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31)]
    line = ChartLine("Repeat CP plans", "percent", 1, tuple(
        ChartPoint(e, f"{e:%b %Y}", v, n, d) for e, v, n, d in zip(ends, [20.0, 12.5, 40.0], [3, 2, 6], [15, 16, 15],
                                                                    strict=True)))  # fmt: skip
    started_points = tuple(ChartPoint(e, "", d) for e, d in zip(ends, [15.0, 16.0, 15.0], strict=True))
    started = ChartLine("CP plans started", "count", 0, started_points)
    request = ChartRequest("x", "Chart", "Lower is better", line, related=(started,),
                           counts=("second or later plans", "plans started"))  # fmt: skip
    headers, rows = print_table(request, 13)
    assert headers == ["", "Aug 26", "Sep 26", "Oct 26"]
    assert rows[0] == ["Repeat CP plans (%)", "20.0", "12.5", "40.0"]
    assert rows[1] == ["Second or later plans", "<5", "<5", "6"]  # 1 to 4 withheld (the caption says so)
    assert rows[2] == ["Plans started", "15", "16", "15"]
    assert len(rows) == 3  # the plans started repeat the denominator: said once


def test_full_time_equivalents_print_to_one_decimal_place() -> None:
    from cscperf.report.charts import print_table

    ends = [dt.date(2026, 9, 30), dt.date(2026, 10, 31)]
    line = ChartLine("Turnover", "percent", 1, tuple(
        ChartPoint(e, "", v, n, d) for e, v, n, d in zip(ends, [13.2, 11.3], [13.0, 11.2], [98.8, 98.8],
                                                         strict=True)))  # fmt: skip
    _, rows = print_table(ChartRequest("x", "Chart", "Lower is better", line, counts=("FTE leavers", "FTE")), 13)
    assert rows[1] == ["FTE leavers", "13.0", "11.2"] and rows[2] == ["FTE", "98.8", "98.8"]


def test_the_paper_parts_are_slots_in_the_commentary_file(tmp_path: Path) -> None:
    from cscperf.report.slots import SLOTS

    path = tmp_path / "commentary.toml"
    path.write_text('[paper.financial]\ntext = "No direct financial implications."\n\n[paper.portfolio_holder]\n'
                    'text = "My first report."\nby = "Councillor A. Example"\n', encoding="utf-8")  # fmt: skip
    commentary = read_commentary(path)
    assert commentary.for_slot("financial") is not None and commentary.for_slot("legal") is None
    template = tomllib.loads(commentary_template([], commentary, "2026-10-31", committee="Scrutiny Committee"))
    assert set(template["paper"]) == {s.slot_id for s in SLOTS}
    assert template["paper"]["financial"]["text"] == "No direct financial implications."  # kept
    assert template["paper"]["origin"]["text"] == "This report was requested by the Scrutiny Committee."  # offered
    assert template["paper"]["portfolio_holder"] == {"text": "My first report.", "by": "Councillor A. Example"}
    assert template["paper"]["inspection"]["text"] == ""  # nothing to offer: the service writes it
    path.write_text('[paper.finance]\ntext = "x"\n', encoding="utf-8")
    with pytest.raises(DataProblem, match="paper's parts are"):
        read_commentary(path)
