"""Issue 19: while files are read, the scratch tables are written a DuckDB row group at a time
(`Staging.gathering`) rather than chunk by chunk. The store, the ledger and the rejects are the same either
way, and a failure while reading stages nothing that was still gathered."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cscperf.loading import file_load, staging
from cscperf.loading.session import load_files
from cscperf.loading.staging import Staging, staging_name
from cscperf.store.database import open_store

from .test_load_cin_census import message
from .test_load_set_based import SETTINGS, VOLATILE, cin_child


def everything(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, ...]]]:
    """Every table of the store and of its ledger, rows sorted, without the columns a load makes anew."""
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('main', 'cscperf_ledger') "
        "AND table_name <> 'cscperf_schema_info' ORDER BY 1, 2"
    ).fetchall()
    out: dict[str, list[tuple[str, ...]]] = {}
    for schema, table in tables:
        cursor = con.execute(f"SELECT * FROM {schema}.{table}")
        keep = [i for i, d in enumerate(cursor.description) if d[0] not in VOLATILE and d[0] != "_load_id"]
        out[f"{schema}.{table}"] = sorted(tuple(str(row[i]) for i in keep) for row in cursor.fetchall())
    return out


def load(folder: Path, path: Path, name: str, **options: Any) -> tuple[str, dict[str, list[tuple[str, ...]]]]:
    """The file loaded into a new store (with the load's options): what the load said (or the refusal), and
    every table of the store and its ledger."""
    con = open_store(folder / f"{name}.duckdb")
    try:
        summary = load_files(con, [path], **options)
        outcome = repr([(f.read, f.loaded, f.rejected, sorted(f.by_table.items())) for f in summary.files])
    except Exception as exc:  # a file refused: the same refusal either way
        outcome = f"{type(exc).__name__}: {exc}"
    result = everything(con.raw)  # type: ignore[attr-defined]
    con.close()
    return outcome, result


@contextlib.contextmanager
def not_gathered(self: Staging) -> Iterator[None]:
    yield  # every chunk appended as it comes, as before


@SETTINGS
@given(children=st.lists(cin_child(), min_size=1, max_size=6), row_group=st.integers(1, 6))
def test_a_load_staged_a_row_group_at_a_time_gives_the_same_store_ledger_and_rejects(
    children: list[str], row_group: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        folder = Path(tmp)
        path = folder / "cin.xml"
        path.write_text(message("\n".join(children)), encoding="utf-8")
        patch.setattr(file_load, "CHUNK_ROWS", 2)  # many chunks, so many appends to gather
        patch.setattr(file_load, "CHUNK_PROBLEMS", 2)
        patch.setattr(staging, "ROW_GROUP_ROWS", row_group)
        gathered = load(folder, path, "gathered")
        patch.setattr(Staging, "gathering", not_gathered)
        as_they_come = load(folder, path, "as_they_come")
    assert gathered == as_they_come


def rows(n: int, start: int = 0, *, ints: bool = True) -> pa.Table:
    kind = pa.int64() if ints else pa.int32()
    return pa.table({"x": pa.array(range(start, start + n), kind)})


class Scratch(Staging):
    """A Staging whose one scratch table is a plain table x."""

    def append_arrow(self, name: str, data: pa.Table) -> None:
        self.tables.add(name)
        super().append_arrow(name, data)


def staged(con: Any) -> list[int]:
    return [int(r[0]) for r in con.execute(f"SELECT x FROM {staging_name('t')}").fetchall()]


def scratch(tmp_path: Path) -> tuple[Any, Scratch]:
    con = open_store(tmp_path / "s.duckdb")
    stage = Scratch(con)
    con.execute(f"CREATE TABLE {staging_name('t')} (x BIGINT)")
    return con, stage


def test_rows_are_staged_once_a_row_group_is_full_and_the_rest_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 5)
    con, stage = scratch(tmp_path)
    with stage.gathering():
        stage.append_arrow("t", rows(3))
        assert staged(con) == []  # 3 rows: not yet a row group
        stage.append_arrow("t", rows(3, 3))
        assert staged(con) == [0, 1, 2, 3, 4, 5]  # 6 rows: appended at once, in order
        stage.append_arrow("t", rows(1, 6, ints=False))  # another Arrow type: what was gathered goes first
        stage.append_arrow("t", rows(2, 7))
        assert staged(con) == [0, 1, 2, 3, 4, 5, 6]
    assert staged(con) == list(range(9))  # the rest when the reading ends
    stage.append_arrow("t", rows(1, 9))
    assert staged(con) == list(range(10))  # after the reading, rows are staged as they come
    con.close()


def test_a_failure_while_reading_stages_nothing_that_was_gathered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 5)
    con, stage = scratch(tmp_path)
    with pytest.raises(RuntimeError), stage.gathering():
        stage.append_arrow("t", rows(2))
        raise RuntimeError("the file is refused")
    assert staged(con) == []
    stage.append_arrow("t", rows(1, 2))
    assert staged(con) == [2]  # nothing left over from the failed reading
    con.close()
