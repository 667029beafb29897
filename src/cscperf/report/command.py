"""`cscperf report`: write the committee performance report (Word, PDF, accessible HTML and the Excel data)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from cscperf.cli.choices import ReportFormat
from cscperf.cli.console import command_text, console, progress, say, warn
from cscperf.cli.options import (
    DEFAULT_STORE,
    AsAtOption,
    ConfigOption,
    CouncilOption,
    StoreOption,
    one_council,
)
from cscperf.errors import DataProblem, UsageProblem
from cscperf.store.connection import store_label

if TYPE_CHECKING:
    import datetime as dt

    from cscperf.report.config import ReportConfig
    from cscperf.report.contents import ReportContent

log = logging.getLogger(__name__)
FORMAT_NAMES = ", ".join(f.value for f in ReportFormat)


def _formats(given: list[str] | None) -> tuple[str, ...]:
    """The formats asked for: --format repeated, comma-separated, or both; all four when none is given."""
    if not given:
        return tuple(f.value for f in ReportFormat)
    wanted = tuple(dict.fromkeys(f.strip().lower() for text in given for f in text.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in {r.value for r in ReportFormat}]
    if unknown or not wanted:
        bad = unknown[0] if unknown else ",".join(given)
        raise UsageProblem(f"--format takes {FORMAT_NAMES} (repeat it, or separate with commas); not {bad!r}.")
    return wanted


def _check_pdf_can_be_made() -> None:
    """The PDF needs WeasyPrint's Pango text library: say so before any work if it is not installed."""
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError):
        raise DataProblem(
            "The PDF cannot be made on this machine: WeasyPrint needs the Pango library, which is not installed "
            "(README: Installing on a council's Windows laptop). Word, HTML and Excel need nothing else: "
            "--format docx,html,xlsx."
        ) from None


def report(
    db: StoreOption = DEFAULT_STORE,
    as_at: AsAtOption = None,
    out: Annotated[Path, typer.Option("--out", metavar="FOLDER", help="Folder to write the report into.")] = Path(
        "report"
    ),
    config: ConfigOption = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=f"Which files to write: {FORMAT_NAMES} (repeat, or separate with commas; default all four).",
        ),
    ] = None,
    la: CouncilOption = None,
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, max=2, help="2: a second process lays out half the PDF (faster); 1: one.")
    ] = 2,
    commentary_template: Annotated[
        Path | None,
        typer.Option(
            "--commentary-template",
            metavar="FILE",
            help="Also write a commentary file to fill in, with a slot for each red measure; what the file "
            "and the configured commentary file already say is kept.",
        ),
    ] = None,
) -> None:
    """Write the committee performance report (Word, PDF, HTML and Excel)."""
    from cscperf.exports.files import write_atomically
    from cscperf.report.commentary import Commentary, existing_template, merged, read_commentary
    from cscperf.report.commentary import commentary_template as template_text
    from cscperf.report.config import read_report_config
    from cscperf.report.writer import write_report

    wanted = _formats(formats)
    if "pdf" in wanted:
        _check_pdf_can_be_made()
    council = one_council(la)
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"--out must be a folder; {out} is a file.")
    settings = read_report_config(config)
    when = as_at or _last_complete_month(db, settings, council)
    named = settings.report.commentary
    if named is not None and not named.exists():
        warn(f"The commentary file {named} named in the configuration does not exist, so the paper will have no "
             "explanations of red measures and its other parts will be marked \"To be completed\". "
             + (f"It is written now, ready to fill in: {commentary_template}." if commentary_template == named
                else f"Write one to fill in with --commentary-template {named}."))  # fmt: skip
    commentary = read_commentary(named)
    already_written = existing_template(commentary_template) if commentary_template is not None else Commentary()
    steps = ["content", "charts", *[f for f in ("docx", "pdf", "html", "xlsx") if f in wanted]]
    labels = {"content": "Computing the indicators", "charts": "Drawing the charts", "docx": "Writing Word",
              "pdf": "Writing PDF", "html": "Writing HTML", "xlsx": "Writing Excel"}  # fmt: skip
    with progress() as bar:
        task = bar.add_task(labels["content"], total=len(steps))

        def on_step(name: str) -> None:
            log.info("report: %s done", name)
            bar.advance(task)
            following = steps[steps.index(name) + 1] if steps.index(name) + 1 < len(steps) else None
            if following:
                bar.update(task, description=labels[following])

        try:
            written = write_report(db, when, out, settings, commentary, wanted, la=council, on_step=on_step, jobs=jobs)
        except OSError as exc:
            raise DataProblem(f"The report could not be written to {out}: {exc.strerror or exc}.") from None
    content = written.content
    for fmt in ("docx", "pdf", "html", "xlsx"):
        if fmt in written.paths:
            say(written.paths[fmt], soft_wrap=True)
    counts = content.status_counts()
    say(
        f"{content.council_name}, figures to {content.as_at:%-d %B %Y}: {counts['blue']} blue, {counts['green']} "
        f"green, {counts['amber']} amber, {counts['red']} red, {counts['none']} without a target"
        + (f", {counts['not_available']} not available from the data loaded." if counts["not_available"] else "."),
    )
    if not content.comparators_loaded:
        importing = command_text(f"cscperf benchmarks import ../shared/reference-data --db {store_label(db)}")
        console.print(Text.assemble("No comparators in the store: import them with ", importing,
                                    " to show England, region and neighbours."))  # fmt: skip
    _say_what_is_missing(content, settings, commentary_template)
    if commentary_template is not None:
        red = [(i, f.indicator.title, f.status.words) for i, f in content.figures.items() if f.status.rag == "red"]
        both = merged(already_written, commentary)
        text = template_text(red, both, when.isoformat(), committee=content.committee)
        write_atomically(commentary_template, text.encode("utf-8"))
        kept = sum(1 for c in both.indicators.values() if not c.is_empty)
        say(f"Commentary to fill in: {commentary_template}" + (f" ({_plural(kept, 'explanation')} already written "
                                                               "kept)." if kept else "."), soft_wrap=True)  # fmt: skip


def _say_what_is_missing(content: ReportContent, settings: ReportConfig, template: Path | None) -> None:
    """What the paper still needs from people, and where it goes: the paper itself never says (it is for
    members), so the command line does."""
    from cscperf.report.measures import words_for
    from cscperf.report.slots import BY_ID

    where = settings.report.commentary or template or "a commentary file ([report] commentary in cscperf.toml)"
    if content.explanations_missing:
        listed = "; ".join(f"{words_for(content.figures[i].indicator).short} [{i}]"
                           for i in content.explanations_missing)  # fmt: skip
        n = len(content.explanations_missing)
        say(f"{_plural(n, 'red measure')} {'has' if n == 1 else 'have'} no explanation yet (the paper says it will "
            f"be given at the meeting): {listed}. Add them to {where}.", soft_wrap=True)  # fmt: skip
    parts = [s for s in content.slots_missing if s in BY_ID]
    if parts:
        listed = "; ".join(f"{BY_ID[s].heading.lower()} [paper.{s}]" for s in parts)
        say(f"{_plural(len(parts), 'part')} of the paper {'is' if len(parts) == 1 else 'are'} marked \"To be "
            f"completed\": {listed}. Write them in {where}.", soft_wrap=True)  # fmt: skip
    if "inspection_config" in content.slots_missing:
        say("The last inspection's date and judgement are not configured: add [inspection] last_full = YYYY-MM-DD "
            'and judgement = "Good" (or as it was) to the configuration file.', soft_wrap=True)  # fmt: skip


def _plural(n: int, noun: str) -> str:
    """ "1 red measure", "7 red measures": counts in plain English, never "measure(s)"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _last_complete_month(db: str, settings: ReportConfig, la: str | None) -> dt.date:
    """The as-at date when none is given: the end of the last complete month of the council's data."""
    from cscperf.report.contents import default_as_at
    from cscperf.store.database import open_store

    con = open_store(db, read_only=True)
    try:
        return default_as_at(con, settings, la)
    finally:
        con.close()
