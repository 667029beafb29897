"""Many synthetic councils at once (for national-scale benchmarks): sizes like England's councils."""

from __future__ import annotations

import math
import random

from cscperf.synth.profile import Profile

REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "Inner London",
    "Outer London",
    "South East",
    "South West",
)


def council_profiles(base: Profile, count: int, seed: int) -> list[Profile]:
    """`count` councils scaled from `base`, with 0-17 populations spread as England's are
    (median about 55,000, from about 10,000 to about 280,000). Codes are 001, 002, ... which no real
    council uses, so synthetic councils never pass for real ones."""
    rng = random.Random(f"councils:{seed}")
    profiles = []
    for i in range(1, count + 1):
        population = int(min(290_000, max(8_000, math.exp(rng.gauss(math.log(55_000), 0.6)))))
        code = f"{i:03d}"
        profiles.append(
            base.scaled(
                la_code=code,
                la_name=f"Synthetic council {code}",
                population_0_17=population,
                region=REGIONS[(i - 1) % len(REGIONS)],
            )
        )
    return profiles
