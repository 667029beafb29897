"""Generate synthetic councils and write them into a store: the one path used by `cscperf synth` and the
benchmarks. Councils are simulated in worker processes while the main process writes finished ones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cscperf.errors import UsageProblem
from cscperf.store.database import open_store
from cscperf.store.statements import run
from cscperf.synth.council import SyntheticCouncil, simulate_council
from cscperf.synth.profile import Profile
from cscperf.synth.writer import council_exists, write_council


def synthesise(
    db: str | Path,
    profiles: list[Profile],
    *,
    seed: int,
    years: int,
    jobs: int,
    replace: bool,
    on_council: Callable[[SyntheticCouncil], None] | None = None,
) -> dict[str, int]:
    """Simulate each profile's council and write it to the store; returns rows written per table."""
    con = open_store(db)
    try:
        if not replace:
            clash = [p.council.la_code for p in profiles if council_exists(con, p.council.la_code)]
            if clash:
                more = f" and {len(clash) - 1} more" if len(clash) > 1 else ""
                raise UsageProblem(
                    f"The store {db} already holds council {clash[0]}{more}. "
                    "Use --replace to generate again, or choose another --db."
                )
        totals: dict[str, int] = {}
        if len(profiles) > 1 and con.engine == "duckdb":
            # Many councils: write each in its own transaction but checkpoint once at the end, not after
            # every council (each checkpoint rewrites the growing tables' metadata).
            run(con, "SET checkpoint_threshold = '2GB'")
        for council in simulated(profiles, seed, years, jobs):
            write_council(con, council, replace=replace)
            for table, n in council.row_counts.items():
                totals[table] = totals.get(table, 0) + n
            if on_council is not None:
                on_council(council)
        if con.engine == "duckdb":
            run(con, "CHECKPOINT")
        return totals
    finally:
        con.close()


def simulated(profiles: list[Profile], seed: int, years: int, jobs: int) -> Iterator[SyntheticCouncil]:
    """Councils in the order given, simulated by up to `jobs` processes."""
    if jobs <= 1 or len(profiles) <= 1:
        for profile in profiles:
            yield simulate_council(profile, seed, years)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(simulate_council, profiles, [seed] * len(profiles), [years] * len(profiles))
