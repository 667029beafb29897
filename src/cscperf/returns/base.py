"""What every return offers: how it is written from the store and how a file of it is checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cscperf.returns.failures import CheckOutcome, Failure
from cscperf.store.connection import Connection


@dataclass(frozen=True)
class ExportRequest:
    """One return to write: the council, the period it covers and where it goes."""

    con: Connection
    la_code: str
    out: Path
    year: int | None = None  # collection year, the year ending 31 March (CIN Census, SSDA903)
    as_at: dt.date | None = None  # the day inspectors ask for Annex A
    file_format: str = ""  # "csv" or "xml" for the SSDA903
    schemas: Path | None = None  # a folder holding the XML schemas, if not the default places


@dataclass
class ExportResult:
    """What was written, how many records of each kind, and what the checks found."""

    paths: list[Path]
    counts: dict[str, int]
    period: str  # in words, e.g. "1 April 2024 to 31 March 2025"
    failures: list[Failure] = field(default_factory=list)  # found while writing (e.g. a value made inert)
    notes: list[str] = field(default_factory=list)  # what a person should know (what could not be derived)


@dataclass(frozen=True)
class CheckRequest:
    """Files of one return to check, with what the files themselves may not say."""

    paths: Sequence[Path]
    year: int | None = None
    la_code: str | None = None
    la_name: str | None = None
    schemas: Path | None = None
    dfe_rules: bool = True


@dataclass(frozen=True)
class ReturnFormat:
    name: str  # on the command line: annex-a, cin-census, ssda903
    title: str  # in words
    load_kind: str  # what the loader calls the same files (cscperf_loads.load_kind)
    export: Callable[[ExportRequest], ExportResult]
    check: Callable[[CheckRequest], list[CheckOutcome]]
    year_of: Callable[[Sequence[Path]], int | None]  # the collection year a file says it is for, if it says
