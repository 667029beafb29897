"""The store in an embedded DuckDB file: statements run as written, Arrow tables are read in place."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from cscperf.errors import DataProblem
from cscperf.store.connection import Connection, Engine, Parameters, Row


def quiet(raw: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that draws no progress bar (every connection cscperf makes): DuckDB otherwise draws
    one on standard output for a query over two seconds, even when that is not a terminal, which garbles --json
    output and a second process's answer. (A setting of the session: DuckDB refuses it in `connect`'s config.)"""
    raw.execute("SET enable_progress_bar = false")
    return raw


class DuckDBCursor:
    """DuckDB's result, iterable."""

    __slots__ = ("_result",)

    def __init__(self, result: duckdb.DuckDBPyConnection) -> None:
        self._result = result

    @property
    def description(self) -> Sequence[Sequence[Any]]:
        return self._result.description or []

    def fetchall(self) -> list[Row]:
        return self._result.fetchall()

    def fetchone(self) -> Row | None:
        return self._result.fetchone()

    def fetchmany(self, size: int) -> list[Row]:
        return self._result.fetchmany(size)

    def __iter__(self) -> Iterator[Row]:
        while rows := self._result.fetchmany(10_000):
            yield from rows


class DuckDBConnection(Connection):
    engine: Engine = "duckdb"

    def __init__(self, raw: duckdb.DuckDBPyConnection, path: Path, read_only: bool, new_file: bool = False) -> None:
        self.raw = raw
        self.path = path
        self.new_file = new_file
        self.read_only = read_only
        self.label = str(path)

    @classmethod
    def open(cls, path: Path, *, read_only: bool) -> DuckDBConnection:
        new_file = not path.exists()
        try:
            raw = quiet(duckdb.connect(str(path), read_only=read_only))
        except duckdb.Error as exc:
            raise DataProblem(f"{path} could not be opened as a cscperf store: {_first_line(exc)}") from None
        return cls(raw, path, read_only, new_file)

    def execute(self, sql: str, params: Parameters = None) -> DuckDBCursor:
        return DuckDBCursor(self.raw.execute(sql, params))

    execute_as_written = execute

    def register(self, name: str, data: pa.Table) -> None:
        self.raw.register(name, data)

    def unregister(self, name: str) -> None:
        self.raw.unregister(name)

    def append(self, table: str, data: pa.Table) -> int:
        view = "cscperf_append_rows"
        columns = ", ".join(data.column_names)
        self.raw.register(view, data)
        try:
            self.raw.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}").fetchall()
        finally:
            self.raw.unregister(view)
        return int(data.num_rows)

    def read_batches(self, sql: str, schema: pa.Schema, rows: int = 100_000) -> Iterator[pa.RecordBatch]:
        reader = self.raw.sql(sql).to_arrow_reader(rows)
        assert reader is not None
        for batch in reader:
            if batch.num_rows:
                yield from pa.Table.from_batches([batch]).rename_columns(schema.names).cast(schema).to_batches()

    def table_exists(self, name: str) -> bool:
        schema, _, table = name.rpartition(".")
        rows = self.raw.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = "
            + ("?" if schema else "current_schema()"),
            [table, schema] if schema else [table],
        ).fetchall()
        return bool(rows[0][0])

    def close(self) -> None:
        self.raw.close()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
