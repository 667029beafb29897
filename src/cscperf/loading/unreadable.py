"""The one error a loader raises for a whole file: it is not what it claims to be, so nothing is loaded."""

from __future__ import annotations

from pathlib import Path

from cscperf.errors import DataProblem


class UnreadableFile(DataProblem):
    """A file that cannot be loaded at all (wrong format, truncated, empty, protected, binary)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason} Nothing was loaded; the store is unchanged.")
        self.path = path
        self.reason = reason
