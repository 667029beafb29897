"""`kpis --la ALL` as a table gives the latest period; asked for more, it says where the rest are."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cscperf.cli import app


def test_the_table_says_it_gives_the_latest_of_the_periods_asked_for(council_store: Path) -> None:
    args = ["kpis", "--db", str(council_store), "--la", "ALL", "--as-at", "2026-03-31", "--kpi", "cp_visits_in_time"]
    three = CliRunner().invoke(app, [*args, "--months", "3"], env={"COLUMNS": "80"})
    assert three.exit_code == 0, three.output
    assert "The table gives the latest of the 3 periods asked for" in " ".join(three.output.split())
    one = CliRunner().invoke(app, [*args, "--months", "1"], env={"COLUMNS": "80"})
    assert one.exit_code == 0 and "periods asked for" not in one.output
