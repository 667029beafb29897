"""The two things a person does with returns, as library functions the command line (and later the web
service) call: write a return from the store and check it, or check return files a council brings."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from cscperf.errors import CscperfError, DataProblem, UsageProblem
from cscperf.returns import return_for_load_kind, return_format
from cscperf.returns.base import CheckRequest, ExportRequest, ExportResult, ReturnFormat
from cscperf.returns.failures import CheckOutcome, Failure
from cscperf.store.connection import Connection


@dataclass
class ExportRun:
    """A return written (or only checked) and what every check found."""

    fmt: ReturnFormat
    result: ExportResult
    outcomes: list[CheckOutcome]
    written: bool
    failures_file: Path | None = None

    @property
    def failures(self) -> list[Failure]:
        return [*self.result.failures, *(f for o in self.outcomes for f in o.failures)]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.failures if f.is_error)


@dataclass
class FileCheck:
    fmt: ReturnFormat
    paths: list[Path]
    outcomes: list[CheckOutcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Failure]:
        return [f for o in self.outcomes for f in o.failures]


def council(con: Connection, la: str | None) -> tuple[str, str | None]:
    """The council to write for (its code and name): `la`, or the store's only council."""
    rows = con.execute("SELECT la_code, la_name FROM cscperf_councils ORDER BY la_code").fetchall()
    if not rows:
        raise DataProblem("The store holds no councils yet: create one with `cscperf synth` or `cscperf load`.")
    names = {code: name for code, name in rows}
    if la is not None:
        if la not in names:
            raise UsageProblem(f"The store holds no council {la}; it holds {', '.join(list(names)[:10])}.")
        return la, names[la]
    if len(rows) > 1:
        raise UsageProblem(f"The store holds {len(rows)} councils; choose one with --la.")
    return rows[0][0], rows[0][1]


@contextmanager
def _explained(action: str) -> Iterator[None]:
    """An unexpected error in cscperf becomes a plain message without the data (CSCPERF_DEBUG=1 shows it)."""
    try:
        yield
    except (CscperfError, KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        if os.environ.get("CSCPERF_DEBUG"):
            raise
        raise DataProblem(
            f"The return could not be {action} because of an unexpected problem in cscperf ({type(exc).__name__}). "
            "Please report it with the cscperf version; CSCPERF_DEBUG=1 shows the developer's detail."
        ) from None


def export_return(
    name: str,
    request: ExportRequest,
    *,
    check_only: bool = False,
    dfe_rules: bool = True,
    la_name: str | None = None,
    failures_file: Path | None = None,
) -> ExportRun:
    """Write the return and check it. With `check_only`, it is written to a scratch folder, checked and
    discarded: `request.out` is left alone. The failures (with child ids) go to `failures_file` when given."""
    fmt = return_format(name)
    with _explained("written and checked"):
        return _export(fmt, request, check_only, dfe_rules, la_name, failures_file)


def _export(
    fmt: ReturnFormat,
    request: ExportRequest,
    check_only: bool,
    dfe_rules: bool,
    la_name: str | None,
    failures_file: Path | None,
) -> ExportRun:
    if check_only:
        scratch = Path(tempfile.mkdtemp(prefix="cscperf-return-"))
        try:
            target = scratch / request.out.name
            result = fmt.export(replace(request, out=target))
            outcomes = _check(fmt, result, request, dfe_rules, la_name)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        result.paths = []
    else:
        result = fmt.export(request)
        outcomes = _check(fmt, result, request, dfe_rules, la_name)
    run = ExportRun(fmt, result, outcomes, written=not check_only)
    if failures_file is not None:
        from cscperf.returns.failures import write_failures

        run.failures_file = write_failures(failures_file, run.failures)
    return run


def _check(
    fmt: ReturnFormat, result: ExportResult, request: ExportRequest, dfe_rules: bool, la_name: str | None
) -> list[CheckOutcome]:
    paths = [p for p in result.paths if p.is_file()]
    if not paths:
        return []
    check = CheckRequest(
        paths, year=request.year, la_code=request.la_code, la_name=la_name, schemas=request.schemas, dfe_rules=dfe_rules
    )
    return fmt.check(check)


def check_files(
    paths: Sequence[Path],
    *,
    year: int | None = None,
    la_name: str | None = None,
    schemas: Path | None = None,
    dfe_rules: bool = True,
) -> list[FileCheck]:
    """Check return files a council brings: each file's kind comes from its content (as `cscperf load` finds it);
    the SSDA903 tables of one folder are checked together."""
    from cscperf.loading.source_format import recognise
    from cscperf.loading.unreadable import UnreadableFile

    groups: dict[tuple[str, Path], list[Path]] = {}
    files = [f for p in paths for f in (sorted(x for x in p.iterdir() if x.is_file()) if p.is_dir() else [p])]
    for path in files:
        try:
            kind = recognise(path).kind
        except UnreadableFile as exc:  # the loader's words, without its "nothing was loaded" (nothing is)
            joined = " " if exc.reason.startswith("is ") else ": "
            raise DataProblem(f"{path.name}{joined}{exc.reason} Nothing was checked.") from None
        fmt = return_for_load_kind(kind)
        if fmt is None:
            raise UsageProblem(
                f"{path.name} is a {kind.replace('_', ' ')} file; cscperf checks CIN Census, SSDA903 "
                "and Annex A returns."
            )
        key = (fmt.name, path.parent if fmt.name == "ssda903" and path.suffix.lower() == ".csv" else path)
        groups.setdefault(key, []).append(path)
    checks = []
    for (name, _), group in groups.items():
        fmt = return_format(name)
        request = CheckRequest(group, year=year, la_name=la_name, schemas=schemas, dfe_rules=dfe_rules)
        with _explained("checked"):
            checks.append(FileCheck(fmt, group, fmt.check(request)))
    return checks


def as_at_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise UsageProblem(f"--as-at must be a date as YYYY-MM-DD or DD/MM/YYYY, not {text!r}.")
