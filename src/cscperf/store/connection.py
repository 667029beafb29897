"""The one way cscperf talks to its store, whichever database holds it.

A store is either an embedded DuckDB file (the default: an analyst's laptop) or a PostgreSQL database (a
server shared by many users, or by the councils of a region). Everything else in cscperf sees only this
interface: `execute` (DuckDB-dialect SQL with `?` parameters, returning a cursor), `register` and
`unregister` (an Arrow table readable by name in SQL), `append` (bulk rows into a table: COPY on
PostgreSQL), `transaction`, `lock_councils` (loads into one council one at a time) and `close`.

`--db` (or `CSCPERF_DB`) names the store: a path for DuckDB, a `postgresql://` URL for PostgreSQL.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pyarrow as pa

Engine = Literal["duckdb", "postgresql"]
Row = tuple[Any, ...]
Parameters = Sequence[object] | Mapping[str, object] | None
"""A statement's parameters: by position (`?`) or by name (`$name`)."""
SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_store(db: str | Path) -> bool:
    """Whether `db` names a PostgreSQL store (a URL) rather than a DuckDB file."""
    return isinstance(db, str) and db.strip().lower().startswith(SERVER_SCHEMES)


def store_label(db: str | Path) -> str:
    """`db` as it may be printed: a URL's password is never shown, whatever it holds. The user name and password
    end at the URL's last "@" (a host never holds one), so a password with "?", "/", "#" or "@" that was not
    percent-encoded (which splits the URL elsewhere) is not shown either."""
    if not is_server_store(db):
        return str(db)
    text = str(db).strip()
    scheme, _, rest = text.partition("://")
    if "@" in rest:
        userinfo, rest = rest.rsplit("@", 1)
        rest = f"{userinfo.split(':', 1)[0]}@{rest}"
    parts = urlsplit(f"{scheme}://{rest}")
    query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def without_password(message: str, db: str | Path) -> str:
    """A driver's message with the URL's password, and any piece of it (a password the URL split at an "@", "/"
    or "?" gives the driver pieces of it as a host or database name), replaced by "***"."""
    text = str(db).strip()
    rest = text.partition("://")[2]
    if "@" not in rest:
        return message
    password = rest.rsplit("@", 1)[0].partition(":")[2]
    pieces = sorted({password, *re.split(r"[@/?#]", password)}, key=len, reverse=True)
    for piece in pieces:
        if len(piece) >= 3:
            message = message.replace(piece, "***")
    return message


class StoreError(Exception):
    """A database server refused or failed a statement. The message never holds the data involved (a
    server's details can quote the values of a row, such as a child's identifier), only what went wrong."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


DATABASE_ERRORS: tuple[type[Exception], ...] = (duckdb.Error, StoreError)
"""What a failed statement raises, on either engine."""


class Cursor(Protocol):
    """The result of one statement."""

    @property
    def description(self) -> Sequence[Sequence[Any]]:
        """(name, type, ...) of each column of the result (empty for a statement that returns no rows)."""

    def fetchall(self) -> list[Row]: ...

    def fetchone(self) -> Row | None: ...

    def fetchmany(self, size: int) -> list[Row]: ...

    def __iter__(self) -> Iterator[Row]: ...


class Connection(ABC):
    """An open store. Use it as a context manager, or close it."""

    engine: Engine
    read_only: bool
    label: str
    created: bool = False
    """Whether opening it created the store (a new DuckDB file, or the tables in an empty database)."""

    @abstractmethod
    def execute(self, sql: str, params: Parameters = None) -> Cursor:
        """Run one statement written in DuckDB's dialect, with `?` for each parameter (or `$name`, given a
        mapping of names to values)."""

    @abstractmethod
    def execute_as_written(self, sql: str, params: Parameters = None) -> Cursor:
        """Run one statement written in this engine's own dialect (DDL made for it, say), untranslated."""

    @abstractmethod
    def register(self, name: str, data: pa.Table) -> None:
        """Make `data` readable in SQL as the table `name` (until `unregister`)."""

    @abstractmethod
    def unregister(self, name: str) -> None: ...

    @abstractmethod
    def append(self, table: str, data: pa.Table) -> int:
        """Add every row of `data` to `table`, matching columns by name; returns the rows written."""

    @abstractmethod
    def read_batches(self, sql: str, schema: pa.Schema, rows: int = 100_000) -> Iterator[pa.RecordBatch]:
        """The rows of a query (DuckDB dialect, no parameters) as Arrow batches of `schema`, a few at a time."""

    @abstractmethod
    def table_exists(self, name: str) -> bool:
        """Whether the table `name` (which may be a scratch table, `cscperf_staging.x`) exists."""

    @abstractmethod
    def close(self) -> None: ...

    def analyse(self, table: str) -> None:
        """Let the planner know a table's rows, after filling it (PostgreSQL; DuckDB keeps its own statistics)."""
        return None

    @contextmanager
    def indicator_planning(self) -> Iterator[None]:
        """The planner settings that suit the indicator engine's queries, for as long as they run (PostgreSQL;
        none for DuckDB)."""
        yield

    @contextmanager
    def reading_sessions(self, count: int) -> Iterator[list[Connection]]:
        """This session and up to `count - 1` more of the same store, as the same role, all reading one and
        the same state of it until the block ends, for queries run side by side (PostgreSQL: one snapshot;
        see `PostgresConnection`). A DuckDB connection uses every core itself: this one alone."""
        yield [self]

    def cancel(self) -> None:
        """Stop the statement this session is running (called from another thread); it fails as cancelled."""
        return None

    def lock_councils(self, la_codes: Iterable[str], on_wait: Callable[[str], None] | None = None) -> None:
        """Hold, until the current transaction ends, the right to write these councils' rows, waiting for
        any other command writing them (`on_wait` is told which council is waited for). A DuckDB file is
        written by one process at a time anyway."""
        return None

    def begin(self) -> None:
        self.execute("BEGIN TRANSACTION").fetchall()

    def commit(self) -> None:
        self.execute("COMMIT").fetchall()

    def rollback(self) -> None:
        self.execute("ROLLBACK").fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside happens, or (on any exception) nothing does."""
        self.begin()
        try:
            yield
        except BaseException:
            with suppress(*DATABASE_ERRORS):  # a failed COMMIT has already ended the transaction
                self.rollback()
            raise
        self.commit()

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def connect(db: str | Path, *, read_only: bool = False) -> Connection:
    """Open a connection to the database `db` names, without looking at what it holds (`open_store` in
    `cscperf.store.database` also checks and creates the schema)."""
    if is_server_store(db):
        from cscperf.store.postgres_connection import PostgresConnection

        return PostgresConnection.open(str(db).strip(), read_only=read_only)
    from cscperf.store.duckdb_connection import DuckDBConnection

    return DuckDBConnection.open(Path(db), read_only=read_only)
