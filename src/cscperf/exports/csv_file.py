"""CSV for people who open it in a spreadsheet: every cell made inert (`cells.csv_cell`), files written whole
or not at all, in UTF-8 with a byte-order mark so that Excel reads accented names correctly."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from cscperf.exports.cells import csv_cell
from cscperf.exports.files import atomic_text

FILE_ENCODING = "utf-8-sig"


def stream_csv(
    handle: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]], *, line_end: str = "\n"
) -> int:
    """Write the header and rows to an open text handle (standard output, say); the number of rows."""
    writer = csv.writer(handle, lineterminator=line_end)
    writer.writerow([csv_cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV as text, lines ending in a newline."""
    out = io.StringIO()
    stream_csv(out, header, rows)
    return out.getvalue()


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a CSV file whole or not at all (lines ending CR LF, as RFC 4180 has them); the number of rows."""
    with atomic_text(path, FILE_ENCODING) as handle:
        return stream_csv(handle, header, rows, line_end="\r\n")
