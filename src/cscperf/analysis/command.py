"""`cscperf spc`: statistical process control, as NHS England's Making Data Count publishes it, on any series an
analyst brings (a CSV file of date and value): the mean, process limits and signals of each point, and the
variation and assurance icons. The same method the report and `cscperf kpis --spc` use (docs/spc.md)."""

from __future__ import annotations

import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.text import Text

from cscperf.cli.console import Col, DataTable, console, errors, fitted_tables, literal, width_needed
from cscperf.errors import DataProblem, UsageProblem

if TYPE_CHECKING:
    from cscperf.analysis.spc import SpcResult


class ImprovementChoice(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class SpcFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    TABLE = "table"


def spc(
    input_file: Annotated[
        Path | None, typer.Option("--input", help="CSV file with a date column and a value column ('-': stdin).")
    ] = None,
    date_column: Annotated[str, typer.Option("--date-column", help="The column of dates.")] = "date",
    value_column: Annotated[str, typer.Option("--value-column", help="The column of figures.")] = "value",
    improvement: Annotated[
        ImprovementChoice | None,
        typer.Option(
            "--improvement", help="Which way is better: higher, lower or neutral (neither).", case_sensitive=False
        ),
    ] = None,
    target: Annotated[float | None, typer.Option("--target", help="Target, for the assurance icon.")] = None,
    baseline_points: Annotated[
        int | None,
        typer.Option(
            "--baseline-points",
            min=2,
            help="Fix the mean and limits on the first N points of each "
            "segment and judge the rest against them (default: every point).",
        ),
    ] = None,
    breaks: Annotated[
        list[str] | None,
        typer.Option(
            "--break",
            help="A date the way of measuring changed; limits start afresh from the first "
            "point on or after it (repeat for several).",
        ),
    ] = None,
    output: Annotated[SpcFormat, typer.Option("--format", help="json, csv or table.", case_sensitive=False)] = (
        SpcFormat.TABLE
    ),
) -> None:
    """Statistical process control (Making Data Count XmR) on a series from a CSV file: mean, process limits,
    signals and the variation and assurance icons."""
    from cscperf.analysis.spc import analyse
    from cscperf.analysis.spc_input import parse_date, read_series
    from cscperf.analysis.spc_output import spc_csv, spc_json

    if input_file is None:
        raise UsageProblem("Name the CSV file of dates and values with --input FILE.csv.")
    if improvement is None:
        raise UsageProblem("Say which way is better with --improvement higher, lower or neutral.")
    if target is not None and not math.isfinite(target):
        raise UsageProblem("--target must be a number.")
    break_dates = []
    for text in breaks or []:
        day = parse_date(text)
        if day is None:
            raise UsageProblem(f"--break {text!r} is not a date: write it 2024-03-31 or 31/03/2024.")
        break_dates.append(day)
    name = "standard input" if str(input_file) == "-" else str(input_file)
    series = read_series(_read_text(input_file), name=name, date_column=date_column, value_column=value_column)
    result = analyse(series.dates, series.values, improvement=improvement.value, target=target,
                     baseline_points=baseline_points, breaks=break_dates)  # fmt: skip
    if output == SpcFormat.JSON:
        sys.stdout.write(spc_json(result) + "\n")
    elif output == SpcFormat.CSV:
        sys.stdout.write(spc_csv(result))
    else:
        _table(result, series.decimals, target)
    for warning in result.warnings:
        (console if output == SpcFormat.TABLE else errors).print(
            Text.assemble(("Note: ", "yellow"), literal(warning)), soft_wrap=output != SpcFormat.TABLE
        )


def _read_text(path: Path) -> str:
    name = str(path)
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except FileNotFoundError:
        raise UsageProblem(f"There is no file {name}.") from None
    except IsADirectoryError:
        raise UsageProblem(f"{name} is a folder; --input needs a CSV file.") from None
    except OSError as exc:
        raise DataProblem(f"{name} could not be read: {exc.strerror or exc}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataProblem(f"{name} is not UTF-8 text; save it as CSV UTF-8 and try again.") from None


SIGNAL_SHORT = {"improvement": "improvement", "concern": "concern", "neutral_high": "high",
                "neutral_low": "low"}  # fmt: skip
RULE_SHORT = {"outside_limits": "limit", "trend": "trend", "two_of_three": "2 of 3", "run": "run"}


def _table(result: SpcResult, decimals: int, target: float | None = None) -> None:
    """Each point with its mean, limits and signal, then the icons in words (fits 80 columns)."""
    from cscperf.analysis.spc_icons import assurance_label, assurance_meaning, variation_label, variation_meaning

    def fmt(value: float | None, extra: int = 0) -> str:
        return "-" if value is None else f"{value:,.{min(decimals + extra, 6)}f}"

    title = "Statistical process control (Making Data Count XmR)"
    headings = (("Date", "left"), ("Value", "right"), ("Mean", "right"), ("Lower", "right"), ("Upper", "right"),
                ("Signal", "left"))  # fmt: skip
    table = DataTable(box=box.SIMPLE_HEAD, title=title)
    for heading, justify in headings:
        table.add_column(heading, justify=justify, no_wrap=heading != "Signal")  # type: ignore[arg-type]
    rows: list[list[str]] = []
    previous_segment = 0
    for p in result.points:
        starts = p.segment != previous_segment
        if starts:
            table.add_section()
            previous_segment = p.segment
        signal = ""
        if p.signal is not None:
            signal = f"{SIGNAL_SHORT[p.signal]} ({', '.join(RULE_SHORT[r] for r in p.rules)})"
        row = [p.date.isoformat(), fmt(p.value), fmt(p.mean, 1), fmt(p.lower, 1), fmt(p.upper, 1), signal]
        table.add_row(*row)
        rows.append([row[0] + (" (break)" if starts else ""), *row[1:]])
    if width_needed(table) <= console.width:
        console.print(table)
    else:  # large figures: split across tables that repeat the date, rather than cut a figure or drop signals
        columns = [Col(heading, figure=justify == "right") for heading, justify in headings]
        for part in fitted_tables(title, columns, rows):
            console.print(part)
        if any(p.segment for p in result.points):
            console.print("(break): the series breaks here; the mean and limits are worked out again from it.",
                          highlight=False)  # fmt: skip
    console.print(f"Variation: {variation_label(result.variation_icon)}. {variation_meaning(result.variation_icon)}",
                  highlight=False)  # fmt: skip
    assurance = f"{assurance_label(result.assurance_icon)}. {assurance_meaning(result.assurance_icon)}"
    if result.assurance_icon is None and target is not None and result.improvement != "neutral":
        assurance = "None. There are too few figures to work out process limits to set the target against."
    console.print(f"Assurance: {assurance}", highlight=False)
