"""`cscperf benchmarks import` and `cscperf benchmarks show`: the DfE's published statistics, and a council
beside England, its region and its statistical neighbours."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cscperf.cli.choices import NeighbourModel, ShowFormat
from cscperf.cli.console import DataTable, console, progress, say
from cscperf.cli.explained import explained
from cscperf.cli.options import (
    DEFAULT_STORE,
    CouncilOption,
    IndicatorsOption,
    StoreOption,
    command_group,
    one_council,
)
from cscperf.errors import DataProblem, UsageProblem
from cscperf.reference.la_codes import council_name

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
    from cscperf.store.database import open_store

    if not folder.is_dir():
        raise UsageProblem(f"{folder} is not a folder.")
    files = [p for p in folder.rglob("*") if p.is_file()]
    con = open_store(db)
    try:
        with progress() as bar:
            task = bar.add_task("Reading published files", total=len(files))
            summary = import_published(con, folder, on_file=lambda _: bar.advance(task))
    finally:
        con.close()
    table = DataTable(title=f"Published statistics imported into {db}")
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
    if council is None:
        raise UsageProblem("Give the council's 3-digit DfE code with --la (e.g. --la 874).")
    ids = indicator_ids(kpi) or list(MEASURES)
    unknown = [i for i in ids if i not in MEASURES]
    if unknown:
        raise UsageProblem(f"{unknown[0]} has no published equivalent; these do: {', '.join(MEASURES)}.")
    con = open_store(db, read_only=True)
    try:
        if not has_benchmarks(con):
            raise DataProblem(
                f"No comparators in {db} yet. Import them with `cscperf benchmarks import ../shared/reference-data "
                f"--db {db}`."
            )
        comparisons = [compare(con, council, i, year=year, model=model.value) for i in ids]
    finally:
        con.close()
    if output is ShowFormat.json:
        sys.stdout.write(json.dumps([{"id": c.indicator_id, "la_code": c.la_code, "value": c.value,
                                      "suppression": c.suppression, "source": c.source, **c.as_dict()}
                                     for c in comparisons], indent=2) + "\n")  # fmt: skip
        return
    name = next((c.la_name for c in comparisons if c.la_name != council), council_name(council))
    table = DataTable(title=f"{name} ({council}) compared with England, region and statistical neighbours")
    for heading in ("Indicator", "Year", "Council", "England", "Region", "Neighbours mean", "Median", "Quartile",
                    "Rank"):  # fmt: skip
        table.add_column(heading, justify="left" if heading == "Indicator" else "right")
    for c in comparisons:
        shown = "-" if c.value is None else f"{c.value:g}"
        if c.value is None and c.suppression:
            shown = f"[{c.suppression}]"
        table.add_row(c.indicator_id, str(c.year or "-"), shown, _g(c.england), _g(c.region), _g(c.sn_mean),
                      _g(c.sn_median) + (f" ({c.sn_with_data}/{c.sn_total})" if c.sn_total else ""),
                      c.quartile or "-", f"{c.rank} of {c.rank_of}" if c.rank else "-")  # fmt: skip
    console.print(table)
    sn = next((c.sn_model for c in comparisons if c.sn_model), None)
    say(f"Neighbours: {sn or 'none'}; mean of those with a figure (LAIT), median (DfE dashboard). "
        "[c] suppressed, [x] not available, [z] not applicable, [-] not published.")  # fmt: skip
    for c in comparisons:
        for note in ([c.versus_england] if c.versus_england else []) + c.notes:
            if "Quartile A holds" not in note:
                say(f"- {c.indicator_id}: {note}", soft_wrap=True)


def _g(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
