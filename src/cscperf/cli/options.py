"""The options commands share, each defined once: where the store is, the as-at date, the council(s), the
configuration file, and indicator ids. A command declares `db: StoreOption = DEFAULT_STORE` and gets the same
name, help, environment variable and checks as every other command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from cscperf.errors import UsageProblem

DEFAULT_STORE = "cscperf.duckdb"
STORE_VARIABLE = "CSCPERF_DB"
DATE_SPELLINGS = "YYYY-MM-DD or DD/MM/YYYY"


def command_group(help_text: str, *, no_args_is_help: bool = True, invoke_without_command: bool = False) -> typer.Typer:
    """A Typer app (the root or a group of subcommands) with help printed as written: no Rich markup, so a
    `[section]` in help text is shown, not swallowed."""
    return typer.Typer(
        help=help_text,
        no_args_is_help=no_args_is_help,
        invoke_without_command=invoke_without_command,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


def as_at_date(text: str) -> dt.date:
    """A date as councils write them: 2026-03-31 or 31/03/2026 (the spellings the loaders read)."""
    from cscperf.loading.values import BadValue, read_date

    try:
        day = read_date(text)
    except BadValue:
        day = None
    if day is None:
        raise typer.BadParameter(f"write the date as {DATE_SPELLINGS}, for example 2026-03-31; not {text!r}.")
    return day


def as_at_or_last_month(day: dt.date | None, con: object, la_code: str) -> dt.date:
    """The as-at date given, or else the end of the last complete month of the council's data."""
    if day is not None:
        return day
    from cscperf.indicators.coverage import default_as_at, why_no_default_as_at

    found = default_as_at(con, la_code)  # type: ignore[arg-type]
    if found is None:
        why = why_no_default_as_at(con, la_code)  # type: ignore[arg-type]
        raise UsageProblem(f"{why}: give --as-at {DATE_SPELLINGS}.")
    return found


def one_council(codes: list[str] | None) -> str | None:
    """The one council a command works on, from a repeatable --la."""
    if codes and len(set(codes)) > 1:
        raise UsageProblem(f"This command works on one council at a time; --la was given {len(set(codes))} times.")
    return codes[0] if codes else None


StoreOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar=STORE_VARIABLE,
        metavar="STORE",
        help="The store: a DuckDB file (created by synth or load), or a PostgreSQL database as a postgresql:// "
        "URL (docs/postgresql.md).",
    ),
]
AsAtOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-at",
        parser=as_at_date,
        metavar="DATE",
        help=f"The date figures are as at: {DATE_SPELLINGS} (default: the end of the last complete month of the data).",
    ),
]
CouncilsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--la",
        metavar="CODE",
        help="Council's 3-digit DfE code; needed when the store holds several. Repeat to compare councils. "
        "kpis --la ALL: every council pooled, and each beside it, small numbers withheld.",
    ),
]
CouncilOption = Annotated[
    list[str] | None,
    typer.Option("--la", metavar="CODE", help="Council's 3-digit DfE code; needed when the store holds several."),
]
"""One council: the command reads it with `one_council(la)`, which refuses --la given twice (instead of
silently keeping the last)."""
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Configuration file (cscperf.toml): local indicator settings, targets, disclosure; "
        "cscperf.example.toml explains each.",
    ),
]
IndicatorsOption = Annotated[
    list[str] | None,
    typer.Option("--kpi", metavar="ID", help="Indicator id (repeat for several; `cscperf kpis list` shows them)."),
]
IndicatorOption = Annotated[
    str | None, typer.Option("--kpi", metavar="ID", help="Indicator id (`cscperf kpis list` shows them).")
]
MemoryLimitOption = Annotated[
    str | None,
    typer.Option(
        "--memory-limit",
        envvar="CSCPERF_MEMORY_LIMIT",
        metavar="SIZE",
        help="Memory the database may use while loading, such as 1GB (the default) or 2GB; beyond it, work "
        "spills to a temporary folder beside the store.",
    ),
]
