"""The committee report's paragraphs about the managers' lists: aggregate counts only, never a child's
identifier, small numbers withheld by the disclosure policy. The seed report has two such passages: the
weekly report of visits that did not take place and why (¶4.19, "visits relating to only 7 children were not
carried out in time") and the oversight of plans at 9 and 12 months (¶4.16)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy, count_words, suppress_breakdown
from cscperf.indicators.settings import IndicatorSettings
from cscperf.lists.coverage import Coverage
from cscperf.lists.definition import load_lists
from cscperf.lists.engine import list_entries
from cscperf.lists.entries import ListEntry
from cscperf.lists.settings import ListSettings
from cscperf.lists.wording import outcome_code, reason_code
from cscperf.oversight_codes import MISSED_REASONS, OVERSIGHT_OUTCOMES
from cscperf.store.connection import Connection

NO_REASON = "no reason recorded"


def oversight_paragraphs(
    con: Connection,
    la_code: str,
    as_at: dt.date,
    *,
    indicator_settings: IndicatorSettings | None = None,
    settings: ListSettings | None = None,
    policy: DisclosurePolicy = DEFAULT_POLICY,
) -> dict[str, tuple[str, ...]]:
    """Paragraphs for the report's sections (by section id): missed visits in the child protection and
    children in care sections, plans at 9 and 12 months in the child protection section."""
    indicator_settings = indicator_settings or IndicatorSettings()
    settings = settings or ListSettings()
    lists = load_lists()
    coverage = Coverage(con, la_code)
    wanted = [lists[i] for i in ("visits_missed_last_week", "cp_plan_9_months", "cp_plan_12_months")]
    runnable = [d for d in wanted if coverage.unavailable(d, as_at) is None]
    entries = list_entries(con, runnable, [as_at], [la_code], indicator_settings, settings, settings.look_ahead_days)
    out: dict[str, list[str]] = {"child_protection": [], "children_in_care": []}
    if "visits_missed_last_week" in entries and coverage.holds("ssd_cp_visits"):
        missed = entries["visits_missed_last_week"]
        out["child_protection"].append(missed_visits_paragraph(missed, "cp", as_at, policy))
        if coverage.holds("ssd_cla_visits"):
            out["children_in_care"].append(missed_visits_paragraph(missed, "cla", as_at, policy))
    plans_known = coverage.unavailable(lists["cp_plan_2_years"], as_at) is None  # plans held at the date
    if plans_known:
        if "cp_plan_9_months" in entries:
            out["child_protection"].append(
                plan_oversight_paragraph(entries["cp_plan_9_months"], entries["cp_plan_12_months"], as_at, policy)
            )
        else:
            out["child_protection"].append(_plans_without_oversight_records(con, la_code, as_at, policy))
    return {section: tuple(paragraphs) for section, paragraphs in out.items() if paragraphs}


def missed_visits_paragraph(entries: list[ListEntry], kind: str, as_at: dt.date, policy: DisclosurePolicy) -> str:
    """The weekly missed-visits report in a sentence or two, for child protection (cp) or looked-after (cla)
    visits."""
    rows = [e for e in entries if e.values["kind"] == kind]
    children = {e.values["person_id"] for e in rows}
    week = f"the seven days to {as_at - dt.timedelta(days=1):%-d %B %Y}"
    visits = "child protection visits" if kind == "cp" else "statutory visits to children looked after"
    who = "children on child protection plans" if kind == "cp" else "children looked after"
    opening = (
        f"Managers receive a weekly list of the {visits} that did not take place when due, or at which the child "
        "was not seen, with the reasons why."
    )
    if not rows:
        return f"{opening} In {week}, every statutory visit to {who} took place when due and the child was seen."
    n = len(children)
    text = (
        f"{opening} In {week}, visits relating to {count_words(n, policy)} {_child_word(n, policy)} were not "
        f"carried out when due or the child was not seen ({count_words(len(rows), policy)} "
        f"{'visit' if len(rows) == 1 else 'visits'})."
    )
    if policy.is_small(len(rows)):
        return f"{text} The reasons are not broken down because the numbers are small."
    reasons = Counter(reason_code(e.values["action_code"]) or NO_REASON for e in rows)
    counts = {code: float(reasons[code]) for code in [*MISSED_REASONS, NO_REASON] if reasons[code]}
    return f"{text} The reasons recorded were: {_breakdown(counts, MISSED_REASONS, policy)}."


def _breakdown(counts: dict[str, float], words: dict[str, str], policy: DisclosurePolicy) -> str:
    """'family not available (12); worker absent (6); visit rearranged and other reason (fewer than 5 each)':
    small counts withheld, and a second one too where the first could be worked out from the total."""
    cells = suppress_breakdown(counts, policy, total_shown=True)
    shown = [f"{words.get(c.key, c.key)} ({c.shown(policy)})" for c in cells if not c.suppressed]
    hidden = [c.key for c in cells if c.suppressed]
    if hidden:
        names = ", ".join(words.get(k, k) for k in hidden[:-1])
        names = f"{names} and {words.get(hidden[-1], hidden[-1])}" if names else words.get(hidden[-1], hidden[-1])
        if all(policy.is_small(counts[k]) for k in hidden):
            shown.append(f"{names} ({policy.label}{' each' if len(hidden) > 1 else ''})")
        else:
            shown.append(f"{names} (not shown, to protect small numbers)")
    return "; ".join(shown)


def plan_oversight_paragraph(
    nine: list[ListEntry], twelve: list[ListEntry], as_at: dt.date, policy: DisclosurePolicy
) -> str:
    """How many children had been on a plan for 9 and 12 months, how many had had the senior manager review
    or legal planning meeting since, what the meetings decided, and how many were waiting."""
    rule = (
        "Any child subject to a plan for 9 months is reviewed by a senior manager, and a legal planning meeting is "
        "considered once a plan has been in place for 12 months."
    )
    reached9 = [e for e in nine if e.values["due_date"] <= as_at]
    reached12 = [e for e in twelve if e.values["due_date"] <= as_at]
    on = f"At {as_at:%-d %B %Y}"
    if not reached9:
        return f"{rule} {on}, no child had been on a child protection plan for 9 months or more."
    reviewed = _split(reached9, "a senior manager had reviewed the plan since it reached 9 months", "awaiting review",
                      policy)  # fmt: skip
    sentences = [rule, f"{on}, {_reached(reached9, '9 months', policy)} {reviewed}."]
    if not reached12:
        sentences.append("No child had been on a plan for 12 months or more.")
    else:
        text = _reached(reached12, "12 months", policy)
        held = _split(reached12, "a legal planning meeting had been held", "awaiting one", policy)
        sentences.append(f"{text[0].upper()}{text[1:]} {held}.")
        met = [e for e in reached12 if e.state == "met"]
        if not policy.is_small(len(met)) and met:
            decided = Counter(outcome_code(e.values["action_code"]) or "not recorded" for e in met)
            counts = {c: float(decided[c]) for c in [*OVERSIGHT_OUTCOMES, "not recorded"] if decided[c]}
            words = {**OVERSIGHT_OUTCOMES, "not recorded": "decision not recorded"}
            sentences.append(f"The meetings decided: {_breakdown(counts, words, policy)}.")
    return " ".join(sentences)


def _reached(reached: list[ListEntry], how_long: str, policy: DisclosurePolicy) -> str:
    n = len(reached)
    return (
        f"{count_words(n, policy)} {_child_word(n, policy)} had been on a child protection plan for {how_long} or more:"
    )


def _split(reached: list[ListEntry], done_words: str, waiting_words: str, policy: DisclosurePolicy) -> str:
    """'for 18 of them, and 3 were awaiting review', with small numbers withheld and never derivable from the
    total already given."""
    done = sum(1 for e in reached if e.state == "met")
    waiting = len(reached) - done
    if policy.is_small(len(reached)) or (policy.is_small(done) and policy.is_small(waiting)):
        return f"{done_words} for some and some were {waiting_words} (the numbers are too small to give)"
    if policy.is_small(waiting):
        return f"{done_words} for all but {policy.label} of them, who were {waiting_words}"
    if policy.is_small(done):
        return f"{done_words} for {policy.label} of them and the others were {waiting_words}"
    if waiting == 0:
        return f"{done_words} for all of them"
    if done == 0:
        return f"{done_words} for none of them; all were {waiting_words}"
    return f"{done_words} for {done:,} of them and {waiting:,} {'was' if waiting == 1 else 'were'} {waiting_words}"


def _plans_without_oversight_records(con: Connection, la_code: str, as_at: dt.date, policy: DisclosurePolicy) -> str:
    """When reviews and meetings are not recorded: how many plans have reached 9 and 12 months, and that
    whether they were reviewed cannot be said."""
    nine, twelve = con.execute(
        "SELECT count(DISTINCT CASE WHEN cppl_cp_plan_start_date + INTERVAL 9 MONTH <= ? THEN cppl_person_id END), "
        "count(DISTINCT CASE WHEN cppl_cp_plan_start_date + INTERVAL 12 MONTH <= ? THEN cppl_person_id END) "
        "FROM ssd_cp_plans WHERE la_code = ? AND cppl_cp_plan_start_date <= ? "
        "AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date > ?)",
        [as_at, as_at, la_code, as_at, as_at],
    ).fetchall()[0]
    return (
        f"At {as_at:%-d %B %Y}, {count_words(nine, policy)} {_child_word(nine, policy)} had been on a child "
        f"protection plan for 9 months or more and {count_words(twelve, policy)} for 12 months or more. The records "
        "of senior manager reviews and legal planning meetings are not held with this data, so whether each plan "
        "was reviewed cannot be reported here."
    )


def _child_word(n: int, policy: DisclosurePolicy) -> str:
    return "child" if n == 1 and not policy.is_small(n) else "children"
