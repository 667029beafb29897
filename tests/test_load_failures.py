"""Issue 11, items 15 and 16 (load part): a full disk while staging or at COMMIT, and a load that runs out of
memory, each give one plain message and leave the store as it was; the memory DuckDB may use is bounded and
can be set. The files are made here; the full disk is real in one test (a file-size limit on the process)."""

from __future__ import annotations

import datetime as dt
import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.errors import DataProblem
from cscperf.loading import session
from cscperf.loading.resources import limit_memory
from cscperf.loading.session import load_files
from cscperf.loading.staging import Staging
from cscperf.store.database import open_store
from cscperf.store.statements import run

LA = "874"
ROOT = Path(__file__).resolve().parents[1]
FULL = "No space left on device"


def _extract(path: Path, people: int = 50) -> Path:
    path.write_text("pers_person_id,pers_sex,pers_dob\n" + "".join(f"P{n:07d},F,2015-01-0{1 + n % 9}\n"
                                                                  for n in range(people)))  # fmt: skip
    return path


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                 for t in ("ssd_person", "cscperf_loads", "cscperf_load_rejects", "cscperf_coverage"))  # fmt: skip


def test_a_disk_filling_while_staging_is_one_plain_message(tmp_path: Path) -> None:
    """A real full disk: the load runs with a limit on the size of the files it may write."""
    store = tmp_path / "store.duckdb"
    open_store(store).close()
    size = store.stat().st_size
    path = _extract(tmp_path / "ssd_person.csv", people=60_000)

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails (EFBIG) instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 300_000, size + 300_000))

    result = subprocess.run([sys.executable, "-m", "cscperf", "load", str(path), "--db", str(store), "--la", LA],
                            preexec_fn=small_disk, capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    error = " ".join(result.stderr.split())
    assert result.returncode == 1, result.stderr
    assert "The store could not be written: the disk it is on is full. Nothing was loaded" in error
    assert "unexpected problem" not in error and "Traceback" not in error and error.count("Error:") == 1
    con = open_store(store)
    assert _counts(con) == (0, 0, 0, 0)


def test_a_disk_filling_at_commit_is_one_plain_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store.duckdb"
    con = open_store(store)
    load_files(con, [_extract(tmp_path / "first.csv", 3)], la_code=LA)
    before = _counts(con)

    def full_at_commit(connection: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> None:
        if sql == "COMMIT":  # the commit cannot write its log, and the transaction is ended
            run(connection, "ROLLBACK")
            raise duckdb.TransactionException(f'Failed to commit: Could not write file "{store}.wal": {FULL}')
        if sql == "ROLLBACK":  # after a failed commit DuckDB has no transaction left to roll back
            raise duckdb.FatalException("database has been invalidated because of a previous fatal error")
        run(connection, sql, params)  # type: ignore[arg-type]

    monkeypatch.setattr(session, "run", full_at_commit)
    with pytest.raises(DataProblem) as failed:
        load_files(con, [_extract(tmp_path / "second.csv", 7)], la_code=LA)
    assert str(failed.value).startswith("The store could not be written: the disk it is on is full.")
    assert failed.value.__cause__ is None and failed.value.__suppress_context__  # one message, no second traceback
    monkeypatch.undo()
    assert _counts(con) == before


def test_a_failure_of_the_machine_while_staging_is_not_called_a_problem_in_cscperf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = open_store(tmp_path / "store.duckdb")

    def no_space(self: Staging, name: str, rows: list[dict[str, object]]) -> None:
        raise duckdb.IOException(f'Could not write file "staging": {FULL}')

    monkeypatch.setattr(Staging, "append", no_space)
    with pytest.raises(DataProblem, match="the disk it is on is full") as failed:
        load_files(con, [_extract(tmp_path / "ssd_person.csv")], la_code=LA)
    assert "unexpected problem" not in str(failed.value)


def test_running_out_of_memory_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = open_store(tmp_path / "store.duckdb")

    def out_of_memory(*_args: object) -> None:
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block")

    monkeypatch.setattr("cscperf.loading.pipeline.merge_into_store", out_of_memory)
    with pytest.raises(DataProblem, match=r"not enough memory to finish\. Nothing was loaded.* --memory-limit"):
        load_files(con, [_extract(tmp_path / "ssd_person.csv")], la_code=LA)
    assert _counts(con) == (0, 0, 0, 0)


def test_the_memory_limit_is_set_and_can_be_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = open_store(tmp_path / "store.duckdb")
    limit_memory(con, "300MB")
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] in ("286.1 MiB", "300.0 MB")
    applied: list[str] = []
    monkeypatch.setattr("cscperf.loading.resources.limit_memory", lambda _con, limit: applied.append(limit))
    runner = CliRunner()
    path = _extract(tmp_path / "ssd_person.csv")
    assert runner.invoke(app, ["load", str(path), "--db", str(tmp_path / "a.duckdb"), "--la", LA]).exit_code == 0
    monkeypatch.setenv("CSCPERF_MEMORY_LIMIT", "512MB")
    assert runner.invoke(app, ["load", str(path), "--db", str(tmp_path / "b.duckdb"), "--la", LA]).exit_code == 0
    given = ["load", str(path), "--db", str(tmp_path / "c.duckdb"), "--la", LA, "--memory-limit", "3GB"]
    assert runner.invoke(app, given).exit_code == 0
    assert applied == ["1GB", "512MB", "3GB"]
    wrong = runner.invoke(app, ["load", str(path), "--db", str(tmp_path / "d.duckdb"), "--memory-limit", "lots"])
    assert wrong.exit_code == 2 and "a size such as 2GB or 512MB" in wrong.output


def test_a_merge_in_slices_gives_what_one_statement_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The merge takes a large table's records in slices (by a hash of the identifier) so that its memory does
    not grow with the load; every version of a record is in one slice, so the later file still wins."""
    first = tmp_path / "first.csv"
    first.write_text("pers_person_id,pers_sex,pers_dob\n" + "".join(f"P{n},F,2015-01-01\n" for n in range(40)))
    later = tmp_path / "later.csv"
    later.write_text("pers_person_id,pers_sex,pers_dob\n" + "".join(f"P{n},M,\n" for n in range(0, 60, 2)))

    def people(slice_rows: int) -> list[tuple[object, ...]]:
        monkeypatch.setattr("cscperf.loading.merge.SLICE_ROWS", slice_rows)
        con = open_store(tmp_path / f"store-{slice_rows}.duckdb")
        load_files(con, [first], la_code=LA)
        load_files(con, [later], la_code=LA)
        return con.execute("SELECT pers_person_id, pers_sex, pers_dob FROM ssd_person ORDER BY 1").fetchall()

    whole, sliced = people(100_000), people(7)  # one slice; 6 and 5 slices
    assert sliced == whole
    by_id = {r[0]: r[1:] for r in whole}
    assert len(by_id) == 50  # P0-P39, and P40-P58 (even) from the later file
    assert by_id["P2"] == ("M", dt.date(2015, 1, 1))  # the later file's sex; its empty date erases nothing
    assert by_id["P1"] == ("F", dt.date(2015, 1, 1)) and by_id["P50"] == ("M", None)
