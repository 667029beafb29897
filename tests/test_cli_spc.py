"""`cscperf spc` (any CSV series) and `cscperf kpis --spc`: the fixed JSON shape, CSV and table, the options,
and a plain message, never a traceback, for every kind of bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app

runner = CliRunner()

# 10, 12, 11, 13, 14: mean 12, moving ranges 2, 1, 2, 1 (mean 1.5), limits 12 +/- 3.99 (8.01 and 15.99)
SERIES = "date,value\n2024-01-31,10\n2024-02-29,12\n2024-03-31,11\n2024-04-30,13\n2024-05-31,14\n"


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    stderr = result.stderr if result.stderr_bytes is not None else ""
    assert "Traceback" not in result.output + stderr
    return result.exit_code, result.stdout, stderr


def write(tmp_path: Path, text: str, name: str = "series.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_has_the_fixed_shape_and_the_hand_worked_figures(tmp_path: Path) -> None:
    code, out, err = invoke("spc", "--input", write(tmp_path, SERIES), "--improvement", "higher", "--target", "16",
                            "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"points", "variation_icon", "assurance_icon"}
    assert [set(p) for p in data["points"]] == [
        {"date", "value", "spc_mean", "spc_upper", "spc_lower", "spc_signal", "spc_rules"}
    ] * 5
    last = data["points"][-1]
    assert last == {"date": "2024-05-31", "value": 14, "spc_mean": 12, "spc_upper": 15.99, "spc_lower": 8.01,
                    "spc_signal": None, "spc_rules": []}  # fmt: skip
    assert data["variation_icon"] == "common_cause"
    assert data["assurance_icon"] == "fail"  # 16 is above the upper limit of 15.99 where higher is better
    assert "Only 5 points" in err  # the trial-limits warning, on stderr so that stdout stays JSON


def test_signals_rules_and_icons_in_json_csv_and_table(tmp_path: Path) -> None:
    # 12 points alternating 11 and 9 (mean 10, limits 4.68 and 15.32 when fixed on them), then 16: beyond the limit
    rows = [f"2024-{m:02d}-01,{11 if m % 2 else 9}" for m in range(1, 13)] + ["2025-01-01,16"]
    path = write(tmp_path, "date,value\n" + "\n".join(rows) + "\n")
    code, out, _ = invoke("spc", "--input", path, "--improvement", "lower", "--baseline-points", "12",
                          "--format", "json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["points"][-1]["spc_signal"] == "concern" and data["points"][-1]["spc_rules"] == ["outside_limits"]
    assert data["points"][0]["spc_mean"] == 10 and data["variation_icon"] == "concern_high"
    assert data["assurance_icon"] is None
    code, out, _ = invoke("spc", "--input", path, "--improvement", "lower", "--baseline-points", "12", "--format",
                          "csv")  # fmt: skip
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["date", "value", "spc_mean", "spc_upper", "spc_lower", "spc_signal", "spc_rules",
                        "variation_icon", "assurance_icon"]  # fmt: skip
    assert table[-1][0] == "2025-01-01" and table[-1][5:8] == ["concern", "outside_limits", "concern_high"]
    code, out, _ = invoke("spc", "--input", path, "--improvement", "lower", "--baseline-points", "12")
    assert code == 0 and "concern (limit)" in out and "Variation: Concern (high)" in out
    table = [line for line in out.splitlines() if not line.startswith(("Variation:", "Assurance:", "Note:"))]
    assert max(len(line) for line in table) <= 80  # the table fits an 80-column terminal


def test_breaks_start_new_limits(tmp_path: Path) -> None:
    rows = [f"2024-{m:02d}-01,{11 if m % 2 else 9}" for m in range(1, 13)]
    rows += [f"2025-{m:02d}-01,{21 if m % 2 else 19}" for m in range(1, 13)]
    path = write(tmp_path, "date,value\n" + "\n".join(rows) + "\n")
    code, out, err = invoke("spc", "--input", path, "--improvement", "higher", "--break", "2025-01-01",
                            "--format", "json")  # fmt: skip
    assert code == 0, err
    means = [p["spc_mean"] for p in json.loads(out)["points"]]
    assert means == [10] * 12 + [20] * 12
    code, out, err = invoke("spc", "--input", path, "--improvement", "higher", "--break", "01/06/2030",
                            "--format", "json")  # fmt: skip
    assert code == 0 and "after the last point" in err


def test_friendly_input_forms_are_read(tmp_path: Path) -> None:
    # UK dates, a byte order mark, semicolons, a percent sign, thousands separators, rows out of order, a gap
    text = "\ufeffMonth;Figure\n01/03/2024;1,200\n01/01/2024;1,000\n01/02/2024;\n01/04/2024;1,100%\n"
    path = write(tmp_path, text)
    code, out, err = invoke("spc", "--input", path, "--date-column", "month", "--value-column", "figure",
                            "--improvement", "neutral", "--format", "json")  # fmt: skip
    assert code == 0, err
    points = json.loads(out)["points"]
    assert [p["date"] for p in points] == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    assert [p["value"] for p in points] == [1000, None, 1200, 1100]
    assert points[1]["spc_mean"] is None and points[0]["spc_mean"] == 1100  # (1,000 + 1,200 + 1,100) / 3
    code, out, _ = invoke("spc", "--input", "-", "--improvement", "higher", "--format", "json", stdin=SERIES)
    assert code == 0 and json.loads(out)["points"][0]["spc_mean"] == 12


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is empty"),
        ("\n\n", "is empty"),
        ("date,value\n", "has a header but no rows"),
        ("day,figure\n2024-01-01,3\n", "has no column 'date'; its columns are 'day', 'figure'"),
        ("date,value\n2024-01-01,three\n", "line 2: 'three' is not a number"),
        ("date,value\n2024-01-01,nan\n", "'nan' is not a number"),
        ("date,value\n2024-13-01,3\n", "line 2: '2024-13-01' is not a date"),
        ("date,value\n31/02/2024,3\n", "'31/02/2024' is not a date"),
        ("date,value\n2024-01-01,3\n2024-02-01,4\n2024-01-01,5\n", "lines 2 and 4 both have the date 2024-01-01"),
        ("date,value\n" + "x,1\n" * 9, "; and 4 more"),
        ("[bold]date[/bold],value\n2024-01-01,1\n", "'[bold]date[/bold]'"),
    ],
)
def test_bad_files_are_explained(tmp_path: Path, text: str, words: str) -> None:
    code, out, err = invoke("spc", "--input", write(tmp_path, text), "--improvement", "higher")
    assert code == 1, out
    assert words in " ".join(err.split())
    assert not out.strip()


def test_a_file_that_is_not_utf8_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,value\n2024-01-01,3\n2024-02-01,4 £\n".encode("latin-1"))
    code, _, err = invoke("spc", "--input", str(path), "--improvement", "higher")
    assert code == 1 and "not UTF-8" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--improvement", "higher"], "--input"),
        (["--input", "SERIES"], "--improvement higher, lower or neutral"),
        (["--input", "SERIES", "--improvement", "up"], "higher"),
        (["--input", "SERIES", "--improvement", "higher", "--break", "soon"], "'soon' is not a date"),
        (["--input", "SERIES", "--improvement", "higher", "--baseline-points", "1"], "--baseline-points"),
        (["--input", "SERIES", "--improvement", "higher", "--format", "xml"], "--format"),
        (["--input", "SERIES", "--improvement", "higher", "--target", "nan"], "--target must be a number"),
        (["--input", "MISSING", "--improvement", "higher"], "There is no file"),
        (["--input", "FOLDER", "--improvement", "higher"], "is a folder"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], words: str) -> None:
    series = write(tmp_path, SERIES)
    swap = {"SERIES": series, "MISSING": str(tmp_path / "missing.csv"), "FOLDER": str(tmp_path)}
    code, out, err = invoke("spc", *[swap.get(a, a) for a in args])
    assert code == 2, out + err
    assert words in " ".join((out + err).split())


# ---------------------------------------------------------------- kpis --spc


@pytest.fixture()
def store(council_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(council_store, copy)
    return copy


def test_kpis_spc_adds_point_fields_and_icons(store: Path, tmp_path: Path) -> None:
    from cscperf.analysis.spc import ASSURANCE_ICONS, VARIATION_ICONS

    code, out, err = invoke("kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cp_visits_in_time",
                            "--kpi", "contacts", "--spc", "--format", "json")  # fmt: skip
    assert code == 0, err
    kpis = {k["id"]: k for k in json.loads(out)["kpis"]}
    visits = kpis["cp_visits_in_time"]
    assert visits["variation_icon"] in VARIATION_ICONS and visits["assurance_icon"] in ASSURANCE_ICONS
    assert kpis["contacts"]["assurance_icon"] is None  # a context measure: no target
    for point in visits["series"]:
        assert {"spc_mean", "spc_upper", "spc_lower", "spc_signal", "spc_rules"} <= set(point)
        assert point["spc_lower"] <= point["spc_mean"] <= point["spc_upper"]
    means = {p["spc_mean"] for p in visits["series"]}
    assert len(means) == 1  # 13 months, no break: one mean
    # the mean of the figures before the DfE's rounding (rounded figures had put a 7.8% above a limit of 7.797%
    # that 7.772% was not)
    expected = sum(100 * p["numerator"] / p["denominator"] for p in visits["series"]) / 13
    assert means.pop() == pytest.approx(expected, rel=1e-9)
    assert expected != pytest.approx(sum(p["value"] for p in visits["series"]) / 13, rel=1e-9)
    # a break in the configuration splits the limits
    config = write(tmp_path, '[[breaks]]\ndate = 2025-10-01\ntext = "New front door"\n', "cscperf.toml")
    code, out, err = invoke("kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cp_visits_in_time",
                            "--spc", "--config", config, "--format", "json")  # fmt: skip
    assert code == 0, err
    visits = json.loads(out)["kpis"][0]
    assert len({p["spc_mean"] for p in visits["series"]}) == 2
    assert any("since the break on 1 October 2025" in w for w in visits["spc_warnings"])  # 6 months since


def test_kpis_spc_csv_table_and_breakdowns(store: Path) -> None:
    base = ["kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cp_visits_in_time", "--spc"]
    code, out, _ = invoke(*base, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 13
    assert rows[-1]["variation_icon"] and rows[-1]["spc_mean"]
    code, out, _ = invoke(*base)
    assert code == 0 and "Variation" in out and "Assurance" in out
    code, out, _ = invoke(*base, "--by", "team", "--format", "json")
    kpi = json.loads(out)["kpis"][0]
    assert kpi["variation_icon"] is None and kpi["spc_series"]
    assert {s["group"] for s in kpi["spc_series"]} == {p["group"] for p in kpi["series"]}
    code, out, err = invoke(*base, "--period", "rolling-12")
    assert code == 2 and "rolling 12-month" in " ".join((out + err).split())


def test_a_target_without_limits_is_not_called_no_target(tmp_path: Path) -> None:
    """One figure gives a mean but no process limits: there is a target, but nothing to set it against."""
    code, out, _ = invoke("spc", "--input", write(tmp_path, "date,value\n2024-01-31,10\n"), "--improvement",
                          "higher", "--target", "12")  # fmt: skip
    words = " ".join(out.split())
    assert code == 0 and "Assurance: None. There are too few figures" in words and "No target" not in words
    code, out, _ = invoke("spc", "--input", write(tmp_path, SERIES), "--improvement", "higher")
    assert "Assurance: No target" in " ".join(out.split())


def test_kpis_spc_table_says_what_limits_the_analysis(store: Path) -> None:
    """A month so far is left out of a flow's limits, and six months give trial limits: the table says both."""
    code, out, _ = invoke("kpis", "--db", str(store), "--as-at", "2026-03-15", "--kpi", "contacts", "--months", "6",
                          "--spc")  # fmt: skip
    words = " ".join(out.split())
    assert code == 0
    assert "SPC: 1 March 2026 to 15 March 2026 covers part of a period only" in words
    assert "SPC: Only 5 points" in words and "(contacts)" in words
    assert max(len(line) for line in out.splitlines()) <= 80
