"""`cscperf benchmarks import` and `cscperf benchmarks show`: the DfE's published statistics, and a council
beside England, its region and its statistical neighbours."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cscperf.cli.choices import NeighbourModel, ShowFormat
from cscperf.cli.console import Col, DataTable, console, fitted_tables, progress, say, show
from cscperf.cli.explained import explained
from cscperf.cli.options import (
    DEFAULT_STORE,
    CouncilOption,
    IndicatorsOption,
    StoreOption,
    command_group,
    one_council,
)
from cscperf.comparators.comparison import Comparison
from cscperf.errors import DataProblem, UsageProblem
from cscperf.reference.la_codes import council_name
from cscperf.store.connection import Connection, store_label

benchmarks_app = command_group(
    "Comparators: England, region and statistical-neighbour values from the DfE's published statistics."
)


@benchmarks_app.command("import")
@explained
def benchmarks_import(
    folder: Annotated[Path, typer.Argument(help="Folder of published files (e.g. ../shared/reference-data).")],
    db: StoreOption = DEFAULT_STORE,
) -> None:
    """Import published statistics (EES CSVs, LAIT parquet, statistical-neighbour lists) into the store."""
    from cscperf.comparators.importer import import_published
    from cscperf.loading.population import fill_population_from_comparators
    from cscperf.store.database import writing_store

    if not folder.is_dir():
        raise UsageProblem(f"{folder} is not a folder.")
    files = [p for p in folder.rglob("*") if p.is_file()]
    with writing_store(db) as con, progress() as bar:  # a store this command made is removed if it fails
        task = bar.add_task("Reading published files", total=len(files))
        summary = import_published(con, folder, on_file=lambda _: bar.advance(task))
        # a council loaded before the statistics were imported takes its 0-17 population from them now, so its
        # rates per 10,000 can be worked out (a load does the same for statistics imported first)
        loaded = [r[0] for r in con.execute("SELECT la_code FROM cscperf_councils WHERE data_source = 'loaded'")
                  .fetchall()]  # fmt: skip
        population_years = fill_population_from_comparators(con, loaded)
    table = DataTable(title=f"Published statistics imported into {store_label(db)}")
    for heading in ("File", "Read as", "Figures", "Note"):
        table.add_column(heading, overflow="fold")
    for name, kind, n, note in summary.files:
        table.add_row(name, kind, f"{n:,}", note)
    console.print(table)
    say(
        f"{summary.values:,} figures for {len(summary.indicators)} indicators "
        f"({summary.suppressed:,} kept as suppressed or not published, never as zero); statistical neighbours: "
        + ", ".join(f"{m} model {n:,} links" for m, n in sorted(summary.neighbours.items()))
        + "."
    )
    if population_years:
        say(f"Child population (0-17) added for {population_years:,} mid-year(s) of councils loaded from files.")


def _the_only_council(con: Connection) -> str:
    """Without --la: the store's one council (the help says --la is needed only when it holds several)."""
    from cscperf.store.councils import councils

    held = [c.la_code for c in councils(con)]
    if len(held) == 1:
        return held[0]
    shown = f"; it holds {', '.join(held[:10])}{' and more' if len(held) > 10 else ''}" if held else ""
    raise UsageProblem(f"Give the council's 3-digit DfE code with --la (e.g. --la 874){shown}.")


@benchmarks_app.command("show")
@explained
def benchmarks_show(
    db: StoreOption = DEFAULT_STORE,
    la: CouncilOption = None,
    kpi: IndicatorsOption = None,
    year: Annotated[int | None, typer.Option("--year", help="Published year (default: the latest).")] = None,
    model: Annotated[
        NeighbourModel, typer.Option("--model", help="The DfE's statistical-neighbour model.")
    ] = NeighbourModel.model_2021,
    output: Annotated[ShowFormat, typer.Option("--format", help="How to print the comparisons.")] = ShowFormat.table,
) -> None:
    """Print the council's published figures beside England, its region and its statistical neighbours."""
    from cscperf.comparators.comparison import compare, has_benchmarks
    from cscperf.comparators.published import MEASURES
    from cscperf.indicators.lookup import indicator_ids
    from cscperf.store.database import open_store

    council = one_council(la)
    ids = indicator_ids(kpi) or list(MEASURES)
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
        council = council or _the_only_council(con)
        comparisons = [compare(con, council, i, year=year, model=model.value) for i in ids]
    finally:
        con.close()
    if output is ShowFormat.json:
        sys.stdout.write(json.dumps([{"id": c.indicator_id, "la_code": c.la_code, "value": c.value,
                                      "suppression": c.suppression, "source": c.source, **c.as_dict()}
                                     for c in comparisons], indent=2) + "\n")  # fmt: skip
        return
    name = next((c.la_name for c in comparisons if c.la_name != council), council_name(council))
    show(fitted_tables(f"{name} ({council}) compared with England, region and statistical neighbours", COLUMNS,
                       [_row(c) for c in comparisons]))  # fmt: skip
    sn = next((c.sn_model for c in comparisons if c.sn_model), None)
    say(f"Neighbours: {sn or 'none'}; mean of those with a figure (LAIT), median (DfE dashboard). "
        "[c] suppressed, [x] not available, [z] not applicable, [-] not published.")  # fmt: skip
    for c in comparisons:
        for note in ([c.versus_england] if c.versus_england else []) + c.notes:
            if "Quartile A holds" not in note:
                say(f"- {c.indicator_id}: {note}")


COLUMNS = [Col("Indicator"), Col("Year"), Col("Council", True), Col("England", True), Col("Region", True),
           Col("Neighbours", True), Col("Median", True), Col("With data", True), Col("Quartile"),
           Col("Rank", True)]  # fmt: skip


def _row(c: Comparison) -> list[str]:
    """One comparison as the table shows it; percentages with their % sign."""
    from cscperf.indicators.definition import load_library

    unit = "%" if load_library()[c.indicator_id].unit == "percent" else ""

    def shown(value: float | None) -> str:
        return "-" if value is None else f"{value:g}{unit}"

    own = f"[{c.suppression}]" if c.value is None and c.suppression else shown(c.value)
    with_data = f"{c.sn_with_data}/{c.sn_total}" if c.sn_total else "-"
    return [c.indicator_id, _year(c.year, c.year_meaning), own, shown(c.england), shown(c.region), shown(c.sn_mean),
            shown(c.sn_median), with_data, c.quartile or "-", f"{c.rank}/{c.rank_of}" if c.rank else "-"]  # fmt: skip


def _year(year: int | None, meaning: str) -> str:
    """A published year, short: "2024-25" (the year to 31 March), "31 Mar 2025", "30 Sep 2025" (a date)."""
    if year is None:
        return "-"
    if meaning == "year to 31 March":
        return f"{year - 1}-{year % 100:02d}"
    return f"30 Sep {year}" if meaning == "30 September" else f"31 Mar {year}"
