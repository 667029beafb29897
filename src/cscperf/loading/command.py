"""`cscperf load`, `cscperf loads` and `cscperf rejects`: put a council's files into the store, list what was
loaded, and export the rejected records for the data-quality meeting."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cscperf.errors import UsageProblem
from cscperf.loading.load_summary import LoadSummary
from cscperf.store.connection import store_label

console = Console()
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="CSCPERF_DB",
        help="The store: a DuckDB file (created if missing) or a postgresql:// URL (docs/postgresql.md).",
    ),
]


def load(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to load.", show_default=False)],
    db: DbOption = "cscperf.duckdb",
    year: Annotated[
        int | None, typer.Option("--year", help="Collection year (year ending 31 March), if not the file's own.")
    ] = None,
    la: Annotated[str | None, typer.Option("--la", help="Council's 3-digit DfE code, if the files do not say.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Load CIN Census, SSDA903, Annex A, SSD extract or workforce census files into the store (all or nothing)."""
    from cscperf.loading.session import load_files
    from cscperf.store.database import writing_store

    with (
        writing_store(db) as con,
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=as_json,
        ) as progress,
    ):
        task = progress.add_task("Loading", total=None)

        def step(name: str, number: int, total: int) -> None:
            progress.update(task, description=f"Loading {name}", completed=number - 1, total=total)

        summary = load_files(con, paths, year=year, la_code=la, progress=step)
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), indent=2, default=str) + "\n")
    else:
        _show(summary, db)


def _show(summary: LoadSummary, db: str) -> None:
    councils = sorted({f.la_code for f in summary.files if f.la_code})
    title = "Loaded" + (f" for council {', '.join(councils)}" if councils else "")
    table = Table(title=title, title_justify="left")
    for name in ("File", "Format", "Year", "Read", "Loaded", "Rejected", "Problems"):
        numeric = name in ("Year", "Read", "Loaded", "Rejected")
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for f in summary.files:
        if f.skipped_as_loaded_in or f.not_recognised:
            why = "already loaded" if f.skipped_as_loaded_in else f"skipped: it {f.not_recognised}"
            table.add_row(f.path.name, "-", "-", "-", "-", "-", why)
            continue
        problems = ", ".join(f"{sum(rules.values()):,} {sev}" for sev, rules in f.problems.items())
        table.add_row(f.path.name, f.kind or "", str(f.collection_year or ""), f"{f.read:,}", f"{f.loaded:,}",
                      f"{f.rejected:,}", problems or "none")  # fmt: skip
    console.print(table)
    rules: dict[tuple[str, str], int] = {}
    for f in summary.files:
        for sev, by_rule in f.problems.items():
            for rule, n in by_rule.items():
                rules[(sev, rule)] = rules.get((sev, rule), 0) + n
    if rules:
        console.print("Problems by rule (details: [bold]cscperf rejects --db " + escape(store_label(db)) + "[/]):")
        for (sev, rule), n in sorted(rules.items()):
            console.print(f"  {n:>7,}  {sev:<8} {rule}")


def loads(db: DbOption = "cscperf.duckdb", as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List what was loaded into the store, when, from which file, with the counts."""
    from cscperf.store.database import open_store

    con = open_store(db, read_only=True)
    try:
        cursor = con.execute(
            "SELECT load_id, load_kind, la_code, collection_year, loaded_at, source_file, records_read, "
            "records_loaded, records_rejected, load_status FROM cscperf_loads ORDER BY loaded_at, load_id"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, default=str) + "\n")
        return
    table = Table(title="Loads", title_justify="left")
    for name in ("Load", "Format", "LA", "Year", "Loaded at (UTC)", "File", "Read", "Loaded", "Rejected"):
        table.add_column(name, justify="right" if name in ("Read", "Loaded", "Rejected") else "left")
    for r in rows:
        table.add_row(
            str(r["load_id"]),
            str(r["load_kind"]),
            str(r["la_code"]),
            str(r["collection_year"] or ""),
            str(r["loaded_at"]),
            Path(str(r["source_file"])).name,
            f"{r['records_read'] or 0:,}",
            f"{r['records_loaded'] or 0:,}",
            f"{r['records_rejected'] or 0:,}",
        )
    console.print(table)


REJECT_COLUMNS = (
    "load_id",
    "source_file",
    "reject_number",
    "source_location",
    "severity",
    "rule",
    "target_table",
    "field_name",
    "field_value",
    "message",
    "raw_record",
)


def rejects(
    db: DbOption = "cscperf.duckdb",
    load_id: Annotated[str | None, typer.Option("--load", help="Only this load (see `cscperf loads`).")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this .csv or .xlsx file (default: CSV to the terminal).")
    ] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="Only fatal, error or warning.")] = None,
) -> None:
    """Export the rejected and questioned records, with their reasons and where they were (holds child ids)."""
    from cscperf.store.database import open_store

    if severity is not None and severity not in ("fatal", "error", "warning"):
        raise UsageProblem("--severity must be fatal, error or warning.")
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageProblem("--out must end in .csv or .xlsx.")
    con = open_store(db, read_only=True)
    try:
        where, params = [], []
        if load_id:
            where.append("r.load_id = ?")
            params.append(load_id)
        if severity:
            where.append("r.severity = ?")
            params.append(severity)
        sql = (
            "SELECT r.load_id, l.source_file, r.reject_number, r.source_location, r.severity, r.rule, "
            "r.target_table, r.field_name, r.field_value, r.message, CAST(r.raw_record AS VARCHAR) "
            "FROM cscperf_load_rejects r LEFT JOIN cscperf_loads l USING (load_id) "
            + ("WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY r.load_id, r.reject_number"
        )
        rows = con.execute(sql, params).fetchall()
        if load_id and not con.execute("SELECT 1 FROM cscperf_loads WHERE load_id = ?", [load_id]).fetchall():
            raise UsageProblem(f"There is no load {load_id}; `cscperf loads --db {store_label(db)}` lists them.")
    finally:
        con.close()
    if out is None:
        Console(stderr=True).print(
            f"{len(rows):,} problems follow. They hold child identifiers: keep any copy secure.", highlight=False
        )
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(REJECT_COLUMNS)
        writer.writerows(rows)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECT_COLUMNS)
            writer.writerows(rows)
    else:
        _write_xlsx(out, rows)
    console.print(f"Wrote {len(rows):,} problems to {out} (it holds child identifiers: keep it secure).")


def _write_xlsx(out: Path, rows: list[tuple[object, ...]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.table import Table as SheetTable

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Rejects"
    sheet.append(list(REJECT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if v is None else str(v) if not isinstance(v, int) else v for v in row])
    if rows:
        sheet.add_table(SheetTable(displayName="Rejects", ref=sheet.dimensions))
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJK", (22, 30, 8, 28, 9, 24, 22, 20, 20, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(out)
