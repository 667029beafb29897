"""A large CIN Census return read in two halves at once, on two cores.

Reading the XML (lxml's walk and the census's checks, in Python) is most of a census load, and it uses one
core. A return of `SPLIT_FROM_BYTES` or more whose layout allows it is cut at a Child start tag near its
middle: this process reads the first half (the header and the children before the cut) while a second
process reads the rest, each into a spool of Arrow files; the two spools are then staged in the file's order,
with the second half's running numbers, reject numbers and line numbers carried on from the first's. The
store, its ledger and the rejects are the same as from reading the file as one stream (tested, table by
table), and so is every message.

Where the file is cut is `cin_cut`'s. If either half is not well-formed, a Header follows the first Child
(it may change how the children after it are read), there is no room for the spools, or the second process
fails for any reason, nothing of either half has been staged, and the file is read again as one stream,
which says what is wrong exactly as it always has. The spools hold child-level rows: they are in a folder of
the temporary directory that only the user can read, removed when the load ends, or by the next load if
this one was killed (the second process stops when it sees it has been left).
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from cscperf.loading import second_process
from cscperf.loading.cin_census import CinReader, element_name
from cscperf.loading.cin_cut import Cut, FilePart, find_cut, lines_before
from cscperf.loading.file_load import FileLoad
from cscperf.loading.spool import Spool, SpooledRead, spooled_load, stage_read
from cscperf.loading.unreadable import UnreadableFile

log = logging.getLogger(__name__)


@dataclass
class HalfRead(SpooledRead):
    """What the second process read (or why it could not), and what the census reader counted there."""

    children: int = 0
    eras: Counter[str] = field(default_factory=Counter)
    pre_proceedings: int = 0
    year: int | None = None  # the census year its children were read for


def read_in_halves(path: Path, load: FileLoad) -> bool:
    """Read the file into `load` in two halves at once; False (nothing done) when it is to be read whole."""
    if second_process.cores() < 2:
        return False
    try:
        cut = find_cut(path)
    except (OSError, ValueError):  # a file that cannot be mapped, or emptied meanwhile: read as one stream
        return False
    if cut is None:
        return False
    with contextlib.ExitStack() as spools:
        try:
            read = _read_halves(path, load, cut, spools.enter_context(second_process.spool_folder()))
        except OSError as exc:  # no room for the spools, say: nothing is staged until both are read
            log.debug("CIN Census read as one stream: %s while reading in halves", type(exc).__name__)
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
    asked = (str(path), cut, load.kind, load.load_id, load.load_seq, load.collection_year, str(folder / "second"))
    second = _start_second_half(asked)
    try:
        first = _read_first_half(path, load, cut, folder / "first")
        said = second_process.answer(second) if first is not None else None
    finally:
        second_process.stop(second)
    half = said if isinstance(said, HalfRead) else None
    if first is None or half is None or half.failed is not None or half.spool is None:
        why = "the first half" if first is None else "the second process" if half is None else half.failed
        log.debug("CIN Census read as one stream: %s could not be read in halves", why)
        return None
    if half.year != first[0].year:  # a header inside the first child, say: the halves read different years
        log.debug("CIN Census read as one stream: the halves were read for different census years")
        return None
    return (*first, half)


def _start_second_half(asked: tuple[Any, ...]) -> subprocess.Popen[bytes] | None:
    """The second process, told what to read (this module, so that what it says unpickles as a HalfRead)."""
    return second_process.start(__name__, asked)


def _read_first_half(path: Path, load: FileLoad, cut: Cut, folder: Path) -> tuple[CinReader, FileLoad, Spool] | None:
    """The header and the children before the cut, read here into a spool; None if the half is not
    well-formed (the file is then read again as one stream)."""
    spool = Spool(folder)
    spooled = spooled_load(load, spool)
    reader = CinReader(path, spooled)
    part = FilePart(path, 0, cut.at, after=cut.closing)
    try:
        reader.walk(_header_first(reader.events(part, None)))  # type: ignore[arg-type]
        spooled.flush()
    except (etree.XMLSyntaxError, _NotCuttable):
        return None
    finally:
        part.close()
        spool.close()
    return reader, spooled, spool


def read_second_half(
    path: Path, cut: Cut, kind: str, load_id: str, load_seq: int, given_year: int | None, folder: Path
) -> HalfRead:
    """The second process's work: the census year from the header (or --year, `given_year`), then the children
    from the cut to the end, into a spool; what it read, or why it failed."""
    try:
        year = _header_year(path, cut, given_year)
        spool = Spool(folder)
        offset = lines_before(path, cut.at)
        load = FileLoad(path, kind, load_id, load_seq, spool, collection_year=given_year,  # type: ignore[arg-type]
                        line_offset=offset)  # fmt: skip
        reader = CinReader(path, load)
        reader.year = year
        reader.header_seen = reader.root_checked = True
        part = FilePart(path, cut.at, None, before=cut.opening)
        try:
            reader.walk(second_process.watching_parent(_no_header(reader.events(part, None))))  # type: ignore[arg-type]
            load.flush()
        finally:
            part.close()
            spool.close()
        done = SpooledRead.of(load, spool)
        return HalfRead(**vars(done), children=reader.children, eras=reader.eras,
                        pre_proceedings=reader.pre_proceedings, year=year)  # fmt: skip
    except Exception as exc:  # any failure: the file is read again as one stream (its text may name a child)
        return HalfRead(failed=type(exc).__name__)


def _header_year(path: Path, cut: Cut, given_year: int | None) -> int | None:
    """The census year as the first half's reader settles it from the header and --year (problems said there,
    not here)."""
    load = FileLoad(path, "cin_census", "header", 0, _Nowhere(), collection_year=given_year)  # type: ignore[arg-type]
    reader = CinReader(path, load)
    part = FilePart(path, 0, cut.first_child, after=cut.closing)
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
        name = element_name(item[1])
        if name == "child":
            children = True
        elif name == "header" and children:
            raise _NotCuttable
        yield item


def _no_header(events: Any) -> Iterator[Any]:
    """The second half's events, stopping at a Header."""
    for item in events:
        if element_name(item[1]) == "header":
            raise _NotCuttable
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
    load.flush()  # anything the load held before the file was read goes first, as it would have
    base_rows, base_problems = load._row_seq, load.problem_count
    load.la_code, load.collection_year, load.details = first.la_code, first.collection_year, first.details
    first_read = SpooledRead.of(first, first_spool)
    stage_read(load, first_read, base_rows, base_problems)
    stage_read(load, half, base_rows + first_read.row_seq, base_problems + first_read.problem_count)


def main() -> None:
    """Run as `python -m cscperf.loading.cin_halves`: what to read on standard input, what was read on standard
    output (`second_process.serve`)."""
    second_process.serve(lambda asked: _second_half(*asked))


def _second_half(
    path: str, cut: Cut, kind: str, load_id: str, load_seq: int, given: int | None, folder: str
) -> HalfRead:
    return read_second_half(Path(path), cut, kind, load_id, load_seq, given, Path(folder))


if __name__ == "__main__":
    from cscperf.loading.cin_halves import main as _main  # by its name, so what it sends back unpickles

    _main()


__all__ = ["HalfRead", "read_in_halves", "read_second_half"]
