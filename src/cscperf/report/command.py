"""`cscperf report`: write the committee performance report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cscperf.errors import UsageProblem


def report(
    db: Annotated[Path, typer.Option("--db", help="The store: a DuckDB file.")] = Path("cscperf.duckdb"),
    as_at: Annotated[str | None, typer.Option("--as-at", help="Report as at this date, YYYY-MM-DD.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")] = Path("report"),
    config: Annotated[Path | None, typer.Option("--config", help="cscperf.toml with targets and settings.")] = None,
    formats: Annotated[str, typer.Option("--format", help="Comma-separated: docx,pdf,html,xlsx.")] = "docx,pdf,html,xlsx",
) -> None:
    """Write the committee performance report (Word, PDF, HTML and Excel)."""
    raise UsageProblem("The report is not built yet.")
