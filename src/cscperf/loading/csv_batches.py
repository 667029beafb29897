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

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from cscperf.loading.csv_table import FIELD_LIMIT
from cscperf.store.duckdb_connection import quiet

BATCH_ROWS = 100_000
SCAN_BLOCK = 1 << 22  # bytes of the file looked at at once by `scan`
READABLE_ENCODINGS = frozenset({"utf-8", "utf-8-sig"})


# A quote with spaces between it and its delimiter or line end: the csv module keeps the spaces and the quotes
# (` "a"` is the text ` "a"`), DuckDB trims them (`a`), so such a file is read row by row. It is looked for
# outside quoted text only: each quoted stretch (from a quote to the next) is first replaced by a NUL, so a
# JSON field's `, "` is not taken for one (a NUL in the file itself can only make the check say yes). The
# file's start and end count as line breaks.
_SPACED_QUOTE = re.compile(rb'[,\t\r\n][ \t]+["\x00]|["\x00][ \t]+[,\t\r\n]')


def scan(path: Path) -> tuple[int, bool]:
    """Lines in the file, as the csv module counts them (a line break is LF, CRLF or a lone CR), and whether
    a quote has spaces between it and its delimiter or line end anywhere."""
    lines = crlf = cr = 0
    spaced = inside = False
    last = b""
    with path.open("rb") as handle:
        carry = b""
        tail = b"\n"  # the end of the block before, so a pattern across two blocks is seen (first, the start)
        for block in iter(lambda: handle.read(SCAN_BLOCK), b""):
            data = carry + block
            carry = b"\r" if data.endswith(b"\r") else b""
            body = data[:-1] if carry else data
            lines += body.count(b"\n")
            crlf += body.count(b"\r\n")
            cr += body.count(b"\r")
            if not spaced:
                outside, inside = _outside_quotes(body, inside)
                window = tail + outside
                spaced = _may_be_spaced(window) and _SPACED_QUOTE.search(window) is not None
                tail = window[max(0, len(window.rstrip(b" \t")) - 1) :]  # where a pattern may go on
            last = data[-1:]
        if carry:
            cr += 1
        spaced = spaced or _SPACED_QUOTE.search(tail + b"\n") is not None  # the file's end
    breaks = lines + cr - crlf
    return breaks + (0 if last in (b"\n", b"\r", b"") else 1), spaced


def _outside_quotes(body: bytes, inside: bool) -> tuple[bytes, bool]:
    """The block with each quoted stretch (from a quote to the next) a NUL, and whether it ends in quotes. A
    block may begin in quotes (`inside`: a quote is put before it); one that ends in quotes has the quoted
    text from the quote left open replaced by a NUL too, as the whole file would have it."""
    parts = ((b'"' if inside else b"") + body).split(b'"')  # outside quotes: the parts at even places
    ends_inside = len(parts) % 2 == 0
    return b"\x00".join(parts[0::2]) + (b"\x00" if ends_inside else b""), ends_inside


def _may_be_spaced(window: bytes) -> bool:
    """Whether a quote (or a NUL) has a space or tab beside it anywhere: a quick look before the pattern."""
    if b'"' not in window and b"\x00" not in window:  # most tables of a return quote nothing
        return False
    return any(pair in window for pair in (b' "', b'" ', b'\t"', b'"\t', b" \x00", b"\x00 ", b"\t\x00", b"\x00\t"))


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
