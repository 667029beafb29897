"""The cscperf command line.

Exit codes: 0 ok, 1 a data problem (explained in plain English), 2 a usage error.
Messages never include a child's identifier.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cscperf import __version__
from cscperf.errors import CscperfError, DataProblem, UsageProblem
from cscperf.indicators.engine import Result
from cscperf.indicators.series import SeriesKind
from cscperf.indicators.settings import IndicatorSettings
from cscperf.store.connection import Connection, StoreError, store_label

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

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="CSCPERF_DB",
        help="The store: a DuckDB file (created if missing) or a postgresql:// URL (docs/postgresql.md).",
    ),
]


def explained(command: Callable[P, R]) -> Callable[P, R]:
    """Turn known problems into a plain message and an exit code, never a traceback."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CscperfError as exc:
            errors.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except StoreError as exc:
            errors.print(
                f"[bold red]Error:[/] the store could not do this: {escape(str(exc))}. Nothing half-done was kept. "
                "Please report it with the cscperf version.",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None
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
    db: DbOption = "cscperf.duckdb",
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
    console.print(f"Wrote {len(profiles)} council(s), {sum(totals.values()):,} records, to {store_label(db)}.")


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
def summary(db: DbOption = "cscperf.duckdb") -> None:
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
        console.print(f"The store {shown} holds no councils yet. Run `cscperf synth --db {shown}` to make one.")
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
        table = Table(title=f"What {store_label(db)} holds")
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


kpis_app = typer.Typer(
    help="Indicators: monthly (or yearly, or rolling 12-month) series for the whole library or chosen ids.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(kpis_app, name="kpis")

PeriodOption = Annotated[
    str, typer.Option("--period", help="Series of: month (default), financial-year or rolling-12.")
]
LaOption = Annotated[
    str | None,
    typer.Option(
        "--la",
        help="Council (3-digit DfE code); needed when the store holds several. ALL (kpis): every "
        "council pooled, and each beside it, small numbers withheld.",
    ),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="cscperf.toml with [indicator_settings] (local choices).")
]


def _as_at(text: str | None) -> dt.date:
    if text is None:
        raise UsageProblem("Give the date to report as at: --as-at YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"--as-at must be a date written YYYY-MM-DD, not {text!r}.") from None


def _series_kind(text: str) -> SeriesKind:
    if text not in ("month", "financial-year", "rolling-12"):
        raise UsageProblem("--period must be month, financial-year or rolling-12.")
    return text  # type: ignore[return-value]


def _council_codes(con: Connection, la: str | None) -> list[str]:
    codes = [r[0] for r in con.execute("SELECT la_code FROM cscperf_councils ORDER BY la_code").fetchall()]
    if not codes:
        raise DataProblem("The store holds no councils yet: create one with `cscperf synth` or `cscperf load`.")
    if la is not None:
        if la not in codes:
            raise UsageProblem(f"The store holds no council {la}; it holds {', '.join(codes[:10])}.")
        return [la]
    if len(codes) > 1:
        shown = ", ".join(codes[:10]) + (" ..." if len(codes) > 10 else "")
        raise UsageProblem(f"The store holds {len(codes)} councils ({shown}); choose one with --la.")
    return codes


def _indicator_ids(ids: list[str] | None) -> list[str] | None:
    from cscperf.indicators.definition import load_library

    if not ids:
        return None
    library = load_library()
    unknown = [i for i in ids if i not in library]
    if unknown:
        raise UsageProblem(f"Unknown indicator {unknown[0]}. `cscperf kpis list` shows the library.")
    return ids


@kpis_app.callback()
@explained
def kpis(
    ctx: typer.Context,
    db: DbOption = "cscperf.duckdb",
    as_at: Annotated[str | None, typer.Option("--as-at", help="Report as at this date, YYYY-MM-DD.")] = None,
    months: Annotated[int, typer.Option("--months", min=1, max=240, help="Number of periods in each series.")] = 13,
    kpi: Annotated[list[str] | None, typer.Option("--kpi", help="Indicator id (repeat for several).")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Break down by team, worker, age_band, sex or ethnicity.")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="json, csv or table.")] = "table",
    period: PeriodOption = "month",
    la: LaOption = None,
    config: ConfigOption = None,
    with_benchmarks: Annotated[
        bool, typer.Option("--with-benchmarks", help="Add England, region and neighbour figures (JSON).")
    ] = False,
    model: Annotated[str, typer.Option("--model", help="Statistical neighbours: 2021 or 2025.")] = "2021",
) -> None:
    """Compute indicators: a series of periods ending with the one holding the as-at date."""
    if ctx.invoked_subcommand is not None:
        return
    from cscperf.indicators.engine import DIMENSIONS, compute
    from cscperf.indicators.output import results_csv, results_json
    from cscperf.indicators.series import series_periods
    from cscperf.indicators.settings import read_settings
    from cscperf.store.database import open_store

    when = _as_at(as_at)
    kind = _series_kind(period)
    if output not in ("json", "csv", "table"):
        raise UsageProblem("--format must be json, csv or table.")
    if by is not None and by not in DIMENSIONS:
        raise UsageProblem(f"--by must be one of {', '.join(DIMENSIONS)}.")
    ids = _indicator_ids(kpi)
    settings = read_settings(config)
    if la is not None and la.upper() == "ALL":
        _region_kpis(db, when, months, kind, ids, settings, config, output, by=by, benchmarks=with_benchmarks)
        return
    con = open_store(db, read_only=True)
    try:
        codes = _council_codes(con, la)
        periods = series_periods(when, months, kind)
        results = compute(con, periods, ids=ids, settings=settings, la_codes=codes, by=by)
        extra = _benchmarks_for(con, results, codes[0], when, model) if with_benchmarks else None
    finally:
        con.close()
    if output == "json":
        sys.stdout.write(results_json(when, results, by=by, benchmarks=extra) + "\n")
    elif output == "csv":
        sys.stdout.write(results_csv(results, by=by))
    else:
        _kpi_table(results, by, extra)


def _region_kpis(
    db: str,
    when: dt.date,
    months: int,
    kind: SeriesKind,
    ids: list[str] | None,
    settings: IndicatorSettings,
    config: Path | None,
    output: str,
    *,
    by: str | None,
    benchmarks: bool,
) -> None:
    """`--la ALL`: every council the store (or your database role) holds, pooled, and each beside it."""
    from cscperf.indicators.engine import compute
    from cscperf.indicators.region import read_disclosure, regional
    from cscperf.indicators.region_output import region_csv, region_json, region_table
    from cscperf.indicators.series import series_periods
    from cscperf.store.database import open_store

    if by is not None or benchmarks:
        raise UsageProblem("--la ALL gives each council beside the region; it does not combine with --by or "
                           "--with-benchmarks.")  # fmt: skip
    policy = read_disclosure(config)
    with open_store(db, read_only=True) as con:
        codes = [str(r[0]) for r in con.execute("SELECT la_code FROM cscperf_councils ORDER BY 1").fetchall()]
        if not codes:
            raise DataProblem("The store holds no councils you can see.")
        results = compute(con, series_periods(when, months, kind), ids=ids, settings=settings, la_codes=codes)
    region = regional(results, policy)
    if output == "json":
        sys.stdout.write(region_json(when, region, codes, policy) + "\n")
    elif output == "csv":
        sys.stdout.write(region_csv(region))
    else:
        region_table(console, region, codes, policy)


def _benchmarks_for(
    con: Connection,
    results: list[Result],
    la_code: str,
    when: dt.date,
    model: str,
) -> dict[str, dict[str, object]]:
    """England, region and neighbour figures beside each indicator's latest value (JSON extras)."""
    from cscperf.comparators.comparison import compare, has_benchmarks, year_for
    from cscperf.comparators.published import MEASURES

    empty = {"england": None, "region": None, "sn_mean": None, "sn_median": None, "sn_model": None, "quartile": None,
             "benchmark_year": None}  # fmt: skip
    if not has_benchmarks(con):
        note = "No comparators imported: run `cscperf benchmarks import ../shared/reference-data --db STORE`."
        return {r.indicator.id: {**empty, "notes": [note]} for r in results}
    out: dict[str, dict[str, object]] = {}
    for r in results:
        if r.indicator.id not in MEASURES:
            out[r.indicator.id] = {**empty, "notes": ["No published equivalent."]}
            continue
        latest = [p for p in r.points if p.group is None][-1]
        year = year_for(con, r.indicator.id, when)
        c = compare(con, la_code, r.indicator.id, year=year, model=model,
                    own=(latest.value, latest.numerator, latest.denominator))  # fmt: skip
        out[r.indicator.id] = c.as_dict()
    return out


def _kpi_table(results: list[Result], by: str | None, benchmarks: dict[str, dict[str, object]] | None = None) -> None:
    shown = 2 if benchmarks is not None else 3
    for_periods = results[0].points[-shown:] if results and results[0].points and not by else []
    table = Table(title="Indicators" + (f" by {by}" if by else ""))
    table.add_column("Indicator", no_wrap=True, overflow="ellipsis", max_width=30 if benchmarks is None else 26)
    if by:
        table.add_column("Group")
    headings = [
        f"{p.period_end:%b %Y}" if p.period_end.day > 27 else f"to {p.period_end:%-d %b %Y}" for p in for_periods
    ]
    for heading in headings or ["Latest"]:
        table.add_column(heading, justify="right", min_width=8, no_wrap=True)
    if benchmarks is not None:
        table.add_column("England", justify="right", min_width=7, no_wrap=True)
        table.add_column("Neighbours", justify="right", min_width=7, no_wrap=True)
    table.add_column("Good is", no_wrap=True)
    for result in results:
        ind = result.indicator
        suffix = "%" if ind.unit == "percent" else ""
        if by:
            last_end = max((p.period_end for p in result.points), default=None)
            for p in [q for q in result.points if q.period_end == last_end]:
                table.add_row(ind.title, str(p.group), _shown(p.value, ind.decimals, suffix), GOOD_IS[ind.polarity])
        else:
            values = [_shown(p.value, ind.decimals, suffix) for p in result.points[-shown:]]
            if benchmarks is not None:
                b = benchmarks.get(ind.id, {})
                values += [_g(b.get("england")), _g(b.get("sn_mean"))]  # type: ignore[arg-type]
            table.add_row(ind.title, *values, GOOD_IS[ind.polarity])
    console.print(table)
    if benchmarks is not None:
        notes = {str(n) for b in benchmarks.values() for n in _as_list(b.get("notes"))}
        if any("No comparators imported" in n for n in notes):
            console.print(
                "Comparators are missing: import them with `cscperf benchmarks import "
                "../shared/reference-data --db STORE` (England, region and statistical neighbours)."
            )
        else:
            year = next((b.get("benchmark_year") for b in benchmarks.values() if b.get("benchmark_year")), None)
            model = next((b.get("sn_model") for b in benchmarks.values() if b.get("sn_model")), None)
            console.print(f"England and neighbour (mean) figures are the latest published ({year}); {model}.")


GOOD_IS = {"higher_is_better": "higher", "lower_is_better": "lower", "target_band": "in band", "neutral": "(context)"}


def _shown(value: float | None, decimals: int, suffix: str) -> str:
    if value is None:
        return "-"
    return f"{value:,.{decimals}f}{suffix}"


@kpis_app.command("list")
@explained
def kpis_list(output: Annotated[str, typer.Option("--format", help="table, json or markdown.")] = "table") -> None:
    """Print the indicator library: id, title, unit, which way is good, source."""
    from cscperf.indicators.definition import load_library
    from cscperf.indicators.library_doc import library_markdown
    from cscperf.indicators.output import describe

    library = load_library()
    if output == "markdown":
        sys.stdout.write(library_markdown())
        return
    if output == "json":
        sys.stdout.write(json.dumps([describe(i) for i in library.values()], indent=2) + "\n")
        return
    table = Table(title=f"The indicator library ({len(library)} indicators)")
    for heading in ("Id", "Title", "Unit", "Direction", "Source"):
        table.add_column(heading)
    for ind in library.values():
        table.add_row(ind.id, ind.title, ind.unit, ind.polarity.replace("_", " "), ind.source)
    console.print(table)


@app.command()
@explained
def drill(
    db: DbOption = "cscperf.duckdb",
    kpi: Annotated[str | None, typer.Option("--kpi", help="Indicator id.")] = None,
    as_at: Annotated[str | None, typer.Option("--as-at", help="Date of the figure, YYYY-MM-DD.")] = None,
    period: PeriodOption = "month",
    la: LaOption = None,
    config: ConfigOption = None,
    output: Annotated[str, typer.Option("--format", help="csv or table.")] = "table",
) -> None:
    """List the children, referrals, plans, visits or workers behind the latest figure of an indicator,
    those not counted in the numerator first (for example the children not visited in time)."""
    from cscperf.indicators.definition import load_library
    from cscperf.indicators.engine import drill as drill_rows
    from cscperf.indicators.output import drill_csv
    from cscperf.indicators.series import series_periods
    from cscperf.indicators.settings import read_settings
    from cscperf.store.database import open_store

    if kpi is None:
        raise UsageProblem("Name the indicator with --kpi (see `cscperf kpis list`).")
    _indicator_ids([kpi])
    when = _as_at(as_at)
    kind = _series_kind(period)
    if output not in ("csv", "table"):
        raise UsageProblem("--format must be csv or table.")
    settings = read_settings(config)
    con = open_store(db, read_only=True)
    try:
        codes = _council_codes(con, la)
        the_period = series_periods(when, 1, kind)[-1]
        rows = drill_rows(con, kpi, the_period, settings=settings, la_codes=codes)
    finally:
        con.close()
    if output == "csv":
        sys.stdout.write(drill_csv(rows))
        return
    indicator = load_library()[kpi]
    table = Table(title=f"{indicator.title}: {the_period.label} ({len(rows)} {indicator.counts})")
    for heading in ("Counted", "Person", "Unit", "Detail", "Team", "Worker"):
        table.add_column(heading)
    for row in rows:
        table.add_row("yes" if row["in_numerator"] else "no", row["person_id"] or "-", str(row["unit_id"]),
                      row["detail"] or "", row["team"] or "", row["worker"] or "")  # fmt: skip
    console.print(table)


benchmarks_app = typer.Typer(
    help="Comparators: England, region and statistical-neighbour values from the DfE's published statistics.",
    no_args_is_help=True,
)
app.add_typer(benchmarks_app, name="benchmarks")


@benchmarks_app.command("import")
@explained
def benchmarks_import(
    folder: Annotated[Path, typer.Argument(help="Folder of published files (e.g. ../shared/reference-data).")],
    db: DbOption = "cscperf.duckdb",
) -> None:
    """Import published statistics (EES CSVs, LAIT parquet, statistical-neighbour lists) into the store."""
    from cscperf.comparators.importer import import_published
    from cscperf.store.database import writing_store

    if not folder.is_dir():
        raise UsageProblem(f"{folder} is not a folder.")
    files = [p for p in folder.rglob("*") if p.is_file()]
    with writing_store(db) as con, _progress() as progress:
        task = progress.add_task("Reading published files", total=len(files))
        summary = import_published(con, folder, on_file=lambda _: progress.advance(task))
    table = Table(title=f"Published statistics imported into {store_label(db)}")
    for heading in ("File", "Read as", "Figures", "Note"):
        table.add_column(heading, overflow="fold")
    for name, kind, n, note in summary.files:
        table.add_row(name, kind, f"{n:,}", note)
    console.print(table)
    console.print(
        f"{summary.values:,} figures for {len(summary.indicators)} indicators "
        f"({summary.suppressed:,} kept as suppressed or not published, never as zero); statistical neighbours: "
        + ", ".join(f"{m} model {n:,} links" for m, n in sorted(summary.neighbours.items()))
        + "."
    )


@benchmarks_app.command("show")
@explained
def benchmarks_show(
    db: DbOption = "cscperf.duckdb",
    la: Annotated[str | None, typer.Option("--la", help="Council's 3-digit DfE code.")] = None,
    kpi: Annotated[list[str] | None, typer.Option("--kpi", help="Indicator id (repeat for several).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Published year (default: the latest).")] = None,
    model: Annotated[str, typer.Option("--model", help="Statistical neighbours: 2021 or 2025.")] = "2021",
    output: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Print the council's published figures beside England, its region and its statistical neighbours."""
    from cscperf.comparators.comparison import compare, has_benchmarks
    from cscperf.comparators.published import MEASURES
    from cscperf.store.database import open_store

    if la is None:
        raise UsageProblem("Give the council's 3-digit DfE code with --la (e.g. --la 874).")
    ids = _indicator_ids(kpi) or list(MEASURES)
    unknown = [i for i in ids if i not in MEASURES]
    if unknown:
        raise UsageProblem(f"{unknown[0]} has no published equivalent; these do: {', '.join(MEASURES)}.")
    con = open_store(db, read_only=True)
    try:
        if not has_benchmarks(con):
            raise DataProblem(
                f"No comparators in {store_label(db)} yet. Import them with `cscperf benchmarks import "
                f"../shared/reference-data --db {store_label(db)}`."
            )
        comparisons = [compare(con, la, i, year=year, model=model) for i in ids]
    finally:
        con.close()
    if output == "json":
        sys.stdout.write(json.dumps([{"id": c.indicator_id, "la_code": c.la_code, "value": c.value,
                                      "suppression": c.suppression, "source": c.source, **c.as_dict()}
                                     for c in comparisons], indent=2) + "\n")  # fmt: skip
        return
    name = next((c.la_name for c in comparisons if c.la_name != la), la)
    table = Table(title=f"{name} ({la}) compared with England, region and statistical neighbours")
    for heading in ("Indicator", "Year", "Council", "England", "Region", "Neighbours mean", "Median", "Quartile",
                    "Rank"):  # fmt: skip
        table.add_column(heading, justify="left" if heading == "Indicator" else "right")
    for c in comparisons:
        shown = "-" if c.value is None else f"{c.value:g}"
        if c.value is None and c.suppression:
            shown = escape(f"[{c.suppression}]")
        table.add_row(c.indicator_id, str(c.year or "-"), shown, _g(c.england), _g(c.region), _g(c.sn_mean),
                      _g(c.sn_median) + (f" ({c.sn_with_data}/{c.sn_total})" if c.sn_total else ""),
                      c.quartile or "-", f"{c.rank} of {c.rank_of}" if c.rank else "-")  # fmt: skip
    console.print(table)
    sn = next((c.sn_model for c in comparisons if c.sn_model), None)
    console.print(
        escape(f"Neighbours: {sn or 'none'}; mean of those with a figure (LAIT), median (DfE dashboard). "
               "[c] suppressed, [x] not available, [z] not applicable, [-] not published.")
    )  # fmt: skip
    for c in comparisons:
        for note in ([c.versus_england] if c.versus_england else []) + c.notes:
            if "Quartile A holds" not in note:
                console.print(escape(f"- {c.indicator_id}: {note}"), highlight=False, soft_wrap=True)


def _g(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


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


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _explaining(group: typer.Typer) -> typer.Typer:
    """Every command of `group` (and of its subgroups) explained, never a traceback."""
    for info in group.registered_commands:
        if info.callback is not None:
            info.callback = explained(info.callback)
    for subgroup in group.registered_groups:
        if subgroup.typer_instance is not None:
            _explaining(subgroup.typer_instance)
    return group


def _register_commands() -> None:
    """Commands that live beside the work they do."""
    from cscperf.loading.command import load, loads, rejects
    from cscperf.report.command import report
    from cscperf.returns.command import annex_a, cin_census, export_app, ssda903, validate
    from cscperf.store.command import db_app

    app.command("load")(explained(load))
    app.command("loads")(explained(loads))
    app.command("rejects")(explained(rejects))
    app.command("report")(explained(report))
    for name, command in (("annex-a", annex_a), ("cin-census", cin_census), ("ssda903", ssda903)):
        export_app.command(name)(explained(command))
    app.add_typer(export_app, name="export")
    app.command("validate")(explained(validate))
    app.add_typer(_explaining(db_app), name="db")


_register_commands()
