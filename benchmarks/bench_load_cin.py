"""Benchmark: load a large generated CIN Census XML file (at least 100 MB) and one 10 times smaller.

The files are made from the synthetic council's 2024-25 census (the test suite's writer), its children repeated
under new identifiers until the file is big enough, and written to a temporary folder (never the repository).
Each load runs in a fresh process into a fresh store; for each it prints MB/s, rows/s and the process's peak
memory (ru_maxrss). Four kinds of run:

- floor: a bare lxml iterparse of the file that builds nothing (every end event, each Child cleared as the
  loader clears it): what the machine allows, which the load is compared with (issue 19 aims at 3x);
- parse: the CIN reader alone, rows made into Arrow tables and thrown away (the loader's own memory: lxml
  iterparse, cleared as it goes);
- load: the whole `cscperf load` path (rows staged in DuckDB temporary tables, then merged into the store);
  a file of 16 MB or more is read in two halves at once, the second by a second process (`cin_halves`), whose
  CPU time is counted with the load's and whose peak memory is printed beside it;
- load, one stream: the same with the file read as one stream (as before the halves), for comparison;
- load --memory-limit: the same with DuckDB's memory_limit set, so its buffers spill to disk.

    python benchmarks/bench_load_cin.py                    # 100 MB and 10 MB
    python benchmarks/bench_load_cin.py --mb 20            # smaller, quicker
    python benchmarks/bench_load_cin.py --memory-limit 256MB
    python benchmarks/bench_load_cin.py --files big.xml small.xml   # two census files already made

The load's time against the floor's (the ratio) is printed for each file, wall and CPU (the process's CPU time,
DuckDB's threads included): ratios within one run are what count on a shared machine, and the CPU ratio is the
steadier of the two when other work is running.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LA = "874"
YEAR = 2025


def make_file(folder: Path, megabytes: float) -> Path:
    """A census file of about `megabytes` MB: the synthetic council's children, repeated with new ids."""
    sys.path.insert(0, str(ROOT))
    from tests.cin_census_writer import census_children, renamed, write_census

    from cscperf.store.database import open_store
    from cscperf.synth.council import simulate_council
    from cscperf.synth.profile import default_profile
    from cscperf.synth.writer import write_council

    store = folder / "synthetic.duckdb"
    if not store.exists():
        con = open_store(store)
        write_council(con, simulate_council(default_profile(), 2019, 5), replace=False)
        con.close()
    con = open_store(store, read_only=True)
    children = census_children(con, LA, YEAR, sex_era=True)
    con.close()
    one = folder / "one.xml"
    write_census(one, children, la_code=LA, year=YEAR)
    copies = max(1, round(megabytes * 2**20 / one.stat().st_size))
    path = folder / f"cin_{megabytes:g}mb.xml"
    stream = itertools.chain.from_iterable(renamed(children, f"-{n}") for n in range(copies))
    write_census(path, stream, la_code=LA, year=YEAR)
    return path


def run(kind: str, path: Path, memory_limit: str | None) -> dict[str, Any]:
    """One run in this process (called in a fresh child process)."""
    from cscperf.loading import cin_census
    from cscperf.loading.file_load import FileLoad
    from cscperf.loading.session import load_files
    from cscperf.store.database import open_store

    started, cpu_started = time.perf_counter(), cpu_time()
    if kind == "load, one stream":
        from cscperf.loading import cin_cut

        cin_cut.SPLIT_FROM_BYTES = 2**62
    if kind == "floor":
        rows = read = bare_iterparse(path)
    elif kind == "parse":

        class Discard:
            def __init__(self) -> None:
                self.tables: set[str] = set()

            def table(self, name: str) -> Any:
                from cscperf.store.schema import load_schema

                return load_schema().table(name)

            def append(self, name: str, rows: Any) -> None:
                pass

        load = FileLoad(path, "cin_census", "bench", 1, Discard())  # type: ignore[arg-type,unused-ignore]
        cin_census.read(path, load)
        load.flush()
        rows, read = load.records_loaded, load.records_read
    else:
        db = path.with_suffix(f".{kind}.duckdb")
        for leftover in (db, db.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)
        con = open_store(db)
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
            con.execute(f"SET temp_directory = '{path.parent / 'duckdb_spill'}'")
        started, cpu_started = time.perf_counter(), cpu_time()  # the load itself, in a store already made
        summary = load_files(con, [path])
        seconds, cpu_seconds = time.perf_counter() - started, cpu_time() - cpu_started
        con.close()
        [file] = summary.files
        rows, read = file.loaded, file.read
        db.unlink(missing_ok=True)
    if not kind.startswith("load"):
        seconds, cpu_seconds = time.perf_counter() - started, cpu_time() - cpu_started
    mb = path.stat().st_size / 2**20
    return {
        "kind": kind if not memory_limit else f"{kind} (memory_limit {memory_limit})",
        "file_mb": round(mb, 1),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "mb_per_s": round(mb / seconds, 2),
        "rows": rows,
        "records_read": read,
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": peak_memory_mb(),
        "second_process_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def cpu_time() -> float:
    """This process's CPU time (every thread), and that of the processes it started and has waited for (the
    second half of a CIN Census file)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def bare_iterparse(path: Path) -> int:
    """The floor: lxml's iterparse over the whole file, building nothing (each Child freed as it ends)."""
    from lxml import etree

    elements = 0
    for _event, el in etree.iterparse(
        str(path), events=("end",), resolve_entities=False, no_network=True, huge_tree=True
    ):
        elements += 1
        if isinstance(el.tag, str) and el.tag.endswith("Child"):
            el.clear(keep_tail=False)
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
    return elements


def peak_memory_mb() -> int:
    """This process's peak resident memory: VmHWM on Linux (ru_maxrss there carries over from the parent
    across exec), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale / 1024)


def in_child(kind: str, path: Path, memory_limit: str | None) -> dict[str, Any]:
    args = [sys.executable, __file__, "--run", kind, "--path", str(path)]
    if memory_limit:
        args += ["--limit", memory_limit]
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=100.0, help="size of the large file in MB (default 100)")
    parser.add_argument("--memory-limit", default="256MB", help="DuckDB memory_limit for the limited runs")
    parser.add_argument(
        "--files",
        nargs=2,
        type=Path,
        metavar=("LARGE", "SMALL"),
        help="load these two census files (made by an earlier run, say) instead of generating them",
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--limit", help=argparse.SUPPRESS)
    parser.add_argument("--make", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # child process: generate a file (so the parent stays small)
        print(make_file(Path(args.path), float(args.make)))
        return
    if args.run:
        print(json.dumps(run(args.run, Path(args.path), args.limit)))
        return

    with tempfile.TemporaryDirectory(prefix="cscperf-bench-cin-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        large, small = args.files or (
            Path(
                subprocess.run(
                    [sys.executable, __file__, "--make", str(mb), "--path", str(folder)],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            for mb in (args.mb, args.mb / 10)
        )
        print(
            f"{'Given' if args.files else 'Generated'} {large.stat().st_size / 2**20:.1f} MB and "
            f"{small.stat().st_size / 2**20:.1f} MB CIN Census files ({time.perf_counter() - started:.0f} s)"
        )
        results = []
        kinds = (("floor", None), ("parse", None), ("load", None), ("load, one stream", None),
                 ("load", args.memory_limit))  # fmt: skip
        for kind, limit in kinds:
            for path in (large, small):
                result = in_child(kind, path, limit)
                results.append(result)
                print(
                    f"  {result['kind']:<32} {result['file_mb']:>7.1f} MB  {result['seconds']:>6.2f} s  "
                    f"(CPU {result['cpu_seconds']:>6.2f} s)  "
                    f"{result['mb_per_s']:>6.2f} MB/s  {result['rows']:>9,} rows  {result['rows_per_s']:>7,} rows/s  "
                    f"peak {result['peak_rss_mb']:>5} MB"
                    + (
                        f" (second process {result['second_process_peak_mb']} MB)"
                        if result["second_process_peak_mb"]
                        else ""
                    )
                )
        print("Against the floor (bare iterparse of the same file, this run):")
        floors = {r["file_mb"]: r for r in results if r["kind"] == "floor"}
        for result in results:
            floor = floors.get(result["file_mb"])
            if result["kind"] != "floor" and floor and floor["seconds"] and floor["cpu_seconds"]:
                print(f"  {result['kind']:<32} {result['file_mb']:>7.1f} MB  "
                      f"{result['seconds'] / floor['seconds']:>5.1f}x the floor (wall), "
                      f"{result['cpu_seconds'] / floor['cpu_seconds']:>5.1f}x (CPU, every thread)")  # fmt: skip
        print("Peak memory, large file vs 10x smaller:")
        for big, little in zip(results[::2], results[1::2], strict=True):
            print(f"  {big['kind']:<32} {big['peak_rss_mb']} MB vs {little['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
