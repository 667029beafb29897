"""`cscperf forecast`: children in care, placement spend and social workers needed, 36 months ahead, with their
ranges and backtests, as a table, JSON or an Excel workbook."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cscperf.errors import DataProblem, UsageProblem

if TYPE_CHECKING:
    import duckdb

    from cscperf.analysis.forecast.result import ForecastResult
    from cscperf.indicators.settings import IndicatorSettings

console = Console()
progress_console = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


STEPS = {
    "read": "Reading the episode history",
    "model": "Simulating the next months",
    "cost": "Costing placements",
    "workforce": "Working out social workers needed",
    "backtest": "Backtesting",
    "scenarios": "Running scenarios",
}


def parse_date(text: str | None) -> dt.date:
    """--as-at written YYYY-MM-DD or DD/MM/YYYY."""
    if text is None:
        raise UsageProblem("Give the date to forecast from: --as-at YYYY-MM-DD.")
    try:
        if "/" in text:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"--as-at must be a date written YYYY-MM-DD (or DD/MM/YYYY), not {text!r}.") from None


def forecast(
    db: Annotated[Path, typer.Option("--db", help="The store: a DuckDB file.")] = Path("cscperf.duckdb"),
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="Forecast from this date, YYYY-MM-DD or DD/MM/YYYY.")
    ] = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, max=60, help="Months ahead.")] = 36,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="TOML file of \\[\\[scenario]] tables (what-ifs to compare).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="cscperf.toml: its \\[forecast] table (unit costs, workforce...).")
    ] = None,
    la: Annotated[
        str | None, typer.Option("--la", help="Council (3-digit DfE code); needed when the store holds several.")
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="table, json or xlsx.")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (xlsx: default forecast.xlsx).")] = None,
) -> None:
    """Forecast children looked after by placement, placement spend and social workers needed, with 80% and 95%
    ranges, backtests and scenarios."""
    from cscperf.analysis.forecast.build import build_forecast
    from cscperf.analysis.forecast.config import read_forecast_config, read_scenarios
    from cscperf.analysis.forecast.result import as_json
    from cscperf.analysis.forecast.workbook import forecast_workbook
    from cscperf.store.database import open_store

    when = parse_date(as_at)
    if not db.exists():
        raise UsageProblem(f"There is no store at {db}. Make one with `cscperf synth --db {db}` or `cscperf load`.")
    forecast_config, indicator_table = read_forecast_config(config)
    scenarios = read_scenarios(scenario) if scenario else ()
    settings = _settings(indicator_table, config)
    con = open_store(db, read_only=True)
    try:
        code = _council(con, la)
        with progress_console.status(STEPS["read"]) as status:
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
    if output == Format.json:
        _emit(json.dumps(as_json(result), indent=2, ensure_ascii=False) + "\n", out)
    elif output == Format.xlsx:
        path = out or Path("forecast.xlsx")
        _write(path, forecast_workbook(result))
        console.print(f"{path}", highlight=False, soft_wrap=True)
    else:
        _print_tables(result, out)


def _next(step: str) -> str:
    order = list(STEPS)
    following = order.index(step) + 1 if step in order else len(order)
    return STEPS[order[following]] if following < len(order) else "Finishing"


def _settings(table: dict[str, Any], path: Path | None) -> IndicatorSettings:
    from pydantic import ValidationError

    from cscperf.analysis.forecast.config import problems
    from cscperf.indicators.settings import IndicatorSettings

    try:
        return IndicatorSettings.model_validate(table)
    except ValidationError as exc:
        raise DataProblem(
            f"The configuration file {path} has problems: {problems(exc, 'indicator_settings')}."
        ) from None


def _council(con: duckdb.DuckDBPyConnection, la: str | None) -> str:
    rows = con.execute("SELECT la_code FROM cscperf_councils ORDER BY la_code").fetchall()
    codes = [str(r[0]) for r in rows]
    if not codes:
        raise DataProblem("The store holds no councils yet: create one with `cscperf synth` or `cscperf load`.")
    if la is not None:
        if la not in codes:
            raise UsageProblem(f"The store holds no council {la}; it holds {', '.join(codes[:10])}.")
        return la
    if len(codes) > 1:
        shown = ", ".join(codes[:10]) + (" ..." if len(codes) > 10 else "")
        raise UsageProblem(f"The store holds {len(codes)} councils ({shown}); choose one with --la.")
    return codes[0]


def _write(path: Path, data: bytes) -> None:
    """Written beside, then moved into place: whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        raise UsageProblem(f"{path} could not be written: {exc.strerror or exc}.") from None


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        _write(out, text.encode("utf-8"))
        console.print(f"{out}", highlight=False, soft_wrap=True)


def _print_tables(result: ForecastResult, out: Path | None) -> None:
    from cscperf.analysis.forecast.table import renderables

    target = Console(record=True, width=80, file=io.StringIO()) if out else console
    for item in renderables(result):
        target.print(item)
        target.print()
    if out is not None:
        _emit(target.export_text(), out)
