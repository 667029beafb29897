"""Councils are named, never "None": from the store, else from the DfE's code list shipped with cscperf."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.reference.la_codes import council_name, is_known, local_authorities
from cscperf.store.database import open_store
from cscperf.store.statements import run

runner = CliRunner()


def test_the_code_list_holds_current_and_former_councils() -> None:
    councils = local_authorities()
    assert len(councils) == 184 and sum(c.current for c in councils.values()) == 153
    assert councils["874"].name == "Peterborough" and councils["874"].ons_code == "E06000031"
    assert councils["909"].name == "Cumbria" and councils["909"].abolished == 2023  # replaced by 942 and 943
    assert councils["943"].name == "Westmorland and Furness" and councils["943"].current
    assert all(len(code) == 3 and code.isdigit() for code in councils)
    assert is_known("301") and not is_known("999") and not is_known("[/x]")


def test_a_council_is_named_from_the_store_else_the_list_else_its_code() -> None:
    assert council_name("874", "Synthetic Peterborough-like council") == "Synthetic Peterborough-like council"
    assert council_name("874", None) == "Peterborough" and council_name("874", "  ") == "Peterborough"
    assert council_name("999", None) == "council 999"


def test_summary_and_report_name_a_loaded_council_without_comparators(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("pers_person_id,pers_sex,pers_ethnicity,pers_dob\nC1,M,WBRI,2015-03-01\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["load", str(people), "--db", str(db), "--la", "874"])
    assert result.exit_code == 0, result.output
    con = open_store(db)
    assert con.execute("SELECT la_name FROM cscperf_councils").fetchall() == [(None,)]  # loaders know no names
    from cscperf.report.config import ReportConfig
    from cscperf.report.contents import council_of

    assert council_of(con, ReportConfig(), None) == ("874", "Peterborough")
    run(con, "INSERT INTO cscperf_councils (la_code, data_source) VALUES ('001', 'loaded')")
    assert council_of(con, ReportConfig(), "001") == ("001", "council 001")
    con.close()
    result = runner.invoke(app, ["summary", "--db", str(db)])
    assert result.exit_code == 0 and "Council 874: Peterborough" in result.output and "None" not in result.output


def test_reconcile_lists_and_forecast_name_a_loaded_council_without_comparators(tmp_path: Path) -> None:
    # A store loaded from an SSDA903 table for council 873 holds no name (the loaders know none): every command
    # names it from the DfE's list, Cambridgeshire, never "Council 873" or "873 (873)".
    folder = tmp_path / "2024"
    folder.mkdir()
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "A1,01/06/2022,S,C2,N1,U4,PR1,,,,,,\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "s.duckdb")
    assert runner.invoke(app, ["load", str(folder), "--db", db, "--la", "873"]).exit_code == 0
    reconciled = runner.invoke(app, ["reconcile", "--db", db, "--year", "2024", "--rows", "0"])
    assert reconciled.exit_code == 0, reconciled.output
    assert reconciled.output.startswith("Cambridgeshire (873):")
    listed = runner.invoke(app, ["lists", "--db", db, "--as-at", "2024-03-31", "--list", "cla_visits_overdue"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith("Managers' lists for Cambridgeshire (873)")
    exported = runner.invoke(
        app, ["export", "ssda903", "--db", db, "--year", "2024", "--out", str(tmp_path / "903"), "--no-dfe-rules"]
    )
    assert exported.exit_code == 0, exported.output
    assert "for Cambridgeshire (873)" in " ".join(exported.output.split())
    from cscperf.analysis.forecast.reading import council_data

    con = open_store(db, read_only=True)
    data = council_data(con, "873")
    assert data is not None and data.name == "Cambridgeshire"
    con.close()
