"""Golden tests for the managers' lists on small hand-built councils. Every expected date and day count is
worked out by hand beside the case (working days: Monday to Friday less England & Wales bank holidays, the
start date being day 0; months: calendar months counted forward from the event, clamped to the month end)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cscperf.indicators.settings import IndicatorSettings
from cscperf.lists import compute_lists
from cscperf.lists.rows import ListResult, ListRow
from cscperf.lists.settings import ListSettings

from .golden import LA, GoldenCouncil


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def one(council: GoldenCouncil, list_id: str, as_at: str, **options: Any) -> ListResult:
    settings = ListSettings(**options.pop("list_settings", {}))
    indicator_settings = IndicatorSettings(**options.pop("indicator_settings", {}))
    since = options.pop("since", None)
    lists = compute_lists(council.con, LA, d(as_at), ids=[list_id], settings=settings,
                          indicator_settings=indicator_settings, since=d(since) if since else None,
                          **options)  # fmt: skip
    if council.mirror is not None:  # the same rows, every field, from the council mirrored to PostgreSQL
        on_server = compute_lists(council.mirror, LA, d(as_at), ids=[list_id], settings=settings,
                                  indicator_settings=indicator_settings, since=d(since) if since else None,
                                  **options)  # fmt: skip
        assert on_server == lists, f"{list_id}: PostgreSQL's list differs from DuckDB's"
    return lists.results[0]


def by_child(result: ListResult) -> dict[str | None, ListRow]:
    return {row.person_id: row for row in result.rows}


def plan(council: GoldenCouncil, person: str, start: str, end: str | None = None) -> None:
    council.add("ssd_cp_plans", cppl_cp_plan_id=f"CP{person}", cppl_person_id=person, cppl_cp_plan_start_date=start,
                cppl_cp_plan_end_date=end)  # fmt: skip


def oversight(council: GoldenCouncil, person: str, kind: str, day: str, outcome: str = "continue_plan",
              *, plan_id: str | None = "") -> None:  # fmt: skip
    council.add("cscperf_cp_oversight", oversight_id=f"O{person}{kind}{day}", oversight_person_id=person,
                oversight_cp_plan_id=f"CP{person}" if plan_id == "" else plan_id, oversight_type=kind,
                oversight_date=day, oversight_outcome=outcome)  # fmt: skip


def cp_visit(council: GoldenCouncil, visit_id: str, person: str, day: str, seen: str = "Y") -> None:
    council.add("ssd_cp_visits", cppv_cp_visit_id=visit_id, cppv_cp_plan_id=f"CP{person}", cppv_person_id=person,
                cppv_cp_visit_date=day, cppv_cp_visit_seen=seen)  # fmt: skip


def missed(council: GoldenCouncil, missed_id: str, person: str, kind: str, case: str, due: str, reason: str,
           *, visit: str | None = None, rearranged: str | None = None) -> None:  # fmt: skip
    council.add("cscperf_visit_missed", missed_id=missed_id, missed_person_id=person, missed_visit_kind=kind,
                missed_case_id=case, missed_visit_id=visit, missed_due_date=due, missed_reason=reason,
                missed_rearranged_date=rearranged)  # fmt: skip


def looked_after(council: GoldenCouncil, person: str, since: str, dob: str = "2014-06-01",
                 placed: str | None = None) -> None:  # fmt: skip
    council.person(person, dob=dob)
    council.add("ssd_cla_episodes", clae_cla_episode_id=f"E{person}", clae_person_id=person, clae_cla_id=f"L{person}",
                clae_cla_episode_start_date=since, clae_entered_care_date=since)  # fmt: skip
    council.add("ssd_cla_placement", clap_cla_placement_id=f"PL{person}", clap_cla_id=f"L{person}",
                clap_person_id=person, clap_cla_placement_start_date=placed or since)  # fmt: skip


def cla_visit(council: GoldenCouncil, visit_id: str, person: str, day: str, seen: str = "Y") -> None:
    council.add("ssd_cla_visits", clav_cla_visit_id=visit_id, clav_cla_id=f"L{person}", clav_person_id=person,
                clav_cla_visit_date=day, clav_cla_visit_seen=seen)  # fmt: skip


# ------------------------------------------------------------------------------------ plans at 9 months
def nine_month_plans(council: GoldenCouncil) -> None:
    plan(council, "P1", "2024-02-29")  # leap day + 9 months = 29 Nov 2024
    plan(council, "P2", "2024-03-01")  # reaches 9 months on 1 Dec 2024
    plan(council, "P3", "2024-02-01")  # 1 Nov 2024: past it, no review
    plan(council, "P4", "2024-01-15")  # 15 Oct 2024: review the day before (14 Oct) does not count
    oversight(council, "P4", "senior_manager_review", "2024-10-14", "legal_planning_meeting")
    plan(council, "P5", "2024-01-20")  # 20 Oct 2024: reviewed late, 25 Oct: off the list
    oversight(council, "P5", "senior_manager_review", "2024-10-25")
    plan(council, "P6", "2024-01-10", "2024-11-01")  # 10 Oct 2024, ended 1 Nov unreviewed: not on a plan now
    plan(council, "P7", "2024-01-05")  # 5 Oct 2024: reviewed on the day, recorded without the plan id
    oversight(council, "P7", "senior_manager_review", "2024-10-05", plan_id=None)
    plan(council, "P8", "2024-06-01")  # 1 Mar 2025: beyond any look-ahead
    plan(council, "P9", "2024-01-25")  # 25 Oct 2024: a legal planning meeting is not a senior manager review
    oversight(council, "P9", "legal_planning_meeting", "2024-10-28")


def test_plans_at_9_months_on_the_day_they_reach_it(council: GoldenCouncil) -> None:
    nine_month_plans(council)
    result = one(council, "cp_plan_9_months", "2024-11-29")  # Friday
    rows = by_child(result)
    assert sorted(rows, key=str) == ["P1", "P2", "P3", "P4", "P9"]
    # P1: started 29 Feb 2024, 9 calendar months on is 29 Nov 2024: exactly 9 months today, due, 0 days
    assert (rows["P1"].due_date, rows["P1"].status, rows["P1"].calendar_days, rows["P1"].working_days) == (
        d("2024-11-29"), "due", 0, 0)  # fmt: skip
    assert "Reaches 9 months today" in rows["P1"].detail
    # P2: 1 Dec 2024 (a Sunday) is 2 days ahead; working days from Fri 29 Nov to Sun 1 Dec: just the Friday = 1
    assert (rows["P2"].due_date, rows["P2"].status, rows["P2"].calendar_days, rows["P2"].working_days) == (
        d("2024-12-01"), "due", 2, 1)  # fmt: skip
    # P3: 9 months on 1 Nov 2024; 28 days overdue; working days in [1 Nov, 29 Nov) = 4 weeks = 20
    assert (rows["P3"].status, rows["P3"].calendar_days, rows["P3"].working_days) == ("overdue", 28, 20)
    # P4: a review recorded on 14 Oct, a day before the plan reached 9 months (15 Oct), does not count
    assert rows["P4"].status == "overdue" and rows["P4"].due_date == d("2024-10-15")
    assert "14 Oct 2024, before the plan reached 9 months" in rows["P4"].action
    assert "referred to a legal planning meeting" in rows["P4"].action
    assert rows["P9"].status == "overdue"  # only a legal planning meeting: no senior manager review


def test_a_review_held_early_counts_when_the_council_allows_it(council: GoldenCouncil) -> None:
    nine_month_plans(council)
    one_day = one(council, "cp_plan_9_months", "2024-11-29", list_settings={"oversight_early_days": 1})
    assert "P4" not in by_child(one_day)  # 14 Oct is within 1 day before 15 Oct
    none = one(council, "cp_plan_9_months", "2024-11-29", list_settings={"oversight_early_days": 0})
    assert "P4" in by_child(none)


@pytest.mark.parametrize(("look_ahead", "expected"), [(0, ["P1"]), (1, ["P1"]), (2, ["P1", "P2"])])
def test_the_look_ahead_edge(council: GoldenCouncil, look_ahead: int, expected: list[str]) -> None:
    nine_month_plans(council)
    result = one(council, "cp_plan_9_months", "2024-11-29", look_ahead_days=look_ahead)
    # P2 reaches 9 months on 1 Dec, 2 days after 29 Nov: inside a 2-day look-ahead, outside 1 day
    assert sorted(r.person_id or "" for r in result.rows if r.status == "due") == expected


def reviews_loaded(council: GoldenCouncil) -> None:
    """Another child's review, so that the council's oversight records are loaded."""
    plan(council, "X1", "2020-01-01", "2021-01-01")
    oversight(council, "X1", "senior_manager_review", "2020-10-01")


def test_one_day_short_of_9_months(council: GoldenCouncil) -> None:
    reviews_loaded(council)
    plan(council, "P1", "2024-02-29")
    day_before = one(council, "cp_plan_9_months", "2024-11-28", look_ahead_days=0)
    assert day_before.rows == ()  # reaches 9 months tomorrow; nothing is due within 0 days
    one_ahead = one(council, "cp_plan_9_months", "2024-11-28", look_ahead_days=1)
    [row] = one_ahead.rows
    assert (row.status, row.calendar_days, row.working_days) == ("due", 1, 1)  # Thu 28 -> Fri 29 Nov


def test_31_may_reaches_9_months_at_the_end_of_february(council: GoldenCouncil) -> None:
    reviews_loaded(council)
    plan(council, "P1", "2023-05-31")  # May + 9 = February 2024, which has 29 days: 29 Feb 2024
    plan(council, "P2", "2022-05-31")  # February 2023 has 28 days: 28 Feb 2023
    assert by_child(one(council, "cp_plan_9_months", "2024-02-29"))["P1"].status == "due"
    assert by_child(one(council, "cp_plan_9_months", "2024-03-01"))["P1"].calendar_days == 1
    assert by_child(one(council, "cp_plan_9_months", "2023-02-28"))["P2"].due_date == d("2023-02-28")


def test_week_on_week_new_continuing_and_who_left_and_why(council: GoldenCouncil) -> None:
    nine_month_plans(council)
    result = one(council, "cp_plan_9_months", "2024-11-29", since="2024-10-22", look_ahead_days=0)
    rows = by_child(result)
    # At 22 Oct (no look-ahead) overdue were P4 (15 Oct), P5 (20 Oct), P6 (10 Oct); P7 had its review on 5 Oct
    # and P9 (25 Oct) was not yet due. At 29 Nov: P1 due today, P3, P4, P9 overdue.
    assert {k: r.change for k, r in rows.items()} == {"P1": "new", "P3": "new", "P4": "continuing", "P9": "new"}
    left = {x.person_id: x.why for x in result.left}
    assert left == {"P5": "senior manager review held 25 Oct 2024 (plan to continue)", "P6": "plan ended"}


# ------------------------------------------------------------------------------------ plans at 12 months
def test_plans_at_12_months_and_the_indicator_agree(council: GoldenCouncil) -> None:
    plan(council, "P1", "2024-02-29")  # leap day + 12 months = 28 Feb 2025 (clamped)
    plan(council, "P2", "2024-03-01")  # 1 Mar 2025
    plan(council, "P3", "2023-12-01")  # 1 Dec 2024; legal planning meeting 3 Dec: met
    oversight(council, "P3", "legal_planning_meeting", "2024-12-03", "pre_proceedings")
    at_28_feb = by_child(one(council, "cp_plan_12_months", "2025-02-28", look_ahead_days=0))
    assert list(at_28_feb) == ["P1"] and at_28_feb["P1"].status == "due"  # exactly 12 months today
    # the indicator counts the same plans as past 12 months: P1 (today) and P3 (met, off the list)
    point = council.figure("cp_open_over_12m", "2025-02-28")
    assert (point.numerator, point.denominator) == (2, 3)
    day_before = council.figure("cp_open_over_12m", "2025-02-27")
    assert day_before.numerator == 1  # P1 a day short: only P3
    assert one(council, "cp_plan_12_months", "2025-02-27", look_ahead_days=0).rows == ()


def test_plans_at_2_years(council: GoldenCouncil) -> None:
    plan(council, "P1", "2022-04-01")  # + 730 days = 31 Mar 2024 (29 Feb 2024 between): 2 years today
    plan(council, "P2", "2022-04-02")  # 1 Apr 2024: a day short
    plan(council, "P3", "2022-03-31")  # 30 Mar 2024: a day over
    oversight(council, "P3", "legal_planning_meeting", "2023-04-03", "pre_proceedings")
    rows = by_child(one(council, "cp_plan_2_years", "2024-03-31", look_ahead_days=1))
    assert (rows["P1"].status, rows["P1"].calendar_days) == ("due", 0)
    assert (rows["P2"].status, rows["P2"].calendar_days) == ("due", 1)
    assert (rows["P3"].status, rows["P3"].calendar_days) == ("overdue", 1)
    assert rows["P3"].action == "Legal planning meeting held 3 Apr 2023 (pre-proceedings under the Public Law Outline)"
    assert council.figure("cp_open_2y_plus", "2024-03-31").numerator == 2  # P1 and P3: more than 729 days


# ------------------------------------------------------------------------------------ CP visits
def easter_2024(council: GoldenCouncil) -> None:
    plan(council, "P1", "2024-03-01")
    cp_visit(council, "V1", "P1", "2024-03-14")
    cp_visit(council, "V2", "P1", "2024-03-28")
    cp_visit(council, "V3", "P1", "2024-04-12")
    cp_visit(council, "V4", "P1", "2024-04-19", seen="N")  # not seen: does not reset the clock
    plan(council, "P2", "2024-04-02")  # never visited
    missed(council, "M1", "P2", "cp", "CPP2", "2024-04-16", "family_not_available")


def test_cp_visits_overdue_with_easter_in_the_interval(council: GoldenCouncil) -> None:
    easter_2024(council)
    plan(council, "P3", "2024-03-14")
    cp_visit(council, "V31", "P3", "2024-03-28")  # and no visit since
    # P3 last seen Thu 28 Mar; Good Friday 29 Mar and Easter Monday 1 Apr are bank holidays, so the 10th
    # working day after it is Mon 15 Apr: [28 Mar, 15 Apr) = 28 Mar, 2-5 Apr, 8-12 Apr = 10 working days.
    # (Counting weekdays alone it would have been due on Thu 11 Apr and overdue from the 12th.)
    assert "P3" not in by_child(one(council, "cp_visits_overdue", "2024-04-15"))
    p3 = by_child(one(council, "cp_visits_overdue", "2024-04-16"))["P3"]
    assert (p3.due_date, p3.working_days, p3.calendar_days) == (d("2024-04-15"), 1, 1)
    # P2: plan started Tue 2 Apr, never seen; due by Tue 16 Apr ([2 Apr, 16 Apr) = 2-5, 8-12, 15 Apr = 10)
    assert "P2" not in by_child(one(council, "cp_visits_overdue", "2024-04-16"))  # due today: not yet overdue
    assert by_child(one(council, "cp_visits_overdue", "2024-04-17"))["P2"].working_days == 1
    row = by_child(one(council, "cp_visits_overdue", "2024-04-30"))["P2"]
    # overdue: [16 Apr, 30 Apr) = 16-19, 22-26, 29 Apr = 10 working days; 14 calendar days
    assert (row.due_date, row.status, row.working_days, row.calendar_days) == (d("2024-04-16"), "overdue", 10, 14)
    assert row.action == "Family not available" and "Not seen since the plan started on 2 Apr 2024" in row.detail
    # P1 was seen on Fri 12 Apr (V3), 9 working days after V2: not on the list on the 16th
    assert "P1" not in by_child(one(council, "cp_visits_overdue", "2024-04-16"))


def test_a_visit_due_on_friday_is_overdue_on_saturday(council: GoldenCouncil) -> None:
    easter_2024(council)
    # P1 last seen Fri 12 Apr (V4 on 19 Apr not seen): [12 Apr, 26 Apr) = 12, 15-19, 22-25 = 10 -> due Fri 26 Apr
    assert "P1" not in by_child(one(council, "cp_visits_overdue", "2024-04-26"))
    row = by_child(one(council, "cp_visits_overdue", "2024-04-27"))["P1"]
    assert (row.due_date, row.working_days, row.calendar_days) == (d("2024-04-26"), 1, 1)  # Friday has passed
    assert "Last seen 12 Apr 2024" in row.detail


def test_cp_visit_interval_setting(council: GoldenCouncil) -> None:
    easter_2024(council)
    # with 5 working days, P1 (seen Fri 12 Apr) was due by Fri 19 Apr: overdue at Tue 23 Apr
    row = by_child(one(council, "cp_visits_overdue", "2024-04-23",
                       indicator_settings={"cp_visit_interval_working_days": 5}))["P1"]  # fmt: skip
    assert (row.due_date, row.working_days) == (d("2024-04-19"), 2)  # 19 and 22 Apr


# ------------------------------------------------------------------------------------ CLA visits
def test_cla_visits_overdue(council: GoldenCouncil) -> None:
    looked_after(council, "P1", "2024-03-01")
    cla_visit(council, "C1", "P1", "2024-03-07")  # within 7 days of the placement; next due 7 Mar + 42 = 18 Apr
    looked_after(council, "P2", "2023-01-01")
    council.add("cscperf_long_term_placements", clap_cla_placement_id="PLP2", long_term_from_date="2023-01-01")
    cla_visit(council, "C2", "P2", "2024-03-01")  # long-term placement over a year: next due 1 Mar + 91 = 31 May
    looked_after(council, "P3", "2024-04-12")  # placed Fri 12 Apr, not yet visited: due by 19 Apr
    assert one(council, "cla_visits_overdue", "2024-04-18").rows == ()
    rows = by_child(one(council, "cla_visits_overdue", "2024-04-20"))
    assert sorted(rows, key=str) == ["P1", "P3"]
    assert (rows["P1"].due_date, rows["P1"].calendar_days) == (d("2024-04-18"), 2)
    assert (rows["P3"].due_date, rows["P3"].calendar_days) == (d("2024-04-19"), 1)
    assert by_child(one(council, "cla_visits_overdue", "2024-06-01"))["P2"].due_date == d("2024-05-31")


# ------------------------------------------------------------------------------------ missed visits
def test_visits_missed_in_the_week_before_the_as_at_date(council: GoldenCouncil) -> None:
    # The week before Mon 22 Apr 2024: Mon 15 to Sun 21 Apr.
    plan(council, "P1", "2024-04-02")  # never seen: due Tue 16 Apr (see the Easter case): missed
    missed(council, "M1", "P1", "cp", "CPP1", "2024-04-16", "avoiding_visit")
    plan(council, "P2", "2024-03-14")
    cp_visit(council, "V2a", "P2", "2024-03-28")  # next due Mon 15 Apr (Easter): made late on Wed 17 Apr
    cp_visit(council, "V2b", "P2", "2024-04-17")
    missed(council, "M2", "P2", "cp", "CPP2", "2024-04-15", "rearranged", rearranged="2024-04-17")
    plan(council, "P3", "2024-04-08")
    cp_visit(council, "V3", "P3", "2024-04-18", seen="N")  # child not seen on Thu 18 Apr
    missed(council, "M3", "P3", "cp", "CPP3", "2024-04-18", "family_not_available", visit="V3")
    plan(council, "P4", "2024-04-08")  # due Mon 22 Apr = the as-at date: not yet missed
    plan(council, "P5", "2024-03-27")  # [27 Mar, 12 Apr) = 27, 28 Mar, 2-5, 8-11 Apr = 10: due Fri 12 Apr, before
    looked_after(council, "P6", "2024-04-08")  # placed Mon 8 Apr: first visit due by 15 Apr: missed, no reason
    result = one(council, "visits_missed_last_week", "2024-04-22")
    rows = {(r.person_id, r.due_date): r for r in result.rows}
    assert sorted(rows) == [("P1", d("2024-04-16")), ("P2", d("2024-04-15")), ("P3", d("2024-04-18")),
                            ("P6", d("2024-04-15"))]  # fmt: skip
    assert rows[("P1", d("2024-04-16"))].action == "Family avoiding the visit"
    assert rows[("P2", d("2024-04-15"))].action == "Visit rearranged to 17 Apr 2024"
    assert "made on 17 Apr 2024" in rows[("P2", d("2024-04-15"))].detail
    assert rows[("P3", d("2024-04-18"))].action == "Family not available"
    assert "not seen at the visit on 18 Apr 2024" in rows[("P3", d("2024-04-18"))].detail
    assert rows[("P6", d("2024-04-15"))].action == "No reason recorded"
    assert rows[("P6", d("2024-04-15"))].detail.startswith("Looked-after visit")


def test_missed_visits_not_made_are_on_the_overdue_lists_too(council: GoldenCouncil) -> None:
    plan(council, "P1", "2024-04-02")
    looked_after(council, "P6", "2024-04-08")
    plan(council, "P7", "2024-04-08")  # visited in time, on no list
    cp_visit(council, "V7", "P7", "2024-04-19")
    looked_after(council, "P8", "2024-04-08")
    cla_visit(council, "C8", "P8", "2024-04-12")
    missed_children = {r.person_id for r in one(council, "visits_missed_last_week", "2024-04-22").rows}
    overdue = {r.person_id for r in one(council, "cp_visits_overdue", "2024-04-22").rows}
    overdue |= {r.person_id for r in one(council, "cla_visits_overdue", "2024-04-22").rows}
    assert missed_children == overdue == {"P1", "P6"}


# ------------------------------------------------------------------------------------ assessments
def assessment(council: GoldenCouncil, assessment_id: str, person: str, start: str, auth: str | None = None) -> None:
    council.add("ssd_cin_assessments", cina_assessment_id=assessment_id, cina_person_id=person,
                cina_assessment_start_date=start, cina_assessment_auth_date=auth,
                cina_assessment_worker_id="W1", cina_assessment_team="T1")  # fmt: skip


def test_assessments_due_with_the_jubilee_in_the_45_working_days(council: GoldenCouncil) -> None:
    # Started Mon 4 Apr 2022. April: 4-8, 11-14 (Good Friday 15th), 19-22 (Easter Monday 18th), 25-29 = 18;
    # May: 3-6 (bank holiday 2nd), 9-13, 16-20, 23-27, 30-31 = 21 (39); June: 1st = 40, then Thu 2 and Fri 3
    # June (spring bank holiday and Platinum Jubilee), 6-10 = 45. The 45th working day after the start is the
    # next one, Mon 13 Jun: [4 Apr, 13 Jun) holds 45 working days.
    assessment(council, "A1", "P1", "2022-04-04")
    assessment(council, "A2", "P2", "2022-04-04", auth="2022-06-10")  # authorised: off the list
    due = by_child(one(council, "assessments_due", "2022-06-13"))["P1"]
    assert (due.due_date, due.status, due.working_days) == (d("2022-06-13"), "due", 0)
    over = by_child(one(council, "assessments_due", "2022-06-14"))["P1"]
    assert (over.status, over.working_days, over.calendar_days) == ("overdue", 1, 1)
    assert council.figure("assessments_open_over_45wd", "2022-06-13").numerator == 0
    assert council.figure("assessments_open_over_45wd", "2022-06-14").numerator == 1
    # the look-ahead edge: 28 days before 13 Jun is 16 May (both were open then)
    assert [r.person_id for r in one(council, "assessments_due", "2022-05-16").rows] == ["P1", "P2"]
    assert one(council, "assessments_due", "2022-05-16", look_ahead_days=27).rows == ()
    assert (due.worker_id, due.team) == ("W1", "T1")  # the assessment's own worker and team


# ------------------------------------------------------------------------------------ ICPC
def enquiry(council: GoldenCouncil, s47: str, person: str, start: str, end: str | None = None,
            outcome: str | None = None, nfa: str | None = None) -> None:  # fmt: skip
    council.add("ssd_s47_enquiry", s47e_s47_enquiry_id=s47, s47e_person_id=person, s47e_s47_start_date=start,
                s47e_s47_end_date=end, s47e_s47_outcome_json=outcome, s47e_s47_nfa=nfa)  # fmt: skip


def test_initial_conferences_due_with_the_state_funeral(council: GoldenCouncil) -> None:
    # Strategy discussion Mon 12 Sep 2022; Mon 19 Sep was the State Funeral: 12-16 (5), 20-23 (9), 26-30 (14),
    # 3 Oct (15): the conference is due by Tue 4 Oct ([12 Sep, 4 Oct) holds 15 working days).
    enquiry(council, "S1", "P1", "2022-09-12")  # still open
    enquiry(council, "S2", "P2", "2022-09-12", "2022-09-20", '{"ICPC_FLAG": "Y"}', "N")  # ended: conference needed
    enquiry(council, "S3", "P3", "2022-09-12", "2022-09-20", '{"ICPC_FLAG": "N"}', "Y")  # no further action
    enquiry(council, "S4", "P4", "2022-09-12")
    council.add("ssd_initial_cp_conference", icpc_icpc_id="I4", icpc_s47_enquiry_id="S4", icpc_person_id="P4",
                icpc_icpc_date="2022-09-30")  # fmt: skip
    enquiry(council, "S5", "P5", "2022-09-12")
    plan(council, "P5", "2022-09-29")  # a plan started since: the conference was held
    rows = by_child(one(council, "icpc_due", "2022-10-04"))
    assert sorted(rows, key=str) == ["P1", "P2"]
    assert (rows["P1"].due_date, rows["P1"].status) == (d("2022-10-04"), "due")
    assert by_child(one(council, "icpc_due", "2022-10-05"))["P2"].working_days == 1


# ------------------------------------------------------------------------------------ reviews
def test_cp_reviews_due(council: GoldenCouncil) -> None:
    plan(council, "P1", "2023-11-30")  # first review within 3 months: 30 Nov + 3 months = 29 Feb 2024
    plan(council, "P2", "2023-08-20")
    council.add("ssd_cp_reviews", cppr_cp_review_id="R2", cppr_cp_plan_id="CPP2", cppr_person_id="P2",
                cppr_cp_review_date="2024-02-20")  # next within 6 months: 20 Aug 2024  # fmt: skip
    rows = by_child(one(council, "cp_reviews_due", "2024-02-29", look_ahead_days=0))
    assert (rows["P1"].status, rows["P1"].due_date) == ("due", d("2024-02-29"))
    assert "P2" not in rows
    assert by_child(one(council, "cp_reviews_due", "2024-03-01"))["P1"].status == "overdue"
    later = by_child(one(council, "cp_reviews_due", "2024-08-01"))  # 20 Aug is 19 days ahead
    assert (later["P2"].status, later["P2"].calendar_days) == ("due", 19)


def test_cla_reviews_due_with_the_coronation(council: GoldenCouncil) -> None:
    # Came into care Mon 24 Apr 2023: 24-28 Apr (5), 2-5 May (9; 1 May bank holiday), 9-12 May (13; 8 May the
    # Coronation), 15-19 May (18), 22-23 May (20): the first review is due by Wed 24 May.
    looked_after(council, "P1", "2023-04-24")
    rows = by_child(one(council, "cla_reviews_due", "2023-05-24"))
    assert (rows["P1"].due_date, rows["P1"].status) == (d("2023-05-24"), "due")
    assert by_child(one(council, "cla_reviews_due", "2023-05-25"))["P1"].status == "overdue"
    council.add("ssd_cla_reviews", clar_cla_review_id="R1", clar_cla_id="LP1", clar_cla_review_date="2023-05-22")
    second = by_child(one(council, "cla_reviews_due", "2023-08-01"))["P1"]  # 22 May + 3 months = 22 Aug
    assert (second.due_date, second.status, second.calendar_days) == (d("2023-08-22"), "due", 21)


# ------------------------------------------------------------------------------------ health, dental, PEP
def health(council: GoldenCouncil, check_id: str, person: str, kind: str, day: str) -> None:
    council.add("ssd_cla_health", clah_health_check_id=check_id, clah_person_id=person, clah_health_check_type=kind,
                clah_health_check_date=day, clah_health_check_status="Completed")  # fmt: skip


def test_health_assessments_due(council: GoldenCouncil) -> None:
    looked_after(council, "P1", "2022-01-01", dob="2021-01-01")  # under 5: 6-monthly
    health(council, "H1", "P1", "Health Assessment", "2023-08-31")  # 31 Aug + 6 months = 29 Feb 2024: due by 28 Feb
    looked_after(council, "P2", "2022-01-01", dob="2012-01-01")  # 12: yearly
    health(council, "H2", "P2", "Health Assessment", "2023-03-15")  # due by 14 Mar 2024
    rows = by_child(one(council, "cla_health_assessment_due", "2024-02-28"))
    assert (rows["P1"].due_date, rows["P1"].status) == (d("2024-02-28"), "due")
    assert (rows["P2"].due_date, rows["P2"].calendar_days) == (d("2024-03-14"), 15)
    over = by_child(one(council, "cla_health_assessment_due", "2024-02-29"))["P1"]
    assert (over.status, over.calendar_days) == ("overdue", 1)
    assert council.figure("cla_health_assessment_in_date", "2024-02-28").numerator == 2
    assert council.figure("cla_health_assessment_in_date", "2024-02-29").numerator == 1


def test_dental_checks_due(council: GoldenCouncil) -> None:
    looked_after(council, "P1", "2023-03-15")
    health(council, "D1", "P1", "Dental Check", "2023-06-01")  # in date to 31 May 2024; in care a year from 15 Mar
    # no check: due by the 20th working day in care; from Friday 1 Sep 2023, 4-8, 11-15, 18-22, 25-29 Sep
    # are working days 5, 10, 15 and 20: due by 29 Sep 2023, so overdue by May 2024
    looked_after(council, "P2", "2023-09-01")
    rows = by_child(one(council, "cla_dental_check_due", "2024-05-31", look_ahead_days=100))
    assert (rows["P1"].due_date, rows["P1"].status) == (d("2024-05-31"), "due")
    assert (rows["P2"].due_date, rows["P2"].status) == (d("2023-09-29"), "overdue")
    assert by_child(one(council, "cla_dental_check_due", "2024-06-01"))["P1"].status == "overdue"


def test_peps_due(council: GoldenCouncil) -> None:
    looked_after(council, "P1", "2023-09-01", dob="2014-01-01")
    council.add("cscperf_pep", pep_id="E1", pep_person_id="P1", pep_date="2024-02-10", pep_status="Completed")
    # held in the spring term (January-March): in date to the end of the summer term, 31 Aug 2024
    assert by_child(one(council, "cla_pep_due", "2024-08-31"))["P1"].status == "due"
    row = by_child(one(council, "cla_pep_due", "2024-09-01"))["P1"]
    assert (row.due_date, row.status, row.calendar_days) == (d("2024-08-31"), "overdue", 1)


# ------------------------------------------------------------------------------------ caseloads
def test_caseloads_over_target_with_team_and_manager(council: GoldenCouncil) -> None:
    council.add("ssd_department", dept_team_id="T1", dept_team_name="Safeguarding East")
    for worker_id, fte, name in (("W1", 1.0, "Ann Lee"), ("W2", 0.5, "Bo Khan"), ("W3", 0.8, "Cy Hall"),
                                 ("M1", 1.0, "Di Ward")):  # fmt: skip
        council.add("ssd_professionals", prof_professional_id=worker_id, prof_full_time_equivalency=fte,
                    prof_social_worker_registration_no=f"SW{worker_id}", prof_professional_name=name)  # fmt: skip
    for worker_id, children in (("W1", 21), ("W2", 10), ("W3", 17)):
        for n in range(children):
            council.add("ssd_involvements", invo_involvements_id=f"{worker_id}-{n}", invo_professional_id=worker_id,
                        invo_person_id=f"{worker_id}C{n}", invo_professional_team="T1",
                        invo_involvement_start_date="2024-01-01")  # fmt: skip
    council.add("cscperf_sw_posts", post_id="SP1", post_team_id="T1", post_title="Team Manager", post_fte=1.0)
    council.add("cscperf_sw_assignments", assignment_id="AS1", assignment_post_id="SP1",
                assignment_professional_id="M1", assignment_start_date="2020-01-01")  # fmt: skip
    rows = {r.worker_id: r for r in one(council, "caseloads_over_target", "2024-03-31").rows}
    # W1: 21 / 1.0 = 21 > 20; W2: 10 / 0.5 = 20, not over; W3: 17 / 0.8 = 21.25 > 20
    assert sorted(rows) == ["W1", "W3"]
    assert (rows["W3"].team, rows["W3"].worker, rows["W3"].manager) == ("Safeguarding East", "Cy Hall", "Di Ward")
    assert "21.2 per FTE against a target of 20" in rows["W3"].detail
    assert council.figure("sw_caseload_over_target", "2024-03-31").numerator == 2


# ------------------------------------------------------------------------------------ teams, workers, coverage
def test_children_carry_their_allocated_worker_and_lists_filter_by_team_and_worker(council: GoldenCouncil) -> None:
    nine_month_plans(council)
    council.add("ssd_department", dept_team_id="T1", dept_team_name="Family Safeguarding 1")
    council.add("ssd_department", dept_team_id="T2", dept_team_name="Family Safeguarding 2")
    council.add("ssd_professionals", prof_professional_id="W1", prof_professional_name="Ann Lee")
    for person, worker, team in (("P1", "W1", "T1"), ("P3", "W2", "T2"), ("P4", "W1", "T1")):
        council.add("ssd_involvements", invo_involvements_id=f"I{person}", invo_professional_id=worker,
                    invo_person_id=person, invo_professional_team=team, invo_involvement_start_date="2024-01-01",
                    invo_professional_role_id="Allocated Social Worker")  # fmt: skip
    rows = by_child(one(council, "cp_plan_9_months", "2024-11-29"))
    assert (rows["P1"].team, rows["P1"].worker, rows["P1"].worker_id) == ("Family Safeguarding 1", "Ann Lee", "W1")
    assert (rows["P3"].team, rows["P3"].worker) == ("Family Safeguarding 2", "W2")  # no name recorded: the id
    assert (rows["P9"].team, rows["P9"].worker) == ("Not allocated", "Not allocated")
    team = one(council, "cp_plan_9_months", "2024-11-29", team="family safeguarding 1")
    assert sorted(r.person_id or "" for r in team.rows) == ["P1", "P4"]
    worker = one(council, "cp_plan_9_months", "2024-11-29", worker="W2")
    assert [r.person_id for r in worker.rows] == ["P3"]


def test_a_list_the_data_cannot_support_is_not_available_with_the_reason(council: GoldenCouncil) -> None:
    plan(council, "P1", "2024-01-01")
    # the council's loads gave plans (a CIN Census, say) but no visits and no oversight records
    council.add("cscperf_coverage", load_id="L1", table_name="ssd_cp_plans", covers_from="2023-04-01",
                covers_to="2025-03-31", records=1)  # fmt: skip
    visits = one(council, "cp_visits_overdue", "2024-11-29")
    assert not visits.available and visits.rows == ()
    assert visits.reason == ("not available from the data loaded: CP visits come from the case system's SSD "
                             "extract; the CIN Census and SSDA903 do not carry them")  # fmt: skip
    reviews = one(council, "cp_plan_9_months", "2024-11-29")
    assert not reviews.available and reviews.reason is not None
    assert reviews.reason.startswith("not available from the data loaded: Senior-manager reviews")
    assert one(council, "cp_plan_2_years", "2024-11-29").available


def test_dates_outside_the_councils_data_are_not_available(council: GoldenCouncil) -> None:
    plan(council, "P1", "2024-01-01")
    council.run("UPDATE cscperf_councils SET data_start_date = '2020-04-01', data_end_date = '2024-10-31'")
    later = one(council, "cp_plan_2_years", "2024-11-29")
    assert not later.available and later.reason == "after the data end on 31 October 2024"
    [note] = one(council, "cp_plan_2_years", "2024-10-31", since="2019-01-01").notes
    assert note == "No comparison with 1 January 2019: before the data start on 1 April 2020."


def test_one_council_of_several_reads_only_its_own_rows(council: GoldenCouncil) -> None:
    nine_month_plans(council)
    cp_visit(council, "V3", "P3", "2024-11-01")  # due by 15 Nov: overdue on the 29th
    cp_visit(council, "V4", "P4", "2024-11-27")
    alone = compute_lists(council.con, LA, d("2024-11-29"))
    assert [r.person_id for r in alone.result("cp_visits_overdue").rows if r.person_id == "P3"] == ["P3"]
    council.con.execute("INSERT INTO cscperf_councils (la_code, la_name) VALUES ('998', 'Other')").fetchall()
    for table in ("ssd_cp_plans", "ssd_cp_visits", "cscperf_cp_oversight"):  # the same ids, another council
        council.con.execute(f"INSERT INTO {table} SELECT * REPLACE ('998' AS la_code) FROM {table}").fetchall()
    council.con.execute("DELETE FROM cscperf_cp_oversight WHERE la_code = '998'").fetchall()
    council.con.execute("INSERT INTO cscperf_cp_oversight (la_code, oversight_id, oversight_type, oversight_date) "
                        "VALUES ('998', 'X', 'senior_manager_review', '2000-01-01')").fetchall()  # fmt: skip
    beside_another = compute_lists(council.con, LA, d("2024-11-29"))
    assert beside_another == alone
    other = compute_lists(council.con, "998", d("2024-11-29"), ids=["cp_plan_9_months"]).results[0]
    # the other council has the same plans but none of the reviews: P5 and P7 are on its list too
    assert {r.person_id for r in other.rows} == {r.person_id for r in alone.result("cp_plan_9_months").rows} | {
        "P5", "P7"}  # fmt: skip
    assert all(r.la_code == "998" for r in other.rows)


def test_visits_recorded_without_their_plan_or_period_of_care_count(council: GoldenCouncil) -> None:
    plan(council, "P1", "2024-04-02")
    council.add("ssd_cp_visits", cppv_cp_visit_id="V1", cppv_person_id="P1", cppv_cp_visit_date="2024-04-12",
                cppv_cp_visit_seen="Y")  # no plan id: the child's plan open that day  # fmt: skip
    looked_after(council, "P2", "2024-04-08")
    council.add("ssd_cla_visits", clav_cla_visit_id="C2", clav_person_id="P2", clav_cla_visit_date="2024-04-19",
                clav_cla_visit_seen="N")  # no period of care: the child's placement that day  # fmt: skip
    # P1 seen Fri 12 Apr: due by Fri 26 Apr, so not overdue on Mon 22 Apr (the plan start alone would say 16 Apr)
    assert "P1" not in by_child(one(council, "cp_visits_overdue", "2024-04-22"))
    missed_rows = {(r.person_id, r.due_date) for r in one(council, "visits_missed_last_week", "2024-04-22").rows}
    # P2: first visit due by 15 Apr (placed 8 Apr) and missed; the visit on 19 Apr did not see the child
    assert missed_rows == {("P2", d("2024-04-15")), ("P2", d("2024-04-19"))}
    assert "P2" in by_child(one(council, "cla_visits_overdue", "2024-04-22"))
