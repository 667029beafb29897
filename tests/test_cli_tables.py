"""Tables that fit an 80-column terminal: ids and values never cut, every period asked for shown (wrapped into
several tables), periods named the way the service names them, units shown the same way throughout."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.cli.choices import Period
from cscperf.cli.console import Col, fitted_tables
from cscperf.cli.kpi_table import figure, kpi_tables, period_heading
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point, Result
from cscperf.reporting_periods import add_months, month_end
from cscperf.store.database import open_store
from cscperf.store.statements import run

from .golden import LA, GoldenCouncil

runner = CliRunner()
WIDTH = 80


def _rendered(*renderables: object, width: int = WIDTH) -> str:
    out = Console(width=width, file=io.StringIO(), color_system=None)
    for r in renderables:
        out.print(r)
    return out.file.getvalue()  # type: ignore[attr-defined]


def _fits(text: str) -> None:
    assert "…" not in text, text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= WIDTH, text


@pytest.mark.parametrize(("start", "end", "period", "heading"), [
    ("2026-10-01", "2026-10-31", Period.month, "Oct 2026"),
    ("2026-10-01", "2026-10-15", Period.month, "1-15 Oct 2026"),
    ("2024-04-01", "2025-03-31", Period.financial_year, "2024-25"),
    ("2026-04-01", "2026-10-31", Period.financial_year, "Apr-Oct 2026"),  # the year so far
    ("2026-04-01", "2026-10-15", Period.financial_year, "Apr-15 Oct 2026"),
    ("2025-04-01", "2026-02-28", Period.financial_year, "Apr 2025-Feb 2026"),
    ("2025-11-01", "2026-10-31", Period.rolling_12, "Oct 2026"),
    ("2025-10-16", "2026-10-15", Period.rolling_12, "to 15 Oct 2026"),
])  # fmt: skip
def test_period_headings(start: str, end: str, period: Period, heading: str) -> None:
    assert period_heading(dt.date.fromisoformat(start), dt.date.fromisoformat(end), period) == heading


def test_figures_carry_their_unit_the_same_way() -> None:
    library = load_library()
    assert figure(22.6, library["re_referrals_12m"]) == "22.6%"
    assert figure(93.0, library["cp_visits_in_time"]) == "93%"
    assert figure(1234.0, library["contacts"]) == "1,234"
    assert figure(75.04, library["cp_rate_per_10k"]) == "75.0"
    assert figure(None, library["contacts"]) == "n/a"  # not available is never 0


def _series(ids: list[str], months: int) -> list[Result]:
    library = load_library()
    ends = [month_end(add_months(dt.date(2026, 10, 1), i - months + 1)) for i in range(months)]
    return [Result(library[i], [Point(LA, e.replace(day=1), e, 7.0, 9.0, 77.8, 9) for e in ends]) for i in ids]


def test_kpis_wraps_13_months_into_tables_that_fit_with_every_id_whole() -> None:
    ids = ["assessments_within_45wd_from_referral", "cla_health_assessment_in_date", "contacts"]
    tables = list(kpi_tables(_series(ids, 13), Period.month, None, width=WIDTH))
    text = _rendered(*tables)
    _fits(text)
    assert len(tables) > 1
    headings = [f"{month_end(add_months(dt.date(2026, 10, 1), i - 12)):%b %Y}" for i in range(13)]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)  # every month, in order
    for i in ids:
        assert text.count(i) == len(tables)  # each table names each indicator by its whole id
    assert "77.8%" in text and "78" in text  # a percentage with its sign; a count without


def test_kpis_months_honoured_and_the_last_table_holds_the_comparators() -> None:
    extra = {"cp_visits_in_time": {"england": 91.0, "sn_mean": 88.5}}
    tables = list(kpi_tables(_series(["cp_visits_in_time"], 24), Period.month, None, extra, width=WIDTH))
    text = _rendered(*tables)
    _fits(text)
    assert text.count("Oct 2026") == 1 and "Nov 2024" in text and "Oct 2024" not in text
    assert "England" in _rendered(tables[-1]) and "England" not in _rendered(tables[0])
    assert "91%" in text and "88%" in text  # published figures rounded as the indicator is


def test_fitted_tables_split_columns_and_never_cut_a_value() -> None:
    columns = [Col("Load"), *(Col(f"Column {i}", figure=i % 2 == 0) for i in range(8))]
    rows = [["20261204T204542-e64daffc", *(f"value-{i}-{'x' * i}" for i in range(8))]]
    tables = fitted_tables("Loads", columns, rows, width=WIDTH)
    text = _rendered(*tables)
    _fits(text)
    assert len(tables) > 1 and text.count("20261204T204542-e64daffc") == len(tables)
    for i in range(8):
        assert f"value-{i}-{'x' * i}" in text


@pytest.fixture()
def golden(tmp_path: Path) -> Path:
    council = GoldenCouncil(tmp_path)
    for month in range(1, 13):
        council.add("ssd_cin_episodes", cine_referral_id=f"R{month}", cine_person_id=f"P{month}",
                    cine_referral_date=f"2024-{month:02d}-10", cine_referral_team="Assessment Team 1")  # fmt: skip
    council.close()
    return tmp_path / "golden.duckdb"


def test_kpis_command_at_80_columns(golden: Path) -> None:
    result = runner.invoke(app, ["kpis", "--db", str(golden), "--as-at", "2024-12-31", "--kpi", "referrals",
                                 "--kpi", "re_referrals_12m", "--months", "12"])  # fmt: skip
    assert result.exit_code == 0, result.output
    _fits(result.output)
    for month in ("Jan 2024", "Jun 2024", "Dec 2024"):
        assert month in result.output
    assert "re_referrals_12m" in result.output and "0.0%" in result.output
    result = runner.invoke(app, ["kpis", "--db", str(golden), "--as-at", "2024-12-31", "--kpi", "referrals",
                                 "--period", "financial-year", "--months", "2"])  # fmt: skip
    assert result.exit_code == 0 and "2023-24" in result.output and "Apr-Dec 2024" in result.output


def test_kpis_list_shows_every_id_whole() -> None:
    result = runner.invoke(app, ["kpis", "list"])
    assert result.exit_code == 0
    _fits(result.output)
    for indicator_id in load_library():
        assert indicator_id in result.output.split()


def test_loads_and_benchmarks_show_at_80_columns(golden: Path, tmp_path: Path) -> None:
    people = tmp_path / "a-rather-long-file-name-for-the-people-table.csv"
    people.write_text("pers_person_id,pers_sex,pers_ethnicity,pers_dob\nC1,M,WBRI,2015-03-01\n", encoding="utf-8")
    result = runner.invoke(app, ["load", str(people), "--db", str(golden), "--la", LA])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["loads", "--db", str(golden)])
    assert result.exit_code == 0
    _fits(result.output)
    assert people.name in result.output and f"{dt.date.today().year}" in result.output
    con = open_store(golden)
    for code, level, value in (("E92000001", "england", 22.6), (LA, "la", 19.8), ("E12000006", "region", 19.4)):
        run(con, "INSERT INTO cscperf_benchmark_values (indicator_id, area_level, area_code, area_name, region_code, "
                 "region_name, year, year_meaning, value, source_file, release, source_measure) VALUES "
                 "('re_referrals_12m', ?, ?, 'Area', 'E12000006', 'East of England', 2025, 'year to 31 March', ?, "
                 "'c1.csv', 2025, 'pc')", [level, code, value])  # fmt: skip
    con.close()
    result = runner.invoke(app, ["benchmarks", "show", "--db", str(golden), "--la", LA, "--kpi", "re_referrals_12m"])
    assert result.exit_code == 0, result.output
    _fits(result.output)
    assert "re_referrals_12m" in result.output and "2024-25" in result.output
    assert "19.8%" in result.output and "22.6%" in result.output and "19.4%" in result.output


def test_forecast_at_80_columns_with_a_long_horizon_and_scenarios(council_store: Path, tmp_path: Path) -> None:
    """Every table of `cscperf forecast` fits, none cut; by placement ends at the forecast's end (a 60-month
    forecast showed only its first 36 months there)."""
    config = tmp_path / "cscperf.toml"
    config.write_text("[forecast]\nsimulations = 200\n", encoding="utf-8")
    scenarios = tmp_path / "scenarios.toml"
    scenarios.write_text('[[scenario]]\nname = "Ten per cent fewer children coming into care, and over"\n'
                         'entry_rate_change = -10\n', encoding="utf-8")  # fmt: skip
    result = runner.invoke(app, ["forecast", "--db", str(council_store), "--as-at", "2026-10-31", "--horizon", "60",
                                 "--config", str(config), "--scenario", str(scenarios)])  # fmt: skip
    assert result.exit_code == 0, result.output
    _fits(result.output)
    placements = result.output[result.output.index("By placement") : result.output.index("Placement spend")]
    assert "Oct 2027" in placements and "Oct 2028" in placements and "Oct 2031" in placements
    assert "Oct 2029" not in placements  # three columns: a year on, two years on, the end
    assert "Ten per cent fewer children coming into care, and over:" in " ".join(result.output.split())


def test_spc_at_80_columns_with_large_figures_cuts_none_and_keeps_the_signals(tmp_path: Path) -> None:
    """Figures in the millions did not fit: the mean and limits were cut ("1,262,489.55…") and the signal
    column was squeezed out altogether. Now the table splits, repeating the date, and marks a break."""
    rows = ["date,value"]
    for i in range(24):
        value = 1_250_000.125 + (i % 5) * 10_000 - (500_000 if i == 20 else 0)
        rows.append(f"{2023 + i // 12}-{i % 12 + 1:02d}-28,{value:.3f}")
    data = tmp_path / "large.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["spc", "--input", str(data), "--improvement", "higher", "--break", "2024-01-28"])
    assert result.exit_code == 0, result.output
    _fits(result.output)
    assert "1,250,000.125" in result.output and "concern (limit)" in result.output
    assert "2024-01-28 (break)" in result.output and "(break): the series breaks here" in result.output
    small = tmp_path / "small.csv"
    small.write_text(
        "date,value\n" + "".join(f"2024-{m:02d}-28,{50 + m % 3}\n" for m in range(1, 13)), encoding="utf-8"
    )
    result = runner.invoke(app, ["spc", "--input", str(small), "--improvement", "higher"])
    assert result.exit_code == 0, result.output
    _fits(result.output)
    assert "(1 of" not in result.output and "Signal" in result.output  # one table when it fits, as before


def test_export_failures_table_at_80_columns() -> None:
    """The export commands' table of failures by rule fits 80 columns and gives the message the room the short
    columns leave (it was squeezed to 22 columns beside a long Annex A rule name); rule ids stay whole."""
    import typer

    from cscperf.cli.console import console
    from cscperf.returns.command import _finish
    from cscperf.returns.failures import Failure

    message = ("Each child must have a unique UPN; this one appears more than once in the return, which the DfE "
               "will reject at submission.")  # fmt: skip
    failures = [
        Failure("DfE rules", "2887Q", "query", "C1", "t", "f", "v", message),
        Failure("Annex A layout", "List 3 Referrals: Referral source", "error", "C2", "t", "f", "v", message),
        Failure("XSD", "XSD", "error", "C3", "t", "f", "v", "Element 'UPN': the value 'A1' is not accepted."),
    ]
    saved = console._width  # None: the width follows COLUMNS; restoring `console.width` would fix it for good
    console.width = WIDTH
    try:
        with console.capture() as captured, pytest.raises(typer.Exit):
            _finish(failures, None, check_only=False, unchecked=[])
    finally:
        console._width = saved
    text = captured.get()
    assert max(len(line.rstrip()) for line in text.splitlines()) <= WIDTH, text
    table = text[: text.index("errors would stop")]
    assert "2887Q" in table.split() and "'A1'" not in table  # whole ids; no value a child could be known by
    first = next(line for line in table.splitlines() if "Each child" in line)
    assert len(first) - first.index("Each child") >= 30  # the message has room


def test_lists_by_team_at_80_columns_keeps_every_list_id_whole(council_store: Path) -> None:
    result = runner.invoke(app, ["lists", "--db", str(council_store), "--as-at", "2026-10-31", "--by", "team"])
    assert result.exit_code == 0, result.output
    table = result.output[result.output.index("Overdue and due") : result.output.index("* For")]
    _fits(table)
    assert "cla_health_assessment_due" in table.split() and "caseloads_over_target" in table.split()


def test_loads_of_a_synthetic_council_at_80_columns_cut_no_description(council_store: Path) -> None:
    """A synthetic council's load names its profile ("profile: Default synthetic council (calibrated to the
    seed report)"), which was cut with an ellipsis: it is set over lines instead."""
    result = runner.invoke(app, ["loads", "--db", str(council_store)])
    assert result.exit_code == 0, result.output
    _fits(result.output)
    assert "profile: Default synthetic council" in result.output and "seed report)" in result.output
