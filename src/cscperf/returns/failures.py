"""What a check found wrong with a return: one failure per rule, child, field and value, whichever check found it
(the return's XML schema, the Annex A layout, the DfE's validation rules), and the ways they are shown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Literal

Severity = Literal["error", "query", "not checked"]


@dataclass(frozen=True, order=True)
class Failure:
    """One thing wrong with a return. `rule` keeps the checker's own number (a DfE rule such as 8500 or 2887Q, or
    "XSD" for the schema); `child` is the council's child id (data-quality output: it may identify a child)."""

    check: str  # "DfE rules", "XSD", "Annex A layout", "cscperf"
    rule: str
    severity: Severity
    child: str
    table: str
    field: str
    value: str
    message: str
    location: str = ""  # line (XML), row (CSV), cell (xlsx), where known

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


COLUMNS = tuple(f.name for f in fields(Failure))


@dataclass(frozen=True)
class CheckOutcome:
    """What one check did: the failures it found, or why it could not run."""

    check: str
    ran: bool
    failures: tuple[Failure, ...] = ()
    note: str = ""  # e.g. "DfE rules for 2024-25 (csc-validator-be-cin 0.1.13)" or why not run


def count_by_rule(failures: Iterable[Failure]) -> list[tuple[str, str, str, int, str]]:
    """(check, rule, severity, count, message) per rule and field, most frequent first: what a person reads
    first. (Per rule alone, one rule broken in two fields was told with the first field's message: "Gender is
    not spelt as the template's options" for 1 Gender and 11 Ethnicity failures.)"""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    messages: dict[tuple[str, str, str, str], str] = {}
    for f in failures:
        key = (f.check, f.rule, f.severity, f.field)
        counts[key] += 1
        messages.setdefault(key, f.message)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(check, rule, severity, n, messages[(check, rule, severity, field)])
            for (check, rule, severity, field), n in ordered]  # fmt: skip


def write_failures(path: Path, failures: Sequence[Failure]) -> Path:
    """The failures as CSV or Excel (by the file's suffix), through the shared safe writers: every cell made
    safe to open in a spreadsheet, the file written whole or not at all, a workbook marked as holding child
    identifiers and filterable."""
    from cscperf.exports.csv_file import write_csv
    from cscperf.exports.xlsx_file import CHILD_IDENTIFIERS, Sheet, write_xlsx

    rows = [list(astuple(f)) for f in sorted(failures, key=_reading_order)]
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, [Sheet("Failures", COLUMNS, rows, banner=CHILD_IDENTIFIERS, widths=WIDTHS)])
    else:
        write_csv(path, COLUMNS, rows)
    return path


WIDTHS = (11, 9, 11, 14, 20, 24, 16, 70, 22)


def _reading_order(f: Failure) -> tuple[str, str, str, str, str]:
    return (f.child, f.check, f.rule, f.table, f.field)
