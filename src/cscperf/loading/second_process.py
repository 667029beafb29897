"""A second process for a load's reading, and the spools it and this process read into.

A load uses one core for most of its reading (Python, lxml). Where a file, or a command's files, can be read
in parts, a second process (a module of cscperf run by the same Python) reads one part into a spool of Arrow
files while this process reads another (`cin_halves`, `read_ahead`). It is told what to read, pickled, on its
standard input, and says what it read, pickled, on its standard output; if it fails for any reason, this
process reads that part itself.

The spools hold child-level rows. Their folder is in the temporary directory (`cscperf-spool-...`, made so that
only the user can read it), locked while its load runs, and removed when the load ends; a load that was
killed leaves it unlocked, and the next load removes it (`sweep_spools`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

SPOOL_PREFIX = "cscperf-spool-"
"""The spools' folders in the temporary directory: cscperf-spool-<random>, each with a lock file its load holds."""
LOCK_NAME = "owner.lock"


def cores() -> int:
    """The cores this process may use (a container's or a job's limit, where the system says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def start(module: str, asked: object) -> subprocess.Popen[bytes] | None:
    """`python -m module` (the same Python; -P: no module from the working directory), told `asked`; None if
    it could not be started."""
    try:
        second = subprocess.Popen(
            [sys.executable, "-P", "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        assert second.stdin is not None
        second.stdin.write(pickle.dumps(asked))
        second.stdin.close()
    except OSError:
        stop(second)
        return None
    return second


def answer(second: subprocess.Popen[bytes] | None) -> Any:
    """What the second process said, once it has finished; None if it could not say."""
    if second is None or second.stdout is None:
        return None
    try:
        said = second.stdout.read()
    except OSError:
        said = b""
    second.wait()
    try:
        return pickle.loads(said)
    except Exception:  # it died before saying
        return None


def stop(second: subprocess.Popen[bytes] | None) -> None:
    """End the second process if it is still running."""
    if second is not None and second.poll() is None:
        second.kill()
        second.wait()


def serve(work: Callable[[Any], object]) -> None:
    """The second process's side: what to do from standard input, what was done to standard output. Anything
    else written to standard output meanwhile (a library's progress bar, say) is sent to nowhere, so that the
    answer is the only thing the first process reads."""
    asked = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.flush()
    answer_to = os.dup(1)
    with open(os.devnull, "wb") as nowhere:
        os.dup2(nowhere.fileno(), 1)
    said = pickle.dumps(work(asked))
    with os.fdopen(answer_to, "wb") as out:
        out.write(said)


def watching_parent(items: Iterator[Any], every: int = 4096) -> Iterator[Any]:
    """The items, stopping this (second) process if the process that started it has gone (killed mid-load);
    on Linux and macOS, where a process left by its parent gets another."""
    parent = os.getppid()
    for count, item in enumerate(items):
        if count % every == 0 and os.getppid() != parent:
            raise SystemExit(1)
        yield item


@contextlib.contextmanager
def spool_folder() -> Iterator[Path]:
    """A folder of the temporary directory for the spools (only the user can read it), locked while this load
    holds it, and removed when it ends."""
    folder = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX))
    try:
        with (folder / LOCK_NAME).open("wb") as held:
            lock(held)
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
    with lock_path.open("ab") as held:
        return lock(held)


def lock(file: BinaryIO) -> bool:
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


__all__ = ["LOCK_NAME", "SPOOL_PREFIX", "answer", "cores", "lock", "serve", "spool_folder", "start", "stop",
           "sweep_spools", "watching_parent"]  # fmt: skip
