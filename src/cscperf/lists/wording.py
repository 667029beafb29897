"""The words the lists use: recorded codes in plain English, dates as managers write them, and each list's
row templates (Jinja2, declared in the list's YAML) turned into text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2

from cscperf.oversight_codes import MISSED_REASONS, OVERSIGHT_OUTCOMES, code_of

NOT_RECORDED = "no reason recorded"


def reason_code(value: object) -> str | None:
    """A recorded reason as its code; one cscperf does not know counts as "other"; None if none recorded."""
    if value is None or not str(value).strip():
        return None
    return code_of(value, MISSED_REASONS) or "other"


def reason_words(value: object) -> str:
    code = reason_code(value)
    return MISSED_REASONS[code] if code else NOT_RECORDED


def outcome_code(value: object) -> str | None:
    if value is None or not str(value).strip():
        return None
    return code_of(value, OVERSIGHT_OUTCOMES) or "other"


def outcome_words(value: object) -> str:
    code = outcome_code(value)
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
