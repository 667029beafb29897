"""`cscperf forecast` on the synthetic council: the JSON shape the issue fixes, the table, the workbook, the
scenarios, and plain messages (never a traceback) when it is used wrongly or the data cannot support it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.store.database import open_store
from cscperf.store.statements import run

runner = CliRunner()
AS_AT = "2026-10-31"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("forecast-config") / "cscperf.toml"
    path.write_text("[forecast]\nsimulations = 200\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("forecast-scenarios") / "scenarios.toml"
    path.write_text(
        '[[scenario]]\nname = "Fewer coming in"\nentry_rate_change = -20\n\n'
        '[[scenario]]\nname = "Step down"\nresidential_to_fostering = 25\n\n'
        '[[scenario]]\nname = "Last year only"\nreference_months = 12\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def forecast_json(council_store: Path, config: Path, scenarios: Path) -> dict[str, Any]:
    result = runner.invoke(
        app,
        [
            "forecast",
            "--db",
            str(council_store),
            "--as-at",
            AS_AT,
            "--format",
            "json",
            "--config",
            str(config),
            "--scenario",
            str(scenarios),
        ],
    )
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


PERCENTILES = ("p2_5", "p10", "p50", "p90", "p97_5")


def _ordered(row: dict[str, Any]) -> bool:
    values = [row[k] for k in PERCENTILES]
    return values == sorted(values)


def test_json_has_the_shape_the_issue_fixes(forecast_json: dict[str, Any]) -> None:
    j = forecast_json
    assert j["as_at"] == AS_AT and j["horizon"] == 36 and j["available"] is True
    assert len(j["cla"]) == 36 and j["cla"][0]["month"] == "2026-11-30" and j["cla"][-1]["month"] == "2029-10-31"
    for row in j["cla"]:
        assert set(PERCENTILES) <= set(row) and _ordered(row)
        assert set(row["by_placement"]) == {
            "fostering_in_house",
            "fostering_independent",
            "kinship",
            "residential",
            "supported_accommodation",
            "placed_with_parents",
            "other",
        }
        assert all(_ordered(v) for v in row["by_placement"].values())
    assert len(j["cost"]) == 36 and all(_ordered(row) and row["p50"] > 0 for row in j["cost"])
    assert len(j["workforce"]) == 36 and all(_ordered(row["fte_needed"]) for row in j["workforce"])
    assert [b["months"] for b in j["backtest"]] == [12, 24]
    for b in j["backtest"]:
        assert {"from", "months", "mape", "naive_mape", "trend_mape", "coverage_80", "coverage_95"} <= set(b)
        assert all(isinstance(b[k], float) for k in ("mape", "naive_mape", "trend_mape", "coverage_80"))
    assert j["backtest"][0]["from"] == "2025-10-31" and j["backtest"][1]["from"] == "2024-10-31"


def test_json_central_estimates_are_consistent(forecast_json: dict[str, Any]) -> None:
    j = forecast_json
    now = sum(j["now"].values())
    assert j["cla"][0]["p2_5"] >= now * 0.9 and j["cla"][0]["p97_5"] <= now * 1.1  # a month on, little can change
    first, last = j["cla"][0], j["cla"][-1]
    assert last["p97_5"] - last["p2_5"] > first["p97_5"] - first["p2_5"]  # wider further ahead
    # central estimates by placement add up to about the central total
    assert sum(v["p50"] for v in last["by_placement"].values()) == pytest.approx(last["p50"], rel=0.05)
    # a year's spend is about twelve months of it
    years = [y for y in j["cost_years"] if y["whole_year"]]
    assert years and years[0]["months"] == 12


def test_scenarios_say_what_they_save_or_cost(forecast_json: dict[str, Any]) -> None:
    fewer, step, shorter = forecast_json["scenarios"]
    assert fewer["cla_end"]["p50"] < forecast_json["cla"][-1]["p50"]
    assert fewer["difference_total"]["p90"] < 0  # fewer children: saves money, 9 times in 10 at least
    assert (
        step["by_placement_end"]["residential"]["p50"] < forecast_json["cla"][-1]["by_placement"]["residential"]["p50"]
    )
    assert step["difference_total"]["p50"] < 0  # fostering costs less than residential care
    assert shorter["reason"] is None and len(shorter["cla"]) == 36


def test_the_table_fits_80_columns(council_store: Path, config: Path) -> None:
    result = runner.invoke(
        app, ["forecast", "--db", str(council_store), "--as-at", AS_AT, "--config", str(config)], terminal_width=80
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = result.stdout
    for words in (
        "Children looked after",
        "By placement",
        "Placement spend",
        "social workers",
        "Backtests",
        "MAPE" if "MAPE" in text else "mean absolute",
    ):
        assert words in text


def test_the_workbook_has_a_sheet_for_each_part(council_store: Path, config: Path, tmp_path: Path) -> None:
    out = tmp_path / "forecast.xlsx"
    result = runner.invoke(
        app,
        [
            "forecast",
            "--db",
            str(council_store),
            "--as-at",
            AS_AT,
            "--config",
            str(config),
            "--format",
            "xlsx",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames == [
        "Forecast",
        "Forecast by placement",
        "Forecast spend",
        "Forecast workforce",
        "Forecast backtests",
    ]
    tables = {name for ws in wb.worksheets for name in ws.tables}
    assert {"forecast_cla", "forecast_spend_years", "forecast_workforce", "forecast_backtests"} <= tables
    ws = wb["Forecast"]
    first, last = ws.tables["forecast_cla"].ref.split(":")
    rows = [[c.value for c in row] for row in ws[first:last]]
    forecast = [r for r in rows[1:] if r[1] == "forecast"]
    assert len(forecast) == 36 and all(isinstance(v, int | float) for v in forecast[0][3:])  # numbers, not text
    actual = [r for r in rows[1:] if r[1] == "actual"]
    assert actual and actual[-1][2] == sum(json_now(council_store, config).values()) and actual[-1][3] is None


def json_now(db: Path, config: Path) -> dict[str, int]:
    result = runner.invoke(
        app,
        ["forecast", "--db", str(db), "--as-at", AS_AT, "--format", "json", "--config", str(config), "--horizon", "1"],
    )
    now: dict[str, int] = json.loads(result.stdout)["now"]
    return now


def test_json_can_be_written_to_a_file(council_store: Path, config: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    result = runner.invoke(
        app,
        [
            "forecast",
            "--db",
            str(council_store),
            "--as-at",
            "31/10/2026",
            "--config",
            str(config),
            "--format",
            "json",
            "--out",
            str(out),
            "--horizon",
            "12",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["horizon"] == 12


def test_command_line_problems_are_explained(council_store: Path, tmp_path: Path) -> None:
    for args, code, words in (
        (["--as-at", "2026-13-01"], 2, "write the date as YYYY-MM-DD or DD/MM/YYYY"),
        (["--as-at", AS_AT, "--la", "123"], 2, "no council 123"),
        (["--as-at", AS_AT, "--la", "874", "--la", "001"], 2, "one council at a time"),
        (["--as-at", AS_AT, "--format", "pdf"], 2, "pdf"),
        (["--as-at", AS_AT, "--scenario", str(tmp_path / "missing.toml")], 1, "could not be read"),
        (["--as-at", AS_AT, "--format", "xlsx", "--out", str(tmp_path)], 1, "is a folder"),
        (["--as-at", AS_AT, "--format", "xlsx", "--out", str(tmp_path / "forecast.txt")], 2, "must end in .xlsx"),
    ):
        result = runner.invoke(app, ["forecast", "--db", str(council_store), *args])
        assert result.exit_code == code, (args, result.output)
        assert words in " ".join(result.output.split()), (args, result.output)
        assert "Traceback" not in result.output
    result = runner.invoke(app, ["forecast", "--db", str(tmp_path / "none.duckdb"), "--as-at", AS_AT])
    assert result.exit_code == 1 and "There is no store" in result.output


def test_without_a_date_it_forecasts_from_the_last_complete_month(council_store: Path, config: Path) -> None:
    result = runner.invoke(
        app,
        ["forecast", "--db", str(council_store), "--config", str(config), "--horizon", "3"],
        env={"CSCPERF_DB": str(council_store)},
        terminal_width=80,
    )
    assert result.exit_code == 0, result.output
    assert "As at 31 October 2026, the end of the last complete month of the data" in " ".join(result.stdout.split())


def test_a_store_without_episodes_says_why_there_is_no_forecast(tmp_path: Path) -> None:
    db = tmp_path / "cin.duckdb"
    con = open_store(db)
    run(
        con,
        "INSERT INTO cscperf_councils (la_code, la_name, data_source, data_start_date, data_end_date) "
        "VALUES ('201', 'City', 'loaded', DATE '2024-04-01', DATE '2025-03-31')",
    )
    run(
        con,
        "INSERT INTO cscperf_loads (la_code, load_id, load_kind, load_status) VALUES ('201', 'L1', 'cin_census', "
        "'complete')",
    )
    con.close()
    for fmt in ("table", "json"):
        result = runner.invoke(app, ["forecast", "--db", str(db), "--as-at", "2025-03-31", "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "no history of children's care episodes" in result.stdout
        if fmt == "json":
            j = json.loads(result.stdout)
            assert j["available"] is False and j["cla"] == [] and j["backtest"] == []
