"""`cscperf load`, `cscperf loads` and `cscperf rejects`: put a council's files into the store, list what was
loaded, and export the rejected records for the data-quality meeting."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import textwrap
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cscperf.cli.choices import Severity
from cscperf.cli.console import (
    Col,
    DataTable,
    command_text,
    console,
    fitted_tables,
    literal,
    one_line,
    progress,
    say,
    show,
    warn,
)
from cscperf.cli.exports import export_kind, write_export
from cscperf.cli.options import DEFAULT_STORE, CouncilOption, MemoryLimitOption, StoreOption, one_council
from cscperf.errors import DataProblem
from cscperf.exports.csv_file import stream_csv
from cscperf.loading.history import REJECT_COLUMNS
from cscperf.loading.limits import memory_limit
from cscperf.loading.load_summary import LoadSummary
from cscperf.store.connection import is_server_store, store_label

log = logging.getLogger(__name__)


def load(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to load.", show_default=False)],
    db: StoreOption = DEFAULT_STORE,
    year: Annotated[
        int | None, typer.Option("--year", help="Collection year (year ending 31 March), if not the file's own.")
    ] = None,
    la: CouncilOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    memory: MemoryLimitOption = None,
) -> None:
    """Load CIN Census, SSDA903, Annex A, SSD extract or workforce census files into the store (all or nothing)."""
    from cscperf.loading.checks_after_reading import check_year
    from cscperf.loading.resources import limit_memory
    from cscperf.loading.session import load_files
    from cscperf.store.database import writing_store

    limit = memory_limit(memory)
    check_year(year)
    # a store this command creates is removed again if the load fails: "the store is unchanged" stays true
    with writing_store(db) as con, progress(to_errors=True, disable=as_json) as bar:
        limit_memory(con, limit)
        task = bar.add_task("Loading", total=None)

        def step(name: str, number: int, total: int) -> None:
            log.info("reading file %d of %d", number, total)
            bar.update(task, description=f"Loading {one_line(name)}", completed=number - 1, total=total)

        summary = load_files(con, paths, year=year, la_code=one_council(la), progress=step)
        _refuse_when_nothing_is_a_format(summary)  # (inside: a store this command made is removed again)
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), indent=2, default=str) + "\n")
    else:
        _show(summary, db)


NOT_A_FORMAT = "is not a format cscperf can load: "


def _refuse_when_nothing_is_a_format(summary: LoadSummary) -> None:
    """Folders in which no file is one cscperf loads (a folder of schemas, say) load nothing: an error, as for
    one such file named alone, not a table of the same words for each file and a zero exit."""
    if not summary.files or any(not f.not_recognised for f in summary.files):
        return
    reason = summary.files[0].not_recognised or ""
    formats = _formats(reason)
    count = len(summary.files)
    raise DataProblem(
        f"Nothing was loaded: {'the file is' if count == 1 else f'none of the {count:,} files is'} a format "
        f"cscperf can load{f' (it loads {formats})' if formats else ''}. The store is unchanged."
    )


def _problem_count(count: int, severity: str) -> str:
    """ "1 error", "2 warnings", "3 fatal"."""
    plural = severity in ("error", "warning") and count != 1
    return f"{count:,} {severity}{'s' if plural else ''}"


def _formats(reason: str) -> str:
    """ "CIN Census XML, an SSDA903 table (CSV or XML), ..." from "is not a format cscperf can load: not CIN ..."."""
    if NOT_A_FORMAT not in reason:
        return ""
    listed = reason.split(NOT_A_FORMAT, 1)[1].rstrip(".")
    return listed[4:] if listed.startswith("not ") else listed


def _show(summary: LoadSummary, db: str) -> None:
    councils = sorted({f.la_code for f in summary.files if f.la_code})
    title = "Loaded" + (f" for council {', '.join(councils)}" if councils else "")
    table = DataTable(title=title, title_justify="left")
    for name in ("File", "Format", "Year", "Read", "Loaded", "Rejected", "Problems"):
        numeric = name in ("Year", "Read", "Loaded", "Rejected")
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for f in summary.files:
        if f.not_loaded and f.read:  # every record rejected: the counts say so, and it can be loaded again
            table.add_row(f.path.name, f.kind or "", str(f.collection_year or ""), f"{f.read:,}", "0",
                          f"{f.rejected:,}", "every record rejected: not loaded")  # fmt: skip
            continue
        if f.skipped_as_loaded_in or f.not_recognised or f.not_loaded:
            why = (
                f"already loaded (load {f.skipped_as_loaded_in}: `cscperf loads` says for which council)"
                if f.skipped_as_loaded_in
                else f"not loaded: {f.not_loaded}"
                if f.not_loaded
                else "skipped: not a format cscperf can load (below)"
                if f.not_recognised and f.not_recognised.startswith(NOT_A_FORMAT)
                else f"skipped: it {f.not_recognised}"
            )
            table.add_row(f.path.name, f.kind or "-", "-", "-", "-", "-", why)
            continue
        problems = ", ".join(_problem_count(sum(rules.values()), sev) for sev, rules in f.problems.items())
        table.add_row(f.path.name, f.kind or "", str(f.collection_year or ""), f"{f.read:,}", f"{f.loaded:,}",
                      f"{f.rejected:,}", problems or "none")  # fmt: skip
    console.print(table)
    for f in summary.files:
        if f.problems.get("warning", {}).get("return already loaded"):
            warn(f"{f.path.name} was added to the CIN Census for the same council and year loaded before, whose "
                 "records are kept beside this one's. To replace that return instead, undo its load first: `cscperf "
                 "rejects` (rule 'return already loaded') names it.")  # fmt: skip
    generic = next((f.not_recognised for f in summary.files if (f.not_recognised or "").startswith(NOT_A_FORMAT)), None)
    if generic:
        say(f"Skipped: files of no format cscperf loads; it loads {_formats(generic)}.")
    rules: dict[tuple[str, str], int] = {}
    for f in summary.files:
        for sev, by_rule in f.problems.items():
            for rule, n in by_rule.items():
                rules[(sev, rule)] = rules.get((sev, rule), 0) + n
    if rules:
        rejects = command_text(f"cscperf rejects --db {store_label(db)}")
        console.print(Text.assemble("Problems by rule (details: ", rejects, "):"))
        for (sev, rule), n in sorted(rules.items()):
            console.print(literal(f"  {n:>7,}  {sev:<8} {rule}"))


def loads(
    db: StoreOption = DEFAULT_STORE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the loads as JSON.")] = False,
) -> None:
    """List what was loaded into the store, when, from which file, with the counts."""
    from cscperf.loading.history import load_history
    from cscperf.store.database import open_store

    con = open_store(db, read_only=True)
    try:
        rows = load_history(con)
    finally:
        con.close()
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, default=str) + "\n")
        return
    columns = [Col("Load"), Col("Format"), Col("LA"), Col("Year", True), Col("Loaded at (UTC)"), Col("File"),
               Col("Read", True), Col("Loaded", True), Col("Rejected", True), Col("Status")]  # fmt: skip
    table_rows = [
        [str(r["load_id"]), str(r["load_kind"]), str(r["la_code"] or "-"), str(r["collection_year"] or "-"),
         _when(r["loaded_at"]), _file_cell(Path(str(r["source_file"])).name), f"{r['records_read'] or 0:,}",
         f"{r['records_loaded'] or 0:,}", f"{r['records_rejected'] or 0:,}", _status(r)]
        for r in rows
    ]  # fmt: skip
    if not table_rows:
        say(f"Nothing has been loaded into {store_label(db)} yet.")
        return
    show(fitted_tables("Loads", columns, table_rows))


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, dt.datetime) else str(value)


def _file_cell(name: str) -> str | Text:
    """A file's name whole; a long description (a synthetic council's "profile: ...") over lines of 40 at
    spaces, so the table fits 80 columns without cutting it."""
    if len(name) <= 40 or " " not in name:
        return name
    return Text("\n".join(textwrap.wrap(name, 40, break_long_words=False)))


def _status(row: dict[str, object]) -> str:
    """complete; rejected (every record: nothing loaded); unloaded, with when."""
    status = str(row["load_status"] or "")
    return f"unloaded {_when(row['unloaded_at'])}" if status == "unloaded" and row.get("unloaded_at") else status


def unload(
    load_ids: Annotated[
        list[str], typer.Argument(metavar="LOAD_ID...", help="The loads to undo (`cscperf loads` lists them).")
    ],
    db: StoreOption = DEFAULT_STORE,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was undone as JSON.")] = False,
    memory: MemoryLimitOption = None,
) -> None:
    """Undo loads: take what their files gave back out of the store, all or nothing, as if never loaded (the
    load history keeps them, marked unloaded)."""
    from cscperf.loading.resources import limit_memory
    from cscperf.loading.unload import unload as unload_loads
    from cscperf.store.database import open_store

    limit = memory_limit(memory)
    if not is_server_store(db) and not Path(db).exists():
        raise DataProblem(f"There is no store at {db}.")
    con = open_store(db)
    try:
        limit_memory(con, limit)
        with progress(to_errors=True, disable=as_json) as bar:
            bar.add_task("Unloading", total=None)
            summary = unload_loads(con, load_ids)
    finally:
        con.close()
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), indent=2, default=str) + "\n")
        return
    for done in summary.unloaded:
        year = f", {done['collection_year']}" if done["collection_year"] else ""
        records = int(str(done["records_loaded"]))
        what = f"{Path(str(done['file'])).name}: {done['format']}, council {done['la_code']}{year}"
        say(f"Unloaded {done['load_id']} ({what}): the {records:,} records it gave are out of the store.")
    if summary.replayed:
        say(f"The council's {len(summary.replayed):,} other loads were applied again, so the store is as if "
            "the undone files had never been loaded.")  # fmt: skip
    for la_code in summary.councils_emptied:
        say(f"Council {la_code} has no loads left, so it is no longer in the store.")


def rejects(
    db: StoreOption = DEFAULT_STORE,
    load_id: Annotated[
        str | None, typer.Option("--load", metavar="LOAD_ID", help="Only this load (see `cscperf loads`).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write to this .csv or .xlsx file (default: CSV to the terminal)."),
    ] = None,
    severity: Annotated[Severity | None, typer.Option("--severity", help="Only problems this serious.")] = None,
) -> None:
    """Export the rejected and questioned records, with their reasons and where they were (holds child or
    worker ids)."""
    from cscperf.loading.history import identifiers_held, rejected_records
    from cscperf.store.database import open_store

    kind = export_kind(out)
    con = open_store(db, read_only=True)
    try:
        rows = rejected_records(con, load_id=load_id, severity=severity.value if severity else None)
        held = identifiers_held(con, rows)
    finally:
        con.close()
    problems = f"{len(rows):,} problem{'' if len(rows) == 1 else 's'}"
    if out is None:
        warn(f"{problems} follow{'s' if len(rows) == 1 else ''}. They hold {held}: keep any copy secure.")
        stream_csv(sys.stdout, REJECT_COLUMNS, rows)
        return
    write_export(out, kind, REJECT_COLUMNS, rows, sheet="Rejects", widths=REJECT_WIDTHS)
    say(f"Wrote {problems} to {out} (it holds {held}: keep it secure).")


REJECT_WIDTHS = (22, 30, 8, 28, 9, 24, 22, 20, 20, 60, 60)
