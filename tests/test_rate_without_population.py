"""A rate per 10,000 children with no child population loaded is "not available" with the reason and the fix
(import the published statistics that carry the ONS mid-year estimates), never "nothing to measure" (there
were children to count) and never a dash: on the command line (kpis, summary, drill), on the web, and
`cscperf benchmarks import` fills the population of a council loaded from files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point, Result
from cscperf.indicators.output import results_json
from cscperf.store.database import open_store
from cscperf.store.statements import run
from cscperf.web.figures import value_text

from .conftest import SHARED

runner = CliRunner()
WHY = "no child population for council 874 (the ONS mid-year estimates of children aged 0 to 17)"
FIX = "cscperf benchmarks import"


@pytest.fixture()
def no_population(council_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "no-population.duckdb"
    shutil.copy(council_store, path)
    con = open_store(path)
    run(con, "DELETE FROM cscperf_population")
    con.close()
    return path


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_kpis_say_the_rate_is_not_available_and_why(no_population: Path) -> None:
    result = runner.invoke(app, ["kpis", "--db", str(no_population), "--as-at", "2026-03-31", "--months", "2",
                                 "--kpi", "cp_rate_per_10k", "--kpi", "cla_rate_per_10k",
                                 "--kpi", "cp_plans_open"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert f"n/a: {WHY}: import the DfE's published statistics, which carry them (`{FIX}`) " \
           "(cp_rate_per_10k, cla_rate_per_10k)" in out  # fmt: skip
    assert "to measure" not in out and out.count(WHY) == 1  # said once, for both rates and both months


def test_summary_says_not_available_and_why_not_a_dash(no_population: Path) -> None:
    result = runner.invoke(app, ["summary", "--db", str(no_population)])
    assert result.exit_code == 0, result.output
    assert "aged 0-17 │ n/a │" in _flat(result.output)
    assert f"Per 10,000 n/a: {WHY}: import" in _flat(result.output) and FIX in _flat(result.output)


def test_summary_rate_is_the_indicators_rate(council_store: Path, tmp_path: Path) -> None:
    """The summary works the rate as cla_rate_per_10k does (the latest mid-year on or before the date), not
    from the mid-year before the date's year: the synthetic council ends 31 October 2026, after 30 June, so
    mid-2026 (halved here so that the two cannot agree by chance)."""
    store = tmp_path / "halved.duckdb"
    shutil.copy(council_store, store)
    con = open_store(store)
    run(con, "UPDATE cscperf_population SET population = population / 2 WHERE mid_year = 2026")
    con.close()
    result = runner.invoke(app, ["summary", "--db", str(store)])
    kpis = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", "2026-10-31", "--months", "1",
                               "--kpi", "cla_rate_per_10k", "--format", "json"])  # fmt: skip
    rate = json.loads(kpis.output)["kpis"][0]["series"][-1]["value"]
    assert rate > 150  # about 409 children per 25,000
    assert f"aged 0-17 │ {rate:.0f} │" in _flat(result.output)


def test_drill_still_lists_the_children_counted(no_population: Path) -> None:
    result = runner.invoke(app, ["drill", "--db", str(no_population), "--as-at", "2026-03-31", "--kpi",
                                 "cp_rate_per_10k", "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0 and len(result.output.splitlines()) > 10 and "to measure" not in result.output


def test_the_web_says_the_same() -> None:
    rate, percent = load_library()["cp_rate_per_10k"], load_library()["cp_reviews_in_time"]
    day = dt.date(2026, 3, 31)
    no_pop = Point("874", dt.date(2026, 3, 1), day, 12, None, None, 12)
    assert value_text(rate, no_pop) == f"not available ({WHY}: import the DfE's published statistics, which " \
                                       f"carry them (`{FIX}`))"  # fmt: skip
    nothing = Point("874", dt.date(2026, 3, 1), day, 0, 0, None, 0)
    assert value_text(percent, nothing) == "not available (no children in the period to measure)"


REFERENCE = SHARED / "reference-data" / "dfe-csc-outcomes-enablers"
CLA_RATES = REFERENCE / "cla_number_and_rate_per_10k_children.csv"


def test_benchmarks_import_fills_the_population_of_a_council_loaded_from_files(
    no_population: Path, tmp_path: Path
) -> None:
    if not CLA_RATES.is_file():
        pytest.skip(f"published reference data not found at {CLA_RATES}")
    con = open_store(no_population)
    run(con, "UPDATE cscperf_councils SET data_source = 'loaded'")
    con.close()
    folder = tmp_path / "published"
    folder.mkdir()
    shutil.copy(CLA_RATES, folder)
    result = runner.invoke(app, ["benchmarks", "import", str(folder), "--db", str(no_population)])
    assert result.exit_code == 0, result.output
    assert "Child population (0-17) added for" in _flat(result.output)
    con = open_store(no_population, read_only=True)
    years = con.execute("SELECT count(*) FROM cscperf_population WHERE la_code = '874'").fetchall()[0][0]
    con.close()
    assert years > 0
    kpis = runner.invoke(app, ["kpis", "--db", str(no_population), "--as-at", "2026-03-31", "--months", "1",
                               "--kpi", "cla_rate_per_10k"])  # fmt: skip
    assert WHY not in _flat(kpis.output) and "n/a" not in kpis.output


def test_json_and_csv_say_not_available_and_why(no_population: Path) -> None:
    """The machine-readable outputs agree with the table: the rate is not available, with the reason; a count
    beside it is available."""
    args = ["kpis", "--db", str(no_population), "--as-at", "2026-03-31", "--months", "1",
            "--kpi", "cp_rate_per_10k", "--kpi", "cp_plans_open"]  # fmt: skip
    found = json.loads(runner.invoke(app, [*args, "--format", "json"]).output)["kpis"]
    rate, count = (kpi["series"][-1] for kpi in found)
    assert rate["value"] is None and rate["available"] is False and rate["reason"].startswith(WHY)
    assert count["available"] is True and count["value"] > 0 and count["reason"] is None
    rows = {
        row["id"]: row for row in csv.DictReader(io.StringIO(runner.invoke(app, [*args, "--format", "csv"]).output))
    }
    assert rows["cp_rate_per_10k"]["available"] == "no" and rows["cp_rate_per_10k"]["reason"].startswith(WHY)
    assert rows["cp_plans_open"]["available"] == "yes" and rows["cp_plans_open"]["reason"] == ""


def test_a_period_with_nothing_to_measure_says_so_in_json() -> None:
    percent = load_library()["cp_reviews_in_time"]
    nothing = Point("874", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 0, 0, None, 0)
    point = json.loads(results_json(dt.date(2026, 3, 31), [Result(percent, [nothing])]))["kpis"][0]["series"][0]
    assert point["available"] is True and point["value"] is None
    assert point["reason"] == "no children in the period to measure"
