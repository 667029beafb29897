"""The indicator commands: `kpis`, `kpis list` and `drill` (a fixed interface others rely on)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.store.database import open_store
from cscperf.store.statements import run

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    return result.exit_code, output


@pytest.fixture()
def store(council_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(council_store, copy)
    return copy


def test_kpis_json_has_the_fixed_shape(store: Path) -> None:
    code, out = invoke("kpis", "--db", str(store), "--as-at", "2026-03-31", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["as_at"] == "2026-03-31"
    assert len(data["kpis"]) == 38
    first = data["kpis"][0]
    assert {"id", "title", "unit", "polarity", "series"} <= set(first)
    assert len(first["series"]) == 13
    point = first["series"][-1]
    assert set(point) == {"period_start", "period_end", "numerator", "denominator", "value", "available", "coverage",
                          "reason", "not_measurable"}  # fmt: skip
    assert point["period_start"] == "2026-03-01" and point["period_end"] == "2026-03-31"
    counts = [k for k in data["kpis"] if k["unit"] == "count"]
    assert all(p["denominator"] is None for k in counts for p in k["series"])


def test_kpis_chosen_ids_months_and_periods(store: Path) -> None:
    code, out = invoke(
        "kpis",
        "--db",
        str(store),
        "--as-at",
        "2026-03-31",
        "--kpi",
        "cla_open",
        "--kpi",
        "re_referrals_12m",
        "--months",
        "3",
        "--period",
        "financial-year",
        "--format",
        "json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert [k["id"] for k in data["kpis"]] == ["cla_open", "re_referrals_12m"]
    assert [p["period_start"] for p in data["kpis"][0]["series"]] == ["2023-04-01", "2024-04-01", "2025-04-01"]


def test_kpis_csv_and_table_and_breakdown(store: Path) -> None:
    code, out = invoke("kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cla_open", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 13 and rows[-1]["id"] == "cla_open"
    code, out = invoke(
        "kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cla_open", "--by", "age_band", "--format", "csv"
    )
    assert code == 0 and "Under 1" in out and "group" in out.splitlines()[0]
    code, out = invoke("kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cla_open")
    assert code == 0 and "cla_open" in out and "Children looked" in out


def test_kpis_list() -> None:
    code, out = invoke("kpis", "list", "--format", "json")
    assert code == 0
    library = json.loads(out)
    assert len(library) == 38 and library[0]["id"] == "eh_assessments_started"
    assert {"id", "title", "unit", "polarity", "source"} <= set(library[0])


def test_drill_lists_the_units_behind_the_figure(store: Path) -> None:
    code, out = invoke(
        "drill", "--db", str(store), "--kpi", "cp_visits_in_time", "--as-at", "2026-03-31", "--format", "csv"
    )
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and rows[0]["in_numerator"] == "False"  # the visits not in time come first
    assert {"unit_id", "person_id", "detail", "team", "worker"} <= set(rows[0])


@pytest.mark.parametrize("args", [
    ["kpis", "--as-at", "31.3.26"],
    ["kpis", "--as-at", "2026-03-31", "--kpi", "no_such_kpi"],
    ["kpis", "--as-at", "2026-03-31", "--by", "shoe_size"],
    ["kpis", "--as-at", "2026-03-31", "--period", "fortnight"],
    ["drill", "--as-at", "2026-03-31"],
])  # fmt: skip
def test_usage_errors(store: Path, args: list[str]) -> None:
    code, out = invoke(*args[:1], "--db", str(store), *args[1:])
    assert code == 2 and "Error" in out


def test_a_store_with_several_councils_needs_la(store: Path) -> None:
    con = open_store(store)
    run(con, "INSERT INTO cscperf_councils (la_code, la_name) VALUES ('001', 'Another')")
    con.close()
    code, out = invoke("kpis", "--db", str(store), "--as-at", "2026-03-31")
    assert code == 2 and "--la" in out
    code, out = invoke(
        "kpis", "--db", str(store), "--as-at", "2026-03-31", "--la", "874", "--kpi", "cla_open", "--format", "json"
    )
    assert code == 0 and json.loads(out)["kpis"][0]["la_code"] == "874"


def test_a_bad_configuration_file_is_a_data_problem(store: Path, tmp_path: Path) -> None:
    config = tmp_path / "cscperf.toml"
    config.write_text("[indicator_settings]\ncaseload_target = -3\n", encoding="utf-8")
    code, out = invoke("kpis", "--db", str(store), "--as-at", "2026-03-31", "--config", str(config))
    assert code == 1 and "caseload_target" in out


def test_drill_counts_one_child_in_the_singular(tmp_path: Path) -> None:
    # One child looked after: "1 child follows" and "(1 child, ...)", not "1 children follow".
    folder = tmp_path / "2024"
    folder.mkdir()
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "A1,01/06/2022,S,C2,N1,U4,PR1,,,,,,\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "s.duckdb")
    assert runner.invoke(app, ["load", str(folder), "--db", db, "--la", "873"]).exit_code == 0
    result = runner.invoke(app, ["drill", "--db", db, "--kpi", "cla_open", "--as-at", "2024-03-31"])
    said = " ".join((result.output + result.stderr).split())
    assert result.exit_code == 0 and "1 child follows" in said and "(1 child, those not counted first)" in said
    assert "children" not in said.replace("Children looked after", "")


def test_drill_never_cuts_an_identifier_at_80_columns(tmp_path: Path) -> None:
    """A CIN Census's enquiry ids are long ("DfEX0000001/REF/2022-10-06/1/S47/2022-06-02/1"): they had been cut
    to "…/S47/2022-06-0…", so two rows could not be told apart."""
    from cscperf.loading.session import load_files
    from cscperf.store.database import open_store

    from .conftest import SHARED

    db = tmp_path / "cin.duckdb"
    con = open_store(db)
    try:
        load_files(con, [SHARED / "samples" / "cin" / "CIN_Census_2021_no_assessment_factors.xml"])
    finally:
        con.close()
    result = CliRunner().invoke(app, ["drill", "--db", str(db), "--as-at", "2022-06-30", "--kpi", "s47_started"],
                                env={"COLUMNS": "80"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.output.splitlines())
    assert "…" not in result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if " Unit " in line and "Worker" in line)
    start, end = lines[header].index("Unit"), lines[header].index("Worker")
    cells = "".join(line[start:end].strip() for line in lines[header + 2 :])  # the Unit column, lines joined
    assert "DfEX0000001/REF/2022-10-06/1/S47/2022-06-02/1" in cells


def test_kpis_checks_the_whole_configuration_file_it_is_given(tmp_path: Path, council_store: Path) -> None:
    """A target for no indicator had passed in silence unless --spc was given."""
    config = tmp_path / "bad.toml"
    config.write_text("[targets.not_a_kpi]\ntarget = 5\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["kpis", "--db", str(council_store), "--config", str(config), "--kpi", "contacts",
                                      "--months", "1"])  # fmt: skip
    assert result.exit_code != 0 and "targets.not_a_kpi: no such indicator" in " ".join(result.output.split())
