"""The app database's migrations. `_0002_guard` puts the audit table's append-only triggers back (tests)."""

from __future__ import annotations

import sqlite3


def _0002_guard(database: sqlite3.Connection) -> None:
    from importlib import import_module

    module = import_module("cscperf.web.migrations.0002_audit_append_only")
    for sql in module.SQLITE:
        database.execute(sql)
    database.commit()
