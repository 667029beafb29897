"""Oversight records from a council's files: the extension tables as CSV, and the columns a council adds to its
SSD extract (a visit's missed reason, a plan's review and legal planning meeting); then the lists show them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cscperf.lists import compute_lists
from cscperf.loading.session import load_files
from cscperf.store.database import open_store


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_missed_reasons_and_plan_oversight_load_from_ssd_columns_and_csv(tmp_path: Path) -> None:
    plans = _write(tmp_path / "plans.csv", (
        "cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,cppl_cp_plan_senior_review_date,"
        "cppl_cp_plan_senior_review_outcome,cppl_cp_plan_legal_planning_date,cppl_cp_plan_legal_planning_outcome\n"
        "CP0,C0,2021-06-01,2022-01-04,,,,\n"  # an older plan: the extract reaches back years
        "CP1,C1,2024-01-10,,2024-10-10,Continue,2025-01-13,PLO\n"
        "CP2,C2,2024-03-18,,not a date,,,\n"
        "CP3,C3,2024-03-01,,,,,\n"))  # fmt: skip
    visits = _write(tmp_path / "visits.csv", (
        "cppv_cp_visit_id,cppv_person_id,cppv_cp_plan_id,cppv_cp_visit_date,cppv_cp_visit_seen,"
        "cppv_cp_visit_missed_reason\n"
        "V0,C1,CP1,2024-01-12,Y,\n"
        "V1,C1,CP1,2024-12-02,Y,\n"
        "V2,C2,CP2,2024-11-28,N,No access\n"
        "V3,C2,CP2,2024-11-29,N,Dog ate it\n"))  # fmt: skip
    missed = _write(tmp_path / "missed.csv", (
        "missed_id,missed_person_id,missed_visit_kind,missed_case_id,missed_due_date,missed_reason\n"
        "M1,C3,Child protection,CP3,2024-03-15,Worker absent\n"
        "M2,C3,home visit,CP3,2024-03-29,other\n"))  # fmt: skip
    con = open_store(tmp_path / "store.duckdb")
    summary = load_files(con, [plans, visits, missed], la_code="874")
    by_file = {f.path.name: f for f in summary.files}
    assert by_file["plans.csv"].problems == {"warning": {"date not valid": 1}}  # the plan loads, the date does not
    assert by_file["visits.csv"].problems == {"warning": {"unknown code": 1}}  # kept as sent, shown as "other"
    assert by_file["missed.csv"].problems == {"fatal": {"unknown code": 1}}  # a kind of visit it cannot place
    # counts reconcile table by table: plans 4 + 2 oversight records, visits 4 + 2 reasons, 2 missed read, 1 kept
    totals = [sum(getattr(f, what) for f in summary.files) for what in ("read", "loaded", "rejected")]
    assert totals == [14, 13, 1]
    assert by_file["visits.csv"].by_table["cscperf_visit_missed"] == {"read": 2, "loaded": 2, "rejected": 0}
    reasons = con.execute("SELECT missed_id, missed_visit_kind, missed_visit_id, missed_due_date, missed_reason "
                          "FROM cscperf_visit_missed ORDER BY 1").fetchall()  # fmt: skip
    assert reasons == [
        ("M1", "cp", None, dt.date(2024, 3, 15), "worker_absent"),
        ("V2:missed", "cp", "V2", dt.date(2024, 11, 28), "family_not_available"),
        ("V3:missed", "cp", "V3", dt.date(2024, 11, 29), "Dog ate it"),
    ]
    held = con.execute("SELECT oversight_type, oversight_date, oversight_outcome FROM cscperf_cp_oversight "
                       "ORDER BY 2").fetchall()  # fmt: skip
    assert held == [("senior_manager_review", dt.date(2024, 10, 10), "continue_plan"),
                    ("legal_planning_meeting", dt.date(2025, 1, 13), "pre_proceedings")]  # fmt: skip

    lists = compute_lists(con, "874", dt.date(2024, 12, 2), ids=["visits_missed_last_week", "cp_plan_9_months"])
    missed_rows = {r.due_date: r for r in lists.result("visits_missed_last_week").rows}
    assert missed_rows[dt.date(2024, 11, 28)].action == "Family not available"
    assert missed_rows[dt.date(2024, 11, 29)].action == "Other reason"
    nine = {r.person_id: r for r in lists.result("cp_plan_9_months").rows}
    # C1 reviewed on 10 Oct 2024 (9 months on); C2 reaches 9 months on 18 Dec 2024; C3 did on 1 Dec 2024
    assert sorted(nine, key=str) == ["C2", "C3"]
    assert (nine["C3"].status, nine["C2"].status) == ("overdue", "due")
    con.close()
