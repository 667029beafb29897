"""One file being loaded: the rows it yields, the records it rejects and the problems it has.

A loader reads its file and calls `add` for each record it can load (a row for a store table), `reject`
for each record it cannot (the record is kept as read, with the reason and where it was), and `flag` for
problems with a record it loads anyway. Counts reconcile by construction for every table the file feeds:
records read = loaded + rejected.

Rows are buffered per table and staged in chunks as Arrow tables. What each field can hold
(`field_checks`) is checked over a whole chunk at once (`field_checks.suspect_rows`, set-based); only the few
rows it picks out are checked one by one, and their problems are numbered where the record was added, so the
rejects read in the same order as if each row had been checked as it came.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from cscperf.loading.field_checks import checked_problems, suspect_rows
from cscperf.loading.problems import Problem
from cscperf.loading.staging import Staging, data_schema
from cscperf.loading.unreadable import UnreadableFile
from cscperf.store.schema import Table

CHUNK_ROWS = 20_000
Values: TypeAlias = list[Any] | pa.Array | pa.ChunkedArray  # a column: a list or an Arrow array
CHUNK_PROBLEMS = 5_000


@dataclass
class TableCounts:
    read: int = 0
    loaded: int = 0
    rejected: int = 0


@dataclass
class _Buffer:
    """The rows of one table not yet staged: each with its running number, location, and the number of
    problems kept before it was added (where its own field problems belong in the order)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)


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
    line_offset: int = 0  # a part of a file read on its own: the file's lines before the part's first
    _buffers: dict[str, _Buffer] = field(default_factory=dict)
    _buffered: int = 0
    _row_seq: int = 0
    _problems: list[dict[str, Any]] = field(default_factory=list)  # kept, not yet numbered nor staged
    _file_name: str | None = None

    def where(self, line: int | None = None) -> str:
        """The location of a line of this file, e.g. "cin-2022.xml:57"."""
        name = self._file_name
        if name is None:
            name = self._file_name = self.path.name
        return f"{name}:{line + self.line_offset}" if line is not None else name

    def add(self, table: str, row: dict[str, Any], location: str | None = None, *, fresh: bool = False) -> None:
        """Load one record into `table` (a store table; `row` maps its columns, without la_code). A field it
        cannot hold is left empty, or the record rejected if that field identifies it (`field_checks`, when
        the chunk is staged). `fresh`: the caller made `row` for this call and never touches it again, so it
        is kept as it is rather than copied."""
        counts = self.counts.get(table)
        if counts is None:
            counts = self.counts[table] = TableCounts()
        counts.read += 1
        counts.loaded += 1
        self._row_seq += 1
        buffer = self._buffers.get(table)
        if buffer is None:
            buffer = self._buffers[table] = _Buffer()
        buffer.rows.append(row if fresh else dict(row))
        buffer.seqs.append(self._row_seq)
        buffer.locations.append(location or self.path.name)
        buffer.positions.append(len(self._problems))
        self._buffered += 1
        if self._buffered >= CHUNK_ROWS:
            self.flush()

    def add_arrow(self, table: str, data: pa.Table, seqs: Values, locations: Values) -> None:
        """Load records already checked set-based (an Arrow table of the store table's columns, every value
        one its field can hold), each with its running number and location."""
        n = data.num_rows
        if not n:
            return
        counts = self.counts.setdefault(table, TableCounts())
        counts.read += n
        counts.loaded += n
        last = max(seqs) if isinstance(seqs, list) else pc.max(seqs).as_py()
        self._row_seq = max(self._row_seq, int(last))
        self.staging.append(table, self._with_staging_columns(data, seqs, locations))

    def row_seq_at(self, seq: int) -> None:
        """Number the next record added `seq` (a reader giving records in its own order: its line, say)."""
        self._row_seq = seq - 1

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
        """Stage every buffered row (its fields checked) and every problem kept so far."""
        late: list[tuple[int, int, dict[str, Any]]] = []  # (position, row number, problem) found while staging
        for table in list(self._buffers):
            late.extend(self._flush_rows(table))
        if late:
            self._place(late)
        self._flush_problems()

    def pending_problems(self) -> list[dict[str, Any]]:
        """Problems not yet written (the session writes them into the rejects table), numbered in order after
        every problem counted before them (a replayed load's count includes the problems it restored)."""
        out, self._problems = self._problems, []
        number = self.problem_count - len(out)
        for problem in out:
            number += 1
            problem["reject_number"] = number
        return out

    def _keep(self, problem: Problem) -> None:
        self.problem_count += 1
        self.problems_by_rule[(problem.severity, problem.rule)] += 1
        self._problems.append(self._problem_row(problem))
        if len(self._problems) >= CHUNK_PROBLEMS:
            self.flush()

    def _problem_row(self, problem: Problem) -> dict[str, Any]:
        return {
            "load_id": self.load_id,
            "reject_number": None,
            "source_location": problem.location,
            "target_table": problem.target_table,
            "field_name": problem.field_name,
            "field_value": problem.field_value,
            "rule": problem.rule,
            "severity": problem.severity,
            "message": problem.message,
            "raw_record": problem.raw_record,
        }

    def _flush_rows(self, table: str) -> list[tuple[int, int, dict[str, Any]]]:
        """Stage one table's buffered rows; the field problems found, each with where it goes in the order."""
        buffer = self._buffers.pop(table, None)
        if buffer is None or not buffer.rows:
            return []
        self._buffered -= len(buffer.rows)
        spec = self.staging.table(table)
        data = _arrow_rows(buffer.rows, spec)
        late: list[tuple[int, int, dict[str, Any]]] = []
        suspects = list(range(len(buffer.rows))) if data is None else suspect_rows(table, data)
        if suspects:
            keep = [True] * len(buffer.rows)
            for index in suspects:
                problems, row = checked_problems(table, buffer.rows[index], buffer.locations[index])
                for problem in problems:
                    self.problem_count += 1
                    self.problems_by_rule[(problem.severity, problem.rule)] += 1
                    late.append((buffer.positions[index], buffer.seqs[index], self._problem_row(problem)))
                if row is None:
                    keep[index] = False
                    counts = self.counts[table]
                    counts.loaded -= 1
                    counts.rejected += 1
                else:
                    buffer.rows[index] = row
            buffer.rows = [r for r, k in zip(buffer.rows, keep, strict=True) if k]
            buffer.seqs = [s for s, k in zip(buffer.seqs, keep, strict=True) if k]
            buffer.locations = [loc for loc, k in zip(buffer.locations, keep, strict=True) if k]
            data = _arrow_rows(buffer.rows, spec)
        if data is None:  # a value of the wrong type that no field check empties: a defect of the loader's
            raise TypeError(f"rows for {table} hold values of the wrong type")
        if data.num_rows:
            self.staging.append(table, self._with_staging_columns(data, buffer.seqs, buffer.locations))
        return late

    def _with_staging_columns(self, data: pa.Table, seqs: Values, locations: Values) -> pa.Table:
        n = data.num_rows
        return (
            data.append_column("_load_id", pa.array([self.load_id] * n, pa.string()))
            .append_column("_load_seq", pa.array([self.load_seq] * n, pa.int32()))
            .append_column("_collection_year", pa.nulls(n, pa.int32()))
            .append_column("_row_seq", _column(seqs, pa.int64()))
            .append_column("_location", _column(locations, pa.string()))
        )

    def _place(self, late: list[tuple[int, int, dict[str, Any]]]) -> None:
        """Put problems found while staging where their records were added among the problems kept."""
        late.sort(key=lambda item: (item[0], item[1]))
        merged: list[dict[str, Any]] = []
        start = 0
        for position, _seq, problem in late:
            if position > start:
                merged.extend(self._problems[start:position])
                start = position
            merged.append(problem)
        merged.extend(self._problems[start:])
        self._problems = merged

    def _flush_problems(self) -> None:
        problems = self.pending_problems()
        if problems:
            self.staging.append("cscperf_load_rejects", problems)


def _column(values: Values, kind: pa.DataType) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.cast(kind)
    return pa.array(values, kind)


def _arrow_rows(rows: list[dict[str, Any]], spec: Table) -> pa.Table | None:
    """The rows as an Arrow table of the store table's columns, or None when a value is not of its column's
    type (the rows are then checked one by one, as the field checks leave a value they cannot hold empty)."""
    json_columns = [c.name for c in spec.all_columns if c.type == "JSON"]
    if json_columns:
        for row in rows:
            for name in json_columns:
                value = row.get(name)
                if value is not None and not isinstance(value, str):
                    row[name] = json.dumps(value, default=str)
    try:
        return pa.Table.from_pylist(rows, schema=data_schema(spec))
    except (pa.ArrowException, OverflowError, TypeError, ValueError):
        return None


__all__ = ["CHUNK_PROBLEMS", "CHUNK_ROWS", "FileLoad", "TableCounts"]
