"""Benchmark: generate one synthetic council, and 153 councils (England's number), 5 years each.

Prints rows per table, seconds and peak memory for each run. Each run is a fresh process writing a fresh
store in benchmarks/output/, so the figures do not carry over from one run to the next.

    python benchmarks/bench_synth.py                 # both runs (the national one takes minutes)
    python benchmarks/bench_synth.py --only one      # just one council
    python benchmarks/bench_synth.py --councils 20   # a smaller "national" run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "output"


def run_scenario(name: str, councils: int, years: int, jobs: int, seed: int) -> dict[str, object]:
    """Run one scenario in this process and return its figures."""
    from cscperf.synth.many import council_profiles
    from cscperf.synth.profile import default_profile
    from cscperf.synth.runner import synthesise

    OUTPUT.mkdir(parents=True, exist_ok=True)
    db = OUTPUT / f"{name}.duckdb"
    for leftover in (db, db.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    base = default_profile()
    profiles = [base] if councils == 0 else council_profiles(base, councils, seed)
    started = time.perf_counter()
    totals = synthesise(db, profiles, seed=seed, years=years, jobs=jobs, replace=False)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    children = sum(p.council.population_0_17 for p in profiles)
    return {
        "scenario": name,
        "councils": len(profiles),
        "children_0_17": children,
        "years": years,
        "jobs": jobs,
        "seconds": round(seconds, 1),
        "rows": sum(totals.values()),
        "rows_per_second": round(sum(totals.values()) / seconds),
        "peak_rss_main_mb": round(own),
        "peak_rss_worker_mb": round(worker),
        "store_mb": round(db.stat().st_size / 2**20, 1),
        "rows_per_table": dict(sorted(totals.items())),
    }


def report(result: dict[str, object]) -> None:
    print(
        f"\n== {result['scenario']}: {result['councils']} council(s), {result['children_0_17']:,} children "
        f"aged 0-17, {result['years']} years, {result['jobs']} process(es)"
    )
    print(
        f"   {result['seconds']} s, {result['rows']:,} rows ({result['rows_per_second']:,} rows/s), "
        f"peak memory {result['peak_rss_main_mb']} MB main / {result['peak_rss_worker_mb']} MB worker, "
        f"store {result['store_mb']} MB"
    )
    rows = result["rows_per_table"]
    assert isinstance(rows, dict)
    width = max(len(t) for t in rows)
    for table, n in rows.items():
        print(f"   {table:<{width}}  {n:>12,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("one", "national", "both"), default="both")
    parser.add_argument("--councils", type=int, default=153)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.scenario:  # child process: run one scenario, print JSON
        councils = 0 if args.scenario == "one" else args.councils
        print(json.dumps(run_scenario(args.scenario, councils, args.years, args.jobs, args.seed)))
        return

    scenarios = ("one", "national") if args.only == "both" else (args.only,)
    for name in scenarios:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--scenario",
                name,
                "--councils",
                str(args.councils),
                "--years",
                str(args.years),
                "--jobs",
                str(args.jobs),
                "--seed",
                str(args.seed),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        report(json.loads(out.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
