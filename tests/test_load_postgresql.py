"""Loads into a PostgreSQL store: the same result as into a DuckDB file, all or nothing in one transaction,
never seen half-done by a reader, two loads into one council one after the other (the second told it waits,
never a deadlock), loads into different councils side by side, and a load killed with SIGKILL leaving the
store as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cscperf.loading.session import load_files
from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.store.schema import load_schema

from .conftest import SHARED
from .postgres_server import PostgresServer

pytestmark = pytest.mark.slow  # a long file: started before the short ones (conftest.py)

SAMPLES = SHARED / "samples"
# What a council analyst loads, in the order they might: every format, several years, dirty files included.
LOAD_SEQUENCE: list[tuple[list[str], str | None]] = [
    (["cin"], None),
    (["ssda903/fake"], "201"),
    (["annex_a"], "201"),
    (["workforce"], None),
    (["ssda903/dirty"], "201"),
]
NOT_COMPARED = {"load_id", "loaded_at", "content_sha256"}  # made afresh by each load
PERSON_HEADER = "pers_person_id,pers_sex,pers_ethnicity,pers_dob\n"


def _contents(con: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (but the load ids and times each load makes), sorted; JSON as parsed."""
    out = {}
    for table in load_schema().tables_for("duckdb"):
        if table.name in ("cscperf_schema_info", "cscperf_calendar"):
            continue
        columns = [c for c in table.all_columns if c.name not in NOT_COMPARED]
        rows = con.execute(f"SELECT {', '.join(c.name for c in columns)} FROM {table.name}").fetchall()
        json_at = [i for i, c in enumerate(columns) if c.type == "JSON"]
        tidy = [
            tuple(json.loads(v) if i in json_at and v is not None else v for i, v in enumerate(row)) for row in rows
        ]
        out[table.name] = sorted(tidy, key=repr)
    return out


def test_every_sample_loads_the_same_into_postgresql_as_into_duckdb(tmp_path: Path, postgres: PostgresServer) -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"samples not found at {SAMPLES}")
    stores = [open_store(tmp_path / "laptop.duckdb"), open_store(postgres.database())]
    summaries: list[list[list[tuple[Any, ...]]]] = [[], []]
    for folders, la in LOAD_SEQUENCE:
        for store, found in zip(stores, summaries, strict=True):
            summary = load_files(store, [SAMPLES / f for f in folders], la_code=la)
            found.append(
                [
                    (f.path.name, f.kind, f.collection_year, f.read, f.loaded, f.rejected, f.problems)
                    for f in summary.files
                ]
            )
    assert summaries[0] == summaries[1]
    duckdb_rows, postgres_rows = (_contents(store) for store in stores)
    for store in stores:
        store.close()
    assert sum(len(rows) for rows in duckdb_rows.values()) > 30_000
    for table, rows in duckdb_rows.items():
        assert postgres_rows[table] == rows, f"{table} differs"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _people(path: Path, prefix: str, n: int) -> Path:
    return _write(path, PERSON_HEADER + "".join(f"{prefix}{i},F,WBRI,2015-03-01\n" for i in range(n)))


def _cscperf(*args: str, pause: float | None = None, resume_when: Path | None = None) -> subprocess.Popen[bytes]:
    """`cscperf` in its own process; a load pauses before committing for `pause` seconds, or until the file
    `resume_when` is made."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    if pause is not None:
        env["CSCPERF_PAUSE_BEFORE_COMMIT"] = str(pause)
    if resume_when is not None:
        env["CSCPERF_RESUME_WHEN"] = str(resume_when)
    return subprocess.Popen([sys.executable, "-m", "cscperf", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip


def _wait_for(process: subprocess.Popen[bytes], text: bytes) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if text in line:
            return
    raise AssertionError(f"the process ended without saying {text!r}")


def _count(db: str, sql: str) -> int:
    with open_store(db, read_only=True) as con:
        return int(con.execute(sql).fetchall()[0][0])


def test_a_reader_sees_the_store_before_a_load_commits_never_half_of_it(tmp_path: Path, pg_url: str) -> None:
    with open_store(pg_url) as con:
        load_files(con, [_people(tmp_path / "first.csv", "A", 10)], la_code="874")
    load = _cscperf("load", str(_people(tmp_path / "big.csv", "B", 3_000)), "--db", pg_url, "--la", "874", pause=60)
    try:
        _wait_for(load, b"not yet committed")
        started = time.monotonic()
        assert _count(pg_url, "SELECT count(*) FROM ssd_person") == 10  # written, not committed: not seen
        reader = _cscperf("loads", "--db", pg_url, "--json")
        out, _ = reader.communicate(timeout=60)
        assert reader.returncode == 0 and len(json.loads(out)) == 1
        assert time.monotonic() - started < 30  # the reader was not made to wait for the load
    finally:
        load.send_signal(signal.SIGTERM)
        load.wait()


def test_a_load_killed_before_committing_leaves_the_store_as_it_was(tmp_path: Path, pg_url: str) -> None:
    with open_store(pg_url) as con:
        load_files(con, [_people(tmp_path / "first.csv", "A", 10)], la_code="874")
    load = _cscperf("load", str(_people(tmp_path / "big.csv", "B", 3_000)), "--db", pg_url, "--la", "874", pause=60)
    _wait_for(load, b"not yet committed")
    load.send_signal(signal.SIGKILL)
    load.wait()
    assert _count(pg_url, "SELECT count(*) FROM ssd_person") == 10
    assert _count(pg_url, "SELECT count(*) FROM cscperf_loads") == 1
    # the killed session's scratch tables and lock went with it: the next load runs at once
    again = _cscperf("load", str(tmp_path / "big.csv"), "--db", pg_url, "--la", "874")
    assert again.wait(timeout=120) == 0
    assert _count(pg_url, "SELECT count(*) FROM ssd_person") == 3_010


def test_two_loads_into_one_council_run_one_after_the_other(tmp_path: Path, pg_url: str) -> None:
    open_store(pg_url).close()
    # the first holds the council until the second has said it waits (however slowly a busy machine starts it)
    go = tmp_path / "go"
    first = _cscperf("load", str(_people(tmp_path / "one.csv", "A", 2_000)), "--db", pg_url, "--la", "874",
                     pause=300, resume_when=go)  # fmt: skip
    _wait_for(first, b"not yet committed")
    second = _cscperf("load", str(_people(tmp_path / "two.csv", "B", 500)), "--db", pg_url, "--la", "874")
    _wait_for(second, b"another command is loading council 874")
    go.touch()
    assert first.wait(timeout=120) == 0
    assert second.wait(timeout=120) == 0
    assert _count(pg_url, "SELECT count(*) FROM ssd_person") == 2_500
    assert _count(pg_url, "SELECT count(*) FROM cscperf_loads") == 2


def test_an_unload_waits_for_a_load_into_the_same_council_then_undoes_its_own(tmp_path: Path, pg_url: str) -> None:
    with open_store(pg_url) as con:
        load_files(con, [_people(tmp_path / "first.csv", "A", 10)], la_code="874")
        (earlier,) = (str(r[0]) for r in con.execute("SELECT load_id FROM cscperf_loads").fetchall())
    go = tmp_path / "go"
    load = _cscperf("load", str(_people(tmp_path / "later.csv", "B", 300)), "--db", pg_url, "--la", "874",
                    pause=300, resume_when=go)  # fmt: skip
    try:
        _wait_for(load, b"not yet committed")
        undo = _cscperf("unload", earlier, "--db", pg_url)
        _wait_for(undo, b"another command is loading or unloading council 874")
        assert _count(pg_url, "SELECT count(*) FROM ssd_person") == 10  # neither has changed the store yet
        go.touch()
        assert load.wait(timeout=120) == 0
        _, err = undo.communicate(timeout=120)
        assert undo.returncode == 0, err.decode()
    finally:
        go.touch()
        load.wait()
    # the load went in first; the unload then took the earlier file out and kept the later one
    assert _count(pg_url, "SELECT count(*) FROM ssd_person") == 300
    assert _count(pg_url, "SELECT count(*) FROM ssd_person WHERE pers_person_id LIKE 'A%'") == 0
    assert _count(pg_url, "SELECT count(*) FROM cscperf_loads WHERE load_status = 'complete'") == 1
    assert _count(pg_url, "SELECT count(*) FROM cscperf_loads WHERE load_status = 'unloaded'") == 1


def test_the_same_file_loaded_twice_at_once_is_loaded_once(tmp_path: Path, pg_url: str) -> None:
    open_store(pg_url).close()
    people = _people(tmp_path / "one.csv", "A", 1_000)
    first = _cscperf("load", str(people), "--db", pg_url, "--la", "874", pause=10)
    _wait_for(first, b"not yet committed")
    second = _cscperf("load", str(people), "--db", pg_url, "--la", "874")
    _, err = second.communicate(timeout=120)
    assert first.wait(timeout=120) == 0
    assert second.returncode == 1 and b"was loaded by another command" in err and b"Traceback" not in err
    assert _count(pg_url, "SELECT count(*) FROM cscperf_loads") == 1


def test_loads_into_different_councils_do_not_wait_for_each_other(tmp_path: Path, pg_url: str) -> None:
    open_store(pg_url).close()
    # the first holds its transaction open until the second has finished (or the test has given up on it)
    go = tmp_path / "go"
    first = _cscperf("load", str(_people(tmp_path / "one.csv", "A", 500)), "--db", pg_url, "--la", "874",
                     pause=300, resume_when=go)  # fmt: skip
    try:
        _wait_for(first, b"not yet committed")
        second = _cscperf("load", str(_people(tmp_path / "two.csv", "B", 500)), "--db", pg_url, "--la", "873")
        try:
            _, err = second.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            second.kill()
            second.communicate()
            raise AssertionError("a load into 873 waited for the uncommitted load into 874") from None
        assert second.returncode == 0 and b"another command is loading" not in err
        assert _count(pg_url, "SELECT count(*) FROM ssd_person WHERE la_code = '873'") == 500
        assert _count(pg_url, "SELECT count(*) FROM ssd_person WHERE la_code = '874'") == 0  # not yet committed
        go.touch()
        assert first.wait(timeout=120) == 0
        assert _count(pg_url, "SELECT count(*) FROM ssd_person WHERE la_code = '874'") == 500
    finally:
        go.touch()
        if first.poll() is None:
            first.send_signal(signal.SIGTERM)
        first.wait()


def test_a_census_read_in_halves_loads_into_postgresql_as_read_whole_into_duckdb(
    tmp_path: Path, postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: a large CIN Census read in two halves (cin_halves) stages the same rows and problems on a
    server as a DuckDB store gets from reading it as one stream."""
    from cscperf.loading import cin_cut, cin_halves

    from .test_cin_halves import cut_at, dirty_children
    from .test_load_cin_census import message

    path = _write(tmp_path / "cin.xml", message(dirty_children(40)).replace("><", ">\n  <"))
    monkeypatch.setattr(cin_cut, "SPLIT_FROM_BYTES", 2**62)
    laptop = open_store(tmp_path / "laptop.duckdb")
    whole = load_files(laptop, [path])
    staged: list[int] = []
    real_stage = cin_halves._stage
    monkeypatch.setattr(cin_halves, "_stage", lambda *a: (staged.append(1), real_stage(*a)))
    monkeypatch.setattr(cin_cut, "SPLIT_FROM_BYTES", 0)
    cut_at(path, 0.5, monkeypatch)
    server = open_store(postgres.database())
    halves = load_files(server, [path])
    assert staged == [1]
    assert [(f.read, f.loaded, f.rejected, f.problems) for f in halves.files] == [
        (f.read, f.loaded, f.rejected, f.problems) for f in whole.files
    ]
    assert whole.files[0].rejected > 0
    duckdb_rows, postgres_rows = _contents(laptop), _contents(server)
    laptop.close()
    server.close()
    for table, rows in duckdb_rows.items():
        assert postgres_rows[table] == rows, f"{table} differs"
