"""The cscperf command line.

Exit codes: 0 ok, 1 a data problem (explained in plain English), 2 a usage error.
Messages never include a child's identifier.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cscperf import __version__
from cscperf.errors import CscperfError, UsageProblem

app = typer.Typer(
    help="cscperf: performance and oversight reporting for English children's social care.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[Path, typer.Option("--db", help="The store: a DuckDB file (created if missing).")]


def explained(command: Callable[P, R]) -> Callable[P, R]:
    """Turn known problems into a plain message and an exit code, never a traceback."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CscperfError as exc:
            errors.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except duckdb.IOException as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "input/output error"
            errors.print(
                f"[bold red]Error:[/] the store could not be used ({first}). Is another cscperf command using it?",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            errors.print("Stopped. Nothing half-written was kept.")
            raise typer.Exit(130) from None

    return run


def _version(value: bool) -> None:
    if value:
        console.print(f"cscperf {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and stop.")
    ] = False,
) -> None:
    """cscperf: performance and oversight reporting for English children's social care."""


@app.command()
@explained
def synth(
    db: DbOption = Path("cscperf.duckdb"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 1,
    years: Annotated[int, typer.Option(min=1, max=10, help="Years of data to the profile's end date.")] = 5,
    profile: Annotated[
        Path | None, typer.Option(help="Profile TOML describing the council (default: the seed report's).")
    ] = None,
    councils: Annotated[
        int,
        typer.Option(
            min=0,
            max=400,
            help="Generate this many councils of varied sizes (codes 001, 002, ...) "
            "instead of the profile's one council.",
        ),
    ] = 0,
    jobs: Annotated[int, typer.Option(min=1, help="Processes used to generate councils.")] = max(
        1, min(2, os.cpu_count() or 1)
    ),
    replace: Annotated[bool, typer.Option(help="Replace a council already in the store.")] = False,
) -> None:
    """Simulate a realistic synthetic council (or many) and write it into the store."""
    from cscperf.synth.many import council_profiles
    from cscperf.synth.profile import read_profile
    from cscperf.synth.runner import synthesise

    base = read_profile(profile)
    profiles = council_profiles(base, councils, seed) if councils else [base]
    with _progress() as progress:
        task = progress.add_task("Simulating and writing councils", total=len(profiles))
        totals = synthesise(
            db,
            profiles,
            seed=seed,
            years=years,
            jobs=jobs,
            replace=replace,
            on_council=lambda council: progress.advance(task),
        )
    console.print(f"Wrote {len(profiles)} council(s), {sum(totals.values()):,} records, to {db}.")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not sys.stdout.isatty(),
    )


@app.command()
@explained
def summary(db: DbOption = Path("cscperf.duckdb")) -> None:
    """Print what the store holds, council by council."""
    from cscperf.store.council_summary import council_summaries
    from cscperf.store.database import open_store

    con = open_store(db, read_only=True)
    try:
        rows = council_summaries(con)
    finally:
        con.close()
    if not rows:
        console.print(f"The store {db} holds no councils yet. Run `cscperf synth --db {db}` to make one.")
        return
    if len(rows) <= 3:
        for r in rows:
            table = Table(title=f"Council {r.la_code}: {r.la_name}", show_header=False, title_justify="left")
            table.add_column("What")
            table.add_column("Figure", justify="right")
            for label, value in (
                ("Data", f"{r.data_source}, {r.start} to {r.end}"),
                ("Children known", f"{r.children:,}"),
                ("Contacts", f"{r.contacts:,}"),
                ("Referrals", f"{r.referrals:,}"),
                ("Assessments", f"{r.assessments:,}"),
                ("Children on CP plans at the end", f"{r.cp_open:,}"),
                ("Children looked after at the end", f"{r.cla_open:,}"),
                ("  per 10,000 children aged 0-17", "-" if r.cla_rate_per_10k is None else f"{r.cla_rate_per_10k:.0f}"),
                ("Workers (employed and agency, ever)", f"{r.workers:,}"),
                ("Records", f"{r.rows:,}"),
            ):
                table.add_row(label, value)
            console.print(table)
    else:
        table = Table(title=f"What {db} holds")
        for heading in ("Council", "Children", "Referrals", "On CP plans", "Looked after", "Per 10,000"):
            table.add_column(heading, justify="left" if heading == "Council" else "right")
        for r in rows[:40]:
            table.add_row(
                r.la_code,
                f"{r.children:,}",
                f"{r.referrals:,}",
                f"{r.cp_open:,}",
                f"{r.cla_open:,}",
                "-" if r.cla_rate_per_10k is None else f"{r.cla_rate_per_10k:.0f}",
            )
        console.print(table)
        if len(rows) > 40:
            console.print(f"... and {len(rows) - 40} more councils.")
    console.print(
        "Children on CP plans and looked after are as at the last date of each council's data; "
        "looked after excludes short breaks (V3/V4)."
    )


@app.command()
@explained
def schema(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the schema as Markdown (docs/schema.md).")
    ] = False,
) -> None:
    """Show the store's tables and columns (the one definition both code and docs use)."""
    from cscperf.store.schema import load_schema, schema_markdown

    s = load_schema()
    if markdown:
        sys.stdout.write(schema_markdown(s))
        return
    table = Table(title=f"cscperf store schema, version {s.version}")
    table.add_column("Table")
    table.add_column("Origin")
    table.add_column("Columns", justify="right")
    table.add_column("What it holds")
    for t in s.tables:
        table.add_row(t.name, t.origin, str(len(t.all_columns)), t.description)
    console.print(table)


@app.command("working-days")
@explained
def working_days(
    start: Annotated[str, typer.Argument(help="First date, YYYY-MM-DD (day 0).")],
    end: Annotated[str, typer.Argument(help="Second date, YYYY-MM-DD.")],
) -> None:
    """Count England & Wales working days between two dates (the start date is day 0)."""
    import datetime as dt

    from cscperf.working_days import working_days_between

    try:
        a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise UsageProblem("Dates must be written YYYY-MM-DD, for example 2019-04-18.") from None
    try:
        n = working_days_between(a, b)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    console.print(f"{n} working day{'s' if abs(n) != 1 else ''} from {a} to {b} (start date = day 0).")
