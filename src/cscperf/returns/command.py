"""`cscperf export annex-a|cin-census|ssda903` and `cscperf validate`: write a return from the store and check
it, or check return files a council brings. The terminal shows counts by rule, never a child's identifier;
the failures with the child, table, field and value go to a CSV or Excel file (a data-quality output)."""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.text import Text

from cscperf.cli.console import DataTable, console, literal, say, warn
from cscperf.cli.options import (
    DEFAULT_STORE,
    AsAtOption,
    CouncilOption,
    StoreOption,
    command_group,
    one_council,
)
from cscperf.errors import UsageProblem
from cscperf.reference.la_codes import council_name
from cscperf.returns.dfe_rules import STOPPED
from cscperf.returns.failures import CheckOutcome, Failure, count_by_rule

export_app = command_group("Write a return from the store (Ofsted Annex A, CIN Census, SSDA903), checked.")
CheckOnly = Annotated[bool, typer.Option("--check-only", help="Check the return and show the failures; write nothing.")]
FailuresOption = Annotated[
    Path | None,
    typer.Option("--failures", help="Write every failure (child, field, rule) to this .csv or .xlsx file."),
]
SchemasOption = Annotated[
    Path | None, typer.Option("--schemas", help="Folder (or file) holding the XSD to check with.")
]
NoRules = Annotated[bool, typer.Option("--no-dfe-rules", help="Skip the DfE validation rules (XSD/layout only).")]


class SsdaFormat(StrEnum):
    csv = "csv"
    xml = "xml"


def annex_a(
    as_at: AsAtOption = None,
    out: Annotated[Path, typer.Option("--out", help="The workbook to write (.xlsx).")] = Path("annex_a.xlsx"),
    db: StoreOption = DEFAULT_STORE,
    la: CouncilOption = None,
    check_only: CheckOnly = False,
    failures: FailuresOption = None,
) -> None:
    """Ofsted Annex A: the eleven lists for the six months to the as-at date, with a summary sheet."""
    from cscperf.cli.options import as_at_or_last_month
    from cscperf.returns.base import ExportRequest

    if out.suffix.lower() != ".xlsx":
        raise UsageProblem("--out must end in .xlsx.")
    _run(
        "annex-a",
        db,
        la,
        out,
        check_only,
        failures,  # without --as-at, the end of the last complete month of the council's data, as its help says
        lambda con, code: ExportRequest(con, code, out, as_at=as_at_or_last_month(as_at, con, code)),
        dfe_rules=False,
    )


def cin_census(
    year: Annotated[int, typer.Option("--year", help="Collection year: the year ending 31 March (2025 = 2024-25).")],
    out: Annotated[Path, typer.Option("--out", help="The XML file to write.")] = Path("cin_census.xml"),
    db: StoreOption = DEFAULT_STORE,
    la: CouncilOption = None,
    schemas: SchemasOption = None,
    check_only: CheckOnly = False,
    failures: FailuresOption = None,
    no_dfe_rules: NoRules = False,
) -> None:
    """The CIN Census for the collection year, checked against its XSD and the DfE rules."""
    from cscperf.returns.base import ExportRequest

    _year(year)
    _run(
        "cin-census",
        db,
        la,
        out,
        check_only,
        failures,
        lambda con, code: ExportRequest(con, code, out, year=year, schemas=schemas),
        dfe_rules=not no_dfe_rules,
    )


def ssda903(
    year: Annotated[int, typer.Option("--year", help="Collection year: the year ending 31 March (2025 = 2024-25).")],
    out: Annotated[Path, typer.Option("--out", help="The folder to write the tables (or ssda903.xml) into.")] = Path(
        "ssda903"
    ),
    file_format: Annotated[SsdaFormat, typer.Option("--format", help="CSV tables or the XML return.")] = SsdaFormat.csv,
    db: StoreOption = DEFAULT_STORE,
    la: CouncilOption = None,
    schemas: SchemasOption = None,
    check_only: CheckOnly = False,
    failures: FailuresOption = None,
    no_dfe_rules: NoRules = False,
) -> None:
    """The SSDA903 (children looked after) for the collection year, checked by the DfE rules (and the XSD)."""
    from cscperf.returns.base import ExportRequest

    _year(year)
    _run(
        "ssda903",
        db,
        la,
        out,
        check_only,
        failures,
        lambda con, code: ExportRequest(con, code, out, year=year, file_format=file_format.value, schemas=schemas),
        dfe_rules=not no_dfe_rules,
    )


def validate(
    paths: Annotated[list[Path], typer.Argument(help="Return files or folders (CIN XML, SSDA903, Annex A).")],
    year: Annotated[int | None, typer.Option("--year", help="Collection year, if the files do not say.")] = None,
    la_name: Annotated[str | None, typer.Option("--la-name", help="Council name (for the 903 area rules).")] = None,
    schemas: SchemasOption = None,
    failures: FailuresOption = None,
    no_dfe_rules: NoRules = False,
) -> None:
    """Check returns a council brings: the XSD (every error), the Annex A layout and the DfE rules."""
    from cscperf.returns.service import check_files

    for path in paths:
        if not path.exists():
            raise UsageProblem(f"There is no file or folder {path}.")
    if year is not None:
        _year(year)
    _failures_suffix(failures)
    checks = check_files(paths, year=year, la_name=la_name, schemas=schemas, dfe_rules=not no_dfe_rules)
    everything: list[Failure] = []
    unchecked: list[str] = []
    stopped = False
    for c in checks:
        console.print(Text.assemble(literal(c.fmt.title, "bold"), literal(f": {', '.join(p.name for p in c.paths)}")))
        _show_outcomes(c.outcomes)
        everything.extend(c.failures)
        unchecked.extend(o.check for o in c.outcomes if not o.ran)
        stopped = stopped or any(not o.ran and o.note.startswith(STOPPED) for o in c.outcomes)
    if failures is not None:
        from cscperf.returns.failures import write_failures

        write_failures(failures, everything)
    _finish(everything, failures, check_only=True, unchecked=unchecked, stopped=stopped)


def _run(
    name: str,
    db: str,
    la: list[str] | None,
    out: Path,
    check_only: bool,
    failures: Path | None,
    make: object,
    *,
    dfe_rules: bool,
) -> None:
    from cscperf.returns.service import council, export_return
    from cscperf.store.database import open_store

    _failures_suffix(failures)
    if failures is None and not check_only:
        failures = out.with_name(out.name + ".failures.csv")  # beside the return (a folder's too), not in it
    con = open_store(db, read_only=True)
    try:
        code, la_name = council(con, one_council(la))
        request = make(con, code)  # type: ignore[operator]
        with console.status(f"Writing and checking the {name} return...", spinner="dots"):
            run = export_return(
                name,
                request,
                check_only=check_only,
                dfe_rules=dfe_rules,
                la_name=la_name,
                failures_file=failures if not check_only or failures else None,
            )
    finally:
        con.close()
    verb = "Checked (nothing written)" if check_only else "Wrote"
    where = "" if check_only else ": " + ", ".join(str(p) for p in run.result.paths[:3])
    more = f" and {len(run.result.paths) - 3} more" if len(run.result.paths) > 3 else ""
    named = f"{council_name(code, la_name)} ({code})"
    say(f"{verb} the {run.fmt.title} for {named}, {run.result.period}{where}{more}")
    counts = "; ".join(f"{k} {v:,}" for k, v in run.result.counts.items())
    _indented(f"Records: {counts}")
    for note in run.result.notes:
        _indented(f"Note: {note}")
    _show_outcomes(run.outcomes)
    if run.result.failures:
        say(f"  Written with {len(run.result.failures):,} values made safe (see the failures).")
    _finish(
        run.failures,
        run.failures_file,
        check_only=check_only and failures is None,
        unchecked=[o.check for o in run.outcomes if not o.ran],
    )


def _show_outcomes(outcomes: list[CheckOutcome]) -> None:
    for o in outcomes:
        if not o.ran:
            console.print(Text.assemble(literal(f"  {o.check}: "), ("not checked", "yellow"), literal(f": {o.note}")))
            continue
        errors = sum(1 for f in o.failures if f.severity == "error")
        queries = len(o.failures) - errors
        found = "no failures" if not o.failures else f"{errors:,} errors, {queries:,} queries"
        _indented(f"{o.check} ({o.note}): {found}")


def _indented(text: str) -> None:
    """A line under the command's first: indented by two, wrapped at the terminal's width (at spaces only, so a
    path or a rule number is never split) with the lines after the first indented by four."""
    import textwrap

    lines = textwrap.wrap(text, width=max(console.width, 40), initial_indent="  ", subsequent_indent="    ",
                          break_long_words=False, break_on_hyphens=False)  # fmt: skip
    for line in lines:
        say(line, soft_wrap=True)


def _finish(
    failures: list[Failure], file: Path | None, *, check_only: bool, unchecked: list[str], stopped: bool = False
) -> None:
    if failures:
        # the message takes the width the short columns leave (at 80 columns it was squeezed to a third, as
        # narrow as a long Annex A rule name beside it, and wrapped a word a line)
        table = DataTable(
            title="Failures by rule", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
        )
        table.add_column("Check", no_wrap=True)
        table.add_column("Rule", overflow="fold", max_width=16)
        table.add_column("Kind", no_wrap=True)
        table.add_column("Count", justify="right", no_wrap=True)
        table.add_column("Message", overflow="fold", ratio=1)
        rows = count_by_rule(failures)
        for check, rule, severity, n, message in rows[:40]:
            table.add_row(check, rule, severity, f"{n:,}", _shortened(_without_values(message)))
        console.print(table)
        if len(rows) > 40:
            say(f"... and {len(rows) - 40} more rules.")
    if file is not None and not failures:
        say(f"No failures to list: {file} is written empty.")
    elif file is not None:
        say(f"The {len(failures):,} failures, with the child and field, are in {file} "
            "(it holds child identifiers: keep it secure).")  # fmt: skip
    elif check_only and failures:
        from dataclasses import astuple

        from cscperf.exports.csv_file import stream_csv
        from cscperf.returns.failures import COLUMNS

        warn("The failures follow as CSV. They hold child identifiers: keep any copy secure.")
        stream_csv(sys.stdout, COLUMNS, (astuple(f) for f in failures))
    errors = sum(1 for f in failures if f.is_error)
    if errors:
        console.print(Text.assemble((f"{errors:,} errors", "bold red"),
                                    " would stop the return being accepted: correct them at source."))  # fmt: skip
        raise typer.Exit(1)
    found = "No errors" if not failures else "No errors; the queries need an explanation or a correction"
    if unchecked:
        found += f" in the checks that ran ({', '.join(sorted(set(unchecked)))} not checked: see above)"
    say(found + ".")
    if stopped:  # a check that began and failed on this return (not one that is not installed) proves nothing
        console.print(Text.assemble(("Not known to be valid", "bold red"), ": a check stopped on this return "
                                    "(above), so it may hold errors that check would find."))  # fmt: skip
        raise typer.Exit(1)


MESSAGE_WIDTH = 120
"""The longest rule message the table shows; a longer one is cut at a word, with an ellipsis (the failures
file has it whole)."""


def _shortened(message: str) -> str:
    import textwrap

    return textwrap.shorten(message, width=MESSAGE_WIDTH, placeholder=" …")


def _without_values(message: str) -> str:
    """A schema message with the value it quotes left out (a value may be a child's UPN): the terminal shows no
    child's data; the failures file has it."""
    return re.sub(r"value '[^']*'", "value (see the failures file)", message)


def _failures_suffix(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageProblem("--failures must end in .csv or .xlsx.")


def _year(year: int) -> None:
    from cscperf.loading.years import year_problem

    if why := year_problem(year):
        raise UsageProblem(f"--year {year}: {why}. It is the year the collection ends in, e.g. 2025 for 2024-25.")
