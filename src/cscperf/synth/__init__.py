"""The synthetic council: children's journeys through the system, simulated, for demos, tests and benchmarks."""
