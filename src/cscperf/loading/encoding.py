"""Which encoding a text file is in, told from its bytes: never guessed silently, never read with
replacement characters.

1. A byte-order mark says it: UTF-8, UTF-16 (little or big endian) or UTF-32.
2. Otherwise a file that is valid UTF-8 throughout is UTF-8 (plain ASCII is too).
3. Otherwise it is read as Windows-1252 (what Excel's "CSV (Comma delimited)" writes on an English Windows
   machine: `£`, `é`, `ë` as single bytes), and the load says so with a warning, so that a name that reads
   wrongly can be checked.
4. A file that is none of these (it holds bytes Windows-1252 does not define) is refused, saying on which line
   the first such byte is.

XML declares its own encoding; lxml reads UTF-8, UTF-16 with a byte-order mark and every encoding an XML
declaration names. Only XML with neither a byte-order mark nor a declaration, that is not UTF-8, is given
Windows-1252 here (`xml_encoding`), with the same warning.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from cscperf.loading.file_load import FileLoad

BLOCK = 1 << 20


@dataclass(frozen=True)
class TextEncoding:
    codec: str  # the Python codec to read with
    name: str  # as people know it
    guessed: bool = False  # Windows-1252: no byte-order mark and not UTF-8

    @property
    def warning(self) -> str:
        return (
            f"The file is not UTF-8, so it was read as {self.name} (what Windows programs such as Excel write on "
            "an English machine). Check that names with accents or the pound sign read correctly in the store; "
            "saving the file as UTF-8 ('CSV UTF-8' in Excel) removes the doubt."
        )


UTF8 = TextEncoding("utf-8", "UTF-8")
WINDOWS_1252 = TextEncoding("cp1252", "Windows-1252", guessed=True)
# Longest first: a UTF-32 little-endian mark begins with the UTF-16 one.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, TextEncoding("utf-32", "UTF-32")),
    (codecs.BOM_UTF32_BE, TextEncoding("utf-32", "UTF-32")),
    (codecs.BOM_UTF8, TextEncoding("utf-8-sig", "UTF-8 with a byte-order mark")),
    (codecs.BOM_UTF16_LE, TextEncoding("utf-16", "UTF-16")),
    (codecs.BOM_UTF16_BE, TextEncoding("utf-16", "UTF-16")),
)


class NotText(ValueError):
    """The file is not text in any encoding cscperf reads; the message says where it goes wrong."""


def by_byte_order_mark(head: bytes) -> TextEncoding | None:
    for mark, encoding in BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return encoding
    return None


def detect(path: Path) -> TextEncoding:
    """The encoding of a text file (see the module's description); NotText if it has none."""
    with path.open("rb") as handle:
        marked = by_byte_order_mark(handle.read(4))
        if marked is not None:
            return marked
        handle.seek(0)
        if _valid(handle, "utf-8"):
            return UTF8
        handle.seek(0)
        problem = _first_problem(handle, "cp1252")
    if problem is not None:
        raise NotText(problem)
    return WINDOWS_1252


def _valid(handle: IO[bytes], codec: str) -> bool:
    return _first_problem(handle, codec) is None


def _first_problem(handle: IO[bytes], codec: str) -> str | None:
    """Where the bytes stop being text in `codec` (a line number and the byte), or None if they never do."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    lines_before = 0
    while True:
        block = handle.read(BLOCK)
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as exc:
            line = lines_before + block.count(b"\n", 0, max(exc.start, 0)) + 1
            bad = block[exc.start : exc.start + 1] if 0 <= exc.start < len(block) else b""
            return f"line {line} holds a byte ({bad.hex() or 'end of file'}) that is not text in UTF-8 or Windows-1252"
        if not block:
            return None
        lines_before += block.count(b"\n")


def open_text(path: Path, encoding: TextEncoding) -> IO[str]:
    """The file as text, for the csv module (strict: a byte that does not decode raises, never a U+FFFD)."""
    return path.open(encoding=encoding.codec, errors="strict", newline="")


def decode_head(head: bytes) -> str | None:
    """The first bytes of a file as text, for recognising it (a character cut off at the end is dropped);
    None if they look binary. A NUL byte alone does not make a file binary: text whose other bytes are UTF-8
    or Windows-1252 is read as text, and the record holding the NUL is refused with its line when it is read.
    Only bytes that are text in neither (or UTF-16 without its byte-order mark) make it binary."""
    marked = by_byte_order_mark(head)
    if marked is not None:
        return codecs.getincrementaldecoder(marked.codec)(errors="replace").decode(head, final=False)
    try:
        return codecs.getincrementaldecoder("utf-8")(errors="strict").decode(head, final=False)
    except UnicodeDecodeError:
        if b"\x00" not in head[:4096]:
            return head.decode("cp1252", errors="replace")
    try:
        return head.decode("cp1252", errors="strict")
    except UnicodeDecodeError:
        return None  # holding NULs and bytes that are not text: binary


def as_utf8_head(head: bytes) -> bytes:
    """The first bytes of a file, re-encoded as UTF-8 when a byte-order mark says they are UTF-16 or UTF-32,
    so that recognisers looking for `<Message` or a CSV header find them in any of those encodings."""
    marked = by_byte_order_mark(head)
    if marked is None or marked.codec == "utf-8-sig":
        return head
    text = codecs.getincrementaldecoder(marked.codec)(errors="replace").decode(head, final=False)
    return text.lstrip("\ufeff").encode("utf-8")


_DECLARED = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=", re.IGNORECASE)


def xml_encoding(path: Path) -> TextEncoding | None:
    """The encoding to tell lxml, or None when lxml can tell itself (a byte-order mark, a declared encoding, or
    UTF-8). XML with neither that is not UTF-8 is read as Windows-1252 (`guessed`: the load warns); NotText if
    it is not that either."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        if by_byte_order_mark(head) is not None or _DECLARED.match(head):
            return None
        handle.seek(0)
        if _valid(handle, "utf-8"):
            return None
        handle.seek(0)
        problem = _first_problem(handle, "cp1252")
    if problem is not None:
        raise NotText(problem)
    return WINDOWS_1252


def xml_codec(path: Path, load: FileLoad) -> str | None:
    """The encoding to give lxml for this file (None: lxml tells), saying so on the load when it is a guess;
    a file that is not text stops the load."""
    from cscperf.loading.problems import Problem

    try:
        encoding = xml_encoding(path)
    except NotText as exc:
        load.fail(f"is not a text file cscperf can read: {exc}.")
    if encoding is None:
        return None
    load.details["encoding"] = encoding.name
    load.flag(Problem(load.where(), "encoding guessed", encoding.warning, "warning",
                      None, None, encoding.name))  # fmt: skip
    return encoding.codec
