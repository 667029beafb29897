"""Rows read from part of a file, kept in Arrow files until they can be staged in the file's order.

A `Spool` stands in for the load command's staging while part of a load is read in a second process: half of a
large CIN Census (`cin_halves`) or an SSD extract's last files (`read_ahead`). Each chunk a `FileLoad` stages
is written to an Arrow stream file of its table, so memory stays flat. Once the part is read, `stage_read`
stages the chunks into the command's load, table by table in the order they came, with the running numbers
and reject numbers of the rows and problems before the part added (`staged_from`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cscperf.loading.file_load import FileLoad, TableCounts
from cscperf.loading.staging import REJECTS, staged_rows
from cscperf.store.schema import Table, load_schema


class Spool:
    """Staged chunks in Arrow stream files in `folder`, one file per table (another if a chunk's columns
    differ). Picklable once closed: it is then the list of files, in the order their tables came."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(exist_ok=True)  # in its load's spool folder, which must still be there (not made again)
        self.files: list[tuple[str, str]] = []  # (table, file), in the order they were begun
        self._writers: dict[str, tuple[Any, pa.Schema]] = {}

    def table(self, name: str) -> Table:
        return load_schema().table(name)

    def append(self, name: str, rows: list[dict[str, Any]] | pa.Table) -> None:
        data = rows if isinstance(rows, pa.Table) else staged_rows(self.table(name), rows)
        if not data.num_rows:
            return
        writer = self._writers.get(name)
        if writer is None or writer[1] != data.schema:
            if writer is not None:
                writer[0].close()
            path = self.folder / f"{len(self.files):04d}.arrow"
            self.files.append((name, str(path)))
            writer = self._writers[name] = (pa.ipc.new_stream(str(path), data.schema), data.schema)
        writer[0].write_table(data)

    def close(self) -> None:
        for writer, _schema in self._writers.values():
            writer.close()
        self._writers = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"folder": self.folder, "files": self.files, "_writers": {}}


@dataclass
class SpooledRead:
    """What a load read into a spool (in a second process, say): the spool, and the load's counts, problems
    and running number at the end (or why it could not read)."""

    failed: str | None = None
    spool: Spool | None = None
    counts: dict[str, TableCounts] = field(default_factory=dict)
    problems_by_rule: Counter[tuple[str, str]] = field(default_factory=Counter)
    problem_count: int = 0
    row_seq: int = 0

    @classmethod
    def of(cls, load: FileLoad, spool: Spool) -> SpooledRead:
        return cls(None, spool, load.counts, load.problems_by_rule, load.problem_count, load._row_seq)


def stage_read(
    load: FileLoad, read: SpooledRead, rows_before: int, problems_before: int, *, numbered: bool = False
) -> None:
    """A spooled read staged into `load`, its running numbers and reject numbers carried on from the given ones
    (and the load's id and position set in each chunk when `numbered`), and its counts added to the load's."""
    assert read.spool is not None
    ids = (load.load_id, load.load_seq) if numbered else (None, None)
    for table, data in staged_from(read.spool, rows_before, problems_before, *ids):
        load.staging.append(table, data)
    for table, count in read.counts.items():
        mine = load.counts.setdefault(table, TableCounts())
        mine.read += count.read
        mine.loaded += count.loaded
        mine.rejected += count.rejected
    load.problems_by_rule.update(read.problems_by_rule)
    load.problem_count += read.problem_count
    load._row_seq = rows_before + read.row_seq


def spooled_load(load: FileLoad, spool: Spool) -> FileLoad:
    """A load like `load` (its file, council and year as known so far) whose rows and problems go to the spool,
    counted from nothing."""
    return replace(load, staging=spool, counts={}, problems_by_rule=type(load.problems_by_rule)(), problem_count=0,  # type: ignore[arg-type]
                   details=dict(load.details), _buffers={}, _buffered=0, _row_seq=0, _problems=[])  # fmt: skip


def staged_from(
    spool: Spool, rows_before: int, problems_before: int, load_id: str | None = None, load_seq: int | None = None
) -> Iterator[tuple[str, pa.Table]]:
    """Each chunk spooled, in order, its rows' running numbers (or problems' reject numbers) carried on; and, if
    given, the load's id and position, when the spool's load was not yet numbered (`read_ahead`)."""
    for table, path in spool.files:
        column, shift = ("reject_number", problems_before) if table == REJECTS else ("_row_seq", rows_before)
        with pa.memory_map(path) as source:
            for batch in pa.ipc.open_stream(source):
                data = pa.Table.from_batches([batch])
                if shift:
                    at = data.schema.get_field_index(column)
                    shifted = pc.add(data.column(at), shift).cast(data.schema.field(at).type)
                    data = data.set_column(at, column, shifted)
                if load_id is not None:
                    data = _numbered(data, table, load_id, load_seq)
                yield table, data


def _numbered(data: pa.Table, table: str, load_id: str, load_seq: int | None) -> pa.Table:
    """The chunk's load id (and, for the rows, the load's position) set to the load's."""
    n = data.num_rows
    for name, value, kind in (("load_id" if table == REJECTS else "_load_id", load_id, pa.string()),
                              (None if table == REJECTS else "_load_seq", load_seq, pa.int32())):  # fmt: skip
        if name is not None:
            at = data.schema.get_field_index(name)
            data = data.set_column(at, name, pa.array([value] * n, data.schema.field(at).type or kind))
    return data


__all__ = ["Spool", "SpooledRead", "spooled_load", "stage_read", "staged_from"]
