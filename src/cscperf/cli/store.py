"""`cscperf synth`, `cscperf summary` and `cscperf schema`: make a synthetic council, say what a store holds,
show the store's tables."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cscperf.cli.console import DataTable, console, progress, say
from cscperf.cli.options import DEFAULT_STORE, StoreOption
from cscperf.store.connection import store_label
from cscperf.store.council_summary import CouncilSummary


def synth(
    db: StoreOption = DEFAULT_STORE,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 1,
    years: Annotated[int, typer.Option(min=1, max=10, help="Years of data to the profile's end date.")] = 5,
    profile: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Profile TOML describing the council (default: the seed report's)."),
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
    with progress() as bar:
        task = bar.add_task("Simulating and writing councils", total=len(profiles))
        totals = synthesise(
            db,
            profiles,
            seed=seed,
            years=years,
            jobs=jobs,
            replace=replace,
            on_council=lambda council: bar.advance(task),
        )
    say(f"Wrote {len(profiles)} council(s), {sum(totals.values()):,} records, to {store_label(db)}.")


def summary(db: StoreOption = DEFAULT_STORE) -> None:
    """Print what the store holds, council by council."""
    from cscperf.store.council_summary import council_summaries
    from cscperf.store.database import open_store

    con = open_store(db, read_only=True)
    try:
        rows = council_summaries(con)
    finally:
        con.close()
    if not rows:
        shown = store_label(db)
        say(f"The store {shown} holds no councils yet. Run `cscperf synth --db {shown}` to make one.")
        return
    if len(rows) <= 3:
        for r in rows:
            console.print(_one_council(r))
    else:
        console.print(_councils(rows[:40], db))
        if len(rows) > 40:
            say(f"... and {len(rows) - 40} more councils.")
    say(
        "Children on CP plans and looked after are as at the last date of each council's data; "
        "looked after excludes short breaks (V3/V4)."
    )
    _why_not_available(rows[:40] if len(rows) > 3 else rows)
    _why_no_rate(rows[:40] if len(rows) > 3 else rows)


def _figure(count: int | None) -> str:
    return "n/a" if count is None else f"{count:,}"


def _why_not_available(rows: list[CouncilSummary]) -> None:
    """Under the table: why each figure shown n/a is (never a 0 the data cannot support)."""
    for r in rows:
        for words, why in r.missing:
            say(f"{words} n/a{'' if len(rows) == 1 else f' for council {r.la_code}'}: {why}.")


def _per_10k(r: CouncilSummary) -> str:
    return "n/a" if r.cla_rate_per_10k is None else f"{r.cla_rate_per_10k:.0f}"


def _why_no_rate(rows: list[CouncilSummary]) -> None:
    """Under the table: why a rate per 10,000 is n/a (never a dash that could be read as none)."""
    from cscperf.indicators.coverage import no_population

    without = [r.la_code for r in rows if r.cla_rate_per_10k is None and r.cla_open is not None]
    if without:
        say(f"Per 10,000 n/a: {no_population(without)}.")
    if any(r.cla_open is None for r in rows):
        say("Per 10,000 n/a where the children looked after are n/a: it is worked from them.")


def _one_council(r: CouncilSummary) -> DataTable:
    table = DataTable(title=f"Council {r.la_code}: {r.la_name}", show_header=False, title_justify="left")
    table.add_column("What")
    table.add_column("Figure", justify="right")
    span = f"{r.start} to {r.end}" if r.start and r.end else "dates not known"
    for label, value in (
        ("Data", f"{r.data_source}, {span}"),
        ("Children known", f"{r.children:,}"),
        ("Contacts", _figure(r.contacts)),
        ("Referrals", _figure(r.referrals)),
        ("Assessments", _figure(r.assessments)),
        ("Children on CP plans at the end", _figure(r.cp_open)),
        ("Children looked after at the end", _figure(r.cla_open)),
        ("  per 10,000 children aged 0-17", _per_10k(r)),
        ("Workers (employed and agency, ever)", _figure(r.workers)),
        ("Records", f"{r.rows:,}"),
    ):
        table.add_row(label, value)
    return table


def _councils(rows: list[CouncilSummary], db: str) -> DataTable:
    table = DataTable(title=f"What {store_label(db)} holds")
    for heading in ("Council", "Children", "Referrals", "On CP plans", "Looked after", "Per 10,000"):
        table.add_column(heading, justify="left" if heading == "Council" else "right")
    for r in rows:
        table.add_row(r.la_code, f"{r.children:,}", _figure(r.referrals), _figure(r.cp_open), _figure(r.cla_open),
                      _per_10k(r))  # fmt: skip
    return table


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
    table = DataTable(title=f"cscperf store schema, version {s.version}")
    table.add_column("Table", overflow="fold")
    table.add_column("Origin")
    table.add_column("Columns", justify="right")
    table.add_column("What it holds")
    for t in s.tables:
        table.add_row(t.name, t.origin, str(len(t.all_columns)), t.description)
    console.print(table)
