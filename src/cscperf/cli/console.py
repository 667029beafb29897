"""One console for every command, and text made safe to print.

Anything printed that came from data or from the user (a child's id, a council code, a team's name, a file's
path) is printed as literal text: Rich markup in it (`[/oops]`, `[bold]`) is never interpreted, and terminal
control characters (ANSI escape sequences, bells, backspaces, NULs, bidirectional overrides that make a name
read differently from what it is) are removed. Commands print through `say`, `warn`, `error` and `DataTable`,
never by putting data into a markup string.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.style import Style
from rich.table import Column, Table
from rich.text import Text

console = Console(highlight=False)
"""Standard output: results."""
errors = Console(stderr=True, highlight=False)
"""Standard error: errors, warnings and progress, so that results can be piped."""

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-character escapes.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]|$)")
# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional embedding/override/isolate marks.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]+")


def printable(value: object) -> str:
    """`value` as text with escape sequences and control characters removed (tabs and newlines kept)."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def one_line(value: object) -> str:
    """`value` as printable text on one line (line breaks and tabs become spaces), for a table cell."""
    return printable(_LINE_BREAKS.sub(" ", "" if value is None else str(value)))


def literal(value: object, style: str | Style = "") -> Text:
    """Printable text that Rich shows exactly as it is (no markup, no highlighting)."""
    return Text(printable(value), style=style)


def say(message: object, *, to_errors: bool = False, soft_wrap: bool = False) -> None:
    """Print a message (built from data or not) exactly as written."""
    (errors if to_errors else console).print(literal(message), soft_wrap=soft_wrap)


def warn(message: object) -> None:
    """A warning on standard error."""
    errors.print(Text.assemble(("Warning: ", "bold yellow"), literal(message)), soft_wrap=True)


def error(message: object) -> None:
    """An error on standard error: "Error: ..." then the message exactly as written."""
    errors.print(Text.assemble(("Error: ", "bold red"), literal(message)), soft_wrap=True)


def command_text(text: str) -> Text:
    """A command to type, shown in bold (the text is literal)."""
    return literal(text, "bold")


class DataTable(Table):
    """A Rich table whose title and string cells are always literal, printable, one-line text."""

    def __init__(self, *headers: Column | str, title: str | Text | None = None, **options: Any) -> None:
        super().__init__(*headers, title=literal(title) if isinstance(title, str) else title, **options)

    def add_row(
        self, *renderables: RenderableType | None, style: str | Style | None = None, end_section: bool = False
    ) -> None:
        cells = [Text(one_line(r)) if isinstance(r, str) else r for r in renderables]
        super().add_row(*cells, style=style, end_section=end_section)


def show(renderables: Iterable[RenderableType]) -> None:
    """Print tables and texts one after another on standard output."""
    for renderable in renderables:
        console.print(renderable)


@dataclass(frozen=True)
class Col:
    """A column of a table whose values are never cut: its heading and whether it is a figure."""

    heading: str
    figure: bool = False


def compact_table(title: str, columns: Sequence[Col], caption: str | None = None) -> DataTable:
    """A table with light rules and one space between columns, so that more fits across."""
    table = DataTable(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                      caption=caption, caption_justify="left")  # fmt: skip
    for col in columns:
        table.add_column(col.heading, justify="right" if col.figure else "left", no_wrap=True)
    return table


def width_needed(table: Table) -> int:
    """The columns the table takes with nothing wrapped or cut."""
    return Console(width=100_000, file=io.StringIO()).measure(table).maximum


def fitted_tables(
    title: str,
    columns: Sequence[Col],
    rows: Sequence[Sequence[str | Text]],  # Text: a value set over lines by the caller
    *,
    keys: int = 1,
    width: int | None = None,
    caption: str | None = None,
) -> list[DataTable]:
    """The rows as one table if it fits `width` (the terminal's), else as several, each repeating the first
    `keys` columns (what the row is) with as many of the others as fit: no value is ever cut."""
    width = width or console.width

    def build(chosen: list[int], part: str, note: str | None) -> DataTable:
        table = compact_table(part, [columns[i] for i in chosen], note)
        for row in rows:
            table.add_row(*(row[i] for i in chosen))
        return table

    key_columns = list(range(keys))
    rest = list(range(keys, len(columns)))
    groups: list[list[int]] = []
    while rest:
        take = len(rest)
        while take > 1 and width_needed(build(key_columns + rest[:take], title, None)) > width:
            take -= 1
        groups.append(rest[:take])
        rest = rest[take:]
    tables = []
    for number, group in enumerate(groups or [[]], start=1):
        part = title if len(groups) <= 1 else f"{title} ({number} of {len(groups)})"
        tables.append(build(key_columns + group, part, caption if number == len(groups or [[]]) else None))
    return tables


def progress(*, to_errors: bool = False, disable: bool = False) -> Progress:
    """A progress bar for anything long; its descriptions (which name files) are literal text. It disappears
    when done unless the output is a terminal."""
    target = errors if to_errors else console
    stream = sys.stderr if to_errors else sys.stdout
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=target,
        transient=to_errors or not stream.isatty(),
        disable=disable,
    )
