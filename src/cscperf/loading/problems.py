"""A problem found in a file: where it is, what is wrong, how serious it is.

Severity `fatal` means the record was rejected (kept, as read, in `cscperf_load_rejects`); `error` and
`warning` mean the record was loaded but something in it is wrong or doubtful. Messages are for the
data-quality report, which may show child identifiers; the command line shows only counts by rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["fatal", "error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("fatal", "error", "warning")


@dataclass(frozen=True)
class Problem:
    """One problem with one record (or one field of it)."""

    location: str  # "cin-2022.xml:57", "SSDA903_2020_episodes.csv:12", "List 3!F17"
    rule: str  # short name of the rule broken, e.g. "date not valid", "unknown code"
    message: str  # plain English
    severity: Severity = "fatal"
    target_table: str | None = None
    field_name: str | None = None
    field_value: str | None = None
    raw_record: dict[str, Any] | None = field(default=None, compare=False)


def wrong_field_count(location: str, values: list[str], names: list[str], target_table: str) -> Problem:
    """A CSV line with more or fewer fields than its header: refused whole, with the line as it was read."""
    return Problem(location, "wrong number of fields",
                   f"The line has {len(values)} fields; the header has {len(names)}.", "fatal", target_table,
                   raw_record={"line": ",".join(values)[:2000]})  # fmt: skip
