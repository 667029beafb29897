"""Indicator ids as people type them: a mistyped id is refused with the nearest ids offered."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from cscperf.errors import UsageProblem
from cscperf.indicators.definition import load_library


def suggestion(wanted: str, known: Collection[str]) -> str:
    """ " Did you mean cp_visits_in_time?" for a near miss (with the next nearest, if any, in brackets), or ""
    when nothing is close."""
    close = difflib.get_close_matches(wanted.strip().lower(), list(known), n=3, cutoff=0.6)
    if not close:
        return ""
    others = f" (or {', '.join(close[1:])})" if close[1:] else ""
    return f" Did you mean {close[0]}?{others}"


def indicator_ids(ids: Iterable[str] | None) -> list[str] | None:
    """The ids asked for, each checked against the library, in the order given without repeats; None when
    none were asked for (meaning all)."""
    wanted = list(dict.fromkeys(ids or ()))
    if not wanted:
        return None
    known = load_library().keys()
    for indicator_id in wanted:
        if indicator_id not in known:
            raise UsageProblem(
                f"There is no indicator {indicator_id!r}.{suggestion(indicator_id, known)} "
                "`cscperf kpis list` shows the library."
            )
    return wanted
