"""Comparators from the DfE's published statistics, checked against values known from the published files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.comparators.comparison import compare, latest_values, poisson_exact, wilson
from cscperf.comparators.importer import import_published
from cscperf.errors import DataProblem
from cscperf.store.database import open_store

from .conftest import SHARED

REFERENCE = SHARED / "reference-data"
runner = CliRunner()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"published reference data not found at {REFERENCE}")
    path = tmp_path_factory.mktemp("published") / "published.duckdb"
    con = open_store(path)
    import_published(con, REFERENCE)
    con.close()
    return path


@pytest.fixture()
def con(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = open_store(published, read_only=True)
    yield connection
    connection.close()


def test_peterborough_2018_and_its_neighbours(con: duckdb.DuckDBPyConnection) -> None:
    c = compare(con, "874", "cla_rate_per_10k", year=2018, model="2021")
    assert c.value == 74  # 369 children / 50,009 x 10,000, published as a whole number
    assert c.sn_mean == 86.6  # (82+92+65+95+80+104+94+54+91+109) / 10
    assert (c.sn_with_data, c.sn_total) == (10, 10)
    assert c.england == 64 and c.region == 49 and c.region_name == "East of England"
    assert "2021" in (c.sn_model or "")
    assert compare(con, "874", "cla_rate_per_10k", year=2018, model="2025").sn_mean == 83.5  # another model


def test_revisions_between_releases_are_kept(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(con.execute(
        "SELECT source_file, value FROM cscperf_benchmark_values WHERE indicator_id = 'cla_rate_per_10k' "
        "AND area_code = 'E92000001' AND year = 2019").fetchall())  # fmt: skip
    assert rows["cla_number_and_rate_per_10k_children_2018_to_2022_release2022.csv"] == 65
    assert rows["cla_number_and_rate_per_10k_children_2019_to_2023_release2023.csv"] == 66
    assert latest_values(con, "cla_rate_per_10k", 2019)["E92000001"]["value"] == 66  # the latest release wins


def test_peterborough_re_referrals_2019(con: duckdb.DuckDBPyConnection) -> None:
    c = compare(con, "874", "re_referrals_12m", year=2019)
    assert c.value == 21.5 and c.england == 22.6
    # 839 of 3,908 referrals: Wilson 95% interval 20.2% to 22.8%, which includes England's 22.6%
    assert c.interval == (20.2, 22.8)
    assert c.versus_england is not None and c.versus_england.startswith("Not distinguishable")


def test_a_suppressed_figure_stays_suppressed(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT value, suppression FROM cscperf_benchmark_values WHERE indicator_id = 'cp_open_2y_plus' "
        "AND area_code = '874' AND year = 2019 AND source_file LIKE 'd5%'").fetchall()  # fmt: skip
    assert row == [(None, "c")]  # never turned into zero
    c = compare(con, "874", "cp_open_2y_plus", year=2019)
    assert c.value is None and c.quartile is None
    assert any("suppressed" in n or "not published" in n for n in c.notes)


def test_reorganised_councils_are_said_out_loud(con: duckdb.DuckDBPyConnection) -> None:
    cumberland = compare(con, "942", "cla_rate_per_10k", year=2024, model="2021")
    assert cumberland.value == 93
    assert any("Cumberland" in n for n in cumberland.notes)
    assert any("no neighbours in the DfE statistical neighbour groupings, April 2021" in n for n in cumberland.notes)
    derby = compare(con, "830", "cla_rate_per_10k", year=2024, model="2021")  # Cumbria (909) among its neighbours
    assert (derby.sn_with_data, derby.sn_total) == (9, 10)
    assert any("909 (Cumbria" in n for n in derby.notes)
    bcp = compare(con, "839", "cla_rate_per_10k", year=2019)  # before BCP existed
    assert bcp.value is None and any("Bournemouth, Christchurch and Poole" in n for n in bcp.notes)


def test_joint_workforce_returns(con: duckdb.DuckDBPyConnection) -> None:
    north = compare(con, "940", "sw_vacancy_rate", year=2021)
    west = compare(con, "941", "sw_vacancy_rate", year=2021)
    assert north.value == west.value == 39.6
    assert any("joint return" in n for n in north.notes)


def test_cp_rate_is_derived_as_lait_does(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(con.execute(
        "SELECT source_measure, value FROM cscperf_benchmark_values WHERE indicator_id = 'cp_rate_per_10k' "
        "AND area_code = '874' AND year = 2019").fetchall())  # fmt: skip
    # 206 children on plans at 31 March 2019 / 52,242 (mid-2018) x 10,000 = 39.43 -> 39.4, as LAIT publishes
    assert rows["CPP_At31 / ONS 0-17 population (mid-year before)"] == 39.4
    assert rows["LAIT CPP_rate"] == 39.4


def test_quartile_respects_polarity(con: duckdb.DuckDBPyConnection) -> None:
    best = con.execute(
        "SELECT area_code FROM cscperf_benchmark_values WHERE indicator_id = 'oc2_health_assessment' AND year = 2024 "
        "AND area_level = 'la' AND value IS NOT NULL AND source_measure LIKE 'LAIT%' ORDER BY value DESC LIMIT 1"
    ).fetchall()[0][0]
    c = compare(con, best, "oc2_health_assessment", year=2024)
    assert c.quartile == "A" and c.rank == 1  # higher is better: the highest is first
    own_low = compare(con, "874", "oc2_health_assessment", year=2024, own=(10.0, None, None))
    assert own_low.quartile == "D" and own_low.rank == own_low.rank_of


@pytest.mark.parametrize(
    ("k", "n", "low", "high"), [(7, 9, 0.4526, 0.9368), (0, 20, 0.0, 0.1611), (50, 100, 0.4038, 0.5962)]
)
def test_wilson_interval(k: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson(k, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


@pytest.mark.parametrize(("k", "low", "high"), [(0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.39)])
def test_exact_poisson_interval(k: int, low: float, high: float) -> None:
    lo, hi = poisson_exact(k)
    assert lo == pytest.approx(low, abs=0.001) and hi == pytest.approx(high, abs=0.005)  # textbook Garwood limits


def test_a_changed_published_file_is_refused_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "published"
    folder.mkdir()
    source = REFERENCE / "dfe-csc-outcomes-enablers" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    lines[0] = lines[0].replace("rereferral_count", "rereferrals")
    (folder / "c1.csv").write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    con = open_store(tmp_path / "s.duckdb")
    with pytest.raises(DataProblem, match=r"c1\.csv.*'rereferral_count'"):
        import_published(con, folder)
    assert con.execute("SELECT count(*) FROM cscperf_benchmark_values").fetchall() == [(0,)]  # nothing changed
    con.close()


def test_importing_twice_changes_nothing(published: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again.duckdb"
    shutil.copy(published, copy)
    con = open_store(copy)
    before = con.execute("SELECT count(*), round(sum(value), 3) FROM cscperf_benchmark_values").fetchall()
    sn = con.execute("SELECT count(*) FROM cscperf_statistical_neighbours").fetchall()
    folder = tmp_path / "some"
    folder.mkdir()
    shutil.copy(REFERENCE / "dfe-csc-outcomes-enablers" / "d3_cpps_subsequent_plan_2013_to_2025.csv", folder)
    import_published(con, folder)
    assert con.execute("SELECT count(*), round(sum(value), 3) FROM cscperf_benchmark_values").fetchall() == before
    assert con.execute("SELECT count(*) FROM cscperf_statistical_neighbours").fetchall() == sn
    con.close()


def test_benchmarks_show_and_kpis_with_benchmarks(published: Path, council_store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["benchmarks", "show", "--db", str(published), "--la", "874", "--year", "2018",
                                 "--kpi", "cla_rate_per_10k", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)[0]
    assert shown["value"] == 74 and shown["sn_mean"] == 86.6 and shown["benchmark_year"] == 2018

    store = tmp_path / "council.duckdb"
    shutil.copy(council_store, store)
    con = open_store(store)
    import_published(con, REFERENCE / "dfe-csc-outcomes-enablers")
    import_published(con, REFERENCE / "dfe-lait")
    con.close()
    result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cla_rate_per_10k",
                                 "--kpi", "contacts", "--with-benchmarks", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    kpis = {k["id"]: k for k in json.loads(result.output)["kpis"]}
    cla = kpis["cla_rate_per_10k"]
    assert {"england", "region", "sn_mean", "sn_median", "sn_model", "quartile", "benchmark_year"} <= set(cla)
    assert cla["benchmark_year"] == 2025 and cla["england"] == 67 and cla["sn_mean"] is not None
    assert cla["interval_95"] and cla["versus_england"]
    assert kpis["contacts"]["england"] is None and kpis["contacts"]["notes"] == ["No published equivalent."]
    # a store of one council: --la is not needed (it had said "Give the council's 3-digit DfE code with --la")
    alone = runner.invoke(app, ["benchmarks", "show", "--db", str(store), "--kpi", "cla_rate_per_10k", "--format",
                                "json"])  # fmt: skip
    assert alone.exit_code == 0, alone.output
    assert json.loads(alone.output)[0]["la_code"] == "874"
    several = runner.invoke(app, ["benchmarks", "show", "--db", str(published), "--kpi", "cla_rate_per_10k"])
    assert several.exit_code != 0 and "--la" in several.output


def test_kpis_with_benchmarks_says_how_to_add_them(council_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "council.duckdb"
    shutil.copy(council_store, store)
    result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", "2026-03-31", "--kpi", "cla_rate_per_10k",
                                 "--with-benchmarks", "--format", "json"])  # fmt: skip
    kpi = json.loads(result.output)["kpis"][0]
    assert kpi["england"] is None and "cscperf benchmarks import" in kpi["notes"][0]


def test_the_lait_dictionary_is_checked_for_the_measures_we_map(tmp_path: Path) -> None:
    from cscperf.comparators.reading import read_published_file

    source = REFERENCE / "dfe-lait" / "lait_data_dictionary.csv"
    assert "describes all 15" in read_published_file(source).note  # type: ignore[union-attr]
    changed = tmp_path / "dictionary.csv"
    changed.write_text(source.read_text(encoding="utf-8-sig").replace('"ReReferral"', '"ReReferrals"'),
                       encoding="utf-8")  # fmt: skip
    assert "ReReferral" in read_published_file(changed).note  # type: ignore[union-attr]
