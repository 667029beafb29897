"""`cscperf benchmarks import DIR`: read every published file in a folder and store it, atomically.

Importing the same files again replaces what they gave before (nothing is doubled); a file that is recognised
but not as expected stops the whole import with a message naming it, and the store is left as it was.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from cscperf.comparators.reading import FileResult, Neighbour, PublishedValue, cp_rates, read_published_file
from cscperf.errors import DataProblem
from cscperf.store.connection import Connection
from cscperf.store.statements import run


@dataclass
class ImportSummary:
    files: list[tuple[str, str, int, str]] = field(default_factory=list)  # (file, kind, figures, note)
    values: int = 0
    suppressed: int = 0
    neighbours: Counter[str] = field(default_factory=Counter)
    indicators: Counter[str] = field(default_factory=Counter)


def import_published(con: Connection, folder: Path, on_file: Callable[[Path], None] | None = None) -> ImportSummary:
    """Read the published files under `folder` and store their figures and neighbour lists."""
    if not folder.is_dir():
        raise DataProblem(f"{folder} is not a folder of published statistics.")
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    results: list[FileResult] = []
    for path in paths:
        result = read_published_file(path)
        if result is not None:
            results.append(result)
        if on_file:
            on_file(path)
    population: dict[tuple[str, int], float] = {}
    for r in results:
        population.update(r.population)
    values: list[PublishedValue] = []
    neighbours: dict[tuple[str, str, int], Neighbour] = {}
    summary = ImportSummary()
    for r in results:
        found = r.values + (cp_rates(r, population) if r.cp_counts and population else [])
        values.extend(found)
        for n in r.neighbours:
            neighbours.setdefault((n.model, n.la_code, n.rank), n)
        note = r.note or ("" if found or r.neighbours or r.population else "nothing cscperf compares")
        summary.files.append((str(r.path.relative_to(folder)), r.kind, len(found) + len(r.neighbours), note))
    if not values and not neighbours:
        raise DataProblem(f"No published statistics cscperf can use were found in {folder}.")
    summary.values = len(values)
    summary.suppressed = sum(1 for v in values if v.value is None)
    summary.indicators = Counter(v.indicator_id for v in values)
    summary.neighbours = Counter(n.model for n in neighbours.values())
    _store(con, values, list(neighbours.values()))
    return summary


def _store(con: Connection, values: list[PublishedValue], neighbours: list[Neighbour]) -> None:
    value_table = pa.Table.from_pylist([dataclasses.asdict(v) for v in values]) if values else None
    sn_table = pa.Table.from_pylist([dataclasses.asdict(n) for n in neighbours]) if neighbours else None
    run(con, "BEGIN TRANSACTION")
    try:
        if value_table is not None:
            con.register("published_values", value_table)
            run(con, "DELETE FROM cscperf_benchmark_values WHERE source_file IN "
                     "(SELECT DISTINCT source_file FROM published_values)")  # fmt: skip
            columns = ", ".join(value_table.column_names)
            run(con, f"INSERT INTO cscperf_benchmark_values ({columns}) SELECT DISTINCT ON (indicator_id, area_code, "
                     f"year, source_file, source_measure) {columns} FROM published_values")  # fmt: skip
            con.unregister("published_values")
        if sn_table is not None:
            con.register("published_neighbours", sn_table)
            run(con, "DELETE FROM cscperf_statistical_neighbours WHERE model IN "
                     "(SELECT DISTINCT model FROM published_neighbours)")  # fmt: skip
            con.append("cscperf_statistical_neighbours", sn_table)
            con.unregister("published_neighbours")
        run(con, "COMMIT")
    except BaseException:
        run(con, "ROLLBACK")
        raise
