"""The loaders' FileLoad as it was before issue 19 (each field checked as its row was added, rows staged as
lists of dicts): kept as the oracle the set-based path is compared with (tests/test_load_set_based.py). Remove
it with that test once the old path is no longer wanted.

One file being loaded: the rows it yields, the records it rejects and the problems it has.

A loader reads its file and calls `add` for each record it can load (a row for a store table), `reject`
for each record it cannot (the record is kept as read, with the reason and where it was), and `flag` for
problems with a record it loads anyway. Counts reconcile by construction for every table the file feeds:
records read = loaded + rejected.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from cscperf.loading.field_checks import RULE, _rules, why_not
from cscperf.loading.problems import Problem
from cscperf.loading.staging import Staging
from cscperf.loading.unreadable import UnreadableFile

CHUNK_ROWS = 5_000
CHUNK_PROBLEMS = 5_000


@dataclass
class TableCounts:
    read: int = 0
    loaded: int = 0
    rejected: int = 0


@dataclass
class FileLoad:
    """What one file has given so far. Rows are staged in chunks so memory stays flat for large files; the
    council and collection year, which a file may only reveal at its end, are attached when the load is merged."""

    path: Path
    kind: str
    load_id: str
    load_seq: int
    staging: Staging
    la_code: str | None = None
    collection_year: int | None = None
    counts: dict[str, TableCounts] = field(default_factory=dict)
    problems_by_rule: Counter[tuple[str, str]] = field(default_factory=Counter)
    problem_count: int = 0
    details: dict[str, Any] = field(default_factory=dict)  # what the format wants to say in the summary
    _rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _row_seq: int = 0
    _problems: list[dict[str, Any]] = field(default_factory=list)

    def where(self, line: int | None = None) -> str:
        """The location of a line of this file, e.g. "cin-2022.xml:57"."""
        return f"{self.path.name}:{line}" if line is not None else self.path.name

    def add(self, table: str, row: dict[str, Any], location: str | None = None) -> None:
        """Load one record into `table` (a store table; `row` maps its columns, without la_code). A field it
        cannot hold is left empty, or the record rejected if that field identifies it (`field_checks`)."""
        checked_row = checked(self, table, row, location or self.path.name)
        if checked_row is None:
            return
        row = checked_row
        counts = self.counts.setdefault(table, TableCounts())
        counts.read += 1
        counts.loaded += 1
        self._row_seq += 1
        staged = dict(row)
        staged["_row_seq"] = self._row_seq
        staged["_location"] = location or self.path.name
        self._rows.setdefault(table, []).append(staged)
        if len(self._rows[table]) >= CHUNK_ROWS:
            self._flush_rows(table)

    def reject(self, problem: Problem) -> None:
        """Reject one record: it is not loaded, and is kept as read with the reason (severity fatal)."""
        if problem.severity != "fatal":
            raise ValueError("a rejected record's problem must be fatal")
        counts = self.counts.setdefault(problem.target_table or "unknown", TableCounts())
        counts.read += 1
        counts.rejected += 1
        self._keep(problem)

    def flag(self, problem: Problem) -> None:
        """Note a problem with a record that is loaded anyway (severity error or warning)."""
        if problem.severity == "fatal":
            raise ValueError("use reject() for a fatal problem")
        self._keep(problem)

    def fail(self, reason: str) -> NoReturn:
        """Stop: the file as a whole cannot be loaded."""
        raise UnreadableFile(self.path, reason)

    def reject_loaded(self, problem: Problem) -> None:
        """Reject a record already added, found wanting when the load is merged (a duplicate, say)."""
        counts = self.counts.setdefault(problem.target_table or "unknown", TableCounts())
        counts.loaded -= 1
        counts.rejected += 1
        self._keep(problem)

    @property
    def records_read(self) -> int:
        return sum(c.read for c in self.counts.values())

    @property
    def records_loaded(self) -> int:
        return sum(c.loaded for c in self.counts.values())

    @property
    def records_rejected(self) -> int:
        return sum(c.rejected for c in self.counts.values())

    def flush(self) -> None:
        for table in list(self._rows):
            self._flush_rows(table)
        self._flush_problems()

    def pending_problems(self) -> list[dict[str, Any]]:
        """Problems not yet written (the session writes them into the rejects table)."""
        out, self._problems = self._problems, []
        return out

    def _keep(self, problem: Problem) -> None:
        self.problem_count += 1
        self.problems_by_rule[(problem.severity, problem.rule)] += 1
        self._problems.append(
            {
                "load_id": self.load_id,
                "reject_number": self.problem_count,
                "source_location": problem.location,
                "target_table": problem.target_table,
                "field_name": problem.field_name,
                "field_value": problem.field_value,
                "rule": problem.rule,
                "severity": problem.severity,
                "message": problem.message,
                "raw_record": problem.raw_record,
            }
        )
        if len(self._problems) >= CHUNK_PROBLEMS:
            self._flush_problems()

    def _flush_rows(self, table: str) -> None:
        rows = self._rows.pop(table, [])
        if not rows:
            return
        for row in rows:
            row["_load_id"] = self.load_id
            row["_load_seq"] = self.load_seq
        self.staging.append(table, rows)

    def _flush_problems(self) -> None:
        problems = self.pending_problems()
        if problems:
            self.staging.append("cscperf_load_rejects", problems)


def checked(load: FileLoad, table: str, row: dict[str, Any], location: str) -> dict[str, Any] | None:
    """The row with every field it cannot hold left empty (each an error), or None when its identifier cannot
    be held (the record is then rejected here)."""
    rules = _rules(table)
    emptied: dict[str, Any] | None = None
    for column, value in row.items():
        if value is None:
            continue
        rule = rules.get(column)
        reason = why_not(rule, value) if rule is not None else None
        if reason is None:
            continue
        assert rule is not None
        shown = str(value)[:200]
        if rule.identifying:
            load.reject(
                Problem(location, RULE, f"{column}: {reason}; the record cannot be stored.", "fatal", table, column,
                        shown, {k: None if v is None else str(v) for k, v in row.items()})
            )  # fmt: skip
            return None
        load.flag(Problem(location, RULE, f"{column}: {reason}; left empty.", "error", table, column, shown))
        emptied = emptied if emptied is not None else dict(row)
        emptied[column] = None
    return row if emptied is None else emptied
