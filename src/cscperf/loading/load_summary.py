"""What a load did, file by file: for the terminal and for `--json`. Counts and rules only, never a child's
identifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cscperf.loading.file_load import FileLoad
from cscperf.loading.pipeline import EVERY_RECORD_REJECTED

# A file in a folder with one of these endings was meant to be data: when it cannot be read as any return it
# is a warning in the load's summary, not only a line in the table (a readme or a schema beside the returns is
# listed only).
DATA_FILE_ENDINGS = frozenset({".csv", ".tsv", ".xml", ".xlsx", ".xlsm", ".xls", ".parquet"})
FILE_NOT_LOADED = "file in the folder not loaded"


@dataclass
class FileSummary:
    path: Path
    kind: str | None
    load_id: str | None
    la_code: str | None = None
    collection_year: int | None = None
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    by_table: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: dict[str, dict[str, int]] = field(default_factory=dict)  # severity -> rule -> count
    details: dict[str, Any] = field(default_factory=dict)
    skipped_as_loaded_in: str | None = None
    not_recognised: str | None = None
    not_loaded: str | None = None  # read, but left out of the load (e.g. a year that cannot be told)

    @classmethod
    def skipped(cls, path: Path, earlier_load: str) -> FileSummary:
        return cls(path, None, None, skipped_as_loaded_in=earlier_load)

    @classmethod
    def not_recognised_file(cls, path: Path, reason: str) -> FileSummary:
        data = path.suffix.lower() in DATA_FILE_ENDINGS
        return cls(path, None, None, problems={"warning": {FILE_NOT_LOADED: 1}} if data else {}, not_recognised=reason)

    @classmethod
    def withdrawn(cls, load: FileLoad, reason: str) -> FileSummary:
        return cls(load.path, load.kind, None, load.la_code, not_loaded=reason)

    @classmethod
    def of(cls, load: FileLoad) -> FileSummary:
        """A file read and merged: loaded, unless every record was rejected (it is then not recorded as loaded,
        so that it can be loaded again once corrected)."""
        problems: dict[str, dict[str, int]] = {}
        for (severity, rule), n in sorted(load.problems_by_rule.items()):
            problems.setdefault(severity, {})[rule] = n
        return cls(
            load.path,
            load.kind,
            load.load_id,
            load.la_code,
            load.collection_year,
            load.records_read,
            load.records_loaded,
            load.records_rejected,
            {t: {"read": c.read, "loaded": c.loaded, "rejected": c.rejected} for t, c in sorted(load.counts.items())},
            problems,
            {k: v for k, v in load.details.items() if k != "content_sha256"},
            not_loaded=EVERY_RECORD_REJECTED if load.records_read and not load.records_loaded else None,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "format": self.kind,
            "load_id": self.load_id,
            "la_code": self.la_code,
            "collection_year": self.collection_year,
            "records_read": self.read,
            "records_loaded": self.loaded,
            "records_rejected": self.rejected,
            "reconciles": self.read == self.loaded + self.rejected,
            "tables": self.by_table,
            "problems": self.problems,
            "details": self.details,
            "skipped": self.skipped_as_loaded_in is not None
            or self.not_recognised is not None
            or self.not_loaded is not None,
            "already_loaded_as": self.skipped_as_loaded_in,
            "not_recognised": self.not_recognised,
            "not_loaded": self.not_loaded,
        }


@dataclass
class LoadSummary:
    files: list[FileSummary] = field(default_factory=list)
    population_years_added: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [f.as_dict() for f in self.files],
            "records_read": sum(f.read for f in self.files),
            "records_loaded": sum(f.loaded for f in self.files),
            "records_rejected": sum(f.rejected for f in self.files),
            "population_years_added": self.population_years_added,
        }
