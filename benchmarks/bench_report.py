"""Time `cscperf report` for the default synthetic council: seconds per step and format, and peak memory.

    python benchmarks/bench_report.py [--db STORE] [--as-at 2026-10-31] [--formats docx,pdf,html,xlsx]

Without --db it generates the default council (seed 2019) into a temporary store first (not timed). Aim: the
whole report in under 6 s on 2 cores (issue 19). The charts are cached by content in a fresh, empty folder:
runs 1 and 2 draw every chart without the cache (as before it existed; run 1 also pays one-off start-up costs),
run 3 with the cache empty (drawing and keeping), run 4 with it warm (as a council writing its report again
does). The writers are imported before the first run, so that the runs compare like with like.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

# The report's modules are imported in main(), not here: the second process runs this file again as it starts
# ("spawn") and, like `cscperf report`'s, should load only what laying out the PDF needs.


def _store(folder: Path) -> Path:
    from cscperf.synth.profile import default_profile
    from cscperf.synth.runner import synthesise

    db = folder / "bench.duckdb"
    synthesise(db, [default_profile()], seed=2019, years=5, jobs=1, replace=True)
    return db


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    from cscperf.report import charts
    from cscperf.report.writer import FORMATS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--as-at", default="2026-10-31")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="2: the PDF in a second process (default); 3: the PDF in two parts, one in each process; 1: serial",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = args.db or _store(folder)
        _import_writers()
        for run, cache in enumerate(("off", "off", "empty", "warm"), start=1):
            os.environ["CSCPERF_CHART_CACHE"] = "off" if cache == "off" else str(folder / "chart-cache")
            charts._remembered_svg.cache_clear()  # this process's memory of charts drawn: each run starts without
            first = " (the first in this process: one-off start-up costs)" if run == 1 else ""
            print(f"Run {run} of 4, chart cache {cache}{first}:")
            _run(db, args, folder / f"out-{run}")


def _import_writers() -> None:
    import weasyprint  # noqa: F401

    from cscperf.report import docx, html, pdf, xlsx  # noqa: F401


def _run(db: Path, args: argparse.Namespace, out: Path) -> None:
    from cscperf.report.commentary import Commentary
    from cscperf.report.config import ReportConfig
    from cscperf.report.writer import write_report

    formats = tuple(args.formats.split(","))
    start, cpu_start = time.perf_counter(), _cpu()
    written = write_report(db, dt.date.fromisoformat(args.as_at), out, ReportConfig(), Commentary(),
                           formats, jobs=args.jobs)  # fmt: skip
    total, cpu = time.perf_counter() - start, _cpu() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"Report for {written.content.council_name} as at {args.as_at}, {len(written.content.charts)} charts, "
          f"jobs={args.jobs} (wall-clock seconds; with jobs=2 the PDF overlaps Word, HTML and Excel):")  # fmt: skip
    for step, seconds in written.seconds.items():
        size = ""
        if step in written.paths:
            size = f"  ({written.paths[step].stat().st_size / 1024:,.0f} KB)"
        print(f"  {step:<8} {seconds:6.2f} s{size}")
    print(
        f"  {'total':<8} {total:6.2f} s  (CPU {cpu:.1f} s in all processes; load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(f"Peak memory (resident): {peak_mb:,.0f} MB" + (f"; second process {child_mb:,.0f} MB" if child_mb else ""))


if __name__ == "__main__":
    main()
