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


def test_each_council_missing_from_a_pooled_figure_is_given_its_own_reason() -> None:
    import datetime as dt

    from cscperf.disclosure import DisclosurePolicy
    from cscperf.indicators.definition import load_library
    from cscperf.indicators.engine import Point
    from cscperf.indicators.region import _aggregate

    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    points = [
        Point("201", start, end, None, None, None, 0, reason="after the data end on 31 March 2023"),
        Point("874", start, end, None, None, None, 0, reason="no contacts loaded"),
        Point("873", start, end, 5.0, None, 5.0, 5),
    ]
    shared = _aggregate(load_library()["contacts"], start, end, points, DisclosurePolicy())
    assert shared.withheld == (
        "not available for council 201 (after the data end on 31 March 2023); 874 (no contacts loaded)"
    )
