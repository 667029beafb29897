"""Public reference data shipped with cscperf (no child's data): the DfE's codes for English councils."""
