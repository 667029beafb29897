"""Errors a user can see, each with the exit code the command line gives for it.

Messages are plain English for a council analyst and never contain a child's identifier.
"""

from __future__ import annotations


class CscperfError(Exception):
    """A problem cscperf explains to the user instead of showing a traceback."""

    exit_code = 1


class DataProblem(CscperfError):
    """The data (a store, a file, a profile) is not what cscperf needs. Exit code 1."""

    exit_code = 1


class ConcurrentChange(DataProblem):
    """A server store stopped the command because another command was changing the same records at the same
    moment (a deadlock, or a serialisation failure): nothing was kept, and the command may be run again."""


class UsageProblem(CscperfError):
    """The command was asked for something it cannot do as asked. Exit code 2."""

    exit_code = 2
