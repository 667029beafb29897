"""`cscperf lists`: the managers' lists for a council as at a date (per team or worker, week on week, as a
table, CSV, JSON or Excel), and `cscperf lists list`, naming every list with who it is for and its rule.

Child identifiers appear only in the lists themselves (which say so), never in messages.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cscperf.errors import DataProblem, UsageProblem
from cscperf.lists.rows import NOTICE, ListResult, Lists

console = Console()


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


def lists_app(explained: Callable[[Callable[..., Any]], Callable[..., Any]]) -> typer.Typer:
    """The `lists` command group, each command wrapped by the CLI's error handling."""
    app = typer.Typer(
        help="Managers' lists: who is overdue or due (visits, reviews, plans at 9 and 12 months, checks, "
        "caseloads), per team and worker.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    app.callback()(explained(lists))
    app.command("list")(explained(lists_list))
    return app


def lists(
    ctx: typer.Context,
    db: Annotated[Path, typer.Option("--db", help="The store: a DuckDB file.")] = Path("cscperf.duckdb"),
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="The lists as at this date, YYYY-MM-DD or DD/MM/YYYY.")
    ] = None,
    list_ids: Annotated[
        list[str] | None, typer.Option("--list", help="A list id (repeat for several; default: all).")
    ] = None,
    la: Annotated[
        str | None, typer.Option("--la", help="Council (3-digit DfE code); needed when the store holds several.")
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's children (team name or id).")] = None,
    worker: Annotated[str | None, typer.Option("--worker", help="Only this worker's children (worker id).")] = None,
    look_ahead_days: Annotated[
        int | None,
        typer.Option("--look-ahead-days", min=0, max=366, help="Show what falls due within this many days (28)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Mark each row new or continuing since this date and list who left, and why."),
    ] = None,
    by: Annotated[ListsBy | None, typer.Option("--by", help="team: counts per team and worker instead.")] = None,
    output: Annotated[ListsFormat, typer.Option("--format", help="table, csv, json or xlsx.")] = ListsFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (needed for xlsx).")] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="cscperf.toml with the indicator and list settings (the council's local rules)."),
    ] = None,
) -> None:
    """The managers' lists as at a date: who is overdue, and who falls due within the look-ahead."""
    if ctx.invoked_subcommand is not None:
        return
    from cscperf.lists.engine import chosen_lists, compute_lists
    from cscperf.lists.settings import read_list_settings
    from cscperf.store.database import open_store

    when = parse_date(as_at, "--as-at")
    earlier = parse_date(since, "--since") if since is not None else None
    if output is ListsFormat.xlsx and out is None:
        raise UsageProblem("An Excel workbook needs a file: add --out lists.xlsx.")
    chosen_lists(list_ids)  # unknown ids are reported before the store is opened
    indicator_settings, settings = read_list_settings(config)
    con = open_store(db, read_only=True)
    try:
        la_code = council(con, la)
        check_team_and_worker(con, la_code, team, worker)
        result = compute_lists(con, la_code, when, ids=list_ids, team=team, worker=worker,
                               look_ahead_days=look_ahead_days, since=earlier, indicator_settings=indicator_settings,
                               settings=settings)  # fmt: skip
    finally:
        con.close()
    _deliver(result, output, out, by is ListsBy.team)


def lists_list(
    output: Annotated[
        CatalogueFormat, typer.Option("--format", help="table, json or markdown.")
    ] = CatalogueFormat.table,
) -> None:
    """Name every list: its id, title, who it is for and its rule."""
    import json

    from cscperf.lists.engine import list_definitions
    from cscperf.lists.library_doc import lists_markdown

    if output is CatalogueFormat.markdown:
        sys.stdout.write(lists_markdown())
        return
    definitions = list_definitions()
    if output is CatalogueFormat.json:
        sys.stdout.write(json.dumps(definitions, indent=2) + "\n")
        return
    table = Table(title=f"The managers' lists ({len(definitions)})", show_lines=True)
    table.add_column("Id", no_wrap=True)
    table.add_column("Title and who it is for", ratio=1)
    table.add_column("Rule", ratio=2)
    for d in definitions:
        table.add_row(d["id"], escape(f"{d['title']}\nFor: {d['audience']}"), escape(d["rule"]))
    console.print(table)


def parse_date(text: str | None, option: str) -> dt.date:
    """A date written YYYY-MM-DD or DD/MM/YYYY."""
    if text is None:
        raise UsageProblem(f"Give the date: {option} YYYY-MM-DD.")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise UsageProblem(f"{option} must be a date written YYYY-MM-DD or DD/MM/YYYY, not {text!r}.")


def council(con: duckdb.DuckDBPyConnection, la: str | None) -> str:
    codes = [str(r[0]) for r in con.execute("SELECT la_code FROM cscperf_councils ORDER BY la_code").fetchall()]
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


def check_team_and_worker(con: duckdb.DuckDBPyConnection, la_code: str, team: str | None, worker: str | None) -> None:
    """A --team or --worker the council does not have is a mistake worth saying, not an empty list."""
    from cscperf.lists.engine import teams

    if team is not None:
        known = teams(con, la_code)
        ids = [
            r[0] for r in con.execute("SELECT dept_team_id FROM ssd_department WHERE la_code = ?", [la_code]).fetchall()
        ]
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
    from cscperf.lists import output as formats

    if output is ListsFormat.xlsx:
        assert out is not None
        write_file(out, formats.lists_xlsx(result, with_summary=by_team))
        console.print(f"Wrote {out}: {NOTICE}", highlight=False)
        return
    if output is ListsFormat.table:
        if out is not None:
            raise UsageProblem("--out writes csv, json or xlsx; the table is for the screen.")
        show_by_team(result) if by_team else show_lists(result)
        return
    if by_team:
        text = formats.by_team_json(result) + "\n" if output is ListsFormat.json else formats.by_team_csv(result)
    else:
        text = formats.lists_json(result) + "\n" if output is ListsFormat.json else formats.lists_csv(result)
    if out is None:
        sys.stdout.write(text)
    else:
        write_file(out, text.encode("utf-8"))
        console.print(f"Wrote {out}: {NOTICE}", highlight=False)


def write_file(path: Path, data: bytes) -> None:
    """Write all of a file or none of it (a temporary file renamed into place)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageProblem(f"There is no folder {folder} to write {path.name} into.")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".cscperf-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise DataProblem(f"{path} could not be written: {exc.strerror}.") from None


# ------------------------------------------------------------------------------------------------ screen
def show_lists(result: Lists) -> None:
    console.print(escape(_heading(result)), highlight=False)
    console.print(f"[bold]{escape(NOTICE)}[/]", highlight=False)
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
        console.print(f"[bold]{escape(title)}[/]: not available: {escape(str(r.reason))}.", highlight=False)
        return
    counts = f"{r.count('overdue')} overdue" + (f", {r.count('due')} due" if r.definition.look_ahead else "")
    if not r.rows:
        nobody = "overdue or due" if r.definition.look_ahead else "overdue"
        console.print(f"[bold]{escape(title)}[/]: nobody is {nobody}.", highlight=False)
    else:
        console.print(_list_table(r, f"{title} ({counts})"))
    for x in r.left:
        who = x.person_id or x.worker
        console.print(escape(f"  Left since {r.since:%-d %b %Y}: {who} ({x.team}): {x.why}."), highlight=False)
    for note in r.notes:
        console.print(escape(f"  Note: {note}"), highlight=False)


def _list_table(r: ListResult, title: str) -> Table:
    child = r.definition.subject == "child"
    table = Table(title=escape(title), title_justify="left", box=box.SIMPLE_HEAD, show_lines=True, pad_edge=False)
    table.add_column("Child" if child else "Worker", no_wrap=True)
    table.add_column("Worker, team" if child else "Team", max_width=18)
    if r.definition.due_label:
        table.add_column("Due", no_wrap=True)
    table.add_column("Detail", ratio=1)
    for row in r.rows:
        who = (row.person_id or "-") if child else row.worker
        if row.change is not None:
            who += f"\n({row.change})"
        cells = [escape(who), escape(f"{row.worker}\n{row.team}" if child else row.team)]
        if r.definition.due_label:
            due = f"{row.due_date:%-d %b %Y}" if row.due_date else "-"
            cells.append(f"{due}\n{_status_words(row.status, row.working_days)}")
        cells.append(escape(row.detail + (f" {row.action}." if row.action else "")))
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

    console.print(escape(_heading(result)), highlight=False)
    titles = {r.id: r.id for r in result.results if r.available}
    table = Table(title="Overdue and due, by team and worker", title_justify="left")
    table.add_column("Team or worker")
    table.add_column("List")
    table.add_column("Overdue", justify="right")
    table.add_column("Due", justify="right")
    for c in by_team(result):
        first = True
        for list_id, (overdue, due) in sorted(c.counts.items(), key=lambda kv: list(titles).index(kv[0])):
            name = (c.team if c.worker is None else f"  {c.worker}") if first else ""
            style = "bold" if c.worker is None else None
            table.add_row(escape(name), list_id, str(overdue), str(due), style=style)
            first = False
    console.print(table)
    for r in result.results:
        if not r.available:
            console.print(escape(f"{r.id}: not available: {r.reason}."), highlight=False)
