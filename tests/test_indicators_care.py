"""Golden tests: children looked after, stability, visits, reviews, health, dental, PEPs and OC2.
Expected values are worked out by hand beside each case."""

from __future__ import annotations

import pytest

from .golden import VISITS_AROUND_PERIOD_ENDS, GoldenCouncil, assert_fragment_matches_plain


def episode(
    council: GoldenCouncil, person: str, cla_id: str, start: str, end: str | None = None, *, rne: str = "S",
    rec: str | None = None, placement: str | None = None, entered: str | None = None, number: int = 1,
) -> None:  # fmt: skip
    council.add("ssd_cla_episodes", clae_cla_episode_id=f"{cla_id}-{number}", clae_person_id=person,
                clae_cla_id=cla_id, clae_cla_episode_start_date=start, clae_cla_episode_ceased_date=end,
                clae_cla_episode_start_reason=rne, clae_cla_episode_ceased_reason=rec,
                clae_cla_placement_id=placement, clae_entered_care_date=entered or start)  # fmt: skip


def in_care(council: GoldenCouncil, person: str, since: str, dob: str = "2012-01-01", until: str | None = None) -> None:
    council.person(person, dob=dob)
    episode(council, person, f"L{person}", since, until, rec="E8" if until else None)


def legal(council: GoldenCouncil, person: str, code: str, start: str, end: str | None) -> None:
    council.add("ssd_legal_status", lega_legal_status_id=f"{person}-{code}-{start}", lega_person_id=person,
                lega_legal_status=code, lega_legal_status_start_date=start, lega_legal_status_end_date=end)  # fmt: skip


def test_children_looked_after_leave_out_short_breaks(council: GoldenCouncil) -> None:
    in_care(council, "P1", "2023-01-01")  # looked after: counts
    episode(council, "P2", "LP2", "2024-03-30", "2024-04-02", rec="E13")  # a short break over the date...
    legal(council, "P2", "V4", "2024-03-30", "2024-04-02")  # ...under V4: not counted
    in_care(council, "P3", "2023-01-01", until="2024-03-31")  # ceased on the date: not looked after at it
    episode(council, "P4", "LP4", "2023-05-01", "2024-01-10", rec="X1", number=1)
    episode(council, "P4", "LP4", "2024-01-10", rne="P", number=2)  # two episodes, one child: counts once
    in_care(council, "P5", "2024-04-01")  # not yet
    assert council.figure("cla_open", "2024-03-31").value == 2
    rate = council.figure("cla_rate_per_10k", "2024-03-31")
    assert (rate.numerator, rate.denominator, rate.value) == (2, 10_000, 2.0)  # 2 / 10,000 x 10,000


def test_started_first_occasion_and_ceased_last_occasion(council: GoldenCouncil) -> None:
    episode(council, "P1", "L1a", "2024-03-05", "2024-03-10", rec="E4A")  # first start in March: counted
    episode(council, "P1", "L1b", "2024-03-20", "2024-03-25", rec="E13")  # again: the child counts once
    episode(council, "P2", "L2", "2023-06-01", "2024-03-15", rec="X1", number=1)
    episode(council, "P2", "L2", "2024-03-15", rne="P", number=2)  # change of placement (P): not a start
    episode(council, "P3", "L3", "2024-03-02", "2024-03-04", rec="E13")  # a short break (V4): neither
    legal(council, "P3", "V4", "2024-03-02", "2024-03-04")
    episode(council, "P4", "L4", "2024-03-31")  # starts on the last day: counted
    started = council.figure("cla_started", "2024-03-31")
    ceased = council.figure("cla_ceased", "2024-03-31")
    assert started.value == 2  # P1 once, P4
    assert ceased.value == 1  # P1 once (its last occasion); P2's X1 only means another episode follows
    p1 = next(r for r in council.units("cla_ceased", "2024-03-31") if r["person_id"] == "P1")
    assert p1["detail"] == "ceased 2024-03-25"


def placements(council: GoldenCouncil, person: str, moves: list[tuple[str, str | None, str, str]]) -> None:
    """moves: (start, end, reason for new episode, placement type); one episode per placement."""
    cla_id = f"L{person}"
    council.person(person)
    for n, (start, end, rne, place) in enumerate(moves, start=1):
        pid = f"{person}-PL{n}"
        council.add("ssd_cla_placement", clap_cla_placement_id=pid, clap_cla_id=cla_id, clap_person_id=person,
                    clap_cla_placement_start_date=start, clap_cla_placement_end_date=end,
                    clap_cla_placement_type=place)  # fmt: skip
        episode(council, person, cla_id, start, end, rne=rne, rec="X1" if end else None, placement=pid, number=n,
                entered=moves[0][0])  # fmt: skip


def test_three_or_more_placements_in_the_year(council: GoldenCouncil) -> None:
    # The 12 months to 31 March 2024 run from 1 April 2023.
    placements(
        council,
        "P1",
        [
            ("2022-01-01", "2023-05-01", "S", "U4"),  # open on 1 April 2023: counts
            ("2023-05-01", "2023-09-01", "P", "U4"),
            ("2023-09-01", None, "P", "K2"),
        ],
    )  # 3
    placements(
        council,
        "P2",
        [
            ("2023-01-01", "2023-06-01", "S", "U4"),
            ("2023-06-01", "2023-10-01", "T", "U4"),  # same carer (T): not a new placement
            ("2023-10-01", None, "P", "U6"),
        ],
    )  # 2 placements (3 if T moves count)
    placements(
        council,
        "P3",
        [
            ("2023-05-01", "2023-05-01", "S", "U6"),  # under 24 hours: not counted
            ("2023-05-01", "2023-08-01", "P", "U4"),
            ("2023-08-01", None, "P", "U4"),
        ],
    )  # 2
    placements(
        council,
        "P4",
        [
            ("2022-01-01", "2023-03-31", "S", "U4"),  # ended before the year: not counted
            ("2023-03-31", "2023-12-01", "P", "U4"),
            ("2023-12-01", None, "P", "U4"),
        ],
    )  # 2
    default = council.figure("cla_3plus_placements", "2024-03-31")
    with_t = council.figure("cla_3plus_placements", "2024-03-31", count_same_carer_moves=True)
    assert (default.numerator, default.denominator, default.value) == (1, 4, 25.0)
    assert (with_t.numerator, with_t.denominator, with_t.value) == (2, 4, 50.0)


def test_long_term_stability(council: GoldenCouncil) -> None:
    # Cohort at 31 March 2024: under 16 and looked after since 30 Sep 2021 or before.
    placements(council, "P1", [("2020-01-01", "2021-01-01", "S", "U4"), ("2021-01-01", None, "P", "U4")])  # 3+ yrs
    placements(
        council, "P2", [("2020-01-01", "2023-01-01", "S", "U4"), ("2023-01-01", None, "T", "U4")]
    )  # same carer since 2020: counts
    placements(
        council, "P3", [("2020-01-01", "2023-01-01", "S", "U4"), ("2023-01-01", None, "P", "U4")]
    )  # new carer in 2023: does not
    placements(
        council, "P6", [("2020-06-01", "2023-06-01", "S", "U4"), ("2023-06-01", None, "P", "A5")]
    )  # placed for adoption: foster + adoptive 2+ yrs
    placements(council, "P5", [("2021-10-01", None, "S", "U4")])  # looked after under 2.5 years: not in cohort
    council.person("P4", dob="2008-03-31")  # 16 on the date: not in the cohort
    episode(council, "P4", "LP4", "2015-01-01")
    point = council.figure("cla_long_term_stability", "2024-03-31")
    assert (point.numerator, point.denominator, point.value) == (3, 4, 75.0)


def cla_visit(council: GoldenCouncil, visit_id: str, person: str, day: str, seen: str = "Y") -> None:
    council.add("ssd_cla_visits", clav_cla_visit_id=visit_id, clav_cla_id=f"L{person}", clav_person_id=person,
                clav_cla_visit_date=day, clav_cla_visit_seen=seen)  # fmt: skip


def test_cla_visits_regulation_28(council: GoldenCouncil) -> None:
    placements(council, "P1", [("2024-01-01", "2024-02-20", "S", "U4"), ("2024-02-20", None, "P", "U6")])
    cla_visit(council, "V1", "P1", "2024-01-05")  # 4 days after the placement began: in time (7)
    cla_visit(council, "V2", "P1", "2024-02-16")  # 42 days after 5 Jan: in time
    cla_visit(council, "V3", "P1", "2024-02-28")  # new placement 20 Feb, first visit 8 days on: late
    cla_visit(council, "V4", "P1", "2024-03-20")  # 21 days after the last: in time
    placements(council, "P2", [("2022-01-01", None, "S", "U4")])
    council.add("cscperf_long_term_placements", clap_cla_placement_id="P2-PL1", long_term_from_date="2022-06-01")
    cla_visit(council, "V5", "P2", "2023-12-01")
    cla_visit(council, "V6", "P2", "2024-02-20")  # 81 days: long-term placement past its first year, 3-monthly
    cla_visit(council, "V7", "P2", "2024-03-25", seen="N")  # child not seen
    placements(council, "P3", [("2024-03-20", None, "S", "U6")])  # no visit by 31 Mar (due by 27 Mar): overdue
    february = council.figure("cla_visits_in_time", "2024-02-29")
    march = council.figure("cla_visits_in_time", "2024-03-31")
    # February: V2 and V6 in time, V3 late -> 2 of 3 = 66.7 -> 67 (whole numbers)
    assert (february.numerator, february.denominator, february.value) == (2, 3, 67.0)
    # March: V4 in time; V7 not seen; P3 overdue -> 1 of 3 = 33.3 -> 33
    assert (march.numerator, march.denominator, march.value) == (1, 3, 33.0)
    # With 8 days for the first visit, V3 in February is in time: 3 of 3.
    assert council.figure("cla_visits_in_time", "2024-02-29", cla_visit_first_days=8).value == 100.0


def cla_review(council: GoldenCouncil, person: str, day: str) -> None:
    council.add("ssd_cla_reviews", clar_cla_review_id=f"{person}-{day}", clar_cla_id=f"L{person}",
                clar_cla_review_date=day)  # fmt: skip


def test_cla_reviews_20_working_days_then_3_then_6_months(council: GoldenCouncil) -> None:
    # Friday 28 April 2023: 20 working days on is 31 May 2023, with three bank holidays between (1 May, 8 May
    # Coronation, 29 May): Apr 28 (1), May 2-5 (5), 9-12 (9), 15-19 (14), 22-26 (19), 30 (20).
    in_care(council, "P1", "2023-04-28")
    cla_review(council, "P1", "2023-05-31")  # first, due 31 May: in time
    cla_review(council, "P1", "2023-09-04")  # second, due 31 Aug (3 months): late
    cla_review(council, "P1", "2024-03-01")  # third, due 4 Mar 2024 (6 months): in time
    in_care(council, "P2", "2023-04-28")
    cla_review(council, "P2", "2023-06-01")  # first, a working day late
    may, june = council.figure("cla_reviews_in_time", "2023-05-31"), council.figure("cla_reviews_in_time", "2023-06-30")
    september = council.figure("cla_reviews_in_time", "2023-09-30")
    march = council.figure("cla_reviews_in_time", "2024-03-31")
    assert (may.numerator, may.denominator) == (1, 1)  # P2 not yet overdue on 31 May (exactly 20 working days)
    assert (june.numerator, june.denominator) == (0, 1)  # P2's late first review
    # September: P1's late second review, and P2 overdue (second review was due 1 September)
    assert (september.numerator, september.denominator) == (0, 2)
    # March: P1's third in time; P2 still overdue
    assert (march.numerator, march.denominator) == (1, 2)


def test_cla_reviews_drill_gives_the_overdue_review_and_its_due_date(council: GoldenCouncil) -> None:
    in_care(council, "P1", "2023-04-28")  # review 1 due 31 May 2023 (20 working days, as above): none held
    in_care(council, "P2", "2023-04-28")
    cla_review(council, "P2", "2023-06-01")  # review 2 due 1 September (3 months): none held by 30 September
    in_care(council, "P3", "2023-04-28")
    cla_review(council, "P3", "2023-05-31")
    cla_review(council, "P3", "2023-08-30")  # review 3 due 29 Feb 2024 (6 months, clamped): none by 31 March
    overdue = {r["person_id"]: r["detail"] for r in council.units("cla_reviews_in_time", "2024-03-31")
               if str(r["unit_id"]).startswith("overdue:")}  # fmt: skip
    assert overdue == {
        "P1": "review overdue; review 1 (first, 20 working days after care began) due by 2023-05-31; last review none",
        "P2": "review overdue; review 2 (3 months after review 1) due by 2023-09-01; last review 2023-06-01",
        "P3": "review overdue; review 3 (6 months after review 2) due by 2024-02-29; last review 2023-08-30",
    }


def health(council: GoldenCouncil, person: str, kind: str, day: str, status: str = "Completed") -> None:
    council.add("ssd_cla_health", clah_health_check_id=f"{person}-{kind}-{day}", clah_person_id=person,
                clah_health_check_type=kind, clah_health_check_date=day, clah_health_check_status=status)  # fmt: skip


def test_health_assessments_in_date(council: GoldenCouncil) -> None:
    in_care(council, "P1", "2023-01-01", dob="2020-06-01")  # under 5: six-monthly
    health(council, "P1", "Health Assessment", "2023-10-15")  # within 6 months of 31 Mar 2024: in date
    in_care(council, "P2", "2023-01-01", dob="2020-06-01")
    health(council, "P2", "Health Assessment", "2023-09-29")  # more than 6 months: out of date
    in_care(council, "P3", "2023-01-01", dob="2010-01-01")  # 5 and over: yearly
    health(council, "P3", "Health Assessment", "2023-04-01")  # within 12 months: in date
    health(council, "P3", "Health Assessment", "2024-03-01", status="Refused")  # refused does not count
    in_care(council, "P4", "2023-01-01", dob="2010-01-01")
    health(council, "P4", "Health Assessment", "2023-03-31")  # exactly 12 months: out of date
    in_care(council, "P5", "2024-03-10")  # 14 working days in care: initial assessment not yet due, left out
    point = council.figure("cla_health_assessment_in_date", "2024-03-31")
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


def test_dental_checks_in_date(council: GoldenCouncil) -> None:
    # Every child in care for more than 20 working days at 31 March 2024, not only the OC2 cohort of 12 months.
    in_care(council, "P1", "2022-01-01")
    health(council, "P1", "Dental Check", "2023-04-01")  # within 12 months: in date
    in_care(council, "P2", "2022-01-01")
    health(council, "P2", "Dental Check", "2023-03-31")  # 12 months exactly: out of date
    in_care(council, "P3", "2023-04-01")  # in care since 1 April 2023, no check: out of date
    in_care(council, "P4", "2022-01-01", dob="2022-12-01")  # a baby, no check: out of date (babies count)
    in_care(council, "P5", "2024-02-01")  # new to care; checked before care, within 12 months: in date
    health(council, "P5", "Dental Check", "2023-11-20")
    in_care(council, "P6", "2024-03-10")  # 14 working days in care: not yet in the measure
    point = council.figure("cla_dental_check_in_date", "2024-03-31")
    # numerator P1, P5 = 2; denominator P1-P5 = 5; 2 / 5 = 40%
    assert (point.numerator, point.denominator, point.value) == (2, 5, 40.0)
    # The DfE cohort (looked after since 1 April 2023 or before) leaves out P5, new to care: P1 of P1-P4.
    oc2 = council.figure("oc2_dental_check", "2024-03-31")
    assert (oc2.numerator, oc2.denominator) == (1, 4)


def pep(council: GoldenCouncil, person: str, day: str) -> None:
    council.add("cscperf_pep", pep_id=f"{person}-{day}", pep_person_id=person, pep_cla_id=f"L{person}",
                pep_date=day, pep_status="Completed")  # fmt: skip


def test_peps_in_the_current_or_previous_term(council: GoldenCouncil) -> None:
    # At 31 March 2024 the current term is spring (from 1 January) and the previous is autumn (from 1 Sep).
    in_care(council, "P1", "2022-01-01", dob="2015-01-01")
    pep(council, "P1", "2023-09-01")  # first day of the autumn term: in date
    in_care(council, "P2", "2022-01-01", dob="2015-01-01")
    pep(council, "P2", "2023-08-31")  # summer: out of date
    in_care(council, "P3", "2022-01-01", dob="2020-04-01")  # aged 3: not in scope
    in_care(council, "P4", "2022-01-01", dob="2008-04-01")  # aged 15 (16 tomorrow): in scope
    pep(council, "P4", "2024-01-10")
    in_care(council, "P5", "2024-03-25", dob="2015-01-01")  # 4 working days in care: first PEP not yet due
    episode(council, "P6", "LP6", "2022-01-01")  # no person record, so no age: not in the measure
    pep(council, "P6", "2024-01-10")
    point = council.figure("cla_pep_in_date", "2024-03-31")
    assert (point.numerator, point.denominator, point.value) == (2, 3, 67.0)
    six_months = council.figure("cla_pep_in_date", "2024-03-31", pep_window_months=6)
    assert (six_months.numerator, six_months.denominator) == (1, 3)  # only P4 within 6 months


def test_oc2_health_and_dental(council: GoldenCouncil) -> None:
    # OC2 cohort at 31 March 2024: looked after since 1 April 2023 or before, still looked after.
    in_care(council, "P1", "2022-01-01", dob="2021-01-01")  # under 5: needs two assessments in the year
    health(council, "P1", "Health Assessment", "2023-06-01")
    health(council, "P1", "Health Assessment", "2023-12-01")
    health(council, "P1", "Dental Check", "2023-05-01")
    in_care(council, "P2", "2022-01-01", dob="2021-01-01")  # under 5 with one assessment: not up to date
    health(council, "P2", "Health Assessment", "2023-12-01")
    in_care(council, "P3", "2023-04-01")  # in the cohort (1 April 2023); assessed that day
    health(council, "P3", "Health Assessment", "2023-04-01")
    in_care(council, "P4", "2023-04-02")  # a day short of 12 months: not in the cohort
    in_care(council, "P5", "2020-01-01")  # no health records, but the OC2 return says: assessed, no dental check
    council.add("cscperf_cla_outcomes", person_id="P5", collection_year=2024, health_assessment=True,
                teeth_check=False)  # fmt: skip
    health_point = council.figure("oc2_health_assessment", "2024-03-31")
    dental_point = council.figure("oc2_dental_check", "2024-03-31")
    assert (health_point.numerator, health_point.denominator, health_point.value) == (3, 4, 75.0)
    assert (dental_point.numerator, dental_point.denominator, dental_point.value) == (1, 4, 25.0)


def test_turning_18(council: GoldenCouncil) -> None:
    # 18th birthday 31 March 2024: care ended the day before (E17, staying put) - ceased in March, not
    # looked after on the 31st.
    in_care(council, "P1", "2020-01-01", dob="2006-03-31", until="2024-03-30")
    # An episode never closed for a young person who turned 18 in February: a recording error, not counted.
    in_care(council, "P2", "2020-01-01", dob="2006-02-15")
    in_care(council, "P3", "2020-01-01", dob="2006-04-01")  # 17 on the date, 18 tomorrow: looked after
    assert council.figure("cla_open", "2024-03-31").value == 1
    assert council.figure("cla_ceased", "2024-03-31").value == 1
    assert council.figure("cla_open", "2024-02-14").value == 3  # before either birthday: all three


def test_a_visit_on_the_day_of_placement_counts(council: GoldenCouncil) -> None:
    placements(council, "P1", [("2024-05-01", None, "S", "U4")])
    cla_visit(council, "V1", "P1", "2024-05-01")  # same day: within the week
    cla_visit(council, "V2", "P1", "2024-06-10")  # 40 days after V1: within 6 weeks
    assert council.figure("cla_visits_in_time", "2024-05-31").value == 100.0
    june = council.figure("cla_visits_in_time", "2024-06-30")
    assert (june.numerator, june.denominator) == (1, 1)


def test_an_end_with_no_reason_and_nothing_after_is_a_ceasing(council: GoldenCouncil) -> None:
    episode(council, "P1", "L1", "2023-01-01", "2024-03-10", rec=None)  # reason missing, no further episode
    episode(council, "P2", "L2", "2023-01-01", "2024-03-12", rec=None, number=1)  # reason missing...
    episode(council, "P2", "L2", "2024-03-12", rne="P", number=2)  # ...but care goes on: not a ceasing
    assert council.figure("cla_ceased", "2024-03-31").value == 1


def test_short_break_reviews_are_left_out(council: GoldenCouncil) -> None:
    episode(council, "P1", "LP1", "2023-04-28", "2023-08-01", rec="E13")
    legal(council, "P1", "V3", "2023-04-28", "2023-08-01")
    cla_review(council, "P1", "2023-07-01")  # a short-break review, late on the looked-after timetable
    in_care(council, "P2", "2023-04-28")
    cla_review(council, "P2", "2023-05-31")
    cla_review(council, "P2", "2023-07-01")  # second review within 3 months of the first: in time
    point = council.figure("cla_reviews_in_time", "2023-07-31")
    assert (point.numerator, point.denominator) == (1, 1)


def test_oc2_under_5s_need_two_assessments_on_different_days(council: GoldenCouncil) -> None:
    in_care(council, "P1", "2022-01-01", dob="2021-01-01")
    health(council, "P1", "Health Assessment", "2023-09-01")
    council.add(
        "ssd_cla_health",
        clah_health_check_id="dup",
        clah_person_id="P1",
        clah_health_check_type="Health Assessment",
        clah_health_check_date="2023-09-01",
        clah_health_check_status="Completed",
    )  # the same assessment entered twice
    point = council.figure("oc2_health_assessment", "2024-03-31")
    assert (point.numerator, point.denominator) == (0, 1)


# The fragment finds each episode's periods by equi-joins on its first and last period end; it must give
# exactly the rows of the plain definition: every episode open at each period end, one row for each child.
PLAIN_CLA_AT_PERIOD_END = """
  SELECT e.la_code, p.period_start, p.period_end, e.clae_person_id AS person_id, MIN(e.clae_cla_id) AS cla_id,
         COALESCE(MIN(e.clae_entered_care_date), MIN(e.clae_cla_episode_start_date)) AS entered_care,
         MIN(a.pers_dob) AS pers_dob
  FROM ssd_cla_episodes e
  JOIN report_periods p
    ON e.clae_cla_episode_start_date <= p.period_end
   AND (e.clae_cla_episode_ceased_date IS NULL OR e.clae_cla_episode_ceased_date > p.period_end)
  LEFT JOIN ssd_person a ON a.la_code = e.la_code AND a.pers_person_id = e.clae_person_id
  WHERE (a.pers_dob IS NULL OR a.pers_dob > p.period_end - INTERVAL 18 YEAR)
    AND NOT EXISTS (
    SELECT 1 FROM ssd_legal_status l
    WHERE l.la_code = e.la_code AND l.lega_person_id = e.clae_person_id
      AND l.lega_legal_status IN ('V3', 'V4')
      AND l.lega_legal_status_start_date <= p.period_end
      AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date > p.period_end))
  GROUP BY e.la_code, p.period_start, p.period_end, e.clae_person_id
"""


def test_cla_at_period_end_are_the_episodes_open_at_each_period_end(council: GoldenCouncil) -> None:
    from cscperf.indicators.engine import set_periods
    from cscperf.indicators.settings import IndicatorSettings
    from cscperf.indicators.sql_text import fragment_sql
    from cscperf.reporting_periods import month

    in_care(council, "P1", "2019-01-01")  # before every period, still open
    in_care(council, "P2", "2022-01-01", until="2023-04-30")  # ceased on a period end: not looked after at it
    in_care(council, "P3", "2023-05-01", until="2023-05-30")  # between two period ends: never
    in_care(council, "P4", "2023-05-31", until="2023-07-01")  # from one period end to the day after the next
    in_care(council, "P5", "2030-01-01")  # after every period
    council.person("P6", dob="2012-01-01")  # two episodes, one period of care; and a second at once (an error)
    episode(council, "P6", "LP6b", "2023-03-01", "2023-06-10", rec="X1", number=1, entered="2023-02-01")
    episode(council, "P6", "LP6b", "2023-06-10", rne="P", number=2, entered="2023-02-01")
    episode(council, "P6", "LP6a", "2023-06-20", "2023-07-15", rec="E8", entered=None)
    in_care(council, "P7", "2022-01-01")  # on a short break (V3) at 30 June only
    legal(council, "P7", "V3", "2023-06-01", "2023-07-31")
    legal(council, "P7", "C2", "2022-01-01", None)
    in_care(council, "P8", "2020-01-01", dob="2005-05-31")  # 18 on 31 May 2023, never ceased: not after
    episode(council, "P9", "LP9", "2023-04-15")  # no person record: counted
    settings = IndicatorSettings()
    assert_fragment_matches_plain(council, "cla_at_period_end", PLAIN_CLA_AT_PERIOD_END)
    for con in council.stores():  # and on PostgreSQL
        set_periods(con, [month(2023, 4), month(2023, 5), month(2023, 6), month(2023, 7)])
        found = con.execute(f"SELECT period_end, person_id, cla_id, entered_care "
                            f"FROM ({fragment_sql('cla_at_period_end', settings)}) c").fetchall()  # fmt: skip
        by_date: dict[str, list[str]] = {}
        for day, person, cla_id, entered in sorted(found):
            by_date.setdefault(day.isoformat(), []).append(f"{person} {cla_id} {entered.isoformat()}")
        assert by_date == {
            "2023-04-30": ["P1 LP1 2019-01-01", "P6 LP6b 2023-02-01", "P7 LP7 2022-01-01", "P8 LP8 2020-01-01",
                           "P9 LP9 2023-04-15"],
            "2023-05-31": ["P1 LP1 2019-01-01", "P4 LP4 2023-05-31", "P6 LP6b 2023-02-01", "P7 LP7 2022-01-01",
                           "P9 LP9 2023-04-15"],
            "2023-06-30": ["P1 LP1 2019-01-01", "P4 LP4 2023-05-31", "P6 LP6a 2023-02-01", "P9 LP9 2023-04-15"],
            "2023-07-31": ["P1 LP1 2019-01-01", "P6 LP6b 2023-02-01", "P7 LP7 2022-01-01", "P9 LP9 2023-04-15"],
        }  # fmt: skip


# The "due" fragments find each child's latest event at each period end by the events' spans of period ends
# (current_at_period_ends); each must give exactly the rows of the plain definition: the latest event on or
# before the period end (the latest date: events on one day are one), for each child looked after at it.
PLAIN_CLA_VISIT_LAST_SEEN = """
  SELECT c.la_code, c.period_start, c.period_end, c.person_id, k.placement_id, MAX(v.visit_date) AS last_seen
  FROM ({{> cla_at_period_end}}) c
  JOIN ({{> cla_visit_placements}}) k ON k.la_code = c.la_code AND k.person_id = c.person_id
   AND k.placed <= c.period_end AND (k.placement_end IS NULL OR k.placement_end > c.period_end)
  LEFT JOIN ({{> cla_visits_by_placement}}) v
    ON v.placement_key = k.placement_key AND v.child_seen AND v.visit_date <= c.period_end
  GROUP BY c.la_code, c.period_start, c.period_end, c.person_id, k.placement_id
"""


def test_cla_visit_due_at_period_end_has_the_last_visit_the_child_was_seen_at(council: GoldenCouncil) -> None:
    placements(council, "P1", [("2023-01-01", None, "S", "U4")])
    for visit_id, day, seen in VISITS_AROUND_PERIOD_ENDS:
        cla_visit(council, visit_id, "P1", day, seen=seen)
    # A placement ending on a period end, and the next starting that day with a visit on it (it belongs to the
    # new placement); care ends on 31 July, a period end: no row then.
    placements(council, "P2", [("2023-01-01", "2023-05-31", "S", "U4"), ("2023-05-31", "2023-07-31", "P", "U4")])
    cla_visit(council, "V8", "P2", "2023-05-20")
    cla_visit(council, "V9", "P2", "2023-05-31")
    placements(council, "P3", [("2023-08-01", None, "S", "U4")])  # never visited
    columns = "la_code, period_start, period_end, person_id, placement_id, last_seen"
    assert_fragment_matches_plain(council, "cla_visit_due_at_period_end", PLAIN_CLA_VISIT_LAST_SEEN, columns=columns)


# Each child looked after at each period end with their episodes' period of care, its latest review held on or
# before the period end (cancelled ones left out) and the number held by then.
PLAIN_CLA_LAST_REVIEW = """
  SELECT c.la_code, c.period_start, c.period_end, c.person_id, c.cla_id, MAX(r.held) AS last_review,
         COUNT(r.held) AS reviews_held
  FROM ({{> cla_at_period_end}}) c
  LEFT JOIN ({{> cla_reviews_held}}) r ON r.la_code = c.la_code AND r.cla_id = c.cla_id AND r.held <= c.period_end
  GROUP BY c.la_code, c.period_start, c.period_end, c.person_id, c.cla_id
"""


def test_cla_review_due_at_period_end_has_the_last_review_held(council: GoldenCouncil) -> None:
    in_care(council, "P1", "2023-01-01")
    for day in ["2023-02-10", "2023-04-30", "2023-06-30", "2030-01-01"]:  # before, on a period end, after all
        cla_review(council, "P1", day)
    council.add("ssd_cla_reviews", clar_cla_review_id="P1-again", clar_cla_id="LP1", clar_cla_review_date="2023-06-30")
    council.add("ssd_cla_reviews", clar_cla_review_id="P1-off", clar_cla_id="LP1", clar_cla_review_date="2023-07-15",
                clar_cla_review_cancelled="Y")  # fmt: skip
    in_care(council, "P2", "2022-01-01", until="2023-05-31")  # care ends on a period end
    cla_review(council, "P2", "2023-03-15")
    episode(council, "P2", "LP2b", "2023-07-01")  # back in care: a new period of care, its own reviews
    council.add("ssd_cla_reviews", clar_cla_review_id="P2-b", clar_cla_id="LP2b", clar_cla_review_date="2023-08-10")
    in_care(council, "P3", "2023-08-01")  # no review yet
    assert_fragment_matches_plain(council, "cla_review_due_at_period_end", PLAIN_CLA_LAST_REVIEW,
                                  columns="la_code, period_start, period_end, person_id, cla_id, last_review, "
                                          "reviews_held")  # fmt: skip


# Each child looked after at each period end and their latest completed health assessment, dental check or PEP
# on or before it (whenever it was: before this period of care too).
PLAIN_LAST_CHECK = """
  SELECT c.la_code, c.period_start, c.period_end, c.person_id, MAX(h.clah_health_check_date) AS last_check
  FROM ({{> cla_at_period_end}}) c
  JOINS
  LEFT JOIN ssd_cla_health h ON h.la_code = c.la_code AND h.clah_person_id = c.person_id
   AND h.clah_health_check_type = 'KIND' AND COALESCE(h.clah_health_check_status, 'Completed') = 'Completed'
   AND h.clah_health_check_date <= c.period_end
  GROUP BY c.la_code, c.period_start, c.period_end, c.person_id
"""
PLAIN_LAST_PEP = """
  SELECT c.la_code, c.period_start, c.period_end, c.person_id, MAX(p.pep_date) AS last_check
  FROM ({{> cla_at_period_end}}) c
  LEFT JOIN cscperf_pep p ON p.la_code = c.la_code AND p.pep_person_id = c.person_id
   AND COALESCE(p.pep_status, 'Completed') = 'Completed' AND p.pep_date <= c.period_end
  GROUP BY c.la_code, c.period_start, c.period_end, c.person_id
"""
CARE_PERIOD = "JOIN ({{> care_periods}}) k ON k.la_code = c.la_code AND k.cla_id = c.cla_id"


@pytest.mark.parametrize(
    ("fragment", "plain", "last"),
    [
        ("cla_health_due_at_period_end", PLAIN_LAST_CHECK.replace("JOINS", "").replace("KIND", "Health Assessment"),
         "last_assessment"),
        ("cla_dental_due_at_period_end", PLAIN_LAST_CHECK.replace("JOINS", CARE_PERIOD).replace("KIND", "Dental Check"),
         "last_check"),
        ("cla_pep_due_at_period_end", PLAIN_LAST_PEP, "last_pep"),
    ],
)  # fmt: skip
def test_health_dental_and_pep_due_at_period_end_have_the_latest_completed(
    council: GoldenCouncil, fragment: str, plain: str, last: str
) -> None:
    kind = "Dental Check" if "dental" in fragment else "Health Assessment"

    def check(person: str, day: str, number: int = 1, status: str = "Completed") -> None:
        if "pep" in fragment:
            council.add("cscperf_pep", pep_id=f"{person}-{day}-{number}", pep_person_id=person,
                        pep_cla_id=f"L{person}", pep_date=day, pep_status=status)  # fmt: skip
        else:
            council.add("ssd_cla_health", clah_health_check_id=f"{person}-{day}-{number}",
                        clah_person_id=person, clah_health_check_type=kind, clah_health_check_date=day,
                        clah_health_check_status=status)  # fmt: skip

    in_care(council, "P1", "2023-01-01")
    check("P1", "2022-11-10")  # before care and before every period end
    check("P1", "2023-04-30")  # on a period end: the latest at it
    check("P1", "2023-05-31", status="Refused")  # not completed: 30 April stays the latest at 31 May
    check("P1", "2023-06-30")  # two on one day, on a period end
    check("P1", "2023-06-30", number=2)
    check("P1", "2030-01-01")  # after every period end
    health(council, "P1", "Dental Check" if kind != "Dental Check" else "Health Assessment", "2023-08-15")  # other
    in_care(council, "P2", "2022-01-01", until="2023-05-31")  # care ends on a period end, and starts again
    check("P2", "2023-03-15")  # the latest when care begins again
    episode(council, "P2", "LP2b", "2023-07-01")
    in_care(council, "P3", "2023-08-01")  # none
    council.person("P4")  # never looked after
    check("P4", "2023-05-01")
    assert_fragment_matches_plain(council, fragment, plain.replace("last_check", last),
                                  columns=f"la_code, period_start, period_end, person_id, {last}")  # fmt: skip
