"""The cscperf store: an embedded DuckDB database in the shape of the Standard Safeguarding Dataset."""
