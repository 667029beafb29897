"""The cscperf command line (`cscperf = "cscperf.cli:app"`).

Shared pieces every command uses: `options` (--db, --as-at, --la, --config, --kpi), `choices` (the fixed
choices as Enums), `console` (one console; data printed literally, control characters removed) and
`explained` (problems as plain messages and exit codes). The application itself is `main.app`; it is built
on first use of `cscperf.cli.app`, so that any command module can import the shared pieces without a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    app: typer.Typer


def __getattr__(name: str) -> object:
    if name == "app":
        from cscperf.cli.main import app

        return app
    raise AttributeError(f"module 'cscperf.cli' has no attribute {name!r}")
