"""Write a file whole or not at all: written beside the target under a temporary name, flushed to disk, then
renamed over it in one step. On a full disk, an unwritable folder or a folder given as the file, nothing is
left behind (not a partial file, not an empty one) and the message says plainly what went wrong."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cscperf.errors import DataProblem

REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission was refused",
    errno.EPERM: "permission was refused",
    errno.EROFS: "the disk is read-only",
    errno.ENOENT: "its folder does not exist",
    errno.ENOTDIR: "part of its path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


def problem_writing(path: Path, exc: OSError) -> DataProblem:
    """The plain message for a file that could not be written."""
    reason = REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return DataProblem(f"{path} could not be written: {reason}. Nothing was written.")


def check_writable_target(path: Path) -> None:
    """Refuse a target that is a folder, before any work is done."""
    if path.is_dir():
        raise DataProblem(f"{path} is a folder; give the name of a file to write (for example {path / 'out.csv'}).")


@contextlib.contextmanager
def _atomic(path: Path | str, mode: str, encoding: str | None) -> Iterator[IO[Any]]:
    path = Path(path)
    check_writable_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, in every case)
            mode, dir=path.parent, prefix=f".{path.name}.", suffix=".partial", delete=False, encoding=encoding,
            newline=None if "b" in mode else "",
        )  # fmt: skip
    except OSError as exc:
        raise problem_writing(path, exc) from None
    partial = Path(handle.name)
    try:
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            handle.close()
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise problem_writing(path, exc) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def atomic_binary(path: Path | str) -> contextlib.AbstractContextManager[IO[bytes]]:
    """A temporary file beside `path` to write bytes to; on success it replaces `path` in one step, on any
    failure it is removed and `path` is left as it was. Folders on the way are created."""
    return _atomic(path, "wb", None)


def atomic_text(path: Path | str, encoding: str = "utf-8") -> contextlib.AbstractContextManager[IO[str]]:
    """As `atomic_binary`, for text (newlines written as given)."""
    return _atomic(path, "w", encoding)


def write_atomically(path: Path | str, data: bytes) -> None:
    """Write `data` to `path` whole or not at all."""
    with atomic_binary(path) as handle:
        handle.write(data)
