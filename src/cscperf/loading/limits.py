"""Bounds on what one load may cost, with defaults that a council's largest real files sit well inside,
each changeable by an environment variable (and the memory limit by `--memory-limit` too):

- `CSCPERF_MAX_UNZIPPED_MB` (default 512): what one xlsx workbook may unzip to, all its parts together. A zip
  bomb's 3 GB of whitespace is refused; a large council's Annex A unzips to under 100 MB.
- `CSCPERF_MAX_SHEET_CELLS` (default 5,000,000): the cells of one sheet from A1 to its last cell holding a
  value (a stray value at XFD1048576 would make 17 billion), and the workbook's number of shared strings.
- `CSCPERF_MAX_SHEET_TEXT_MB` (default 256): the text one sheet's cells hold, and the workbook's shared
  strings (a shared string repeated in a million cells is a million copies once read).
- `CSCPERF_MEMORY_LIMIT` (default 1GB): the memory DuckDB may use while a load stages and merges, spilling to
  disk beyond it (DuckDB's own default is 80% of the machine's memory).

A value that is not a positive whole number (or, for the memory limit, a size such as `2GB` or `512MB`) is
refused before anything is read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from cscperf.errors import UsageProblem

MB = 1 << 20
MEMORY_VARIABLE = "CSCPERF_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WorkbookLimits:
    max_unzipped_bytes: int = 512 * MB
    max_sheet_cells: int = 5_000_000
    max_sheet_text_bytes: int = 256 * MB


def _whole(variable: str, default: int) -> int:
    text = os.environ.get(variable)
    if text is None or not text.strip():
        return default
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned.isdigit() or int(cleaned) <= 0:
        raise UsageProblem(f"The environment variable {variable} must be a whole number above 0, not {text[:20]!r}.")
    return int(cleaned)


def workbook_limits() -> WorkbookLimits:
    """The limits in force: the defaults, or the environment's."""
    default = WorkbookLimits()
    return WorkbookLimits(
        _whole("CSCPERF_MAX_UNZIPPED_MB", default.max_unzipped_bytes // MB) * MB,
        _whole("CSCPERF_MAX_SHEET_CELLS", default.max_sheet_cells),
        _whole("CSCPERF_MAX_SHEET_TEXT_MB", default.max_sheet_text_bytes // MB) * MB,
    )


def memory_limit(given: str | None = None) -> str:
    """The memory DuckDB may use: `--memory-limit`, else CSCPERF_MEMORY_LIMIT, else 1GB; as DuckDB writes it."""
    text = given if given is not None else os.environ.get(MEMORY_VARIABLE) or DEFAULT_MEMORY_LIMIT
    match = _SIZE.match(text)
    if match is None or float(match.group(1)) <= 0:
        raise UsageProblem(f"The memory limit must be a size such as 2GB or 512MB, not {text[:20]!r}.")
    return f"{match.group(1)}{match.group(2).upper().replace('IB', 'iB')}"


def megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB"
