"""Every command on a PostgreSQL store, given as a URL to --db (or CSCPERF_DB), gives what it gives on a
DuckDB file: synth, summary, schema, kpis, drill, benchmarks import and show, load, loads, rejects, report,
and the returns export."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app

from .conftest import SHARED
from .postgres_server import PostgresServer
from .test_cli import small_profile

pytestmark = pytest.mark.slow  # a long file: started before the short ones (conftest.py)

runner = CliRunner()
AS_AT = "2025-03-31"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output
    return result.exit_code, output


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer) -> Iterator[tuple[str, str]]:
    """The same small synthetic council, made by `cscperf synth` in a DuckDB file and in PostgreSQL."""
    folder = tmp_path_factory.mktemp("both")
    profile = small_profile(folder)
    made = []
    for db in (str(folder / "laptop.duckdb"), postgres.database()):
        code, out = invoke("synth", "--db", db, "--profile", str(profile), "--years", "2", "--seed", "5")
        assert code == 0, out
        made.append(db)
    yield made[0], made[1]


def test_synth_writes_the_same_council_and_summary_shows_it(stores: tuple[str, str]) -> None:
    outputs = []
    for db in stores:
        code, out = invoke("summary", "--db", db)
        assert code == 0 and "874" in out
        outputs.append(out.split("\n", 1)[1])  # the title names the store
    assert outputs[0] == outputs[1]


def test_kpis_are_the_same_in_every_format(stores: tuple[str, str]) -> None:
    for form in ("json", "csv", "table"):
        found = []
        for db in stores:
            code, out = invoke("kpis", "--db", db, "--as-at", AS_AT, "--months", "13", "--format", form)
            assert code == 0, out
            found.append(out)
        assert found[0] == found[1], form
    assert len(json.loads(found[0] if form == "json" else invoke("kpis", "--db", stores[1], "--as-at", AS_AT,
                                                                 "--format", "json")[1])["kpis"]) == 38  # fmt: skip


def test_the_store_can_come_from_cscperf_db(stores: tuple[str, str]) -> None:
    code, out = invoke("kpis", "--as-at", AS_AT, "--kpi", "cla_open", "--format", "json", env={"CSCPERF_DB": stores[1]})
    assert code == 0 and json.loads(out)["kpis"][0]["id"] == "cla_open"


def test_drill_is_the_same(stores: tuple[str, str]) -> None:
    found = [invoke("drill", "--db", db, "--kpi", "cp_visits_in_time", "--as-at", AS_AT, "--format", "csv")
             for db in stores]  # fmt: skip
    assert found[0] == found[1] and found[0][0] == 0 and found[0][1].count("\n") > 5


def test_breakdowns_are_the_same(stores: tuple[str, str]) -> None:
    found = [invoke("kpis", "--db", db, "--as-at", AS_AT, "--by", "team", "--format", "csv", "--kpi",
                    "sw_average_caseload") for db in stores]  # fmt: skip
    assert found[0] == found[1] and found[0][0] == 0


def test_benchmarks_import_and_show(stores: tuple[str, str]) -> None:
    reference = SHARED / "reference-data"
    if not reference.is_dir():
        pytest.skip(f"published statistics not found at {reference}")
    shown = []
    for db in stores:
        code, out = invoke("benchmarks", "import", str(reference), "--db", db)
        assert code == 0, out
        code, out = invoke("benchmarks", "show", "--db", db, "--la", "874", "--format", "json")
        assert code == 0, out
        shown.append(json.loads(out))
        code, out = invoke("kpis", "--db", db, "--as-at", AS_AT, "--kpi", "cla_rate_per_10k", "--with-benchmarks",
                           "--format", "json")  # fmt: skip
        assert code == 0, out
        shown.append(json.loads(out))
    assert shown[0] == shown[2] and shown[1] == shown[3]


def test_load_loads_and_rejects(stores: tuple[str, str], tmp_path: Path) -> None:
    sample = SHARED / "samples" / "cin" / "CIN2rows.xml"
    if not sample.is_file():
        pytest.skip("CIN sample not found")
    rejected = []
    for db in stores:
        code, out = invoke("load", str(sample), "--db", db, "--json")
        assert code == 0, out
        assert json.loads(out)["files"][0]["records_rejected"] == 3
        code, out = invoke("loads", "--db", db, "--json")
        assert code == 0 and any(r["load_kind"] == "cin_census" for r in json.loads(out))
        code, out = invoke("rejects", "--db", db)
        assert code == 0
        rejected.append([line.split(",", 1)[1] for line in out.splitlines() if line.count(",") > 5][1:])
        code, out = invoke("load", str(sample), "--db", db, "--json")
        assert code == 0 and json.loads(out)["files"][0]["skipped"]
    assert rejected[0] == rejected[1] and len(rejected[0]) >= 3


def test_report_is_written_from_a_postgresql_store(stores: tuple[str, str], tmp_path: Path) -> None:
    code, out = invoke("report", "--db", stores[1], "--as-at", AS_AT, "--out", str(tmp_path / "r"), "--format",
                       "html,xlsx", "--la", "874")  # fmt: skip
    assert code == 0, out
    assert (tmp_path / "r" / "report.html").stat().st_size > 10_000
    assert (tmp_path / "r" / "kpis.xlsx").is_file()


def test_the_cin_census_is_exported_from_a_postgresql_store(stores: tuple[str, str], tmp_path: Path) -> None:
    written = []
    for n, db in enumerate(stores):
        out_file = tmp_path / f"cin{n}.xml"
        code, out = invoke("export", "cin-census", "--db", db, "--year", "2025", "--out", str(out_file),
                           "--no-dfe-rules", "--la", "874")  # fmt: skip
        assert code == 0, out
        written.append(re.sub(r"<DateTime>[^<]*</DateTime>", "", out_file.read_text(encoding="utf-8")))
    assert written[0] == written[1]  # but for the moment each was written


def test_schema_needs_no_store() -> None:
    code, out = invoke("schema")
    assert code == 0 and "cscperf_access" in out


def _same_on_both(stores: tuple[str, str], *args: str) -> str:
    """Run one command on each store; it must succeed and print the same thing on both (the store's name
    aside). Returns what it printed."""
    found = []
    for db in stores:
        code, out = invoke(*[db if a == "{db}" else a for a in args], "--la", "874")
        assert code == 0, out
        found.append(out.replace(db, "<store>"))
    assert found[0] == found[1], args
    return found[0]


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "json"),
        ("--format", "csv"),
        ("--by", "team"),
        ("--since", "2025-03-03", "--format", "json"),
        ("--list", "cp_visits_overdue", "--look-ahead-days", "7", "--format", "json"),
    ],
)
def test_lists_are_the_same(stores: tuple[str, str], args: tuple[str, ...]) -> None:
    out = _same_on_both(stores, "lists", "--db", "{db}", "--as-at", AS_AT, *args)
    if args[-1] == "json":
        assert json.loads(out)["lists"], out[:400]


def test_the_lists_workbook_is_written_from_a_postgresql_store(stores: tuple[str, str], tmp_path: Path) -> None:
    code, out = invoke("lists", "--db", stores[1], "--as-at", AS_AT, "--format", "xlsx", "--la", "874",
                       "--out", str(tmp_path / "lists.xlsx"))  # fmt: skip
    assert code == 0, out
    assert (tmp_path / "lists.xlsx").stat().st_size > 5_000


def test_the_forecast_is_the_same(stores: tuple[str, str]) -> None:
    out = _same_on_both(stores, "forecast", "--db", "{db}", "--as-at", AS_AT, "--horizon", "12", "--format", "json")
    assert json.loads(out)


def test_kpis_with_spc_are_the_same(stores: tuple[str, str]) -> None:
    out = _same_on_both(stores, "kpis", "--db", "{db}", "--as-at", AS_AT, "--months", "24", "--kpi", "contacts",
                        "--kpi", "cp_visits_in_time", "--spc", "--format", "json")  # fmt: skip
    assert "spc" in out


def test_reconcile_is_the_same(stores: tuple[str, str]) -> None:
    _same_on_both(stores, "reconcile", "--db", "{db}", "--year", "2025", "--format", "json")


def test_annex_a_and_ssda903_are_exported_the_same(stores: tuple[str, str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheets = []
    for n, db in enumerate(stores):
        annex = tmp_path / f"annex{n}.xlsx"
        code, out = invoke("export", "annex-a", "--db", db, "--as-at", AS_AT, "--out", str(annex), "--la", "874")
        assert code == 0, out
        book = load_workbook(annex, read_only=True)
        sheets.append({ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets})
        book.close()
        code, out = invoke("export", "ssda903", "--db", db, "--year", "2025", "--out", str(tmp_path / f"903_{n}"),
                           "--no-dfe-rules", "--la", "874")  # fmt: skip
        assert code == 0, out
    assert sheets[0] == sheets[1] and len(sheets[0]) > 5
    first, second = (sorted((tmp_path / f"903_{n}").iterdir()) for n in (0, 1))
    assert [p.name for p in first] == [p.name for p in second] and first
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_unloading_a_generated_council_is_refused_on_both_and_changes_nothing(stores: tuple[str, str]) -> None:
    # Undoing loads of files on PostgreSQL is tested in test_unload_postgresql.py.
    for db in stores:
        code, out = invoke("loads", "--db", db, "--json")
        assert code == 0
        before = json.loads(out)
        load_id = str(before[0]["load_id"])
        code, out = invoke("unload", load_id, "--db", db)
        assert code != 0 and "is a generated council (cscperf synth)" in out and "unchanged" in out
        assert json.loads(invoke("loads", "--db", db, "--json")[1]) == before
