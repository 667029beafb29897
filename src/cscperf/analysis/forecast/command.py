"""`cscperf forecast`: children in care, placement spend and social workers needed, 36 months ahead, with their
ranges and backtests, as a table, JSON or an Excel workbook."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cscperf.cli.choices import ForecastFormat
from cscperf.cli.console import console, errors, say
from cscperf.cli.options import (
    DEFAULT_STORE,
    AsAtOption,
    ConfigOption,
    CouncilOption,
    StoreOption,
    as_at_or_last_month,
    one_council,
)
from cscperf.errors import DataProblem, UsageProblem

if TYPE_CHECKING:
    from cscperf.analysis.forecast.result import ForecastResult
    from cscperf.indicators.settings import IndicatorSettings

STEPS = {
    "read": "Reading the episode history",
    "model": "Simulating the months ahead",
    "cost": "Costing placements",
    "workforce": "Working out the social workers needed",
    "backtest": "Backtesting",
    "scenarios": "Running the scenarios",
}


def forecast(
    db: StoreOption = DEFAULT_STORE,
    as_at: AsAtOption = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, max=60, metavar="MONTHS", help="Months ahead.")] = 36,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", metavar="FILE", help="TOML file of [[scenario]] tables: what-ifs to compare."),
    ] = None,
    config: ConfigOption = None,
    la: CouncilOption = None,
    output: Annotated[
        ForecastFormat, typer.Option("--format", help="A table, JSON, or an Excel workbook.")
    ] = ForecastFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="Write to this file (xlsx: default forecast.xlsx).")
    ] = None,
) -> None:
    """Forecast children looked after by placement, placement spend and social workers needed, with 80% and 95%
    ranges, backtests and scenarios (the [forecast] table of --config sets unit costs and workforce figures)."""
    from cscperf.analysis.forecast.build import build_forecast
    from cscperf.analysis.forecast.config import read_forecast_config, read_scenarios
    from cscperf.analysis.forecast.result import as_json
    from cscperf.analysis.forecast.workbook import forecast_workbook
    from cscperf.exports.files import check_writable_target, write_atomically
    from cscperf.store.councils import chosen_councils
    from cscperf.store.database import open_store

    forecast_config, indicator_table = read_forecast_config(config)
    scenarios = read_scenarios(scenario) if scenario else ()
    settings = _settings(indicator_table, config)
    target = out or (Path("forecast.xlsx") if output is ForecastFormat.xlsx else None)
    if target is not None:
        check_writable_target(target)
    if output is ForecastFormat.xlsx and target is not None and target.suffix.lower() != ".xlsx":
        raise UsageProblem(f"--out must end in .xlsx for --format xlsx (not {target.name}).")
    council = one_council(la)
    con = open_store(db, read_only=True)
    try:
        code = chosen_councils(con, [council] if council else None)[0]
        when = as_at_or_last_month(as_at, con, code)
        with errors.status(STEPS["read"]) as status:
            result = build_forecast(
                con,
                code,
                when,
                forecast_config,
                settings=settings,
                scenarios=scenarios,
                horizon=horizon,
                on_step=lambda step: status.update(_next(step)),
            )
    finally:
        con.close()
    if output is ForecastFormat.xlsx:
        assert target is not None
        write_atomically(target, forecast_workbook(result))
        say(target, soft_wrap=True)
    elif output is ForecastFormat.json:
        text = json.dumps(as_json(result), indent=2, ensure_ascii=False) + "\n"
        if target is None:
            sys.stdout.write(text)
        else:
            write_atomically(target, text.encode("utf-8"))
            say(target, soft_wrap=True)
    else:
        _print_tables(result, target)
    if as_at is None and output is ForecastFormat.table and target is None:
        say(f"As at {when:%-d %B %Y}, the end of the last complete month of the data (--as-at: another date).")


def _next(step: str) -> str:
    order = list(STEPS)
    following = order.index(step) + 1 if step in order else len(order)
    return STEPS[order[following]] if following < len(order) else "Finishing"


def _settings(table: dict[str, object], path: Path | None) -> IndicatorSettings:
    from pydantic import ValidationError

    from cscperf.analysis.forecast.config import problems
    from cscperf.indicators.settings import IndicatorSettings

    try:
        return IndicatorSettings.model_validate(table)
    except ValidationError as exc:
        raise DataProblem(
            f"The configuration file {path} has problems: {problems(exc, 'indicator_settings')}."
        ) from None


def _print_tables(result: ForecastResult, out: Path | None) -> None:
    """The tables on the terminal, or (with --out) as plain text in a file."""
    import io

    from rich.console import Console

    from cscperf.analysis.forecast.table import renderables
    from cscperf.exports.files import write_atomically

    target = Console(record=True, width=80, file=io.StringIO()) if out else console
    for item in renderables(result):
        target.print(item)
        target.print()
    if out is not None:
        write_atomically(out, target.export_text().encode("utf-8"))
        say(out, soft_wrap=True)
