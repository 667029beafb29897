"""The one way the web service reaches the store: `reading()` opens it for one request and closes it after
(so a load can take the store between requests), and `store_version()` names the store's state, so figures
computed once are reused until the store changes.

The PostgreSQL store (docs/postgresql.md) is reached the same way: `open_store` takes the `postgresql://` URL
in `CSCPERF_DB`, and `store_version` reads the store's last load instead of the file's modification time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.conf import settings

from cscperf.store.connection import Connection, is_server_store
from cscperf.store.database import open_store
from cscperf.store.duckdb_connection import DuckDBConnection, quiet


def store_target() -> str:
    return str(settings.STORE)


_checked: set[str] = set()


def _open_reading() -> Connection:
    """Read-only; the store's schema is checked once per store state (a check costs more than the query)."""
    if is_server_store(store_target()):
        return open_store(store_target(), read_only=True)
    version = store_version()
    if version in _checked:
        try:
            path = Path(store_target())  # a lock held by a load raises duckdb.IOException, as pages expect
            return DuckDBConnection(quiet(duckdb.connect(str(path), read_only=True)), path, read_only=True)
        except duckdb.IOException:
            raise
        except duckdb.Error:
            _checked.discard(version)
    con = open_store(store_target(), read_only=True)
    _checked.add(version)
    return con


@contextmanager
def reading() -> Iterator[Connection]:
    """The store, read-only, for the length of a `with` block."""
    con = _open_reading()
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing() -> Iterator[Connection]:
    """The store, for a load."""
    con = open_store(store_target())
    try:
        yield con
    finally:
        con.close()


_server_version: tuple[float, str] = (0.0, "")
_SERVER_VERSION_SECONDS = 5.0


def store_version() -> str:
    """Changes whenever the store is written: for a DuckDB file, the modification time and size of the file and
    its log; for a server store, its loads (count and latest), looked up at most every 5 seconds."""
    global _server_version
    target = store_target()
    if is_server_store(target):
        checked, version = _server_version
        if time.monotonic() - checked < _SERVER_VERSION_SECONDS and version:
            return version
        with reading() as con:
            row = con.execute("SELECT count(*), max(loaded_at) FROM cscperf_loads").fetchone()
        version = f"loads:{row[0] if row else 0}:{row[1] if row else ''}"
        _server_version = (time.monotonic(), version)
        return version
    parts = []
    for path in (Path(store_target()), Path(store_target() + ".wal")):
        try:
            stat = os.stat(path)
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
    return "/".join(parts)


def open_reader() -> Connection:
    """A read-only connection the caller closes (for the figures' builders, which open only on a cache miss)."""
    return _open_reading()
