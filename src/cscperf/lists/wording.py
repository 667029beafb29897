"""The words the lists use: recorded codes in plain English, dates as managers write them, and each list's
row templates (Jinja2, declared in the list's YAML) turned into text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2

# Why a visit did not take place or the child was not seen (cscperf_visit_missed.missed_reason).
MISSED_REASONS: dict[str, str] = {
    "family_not_available": "family not available",
    "avoiding_visit": "family avoiding the visit",
    "worker_absent": "worker absent",
    "rearranged": "visit rearranged",
    "other": "other reason",
}
# What a senior-manager review or legal planning meeting decided (cscperf_cp_oversight.oversight_outcome).
OVERSIGHT_OUTCOMES: dict[str, str] = {
    "continue_plan": "plan to continue",
    "step_down": "step down considered",
    "legal_planning_meeting": "referred to a legal planning meeting",
    "pre_proceedings": "pre-proceedings (Public Law Outline)",
    "care_proceedings": "care proceedings",
    "other": "other decision",
}
OVERSIGHT_TYPES: dict[str, str] = {
    "senior_manager_review": "senior manager review",
    "legal_planning_meeting": "legal planning meeting",
}
NOT_RECORDED = "no reason recorded"


def code_of(value: object, known: Mapping[str, str]) -> str | None:
    """A recorded value as one of the known codes: the code itself, or its words, in any case and spacing
    ("Family not available" -> family_not_available); None when empty; unknown values become "other"."""
    if value is None:
        return None
    text = " ".join(str(value).strip().lower().replace("_", " ").replace("-", " ").split())
    if not text:
        return None
    for code, words in known.items():
        if text in (code.replace("_", " "), words):
            return code
    return "other" if "other" in known else None


def reason_words(value: object) -> str:
    code = code_of(value, MISSED_REASONS)
    return MISSED_REASONS[code] if code else NOT_RECORDED


def outcome_words(value: object) -> str:
    code = code_of(value, OVERSIGHT_OUTCOMES)
    return OVERSIGHT_OUTCOMES[code] if code else "decision not recorded"


def date_words(value: object) -> str:
    """3 Mar 2024."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return "" if value is None else str(value)


def days_words(n: int, what: str = "day") -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, trim_blocks=True)
    env.filters["d"] = date_words
    env.filters["reason"] = reason_words
    env.filters["outcome"] = outcome_words
    env.filters["days"] = days_words
    return env


@lru_cache(maxsize=256)
def template(text: str) -> jinja2.Template:
    return _environment().from_string(" ".join(text.split()))


def render(text: str, values: Mapping[str, Any]) -> str:
    """A row template filled in with the row's values; empty templates give empty text."""
    if not text.strip():
        return ""
    return " ".join(template(text).render(values).split())
