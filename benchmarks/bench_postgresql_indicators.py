"""Each indicator's time on PostgreSQL against DuckDB, for a region-sized subset of the national store:
which indicators make PostgreSQL slower, and by how much (issue 15: 153 councils within 3x DuckDB's time).

The first N councils of the national profiles (benchmarks/bench_synth.py's, seed 2019) are generated into a
DuckDB file, copied into PostgreSQL with `cscperf db export` / `db import`, and every indicator is computed
alone for 60 months on each, in a fresh process per engine. Printed: each indicator's seconds on both and the
ratio, worst first, and the whole library's.

    python benchmarks/bench_postgresql_indicators.py --councils 16
    python benchmarks/bench_postgresql_indicators.py --server-url postgresql://...  # a running server

An existing DuckDB store instead (opened read only; exported and imported into a new database of the
server, the times of both printed), or an existing PostgreSQL store as well; `--library-only` times the
whole library alone, each engine once, back to back (the national figure of docs/postgresql.md):

    python benchmarks/bench_postgresql_indicators.py --duckdb benchmarks/output/national.duckdb --library-only
    python benchmarks/bench_postgresql_indicators.py --duckdb FILE --postgresql postgresql://.../national

`--indicator ID` (repeatable) times only those indicators, each the best of three runs, and not the library:

    python benchmarks/bench_postgresql_indicators.py --duckdb FILE --postgresql URL --indicator contact_conversion

PostgreSQL computes the councils in CSCPERF_PG_SESSIONS sessions side by side (2 unless set); `--sessions 1 2
4` times it with each number in turn (the first for each indicator's time):

    python benchmarks/bench_postgresql_indicators.py --duckdb F --postgresql URL --library-only --sessions 1 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SESSIONS_VARIABLE = "CSCPERF_PG_SESSIONS"  # cscperf.indicators.sessions
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_AT = dt.date(2024, 3, 31)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def timings(db: str, library_only: bool = False, only: list[str] | None = None) -> dict[str, float]:
    """Each indicator alone (unless `library_only`), then the library, for 60 months (in this process); or
    only the indicators `only`, each the best of three runs."""
    from cscperf.indicators.definition import load_library
    from cscperf.indicators.engine import compute
    from cscperf.indicators.series import series_periods
    from cscperf.store.database import open_store

    out: dict[str, float] = {}
    with open_store(db, read_only=True) as con:
        periods = series_periods(AS_AT, 60)
        compute(con, periods, ids=[next(iter(load_library()))])  # warm: caches, translations
        for kpi in only or []:
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                compute(con, periods, ids=[kpi])
                runs.append(time.perf_counter() - started)
            out[kpi] = min(runs)
        if only:
            return out
        for kpi in [] if library_only else load_library():
            started = time.perf_counter()
            compute(con, periods, ids=[kpi])
            out[kpi] = time.perf_counter() - started
        started = time.perf_counter()
        compute(con, periods)
        out["(whole library)"] = time.perf_counter() - started
    return out


def make_stores(folder: Path, server_url: str, councils: int) -> tuple[str, str]:
    from cscperf.synth.many import council_profiles
    from cscperf.synth.profile import default_profile
    from cscperf.synth.runner import synthesise

    duck = folder / f"region{councils}.duckdb"
    pg = server_url.rsplit("/", 1)[0] + f"/region{councils}"
    if duck.exists():
        return str(duck), pg
    profiles = council_profiles(default_profile(), 153, 2019)[:councils]
    synthesise(duck, profiles, seed=2019, years=5, jobs=2, replace=False)
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS region{councils}")  # type: ignore[arg-type]
        con.execute(f"CREATE DATABASE region{councils}")  # type: ignore[arg-type]
    export = folder / f"region{councils}-export"
    for args in (["db", "export", str(export), "--db", str(duck)], ["db", "import", str(export), "--db", pg]):
        subprocess.run([sys.executable, "-m", "cscperf", *args], check=True, capture_output=True, cwd=ROOT)
    return str(duck), pg


def copy_store(folder: Path, server_url: str, duck: Path) -> str:
    """The DuckDB store `duck` exported (read only) and imported into a new database of the server, named
    after the file; the time of each printed."""
    import psycopg

    name = "".join(c for c in duck.stem.lower() if c.isalnum() or c == "_") or "store"
    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")  # type: ignore[arg-type]
        con.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    pg = server_url.rsplit("/", 1)[0] + f"/{name}"
    export = folder / f"{name}-export"
    for what, args in (("export", ["db", "export", str(export), "--db", str(duck)]),
                       ("import", ["db", "import", str(export), "--db", pg])):  # fmt: skip
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cscperf", *args], check=True, capture_output=True, cwd=ROOT)
        print(f"{what}: {time.perf_counter() - started:.0f} s; {_load()}", flush=True)
    return pg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--councils", type=int, default=16)
    parser.add_argument("--server-url", help="a running PostgreSQL server (default: a throwaway one)")
    parser.add_argument("--folder", type=Path, help="where the DuckDB file is kept (default: temporary)")
    parser.add_argument("--duckdb", type=Path, help="an existing DuckDB store (opened read only) instead of N councils")
    parser.add_argument("--postgresql", help="an existing PostgreSQL store holding the same data as --duckdb")
    parser.add_argument("--library-only", action="store_true", help="only the whole library, not each indicator")
    parser.add_argument("--indicator", action="append", help="time only this indicator (best of 3); repeatable")
    parser.add_argument(
        "--sessions",
        type=int,
        nargs="+",
        default=[2],
        metavar="N",
        help="PostgreSQL timed with each number of sessions (CSCPERF_PG_SESSIONS; default 2)",
    )
    parser.add_argument("--time", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time:
        print(json.dumps(timings(args.time, args.library_only, args.indicator)))
        return
    if args.postgresql and not args.duckdb:
        parser.error("--postgresql needs --duckdb (the same data in each)")
    sys.path.insert(0, str(ROOT))
    from tests.postgres_server import running_server

    with tempfile.TemporaryDirectory(prefix="cscperf-bench-pgi-") as tmp:
        folder = args.folder or Path(tmp)
        if args.server_url or args.postgresql:
            _run(folder, args.server_url or "", args)
        else:
            with running_server(durable=True) as server:
                _run(folder, server.url(), args)


def _run(folder: Path, server_url: str, args: argparse.Namespace) -> None:
    if args.duckdb:
        duck, pg = str(args.duckdb), args.postgresql or copy_store(folder, server_url, args.duckdb)
        print(f"{args.duckdb.name}; {_load()}", flush=True)
    else:
        duck, pg = make_stores(folder, server_url, args.councils)
        print(f"{args.councils} councils; {_load()}", flush=True)
    found: dict[str, dict[str, Any]] = {}
    runs = [("duckdb", duck, None)] + [(f"postgresql, {n} session{'s' if n > 1 else ''}", pg, n) for n in args.sessions]
    for engine, db, sessions in runs:
        command = [sys.executable, __file__, "--time", db, *(["--library-only"] if args.library_only else [])]
        command += [f"--indicator={kpi}" for kpi in args.indicator or []]
        env = {**os.environ, **({SESSIONS_VARIABLE: str(sessions)} if sessions else {})}
        out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT, env=env)
        found[engine] = json.loads(out.stdout.strip().splitlines()[-1])
        library = found[engine].get("(whole library)")
        ratio = f" ({library / found['duckdb']['(whole library)']:.1f}x DuckDB)" if sessions and library else ""
        print(f"{engine}: " + (f"whole library {library:.1f} s{ratio}; " if library else "") + _load(), flush=True)
    found["postgresql"] = found[runs[1][0]]  # each indicator: PostgreSQL with the first number of sessions
    rows = [(k, found["duckdb"][k], found["postgresql"][k]) for k in found["duckdb"]]
    rows.sort(key=lambda r: r[2] - r[1], reverse=True)
    print(f"{'indicator':<36} {'DuckDB s':>9} {'PG s':>8} {'ratio':>6} {'PG-Duck':>8}")
    for kpi, d, p in rows:
        print(f"{kpi:<36} {d:>9.2f} {p:>8.2f} {p / d if d else float('nan'):>6.1f} {p - d:>8.2f}")
    print(_load(), flush=True)


if __name__ == "__main__":
    main()
