"""Failures of the machine rather than of the data or of cscperf, met while a load (or an unload) writes to
the store: a full disk, a store that cannot be written to, not enough memory. Each becomes one plain message
saying that nothing changed and what to do, never "an unexpected problem in cscperf".

DuckDB reports a full disk in several ways, depending on the moment: an IOException while it writes a block,
a TransactionException when a commit cannot write its log, a FatalException once a failed commit has closed
the database to further writes. The words of the operating system's error are in each.
"""

from __future__ import annotations

import errno

import duckdb

from cscperf.errors import DataProblem

DISK_FULL_WORDS = ("no space left on device", "disk quota exceeded", "file too large", "disk is full")
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
UNCHANGED = "Nothing was loaded; the store is unchanged."


def machine_failure(exc: BaseException, *, unchanged: str = UNCHANGED) -> DataProblem | None:
    """The plain message for a failure of the machine, or None if `exc` is not one."""
    text = str(exc).lower()
    if (isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS) or (
        isinstance(exc, OSError | duckdb.Error) and any(words in text for words in DISK_FULL_WORDS)
    ):
        return DataProblem(
            f"The store could not be written: the disk it is on is full. {unchanged} Free some space (a load "
            "needs free space of about twice the size of its files while it runs) and run the command again."
        )
    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return DataProblem(
            f"There was not enough memory to finish. {unchanged} Close other programs, or allow more memory with "
            "--memory-limit (or the CSCPERF_MEMORY_LIMIT environment variable), and run the command again."
        )
    if isinstance(exc, duckdb.IOException) and "permission" in text:
        return DataProblem(f"The store could not be written: permission was refused. {unchanged}")
    if isinstance(exc, duckdb.IOException | duckdb.FatalException):
        return DataProblem(
            f"The store could not be written (an input/output error from the disk). {unchanged} Check the disk "
            "and run the command again."
        )
    return None
