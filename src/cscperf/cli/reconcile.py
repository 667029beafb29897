"""`cscperf reconcile`: our figures for a year beside the council's published ones, with the records behind
each difference (child identifiers: for the performance team only)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from cscperf.cli.choices import ShowFormat
from cscperf.cli.console import console, literal, say
from cscperf.cli.options import DEFAULT_STORE, ConfigOption, CouncilOption, StoreOption, one_council
from cscperf.errors import UsageProblem


def reconcile_command(
    db: StoreOption = DEFAULT_STORE,
    la: CouncilOption = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Year ending 31 March, e.g. 2024 (default: the last the data cover)."),
    ] = None,
    output: Annotated[ShowFormat, typer.Option("--format", help="How to print the reconciliation.")] = ShowFormat.table,
    rows: Annotated[
        int, typer.Option("--rows", min=0, help="Records shown under each difference in the table (json: all).")
    ] = 20,
    config: ConfigOption = None,
) -> None:
    """Reconcile our figures with the DfE's published ones for a year: each measure, the difference, and the
    children behind each difference (holds child identifiers: for the performance team)."""
    from cscperf.comparators.reconcile import default_year, reconcile
    from cscperf.indicators.settings import read_settings
    from cscperf.store.councils import chosen_councils
    from cscperf.store.database import open_store

    if year is not None and not 2000 <= year <= 2100:
        raise UsageProblem(f"--year must be a year ending 31 March, such as 2024, not {year}.")
    settings = read_settings(config)
    con = open_store(db, read_only=True)
    try:
        council = one_council(la)
        la_code = chosen_councils(con, [council] if council else None)[0]
        chosen = year or default_year(con, la_code)
        if chosen is None:
            raise UsageProblem("The store does not say what dates the council's data cover: give --year YYYY.")
        result = reconcile(con, la_code, chosen, settings=settings)
    finally:
        con.close()
    if output is ShowFormat.json:
        sys.stdout.write(json.dumps(as_json(result), indent=2, default=str) + "\n")
    else:
        show(result, rows)


def as_json(result: Any) -> dict[str, Any]:
    """The reconciliation as JSON: every measure, and every record behind each difference."""
    return {
        "la_code": result.la_code,
        "la_name": result.la_name,
        "year": result.year,
        "contains_child_identifiers": True,
        "notice": result.notice,
        "comparators_loaded": result.comparators_loaded,
        "measures": [
            {
                "id": line.indicator_id,
                "title": line.title,
                "unit": line.unit,
                "when": line.when,
                "status": line.status,
                "ours": {
                    "value": line.ours.value,
                    "numerator": line.ours.numerator,
                    "denominator": line.ours.denominator,
                    "available": line.ours.available,
                    "coverage": line.ours.coverage,
                    "reason": line.ours.reason,
                    "not_measurable": line.ours.not_measurable,
                },
                "published": {
                    "value": line.published.value,
                    "numerator": line.published.numerator,
                    "denominator": line.published.denominator,
                    "suppression": line.published.suppression,
                    "source": line.published.source,
                    "note": line.published.note,
                },
                "difference": line.difference,
                "count_difference": line.count_difference,
                "records": line.records,
            }
            for line in result.lines
        ],
    }


def _figure(value: float | None, unit: str, decimals: int) -> str:
    if value is None:
        return "-"
    return f"{value:,.{decimals}f}" + ("%" if unit == "percent" else "")


def _count(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def show(result: Any, rows: int) -> None:
    say(f"{result.la_name} ({result.la_code}): our figures beside the published ones, year ending 31 March "
        f"{result.year}")  # fmt: skip
    console.print(literal(result.notice, style="bold red"))
    console.print(measures_table(result))
    notes = [note for line in result.lines for note in _notes(line)]
    if notes:
        say("Notes:")
        for note in notes:
            say(f"  {note}")
    _records(result, rows)


def measures_table(result: Any) -> Table:
    """Each measure on one row, in columns narrow enough for an 80-column terminal; the notes (reasons and what
    was published) are printed whole beneath it, never cut to a column's width."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  caption="For: at 31 March, or the year to it. Ours (numerator/denominator); Difference: ours less "
                  "published (and in children, records or plans, where the count is published).",
                  caption_justify="left")  # fmt: skip
    for heading, justify in (("Measure", "left"), ("For", "left"), ("Ours", "right"), ("Published", "right"),
                             ("Difference", "right"), ("Status", "left")):  # fmt: skip
        wraps = heading == "Measure"
        table.add_column(heading, justify=justify, overflow="fold", ratio=1 if wraps else None, no_wrap=not wraps)  # type: ignore[arg-type]
    for line in result.lines:
        ours = _figure(line.ours.value, line.unit, line.decimals) if line.ours.available else "n/a"
        if line.ours.available and line.unit == "percent" and line.ours.denominator:
            ours += f"\n({_count(line.ours.numerator)}/{_count(line.ours.denominator)})"
        published = _figure(line.published.value, line.unit, line.decimals)
        if line.published.numerator is not None and line.unit == "percent":
            published += f"\n({_count(line.published.numerator)}" + (
                f"/{_count(line.published.denominator)})" if line.published.denominator else ")"
            )
        difference = "" if line.difference is None else f"{line.difference:+,.{line.decimals}f}"
        if line.count_difference:
            difference += f"\n({line.count_difference:+,.0f})"
        when = "31 Mar" if line.when.startswith("at") else "year"
        table.add_row(literal(line.title), when, ours, published, difference, line.status)
    return table


def _notes(line: Any) -> list[str]:
    """What the table's status does not say: why ours is not available, and what the DfE published instead of
    a figure."""
    notes = []
    if not line.ours.available:
        notes.append(f"{line.title}: not available: {line.ours.reason}.")
    if line.published.note:
        published = "" if line.published.value is None else "published: "
        notes.append(f"{line.title}: {published}{line.published.note}.")
    return notes


def _records(result: Any, rows: int) -> None:
    """Under each difference, the records behind our figure (up to `rows` of them)."""
    for line in result.lines:
        if not line.records:
            continue
        shown = line.records[:rows]
        more = len(line.records) - len(shown)
        title = f"Behind our figure for {line.title.lower()}: {len(line.records):,} records, those not counted first"
        detail = Table(title=literal(title), title_justify="left")
        for heading in ("Counted", "Person", "Unit", "Detail"):
            detail.add_column(heading, overflow="fold")
        for r in shown:
            counted = "yes" if r["in_numerator"] else "no" if r["measured"] else "not measurable"
            detail.add_row(counted, literal(str(r["person_id"] or "-")), literal(str(r["unit_id"])),
                           literal(str(r["detail"] or "")))  # fmt: skip
        console.print(detail)
        if more:
            say(f"... and {more:,} more (--rows to show more, or --format json for all).")
