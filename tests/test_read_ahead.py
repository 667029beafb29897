"""Issue 19: the last files of an SSD extract read ahead by a second process (`read_ahead`). The store, its
ledger, the rejects (line and reject numbers included) and what the load says are the same as when this
process reads every file; a file the second process cannot read is read here, and says what it always said."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cscperf.loading import read_ahead, second_process
from cscperf.loading.session import load_files
from cscperf.store.database import open_store
from cscperf.store.schema import load_schema

from .postgres_server import PostgresServer
from .test_load_staging_gathered import everything

LA = "874"
Outcome = tuple[str, dict[str, list[tuple[str, ...]]]]


@pytest.fixture(scope="module")
def extract(council_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic council's SSD tables as CSV files (the first 3,000 rows of each), with dirty rows in the
    last: a bad date, a record without its id, a value too long."""
    out = tmp_path_factory.mktemp("extract")
    con = duckdb.connect(str(council_store), read_only=True)
    for table in load_schema().tables:
        if table.origin != "ssd" or not con.execute(f"SELECT count(*) FROM {table.name}").fetchall()[0][0]:
            continue
        columns = ", ".join(c for c in table.column_names if c != "la_code")
        con.execute(f"COPY (SELECT {columns} FROM {table.name} LIMIT 3000) TO '{out / table.name}.csv' "
                    "(HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')").fetchall()  # fmt: skip
    con.close()
    people = out / "ssd_person.csv"
    header = people.read_text(encoding="utf-8").splitlines()[0].split(",")
    bad = {name: "" for name in header}
    bad.update({"pers_person_id": "DIRTY-1", "pers_dob": "2015-13-45"})
    missing = dict(bad, pers_person_id="", pers_dob="2016-01-01")
    with people.open("a", encoding="utf-8") as file:
        for row in (bad, missing):
            file.write(",".join(row[name] for name in header) + "\n")
    return out


def copy_of(extract: Path, folder: Path) -> Path:
    """The extract's files copied into a new folder, to be changed there."""
    folder.mkdir()
    for path in sorted(extract.glob("*.csv")):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def load(folder: Path, paths: list[Path], name: str, **options: Any) -> Outcome:
    con = open_store(folder / f"{name}.duckdb")
    try:
        summary = load_files(con, paths, la_code=LA, **options)
        outcome = repr([(f.path.name, f.read, f.loaded, f.rejected, f.problems, sorted(f.by_table.items()),
                         f.details) for f in summary.files])  # fmt: skip
    except Exception as exc:  # refused: the same refusal either way
        outcome = f"{type(exc).__name__}: {exc}"
    result = everything(con.raw)  # type: ignore[attr-defined]
    con.close()
    return outcome, result


def alone_and_ahead(
    folder: Path, paths: list[Path], monkeypatch: pytest.MonkeyPatch, **options: Any
) -> tuple[Outcome, Outcome, int]:
    """The files loaded by this process alone, then with the last read ahead; and how many files were staged
    from what the second process read."""
    monkeypatch.setattr(second_process, "cores", lambda: 2)
    monkeypatch.setattr(read_ahead, "AHEAD_FROM_BYTES", 2**62)
    alone = load(folder, paths, "alone", **options)
    staged: list[int] = []
    real_stage = read_ahead.stage
    monkeypatch.setattr(read_ahead, "stage", lambda *a: (staged.append(1), real_stage(*a)))
    monkeypatch.setattr(read_ahead, "AHEAD_FROM_BYTES", 0)
    monkeypatch.setattr(read_ahead, "HEAD_START_BYTES", 0)
    ahead = load(folder, paths, "ahead", **options)
    return alone, ahead, len(staged)


def test_an_extract_read_partly_ahead_loads_as_it_does_in_one_process(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone, ahead, staged = alone_and_ahead(tmp_path, [extract], monkeypatch)
    assert staged >= 2
    assert ahead == alone
    assert "DIRTY-1" in str(alone[1]["main.cscperf_load_rejects"])  # the dirty rows, in a file read ahead
    assert "ssd_person.csv:" in str(alone[1]["main.cscperf_load_rejects"])


def test_files_already_loaded_and_files_that_are_no_table_are_said_as_before(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_of(extract, tmp_path / "mixed")
    (folder / "zz_notes.csv").write_text("just,some,notes\n1,2,3\n", encoding="utf-8")
    (folder / "ssd_zz_copy.csv").write_bytes((extract / "ssd_person.csv").read_bytes())  # loaded twice in one go
    alone, ahead, staged = alone_and_ahead(tmp_path, [folder], monkeypatch)
    assert staged >= 1
    assert ahead == alone


def test_a_file_the_second_process_cannot_read_is_read_here(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_of(extract, tmp_path / "broken")
    last = sorted(folder.glob("*.csv"))[-1]
    last.write_text(last.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")  # no records
    alone, ahead, _staged = alone_and_ahead(tmp_path, [folder], monkeypatch)
    assert ahead == alone
    assert "header but no records" in alone[0]


def test_when_the_second_process_fails_every_file_is_read_here(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_args: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(["python3", "-c", "import sys; sys.exit(3)"], stdout=subprocess.PIPE)

    monkeypatch.setattr(second_process, "start", failing)
    alone, ahead, staged = alone_and_ahead(tmp_path, [extract], monkeypatch)
    assert staged == 0
    assert ahead == alone


def test_only_the_last_files_are_read_ahead_and_only_when_there_is_enough(
    extract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(second_process, "cores", lambda: 2)
    named = [(path, True) for path in sorted(extract.glob("*.csv"))]
    assert read_ahead.read_ahead(named, None, set()) is None  # a few MB: not worth a second process
    monkeypatch.setattr(read_ahead, "AHEAD_FROM_BYTES", 0)
    monkeypatch.setattr(read_ahead, "HEAD_START_BYTES", 0)
    ahead = read_ahead.read_ahead(named, None, set())
    assert ahead is not None
    try:
        paths = [path for path, _ in named]
        assert ahead.paths == paths[len(paths) - len(ahead.paths) :]  # the last ones, in order
        assert 0 < len(ahead.paths) < len(paths)
        share = sum(p.stat().st_size for p in ahead.paths)
        assert share <= sum(p.stat().st_size for p in paths) / 2 or len(ahead.paths) == 1
    finally:
        ahead.close()
    monkeypatch.setattr(second_process, "cores", lambda: 1)
    assert read_ahead.read_ahead(named, None, set()) is None


def test_an_extract_read_partly_ahead_loads_into_postgresql_as_in_one_process_into_duckdb(
    extract: Path, tmp_path: Path, postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_load_postgresql import _contents

    monkeypatch.setattr(read_ahead, "AHEAD_FROM_BYTES", 2**62)
    laptop = open_store(tmp_path / "laptop.duckdb")
    alone = load_files(laptop, [extract], la_code=LA)
    staged: list[int] = []
    real_stage = read_ahead.stage
    monkeypatch.setattr(read_ahead, "stage", lambda *a: (staged.append(1), real_stage(*a)))
    monkeypatch.setattr(second_process, "cores", lambda: 2)
    monkeypatch.setattr(read_ahead, "AHEAD_FROM_BYTES", 0)
    monkeypatch.setattr(read_ahead, "HEAD_START_BYTES", 0)
    server = open_store(postgres.database())
    ahead = load_files(server, [extract], la_code=LA)
    assert staged
    assert [(f.path.name, f.read, f.loaded, f.rejected, f.problems) for f in ahead.files] == [
        (f.path.name, f.read, f.loaded, f.rejected, f.problems) for f in alone.files
    ]
    duckdb_rows, postgres_rows = _contents(laptop), _contents(server)
    laptop.close()
    server.close()
    for table, rows in duckdb_rows.items():
        assert postgres_rows[table] == rows, f"{table} differs"


def test_the_second_process_answers_whatever_else_it_writes(tmp_path: Path) -> None:
    """A library's progress bar (DuckDB draws one for a query over two seconds) written to standard output
    while the second process works does not garble its answer."""
    code = (
        "import os, sys\n"
        "from cscperf.loading import second_process\n"
        "def work(asked):\n"
        "    os.write(1, b'\\r 42% progress')\n"
        "    print('more noise')\n"
        "    return {'asked': asked}\n"
        "second_process.serve(work)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps([1, "two"]), capture_output=True,
                          check=True)  # fmt: skip
    assert pickle.loads(done.stdout) == {"asked": [1, "two"]}


def test_duckdb_connections_draw_no_progress_bar(tmp_path: Path) -> None:
    con = open_store(tmp_path / "s.duckdb")
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchall() == [(False,)]
    con.close()


def test_files_an_earlier_command_loaded_are_skipped_as_before(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extract loaded, then again with its last file changed: only that file is loaded the second time,
    whether the last files are read ahead or not."""
    again = copy_of(extract, tmp_path / "again")
    last = sorted(again.glob("*.csv"))[-1]
    lines = last.read_text(encoding="utf-8").splitlines()
    last.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")  # its first record gone
    monkeypatch.setattr(second_process, "cores", lambda: 2)
    outcomes = []
    for name, threshold in (("alone", 2**62), ("ahead", 0)):
        monkeypatch.setattr(read_ahead, "AHEAD_FROM_BYTES", threshold)
        monkeypatch.setattr(read_ahead, "HEAD_START_BYTES", 0)
        con = open_store(tmp_path / f"{name}.duckdb")
        load_files(con, [extract], la_code=LA)
        summary = load_files(con, [again], la_code=LA)
        outcomes.append(([(f.path.name, f.read, f.skipped_as_loaded_in is None) for f in summary.files],
                         everything(con.raw)))  # type: ignore[attr-defined]  # fmt: skip
        con.close()
    assert outcomes[0] == outcomes[1]
    assert [name for name, read, _ in outcomes[0][0] if read] == [last.name]


def test_the_year_given_reaches_the_files_read_ahead(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone, ahead, staged = alone_and_ahead(tmp_path, [extract], monkeypatch, year=2024)
    assert staged >= 2
    assert ahead == alone
