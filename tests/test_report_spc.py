"""Statistical process control in the report, on hand-built series (no store): the signal-or-noise sentence,
no "better" or "worse" for a movement within normal variation, series breaks (configuration, limits that start
afresh, no comparison across a break), provisional limits, the summary table's icons, and the chart (lines
behind the data, flagged points, alt text, the table of figures).

The series: children in care visited in time (higher is better, whole percentages), 12 months alternating 90%
and 92%, then the latest month. With the limits fixed on those 12 months ([spc] baseline_points = 12):

    mean = (6 x 90 + 6 x 92) / 12 = 91; every moving range |92 - 90| = 2, so the mean moving range = 2
    process limits = 91 +/- 2.66 x 2 = 91 +/- 5.32: 85.68 and 96.32, shown as 86% and 96%
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cscperf.analysis.spc_icons import SIGNAL_COLOURS
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point
from cscperf.report import palette
from cscperf.report.appendix import chart_of, chart_request
from cscperf.report.charts import alt_text, chart_spec, data_table
from cscperf.report.config import EventConfig, ReportConfig, TargetConfig
from cscperf.report.indicator_figures import IndicatorFigures, indicator_figures
from cscperf.report.narrative import spc_sentence, trend_sentence
from cscperf.report.paragraphs import Extras, Wording, chart_paragraph
from cscperf.report.rendered import chart_notes
from cscperf.report.tables import summary_row

LIBRARY = load_library()
TARGET = TargetConfig(target=98, kind="stretch", tolerance=5)
BASELINE = [90.0, 92.0] * 6


def _points(values: list[float | None], start: dt.date = dt.date(2025, 10, 1)) -> list[Point]:
    points = []
    for i, value in enumerate(values):
        month = (start.month - 1 + i) % 12 + 1
        year = start.year + (start.month - 1 + i) // 12
        first = dt.date(year, month, 1)
        end = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        points.append(Point("874", first, end, value or 0.0, 100.0, value, 1))
    return points


def _figures(values: list[float | None], *, indicator_id: str = "cla_visits_in_time", baseline: int | None = 12,
             breaks: tuple[EventConfig, ...] = (), target: TargetConfig | None = TARGET,
             ) -> IndicatorFigures:  # fmt: skip
    return indicator_figures(LIBRARY[indicator_id], _points(values), target, None, 30, breaks=breaks,
                             baseline_points=baseline)  # fmt: skip


# ---------------------------------------------------------------- signal or noise


def test_within_normal_variation_is_not_called_better_or_worse() -> None:
    f = _figures([*BASELINE, 93.0])  # 93 is inside 86 to 96; up 1 point on 92
    assert f.latest_signal is None and f.change == 1 and f.change_words == "better"
    assert f.change_verdict == ""
    assert trend_sentence(f).startswith("In September 2026 it was 92%, so the latest month is 1 point higher;")
    assert spc_sentence(f) == (
        "This is within normal variation, not a signal: the latest month lies within the process limits of 86% to "
        "96% worked out from the first 12 of the 13 months shown, and is not part of a run or a trend."
    )
    text = chart_paragraph(chart_of("cla_visits_in_time"), {"cla_visits_in_time": f}, Extras(), Wording())
    assert "within normal variation, not a signal" in text
    for word in ("better)", "worse)", "improv", "deteriorat", "concern"):
        assert word not in text
    row = summary_row(f)
    assert row.change == "+1 point" and row.variation == "common_cause" and row.variation_words == "Common cause"
    # the target (98%) lies above the upper limit (96.32%): the process will not meet it
    assert row.assurance == "fail" and row.assurance_words == "Will fail"


def test_a_signal_is_named_with_its_rule() -> None:
    f = _figures([*BASELINE, 97.0])  # above the upper limit of 96.32; up 5 points on 92
    assert f.latest_signal == "improvement" and f.change_verdict == "better"
    assert "so the latest month is 5 points higher (better)" in trend_sentence(f)
    assert spc_sentence(f) == (
        "This is a signal, not noise: the latest month is above the upper process limit of 96%, which is special "
        "cause variation of an improving nature."
    )
    assert summary_row(f).change == "+5 points (better)"
    assert summary_row(f).variation_words == "Improvement (high)"


def test_a_run_is_counted() -> None:
    # seven months of 92 after the baseline: the baseline's last month (92) is above the mean too, so the run is 8
    f = _figures([*BASELINE, *[92.0] * 7])
    assert spc_sentence(f) == (
        "This is a signal, not noise: the latest month is one of 8 in a row above the mean of 91%, which is "
        "special cause variation of an improving nature."
    )
    # no change on last month, so no verdict on it, though the latest month is part of a signal
    assert f.change == 0 and summary_row(f).change == "no change"


def test_a_limit_that_rounds_to_the_month_is_given_with_a_decimal() -> None:
    # the baseline as before (upper limit 96.32%, shown 96%); the latest month is 97% (the engine's figures are
    # rounded to the measure's decimals, and are what the analysis judges): the limit reads apart already
    f = _figures([*BASELINE, 97.0])
    assert "the latest month is above the upper process limit of 96%," in spc_sentence(f)
    # baseline 80% and 84% alternating: mean 82, every moving range 4, upper limit 82 + 2.66 x 4 = 92.64, which
    # rounds to the month's 93%: given as 92.6%
    g = _figures([*[80.0, 84.0] * 6, 93.0])
    assert "the latest month is above the upper process limit of 92.6%," in spc_sentence(g)
    # a run at 100% above a mean of 99.5% (the baseline alternates 99% and 100%), which rounds to 100% as well:
    # the mean is given to one decimal, the month as the engine gives it
    h = _figures([*[99.0, 100.0] * 6, *[100.0] * 8])
    sentence = spc_sentence(h)
    assert "the latest month is one of 9 in a row above the mean of 99.5%" in sentence
    assert "mean of 100%" not in sentence
    assert "mean of 100%" not in sentence


def test_a_paragraph_led_by_a_signal_says_which_way_it_points() -> None:
    plan = chart_of("cla_visits_in_time")
    better = _figures([*BASELINE, 97.0], target=TargetConfig(target=90, kind="local", tolerance=10))  # green
    worse = _figures([*BASELINE, 80.0], target=TargetConfig(target=80, kind="local", tolerance=10))  # on target
    wording = Wording()
    first = chart_paragraph(plan, {"cla_visits_in_time": better}, Extras(), wording)
    second = chart_paragraph(plan, {"cla_visits_in_time": worse}, Extras(), wording)
    assert first.startswith("Chart 10 shows an improvement in ")
    assert second.startswith("In Chart 10, ") and "80% in October 2026" in second
    assert second.split(". ")[0].endswith("a sign of deterioration")
    for text in (first, second):
        assert "shows a change in" not in text and "moved to" not in text


def test_a_signal_of_concern_and_a_change_the_other_way() -> None:
    # 80 then 84: both below the lower limit (85.68), the latest up 4 points. The change is not called better:
    # the latest month is a signal of concern.
    f = _figures([*BASELINE, 80.0, 84.0])
    assert f.latest_signal == "concern" and f.change == 4 and f.change_verdict == ""
    assert "below the lower process limit of 86%" in spc_sentence(f)
    assert "concerning nature" in spc_sentence(f)


def test_a_context_measure_is_unusually_high_not_better() -> None:
    f = _figures([*[400.0, 420.0] * 6, 480.0], indicator_id="contacts", target=None)
    # mean 410, mean moving range 20: limits 410 +/- 53.2, 356.8 to 463.2; 480 is above
    assert f.latest_signal == "neutral_high"
    assert spc_sentence(f) == (
        "This is a signal, not noise: the latest month is above the upper process limit of 463, which is special "
        "cause variation (unusually high, in a measure with no better direction)."
    )
    assert summary_row(f).variation_words == "Unusually high" and summary_row(f).assurance is None


def test_short_series_say_their_limits_are_provisional() -> None:
    f = _figures([90.0, 92.0, 90.0, 93.0], baseline=None)
    assert spc_sentence(f).startswith("There are only 4 months of figures so far, too few to tell a signal from "
                                      "normal variation with confidence (12 are needed)")  # fmt: skip
    assert summary_row(f).variation_words == "Common cause (provisional)"
    assert summary_row(f).variation_short == "Common cause *"  # the narrow table's mark, explained beneath it
    assert _figures([None, 91.0]).spc is not None
    assert (
        spc_sentence(_figures([None, 91.0])) == "There are too few figures yet to tell a signal from normal variation."
    )
    assert spc_sentence(_figures([91.0, None])) == ""  # no figure this month: nothing to judge


# ---------------------------------------------------------------- series breaks


NEW_SYSTEM = EventConfig(date=dt.date(2026, 10, 2), text="Case recording system upgrade", series_break=True)


def test_no_change_on_last_month_across_a_break() -> None:
    # the break on 2 October 2026 starts a new segment with October; September and October are not compared
    f = _figures([*BASELINE, 80.0], breaks=(NEW_SYSTEM,))
    assert f.break_since_previous == NEW_SYSTEM and f.change is None and f.change_verdict == ""
    assert trend_sentence(f).startswith(
        "In September 2026 it was 92%; the series breaks between the two months (case recording system upgrade, "
        "2 October 2026), so they are not compared;"
    )
    assert summary_row(f).change == "Not compared (series break)"
    assert f.spc is not None and [s.points for s in f.spc.segments] == [12, 1]
    # one month since the break: no limits yet, so no judgement on it
    assert spc_sentence(f) == "There are too few figures yet to tell a signal from normal variation."
    assert summary_row(f).variation_words == "Too few figures"


def test_limits_start_afresh_from_a_break_and_old_months_are_flagged_as_before_it() -> None:
    # 13 months from October 2025; a break in April 2026 (the 7th month) leaves 7 months after it
    brk = EventConfig(date=dt.date(2026, 4, 15), text="New front door", series_break=True)
    f = _figures([*BASELINE, 91.0], baseline=None, breaks=(brk,))
    assert f.spc is not None
    first, second = f.spc.segments
    assert (first.points, second.points, second.break_date) == (6, 7, brk.date)
    assert second.limits is not None and second.limits.mean == pytest.approx((3 * 90 + 3 * 92 + 91) / 7)
    assert "a year earlier, in October 2025, it was 90% (before the series break of 15 April 2026)" in trend_sentence(f)
    assert spc_sentence(f).startswith("There are only 7 months of figures since the series break on 15 April 2026 "
                                      "(new front door), too few")  # fmt: skip


def test_breaks_in_the_configuration() -> None:
    config = ReportConfig.model_validate({
        "events": [{"date": dt.date(2026, 3, 2), "text": "Case system upgrade", "break": True,
                    "indicators": ["contacts"]},
                   {"date": dt.date(2026, 5, 1), "text": "Ofsted visit"}],
        "breaks": [{"date": dt.date(2025, 10, 1), "text": "New front door"}],
        "spc": {"baseline_points": 12},
    })  # fmt: skip
    assert [e.text for e in config.all_events()] == ["New front door", "Case system upgrade", "Ofsted visit"]
    assert [e.text for e in config.breaks_for("contacts")] == ["New front door", "Case system upgrade"]
    assert [e.text for e in config.breaks_for("referrals")] == ["New front door"]
    assert config.spc.baseline_points == 12
    with pytest.raises(ValueError, match="breaks 1"):
        ReportConfig.model_validate({"breaks": [{"date": dt.date(2025, 10, 1), "text": "x", "indicators": ["nope"]}]})
    with pytest.raises(ValueError, match="baseline_points"):
        ReportConfig.model_validate({"spc": {"baseline_points": 1}})


# ---------------------------------------------------------------- the chart


def test_the_chart_draws_limits_behind_the_data_and_marks_signals() -> None:
    f = _figures([*BASELINE, 97.0])
    plan = chart_of("cla_visits_in_time")
    req = chart_request(plan, {"cla_visits_in_time": f}, (NEW_SYSTEM.model_copy(update={"date": dt.date(2026, 4, 2)}),))
    assert req.spc is not None
    assert [p.mean for p in req.spc.points] == [91] * 13
    assert req.spc.points[-1].signal == "improvement" and req.spc.points[-1].words == "Improvement (beyond limit)"
    assert req.spc.summary == "Latest month a signal of improvement (special cause)"
    assert req.events[0].series_break
    spec = json.dumps(chart_spec(req))
    assert palette.SPC_LIMIT_COLOUR in spec and palette.SPC_MEAN_COLOUR in spec
    assert "title" not in chart_spec(req)  # the paper's heading is the chart's title, said once
    assert '"Mean"' in spec and '"Process limits"' in spec  # named once in the legend
    assert chart_notes(req)[:2] == ("Marked: 1: 2 April 2026, series break: case recording system upgrade.",
                                    "Special causes ringed: improvement.")  # fmt: skip
    layers = chart_spec(req)["layer"]
    limits_at = next(i for i, layer in enumerate(layers) if palette.SPC_LIMIT_COLOUR in json.dumps(layer))
    series_at = next(i for i, layer in enumerate(layers) if layer["mark"].get("type") == "line"
                     and layer["mark"].get("strokeWidth") == 2.5)  # fmt: skip
    assert limits_at < series_at  # behind the data
    ringed = [layer["mark"] for layer in layers if layer["mark"].get("shape") == "circle"]
    assert ringed == [{"type": "point", "color": SIGNAL_COLOURS["improvement"], "filled": False, "opacity": 1,
                       "shape": "circle", "size": 160, "strokeWidth": 2}]  # fmt: skip
    text = alt_text(req)
    assert "Latest month a signal of improvement (special cause). Grey lines show the mean (91%) and process " \
           "limits (86% to 96%); special causes: 1 marked improvement (Oct 2026)." in text  # fmt: skip
    headers, rows = data_table(req)
    assert "Mean and process limits (%)" in headers and "Signal" in headers
    assert rows[-1][headers.index("Mean and process limits (%)")] == "91 (86 to 96)"
    assert rows[-1][headers.index("Signal")] == "Improvement (beyond limit)"
    assert rows[0][headers.index("Signal")] == ""


def test_limits_beyond_what_a_measure_can_take_are_drawn_at_the_edge() -> None:
    # 96 and 100 alternating: mean 98, mean moving range 4, limits 98 +/- 10.64: 87.36 and 108.64 -> 100%
    f = _figures([96.0, 100.0] * 6 + [98.0])
    req = chart_request(chart_of("cla_visits_in_time"), {"cla_visits_in_time": f}, ())
    assert req.spc is not None and req.spc.points[-1].upper == 100
    assert f.spc is not None and f.spc.points[-1].upper == pytest.approx(108.64)  # the method's own figure
    assert "87% to 100%" in spc_sentence(f)
