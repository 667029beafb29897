"""The committee report's paragraphs about the lists: counts only, small numbers withheld (and not derivable
from a total), no child identifier anywhere, and honest when the records are not held."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from cscperf.lists.committee import oversight_paragraphs
from cscperf.report.commentary import Commentary
from cscperf.report.config import ReportConfig
from cscperf.report.contents import ReportContent, build_report
from cscperf.store.database import open_store

from .golden import LA, GoldenCouncil
from .test_lists_golden import cp_visit, missed, oversight, plan


def week_of_missed_visits(council: GoldenCouncil) -> None:
    """Seven children whose visits fell due in the week before Mon 22 Apr 2024 (15-21 Apr) and were missed:
    five with the family not available, one worker absent, one with no reason recorded."""
    for n in range(7):
        person = f"P{n}"
        plan(council, person, "2024-04-02")  # due Tue 16 Apr (10 working days, Easter before)
        reason = "family_not_available" if n < 5 else "worker_absent"
        if n < 6:
            missed(council, f"M{n}", person, "cp", f"CP{person}", "2024-04-16", reason)
    plan(council, "Q1", "2024-04-02")
    cp_visit(council, "VQ", "Q1", "2024-04-10")  # visited: not missed


def test_missed_visits_paragraph(council: GoldenCouncil) -> None:
    week_of_missed_visits(council)
    [text] = oversight_paragraphs(council.con, LA, dt.date(2024, 4, 22))["child_protection"][:1]
    assert "In the seven days to 21 April 2024, visits relating to 7 children were not carried out" in text
    # 5 family not available, 1 worker absent, 1 none: the two small cells are withheld; with two withheld
    # neither can be worked out from the total of 7
    assert text.endswith("The reasons recorded were: family not available (5); worker absent and no reason "
                         "recorded (fewer than 5 each).")  # fmt: skip


def test_one_small_cell_hides_a_second(council: GoldenCouncil) -> None:
    week_of_missed_visits(council)
    council.con.execute("UPDATE cscperf_visit_missed SET missed_reason = 'family_not_available' "
                        "WHERE missed_id = 'M5'").fetchall()  # fmt: skip
    council.add("cscperf_visit_missed", missed_id="M6", missed_person_id="P6", missed_visit_kind="cp",
                missed_case_id="CPP6", missed_due_date="2024-04-16", missed_reason="avoiding_visit")  # fmt: skip
    [text] = oversight_paragraphs(council.con, LA, dt.date(2024, 4, 22))["child_protection"][:1]
    # 6 family not available, 1 avoiding: the 1 is withheld, and so is the 6 (else 7 - 6 = 1)
    assert text.endswith("The reasons recorded were: family not available and family avoiding the visit (not "
                         "shown, to protect small numbers).")  # fmt: skip


def test_plans_at_9_and_12_months_paragraph(council: GoldenCouncil) -> None:
    for n in range(8):  # eight plans past 9 months (started Jan 2024, 9 months in Oct 2024)
        plan(council, f"P{n}", f"2024-01-{n + 10:02d}")
        if n < 6:
            oversight(council, f"P{n}", "senior_manager_review", f"2024-10-{n + 10:02d}")
    for n in range(6):  # six past 12 months (started 2023), a legal planning meeting for five
        plan(council, f"Q{n}", f"2023-06-{n + 10:02d}")
        oversight(council, f"Q{n}", "senior_manager_review", f"2024-03-{n + 10:02d}")
        if n < 5:
            oversight(council, f"Q{n}", "legal_planning_meeting", f"2024-06-{n + 12:02d}",
                      "pre_proceedings" if n < 3 else "continue_plan")  # fmt: skip
    # no visits are loaded for this council, so the plans paragraph is the only one
    [text] = oversight_paragraphs(council.con, LA, dt.date(2024, 11, 29))["child_protection"]
    # 14 at 9 months or more (8 + 6): reviewed 12, waiting 2 -> the 2 is withheld, the 12 not given exactly
    assert (
        "14 children had been on a child protection plan for 9 months or more: a senior manager had reviewed "
        "the plan since it reached 9 months for all but fewer than 5 of them, who were awaiting review." in text
    )
    # 6 at 12 months or more: 5 met, 1 waiting
    assert (
        "6 children had been on a child protection plan for 12 months or more: a legal planning meeting had "
        "been held for all but fewer than 5 of them, who were awaiting one." in text
    )
    # the decisions of the 5 meetings: 3 pre-proceedings, 2 to continue, both small
    assert text.endswith("The meetings decided: plan to continue and pre-proceedings under the Public Law Outline "
                         "(fewer than 5 each).")  # fmt: skip


def test_without_oversight_records_the_report_says_it_cannot_tell(council: GoldenCouncil) -> None:
    for n in range(6):
        plan(council, f"P{n}", "2023-06-01")
    council.add("cscperf_coverage", load_id="L1", table_name="ssd_cp_plans", covers_from="2023-04-01",
                covers_to="2025-03-31", records=6)  # plans loaded; no reviews or meetings  # fmt: skip
    [text] = oversight_paragraphs(council.con, LA, dt.date(2024, 11, 29))["child_protection"]
    assert "6 children had been on a child protection plan for 9 months or more and 6 for 12 months or more" in text
    assert "cannot be reported" in text and "cscperf" not in text  # no software instructions for members


def test_the_report_carries_the_paragraphs_and_no_child_identifier(council_store: Path) -> None:
    con = open_store(council_store, read_only=True)
    try:
        content = build_report(con, dt.date(2026, 10, 31), ReportConfig(), Commentary())
    finally:
        con.close()
    cp = under_heading(content, "Safeguarding and child protection")
    assert any("weekly list of the child protection visits" in t for t in cp)
    assert any("for 9 months or more" in t for t in cp)
    cla = under_heading(content, "Children in care")
    assert any("statutory visits to children looked after" in t for t in cla)
    everything = " ".join(p.text for s in content.sections for p in s.paragraphs)
    assert not re.search(r"\bP[0-9]+\b", everything)


def under_heading(content: ReportContent, heading: str) -> list[str]:
    """The paragraphs of section 4 (background) under one of its area headings, up to the next heading."""
    out: list[str] = []
    inside = False
    for p in content.section("background").paragraphs:
        if p.kind == "heading":
            inside = p.text == heading
        elif inside:
            out.append(p.text)
    return out
