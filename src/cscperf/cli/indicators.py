"""`cscperf kpis`, `cscperf kpis list` and `cscperf drill`: indicator series, the library, and the rows behind
a figure."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cscperf.cli.choices import Dimension, DrillFormat, KpisFormat, LibraryFormat, NeighbourModel, Period
from cscperf.cli.console import Col, compact_table, console, one_line, say, warn
from cscperf.cli.explained import explained
from cscperf.cli.exports import export_kind, write_export
from cscperf.cli.kpi_table import (
    GOOD_IS,
    UNITS,
    availability_notes,
    kpi_tables,
    notes_on_benchmarks,
    spc_notes,
)
from cscperf.cli.options import (
    DEFAULT_STORE,
    AsAtOption,
    ConfigOption,
    CouncilsOption,
    IndicatorOption,
    IndicatorsOption,
    StoreOption,
    as_at_or_last_month,
    command_group,
)
from cscperf.errors import UsageProblem
from cscperf.exports.xlsx_file import CHILD_IDENTIFIERS, WORKER_IDENTIFIERS
from cscperf.indicators.engine import Result
from cscperf.indicators.output import SeriesSpc
from cscperf.indicators.series import SeriesKind
from cscperf.indicators.settings import IndicatorSettings

kpis_app = command_group(
    "Indicators: monthly (or yearly, or rolling 12-month) series for the whole library or chosen ids.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def how_many(n: int, counts: str) -> str:
    """ "1 child", "2 children", "1 enquiry", "3 social workers": a count with the indicator's noun."""
    if n != 1:
        return f"{n:,} {counts}"
    one = "child" if counts == "children" else counts[:-3] + "y" if counts.endswith("ies") else counts[:-1]
    return f"1 {one}"


def series_kind(period: Period) -> SeriesKind:
    kinds: dict[Period, SeriesKind] = {Period.month: "month", Period.financial_year: "financial-year",
                                       Period.rolling_12: "rolling-12"}  # fmt: skip
    return kinds[period]


PeriodOption = Annotated[Period, typer.Option("--period", help="What each point of a series covers.")]


@kpis_app.callback()
@explained
def kpis(
    ctx: typer.Context,
    db: StoreOption = DEFAULT_STORE,
    as_at: AsAtOption = None,
    months: Annotated[
        int, typer.Option("--months", min=1, max=240, metavar="N", help="Number of periods in each series.")
    ] = 13,
    kpi: IndicatorsOption = None,
    by: Annotated[Dimension | None, typer.Option("--by", help="Break each period down by this.")] = None,
    output: Annotated[KpisFormat, typer.Option("--format", help="How to print the series.")] = KpisFormat.table,
    period: PeriodOption = Period.month,
    la: CouncilsOption = None,
    config: ConfigOption = None,
    with_benchmarks: Annotated[
        bool, typer.Option("--with-benchmarks", help="Add England, region and neighbour figures.")
    ] = False,
    model: Annotated[
        NeighbourModel, typer.Option("--model", help="The DfE's statistical-neighbour model.")
    ] = NeighbourModel.model_2021,
    with_spc: Annotated[
        bool,
        typer.Option(
            "--spc",
            help="Add statistical process control: each point's mean, limits and signal, and each "
            "series' variation and assurance icons (targets, [[breaks]] and [spc] from --config).",
        ),
    ] = False,
) -> None:
    """Compute indicators: a series of periods ending with the one holding the as-at date."""
    if ctx.invoked_subcommand is not None:
        return
    from cscperf.comparators.beside import benchmarks_beside
    from cscperf.indicators.engine import compute
    from cscperf.indicators.lookup import indicator_ids
    from cscperf.indicators.output import results_csv, results_json
    from cscperf.indicators.series import series_periods
    from cscperf.indicators.settings import read_settings
    from cscperf.store.councils import chosen_councils
    from cscperf.store.database import open_store

    ids = indicator_ids(kpi)
    dimension = by.value if by is not None else None
    if with_spc and period is Period.rolling_12:
        raise UsageProblem(
            "--spc needs monthly or financial-year periods: rolling 12-month figures share 11 months "
            "with their neighbours, so their runs and trends would show the overlap, not a change."
        )
    settings = read_settings(config)
    if config is not None and not with_spc:  # the whole file checked, its targets too (--spc reads them anyway):
        from cscperf.report.config import read_report_config  # a mistyped target had passed in silence

        read_report_config(config)
    if la and any(code.upper() == "ALL" for code in la):
        if len(la) > 1 or dimension is not None or with_benchmarks or with_spc:
            raise UsageProblem("--la ALL gives every council pooled and each beside it: on its own, without --by, "
                               "--with-benchmarks or --spc.")  # fmt: skip
        _region_kpis(db, as_at, months, series_kind(period), ids, settings, config, output)
        return
    con = open_store(db, read_only=True)
    try:
        codes = chosen_councils(con, la)
        when = as_at_or_last_month(as_at, con, codes[0])
        if with_benchmarks and len(codes) > 1:
            raise UsageProblem("--with-benchmarks compares one council at a time; give one --la.")
        periods = series_periods(when, months, series_kind(period))
        results = compute(con, periods, ids=ids, settings=settings, la_codes=codes, by=dimension)
        extra = benchmarks_beside(con, results, codes[0], when, model.value, settings) if with_benchmarks else None
    finally:
        con.close()
    spc = _spc_for(results, config) if with_spc else None
    if output is KpisFormat.json:
        sys.stdout.write(results_json(when, results, by=dimension, benchmarks=extra, spc=spc) + "\n")
    elif output is KpisFormat.csv:
        sys.stdout.write(results_csv(results, by=dimension, spc=spc))
    else:
        for table in kpi_tables(results, period, dimension, extra, spc=spc):
            console.print(table)
        for line in availability_notes(results):
            say(line)
        if as_at is None:
            say(f"As at {when:%-d %B %Y}, the end of the last complete month of the data (--as-at: another date).")
        if spc is not None:
            for line in spc_notes(spc):
                say(line)
            say("Variation and assurance: statistical process control of each series shown (docs/spc.md).")
        if extra is not None:
            for note in notes_on_benchmarks(extra):
                console.print(note)


def _region_kpis(
    db: str,
    as_at: dt.date | None,
    months: int,
    kind: SeriesKind,
    ids: list[str] | None,
    settings: IndicatorSettings,
    config: Path | None,
    output: KpisFormat,
) -> None:
    """`--la ALL`: every council the store (or the user's database role) holds, pooled, and each beside it,
    small numbers withheld so the output can be shared across the councils."""
    from cscperf.indicators.coverage import default_as_at
    from cscperf.indicators.engine import compute
    from cscperf.indicators.region import read_disclosure, regional
    from cscperf.indicators.region_output import region_csv, region_json, region_table
    from cscperf.indicators.series import series_periods
    from cscperf.store.councils import council_codes
    from cscperf.store.database import open_store

    policy = read_disclosure(config)
    with open_store(db, read_only=True) as con:
        codes = council_codes(con)
        if not codes:
            raise UsageProblem("The store holds no councils you can see.")
        when = as_at
        if when is None:  # the last complete month every council's data reach
            ends = [day for day in (default_as_at(con, code) for code in codes) if day is not None]
            if not ends:
                raise UsageProblem("The store does not say what dates the councils' data cover: give --as-at.")
            when = min(ends)
        results = compute(con, series_periods(when, months, kind), ids=ids, settings=settings, la_codes=codes)
    region = regional(results, policy)
    if output is KpisFormat.json:
        sys.stdout.write(region_json(when, region, codes, policy) + "\n")
    elif output is KpisFormat.csv:
        sys.stdout.write(region_csv(region))
    else:
        region_table(console, region, codes, policy)
        if as_at is None:
            say(f"As at {when:%-d %B %Y}, the end of the last complete month every council's data reach.")


def _spc_for(results: list[Result], config: Path | None) -> SeriesSpc:
    """Statistical process control on every series, with the targets, breaks and baseline of the configuration
    (the report's: cscperf.toml, or the seed report's targets without one)."""
    from cscperf.indicators.spc import result_spc
    from cscperf.report.config import read_report_config

    chosen = read_report_config(config)
    targets = chosen.effective_targets()
    out: SeriesSpc = {}
    for r in results:
        target = targets.get(r.indicator.id)
        out[r.indicator.id] = result_spc(
            r,
            target=target.target if target is not None else None,
            band=target.band if target is not None else None,
            breaks=[b.date for b in chosen.breaks_for(r.indicator.id)],
            baseline_points=chosen.spc.baseline_points,
        )
    return out


@kpis_app.command("list")
@explained
def kpis_list(
    output: Annotated[LibraryFormat, typer.Option("--format", help="How to print the library.")] = LibraryFormat.table,
) -> None:
    """Print the indicator library: id, title, unit, which way is good, source."""
    from cscperf.indicators.definition import load_library
    from cscperf.indicators.library_doc import library_markdown
    from cscperf.indicators.output import describe

    library = load_library()
    if output is LibraryFormat.markdown:
        sys.stdout.write(library_markdown())
        return
    if output is LibraryFormat.json:
        sys.stdout.write(json.dumps([describe(i) for i in library.values()], indent=2) + "\n")
        return
    table = compact_table(f"The indicator library ({len(library)} indicators)", [Col("Id")],
                          "`cscperf kpis list --format markdown` gives each definition in full.")  # fmt: skip
    table.add_column("Title; unit and which way is better; source", ratio=1, overflow="fold")
    for ind in library.values():
        about = Text(one_line(ind.title))
        about.append("\n" + one_line(f"{UNITS.get(ind.unit, ind.unit)}; {GOOD_IS[ind.polarity]}"), style="italic")
        about.append("\n" + one_line(ind.source), style="dim")
        table.add_row(ind.id, about, end_section=True)
    console.print(table)


def drill(
    db: StoreOption = DEFAULT_STORE,
    kpi: IndicatorOption = None,
    as_at: AsAtOption = None,
    period: PeriodOption = Period.month,
    la: CouncilsOption = None,
    config: ConfigOption = None,
    output: Annotated[DrillFormat, typer.Option("--format", help="How to print the rows.")] = DrillFormat.table,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Write the rows to this .xlsx or .csv file instead, the detail split into "
            "columns (dates as dates) to sort and filter.",
        ),
    ] = None,
) -> None:
    """List the children, referrals, plans, visits or workers behind the latest figure of an indicator,
    those not counted in the numerator first (for example the children not visited in time). The list holds
    child identifiers: keep any copy secure."""
    from cscperf.indicators.engine import drill_down
    from cscperf.indicators.lookup import indicator_ids
    from cscperf.indicators.output import drill_csv, drill_export
    from cscperf.indicators.series import series_periods
    from cscperf.indicators.settings import read_settings
    from cscperf.store.councils import chosen_councils
    from cscperf.store.database import open_store

    if kpi is None:
        raise UsageProblem("Name the indicator with --kpi (see `cscperf kpis list`).")
    indicator_ids([kpi])
    kind = export_kind(out)
    settings = read_settings(config)
    con = open_store(db, read_only=True)
    try:
        codes = chosen_councils(con, la)
        when = as_at_or_last_month(as_at, con, codes[0])
        the_period = series_periods(when, 1, series_kind(period))[-1]
        found = drill_down(con, kpi, the_period, settings=settings, la_codes=codes)
    finally:
        con.close()
    indicator, rows = found.indicator, found.rows
    if not found.availability.available:
        why = f"No figure for {indicator.title} in {the_period.label}: {found.availability.reason}. Nothing is listed."
        if output is DrillFormat.csv and out is None:
            sys.stdout.write(drill_csv(rows))
        warn(why)
        return
    children = any(r["person_id"] for r in rows)
    if out is not None:
        headings, values = drill_export(rows)
        write_export(out, kind, headings, values, sheet=indicator.id,
                     banner=CHILD_IDENTIFIERS if children else WORKER_IDENTIFIERS)  # fmt: skip
        wrote = how_many(len(values), indicator.counts)
        say(f"Wrote the {wrote} behind '{indicator.title}', {the_period.label}, to {out}. "
            f"It holds {'child' if children else 'worker'} identifiers: keep it secure.")  # fmt: skip
        return
    if output is DrillFormat.csv:
        sys.stdout.write(drill_csv(rows))
        return
    if not rows:
        say(f"No {indicator.counts} are behind {indicator.title} in {the_period.label}: there is nothing to list.")
        return
    if children:
        follow = "follows" if len(rows) == 1 else "follow"
        warn(f"{how_many(len(rows), indicator.counts)} {follow}. They hold child identifiers: keep any copy secure.")
    title = f"{indicator.title}: {the_period.label} ({how_many(len(rows), indicator.counts)}, those not counted first)"
    table = compact_table(title, [Col("Counted")])
    for heading in (*(("Child",) if children else ()), "Unit", "Worker"):  # identifiers folded over lines, never cut
        table.add_column(heading, overflow="fold")
    table.add_column("Team", overflow="fold", ratio=1)
    table.add_column("Detail", overflow="fold", ratio=2)
    for row in rows:
        child = [row["person_id"] or "-"] if children else []
        counted = "yes" if row["in_numerator"] else "no" if row["measured"] else "not measurable"
        table.add_row(counted, *child, str(row["unit_id"]), row["worker"] or "",
                      row["team"] or "", row["detail"] or "")  # fmt: skip
    console.print(table)
    if found.availability.coverage == "part":
        say(f"* {found.availability.reason}", soft_wrap=True)
