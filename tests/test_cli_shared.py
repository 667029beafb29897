"""The command line's shared pieces: help on every command, the shared options (--db from CSCPERF_DB, --as-at
in two spellings, --la repeated, "did you mean"), choices listed in help, and standard logging."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.store.database import open_store
from cscperf.store.statements import run

runner = CliRunner()


def _commands(group: object, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    """Every command and subcommand of the application, found from the application itself (so a command
    added later is checked too)."""
    found: dict[tuple[str, ...], object] = {}
    for name, command in sorted(getattr(group, "commands", {}).items()):
        found[(*prefix, name)] = command
        found.update(_commands(command, (*prefix, name)))
    return found


ROOT_COMMAND = typer.main.get_command(app)
COMMANDS = _commands(ROOT_COMMAND)


def test_the_application_has_the_commands_the_readme_lists() -> None:
    names = {" ".join(p) for p in COMMANDS}
    expected = {"synth", "summary", "schema", "kpis", "kpis list", "drill", "benchmarks import", "benchmarks show",
                "working-days", "load", "loads", "rejects", "report"}  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "cscperf")
def test_every_command_and_subcommand_has_help(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output and "Traceback" not in result.output
    command = COMMANDS.get(path, ROOT_COMMAND)
    assert getattr(command, "help", None), "the command says what it does"
    for param in getattr(command, "params", []):  # and every option and argument what it is for
        assert getattr(param, "help", None) or param.name == "help", f"{' '.join(path)} {param.name}"


def test_help_shows_square_brackets_as_written_and_lists_choices() -> None:
    text = " ".join(runner.invoke(app, ["kpis", "--help"]).output.split())
    assert "cscperf.toml" in text
    assert "<table|json|csv>" in text and "<month|financial-year|rolling-12>" in text
    assert "<team|worker|age_band|sex|ethnicity>" in text and "<2021|2025>" in text
    assert "CSCPERF_DB" in text
    text = " ".join(runner.invoke(app, ["rejects", "--help"]).output.split())
    assert "<fatal|error|warning>" in text
    text = " ".join(runner.invoke(app, ["loads", "--help"]).output.split())
    assert "--json Print the loads as JSON." in text


def test_help_text_is_printed_as_written_never_as_markup() -> None:
    from cscperf.cli.options import command_group

    group = command_group("Settings live in [indicator_settings] and [targets.<id>].")

    @group.command()
    def show(
        config: Annotated[str, typer.Option(help="cscperf.toml with [indicator_settings] (local choices).")] = "",
    ) -> None:
        """Show [bold]this[/bold] as it is."""

    text = " ".join(runner.invoke(group, ["show", "--help"]).output.split())
    assert "[indicator_settings] (local choices)" in text and "[bold]this[/bold]" in text


def test_a_choice_not_offered_is_a_usage_error_naming_the_choices() -> None:
    result = runner.invoke(app, ["kpis", "--period", "fortnight", "--as-at", "2026-03-31"])
    assert result.exit_code == 2 and "month" in result.output and "financial-year" in result.output


@pytest.fixture()
def store(council_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(council_store, copy)
    return copy


def test_the_store_can_be_named_by_cscperf_db(store: Path) -> None:
    result = runner.invoke(app, ["summary"], env={"CSCPERF_DB": str(store)})
    assert result.exit_code == 0, result.output
    assert "874" in result.output
    result = runner.invoke(app, ["summary", "--db", str(store.with_name("none.duckdb"))],
                           env={"CSCPERF_DB": str(store)})  # fmt: skip
    assert result.exit_code == 1 and "no store" in result.output  # --db wins over the environment


def test_as_at_is_read_in_either_spelling(store: Path) -> None:
    outputs = []
    for as_at in ("2026-03-31", "31/03/2026"):
        result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", as_at, "--kpi", "cla_open",
                                     "--format", "json"])  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1] and outputs[0]["as_at"] == "2026-03-31"
    for bad in ("31/02/2026", "2026-3", "next tuesday"):
        result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", bad])
        assert result.exit_code == 2 and "YYYY-MM-DD or DD/MM/YYYY" in result.output


def test_a_mistyped_indicator_id_gets_did_you_mean(store: Path) -> None:
    result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cp_visit_in_time"])
    assert result.exit_code == 2
    assert "Did you mean cp_visits_in_time?" in " ".join(result.output.split())
    result = runner.invoke(app, ["drill", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "zzzz"])
    assert result.exit_code == 2 and "Did you mean" not in result.output and "kpis list" in result.output


def test_la_may_be_repeated_to_compare_councils(store: Path) -> None:
    con = open_store(store)
    run(con, "INSERT INTO cscperf_councils (la_code, la_name) VALUES ('001', 'Another')")
    con.close()
    result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", "2026-03-31", "--la", "874", "--la", "001",
                                 "--kpi", "cla_open", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    [kpi] = json.loads(result.stdout)["kpis"]
    assert {p["la_code"] for p in kpi["series"]} == {"874", "001"}
    result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", "2026-03-31", "--la", "874", "--la", "001",
                                 "--kpi", "cla_open", "--months", "2"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    assert ["LA", "Indicator", "Feb", "2026", "Mar", "2026"] in rows
    assert any(r[:2] == ["874", "cla_open"] for r in rows) and any(r[:2] == ["001", "cla_open"] for r in rows)
    result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", "2026-03-31", "--la", "874", "--la", "999"])
    assert result.exit_code == 2 and "no council 999" in result.output
    result = runner.invoke(app, ["report", "--db", str(store), "--as-at", "2026-03-31", "--la", "874", "--la", "001"])
    assert result.exit_code == 2


def test_verbose_logs_steps_and_timings_but_no_child_data(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("pers_person_id,pers_sex,pers_ethnicity,pers_dob\nSECRET-CHILD-42,M,WBRI,2015-13-01\n",
                      encoding="utf-8")  # fmt: skip
    db = str(tmp_path / "s.duckdb")
    result = runner.invoke(app, ["--verbose", "load", str(people), "--db", db, "--la", "874"])
    assert result.exit_code == 0, result.output
    assert "cscperf load started" in result.stderr and "finished in" in result.stderr
    assert "SECRET-CHILD-42" not in result.stderr and "2015-13-01" not in result.stderr
    quiet = runner.invoke(app, ["loads", "--db", db])
    assert "started" not in quiet.stderr
