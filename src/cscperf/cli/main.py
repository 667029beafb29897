"""The cscperf application: the root command, its global options, and every command registered in one place.

Commands live beside the work they do (`cscperf/cli/<group>.py`, or `<package>/command.py` for a package's
own commands) and are registered in `_register_commands`, one line each.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from cscperf import __version__
from cscperf.cli.console import say
from cscperf.cli.explained import explained
from cscperf.cli.options import command_group

app = command_group("cscperf: performance and oversight reporting for English children's social care.")


def _version(value: bool) -> None:
    if value:
        say(f"cscperf {__version__}")
        raise typer.Exit()


def _logging(verbose: bool) -> None:
    """Standard logging to standard error: what is being done and how long it took, never a value from the
    data (no child's id, name or date appears in a log line). Without --verbose, only warnings, as Python's
    defaults print them."""
    ours = logging.getLogger("cscperf")
    for handler in [h for h in ours.handlers if getattr(h, "cscperf_verbose", False)]:
        ours.removeHandler(handler)
    ours.setLevel(logging.NOTSET)
    ours.propagate = True
    if verbose:
        handler = logging.StreamHandler()  # standard error as it is now
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
        handler.cscperf_verbose = True  # type: ignore[attr-defined]
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
        ours.propagate = False


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and stop.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what is being done, and timings, to standard error.")
    ] = False,
) -> None:
    """cscperf: performance and oversight reporting for English children's social care."""
    _logging(verbose)


def command(name: str, function: object) -> None:
    """Register `function` as `cscperf NAME`, run inside `explained`."""
    app.command(name)(explained(function))  # type: ignore[arg-type]


def _register_commands() -> None:
    from cscperf.analysis.command import spc
    from cscperf.analysis.forecast.command import forecast
    from cscperf.cli import benchmarks, indicators, store, working_days
    from cscperf.cli.reconcile import reconcile_command
    from cscperf.lists.command import lists_app
    from cscperf.loading.command import load, loads, rejects, unload
    from cscperf.report.command import report
    from cscperf.returns.command import annex_a, cin_census, export_app, ssda903, validate
    from cscperf.store.command import db_app
    from cscperf.web.command import audit_app, serve, users_app

    command("synth", store.synth)
    command("summary", store.summary)
    command("schema", store.schema)
    app.add_typer(indicators.kpis_app, name="kpis")
    command("drill", indicators.drill)
    app.add_typer(benchmarks.benchmarks_app, name="benchmarks")
    command("working-days", working_days.working_days)
    command("load", load)
    command("loads", loads)
    command("rejects", rejects)
    command("unload", unload)
    command("report", report)
    command("reconcile", reconcile_command)
    command("spc", spc)
    app.add_typer(lists_app, name="lists")
    command("forecast", forecast)
    for name, function in (("annex-a", annex_a), ("cin-census", cin_census), ("ssda903", ssda903)):
        export_app.command(name)(explained(function))
    app.add_typer(export_app, name="export")
    command("validate", validate)
    command("serve", serve)
    for group, name in ((users_app, "users"), (audit_app, "audit")):
        for sub in group.registered_commands:
            sub.callback = explained(sub.callback)  # type: ignore[arg-type]
        app.add_typer(group, name=name)
    app.add_typer(db_app, name="db")


_register_commands()
