"""Golden tests: child protection plans, their durations, reviews and visits. Expected values by hand."""

from __future__ import annotations

import datetime as dt

from cscperf.indicators.detail import detail_fields

from .golden import LA, VISITS_AROUND_PERIOD_ENDS, GoldenCouncil, assert_fragment_matches_plain


def plan(council: GoldenCouncil, plan_id: str, person: str, start: str, end: str | None = None) -> None:
    council.add("ssd_cp_plans", cppl_cp_plan_id=plan_id, cppl_person_id=person, cppl_cp_plan_start_date=start,
                cppl_cp_plan_end_date=end)  # fmt: skip


def test_children_on_a_plan_at_the_date(council: GoldenCouncil) -> None:
    plan(council, "CP1", "P1", "2024-01-10")  # open
    plan(council, "CP2", "P2", "2023-06-01", "2024-03-31")  # ends on the date: counts as ended, not open
    plan(council, "CP3", "P3", "2024-03-31")  # starts on the date: open
    council.person("P4", dob="2024-05-01")
    plan(council, "CP4", "P4", "2024-02-01")  # unborn child: counted, as in the CIN census
    plan(council, "CP5", "P5", "2024-04-01")  # not yet started
    assert council.figure("cp_plans_open", "2024-03-31").value == 3


def test_rate_per_10000_uses_the_mid_year_before_31_march(council: GoldenCouncil) -> None:
    council.run("DELETE FROM cscperf_population")
    council.add("cscperf_population", mid_year=2022, age_group="0-17", population=20_000)
    council.add("cscperf_population", mid_year=2023, age_group="0-17", population=40_000)
    for n in (1, 2, 3):
        plan(council, f"CP{n}", f"P{n}", "2022-01-01")
    at_2023 = council.figure("cp_rate_per_10k", "2023-03-31")  # mid-2022: 3 / 20,000 x 10,000 = 1.5
    at_2024 = council.figure("cp_rate_per_10k", "2024-03-31")  # mid-2023: 3 / 40,000 x 10,000 = 0.75 -> 0.8
    assert (at_2023.numerator, at_2023.denominator, at_2023.value) == (3, 20_000, 1.5)
    assert (at_2024.denominator, at_2024.value) == (40_000, 0.8)


def test_plans_started_counts_each_occasion(council: GoldenCouncil) -> None:
    plan(council, "CP1", "P1", "2024-03-01", "2024-03-10")
    plan(council, "CP2", "P1", "2024-03-20")  # the same child again in the month: a second occasion
    plan(council, "CP3", "P2", "2024-02-29")  # February: out
    assert council.figure("cp_plans_started", "2024-03-31").value == 2


def test_second_or_subsequent_plans(council: GoldenCouncil) -> None:
    plan(council, "OLD1", "P1", "2019-01-01", "2019-09-01")
    plan(council, "CP1", "P1", "2024-03-05")  # a plan before, however long ago: counts
    plan(council, "CP2", "P2", "2024-03-10")  # first here, but 2 previous plans returned in the census: counts
    council.add("cscperf_cp_plan_previous", cppl_cp_plan_id="CP2", number_of_previous_cp_plans=2)
    plan(council, "CP3", "P3", "2024-03-12")  # first plan, census says 0: does not count
    council.add("cscperf_cp_plan_previous", cppl_cp_plan_id="CP3", number_of_previous_cp_plans=0)
    plan(council, "CP4a", "P4", "2024-03-01", "2024-03-10")  # first: does not count
    plan(council, "CP4b", "P4", "2024-03-20")  # second in the same month: counts
    point = council.figure("cp_second_or_subsequent", "2024-03-31")
    assert (point.numerator, point.denominator, point.value) == (3, 5, 60.0)


def test_plans_open_over_12_months(council: GoldenCouncil) -> None:
    plan(council, "CP1", "P1", "2023-03-31")  # exactly a year on 31 March 2024: counts
    plan(council, "CP2", "P2", "2023-04-01")  # a day short: does not
    plan(council, "CP3", "P3", "2022-01-01")  # counts
    plan(council, "CP4", "P4", "2024-01-01")  # does not
    point = council.figure("cp_open_over_12m", "2024-03-31")
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


def test_plans_open_2_years_or_more_means_more_than_729_days(council: GoldenCouncil) -> None:
    plan(council, "CP1", "P1", "2022-03-31")  # 731 days at 31 March 2024 (29 Feb 2024 between): counts
    plan(council, "CP2", "P2", "2022-04-01")  # 730 days: counts (more than 729), a day short of 2 calendar years
    plan(council, "CP3", "P3", "2022-04-02")  # 729 days: does not
    plan(council, "CP4", "P4", "2024-01-01")
    point = council.figure("cp_open_2y_plus", "2024-03-31")
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


def test_plans_ending_that_lasted_2_years(council: GoldenCouncil) -> None:
    plan(council, "CP1", "P1", "2022-03-31", "2024-03-31")  # 731 days, ends on the period end: in, counts
    plan(council, "CP2", "P2", "2022-04-02", "2024-03-31")  # 729 days: does not count
    plan(council, "CP3", "P3", "2023-01-01", "2024-03-15")
    plan(council, "CP4", "P4", "2021-01-01", "2024-04-01")  # ends in April: out
    point = council.figure("cp_ended_2y_plus", "2024-03-31")
    assert (point.numerator, point.denominator, point.value) == (1, 3, 33.3)


def review(council: GoldenCouncil, plan_id: str, day: str) -> None:
    council.add("ssd_cp_reviews", cppr_cp_review_id=f"{plan_id}-{day}", cppr_cp_plan_id=plan_id,
                cppr_person_id=plan_id, cppr_cp_review_date=day)  # fmt: skip


def test_plans_reviewed_in_time(council: GoldenCouncil) -> None:
    plan(council, "P1", "P1", "2023-06-01")
    review(council, "P1", "2023-08-30")  # due 1 Sep (3 months): in time
    review(council, "P1", "2024-02-20")  # due 29 Feb (6 months after 30 Aug, clamped): in time -> counts
    plan(council, "P2", "P2", "2023-06-01")
    review(council, "P2", "2023-09-05")  # due 1 Sep: late -> does not count
    plan(council, "P3", "P3", "2023-09-15")
    review(council, "P3", "2023-12-14")  # due 15 Dec: in time; next due 14 June -> counts
    plan(council, "P4", "P4", "2023-10-01")  # no review, first was due 1 Jan 2024: overdue -> does not
    plan(council, "P5", "P5", "2024-01-15")  # on the plan under 3 months: not in the measure
    plan(council, "P6", "P6", "2023-12-31")  # exactly 3 months: in the measure, first review due today -> counts
    point = council.figure("cp_reviews_in_time", "2024-03-31")
    assert (point.numerator, point.denominator, point.value) == (3, 5, 60.0)


def test_plans_reviewed_in_time_drill_names_the_review_due_and_its_due_date(council: GoldenCouncil) -> None:
    plan(council, "P1", "P1", "2023-06-01")
    review(council, "P1", "2023-08-30")  # review 1 due 1 Sep (3 months after the ICPC): in time
    review(council, "P1", "2024-02-20")  # review 2 due 29 Feb (6 months after 30 Aug, clamped): in time
    plan(council, "P2", "P2", "2023-06-01")
    review(council, "P2", "2023-09-05")  # review 1 due 1 Sep: late
    review(council, "P2", "2024-03-01")  # review 2 due 5 Mar: in time, but review 1 was late
    plan(council, "P3", "P3", "2023-03-01")
    review(council, "P3", "2023-05-30")  # review 1 due 1 June: in time
    review(council, "P3", "2023-09-29")  # review 2 due 30 Nov (6 months after 30 May, clamped): in time
    # review 3 due 29 Mar 2024 (6 months after 29 Sep): none by 31 March -> overdue
    plan(council, "P4", "P4", "2023-10-01")  # no review; review 1 was due 1 Jan 2024 -> overdue
    plan(council, "P6", "P6", "2023-12-31")  # exactly 3 months: review 1 due today -> in time
    plan(council, "P7", "P7", "2023-01-10")
    review(council, "P7", "2023-04-20")  # review 1 due 10 Apr: late
    review(council, "P7", "2023-10-25")  # review 2 due 20 Oct: late too; the latest late one is named
    rows = {r["unit_id"]: r for r in council.units("cp_reviews_in_time", "2024-03-31")}
    assert {u: (r["in_numerator"], r["detail"]) for u, r in rows.items()} == {
        "P1": (True, "reviewed in time; next review 3 (6 months after review 2) due by 2024-08-20"),
        "P2": (False, "review held late; review 1 (first after the ICPC) held 2023-09-05, due by 2023-09-01"),
        "P3": (False, "review overdue; review 3 (6 months after review 2) due by 2024-03-29"),
        "P4": (False, "review overdue; review 1 (first after the ICPC) due by 2024-01-01"),
        "P6": (True, "reviewed in time; next review 1 (first after the ICPC) due by 2024-03-31"),
        "P7": (False, "review held late; review 2 (6 months after review 1) held 2023-10-25, due by 2023-10-20"),
    }
    assert detail_fields(rows["P4"]["detail"]) == {
        "outcome": "review overdue", "review_number": 1, "which_review": "first after the ICPC", "held_on": None,
        "due_on": dt.date(2024, 1, 1),
    }  # fmt: skip


def visit(council: GoldenCouncil, visit_id: str, plan_id: str, day: str, seen: str = "Y") -> None:
    council.add("ssd_cp_visits", cppv_cp_visit_id=visit_id, cppv_cp_plan_id=plan_id, cppv_person_id=plan_id,
                cppv_cp_visit_date=day, cppv_cp_visit_seen=seen)  # fmt: skip


def easter_2024_visits(council: GoldenCouncil) -> None:
    plan(council, "CP1", "CP1", "2024-03-01")  # Friday
    visit(council, "V1", "CP1", "2024-03-14")  # Mar 1 (1), 4-8 (6), 11-13 (9): 9 working days -> in time
    visit(council, "V2", "CP1", "2024-03-28")  # Mar 14-15 (2), 18-22 (7), 25-27 (10): 10 -> in time
    # Good Friday 29 Mar and Easter Monday 1 Apr 2024 are bank holidays: Mar 28 (1), Apr 2-5 (5), Apr 8-11
    # (9) -> 9 working days, in time (counting weekdays alone would give 11 and call it late)
    visit(council, "V3", "CP1", "2024-04-12")
    visit(council, "V4", "CP1", "2024-04-19", seen="N")  # child not seen: does not meet the standard
    visit(council, "V5", "CP1", "2024-04-29")  # from V3, the last seen: Apr 12 (1), 15-19 (6), 22-26 (11): late
    plan(council, "CP2", "CP2", "2024-04-02")  # never visited: 20 working days by 30 April -> overdue


def test_cp_visits_in_time_over_easter(council: GoldenCouncil) -> None:
    easter_2024_visits(council)
    march = council.figure("cp_visits_in_time", "2024-03-31")
    april = council.figure("cp_visits_in_time", "2024-04-30")
    assert (march.numerator, march.denominator, march.value) == (2, 2, 100.0)
    # April: V3 in time; V4 (not seen), V5 (late) and CP2 (overdue at 30 April) not -> 1 of 4 = 25%
    assert (april.numerator, april.denominator, april.value) == (1, 4, 25.0)


def test_cp_visit_interval_is_a_setting(council: GoldenCouncil) -> None:
    easter_2024_visits(council)
    march = council.figure("cp_visits_in_time", "2024-03-31", cp_visit_interval_working_days=8)
    assert (march.numerator, march.denominator) == (0, 2)  # 9 and 10 working days are both over 8


def test_cp_visits_drill_down_lists_children_not_visited_in_time(council: GoldenCouncil) -> None:
    easter_2024_visits(council)
    rows = council.units("cp_visits_in_time", "2024-04-30")
    assert [r["in_numerator"] for r in rows] == [False, False, False, True]
    overdue = [r for r in rows if r["unit_id"] == "overdue:CP2"]
    assert overdue and overdue[0]["person_id"] == "CP2" and "never" in overdue[0]["detail"]
    assert all(r["la_code"] == LA for r in rows)


# The fragment finds each plan's periods by equi-joins on its first and last period end; it must give exactly
# the rows of the plain definition: the first plan (by start, then id) of each child open at each period end,
# numbered among all the store's plans.
PLAIN_CP_AT_PERIOD_END = """
  SELECT la_code, period_start, period_end, person_id, plan_id, plan_start, plan_key
  FROM (
    SELECT c.la_code, p.period_start, p.period_end, c.cppl_person_id AS person_id, c.cppl_cp_plan_id AS plan_id,
           c.cppl_cp_plan_start_date AS plan_start, c.plan_key,
           ROW_NUMBER() OVER (PARTITION BY c.la_code, p.period_start, p.period_end, c.cppl_person_id
                              ORDER BY c.cppl_cp_plan_start_date, c.cppl_cp_plan_id) AS plan_order
    FROM (SELECT pl.*, ROW_NUMBER() OVER (ORDER BY pl.la_code, pl.cppl_cp_plan_id) AS plan_key
          FROM ssd_cp_plans pl) c
    JOIN report_periods p
      ON c.cppl_cp_plan_start_date <= p.period_end
     AND (c.cppl_cp_plan_end_date IS NULL OR c.cppl_cp_plan_end_date > p.period_end)
  ) open_plans
  WHERE plan_order = 1
"""


def test_cp_at_period_end_are_the_plans_open_at_each_period_end(council: GoldenCouncil) -> None:
    from cscperf.indicators.engine import set_periods
    from cscperf.indicators.settings import IndicatorSettings
    from cscperf.indicators.sql_text import fragment_sql
    from cscperf.reporting_periods import month

    plan(council, "CP0", "P0", "2030-01-01")  # after every period (and numbered first, as every plan is)
    plan(council, "CP1", "P1", "2019-01-01")  # before every period, still open
    plan(council, "CP2", "P2", "2022-01-01", "2023-04-30")  # ended on a period end: not open at it
    plan(council, "CP3", "P3", "2023-05-01", "2023-05-30")  # between two period ends: never
    plan(council, "CP4", "P4", "2023-05-31", "2023-07-01")  # from one period end to the day after the next
    plan(council, "CP6", "P6", "2023-04-01", "2023-06-15")  # two plans open at once (a recording error):
    plan(council, "CP5", "P6", "2023-05-01")  # the one that began first, then the other
    plan(council, "CP8", "P7", "2023-06-01")  # two beginning the same day: the lower id
    plan(council, "CP7", "P7", "2023-06-01")
    settings = IndicatorSettings()
    assert_fragment_matches_plain(council, "cp_at_period_end", PLAIN_CP_AT_PERIOD_END)
    for con in council.stores():  # and on PostgreSQL
        set_periods(con, [month(2023, 4), month(2023, 5), month(2023, 6), month(2023, 7)])
        found = con.execute(f"SELECT period_end, person_id, plan_id, plan_key "
                            f"FROM ({fragment_sql('cp_at_period_end', settings)}) c").fetchall()  # fmt: skip
        by_date: dict[str, list[str]] = {}
        for day, person, plan_id, plan_key in sorted(found):
            by_date.setdefault(day.isoformat(), []).append(f"{person} {plan_id} {plan_key}")
        assert by_date == {
            "2023-04-30": ["P1 CP1 2", "P6 CP6 7"],
            "2023-05-31": ["P1 CP1 2", "P4 CP4 5", "P6 CP6 7"],
            "2023-06-30": ["P1 CP1 2", "P4 CP4 5", "P6 CP5 6", "P7 CP7 8"],
            "2023-07-31": ["P1 CP1 2", "P6 CP5 6", "P7 CP7 8"],
        }  # fmt: skip


# The "due" fragments find each plan's latest visit or review at each period end by the events' spans of period
# ends (current_at_period_ends); each must give exactly the rows of the plain definition: the latest on or before
# the period end (the latest date: events on one day are one), for each plan open at it.
PLAIN_CP_VISIT_LAST_SEEN = """
  SELECT c.la_code, c.period_start, c.period_end, c.plan_id, MAX(v.visit_date) AS last_seen
  FROM ({{> cp_at_period_end}}) c
  LEFT JOIN ({{> cp_visits_by_plan}}) v ON v.plan_key = c.plan_key AND v.child_seen AND v.visit_date <= c.period_end
  GROUP BY c.la_code, c.period_start, c.period_end, c.plan_id
"""
PLAIN_CP_LAST_REVIEW = """
  SELECT c.la_code, c.period_start, c.period_end, c.plan_id, MAX(r.cppr_cp_review_date) AS last_review
  FROM ({{> cp_at_period_end}}) c
  JOIN ssd_cp_plans pl ON pl.la_code = c.la_code AND pl.cppl_cp_plan_id = c.plan_id
  LEFT JOIN ssd_cp_reviews r ON r.la_code = c.la_code AND r.cppr_cp_plan_id = c.plan_id
   AND r.cppr_cp_review_date <= c.period_end
  GROUP BY c.la_code, c.period_start, c.period_end, c.plan_id
"""


def test_cp_visit_due_at_period_end_has_the_last_visit_the_child_was_seen_at(council: GoldenCouncil) -> None:
    plan(council, "CP1", "CP1", "2023-01-01")
    for visit_id, day, seen in VISITS_AROUND_PERIOD_ENDS:
        visit(council, visit_id, "CP1", day, seen=seen)
    plan(council, "CP2", "P2", "2023-01-01", "2023-05-31")  # ends on a period end; the child's next plan
    council.add("ssd_cp_visits", cppv_cp_visit_id="V8", cppv_cp_plan_id="CP2", cppv_person_id="P2",
                cppv_cp_visit_date="2023-05-20", cppv_cp_visit_seen="Y")  # fmt: skip
    plan(council, "CP3", "P2", "2023-06-01")
    council.add("ssd_cp_visits", cppv_cp_visit_id="V9", cppv_cp_plan_id=None, cppv_person_id="P2",
                cppv_cp_visit_date="2023-07-10", cppv_cp_visit_seen="Y")  # fmt: skip  # without its plan: CP3's
    plan(council, "CP4", "P4", "2023-08-01")  # never visited
    assert_fragment_matches_plain(council, "cp_visit_due_at_period_end", PLAIN_CP_VISIT_LAST_SEEN,
                                  columns="la_code, period_start, period_end, plan_id, last_seen")  # fmt: skip


def test_cp_review_due_at_period_end_has_the_last_review_held(council: GoldenCouncil) -> None:
    plan(council, "CP1", "P1", "2023-01-01")
    for day in ["2023-02-10", "2023-04-30", "2023-06-30", "2030-01-01"]:  # before, on a period end, after all
        review(council, "CP1", day)
    council.add("ssd_cp_reviews", cppr_cp_review_id="CP1-again", cppr_cp_plan_id="CP1", cppr_person_id="P1",
                cppr_cp_review_date="2023-06-30")  # fmt: skip  # two on one day
    council.add("ssd_cp_reviews", cppr_cp_review_id="CP1-none", cppr_cp_plan_id="CP1", cppr_person_id="P1",
                cppr_cp_review_date=None)  # fmt: skip  # no date: never the last
    plan(council, "CP2", "P2", "2023-01-01", "2023-05-31")  # ends on a period end; the child's next plan
    review(council, "CP2", "2023-03-15")
    plan(council, "CP3", "P2", "2023-06-01")
    review(council, "CP3", "2023-08-10")
    plan(council, "CP4", "P4", "2023-08-01")  # no review yet
    assert_fragment_matches_plain(council, "cp_review_due_at_period_end", PLAIN_CP_LAST_REVIEW,
                                  columns="la_code, period_start, period_end, plan_id, last_review")  # fmt: skip
