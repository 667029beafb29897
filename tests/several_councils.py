"""A store of several small synthetic councils of different sizes (codes 001 to 003, as the national
benchmark's), for tests of what the indicator engine does with more than one council: each council read on
its own, and councils computed side by side in several sessions of a PostgreSQL store."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache

from cscperf.indicators.engine import Result
from cscperf.store.connection import Connection
from cscperf.synth.council import SyntheticCouncil, simulate_council
from cscperf.synth.profile import default_profile
from cscperf.synth.writer import write_council

AS_AT = dt.date(2024, 3, 31)
COUNCILS = (("001", 8_000, 7), ("002", 5_000, 8), ("003", 3_000, 9))  # code, children 0-17, seed


@lru_cache(maxsize=1)
def several_councils() -> tuple[SyntheticCouncil, ...]:
    base = default_profile()
    return tuple(
        simulate_council(
            base.scaled(la_code=code, la_name=f"Council {code}", population_0_17=size, region=base.council.region),
            seed,
            5,
        )
        for code, size, seed in COUNCILS
    )


def write_several(con: Connection) -> Connection:
    for council in several_councils():
        write_council(con, council, replace=False)
    return con


Point = tuple[object, ...]


def points(results: list[Result]) -> dict[str, list[Point]]:
    """Each indicator's points as plain tuples (every field), in the order computed."""
    return {r.indicator.id: [dataclasses.astuple(p) for p in r.points] for r in results}
