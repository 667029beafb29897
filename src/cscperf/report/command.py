"""`cscperf report`: write the committee performance report (Word, PDF, accessible HTML and the Excel data)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cscperf.errors import DataProblem, UsageProblem
from cscperf.store.connection import is_server_store, store_label

console = Console()


def _formats(text: str) -> tuple[str, ...]:
    from cscperf.report.writer import FORMATS

    wanted = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise UsageProblem(f"--format takes a comma-separated list of {', '.join(FORMATS)}; not {text!r}.")
    return wanted


def _date(text: str | None) -> dt.date:
    if text is None:
        raise UsageProblem("Give the date to report as at: --as-at YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"--as-at must be a date written YYYY-MM-DD, not {text!r}.") from None


def report(
    db: Annotated[
        str, typer.Option("--db", envvar="CSCPERF_DB", help="The store: a DuckDB file or a postgresql:// URL.")
    ] = "cscperf.duckdb",
    as_at: Annotated[str | None, typer.Option("--as-at", help="Report as at this date, YYYY-MM-DD.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")] = Path("report"),
    config: Annotated[Path | None, typer.Option("--config", help="cscperf.toml with targets and settings.")] = None,
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: docx,pdf,html,xlsx.")
    ] = "docx,pdf,html,xlsx",
    la: Annotated[
        str | None, typer.Option("--la", help="Council (3-digit DfE code); needed when the store holds several.")
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, max=2, help="2: lay out the PDF in a second process (faster); 1: one.")
    ] = 2,
    commentary_template: Annotated[
        Path | None,
        typer.Option(
            "--commentary-template",
            help="Also write a commentary file to fill in, with a slot for each "
            "red measure (keeps what the commentary file already says).",
        ),
    ] = None,
) -> None:
    """Write the committee performance report (Word, PDF, HTML and Excel)."""
    from cscperf.report.commentary import commentary_template as template_text
    from cscperf.report.commentary import read_commentary
    from cscperf.report.config import read_report_config
    from cscperf.report.writer import write_atomically, write_report

    wanted = _formats(formats)
    when = _date(as_at)
    if not is_server_store(db) and not Path(db).exists():
        raise UsageProblem(f"There is no store at {db}. Make one with `cscperf synth --db {db}`.")
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"--out must be a folder; {out} is a file.")
    settings = read_report_config(config)
    commentary = read_commentary(settings.report.commentary)
    steps = ["content", "charts", *[f for f in ("docx", "pdf", "html", "xlsx") if f in wanted]]
    labels = {"content": "Computing the indicators", "charts": "Drawing the charts", "docx": "Writing Word",
              "pdf": "Writing PDF", "html": "Writing HTML", "xlsx": "Writing Excel"}  # fmt: skip
    with Progress(TextColumn("{task.description:<26}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=not sys.stdout.isatty()) as progress:  # fmt: skip
        task = progress.add_task(labels["content"], total=len(steps))

        def on_step(name: str) -> None:
            progress.advance(task)
            following = steps[steps.index(name) + 1] if steps.index(name) + 1 < len(steps) else None
            if following:
                progress.update(task, description=labels[following])

        try:
            written = write_report(db, when, out, settings, commentary, wanted, la=la, on_step=on_step, jobs=jobs)
        except OSError as exc:
            raise DataProblem(f"The report could not be written to {out}: {exc.strerror or exc}.") from None
    content = written.content
    for fmt in ("docx", "pdf", "html", "xlsx"):
        if fmt in written.paths:
            console.print(f"{written.paths[fmt]}", highlight=False, soft_wrap=True)
    counts = content.status_counts()
    console.print(
        f"{content.council_name}, figures to {content.as_at:%-d %B %Y}: {counts['blue']} blue, {counts['green']} "
        f"green, {counts['amber']} amber, {counts['red']} red, {counts['none']} without a target.",
        highlight=False,
    )
    if not content.comparators_loaded:
        console.print("No comparators in the store: import them with `cscperf benchmarks import ../shared/"
                      f"reference-data --db {store_label(db)}` to show England, region and neighbours.")  # fmt: skip
    if content.explanations_missing:
        where = settings.report.commentary or "a commentary file (named by `commentary` in cscperf.toml's report table)"
        console.print(
            f"{len(content.explanations_missing)} red measure(s) have no explanation yet; they are marked "
            f'"Explanation needed". Add them to {where}.',
            highlight=False,
        )
    if commentary_template is not None:
        red = [(i, f.indicator.title, f.status.words) for i, f in content.figures.items() if f.status.rag == "red"]
        try:
            commentary_template.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(commentary_template, template_text(red, commentary, when.isoformat()).encode("utf-8"))
        except OSError as exc:
            raise UsageProblem(
                f"The commentary file {commentary_template} could not be written: {exc.strerror}."
            ) from None
        console.print(f"Commentary to fill in: {commentary_template}", highlight=False)
