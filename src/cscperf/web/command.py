"""`cscperf serve`, `cscperf users ...` and `cscperf audit ...`: the web service, its accounts and its audit log.

Each command points Django at the store's own app database (beside a DuckDB store) and makes it current
before doing anything, so the first command on a new store needs no set-up step."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from cscperf.cli.console import console, literal, say
from cscperf.cli.options import DEFAULT_STORE, StoreOption
from cscperf.errors import DataProblem, UsageProblem
from cscperf.web.roles import Role

users_app = typer.Typer(help="Accounts of the web service: add, list, disable, enable, unlock.", no_args_is_help=True)
audit_app = typer.Typer(help="The web service's audit log: list and verify.", no_args_is_help=True)


class AuditFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _start(db: str, *, config: Path | None = None, suppression: int | None = None) -> None:
    from cscperf.store.connection import is_server_store
    from cscperf.store.database import open_store
    from cscperf.web.config import use_store

    open_store(db, read_only=True).close()  # a clear message if there is no store, or not a cscperf one
    target = db if is_server_store(db) else str(Path(db).resolve())
    use_store(target, config=config.resolve() if config else None, suppression=suppression)


def _shown_store(db: str) -> str:
    """The store as it may be printed: a server URL without its password."""
    import re

    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", db)


def first_user_hint(db: str | Path) -> str:
    return (
        "No one can sign in yet. Add the first account (an administrator) with:\n"
        f"  cscperf users add --db {db} NAME --role admin --password-stdin\n"
        "and type the password, then press Enter (or pipe it in). An administrator sees the accounts and the audit "
        "log only: add --role analyst as well to see the figures, the children behind them and the lists. Add "
        "analysts, managers and members the same way."
    )


def serve(
    db: StoreOption = DEFAULT_STORE,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    config: Annotated[Path | None, typer.Option("--config", help="cscperf.toml: targets, council, settings.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Worker processes.")] = 2,
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="Threads per worker.")] = 8,
    suppression: Annotated[
        int, typer.Option("--suppression", min=1, max=100, help="Members see counts below this as 'fewer than N'.")
    ] = 5,
) -> None:
    """Serve the web service (dashboard, indicators, drill-down, lists, reports, loads, audit) with gunicorn."""
    from cscperf.web.server import run_server

    _start(db, config=config, suppression=suppression)
    from django.contrib.auth.models import User

    if not User.objects.filter(is_active=True).exists():
        say(first_user_hint(db), soft_wrap=True)
    if not (Path(__file__).parent / "static" / "vendor" / "app.css").exists():
        say(
            "The web assets are not built (run `make assets`: npm ci and the build). Pages work without them, "
            "unstyled and with their tables in place of charts.",
            soft_wrap=True,
        )
    run_server(
        host,
        port,
        workers=workers,
        threads=threads,
        on_ready=lambda url: say(f"Serving {_shown_store(db)} at {url} (Ctrl+C stops).", soft_wrap=True),
    )


@users_app.command("add")
def users_add(
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help="User name (with single sign-on: the name the identity provider gives)."),
    ],
    role: Annotated[
        list[Role],
        typer.Option("--role", metavar="ROLE", help="admin, analyst, manager or member (repeat for more)."),
    ],
    db: StoreOption = DEFAULT_STORE,
    team: Annotated[
        list[str] | None, typer.Option("--team", metavar="TEAM", help="A manager's team (repeat for several).")
    ] = None,
    la: Annotated[
        str | None, typer.Option("--la", metavar="CODE", help="Limit to this council (3-digit DfE code).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add an account with its role(s), council and teams. The password is read from standard input, never
    from the command line (where others could see it)."""
    if not password_stdin:
        raise UsageProblem("Give the password on standard input with --password-stdin (it is never an argument).")
    if la is not None and not (len(la) == 3 and la.isdigit()):
        raise UsageProblem(f"--la must be a council's 3-digit DfE code, not {la!r}.")
    password = sys.stdin.readline().rstrip("\r\n")
    _start(db)
    _check_council_and_teams(db, la, team or [])
    from cscperf.web.accounts import add_user

    add_user(name, [r.value for r in role], password, teams=team or [], la_code=la)
    say(f"Added {name} ({', '.join(r.value for r in role)}).")


def _check_council_and_teams(db: str, la: str | None, teams: list[str]) -> None:
    """A council the store does not hold, or a team it does not name, is refused with what it does hold: an
    account limited to them would see nothing, and no one would be told why."""
    import difflib

    from cscperf.store.councils import councils, team_names
    from cscperf.store.database import open_store

    con = open_store(db, read_only=True)
    try:
        held = [c.la_code for c in councils(con)]
        if la is not None and held and la not in held:
            raise UsageProblem(f"The store holds no council {la}; it holds {', '.join(held[:10])}.")
        named = sorted({t for code in ([la] if la else held) for t in team_names(con, code)})
    finally:
        con.close()
    for wanted in teams:
        if named and wanted not in named:
            near = difflib.get_close_matches(wanted, named, n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
            raise UsageProblem(f"The store names no team {wanted!r}.{hint} Teams are named as the store names them "
                               "(`ssd_department.dept_team_name`).")  # fmt: skip


@users_app.command("list")
def users_list(db: StoreOption = DEFAULT_STORE) -> None:
    """List the accounts: roles, council, teams, whether active, last sign-in."""
    _start(db)
    from cscperf.web.accounts import user_rows

    rows = user_rows()
    if not rows:
        say(first_user_hint(db), soft_wrap=True)
        return
    table = Table(title="Accounts", title_justify="left")
    for heading in ("User", "Roles", "Council", "Teams", "Active", "Last sign-in"):
        table.add_column(heading, overflow="fold")
    for r in rows:
        table.add_row(*(literal(r[k]) for k in ("username", "roles", "la", "teams", "active", "last_login")))
    console.print(table)


@users_app.command("disable")
def users_disable(
    name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")], db: StoreOption = DEFAULT_STORE
) -> None:
    """Disable an account: it can no longer sign in, and any session it has ends at its next request."""
    _start(db)
    from cscperf.web.accounts import set_active

    set_active(name, False)
    say(f"Disabled {name}.")


@users_app.command("enable")
def users_enable(
    name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")], db: StoreOption = DEFAULT_STORE
) -> None:
    """Enable a disabled account again."""
    _start(db)
    from cscperf.web.accounts import set_active

    set_active(name, True)
    say(f"Enabled {name}.")


@users_app.command("unlock")
def users_unlock(
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="User name.")] = None,
    address: Annotated[
        str | None,
        typer.Option("--address", metavar="ADDRESS", help="Also (or only) end the lockout of this address."),
    ] = None,
    db: StoreOption = DEFAULT_STORE,
) -> None:
    """End a lockout after repeated failed sign-ins now, rather than when it runs out (15 minutes): of an account
    (5 failures with its name), of an address (5 failures from it, whatever the names: `audit list` shows the
    failed sign-ins and their addresses), or both."""
    if name is None and address is None:
        raise UsageProblem("Say whose lockout to end: a user name, --address, or both.")
    _start(db)
    from cscperf.web.accounts import unlock, unlock_address

    if name is not None:
        say(f"Unlocked {name}." if unlock(name) else f"{name} was not locked.")
    if address is not None:
        say(f"Unlocked the address {address}." if unlock_address(address) else f"The address {address} was not locked.")


@audit_app.command("list")
def audit_list(
    db: StoreOption = DEFAULT_STORE,
    user: Annotated[str | None, typer.Option("--user", metavar="NAME", help="Only this user's records.")] = None,
    output: Annotated[AuditFormat, typer.Option("--format", help="table, json or csv.")] = AuditFormat.table,
) -> None:
    """The audit log, newest first: who saw or downloaded child-level data, when, what, how many, from where."""
    _start(db)
    from cscperf.exports.csv_file import stream_csv
    from cscperf.web import audit

    rows = [audit.as_row(e) for e in audit.records_for(user)]
    if output is AuditFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    if output is AuditFormat.csv:
        stream_csv(sys.stdout, audit.AUDIT_COLUMNS, ([r[c] for c in audit.AUDIT_COLUMNS] for r in rows))
        return
    if not rows:
        say(f"The audit log has no records{f' for {user}' if user else ''}.")
        return
    # Fits 80 columns: the details and the address go under what was done, in the one column wide enough
    table = Table(title=f"Audit log ({len(rows)} records)", title_justify="left", box=box.SIMPLE_HEAD, expand=True)
    table.add_column("No.", justify="right", no_wrap=True)
    table.add_column("When (UTC)", no_wrap=True)
    longest = max(len(r["username"]) for r in rows)
    table.add_column("Who", overflow="fold", no_wrap=longest <= 16, min_width=min(longest, 16))
    table.add_column("What, and from where", overflow="fold", ratio=1)
    table.add_column("Children", justify="right", no_wrap=True)
    for r in rows:
        what = Text(r["action"])
        if r["detail"]:
            what.append("\n")
            what.append(literal(r["detail"], "dim"))
        if r["address"]:
            what.append("\nfrom ")
            what.append(literal(r["address"]))
        table.add_row(
            str(r["seq"]),
            r["at"][:16].replace("T", " "),
            literal(r["username"]),
            what,
            "" if r["children"] is None else f"{r['children']:,}",
        )
    console.print(table)


@audit_app.command("verify")
def audit_verify(db: StoreOption = DEFAULT_STORE) -> None:
    """Check the audit log's hash chain; name the first record that was changed, removed or inserted."""
    _start(db)
    from cscperf.web import audit

    verdict = audit.verify()
    if verdict.intact:
        say(f"The audit log is intact: {verdict.records} records, each linked to the one before.")
        return
    raise DataProblem(
        f"The audit log has been tampered with. The first broken record is number "
        f"{verdict.first_broken}: {verdict.reason}."
    )
