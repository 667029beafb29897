"""A large CIN Census return read in two halves at once, on two cores.

Reading the XML (lxml's walk and the census's checks, in Python) is most of a census load, and it uses one
core. A return of `SPLIT_FROM_BYTES` or more whose layout allows it is cut at a Child start tag near its
middle: this process reads the first half (the header and the children before the cut) while a second
process reads the rest, each into a spool of Arrow files; the two spools are then staged in the file's order,
with the second half's running numbers, reject numbers and line numbers carried on from the first's. The
store, its ledger and the rejects are the same as from reading the file as one stream (tested, table by
table), and so is every message.

The cut is made only where it cannot change what is read: a UTF-8 (or ASCII) file without a DOCTYPE, with
one Header, before the first Child, whose children are the unprefixed Child elements of a Children element
of the root; the cut falls between two Child elements (the one before it ended just there, outside any
comment, CDATA section or processing instruction). Each half is closed (the first) or opened (the second)
with the tags around the cut. If either half is not well-formed, or the second process fails for any reason,
nothing of either half has been staged, and the file is read again as one stream, which says what is wrong
exactly as it always has.
"""

from __future__ import annotations

import mmap
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from cscperf.loading.cin_census import CinReader, _name
from cscperf.loading.cin_spool import Spool, spooled_load, staged_from
from cscperf.loading.encoding import NotText, xml_encoding
from cscperf.loading.file_load import FileLoad, TableCounts
from cscperf.loading.unreadable import UnreadableFile

SPOOL_PREFIX = "cscperf-cin-"
"""The spools' folders in the temporary directory: cscperf-cin-<process id>-<random>."""
SPLIT_FROM_BYTES = 16 * 2**20
"""Smaller files are read as one stream: below about this size, starting the second process (about half a
second) costs more than it saves."""
HEAD_START_BYTES = 6 * 2**20
"""About what this process reads while the second starts (it imports cscperf): the first half is longer than
the second by this much, so that both end at about the same time."""
_CHILD_START = re.compile(rb"<Child[\s>/]")
_CHILD_END_BEFORE = re.compile(rb"</Child\s*>\s*\Z")
_DECLARED = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_READABLE_AS_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}


@dataclass(frozen=True)
class Cut:
    """Where a file is cut in two, and the tags that close its first half and open its second."""

    at: int  # the byte offset of the Child start tag that begins the second half
    first_child: int  # the byte offset of the first Child start tag
    closing: bytes  # e.g. </Children></Message>
    opening: bytes  # e.g. <Message xmlns="..."><Children>


@dataclass
class HalfRead:
    """What the second process read: its spool and its counts (or why it could not)."""

    failed: str | None = None
    spool: Spool | None = None
    counts: dict[str, TableCounts] = field(default_factory=dict)
    problems_by_rule: Counter[tuple[str, str]] = field(default_factory=Counter)
    problem_count: int = 0
    row_seq: int = 0
    children: int = 0
    eras: Counter[str] = field(default_factory=Counter)
    pre_proceedings: int = 0


# ----------------------------------------------------------------------------------------------- the cut
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
    """The line breaks before byte `at` as the XML parser counts them (CR LF, CR or LF each one)."""
    lines = returns = pairs = 0
    last = b""
    with path.open("rb") as file:
        while at > 0:
            block = file.read(min(at, block_size))
            if not block:
                break
            at -= len(block)
            lines += block.count(b"\n")
            if block.find(b"\r") != -1 or last == b"\r":
                returns += block.count(b"\r")
                pairs += block.count(b"\r\n") + (last == b"\r" and block[:1] == b"\n")
            last = block[-1:]
    return lines + returns - pairs


class _Part:
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


# ----------------------------------------------------------------------------------------------- reading
def read_in_halves(path: Path, load: FileLoad) -> bool:
    """Read the file into `load` in two halves at once; False (nothing done) when it is to be read whole."""
    if (os.cpu_count() or 1) < 2:
        return False
    cut = find_cut(path)
    if cut is None:
        return False
    try:
        spools = tempfile.TemporaryDirectory(prefix=f"{SPOOL_PREFIX}{os.getpid()}-", ignore_cleanup_errors=True)
    except OSError:
        return False
    with spools as folder:
        try:
            read = _read_halves(path, load, cut, Path(folder))
        except OSError:  # no room for the spools, say: nothing is staged until both are read
            read = None
        if read is None:
            return False
        reader, first, first_spool, half = read
        _stage(load, first, first_spool, half)
    reader.load = load
    reader.children += half.children
    reader.eras.update(half.eras)
    reader.pre_proceedings += half.pre_proceedings
    reader.close(children_seen=True)
    return True


def _read_halves(
    path: Path, load: FileLoad, cut: Cut, folder: Path
) -> tuple[CinReader, FileLoad, Spool, HalfRead] | None:
    """The first half read here while the second process reads the rest, each into a spool in `folder`; None
    if either could not be read."""
    second = _start_second_half(path, cut, load, folder / "second")
    try:
        first = _read_first_half(path, load, cut, folder / "first")
        half = _received(second) if first is not None else None
    finally:
        if second is not None and second.poll() is None:
            second.kill()
            second.wait()
    if first is None or half is None or half.failed is not None or half.spool is None:
        return None
    return (*first, half)


def _start_second_half(path: Path, cut: Cut, load: FileLoad, folder: Path) -> subprocess.Popen[bytes] | None:
    """The second process (this module, run by the same Python), told what to read on its standard input."""
    try:
        second = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        assert second.stdin is not None
        second.stdin.write(pickle.dumps((str(path), cut, load.kind, load.load_id, load.load_seq, str(folder))))
        second.stdin.close()
    except OSError:
        second.kill()
        second.wait()
        return None
    return second


def sweep_spools() -> None:
    """Remove the spools of loads that were killed (their process is gone): they hold child-level data."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*"):
        pid = folder.name[len(SPOOL_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: running
        return True
    return True


def _received(second: subprocess.Popen[bytes] | None) -> HalfRead | None:
    """What the second process read, once it has finished; None if it could not say."""
    if second is None or second.stdout is None:
        return None
    answer = second.stdout.read()
    second.wait()
    try:
        half = pickle.loads(answer)
    except Exception:  # it died before saying: the file is read again as one stream
        return None
    return half if isinstance(half, HalfRead) else None


def _read_first_half(path: Path, load: FileLoad, cut: Cut, folder: Path) -> tuple[CinReader, FileLoad, Spool] | None:
    """The header and the children before the cut, read here into a spool; None if the half is not
    well-formed (the file is then read again as one stream)."""
    spool = Spool(folder)
    spooled = spooled_load(load, spool)
    reader = CinReader(path, spooled)
    part = _Part(path, 0, cut.at, after=cut.closing)
    try:
        reader.walk(_header_first(reader.events(part, None)))  # type: ignore[arg-type]
        spooled.flush()
    except (etree.XMLSyntaxError, _NotCuttable):
        return None
    finally:
        part.close()
        spool.close()
    return reader, spooled, spool


def read_second_half(path: Path, cut: Cut, kind: str, load_id: str, load_seq: int, folder: Path) -> HalfRead:
    """The second process's work: the census year from the header, then the children from the cut to the end,
    into a spool; what it read, or why it failed."""
    try:
        year = _header_year(path, cut)
        spool = Spool(folder)
        offset = lines_before(path, cut.at)
        load = FileLoad(path, kind, load_id, load_seq, spool, line_offset=offset)  # type: ignore[arg-type]
        reader = CinReader(path, load)
        reader.year = year
        reader.header_seen = reader.root_checked = True
        part = _Part(path, cut.at, None, before=cut.opening)
        try:
            reader.walk(_watching_parent(reader.events(part, None)))  # type: ignore[arg-type]
            load.flush()
        finally:
            part.close()
            spool.close()
        return HalfRead(None, spool, load.counts, load.problems_by_rule, load.problem_count, load._row_seq,
                        reader.children, reader.eras, reader.pre_proceedings)  # fmt: skip
    except Exception as exc:  # any failure: the file is read again as one stream
        return HalfRead(failed=f"{type(exc).__name__}: {exc}")


def _header_year(path: Path, cut: Cut) -> int | None:
    """The census year as the first half's reader settles it from the header (problems said there, not here)."""
    load = FileLoad(path, "cin_census", "header", 0, _Nowhere())  # type: ignore[arg-type]
    reader = CinReader(path, load)
    part = _Part(path, 0, cut.first_child, after=cut.closing)
    try:
        reader.walk(reader.events(part, None))  # type: ignore[arg-type]
    except UnreadableFile:
        return None  # the first half says why the file is refused
    finally:
        part.close()
    return reader.year


class _NotCuttable(Exception):
    """A half holds a Header after the first Child: the file is read as one stream (a header there may change
    how the children after it are read)."""


def _header_first(events: Any) -> Iterator[Any]:
    """The first half's events, stopping at a Header after a Child."""
    children = False
    for item in events:
        name = _name(item[1])
        if name == "child":
            children = True
        elif name == "header" and children:
            raise _NotCuttable
        yield item


def _watching_parent(events: Any) -> Iterator[Any]:
    """The second half's events, stopping at a Header, or if the process that started this one has gone
    (killed mid-load, say)."""
    parent = os.getppid()
    for count, item in enumerate(events):
        if _name(item[1]) == "header":
            raise _NotCuttable
        if count % 4096 == 0 and os.getppid() != parent:
            raise SystemExit(1)
        yield item


class _Nowhere:
    """A staging that keeps nothing (the header read for its year alone)."""

    def table(self, name: str) -> Any:
        from cscperf.store.schema import load_schema

        return load_schema().table(name)

    def append(self, name: str, rows: Any) -> None:
        pass


def _stage(load: FileLoad, first: FileLoad, first_spool: Spool, half: HalfRead) -> None:
    """Both halves' rows and problems staged into the load in the file's order, the second's running numbers
    and reject numbers carried on from the first's, and their counts added to the load's."""
    assert half.spool is not None
    load.flush()  # anything the load held before the file was read goes first, as it would have
    base_rows, base_problems = load._row_seq, load.problem_count
    load.la_code, load.collection_year, load.details = first.la_code, first.collection_year, first.details
    for spool, rows_before, problems_before, counts, by_rule, problem_count, row_seq in (
        (first_spool, base_rows, base_problems, first.counts, first.problems_by_rule, first.problem_count,
         first._row_seq),
        (half.spool, base_rows + first._row_seq, base_problems + first.problem_count, half.counts,
         half.problems_by_rule, half.problem_count, half.row_seq),
    ):  # fmt: skip
        for table, data in staged_from(spool, rows_before, problems_before):
            load.staging.append(table, data)
        for table, count in counts.items():
            mine = load.counts.setdefault(table, TableCounts())
            mine.read += count.read
            mine.loaded += count.loaded
            mine.rejected += count.rejected
        load.problems_by_rule.update(by_rule)
        load.problem_count += problem_count
        load._row_seq = rows_before + row_seq


def main() -> None:
    """Run as `python -m cscperf.loading.cin_halves`: what to read, pickled, on standard input; what was read,
    pickled, on standard output."""
    path, cut, kind, load_id, load_seq, folder = pickle.loads(sys.stdin.buffer.read())
    half = read_second_half(Path(path), cut, kind, load_id, load_seq, Path(folder))
    sys.stdout.buffer.write(pickle.dumps(half))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    from cscperf.loading.cin_halves import main as _main  # by its name, so what it sends back unpickles

    _main()


__all__ = ["SPLIT_FROM_BYTES", "Cut", "HalfRead", "find_cut", "read_in_halves", "read_second_half", "sweep_spools"]
