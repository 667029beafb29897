"""`cscperf unload` on a PostgreSQL store (issue 15): the same store as on DuckDB after the same loads and
unloads; the ledger under row-level security (a council's role sees and undoes only its own council's loads,
a region's role with the right to write undoes any); unknown loads refused plainly; a failed unload changes
nothing; `db export` / `db import` carry the ledger between the engines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.errors import CscperfError, DataProblem
from cscperf.loading.session import load_files
from cscperf.loading.unload import unload
from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.store.schema import LEDGER_FILES, load_schema
from cscperf.store.transfer import export_store, import_store

from .postgres_server import PostgresServer
from .test_load_cin_census import child_xml, episode_xml, message
from .test_unload import _903

runner = CliRunner()
NOT_COMPARED = {"load_id", "loaded_at", "unloaded_at", "content_sha256"}  # made afresh by each load and unload


def _census(path: Path, year: int, la: str, *children: tuple[str, str, str | None]) -> Path:
    """A CIN Census of `year` for council `la` with each child's one referral (id, referral, closure)."""
    xml = "".join(child_xml(c, episodes=episode_xml(day, close=close)) for c, day, close in children)
    path.write_text(message(xml, year=year, la=la), encoding="utf-8")
    return path


def _contents(con: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows but the ids and times each load makes, sorted; JSON as parsed; file names only."""
    out = {}
    for table in load_schema().tables_for("duckdb"):
        if table.name in ("cscperf_schema_info", "cscperf_calendar"):
            continue
        columns = [c for c in table.all_columns if c.name not in NOT_COMPARED]
        rows = con.execute(f"SELECT {', '.join(c.name for c in columns)} FROM {table.name}").fetchall()
        tidy = []
        for row in rows:
            values = []
            for column, value in zip(columns, row, strict=True):
                if column.type == "JSON" and isinstance(value, str):
                    value = json.loads(value)
                if column.name == "source_file" and value is not None:
                    value = Path(str(value)).name
                values.append(value)
            tidy.append(tuple(values))
        out[table.name] = sorted(tidy, key=repr)
    return out


def _id_of(con: Connection, path: Path) -> str:
    rows = con.execute("SELECT load_id FROM cscperf_loads WHERE source_file = ? AND load_status = 'complete'",
                       [str(path)]).fetchall()  # fmt: skip
    assert len(rows) == 1
    return str(rows[0][0])


def _files(tmp_path: Path) -> list[tuple[Path, str]]:
    """Two councils' returns: 874's two CIN Censuses and two SSDA903 years, 873's one census."""
    return [
        (_census(tmp_path / "cin23.xml", 2023, "874", ("A", "2022-06-01", None), ("B", "2022-07-01", "2022-09-01")),
         "874"),
        (_903(tmp_path / "2023", "H,10/01/2023,S,C2,N1,U4,PR1,,,,,,"), "874"),
        (_census(tmp_path / "cin24.xml", 2024, "874", ("A", "2022-06-01", "2023-05-01"), ("C", "2024-01-02", None)),
         "874"),
        (_903(tmp_path / "2024", "M,01/09/2023,S,C2,N1,U4,PR1,,,,,,", "H,10/01/2023,S,C2,N1,U4,PR1,,,,,,"), "874"),
        (_census(tmp_path / "other.xml", 2024, "873", ("Z", "2023-06-01", None)), "873"),
    ]  # fmt: skip


def _loaded(con: Connection, files: list[tuple[Path, str]]) -> Connection:
    for path, la in files:
        load_files(con, [path], la_code=la)
    return con


def test_unload_on_postgresql_gives_the_same_store_as_on_duckdb(tmp_path: Path, postgres: PostgresServer) -> None:
    files = _files(tmp_path)
    stores = [_loaded(open_store(tmp_path / "laptop.duckdb"), files), _loaded(open_store(postgres.database()), files)]
    for undone in (files[2][0], files[1][0]):  # the later census, then the earlier 903 year
        summaries = [unload(con, [_id_of(con, undone)]) for con in stores]
        assert [len(s.replayed) for s in summaries] == [len(summaries[0].replayed)] * 2
        duckdb_rows, postgres_rows = (_contents(con) for con in stores)
        assert duckdb_rows == postgres_rows
        assert duckdb_rows["ssd_cin_episodes"]  # the test compares something
    # ... and the same as a store that never had them.
    never = _loaded(open_store(postgres.database()), [files[0], files[3], files[4]])
    assert _records_only(_contents(never)) == _records_only(_contents(stores[1]))
    for con in [*stores, never]:
        con.close()


def _records_only(contents: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {t: rows for t, rows in contents.items() if t not in ("cscperf_loads", "cscperf_coverage")}


@pytest.fixture(scope="module")
def region(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Login roles alice (council 874, may load), olga (council 873, may load), rita (every council, read
    only) and rex (every council, may load); each test makes its own store with the roles' grants."""
    for login in ("alice", "olga", "rita", "rex"):
        postgres.login_role(login)
    yield {"folder": str(tmp_path_factory.mktemp("region_unload"))}


def _region_store(postgres: PostgresServer, tmp_path: Path) -> dict[str, str]:
    """A store of councils 874 and 873 loaded by the owner, and the roles' URLs."""
    owner = postgres.database()
    tmp_path.mkdir(parents=True, exist_ok=True)
    with open_store(owner) as con:
        _loaded(con, _files(tmp_path))
    for args in (
        ("council", "874", "--role", "cscperf_la_874", "--member", "alice"),
        ("council", "873", "--role", "cscperf_la_873", "--member", "olga"),
        ("region", "cscperf_region_read", "--all", "--member", "rita"),
        ("region", "cscperf_region_write", "--all", "--write", "--member", "rex"),
    ):
        result = runner.invoke(app, ["db", "roles", *args, "--db", owner])
        assert result.exit_code == 0, result.output
    name = owner.rsplit("/", 1)[-1]
    return {"owner": owner, **{who: postgres.url(name, who) for who in ("alice", "olga", "rita", "rex")}}


def _state(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the owner sees, the ledger included."""
    with open_store(url) as con:
        state = _contents(con)
        for table in load_schema().tables_for("postgresql"):
            if table.name.startswith("cscperf_ledger_"):
                state[table.name] = sorted(con.execute(f"SELECT * FROM {table.name}").fetchall(), key=repr)
    return state


def test_a_council_role_sees_and_undoes_only_its_own_councils_loads(
    region: dict[str, str], postgres: PostgresServer
) -> None:
    urls = _region_store(postgres, Path(region["folder"]) / "own")
    with open_store(urls["owner"]) as con:
        theirs = _id_of(con, Path(region["folder"]) / "own" / "other.xml")
        mine = _id_of(con, Path(region["folder"]) / "own" / "cin24.xml")
    before = _state(urls["owner"])
    with open_store(urls["alice"]) as con:
        # the ledger of 873 is not there for 874's role, nor its load
        seen = {str(r[0]) for r in con.execute(f"SELECT DISTINCT la_code FROM {LEDGER_FILES}").fetchall()}
        assert seen == {"874"}
        assert con.execute("SELECT count(*) FROM cscperf_ledger_ssd_cin_episodes WHERE la_code = '873'").fetchall() \
            == [(0,)]  # fmt: skip
        with pytest.raises(CscperfError, match="There is no load"):
            unload(con, [theirs])
    assert _state(urls["owner"]) == before
    with open_store(urls["alice"]) as con:
        summary = unload(con, [mine])
    assert [u["la_code"] for u in summary.unloaded] == ["874"] and len(summary.replayed) == 3
    after = _state(urls["owner"])
    for table in before:  # 873's rows untouched, everywhere
        assert [r for r in after[table] if r and r[0] == "873"] == [r for r in before[table] if r and r[0] == "873"]
    assert after["ssd_cin_episodes"] != before["ssd_cin_episodes"]


def test_a_region_role_undoes_any_councils_load_and_a_read_only_one_none(
    region: dict[str, str], postgres: PostgresServer
) -> None:
    folder = Path(region["folder"]) / "regional"
    urls = _region_store(postgres, folder)
    with open_store(urls["owner"]) as con:
        theirs = _id_of(con, folder / "other.xml")
    before = _state(urls["owner"])
    with open_store(urls["rita"]) as con, pytest.raises(DataProblem, match=r"unchanged|may not"):
        unload(con, [theirs])
    assert _state(urls["owner"]) == before
    code = runner.invoke(app, ["unload", theirs, "--db", urls["rex"]])
    assert code.exit_code == 0, code.output
    assert "Council 873 has no loads left" in code.output
    after = _state(urls["owner"])
    assert not [r for r in after["ssd_cin_episodes"] if r[0] == "873"]
    assert [r for r in after["ssd_cin_episodes"] if r[0] == "874"] == [
        r for r in before["ssd_cin_episodes"] if r[0] == "874"
    ]


def test_unloading_an_unknown_load_says_so_plainly(pg_url: str, tmp_path: Path) -> None:
    with open_store(pg_url) as con:
        _loaded(con, _files(tmp_path)[:1])
    result = runner.invoke(app, ["unload", "20260101T000000-nonsense", "--db", pg_url])
    assert result.exit_code != 0
    assert "There is no load 20260101T000000-nonsense; `cscperf loads` lists them." in result.output
    assert "Traceback" not in result.output


def test_a_failed_unload_on_postgresql_leaves_the_store_as_it_was(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path)
    with open_store(pg_url) as con:
        _loaded(con, files)
    before = _state(pg_url)

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cscperf.loading.unload.record_coverage", broken)
    with open_store(pg_url) as con:
        load_id = _id_of(con, files[0][0])
        with pytest.raises(DataProblem, match="Nothing was unloaded; the store is unchanged"):
            unload(con, [load_id])
    assert _state(pg_url) == before


@pytest.mark.parametrize("source", ["duckdb", "postgresql"])
def test_export_and_import_carry_the_ledger(source: str, tmp_path: Path, postgres: PostgresServer) -> None:
    """Loads made in one engine are undone after a move to the other, as they would have been at home."""
    files = _files(tmp_path)
    made = tmp_path / "made.duckdb" if source == "duckdb" else postgres.database()
    target = postgres.database() if source == "duckdb" else tmp_path / "moved.duckdb"
    with open_store(made) as con:
        _loaded(con, files)
        export_store(con, tmp_path / "export")
        undone = _id_of(con, files[0][0])
    with open_store(target) as con:
        import_store(con, tmp_path / "export")
    stores = [open_store(made), open_store(target)]
    for con in stores:
        unload(con, [undone])
    home, moved = (_contents(con) for con in stores)
    assert home == moved and home["ssd_cin_episodes"]
    for con in stores:
        con.close()
