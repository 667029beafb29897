"""Issue 11, item 5: `cscperf unload` takes loads back out, all or nothing, and leaves the store as if they had
never been made; a file whose every record was rejected is not recorded as loaded. Every input is made here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.errors import DataProblem
from cscperf.loading.session import load_files
from cscperf.loading.unload import unload
from cscperf.store.database import open_store
from cscperf.store.schema import load_schema

from .test_load_cin_census import child_xml, episode_xml, message

LA = "874"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
# Tables the loads write; the bookkeeping tables are compared separately.
SKIPPED = {"cscperf_loads", "cscperf_load_rejects", "cscperf_coverage", "cscperf_councils", "cscperf_population"}


def _903(folder: Path, *rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "episodes.csv").write_text(EPISODES + "".join(r + "\n" for r in rows), encoding="utf-8")
    return folder / "episodes.csv"


def _census(path: Path, year: int, *children: tuple[str, str, str | None]) -> Path:
    """A CIN Census of `year` with each child's one referral (id, referral date, closure date)."""
    xml = "".join(child_xml(c, episodes=episode_xml(day, close=close)) for c, day, close in children)
    path.write_text(message(xml, year=year, la=LA), encoding="utf-8")
    return path


def _records(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every record of the store's data tables, sorted, by table."""
    out = {}
    for table in load_schema().tables:
        if table.per_council and table.name not in SKIPPED:
            rows = con.execute(f"SELECT * FROM {table.name}").fetchall()
            if rows:
                out[table.name] = sorted(rows, key=repr)
    return out


def _coverage(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    rows = con.execute("SELECT l.source_file, c.table_name, c.covers_from, c.covers_to, c.records FROM "
                       "cscperf_coverage c JOIN cscperf_loads l USING (load_id) ORDER BY 1, 2").fetchall()  # fmt: skip
    return [(Path(r[0]).name, *r[1:]) for r in rows]


def _store_with(path: Path, *files: Path) -> duckdb.DuckDBPyConnection:
    con = open_store(path)
    for file in files:
        load_files(con, [file], la_code=LA)
    return con


def test_undoing_the_later_of_two_903_returns_leaves_the_earlier_alone(tmp_path: Path) -> None:
    # 2022-23: H in care from 10 Jan 2023, open at 31 March 2023. 2023-24: H is not there (care ended on an
    # unknown date: the stitching ends H's episode on 1 April 2023 with END_UNKNOWN), M from 1 Sept 2023.
    y23 = _903(tmp_path / "2023", "H,10/01/2023,S,C2,N1,U4,PR1,,,,,,")
    y24 = _903(tmp_path / "2024", "M,01/09/2023,S,C2,N1,U4,PR1,,,,,,")
    alone = _store_with(tmp_path / "alone.duckdb", y23)
    both = _store_with(tmp_path / "both.duckdb", y23, y24)
    ended = both.execute("SELECT clae_cla_episode_ceased_reason FROM ssd_cla_episodes WHERE clae_person_id = 'H'")
    assert ended.fetchall() == [("END_UNKNOWN",)]
    repairs = "SELECT count(*) FROM cscperf_load_rejects WHERE rule = 'repair: care ended without an end date'"
    assert both.execute(repairs).fetchall() == [(1,)]
    summary = unload(both, [_id_of(both, y24)])
    assert [u["records_loaded"] for u in summary.unloaded] == [1]
    # H is open again (no later return says otherwise), the repair's warning is gone, M is gone: the store
    # holds what loading 2022-23 alone gives, record for record, with the same coverage.
    assert _records(both) == _records(alone)
    assert _coverage(both) == _coverage(alone)
    assert both.execute(repairs).fetchall() == [(0,)]
    history = both.execute("SELECT collection_year, load_status, unloaded_at IS NOT NULL FROM cscperf_loads "
                           "ORDER BY collection_year").fetchall()  # fmt: skip
    assert history == [(2023, "complete", False), (2024, "unloaded", True)]
    # The undone file can be loaded again (it is not "already loaded"), giving the two-return store back.
    [again] = load_files(both, [y24], la_code=LA).files
    assert again.loaded == 1 and again.skipped_as_loaded_in is None
    assert both.execute(repairs).fetchall() == [(1,)]


def _id_of(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    rows = con.execute("SELECT load_id FROM cscperf_loads WHERE source_file = ? AND load_status = 'complete'",
                       [str(path)]).fetchall()  # fmt: skip
    assert len(rows) == 1
    return str(rows[0][0])


def test_undoing_the_earlier_census_keeps_what_the_later_one_says(tmp_path: Path) -> None:
    # 2022-23 census: A referred 1 June 2022 (open), B referred 1 July 2022 (closed 1 Sept 2022).
    # 2023-24 census: A again, now closed 1 May 2023; C referred 2 Jan 2024.
    y23 = _census(tmp_path / "cin23.xml", 2023, ("A", "2022-06-01", None), ("B", "2022-07-01", "2022-09-01"))
    y24 = _census(tmp_path / "cin24.xml", 2024, ("A", "2022-06-01", "2023-05-01"), ("C", "2024-01-02", None))
    later_alone = _store_with(tmp_path / "later.duckdb", y24)
    both = _store_with(tmp_path / "both.duckdb", y23, y24)
    assert both.execute("SELECT count(*) FROM ssd_cin_episodes").fetchall() == [(3,)]  # A, B and C
    unload(both, [_id_of(both, y23)])
    # B (only in 2022-23) is gone; A keeps the closure 2023-24 gave: as if only 2023-24 had been loaded.
    assert _records(both) == _records(later_alone)
    assert _coverage(both) == _coverage(later_alone)
    # The remaining load's problems are its own, as the first load recorded them (numbered from 1).
    kept = both.execute("SELECT rule, reject_number FROM cscperf_load_rejects ORDER BY 2").fetchall()
    fresh = later_alone.execute("SELECT rule, reject_number FROM cscperf_load_rejects ORDER BY 2").fetchall()
    assert kept == fresh


def test_undoing_every_load_of_a_council_empties_it(tmp_path: Path) -> None:
    y24 = _census(tmp_path / "cin24.xml", 2024, ("A", "2023-06-01", None))
    con = _store_with(tmp_path / "store.duckdb", y24)
    summary = unload(con, [_id_of(con, y24)])
    assert summary.councils_emptied == [LA]
    assert _records(con) == {}
    assert con.execute("SELECT count(*) FROM cscperf_councils").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM cscperf_coverage").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM cscperf_load_rejects").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM cscperf_ledger.cscperf_files").fetchall() == [(0,)]


def test_an_unload_that_fails_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    y23 = _census(tmp_path / "cin23.xml", 2023, ("A", "2022-06-01", None))
    y24 = _census(tmp_path / "cin24.xml", 2024, ("C", "2024-01-02", None))
    con = _store_with(tmp_path / "store.duckdb", y23, y24)
    before = (_records(con), _coverage(con), con.execute("SELECT * FROM cscperf_loads ORDER BY 1, 2").fetchall())

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cscperf.loading.unload.record_coverage", broken)
    with pytest.raises(DataProblem, match=r"the disk it is on is full\. Nothing was unloaded; the store is unchanged"):
        unload(con, [_id_of(con, y23)])
    after = (_records(con), _coverage(con), con.execute("SELECT * FROM cscperf_loads ORDER BY 1, 2").fetchall())
    assert after == before


def test_what_cannot_be_undone_is_refused(tmp_path: Path) -> None:
    y24 = _census(tmp_path / "cin24.xml", 2024, ("A", "2023-06-01", None))
    con = _store_with(tmp_path / "store.duckdb", y24)
    with pytest.raises(Exception, match="There is no load nonsense"):
        unload(con, ["nonsense"])
    load_id = _id_of(con, y24)
    unload(con, [load_id])
    with pytest.raises(DataProblem, match="already undone"):
        unload(con, [load_id])


def test_a_file_whose_every_record_is_rejected_is_not_recorded_as_loaded(tmp_path: Path) -> None:
    # Every episode's start date is not a date: each episode is rejected, so nothing is loaded.
    bad = _903(tmp_path / "2024", "H,31/02/2024,S,C2,N1,U4,PR1,,,,,,", "K,99/01/2024,S,C2,N1,U4,PR1,,,,,,")
    con = open_store(tmp_path / "store.duckdb")
    [file] = load_files(con, [bad], la_code=LA).files
    assert (file.read, file.loaded, file.rejected) == (2, 0, 2)
    assert file.not_loaded is not None and "every record was rejected" in file.not_loaded
    assert con.execute("SELECT load_status FROM cscperf_loads").fetchall() == [("rejected",)]
    assert con.execute("SELECT count(*) FROM cscperf_load_rejects WHERE severity = 'fatal'").fetchall() == [(2,)]
    assert con.execute("SELECT count(*) FROM cscperf_councils").fetchall() == [(0,)]  # no council from nothing
    # Loaded again (the same file: no "already loaded"), it is read again, and the command says why it is not
    # loaded; corrected, it loads.
    [again] = load_files(con, [bad], la_code=LA).files
    assert again.skipped_as_loaded_in is None and again.rejected == 2
    shown = CliRunner().invoke(app, ["load", str(bad), "--db", str(tmp_path / "cli.duckdb"), "--la", LA],
                               env={"COLUMNS": "120"})  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "every record rejected: not loaded" in shown.output, shown.output
    bad.write_text(EPISODES + "H,28/02/2024,S,C2,N1,U4,PR1,,,,,,\n", encoding="utf-8")
    [fixed] = load_files(con, [bad], la_code=LA).files
    assert fixed.loaded == 1
    with pytest.raises(DataProblem, match="nothing to undo"):
        unload(con, [con.execute("SELECT load_id FROM cscperf_loads WHERE load_status = 'rejected'").fetchall()[0][0]])


def test_cli_unload_and_loads(tmp_path: Path) -> None:
    y24 = _census(tmp_path / "cin24.xml", 2024, ("A", "2023-06-01", None))
    store = tmp_path / "store.duckdb"
    runner = CliRunner()
    loaded = runner.invoke(app, ["load", str(y24), "--db", str(store), "--json"])
    assert loaded.exit_code == 0, loaded.output
    load_id = json.loads(loaded.stdout)["files"][0]["load_id"]
    result = runner.invoke(app, ["unload", load_id, "--db", str(store)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert f"Unloaded {load_id}" in result.output and "no longer in the store" in result.output
    listed = runner.invoke(app, ["loads", "--db", str(store), "--json"])
    [row] = json.loads(listed.stdout)
    assert row["load_status"] == "unloaded" and row["unloaded_at"]
    again = runner.invoke(app, ["unload", load_id, "--db", str(store)])
    assert again.exit_code == 1 and "already undone" in again.output and "Traceback" not in again.output
    missing = runner.invoke(app, ["unload", "x", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1 and "There is no store" in missing.output
