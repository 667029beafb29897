"""Rich markup, ANSI escapes and control characters in data and paths are printed as the text they are (or
removed, for control characters) by every command: never interpreted, never a crash, never a traceback
printing the value. Child ids, council codes and names, team names, file names and paths all carry them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.cli.console import DataTable, literal, one_line, printable

from .hostile import BOLD, ESCAPE, MARKUP, hostile_store

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    output = result.output
    assert "Traceback" not in output, output
    assert "\x1b" not in output and "\x07" not in output, output  # not a terminal: any escape came from the data
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, output


def test_printable_removes_escapes_and_control_characters_and_keeps_the_rest() -> None:
    assert printable(f"a{ESCAPE}b\x07c\x00d\u202eе{MARKUP}") == f"abcdе{MARKUP}"
    assert printable("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\") == "link"  # a terminal hyperlink
    assert one_line("two\nlines\tand\rreturns") == "two lines and returns"
    out = Console(width=80, file=None, record=True)
    out.print(literal(f"{MARKUP} {BOLD}x[/bold]"))
    table = DataTable(title=f"{MARKUP}title")
    table.add_column("c")
    table.add_row(f"{BOLD}{MARKUP}cell{ESCAPE}")
    out.print(table)
    text = out.export_text()
    assert f"{MARKUP} {BOLD}x[/bold]" in text and f"{MARKUP}title" in text and f"{BOLD}{MARKUP}cell" in text


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    folder = tmp_path / f"store {MARKUP}"
    folder.mkdir(parents=True)
    return hostile_store(folder / f"s{BOLD}{ESCAPE}.duckdb", la_code=f"{MARKUP}9")


def test_summary_prints_a_council_code_and_name_with_markup(store: Path) -> None:
    code, out = invoke("summary", "--db", str(store))
    assert code == 0 and f"Council {MARKUP}9: Council {MARKUP}" in out


def test_kpis_table_json_and_csv_with_markup_in_codes_and_teams(store: Path) -> None:
    common = ("--db", str(store), "--as-at", "2024-03-31", "--kpi", "referrals", "--months", "2")
    code, out = invoke("kpis", *common)
    assert code == 0 and "referrals" in out
    code, out = invoke("kpis", *common, "--by", "team")
    assert code == 0 and f"Team {BOLD}{MARKUP}" in out
    code, out = invoke("kpis", *common, "--format", "json")
    assert code == 0 and json.loads(out)["kpis"][0]["la_code"] == f"{MARKUP}9"
    code, out = invoke("kpis", *common, "--la", f"{MARKUP}x")
    assert code == 2 and f"no council {MARKUP}x" in out


def test_drill_prints_child_ids_with_markup(store: Path) -> None:
    code, out = invoke("drill", "--db", str(store), "--as-at", "2024-03-31", "--kpi", "referrals")
    assert code == 0 and f"{MARKUP}C1" in out and "C3" in out and f"{BOLD}W1" in out


def test_benchmarks_with_markup_in_paths_and_codes(store: Path, tmp_path: Path) -> None:
    code, out = invoke("benchmarks", "show", "--db", str(store), "--la", f"{MARKUP}9")
    assert code == 1 and "No comparators" in out and MARKUP in out
    folder = tmp_path / f"published {MARKUP}"
    folder.mkdir(parents=True)
    (folder / f"{BOLD}notes{ESCAPE}.txt").write_text("not a statistics file\n", encoding="utf-8")
    code, out = invoke("benchmarks", "import", str(folder), "--db", str(store))
    assert code in (0, 1) and ("notes" in out or "Error" in out)
    code, out = invoke("benchmarks", "import", str(tmp_path / f"missing {MARKUP}"), "--db", str(store))
    assert code == 2 and f"missing {MARKUP}" in " ".join(out.split())


def test_load_loads_and_rejects_with_markup_and_escapes_in_file_names(tmp_path: Path) -> None:
    folder = tmp_path / f"in {MARKUP}"
    folder.mkdir(parents=True)
    people = folder / f"people{ESCAPE}{BOLD}.csv"
    people.write_text(f"pers_person_id,pers_sex,pers_ethnicity,pers_dob\n{MARKUP}C1,M,WBRI,2015-13-01\n"
                      "C2,F,WBRI,2016-01-01\n", encoding="utf-8")  # fmt: skip
    db = str(folder / f"s{MARKUP}.duckdb")
    code, out = invoke("load", str(people), "--db", db, "--la", "874")
    assert code == 0 and f"people{BOLD}" in out  # the escape removed, the markup shown
    code, out = invoke("load", str(people), "--db", db, "--la", "874", "--json")
    assert code == 0
    code, out = invoke("loads", "--db", db)
    assert code == 0 and "874" in out
    code, out = invoke("rejects", "--db", db)
    assert code == 0 and f"{MARKUP}C1" in out
    code, out = invoke("rejects", "--db", db, "--load", f"{MARKUP}")
    assert code == 2 and f"no load {MARKUP}" in out
    code, out = invoke("load", str(folder / f"nothing {MARKUP}{ESCAPE}.csv"), "--db", db)
    assert code == 2 and f"nothing {MARKUP}" in " ".join(out.split())


def test_synth_schema_and_working_days_with_markup_in_paths(tmp_path: Path) -> None:
    code, out = invoke("synth", "--db", str(tmp_path / f"{MARKUP}" / "s.duckdb"), "--profile",
                       str(tmp_path / f"{BOLD}missing.toml"))  # fmt: skip
    assert code == 1 and f"{BOLD}missing.toml" in " ".join(out.split()).replace(" ", "")
    code, out = invoke("schema")
    assert code == 0
    code, out = invoke("working-days", f"{MARKUP}", "2024-01-01")
    assert code == 2


def test_report_with_markup_in_the_council_name_and_paths(store: Path, tmp_path: Path) -> None:
    config = tmp_path / f"config {MARKUP}.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"[council]\nname = '{BOLD}Council{MARKUP}'\n", encoding="utf-8")
    out = tmp_path / f"report {MARKUP}"
    code, text = invoke("report", "--db", str(store), "--as-at", "2024-03-31", "--config", str(config), "--out",
                        str(out), "--format", "xlsx")  # fmt: skip
    assert code in (0, 1)
    if code == 0:
        assert f"{BOLD}Council{MARKUP}" in text
    bad = tmp_path / f"bad {MARKUP}.toml"
    bad.parent.mkdir(parents=True)
    bad.write_text("[council\n", encoding="utf-8")
    code, text = invoke("report", "--db", str(store), "--as-at", "2024-03-31", "--config", str(bad))
    assert code == 1 and MARKUP in text
    code, text = invoke("report", "--db", str(store), "--as-at", "2024-03-31", "--commentary-template",
                        str(tmp_path / f"{MARKUP}" / "c.toml"), "--format", "xlsx", "--out", str(out))  # fmt: skip
    assert code in (0, 1)


def test_choice_errors_do_not_print_escapes(store: Path) -> None:
    code, _ = invoke("kpis", "--db", str(store), "--format", f"x{ESCAPE}")
    assert code == 2
    code, _ = invoke("kpis", "--db", str(store), "--as-at", f"x{ESCAPE}")
    assert code == 2


def test_export_and_validate_with_markup_in_paths_and_codes(store: Path, tmp_path: Path) -> None:
    folder = tmp_path / f"returns {MARKUP}"
    folder.mkdir(parents=True)
    odd = folder / f"notes{ESCAPE}{BOLD}.csv"
    odd.write_text("not,a,return\n1,2,3\n", encoding="utf-8")
    code, out = invoke("validate", str(odd), "--no-dfe-rules")
    assert code in (0, 1, 2)
    code, out = invoke("validate", str(folder / f"missing {MARKUP}.xml"))
    assert code == 2 and f"missing {MARKUP}" in " ".join(out.split())
    code, out = invoke("export", "cin-census", "--db", str(store), "--year", "2024", "--check-only", "--no-dfe-rules",
                       "--out", str(folder / "cin.xml"))  # fmt: skip
    assert code in (0, 1)
    code, out = invoke("export", "annex-a", "--db", str(store), "--as-at", "31/03/2024", "--check-only",
                       "--out", str(folder / f"annex {BOLD}.xlsx"))  # fmt: skip
    assert code in (0, 1)
