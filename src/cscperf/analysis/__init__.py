"""Analysis of series the indicator engine (or an analyst) provides: pure functions, no store, no I/O."""
