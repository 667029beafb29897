"""`cscperf lists`: the managers' lists for a council as at a date (per team or worker, week on week, as a
table, CSV, JSON or Excel), and `cscperf lists list`, naming every list with who it is for and its rule.

Child identifiers appear only in the lists themselves (which say so), never in messages or logs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from cscperf.cli.console import DataTable, console, literal, say
from cscperf.cli.explained import explained
from cscperf.cli.options import (
    DEFAULT_STORE,
    AsAtOption,
    ConfigOption,
    CouncilOption,
    StoreOption,
    as_at_date,
    as_at_or_last_month,
    command_group,
    one_council,
)
from cscperf.errors import UsageProblem
from cscperf.lists.rows import ListResult, Lists
from cscperf.store.connection import Connection

log = logging.getLogger(__name__)


class ListsFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class CatalogueFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class ListsBy(StrEnum):
    team = "team"


lists_app = command_group(
    "Managers' lists: who is overdue or due (visits, reviews, plans at 9 and 12 months, checks, caseloads), "
    "per team and worker.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@lists_app.callback()
@explained
def lists(
    ctx: typer.Context,
    db: StoreOption = DEFAULT_STORE,
    as_at: AsAtOption = None,
    list_ids: Annotated[
        list[str] | None, typer.Option("--list", metavar="ID", help="A list id (repeat for several; default: all).")
    ] = None,
    la: CouncilOption = None,
    team: Annotated[str | None, typer.Option("--team", metavar="NAME", help="Only this team (name or id).")] = None,
    worker: Annotated[str | None, typer.Option("--worker", metavar="ID", help="Only this worker's children.")] = None,
    look_ahead_days: Annotated[
        int | None,
        typer.Option("--look-ahead-days", min=0, max=366, metavar="N", help="What falls due within N days (28)."),
    ] = None,
    since: Annotated[
        dt.date | None,
        typer.Option(
            "--since",
            parser=as_at_date,
            metavar="DATE",
            help="Mark each row new or continuing since this date, and list who left and why.",
        ),
    ] = None,
    by: Annotated[ListsBy | None, typer.Option("--by", help="Counts per team and worker instead.")] = None,
    output: Annotated[ListsFormat, typer.Option("--format", help="How to give the lists.")] = ListsFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="Write to this file (xlsx needs one).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """The managers' lists as at a date: who is overdue, and who falls due within the look-ahead."""
    if ctx.invoked_subcommand is not None:
        return
    from cscperf.lists.engine import chosen_lists, compute_lists
    from cscperf.lists.settings import read_list_settings
    from cscperf.store.councils import chosen_councils
    from cscperf.store.database import open_store

    if output is ListsFormat.xlsx and out is None:
        raise UsageProblem("An Excel workbook needs a file: add --out lists.xlsx.")
    if output is ListsFormat.table and out is not None:
        raise UsageProblem("--out writes csv, json or xlsx; the table is for the screen.")
    chosen_lists(list_ids)  # unknown ids are reported before the store is opened
    indicator_settings, settings = read_list_settings(config)
    con = open_store(db, read_only=True)
    try:
        la_code = chosen_councils(con, [c for c in [one_council(la)] if c])[0]
        when = as_at_or_last_month(as_at, con, la_code)
        check_team_and_worker(con, la_code, team, worker)
        started = time.perf_counter()
        result = compute_lists(con, la_code, when, ids=list_ids, team=team, worker=worker,
                               look_ahead_days=look_ahead_days, since=since, indicator_settings=indicator_settings,
                               settings=settings)  # fmt: skip
        log.info("computed %d lists in %.2f s", len(result.results), time.perf_counter() - started)
    finally:
        con.close()
    _deliver(result, output, out, by is ListsBy.team)
    if as_at is None and output is ListsFormat.table:
        say(f"As at {when:%-d %B %Y}, the end of the last complete month of the data (--as-at: another date).")


@lists_app.command("list")
@explained
def lists_list(
    output: Annotated[CatalogueFormat, typer.Option("--format", help="How to print them.")] = CatalogueFormat.table,
) -> None:
    """Name every list: its id, title, who it is for and its rule."""
    from cscperf.lists.engine import list_definitions
    from cscperf.lists.library_doc import lists_markdown

    if output is CatalogueFormat.markdown:
        sys.stdout.write(lists_markdown())
        return
    definitions = list_definitions()
    if output is CatalogueFormat.json:
        sys.stdout.write(json.dumps([asdict(d) for d in definitions], indent=2) + "\n")
        return
    table = DataTable(title=f"The managers' lists ({len(definitions)})", show_lines=True)
    table.add_column("Id", no_wrap=True)
    table.add_column("Title, who it is for, and its rule", ratio=1)  # one wide column: no setting's name is cut
    for d in definitions:
        table.add_row(d.id, literal(f"{d.title}\nFor: {d.audience}\n\n{d.rule}"))
    console.print(table)


def check_team_and_worker(con: Connection, la_code: str, team: str | None, worker: str | None) -> None:
    """A --team or --worker the council does not have is a mistake worth saying, not an empty list."""
    from cscperf.lists.engine import teams

    if team is not None:
        known = teams(con, la_code)
        ids = [r[0] for r in con.execute("SELECT dept_team_id FROM ssd_department WHERE la_code = ?",
                                         [la_code]).fetchall()]  # fmt: skip
        if team.casefold() not in {t.casefold() for t in [*known, *ids]}:
            shown = "; ".join(known[:12]) + (" ..." if len(known) > 12 else "")
            raise UsageProblem(f"The council has no team called {team!r}. Its teams: {shown or 'none recorded'}.")
    if worker is not None:
        found = con.execute(
            "SELECT 1 FROM ssd_professionals WHERE la_code = ? AND (lower(prof_professional_id) = lower(?) "
            "OR lower(prof_professional_name) = lower(?)) LIMIT 1",
            [la_code, worker, worker],
        ).fetchall()
        if not found:
            raise UsageProblem(f"The council has no worker {worker!r} (give the worker's id, as in ssd_professionals).")


def _deliver(result: Lists, output: ListsFormat, out: Path | None, by_team: bool) -> None:
    from cscperf.exports.files import write_atomically
    from cscperf.lists import output as formats

    if output is ListsFormat.table:
        show_by_team(result) if by_team else show_lists(result)
        return
    data: bytes | str
    if output is ListsFormat.xlsx:
        data = formats.lists_xlsx(result, with_summary=by_team)
    elif by_team:
        data = formats.by_team_json(result) + "\n" if output is ListsFormat.json else formats.by_team_csv(result)
    else:
        data = formats.lists_json(result) + "\n" if output is ListsFormat.json else formats.lists_csv(result)
    if out is None:
        assert isinstance(data, str)
        sys.stdout.write(data)
        return
    write_atomically(out, data if isinstance(data, bytes) else data.encode(formats.CSV_ENCODING))
    say(f"Wrote {out}. {result.notice}")


# ------------------------------------------------------------------------------------------------ screen
def show_lists(result: Lists) -> None:
    say(_heading(result))
    console.print(literal(result.notice, "bold"))
    for r in result.results:
        console.print()
        _show_list(r)


def _heading(result: Lists) -> str:
    parts = [f"Managers' lists for {result.la_name} ({result.la_code}) as at {result.as_at:%-d %B %Y}",
             f"looking {result.look_ahead_days} days ahead"]  # fmt: skip
    if result.team:
        parts.append(f"team {result.team}")
    if result.worker:
        parts.append(f"worker {result.worker}")
    if result.since:
        parts.append(f"compared with {result.since:%-d %B %Y}")
    return "; ".join(parts) + "."


def _show_list(r: ListResult) -> None:
    title = f"{r.id}: {r.title}"
    if not r.available:
        say(f"{title}: {_not_available(r.reason)}.")
        return
    now = r.definition.overdue_words  # "overdue", or for caseloads "over the target"
    counts = f"{r.count('overdue')} {now}" + (f", {r.count('due')} due" if r.definition.look_ahead else "")
    if not r.rows:
        say(f"{title}: nobody is {f'{now} or due' if r.definition.look_ahead else now}.")
    else:
        console.print(_list_table(r, f"{title} ({counts})"))
    for x in r.left:
        say(f"  Left since {r.since:%-d %b %Y}: {x.person_id or x.worker} ({x.team}): {x.why}.")
    for note in r.notes:
        say(f"  Note: {note}")


def _not_available(reason: str | None) -> str:
    """Not available and why, said once when the reason already begins with "not available"."""
    why = reason or ""
    return why if why.startswith("not available") else f"not available: {why}"


def _list_table(r: ListResult, title: str) -> Table:
    child = r.definition.subject == "child"
    table = Table(title=literal(title), title_justify="left", box=box.SIMPLE_HEAD, show_lines=True, pad_edge=False)
    table.add_column("Child" if child else "Worker", no_wrap=True)
    table.add_column("Worker, team" if child else "Team", max_width=18)
    if r.definition.due_label:
        table.add_column("Due", no_wrap=True)
    table.add_column("Detail", ratio=1)
    for row in r.rows:
        who = (row.person_id or "-") if child else row.worker
        if row.change is not None:
            who += f"\n({row.change})"
        cells = [literal(who), literal(f"{row.worker}\n{row.team}" if child else row.team)]
        if r.definition.due_label:
            due = f"{row.due_date:%-d %b %Y}" if row.due_date else "-"
            cells.append(literal(f"{due}\n{_status_words(row.status, row.working_days)}"))
        cells.append(literal(row.detail + (f" {row.action}." if row.action else "")))
        table.add_row(*cells)
    return table


def _status_words(status: str, working_days: int | None) -> str:
    if working_days is None:
        return status
    if status == "overdue":
        return f"{working_days} wd over" if working_days else "overdue"
    return "due today" if working_days == 0 else f"in {working_days} wd"


def show_by_team(result: Lists) -> None:
    from cscperf.lists.output import by_team

    say(_heading(result))
    order = [r.id for r in result.results if r.available]
    looks_ahead = {r.id for r in result.results if r.definition.look_ahead}
    table = DataTable(title="Overdue and due, by team and worker", title_justify="left")
    table.add_column("Team or worker")
    table.add_column("List", no_wrap=True)  # a list's id is never cut
    table.add_column("Overdue*", justify="right", no_wrap=True)
    table.add_column("Due", justify="right")
    for c in by_team(result):
        first = True
        for list_id, (overdue, due) in sorted(c.counts.items(), key=lambda kv: order.index(kv[0])):
            name = (c.team if c.worker is None else f"  {c.worker}") if first else ""
            due_text = str(due) if list_id in looks_ahead else "-"  # a list that does not look ahead has no "due"
            table.add_row(name, list_id, str(overdue), due_text, style="bold" if c.worker is None else None)
            first = False
    console.print(table)
    for r in result.results:
        if r.available and r.definition.overdue_words != "overdue":  # a caseload is over the target, not overdue
            say(f"* For {r.id}: {r.definition.overdue_words}, not overdue.")
    for r in result.results:
        if not r.available:
            say(f"{r.id}: {_not_available(r.reason)}.")
