"""The command line: exit codes 0/1/2, plain messages, never a traceback."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf import __version__
from cscperf.cli import app

runner = CliRunner()


def small_profile(tmp_path: Path, **changes: str) -> Path:
    text = files("cscperf.synth").joinpath("default_profile.toml").read_text(encoding="utf-8")
    replacements = {
        "population_0_17 = 50000": "population_0_17 = 6000",
        "target_open = 217": "target_open = 26",
        "target_open = 374": "target_open = 45",
        "short_break_children = 20": "short_break_children = 3",
        **changes,
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "small.toml"
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    return result.exit_code, output


def test_version() -> None:
    code, out = invoke("--version")
    assert code == 0 and __version__ in out


@pytest.mark.parametrize("command", [[], ["synth"], ["summary"], ["schema"], ["working-days"]])
def test_every_command_has_help(command: list[str]) -> None:
    code, out = invoke(*command, "--help")
    assert code == 0 and "Usage" in out


def test_synth_then_summary_then_refuse_to_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    profile = small_profile(tmp_path)
    code, out = invoke("synth", "--db", str(db), "--profile", str(profile), "--years", "1", "--seed", "3")
    assert code == 0, out
    assert "Wrote 1 council" in out
    code, out = invoke("summary", "--db", str(db))
    assert code == 0 and "874" in out
    code, out = invoke("synth", "--db", str(db), "--profile", str(profile), "--years", "1")
    assert code == 2 and "already holds council 874" in out and "--replace" in out
    code, out = invoke("synth", "--db", str(db), "--profile", str(profile), "--years", "1", "--replace")
    assert code == 0, out


def test_many_councils(tmp_path: Path) -> None:
    db = tmp_path / "national.duckdb"
    profile = small_profile(tmp_path)
    code, out = invoke(
        "synth", "--db", str(db), "--profile", str(profile), "--years", "1", "--councils", "3", "--jobs", "2"
    )
    assert code == 0, out
    code, out = invoke("summary", "--db", str(db))
    assert code == 0
    for la in ("001", "002", "003"):
        assert la in out


def test_a_profile_that_is_not_toml_is_a_data_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [unclosed\n", encoding="utf-8")
    code, out = invoke("synth", "--db", str(tmp_path / "s.duckdb"), "--profile", str(bad))
    assert code == 1 and "not valid TOML" in out


def test_a_profile_with_impossible_figures_names_them(tmp_path: Path) -> None:
    profile = small_profile(tmp_path, **{"vacancy_rate = 0.13": "vacancy_rate = 1.7"})
    code, out = invoke("synth", "--db", str(tmp_path / "s.duckdb"), "--profile", str(profile))
    assert code == 1 and "workforce.vacancy_rate" in out


def test_a_missing_profile_is_a_data_problem(tmp_path: Path) -> None:
    code, out = invoke("synth", "--db", str(tmp_path / "s.duckdb"), "--profile", str(tmp_path / "none.toml"))
    assert code == 1 and "could not be read" in out


def test_summary_of_a_missing_store(tmp_path: Path) -> None:
    code, out = invoke("summary", "--db", str(tmp_path / "nothing.duckdb"))
    assert code == 1 and "There is no store" in out


def test_summary_of_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"\x00\x01binary junk" * 500)
    code, out = invoke("summary", "--db", str(path))
    assert code == 1 and "could not be opened" in out


def test_working_days_across_easter_2019() -> None:
    code, out = invoke("working-days", "2019-04-18", "2019-04-23")
    assert code == 0 and "1 working day " in out


def test_working_days_reads_uk_dates_and_rejects_a_bad_date() -> None:
    code, out = invoke("working-days", "18/04/2019", "2019-04-23")
    assert code == 0 and "1 working day " in out
    code, out = invoke("working-days", "18th April 2019", "2019-04-23")
    assert code == 2 and "YYYY-MM-DD or DD/MM/YYYY" in out


def test_an_unknown_option_is_a_usage_error() -> None:
    code, _ = invoke("synth", "--colour", "blue")
    assert code == 2


def test_schema_markdown() -> None:
    code, out = invoke("schema", "--markdown")
    assert code == 0 and "## ssd_cp_plans" in out
