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
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from cscperf.loading.cin_census import CinReader, element_name
from cscperf.loading.cin_cut import Cut, FilePart, find_cut, lines_before
from cscperf.loading.cin_spool import Spool, spooled_load, staged_from
from cscperf.loading.file_load import FileLoad, TableCounts
from cscperf.loading.unreadable import UnreadableFile

SPOOL_PREFIX = "cscperf-cin-"
"""The spools' folders in the temporary directory: cscperf-cin-<random>, each with a lock file its load holds."""
LOCK_NAME = "owner.lock"
log = logging.getLogger(__name__)


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
    year: int | None = None  # the census year its children were read for


# ----------------------------------------------------------------------------------------------- reading
def read_in_halves(path: Path, load: FileLoad) -> bool:
    """Read the file into `load` in two halves at once; False (nothing done) when it is to be read whole."""
    if _cores() < 2:
        return False
    try:
        cut = find_cut(path)
    except (OSError, ValueError):  # a file that cannot be mapped, or emptied meanwhile: read as one stream
        return False
    if cut is None:
        return False
    try:
        spools = _spool_folder()
        folder = spools.__enter__()
    except OSError:
        return False
    try:
        try:
            read = _read_halves(path, load, cut, folder)
        except OSError as exc:  # no room for the spools, say: nothing is staged until both are read
            log.debug("CIN Census read as one stream: %s while reading in halves", type(exc).__name__)
            read = None
        if read is None:
            return False
        reader, first, first_spool, half = read
        _stage(load, first, first_spool, half)
    finally:
        spools.__exit__(None, None, None)
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
        why = "the first half" if first is None else "the second process" if half is None else half.failed
        log.debug("CIN Census read as one stream: %s could not be read in halves", why)
        return None
    if half.year != first[0].year:  # a header inside the first child, say: the halves read different years
        log.debug("CIN Census read as one stream: the halves were read for different census years")
        return None
    return (*first, half)


def _start_second_half(path: Path, cut: Cut, load: FileLoad, folder: Path) -> subprocess.Popen[bytes] | None:
    """The second process (this module, run by the same Python), told what to read on its standard input."""
    try:
        second = subprocess.Popen(
            [sys.executable, "-P", "-m", __name__],  # -P: not the working directory's modules
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        assert second.stdin is not None
        asked = (str(path), cut, load.kind, load.load_id, load.load_seq, load.collection_year, str(folder))
        second.stdin.write(pickle.dumps(asked))
        second.stdin.close()
    except OSError:
        second.kill()
        second.wait()
        return None
    return second


def _cores() -> int:
    """The cores this process may use (a container's or a job's limit, where the system says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextlib.contextmanager
def _spool_folder() -> Iterator[Path]:
    """A folder of the temporary directory for the spools (only the user can read it), locked while this load
    holds it, and removed when it ends."""
    folder = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX))
    try:
        with (folder / LOCK_NAME).open("wb") as lock:
            _lock(lock)
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep_spools() -> None:
    """Remove the spools of loads that were killed: they hold child-level rows. A spool's folder is taken to
    be abandoned when its lock can be taken (its load's process has gone, whatever its id was)."""
    try:
        folders = list(Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*"))
    except OSError:
        return
    for folder in folders:
        with contextlib.suppress(OSError):
            if _abandoned(folder):
                shutil.rmtree(folder, ignore_errors=True)


def _abandoned(folder: Path) -> bool:
    if folder.is_symlink() or not folder.is_dir():
        return False
    if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
        return False  # another user's
    lock_path = folder / LOCK_NAME
    if not lock_path.exists():  # being made this moment, or from an older cscperf: left an hour
        return time.time() - folder.stat().st_mtime > 3600
    with lock_path.open("ab") as lock:
        return _lock(lock)


def _lock(file: BinaryIO) -> bool:
    """Take the lock on an open file without waiting (released when the file is closed, or its process ends);
    whether it was taken."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
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
            reader.walk(_watching_parent(reader.events(part, None)))  # type: ignore[arg-type]
            load.flush()
        finally:
            part.close()
            spool.close()
        return HalfRead(None, spool, load.counts, load.problems_by_rule, load.problem_count, load._row_seq,
                        reader.children, reader.eras, reader.pre_proceedings, year)  # fmt: skip
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


def _watching_parent(events: Any) -> Iterator[Any]:
    """The second half's events, stopping at a Header, or if the process that started this one has gone
    (killed mid-load, say)."""
    parent = os.getppid()
    for count, item in enumerate(events):
        if element_name(item[1]) == "header":
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
    path, cut, kind, load_id, load_seq, given_year, folder = pickle.loads(sys.stdin.buffer.read())
    half = read_second_half(Path(path), cut, kind, load_id, load_seq, given_year, Path(folder))
    sys.stdout.buffer.write(pickle.dumps(half))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    from cscperf.loading.cin_halves import main as _main  # by its name, so what it sends back unpickles

    _main()


__all__ = ["HalfRead", "read_in_halves", "read_second_half", "sweep_spools"]
