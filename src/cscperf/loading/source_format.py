"""The formats cscperf can load, and how a file is recognised from its content (never its name).

Each format module offers a `SourceFormat`: `recognise(path, head)` looks at the first bytes of a file,
`read(path, load)` reads it into a FileLoad, and the optional `after_all(merge)` runs once every file of
the command has been read (to stitch several years of returns together, for instance); `rewrites` names the
staged tables it changes, which are then made tables of their own before the merge (`Staging.writable`).
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cscperf.loading.encoding import as_utf8_head
from cscperf.loading.unreadable import UnreadableFile

if TYPE_CHECKING:
    from cscperf.loading.file_load import FileLoad
    from cscperf.loading.merge import StagedLoads

HEAD_BYTES = 65_536


@dataclass(frozen=True)
class SourceFormat:
    kind: str  # as recorded in cscperf_loads.load_kind
    title: str  # plain English, e.g. "CIN Census XML"
    recognise: Callable[[Path, bytes], bool]
    read: Callable[[Path, FileLoad], None]
    after_all: Callable[[StagedLoads], None] | None = None
    rewrites: tuple[str, ...] = ()  # the staged tables `after_all` changes (made tables of their own first)


# Format modules, most specific first. Each defines FORMAT (or FORMATS, a tuple).
FORMAT_MODULES = (
    "cscperf.loading.cin_census",
    "cscperf.loading.ssda903",
    "cscperf.loading.workforce_census",
    "cscperf.loading.annex_a",
    "cscperf.loading.ssd_extract",
)


def known_formats() -> list[SourceFormat]:
    formats: list[SourceFormat] = []
    for name in FORMAT_MODULES:
        module = importlib.import_module(name)
        found = getattr(module, "FORMATS", None) or (getattr(module, "FORMAT", None),)
        formats.extend(f for f in found if f is not None)
    return formats


def content_sha256(path: Path) -> str:
    """The SHA-256 of a file's content: a file loaded before is known by it, whatever its name."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def recognise(path: Path) -> SourceFormat:
    """The format of the file, from its content; UnreadableFile if it is none cscperf knows."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise UnreadableFile(path, f"could not be read ({exc.strerror}).") from None
    if not head.strip():
        raise UnreadableFile(path, "is empty.")
    head = as_utf8_head(head)  # UTF-16 or UTF-32 text (with its byte-order mark) is recognised as UTF-8 is
    for source_format in known_formats():
        if source_format.recognise(path, head):
            return source_format
    raise UnreadableFile(path, _why_not(head))


def _why_not(head: bytes) -> str:
    """A plain reason why a file is not recognised, from what it looks like."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "is a password-protected workbook or an old .xls file. Remove the password (or save it as .xlsx) "
            "and load it again."
        )
    if head.startswith(b"PK\x03\x04"):
        return "is a zip file or workbook that is not an Ofsted Annex A workbook (no sheets named List 1 to List 11)."
    if head.startswith(b"PAR1"):
        return "is a Parquet file whose columns do not match any SSD table."
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return "is XML, but not a CIN Census, SSDA903 or social work workforce census return."
    if b"\x00" in head[:4096]:
        if _utf16_without_mark(head[:4096]):
            return (
                "looks like UTF-16 text without a byte-order mark, which cannot be read safely. Save it as UTF-8 "
                "(in Excel, 'CSV UTF-8'; in a text editor, 'UTF-8') and load it again."
            )
        return "is a binary file, not a return cscperf can read."
    return (
        "is not a format cscperf can load: not CIN Census XML, an SSDA903 table (CSV or XML), an Annex A "
        "workbook, an SSD extract table or a workforce census return."
    )


def _utf16_without_mark(head: bytes) -> bool:
    """Mostly ASCII text with a NUL beside every character: UTF-16 with its byte-order mark missing."""
    even, odd = head[0::2], head[1::2]
    for nuls, text in ((even, odd), (odd, even)):
        if len(nuls) > 8 and nuls.count(0) > 0.9 * len(nuls) and text.count(0) < 0.1 * len(text):
            return True
    return False
