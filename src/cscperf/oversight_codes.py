"""The codes cscperf's oversight records use (cscperf_visit_missed, cscperf_cp_oversight), their plain words,
and how values councils send are read as codes. Shared by the loaders and the managers' lists."""

from __future__ import annotations

from collections.abc import Mapping

VISIT_KINDS: dict[str, str] = {"cp": "child protection visit", "cla": "looked-after visit"}
# Why a visit did not take place or the child was not seen.
MISSED_REASONS: dict[str, str] = {
    "family_not_available": "family not available",
    "avoiding_visit": "family avoiding the visit",
    "worker_absent": "worker absent",
    "rearranged": "visit rearranged",
    "other": "other reason",
}
OVERSIGHT_TYPES: dict[str, str] = {
    "senior_manager_review": "senior manager review",
    "legal_planning_meeting": "legal planning meeting",
}
# What a senior-manager review or legal planning meeting decided.
OVERSIGHT_OUTCOMES: dict[str, str] = {
    "continue_plan": "plan to continue",
    "step_down": "step down considered",
    "legal_planning_meeting": "referred to a legal planning meeting",
    "pre_proceedings": "pre-proceedings under the Public Law Outline",
    "care_proceedings": "care proceedings",
    "other": "other decision",
}
# Other ways councils write the same things (lower case, spaces for underscores and hyphens).
SYNONYMS: dict[str, str] = {
    "child protection": "cp", "cpp": "cp", "looked after": "cla", "cic": "cla", "lac": "cla",
    "family unavailable": "family_not_available", "no access": "family_not_available",
    "not at home": "family_not_available",
    "avoiding": "avoiding_visit", "avoidance": "avoiding_visit", "family avoiding": "avoiding_visit",
    "worker sick": "worker_absent", "worker unavailable": "worker_absent", "staff absence": "worker_absent",
    "rescheduled": "rearranged", "rearranged visit": "rearranged",
    "smr": "senior_manager_review", "senior manager": "senior_manager_review",
    "lpm": "legal_planning_meeting", "legal planning": "legal_planning_meeting",
    "legal gateway": "legal_planning_meeting",
    "plo": "pre_proceedings", "pre proceedings": "pre_proceedings", "issue proceedings": "care_proceedings",
    "continue": "continue_plan", "step down": "step_down",
}  # fmt: skip


def _plain(value: object) -> str:
    return " ".join(str(value).strip().lower().replace("_", " ").replace("-", " ").split())


def code_of(value: object, known: Mapping[str, str]) -> str | None:
    """A value as one of the known codes (the code, its words or a usual synonym, in any case and spacing:
    "Family not available" -> family_not_available); None when empty or not recognised."""
    if value is None:
        return None
    text = _plain(value)
    if not text:
        return None
    for code, words in known.items():
        if text in (_plain(code), _plain(words)):
            return code
    synonym = SYNONYMS.get(text)
    return synonym if synonym in known else None
