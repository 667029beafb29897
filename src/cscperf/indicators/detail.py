"""The detail of a drill-down row split into fields: "visited 2026-03-20; previously seen 2026-03-03" is an
outcome, a visit date and the date the child was previously seen, so that an analyst can sort and filter on
them (dates as dates, counts as numbers), as ChAT's lists allow.

Each indicator's SQL writes its detail as text; the shapes below are those texts, one pattern each. A detail
that is a category (a contact's source, a category of abuse) has no fields and stays as it is.
`tests/test_drill_detail.py` checks every indicator's details against these patterns, so a new shape of detail
cannot go unsplit unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re

DATE = r"\d{4}-\d{2}-\d{2}"
NUMBER = r"-?\d+(?:\.\d+)?"
_D = f"(?:{DATE}|none|unknown)"

SHAPES = tuple(
    re.compile(p.replace("D", _D).replace("N", NUMBER))
    for p in (
        r"(?P<outcome>visited|visited, child not seen),? (?P<visited_on>D); previously seen (?P<previously_seen_on>D)",
        r"(?P<outcome>visited|visited, child not seen),? (?P<visited_on>D); due by (?P<due_on>D)",
        r"(?P<outcome>no visit in time); last seen (?:(?P<last_seen_on>D)"
        r"|never \(plan started (?P<plan_started_on>D)\)|never in this placement \(placed (?P<placed_on>D)\))",
        r"review (?P<review_number>N) held (?P<held_on>D), due by (?P<due_on>D)",
        r"(?P<outcome>reviewed in time|review held late|review overdue); (?:next )?review (?P<review_number>N) "
        r"\((?P<which_review>first after the ICPC|6 months after review N)\)(?: held (?P<held_on>D),)? "
        r"due by (?P<due_on>D)",
        r"(?P<outcome>review overdue); (?:review (?P<review_number>N) \((?P<which_review>first, 20 working days "
        r"after care began|(?:3|6) months after review N)\) due by (?P<due_on>D); )?last review (?P<last_review_on>D)",
        r"previous referral (?P<previous_referral_on>D)",
        r"(?P<working_days>N) working days(?: from referral)?",
        r"started (?P<started_on>D)",
        r"plan started (?P<plan_started_on>D)",
        r"(?P<days_on_plan>N) days on the plan",
        r"(?P<plan_days>N) days",
        r"in care since (?P<in_care_since>D)",
        r"ceased (?P<ceased_on>D)",
        r"(?P<placements_12m>N) placements? in 12 months",
        r"with current carer since (?P<carer_since>D)",
        r"last health assessment (?P<last_health_assessment_on>D)",
        r"last dental check (?P<last_dental_check_on>D)",
        r"last PEP (?P<last_pep_on>D)",
        r"(?P<health_assessments_12m>N) health assessments in 12 months",
        r"(?P<dental_checks_12m>N) dental checks in 12 months",
        r"(?P<cases>N) cases, FTE (?P<fte>N)",
        r"post FTE (?P<post_fte>N), employed FTE (?P<employed_fte>N)",
        r"(?P<outcome>left) (?P<left_on>D)",
    )
)

HEADINGS = {
    "outcome": "Outcome", "visited_on": "Visited on", "previously_seen_on": "Previously seen on",
    "due_on": "Due by", "last_seen_on": "Last seen on", "plan_started_on": "Plan started on",
    "placed_on": "Placed on", "review_number": "Review number", "which_review": "Which review", "held_on": "Held on",
    "last_review_on": "Last review on", "previous_referral_on": "Previous referral on",
    "working_days": "Working days", "started_on": "Started on", "days_on_plan": "Days on the plan",
    "plan_days": "Days the plan lasted", "in_care_since": "In care since", "ceased_on": "Ceased on",
    "placements_12m": "Placements in 12 months", "carer_since": "With current carer since",
    "last_health_assessment_on": "Last health assessment on", "last_dental_check_on": "Last dental check on",
    "last_pep_on": "Last PEP on", "health_assessments_12m": "Health assessments in 12 months",
    "dental_checks_12m": "Dental checks in 12 months", "cases": "Cases", "fte": "FTE", "post_fte": "Post FTE",
    "employed_fte": "Employed FTE", "left_on": "Left on",
}  # fmt: skip
"""Each field's column heading, in the order columns are shown."""


def _typed(name: str, text: str | None) -> object:
    if text is None or text in ("none", "unknown"):
        return None
    if re.fullmatch(DATE, text):
        return dt.date.fromisoformat(text)
    if name != "outcome" and re.fullmatch(NUMBER, text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    return text


def detail_fields(detail: str | None) -> dict[str, object]:
    """The fields of one detail text, by name (see HEADINGS); empty for a category or no detail."""
    if not detail:
        return {}
    for shape in SHAPES:
        match = shape.fullmatch(detail.strip())
        if match:
            return {name: _typed(name, text) for name, text in match.groupdict().items() if name in HEADINGS}
    return {}


def has_fields(detail: str | None) -> bool:
    """Whether the detail matches one of the shapes (a category such as "Police" does not)."""
    return any(shape.fullmatch((detail or "").strip()) for shape in SHAPES)
