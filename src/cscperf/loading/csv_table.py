"""CSV tables as every loader reads them: the encoding told from the bytes (`encoding`), each problem the
csv module raises (a field longer than its limit, a quote left open) turned into one plain message with the
line, and header rows that name a column twice refused, with both columns named.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cscperf.loading.encoding import NotText, detect, open_text
from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem

FIELD_LIMIT = csv.field_size_limit()  # 131,072 characters: far longer than any field of a return


@dataclass
class CsvRows:
    """The reader of an open CSV file: its header row, then its rows."""

    reader: Any  # csv.reader (its type is private to the csv module)

    @property
    def line(self) -> int:
        return int(self.reader.line_num)

    def header(self) -> list[str] | None:
        return next(self.reader, None)

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self.reader)


@contextmanager
def csv_rows(path: Path, load: FileLoad, dialect: type[csv.Dialect] = csv.excel) -> Iterator[CsvRows]:
    """The file's rows, read in the encoding its bytes show (a warning on the load when that is a guess);
    a CSV problem stops the file with the line it is on."""
    try:
        encoding = detect(path)
    except NotText as exc:
        load.fail(f"is not a text file cscperf can read: {exc}. Save it as 'CSV UTF-8' and load it again.")
    load.details["encoding"] = encoding.name
    if encoding.guessed:
        load.flag(Problem(load.where(), "encoding guessed", encoding.warning, "warning", None, None, encoding.name))
    with open_text(path, encoding) as handle:
        rows = CsvRows(csv.reader(handle, dialect))
        try:
            yield rows
        except csv.Error as exc:
            load.fail(f"is not a readable CSV file (line {rows.line}: {plain_csv_error(exc)}).")
        except UnicodeDecodeError:  # the file changed while it was read
            load.fail(f"changed while it was being read (line {rows.line} is no longer {encoding.name}).")


def plain_csv_error(exc: csv.Error) -> str:
    """The csv module's message in plain words."""
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a field is longer than {FIELD_LIMIT:,} characters, which no field of a return is"
    return text


def duplicate_columns(names: list[str], same: Callable[[str], str | None], what: str = "its header row") -> str | None:
    """Why a header row cannot be used, if two of its columns are the same field (`same` gives the field a
    name stands for, or None for a column that is not read): "DOB is the name of columns 3 and 7 (C and G)"."""
    first: dict[str, int] = {}
    for index, name in enumerate(names):
        field = same(name)
        if field is None:
            continue
        if field in first:
            earlier = first[field]
            return (
                f"{what} names {field} twice: columns {earlier + 1} and {index + 1} ({column_letter(earlier)} "
                f"and {column_letter(index)} in a spreadsheet), so one would overwrite the other. Remove or rename "
                "one of them and load it again."
            )
        first[field] = index
    return None


def column_letter(index: int) -> str:
    """A 0-based column index as a spreadsheet's column letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
