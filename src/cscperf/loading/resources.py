"""What the database may use while a load (or an unload) runs: a memory limit, beyond which DuckDB spills its
work to a temporary folder beside the store instead of growing (DuckDB's own default is 80% of the machine's
memory, which a large merge would otherwise take). See limits.py for the setting."""

from __future__ import annotations

from cscperf.store.connection import Connection
from cscperf.store.statements import run


def limit_memory(con: Connection, limit: str) -> None:
    """Set DuckDB's memory limit (a size DuckDB reads, such as 2GB) on the connection; other databases manage
    their own memory."""
    if con.engine == "duckdb":
        run(con, f"SET memory_limit = '{limit}'")  # limit is checked by limits.memory_limit: digits and a unit
