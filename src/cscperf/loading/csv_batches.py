"""CSV files read by DuckDB's own CSV reader, in an in-memory DuckDB of this process (whatever the store is:
DuckDB or PostgreSQL), as Arrow record batches of text: every field as written, an empty field as null.

Only files where DuckDB and Python's csv module must read the same records, on the same lines, are read
this way; for any other file `batches` gives None and the loader reads it row by row with the csv module
(`csv_table.csv_rows`), which says plainly what is wrong with a file that is not good CSV. A file is read
here when:

- its encoding is UTF-8 (with or without a byte-order mark), as `encoding.detect` told from its bytes;
- DuckDB reads it strictly (every row as many fields as the header, quotes closed) without an error;
- it has as many records as lines (no blank line, which DuckDB skips and the csv module counts, and no
  field holding a line break), so record n is on line n + 1 and every reject keeps its line number. DuckDB
  ends a record only at a line break outside quotes (LF, CRLF or a lone CR, each of which `scan` counts), so
  it never finds more records than lines: as many means that no line break is inside a field, and none is
  skipped;
- no field is longer than the csv module's limit (`csv_table.FIELD_LIMIT`), which that path refuses (its
  bytes are counted: a field of as many characters, some of them not ASCII, is read row by row, safely);
- no quote has spaces between it and its delimiter (` "a"`, which the csv module keeps as written and DuckDB
  trims).

The first pass checks all of this (a count, in DuckDB, at DuckDB's speed); the second reads the batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from cscperf.loading.csv_table import FIELD_LIMIT
from cscperf.store.duckdb_connection import quiet

BATCH_ROWS = 100_000
SCAN_BLOCK = 1 << 22  # bytes of the file looked at at once by `scan`
READABLE_ENCODINGS = frozenset({"utf-8", "utf-8-sig"})


# A quote with spaces between it and its delimiter or line end: the csv module keeps the spaces and the quotes
# (` "a"` is the text ` "a"`), DuckDB trims them (`a`), so such a file is read row by row. Only such a quote
# outside quoted text counts (a JSON field's `, ""` is inside its quotes): a place is outside quoted text when
# an even number of quotes comes before it in the file. A NUL in the file is taken for a quote here (it can only
# make the check say yes), and the file's start and end count as line breaks. The file is looked at a block at
# a time, with numpy: each run of spaces and tabs is looked at once, by the characters either side of it.
_QUOTE, _NUL = 0x22, 0x00
_DELIMITERS = np.zeros(256, dtype=bool)
_DELIMITERS[[ord(","), ord("\t"), ord("\r"), ord("\n")]] = True
_QUOTES = np.zeros(256, dtype=bool)
_QUOTES[[_QUOTE, _NUL]] = True


def scan(path: Path) -> tuple[int, bool]:
    """Lines in the file, as the csv module counts them (a line break is LF, CRLF or a lone CR), and whether
    a quote has spaces between it and its delimiter or line end anywhere outside quoted text."""
    lines = crlf = cr = 0
    spaced = inside = False
    last = b""
    tail = b"\n"  # the end of the block before (its last character and any spaces after it); first, the start
    with path.open("rb") as handle:
        carry = b""
        for block in iter(lambda: handle.read(SCAN_BLOCK), b""):
            data = carry + block
            carry = b"\r" if data.endswith(b"\r") else b""
            body = data[:-1] if carry else data
            lines += body.count(b"\n")
            crlf += body.count(b"\r\n")
            cr += body.count(b"\r")
            if not spaced:
                spaced, inside, tail = _spaced_quote(tail + body, inside)
            last = data[-1:]
        if carry:
            cr += 1
        spaced = spaced or _spaced_quote(tail + b"\n", inside)[0]  # the file's end
    breaks = lines + cr - crlf
    return breaks + (0 if last in (b"\n", b"\r", b"") else 1), spaced


def _spaced_quote(window: bytes, inside: bool) -> tuple[bool, bool, bytes]:
    """Whether `window` has a quote (or NUL) and a delimiter with only spaces or tabs between them, outside
    quoted text (`inside`: whether the window begins in quotes). Also what the next window starts with: this
    one's last character that is not a space or tab, and any after it (a run touching the window's end is
    looked at whole, in the next window), and whether that begins in quotes. A window never begins with a
    space or tab."""
    kept = len(window.rstrip(b" \t")) - 1
    rest = window[kept:], inside != bool(window.count(b'"', 0, kept) % 2)
    if b'"' not in window and b"\x00" not in window:  # most tables of a return quote nothing
        return False, rest[1], rest[0]
    chars = np.frombuffer(window, dtype=np.uint8)
    blank = (chars == 0x20) | (chars == 0x09)
    steps = np.diff(blank.view(np.int8))
    ends = np.flatnonzero(steps == -1)  # each run of spaces and tabs: its last character
    starts = (np.flatnonzero(steps == 1) + 1)[: len(ends)]  # and its first
    before, after = chars[starts - 1], chars[ends + 1]
    opening, closing = _DELIMITERS[before], _DELIMITERS[after]  # `, "` and `" ,`, or with a tab in the run:
    if b"\t" in window:  # `a\t "`, `" \ta`
        tabs = np.concatenate(([0], np.cumsum(chars == 0x09, dtype=np.int64)))  # tabs before each place
        opening |= tabs[ends] > tabs[starts]
        closing |= tabs[ends + 1] > tabs[starts + 1]
    places = starts[(opening & _QUOTES[after]) | (closing & _QUOTES[before])]
    if not len(places):
        return False, rest[1], rest[0]
    quoted_before = np.searchsorted(np.flatnonzero(chars == _QUOTE), places)  # quotes before each run
    return bool(((quoted_before % 2 == 1) == inside).any()), rest[1], rest[0]


def _source(path: Path, width: int, delimiter: str) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    quoted = str(path).replace("'", "''")
    return (
        f"read_csv('{quoted}', header = false, auto_detect = false, columns = {{{columns}}}, "
        f"delim = '{delimiter}', quote = '\"', escape = '\"', strict_mode = true, all_varchar = true)"
    )


def batches(path: Path, codec: str, width: int, delimiter: str) -> Iterator[pa.RecordBatch] | None:
    """The file's records after its header row, `width` text columns c0, c1, ..., in batches; or None when
    the file must be read with the csv module (see the module's docstring)."""
    if codec not in READABLE_ENCODINGS or delimiter not in (",", "\t") or width < 1:
        return None
    con = quiet(duckdb.connect())
    source = _source(path, width, delimiter)
    longest = " , ".join(f"max(strlen(c{i}))" for i in range(width))  # bytes: at least the characters
    try:
        first = con.execute(f"SELECT count(*), greatest(0, {longest}) FROM {source}").fetchall()
    except duckdb.Error:
        con.close()
        return None
    records, widest = first[0]
    lines, spaced = scan(path)
    if spaced or (widest or 0) > FIELD_LIMIT or records != lines:
        con.close()
        return None
    return _read(con, source)


def _read(con: duckdb.DuckDBPyConnection, source: str) -> Iterator[pa.RecordBatch]:
    try:
        reader: pa.RecordBatchReader = con.sql(f"SELECT * FROM {source} OFFSET 1").to_arrow_reader(BATCH_ROWS)
        yield from reader
    finally:
        con.close()
