"""The later files of an SSD extract read ahead, by a second process, while this one reads the first ones.

An SSD extract is a folder of CSV files, one per table, each read on its own (`ssd_extract.read_csv_table`).
When a command's extract files come to `AHEAD_FROM_BYTES` or more, a second process (`second_process`) reads
the last of them, in the command's order, into spools while this process reads the first ones as always.
When this process comes to a file the second one read, it stages that file's spool into the file's load,
which is numbered and identified here, as if it had read the file itself: its rows, problems, counts and
details are the same (tested, table by table), and everything done after reading a file (its council and
year settled, the loads recorded) is done here as before. A file the second process could not read (for any
reason: a damaged file, or the process failing) is read here, which says what is wrong as it always has.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cscperf.loading import second_process
from cscperf.loading.file_load import FileLoad
from cscperf.loading.source_format import SourceFormat, content_sha256, recognise
from cscperf.loading.spool import Spool, SpooledRead, stage_read
from cscperf.loading.unreadable import UnreadableFile

AHEAD_FROM_BYTES = 16 * 2**20
"""Fewer bytes of extract files are read by this process alone: starting the second costs about half a second."""
HEAD_START_BYTES = 6 * 2**20
"""About what this process reads while the second starts: its share is larger by this much."""
EXTRACT_CSV = "SSD extract table (CSV)"
log = logging.getLogger(__name__)


@dataclass
class FileRead(SpooledRead):
    """What the second process read of one file (or why it could not), and what the file's load said of it."""

    details: dict[str, Any] = field(default_factory=dict)
    la_code: str | None = None
    collection_year: int | None = None
    content_sha256: str | None = None  # of the file as the second process read it


class ReadAhead:
    """The files a second process reads ahead for this command, and, once asked for, what it read of each."""

    def __init__(self, paths: list[Path], year: int | None, loaded: set[str]) -> None:
        self.paths = paths
        self._files: dict[Path, FileRead] | None = None
        self._exits = ExitStack()
        folder = self._exits.enter_context(second_process.spool_folder())
        self._second: subprocess.Popen[bytes] | None = second_process.start(
            __name__, ([str(p) for p in paths], year, loaded, str(folder))
        )

    def take(self, path: Path, content_sha256: str) -> FileRead | None:
        """What the second process read of the file (whose content is `content_sha256` now); None if it was not
        to read it, could not, or read other content (a file still being written, say)."""
        if path not in self.paths:
            return None
        if self._files is None:
            said = second_process.answer(self._second)
            self._files = dict(zip(self.paths, said, strict=True)) if isinstance(said, list) else {}
            if not self._files:
                log.debug("SSD extract files read by one process: the second process said nothing")
        read = self._files.get(path)
        if read is not None and read.failed is None and read.content_sha256 != content_sha256:
            read = FileRead(failed="the file changed after it was read ahead")
        if read is None or read.failed is not None or read.spool is None:
            log.debug("an SSD extract file read again by this process: %s", read.failed if read else "no answer")
            return None
        return read

    def close(self) -> None:
        """Stop the second process if it is still reading, and remove the spools."""
        second_process.stop(self._second)
        self._exits.close()


def read_ahead(named: list[tuple[Path, bool]], year: int | None, loaded: set[str]) -> ReadAhead | None:
    """A second process reading the command's last extract files ahead, when they are enough to gain by it
    (files whose content is in `loaded`, already in the store, are skipped there as here)."""
    if second_process.cores() < 2:
        return None
    texts = [path for path, _ in named if path.suffix.lower() in (".csv", ".tsv", ".txt")]
    if sum(_size(path) for path in texts) < AHEAD_FROM_BYTES:  # before looking into any file
        return None
    extract = [path for path in texts if _is_extract_csv(path)]
    sizes = {path: _size(path) for path in extract}
    total = sum(sizes.values())
    if total < AHEAD_FROM_BYTES or len(extract) < 2:
        return None
    ahead: list[Path] = []
    share = 0
    for path in reversed(extract):  # the last files, up to about half the bytes (less this process's head start)
        if ahead and share + sizes[path] > (total - HEAD_START_BYTES) / 2:
            break
        ahead.insert(0, path)
        share += sizes[path]
    if len(ahead) == len(extract):
        return None
    try:
        return ReadAhead(ahead, year, loaded)
    except OSError:
        return None


@contextlib.contextmanager
def reading_ahead(named: list[tuple[Path, bool]], year: int | None, loaded: set[str]) -> Iterator[ReadAhead | None]:
    """`read_ahead` for the time the command reads its files: the second process stopped and the spools
    removed when they have been read (or the command fails)."""
    ahead = read_ahead(named, year, loaded)
    try:
        yield ahead
    finally:
        if ahead is not None:
            ahead.close()


def _is_extract_csv(path: Path) -> bool:
    try:
        return recognise(path).title == EXTRACT_CSV
    except UnreadableFile:
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def stage(load: FileLoad, read: FileRead) -> None:
    """A file the second process read, staged into its load (numbered and identified here) as if read here."""
    load.flush()
    stage_read(load, read, load._row_seq, load.problem_count, numbered=True)
    load.details.update(read.details)
    load.la_code = read.la_code if read.la_code is not None else load.la_code
    load.collection_year = read.collection_year


# ----------------------------------------------------------------------------------------- the second process
def read_files(paths: list[str], year: int | None, loaded: set[str], folder: str) -> list[FileRead]:
    """The second process's work: each file read into a spool of its own, as this process would read it (but
    a file already in the store); it stops if the process that started it has gone."""
    numbered = second_process.watching_parent(iter(enumerate(paths)), every=1)
    return [_read_one(Path(path), year, loaded, Path(folder) / f"{n:03d}") for n, path in numbered]


def _read_one(path: Path, year: int | None, loaded: set[str], folder: Path) -> FileRead:
    try:
        sha = content_sha256(path)
        if sha in loaded:
            return FileRead(failed="already loaded")
        source_format: SourceFormat = recognise(path)
        if source_format.title != EXTRACT_CSV:
            return FileRead(failed="not an SSD extract CSV file")
        spool = Spool(folder)
        load = FileLoad(path, source_format.kind, "ahead", 0, spool, collection_year=year)  # type: ignore[arg-type]
        try:
            source_format.read(path, load)
            load.flush()
        finally:
            spool.close()
        done = SpooledRead.of(load, spool)
        return FileRead(**vars(done), details=load.details, la_code=load.la_code,
                        collection_year=load.collection_year, content_sha256=sha)  # fmt: skip
    except Exception as exc:  # any failure: this file is read again by the command's own process
        return FileRead(failed=type(exc).__name__)


def main() -> None:
    """Run as `python -m cscperf.loading.read_ahead` (`second_process.serve`)."""
    second_process.serve(lambda asked: read_files(*asked))


if __name__ == "__main__":
    from cscperf.loading.read_ahead import main as _main  # by its name, so what it sends back unpickles

    _main()


__all__ = ["AHEAD_FROM_BYTES", "FileRead", "ReadAhead", "read_ahead", "read_files", "reading_ahead", "stage"]
