"""Where a CIN Census return can be cut in two, so that each half is read on its own (`cin_halves`).

The cut is made only where it cannot change what is read: a UTF-8 file without a DOCTYPE, whose
children are the unprefixed Child elements of the root Message's Children element, between two of them (the
one before the cut ended just there). Each half is closed (the first) or opened (the second) with the tags
around the cut, namespace declarations included. A cut that falls inside a comment, a CDATA section or a
processing instruction leaves the first half not well-formed, which the reader finds (the file is then read
as one stream).
"""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from cscperf.loading.encoding import NotText, xml_encoding

SPLIT_FROM_BYTES = 16 * 2**20
"""Smaller files are read as one stream: below about this size, starting the second process (about half a
second) costs more than it saves."""
HEAD_START_BYTES = 6 * 2**20
"""About what this process reads while the second starts (it imports cscperf): the first half is longer than
the second by this much, so that both end at about the same time."""
_CHILD_START = re.compile(rb"<Child[\s>/]")
_CHILD_END_BEFORE = re.compile(rb"</Child\s*>\s*\Z")
_DECLARED = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_READABLE_AS_UTF8 = {"utf-8", "utf8"}  # the second half has no declaration: it is read as UTF-8


@dataclass(frozen=True)
class Cut:
    """Where a file is cut in two, and the tags that close its first half and open its second."""

    at: int  # the byte offset of the Child start tag that begins the second half
    first_child: int  # the byte offset of the first Child start tag
    closing: bytes  # e.g. </Children></Message>
    opening: bytes  # e.g. <Message xmlns="..."><Children>


def find_cut(path: Path) -> Cut | None:
    """Where to cut the file in two, or None when it is small or its layout does not allow a safe cut."""
    size = path.stat().st_size
    if size < SPLIT_FROM_BYTES or size == 0:
        return None
    try:
        if xml_encoding(path) is not None:  # a guessed encoding: read as one stream, which says so
            return None
    except NotText:
        return None
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _cut(data, size)


def _cut(data: mmap.mmap, size: int) -> Cut | None:
    declared = _DECLARED.match(data[:4096])
    if declared and declared.group(1).decode("ascii").lower() not in _READABLE_AS_UTF8:
        return None
    first = _CHILD_START.search(data)
    if first is None:
        return None
    head = data[: first.start()]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        return None
    around = _open_elements(head)
    if around is None:
        return None
    at = _CHILD_START.search(data, max(first.start() + 1, (first.start() + size + HEAD_START_BYTES) // 2))
    if at is None or not _between_children(data, at.start()):
        return None
    closing = b"".join(b"</" + name + b">" for name, _ in reversed(around))
    opening = b"".join(b"<" + name + declarations + b">" for name, declarations in around)
    return Cut(at.start(), first.start(), closing, opening)


def _open_elements(head: bytes) -> list[tuple[bytes, bytes]] | None:
    """The elements open where the first Child begins, as (qualified name, namespace declarations), when they
    are the root Message and its Children; else None."""
    parser = etree.XMLPullParser(events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=True)
    opened: list[Any] = []
    try:
        parser.feed(head)
        for event, el in parser.read_events():
            if event == "start":
                opened.append(el)
            else:
                opened.pop()
    except (etree.XMLSyntaxError, IndexError):
        return None
    if [etree.QName(el).localname for el in opened] != ["Message", "Children"]:
        return None
    out: list[tuple[bytes, bytes]] = []
    declared: dict[str | None, str] = {}
    for el in opened:
        name = f"{el.prefix}:{etree.QName(el).localname}" if el.prefix else etree.QName(el).localname
        new = {prefix: uri for prefix, uri in el.nsmap.items() if declared.get(prefix) != uri}
        declared.update(new)
        text = "".join(
            f' xmlns{":" + p if p else ""}="{_attribute(uri)}"'
            for p, uri in sorted(new.items(), key=lambda item: (item[0] is not None, item[0] or ""))
        )
        out.append((name.encode(), text.encode("utf-8")))
    return out


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _between_children(data: mmap.mmap, at: int) -> bool:
    """Whether a Child start tag at `at` directly follows the end of another (only space between). (Inside a
    comment, CDATA section or processing instruction, the first half would end inside it, and not be
    well-formed.)"""
    before = data.rfind(b"<", max(0, at - 4096), at)
    return before != -1 and _CHILD_END_BEFORE.match(data[before:at]) is not None


def lines_before(path: Path, at: int, block_size: int = 1 << 20) -> int:
    """The line breaks before byte `at` as lxml's parser counts them: each LF (a CR alone is not one)."""
    lines = 0
    with path.open("rb") as file:
        while at > 0:
            block = file.read(min(at, block_size))
            if not block:
                break
            at -= len(block)
            lines += block.count(b"\n")
    return lines


class FilePart:
    """A byte range of a file as a stream, with bytes before and after it (what closes or opens a half)."""

    def __init__(self, path: Path, start: int, end: int | None, before: bytes = b"", after: bytes = b"") -> None:
        self._file: BinaryIO = path.open("rb")
        self._file.seek(start)
        self._left = None if end is None else end - start
        self._before, self._after = before, after

    def read(self, size: int = -1) -> bytes:
        if self._before:
            out, self._before = self._before, b""
            return out
        if self._left is None or self._left > 0:
            want = size if size > 0 else 1 << 20
            if self._left is not None:
                want = min(want, self._left)
            out = self._file.read(want)
            if out:
                if self._left is not None:
                    self._left -= len(out)
                return out
            self._left = 0
        out, self._after = self._after, b""
        return out

    def close(self) -> None:
        self._file.close()


__all__ = ["HEAD_START_BYTES", "SPLIT_FROM_BYTES", "Cut", "FilePart", "find_cut", "lines_before"]
