"""The store in a PostgreSQL database, through psycopg 3.

Statements arrive in DuckDB's dialect and are translated once each (`cscperf.store.dialect`). Bulk rows go
in with COPY. Every session reads dates as ISO, in UTC, and text compares byte by byte (the store's text
columns use the "C" collation), so results are the same as DuckDB's. Numbers come back as Python ints
and floats (never Decimal), JSON as the text stored, as DuckDB gives them.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader

from cscperf.errors import ConcurrentChange, DataProblem
from cscperf.store.connection import Connection, Engine, Parameters, Row, StoreError, store_label, without_password
from cscperf.store.dialect import SCRATCH_SCHEMA, to_postgres

LOCK_CLASS = 0x63736370  # "cscp": the first key of cscperf's advisory locks (the second is the council)
COPY_BATCH_ROWS = 50_000
SESSION_SETTINGS = (  # what results look like: the same as DuckDB's, whatever the server's defaults
    "SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'; SET intervalstyle = 'postgres'; SET extra_float_digits = 1"
)
PLANNER_DEFAULTS = (
    # Every per-council join also matches la_code, which has one value in a council's store; the planner then
    # takes merge joins on la_code alone for a cross join (100 times slower): hash joins match every key.
    "-c enable_mergejoin=off",
    # A CTE read several times is computed once, and the planner guesses its rows from the filters within it,
    # often as 1; it then loops over one side for each row of the other (long-term stability alone: 18 s
    # against 0.6 s with hash joins; the lists and drill-downs no slower). Hash joins bound every join.
    "-c enable_nestloop=off",
    # Indicator queries are compiled in less time than JIT compilation takes.
    "-c jit=off",
    # Sorts and hash joins of a region's (or England's) records in memory rather than spilled to disk: twice as
    # fast for 20 councils. A limit, not an allocation: a council's own queries use a fraction of it.
    "-c work_mem=512MB",
)
INDICATOR_PLANNING = (
    # Grouping by hashing rather than sorting: an indicator groups hundreds of thousands of (council, period,
    # child) rows, and the planner sorts them (text keys) for a GroupAggregate it costs as cheaper. Sorts
    # still happen where nothing else will do (windows, ORDER BY). 16 councils' slowest indicators (long-term
    # stability, PEPs, visits in time) took half the time (docs/postgresql.md). Measured on indicators only,
    # so set only while the indicator engine runs (loads, lists and the rest plan as PostgreSQL chooses).
    "enable_sort",
)
TEXT_COLLATION = 'COLLATE "C"'
_SNAPSHOT = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")  # an exported snapshot's name, as pg_export_snapshot gives it


class NumberLoader(Loader):
    """NUMERIC as int when it has no fraction digits, float otherwise (DuckDB gives BIGINT or DOUBLE where
    PostgreSQL gives NUMERIC: sums of integers, EXTRACT, division)."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode("ascii")
        if "." in text or text.lower() in ("nan", "infinity", "-infinity") or "e" in text.lower():
            return float(text)
        return int(text)


class PostgresCursor:
    """psycopg's cursor, answering as DuckDB's does for statements that return no rows."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: psycopg.Cursor[Row]) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Sequence[Sequence[Any]]:
        found = self._cursor.description
        return [] if found is None else [(c.name, c.type_code) for c in found]

    def fetchall(self) -> list[Row]:
        return self._cursor.fetchall() if self._cursor.description is not None else []

    def fetchone(self) -> Row | None:
        return self._cursor.fetchone() if self._cursor.description is not None else None

    def fetchmany(self, size: int) -> list[Row]:
        return self._cursor.fetchmany(size) if self._cursor.description is not None else []

    def __iter__(self) -> Iterator[Row]:
        if self._cursor.description is not None:
            yield from self._cursor


class PostgresConnection(Connection):
    engine: Engine = "postgresql"

    def __init__(self, raw: psycopg.Connection[Row], url: str, read_only: bool) -> None:
        self.raw = raw
        self.url = url
        self.read_only = read_only
        self.label = store_label(url)
        self._registered: set[str] = set()
        self._temporary: set[str] = set()  # temporary tables made empty: analysed whenever rows are added
        self._indicator_planning = 0  # how many indicator runs are under way (nested): sorts off while any are

    @classmethod
    def open(cls, url: str, *, read_only: bool) -> PostgresConnection:
        settings = psycopg.conninfo.conninfo_to_dict(url)
        settings.setdefault("connect_timeout", "15")
        settings.setdefault("application_name", "cscperf")
        # the URL's own options (?options=-c%20work_mem%3D256MB) come after, so they win
        settings["options"] = " ".join([*PLANNER_DEFAULTS, str(settings.get("options") or "")]).strip()
        try:
            raw = psycopg.connect(**settings, autocommit=True)  # type: ignore[arg-type]
        except psycopg.Error as exc:
            raise DataProblem(
                f"The PostgreSQL store {store_label(url)} could not be reached: "
                f"{without_password(_first_line(exc), url)}"
            ) from None
        raw.adapters.register_loader("numeric", NumberLoader)
        for name in ("json", "jsonb"):
            raw.adapters.register_loader(name, TextLoader)
        connection = cls(raw, url, read_only)
        # A reader is not made a read-only session: indicators need temporary tables, which PostgreSQL refuses
        # in a read-only transaction. What a role may change is the database's grants and policies.
        connection.execute_as_written(SESSION_SETTINGS)
        return connection

    def execute(self, sql: str, params: Parameters = None) -> PostgresCursor:
        translated = to_postgres(sql)
        for statement in translated.before:
            self.execute_as_written(statement, [])
        values: Parameters = params if isinstance(params, Mapping) else list(params or [])
        result = self.execute_as_written(translated.main, values)
        for statement in translated.after:
            self.execute_as_written(statement, [])
        if translated.temporary_table_made:
            self._temporary.add(translated.temporary_table_made)
        elif translated.table_filled in self._temporary:
            self.analyse(f"pg_temp.{translated.table_filled}")
        return result

    def analyse(self, table: str) -> None:
        """Let the planner know the table's rows (autovacuum never analyses temporary tables)."""
        self.execute_as_written(f"ANALYZE {server_table_name(table)}").fetchall()

    @contextmanager
    def indicator_planning(self) -> Iterator[None]:
        """Sorts off (`INDICATOR_PLANNING`) while the indicator engine's queries run, then the session's own
        setting again (the URL's `options` if it gave one). Nested uses keep it off until the outermost ends."""
        self._indicator_planning += 1
        try:
            if self._indicator_planning == 1:
                for name in INDICATOR_PLANNING:
                    self.execute_as_written(f"SET {name} = off")
            yield
        finally:
            self._indicator_planning -= 1
            if self._indicator_planning == 0:
                with suppress(StoreError, psycopg.Error):  # in a failed transaction: the error already raised
                    for name in INDICATOR_PLANNING:
                        self.execute_as_written(f"RESET {name}")

    @contextmanager
    def reading_sessions(self, count: int) -> Iterator[list[Connection]]:
        """This session and `count - 1` more, each its own connection to the same URL (so the same role: row
        security shows each the same rows), all reading one snapshot of the store, as `pg_dump --jobs` does:
        this session begins a REPEATABLE READ transaction and exports its snapshot, which the others import
        before their first query. Not READ ONLY: the indicator engine makes temporary tables, which a read-only
        transaction may not; the role's grants decide what may be changed. The others are closed when the block
        ends (their temporary tables with them); this session's transaction is committed, or rolled back if the
        block failed. Already in a transaction (whose snapshot others could not share), it is alone; when the
        server refuses another connection (too many), fewer sessions are given."""
        if count <= 1 or self.raw.info.transaction_status != TransactionStatus.IDLE:
            yield [self]
            return
        role = self.execute_as_written("SELECT current_user").fetchall()
        self.execute_as_written("BEGIN ISOLATION LEVEL REPEATABLE READ")
        others: list[PostgresConnection] = []
        try:
            found = self.execute_as_written("SELECT pg_export_snapshot()").fetchone()
            snapshot = str(found[0]) if found else ""
            if not _SNAPSHOT.fullmatch(snapshot):
                raise StoreError("the server gave no snapshot to share")
            for _ in range(count - 1):
                try:
                    other = PostgresConnection.open(self.url, read_only=self.read_only)
                except DataProblem:  # the server takes no more connections now: fewer sessions do the work
                    break
                others.append(other)
                if other.execute_as_written("SELECT current_user").fetchall() != role:
                    raise StoreError("another session of the store connected as a different role")
                other.execute_as_written("BEGIN ISOLATION LEVEL REPEATABLE READ")
                other.execute_as_written(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            yield [self, *others]
        except BaseException:
            with suppress(StoreError, DataProblem, psycopg.Error):  # the failure told is the one raised here
                self.execute_as_written("ROLLBACK")
            raise
        else:
            self.execute_as_written("COMMIT")
        finally:
            for other in others:
                with suppress(psycopg.Error):
                    other.close()

    def cancel(self) -> None:
        with suppress(psycopg.Error):
            self.raw.cancel_safe(timeout=10)

    def execute_as_written(self, sql: str, params: Parameters = None) -> PostgresCursor:
        """A statement in PostgreSQL's own dialect, run as written (`%s` parameters)."""
        try:
            cursor = self.raw.cursor()  # (a connection the server closed fails here: told as such)
            cursor.execute(sql, params)  # SQL made by cscperf, never from input
        except psycopg.Error as exc:
            raise told(exc) from exc
        return PostgresCursor(cursor)

    def register(self, name: str, data: pa.Table) -> None:
        columns = ", ".join(f"{field.name} {_column_type(field.type)}" for field in data.schema)
        self.execute_as_written(f"DROP TABLE IF EXISTS pg_temp.{name}")
        self.execute_as_written(f"CREATE TEMPORARY TABLE {name} ({columns})")
        self._registered.add(name)
        self._copy(f"pg_temp.{name}", data)
        self.execute_as_written(f"ANALYZE pg_temp.{name}")

    def unregister(self, name: str) -> None:
        if name in self._registered:
            self.execute_as_written(f"DROP TABLE IF EXISTS pg_temp.{name}")
            self._registered.discard(name)

    def append(self, table: str, data: pa.Table) -> int:
        return self._copy(server_table_name(table), data)

    def _copy(self, table: str, data: pa.Table) -> int:
        if data.num_rows == 0:
            return 0
        data = _copyable(data)
        sql = f"COPY {table} ({', '.join(data.column_names)}) FROM STDIN (FORMAT csv)"
        options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
        try:
            with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                for batch in data.to_batches(max_chunksize=COPY_BATCH_ROWS):
                    buffer = io.BytesIO()
                    pa_csv.write_csv(pa.Table.from_batches([batch]), buffer, options)
                    copy.write(buffer.getbuffer())
        except psycopg.Error as exc:
            raise told(exc) from exc
        return int(data.num_rows)

    def read_batches(self, sql: str, schema: pa.Schema, rows: int = 100_000) -> Iterator[pa.RecordBatch]:
        translated = to_postgres(sql)
        with self.raw.transaction(), self.raw.cursor(name="cscperf_read_batches") as cursor:
            cursor.execute(translated.main)
            while found := cursor.fetchmany(rows):
                columns = list(zip(*found, strict=True))
                yield pa.record_batch(
                    [pa.array(values, type=field.type) for values, field in zip(columns, schema, strict=True)],
                    schema=schema,
                )

    def table_exists(self, name: str) -> bool:
        cursor = self.execute_as_written("SELECT to_regclass(%s) IS NOT NULL", [server_table_name(name)])
        row = cursor.fetchone()
        return bool(row and row[0])

    def lock_councils(self, la_codes: Iterable[str], on_wait: Callable[[str], None] | None = None) -> None:
        if self.raw.info.transaction_status != TransactionStatus.INTRANS:
            raise RuntimeError("lock_councils is for inside a transaction")
        for la_code in sorted(set(la_codes)):
            key = [LOCK_CLASS, council_lock_key(la_code)]
            row = self.execute_as_written("SELECT pg_try_advisory_xact_lock(%s, %s)", key).fetchone()
            if row and row[0]:
                continue
            if on_wait is not None:
                on_wait(la_code)
            self.execute_as_written("SELECT pg_advisory_xact_lock(%s, %s)", key).fetchall()

    def close(self) -> None:
        self.raw.close()


def server_table_name(name: str) -> str:
    """A table's name on the server: scratch tables are the session's temporary tables."""
    schema, _, table = name.rpartition(".")
    return f"pg_temp.{table}" if schema == SCRATCH_SCHEMA else name


def council_lock_key(la_code: str) -> int:
    """The second key of a council's advisory lock: its code as a number (codes are three digits)."""
    if la_code.isdigit() and len(la_code) <= 9:
        return int(la_code)
    return zlib.crc32(la_code.encode("utf-8")) & 0x7FFFFFFF


ARROW_TO_POSTGRES = (
    (pa.types.is_date, "date"),
    (pa.types.is_timestamp, "timestamp"),
    (pa.types.is_boolean, "boolean"),
    (pa.types.is_int8, "smallint"),
    (pa.types.is_int16, "smallint"),
    (pa.types.is_int32, "integer"),
    (pa.types.is_integer, "bigint"),
    (pa.types.is_floating, "double precision"),
    (pa.types.is_binary, "bytea"),
    (pa.types.is_large_binary, "bytea"),
)


def _column_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    for test, name in ARROW_TO_POSTGRES:
        if test(arrow_type):
            return name
    return f"text {TEXT_COLLATION}"


def _copyable(data: pa.Table) -> pa.Table:
    """Columns CSV can carry: dictionaries decoded, binary as PostgreSQL's hex text."""
    columns = []
    for column in data.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            column = pa.chunked_array(
                [pa.array([None if v is None else "\\x" + v.hex() for v in column.to_pylist()], pa.string())]
            )
        elif _text(column.type) and pc.any(pc.match_substring(column, "\x00")).as_py():
            raise DataProblem(
                "A text value holds a NUL character, which a PostgreSQL store cannot hold; nothing was "
                "written. Remove the character from the source file."
            )
        columns.append(column)
    return pa.table(columns, names=data.column_names)


def _text(arrow_type: pa.DataType) -> bool:
    return bool(pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type))


# ------------------------------------------------------------------------------------------ errors
_QUOTED = re.compile(r'"([^"]*)"')
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_EXPECTED = {
    "42501": "your database role may not do this",
    "25006": "the store was opened read-only",
    "40P01": "another command was changing the same records at the same moment (run it again)",
    "40001": "another command was changing the same records at the same moment (run it again)",
    "55P03": "the records are locked by another command",
    "57014": "the server cancelled the command",
    "53100": "the server's disk is full",
    "53200": "the server ran out of memory",
}


_CONCURRENT = ("40P01", "40001")  # deadlock detected, serialisation failure


def told(exc: psycopg.Error) -> Exception:
    """A server's error as cscperf tells it: what went wrong, never the values involved. Problems of
    operation (no permission, disk full, connection lost) are DataProblems with a plain message; anything
    else is a StoreError (a defect of cscperf's, reported as unexpected)."""
    sqlstate = exc.sqlstate
    primary = exc.diag.message_primary or _first_line(exc)
    primary = _QUOTED.sub(lambda m: m.group(0) if _IDENTIFIER.fullmatch(m.group(1)) else '"…"', primary)
    if sqlstate in _EXPECTED or isinstance(exc, psycopg.OperationalError) or (sqlstate or "").startswith("08"):
        what = _EXPECTED.get(sqlstate or "", "the connection to the server failed")
        kind = ConcurrentChange if sqlstate in _CONCURRENT else DataProblem
        return kind(
            f"The PostgreSQL store refused or stopped the command: {what} ({primary}). Nothing half-done was kept."
        )
    return StoreError(f"{primary} (SQLSTATE {sqlstate})", sqlstate)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
