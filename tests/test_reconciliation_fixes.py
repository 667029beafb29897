"""Issue 10, items 1 to 5: the fixes from the reconciliation with an independent implementation. Every case is
hand-made (not the public samples) and its expected figure is worked out by hand beside it. Items 6 and 7
(coverage) are in test_coverage.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cscperf.indicators.engine import compute, drill
from cscperf.indicators.series import series_periods
from cscperf.loading.session import load_files
from cscperf.reporting_periods import month
from cscperf.store.database import open_store

from .golden import GoldenCouncil
from .test_indicators_care import placements


# ------------------------------------------------------------------------------------------ item 1
def test_same_carer_changes_neither_add_nor_remove_a_placement(council: GoldenCouncil) -> None:
    # At 31 March 2024 the 12 months run from 1 April 2023.
    placements(council, "A", [("2021-01-01", "2022-06-01", "S", "U4"),  # ended before the year
                              ("2022-06-01", None, "T", "U4")])  # fmt: skip
    # A: one placement all year; it began with T (the carer moved house), so it continues the S placement with
    # the same carer. 1 placement (the old rule dropped every T placement: 0).
    placements(council, "B", [("2022-01-01", "2022-10-01", "S", "U4"),
                              ("2022-10-01", "2023-06-25", "T", "U4"),  # open on 1 April 2023
                              ("2023-06-25", "2024-03-17", "P", "U6"),
                              ("2024-03-17", None, "P", "K2")])  # fmt: skip
    # B: the T placement open on 1 April (with the S before it, one carer), then moves on 25 June and 17 March:
    # 3 placements, counted (the old rule: 2, not counted).
    placements(council, "C", [("2023-05-01", "2023-08-01", "S", "U4"),
                              ("2023-08-01", "2023-11-01", "T", "U4"),  # same carer: not a new placement
                              ("2023-11-01", None, "P", "U6")])  # fmt: skip
    # C: S and T are one carer, then P: 2 placements.
    figure = council.figure("cla_3plus_placements", "2024-03-31")
    assert (figure.numerator, figure.denominator, figure.value) == (1, 3, 33.0)  # B of A, B, C: 33.3% -> 33
    detail = {r["person_id"]: r["detail"] for r in council.units("cla_3plus_placements", "2024-03-31")}
    assert detail == {"A": "1 placement in 12 months", "B": "3 placements in 12 months",
                      "C": "2 placements in 12 months"}  # fmt: skip
    # Counting same-carer moves (the setting): A 1 (its S ended before the year), B 3 (T, P, P), C 3 (S, T, P).
    every = council.figure("cla_3plus_placements", "2024-03-31", count_same_carer_moves=True)
    assert (every.numerator, every.denominator, every.value) == (2, 3, 67.0)  # 66.7% -> 67


def test_a_t_placement_whose_earlier_placement_is_not_held(council: GoldenCouncil) -> None:
    # One year of SSDA903 returns holds only the episodes open in the year: D's T placement, open on 1 April
    # 2023, is the first placement of the period of care the store has. It is D's placement (1), and for
    # long-term stability it counts from its own start (the carer's earlier placement is not known).
    placements(council, "D", [("2019-06-01", None, "T", "U4")])
    detail = {r["person_id"]: r["detail"] for r in council.units("cla_3plus_placements", "2024-03-31")}
    assert detail == {"D": "1 placement in 12 months"}
    # Stability at 31 March 2024: under 16 (born 1 June 2015), in care since 1 June 2019 (4 years 10 months,
    # at least 2.5 years), with the same carer since 1 June 2019 (at least 2 years): 1 of 1.
    stable = council.figure("cla_long_term_stability", "2024-03-31")
    assert (stable.numerator, stable.denominator, stable.value) == (1, 1, 100.0)


def test_long_term_stability_joins_same_carer_placements(council: GoldenCouncil) -> None:
    # E: with carer X since 1 Jan 2020 (S), X moved house on 1 Jan 2023 (T): same carer for 4 years 3 months.
    placements(council, "E", [("2020-01-01", "2023-01-01", "S", "U4"), ("2023-01-01", None, "T", "U4")])
    # F: in care since 1 Jan 2020, a new carer on 1 Jan 2023 (P): 1 year 3 months with the current carer.
    placements(council, "F", [("2020-01-01", "2023-01-01", "S", "U4"), ("2023-01-01", None, "P", "U4")])
    stable = council.figure("cla_long_term_stability", "2024-03-31")
    assert (stable.numerator, stable.denominator, stable.value) == (1, 2, 50.0)  # E of E and F


# ------------------------------------------------------------------------------------------ item 2
EPISODES_HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def _903(folder: Path, *rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "episodes.csv").write_text(EPISODES_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return folder


def test_a_child_open_at_one_return_and_absent_from_the_next(tmp_path: Path) -> None:
    # 2022-23 return: H in care since 10 Jan 2023, open at 31 March 2023; K since 1 June 2022, open.
    # 2023-24 return: K still open, M from 1 Sept 2023; H is not in it. H was looked after on 31 March 2023
    # (the 2022-23 return says so); care ended after, on a date no return gives.
    y23 = _903(tmp_path / "2023", "H,10/01/2023,S,C2,N1,U4,PR1,,,,,,", "K,01/06/2022,S,C2,N1,U4,PR1,,,,,,")
    y24 = _903(tmp_path / "2024", "K,01/06/2022,S,C2,N1,U4,PR1,,,,,,", "M,01/09/2023,S,C2,N1,U4,PR1,,,,,,")
    con = open_store(tmp_path / "store.duckdb")
    summary = load_files(con, [y23, y24], la_code="873")
    assert summary.files[0].details["repairs"] == {"repair: care ended without an end date": 1}
    years = series_periods(dt.date(2024, 3, 31), 2, "financial-year")  # 2022-23 and 2023-24
    found = {r.indicator.id: [p.value for p in r.points]
             for r in compute(con, years, ids=["cla_open", "cla_started", "cla_ceased"])}  # fmt: skip
    # At 31 March 2023: H and K (2; before the fix H's episode was closed on 31 March: 1). At 31 March 2024:
    # K and M (2). Started: H and K in 2022-23 (2), M in 2023-24 (1). Ceased: nobody in 2022-23 (before the
    # fix: H), and nobody counted in 2023-24: the DfE's 2023-24 figures come from a return without H.
    assert found == {"cla_open": [2, 2], "cla_started": [2, 1], "cla_ceased": [0, 0]}
    # The drill-down of April 2023 lists H, not counted, with why.
    [row] = drill(con, "cla_ceased", month(2023, 4), la_codes=["873"])
    assert (row["person_id"], row["in_numerator"]) == ("H", False)
    assert row["detail"].startswith("not counted: looked after at 2023-03-31 as the SSDA903 return says")
    # The returns written back from the store say what the council's said: H open at the end of 2022-23,
    # and absent from 2023-24 (never a made-up end date or reason).
    from cscperf.returns.ssda903_rows import read_tables

    def episodes(year: int) -> list[tuple[str, str, str]]:
        return [(e["CHILD"], e["DEC"], e["REC"]) for e in read_tables(con, "873", year)["episodes"]]

    assert episodes(2023) == [("H", "", ""), ("K", "", "")]
    assert episodes(2024) == [("K", "", ""), ("M", "", "")]
    con.close()


# ------------------------------------------------------------------------------------------ item 3
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
OC2 = ("CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
       "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n")  # fmt: skip
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"


def _table(path: Path, header: str, *rows: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")


def test_a_folder_of_several_years_of_903_tables(tmp_path: Path) -> None:
    # One folder, as councils keep them: each year's tables told apart by their names, three ways.
    folder = tmp_path / "returns"
    for year, name in ((2019, "{y}-{t}.csv"), (2020, "{t}_{y}.csv"), (2021, "{y}/{t}.csv")):
        child, day = f"C{year}", f"01/06/{year - 1}"  # in care from 1 June of the year's first summer
        _table(folder / name.format(y=year, t="header"), HEADER, f"{child},1,01/01/2012,WBRI,,,")
        _table(folder / name.format(y=year, t="episodes"), EPISODES_HEADER, f"{child},{day},S,C2,N1,U4,PR1,,,,,,")
        _table(folder / name.format(y=year, t="oc2"), OC2, f"{child},01/01/2012,10,,0,,1,1,1,0,,")
    # 2022's reviews, three recorded ahead in 2026: their name says 2022, not their dates.
    _table(folder / "2022" / "reviews.csv", REVIEWS, "C2021,01/01/2012,10/06/2021,PN1",
           *[f"C2021,01/01/2012,0{m}/01/2026,PN1" for m in (1, 2, 3)])  # fmt: skip
    # An OC2 table whose year nothing tells (no dates, no year in its name, several years beside it).
    _table(folder / "oc2.csv", OC2, "C2019,01/01/2012,10,,0,,1,1,1,0,,", "C2020,01/01/2012,10,,0,,1,1,1,0,,")
    con = open_store(tmp_path / "store.duckdb")
    summary = load_files(con, [folder], la_code="873")
    years = {f.path.relative_to(folder).as_posix(): f.collection_year for f in summary.files if f.not_loaded is None}
    assert years == {
        "2019-header.csv": 2019, "2019-episodes.csv": 2019, "2019-oc2.csv": 2019,
        "header_2020.csv": 2020, "episodes_2020.csv": 2020, "oc2_2020.csv": 2020,
        "2021/header.csv": 2021, "2021/episodes.csv": 2021, "2021/oc2.csv": 2021,
        "2022/reviews.csv": 2022,
    }  # fmt: skip
    # Every OC2 row of the named tables is kept, by its year (before: all rejected, "collection year unknown").
    assert con.execute("SELECT person_id, collection_year FROM cscperf_cla_outcomes ORDER BY 2").fetchall() == [
        ("C2019", 2019), ("C2020", 2020), ("C2021", 2021)
    ]  # fmt: skip
    # The unnamed OC2 table: one message, not a reject for each of its 2 records.
    [unnamed] = [f for f in summary.files if f.not_loaded is not None]
    assert unnamed.path.name == "oc2.csv" and "cannot be told" in unnamed.not_loaded
    assert con.execute("SELECT count(*) FROM cscperf_load_rejects WHERE severity = 'fatal'").fetchone() == (0,)
    # The 3 reviews after 31 March 2022 are warnings, each with its line.
    late = con.execute("SELECT source_location FROM cscperf_load_rejects WHERE rule = 'date after the return''s year' "
                       "ORDER BY 1").fetchall()  # fmt: skip
    assert late == [("reviews.csv:3",), ("reviews.csv:4",), ("reviews.csv:5",)]
    con.close()


def test_a_year_the_name_gives_when_the_dates_cannot(tmp_path: Path) -> None:
    # 2023-24's episodes all began in earlier years (J since 1 June 2022, open): the dates alone say 2022-23,
    # the folder says 2024, and a return cannot hold dates after its year, so 2024 it is.
    y24 = _903(tmp_path / "2024", "J,01/06/2022,S,C2,N1,U4,PR1,,,,,,")
    con = open_store(tmp_path / "store.duckdb")
    [file] = load_files(con, [y24], la_code="873").files
    assert file.collection_year == 2024 and "the name" in file.details["collection_year_from"]
    con.close()


# ------------------------------------------------------------------------------------------ item 4
def test_census_dates_after_the_year_or_today_are_flagged(tmp_path: Path) -> None:
    from .test_load_cin_census import child_xml, episode_xml, message

    # The 2023-24 census (year end 31 March 2024): R1 referred 2 May 2023 (fine), R2 on 12 May 2024 (after
    # the year), R3 on 1 January 2030 (after the year and after today).
    children = "".join(child_xml(c, episodes=episode_xml(day)) for c, day in
                       (("R1", "2023-05-02"), ("R2", "2024-05-12"), ("R3", "2030-01-01")))  # fmt: skip
    path = tmp_path / "census.xml"
    path.write_text(message(children, year=2024), encoding="utf-8")
    con = open_store(tmp_path / "store.duckdb")
    [file] = load_files(con, [path]).files
    flagged = con.execute(
        "SELECT rule, severity, field_name, field_value, source_location FROM cscperf_load_rejects "
        "WHERE rule LIKE 'date%' ORDER BY field_value"
    ).fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in flagged] == [
        ("date after the return's year", "warning", "CINreferralDate", "2024-05-12"),
        ("date in the future", "warning", "CINreferralDate", "2030-01-01"),
    ]
    assert all(r[4].startswith("census.xml:") for r in flagged)  # each with its line
    assert file.loaded == file.read  # flagged, not rejected: the records are kept as sent
    con.close()


# ------------------------------------------------------------------------------------------ item 5
def test_no_assessment_is_dropped_from_the_45_day_measure(council: GoldenCouncil) -> None:
    def assessment(unit: str, start: str, auth: str) -> None:
        council.add("ssd_cin_assessments", cina_assessment_id=unit, cina_person_id=f"P{unit}",
                    cina_assessment_start_date=start, cina_assessment_auth_date=auth)  # fmt: skip

    assessment("A", "2024-03-01", "2024-03-05")  # Fri 1 to Tue 5 March: Fri 1, Mon 4 = 2 working days: in time
    assessment("B", "1975-03-03", "2024-03-12")  # a 1970s start (as in a DfE test file): measured, 49 years late
    assessment("C", "2024-03-20", "2024-03-15")  # authorised before it started: cannot be measured
    assessment("D", "1850-06-01", "2024-03-20")  # before the working-day calendar (1900-2100): cannot be measured
    # All four were completed in March 2024.
    assert council.figure("assessments_completed", "2024-03-31").value == 4
    # In time: A of all four (the two that cannot be measured count as not shown to be in time): 1/4 = 25.0%.
    # Before the fix B, C and D were silently left out: 1 of 1, 100%.
    within = council.figure("assessments_within_45wd", "2024-03-31")
    assert (within.numerator, within.denominator, within.value, within.not_measurable) == (1, 4, 25.0, 2)
    rows = council.units("assessments_within_45wd", "2024-03-31")
    assert [(r["unit_id"], r["measured"], r["in_numerator"]) for r in rows] == [
        ("C", False, False), ("D", False, False), ("B", True, False), ("A", True, True)
    ]  # fmt: skip
    details = {r["unit_id"]: r["detail"] for r in rows}
    assert details["C"] == "not measurable: authorised 2024-03-15, before its start 2024-03-20"
    assert details["D"] == (
        "not measurable: started 1850-06-01, authorised 2024-03-20 (outside the working-day calendar, 1900-2100)"
    )
    assert details["A"] == "2 working days"


# ------------------------------------------------------------------------------------------ the sweep
def _plan(council: GoldenCouncil, plan: str, child: str, start: str) -> None:
    council.add("ssd_cp_plans", cppl_cp_plan_id=plan, cppl_person_id=child, cppl_cp_plan_start_date=start)


def test_a_child_with_two_open_plans_keeps_the_plan_that_qualifies(council: GoldenCouncil) -> None:
    # X's plan P1 began 1 Jan 2023 and was reviewed in time (20 Mar 2023, by 1 Apr; 10 Sep 2023, by 20 Sep;
    # 1 Mar 2024, by 10 Mar; the next is due by 1 Sep 2024). A duplicate plan, P0, was opened on 1 Mar 2024.
    # At 31 March 2024 X is on a plan open 3 months or more: 1 of 1 in time (before the fix the child took
    # the plan with the lowest id, P0, not yet 3 months old, and dropped out: no figure).
    _plan(council, "P1", "X", "2023-01-01")
    _plan(council, "P0", "X", "2024-03-01")
    for day in ("2023-03-20", "2023-09-10", "2024-03-01"):
        council.add("ssd_cp_reviews", cppr_cp_review_id=f"P1-{day}", cppr_cp_plan_id="P1", cppr_person_id="X",
                    cppr_cp_review_date=day)  # fmt: skip
    reviews = council.figure("cp_reviews_in_time", "2024-03-31")
    assert (reviews.numerator, reviews.denominator, reviews.value) == (1, 1, 100.0)
    assert council.figure("cp_plans_open", "2024-03-31").value == 1  # one child, however many plans


def test_cp_visits_recorded_without_their_plan(council: GoldenCouncil) -> None:
    # Y on plan P2 from 1 Jan 2024; the case system records visits without the plan (cppv_cp_plan_id empty).
    # Visits (all seen): Mon 26 Feb, Mon 4 Mar (5 working days after), Thu 14 Mar (8), Fri 22 Mar (6); at
    # 31 March the last was 5 working days ago (22, 25-28 Mar; Good Friday 29 Mar is a bank holiday): none
    # overdue. March: 3 of 3 in time, 100% (before: the visits were dropped and Y counted overdue, 0 of 1).
    _plan(council, "P2", "Y", "2024-01-01")
    for day in ("2024-02-26", "2024-03-04", "2024-03-14", "2024-03-22"):
        council.add("ssd_cp_visits", cppv_cp_visit_id=f"V{day}", cppv_person_id="Y", cppv_cp_visit_date=day,
                    cppv_cp_visit_seen="Y")  # fmt: skip
    visits = council.figure("cp_visits_in_time", "2024-03-31")
    assert (visits.numerator, visits.denominator, visits.value) == (3, 3, 100.0)


def test_a_start_of_care_with_no_reason_recorded(council: GoldenCouncil) -> None:
    # Z's only episode began 5 March 2024 with no reason for new episode: a start (before: not counted).
    # W began care on 1 June 2023 (S) and moved on 10 March 2024 into an episode with no reason: that episode
    # continues care (the first ended that day), not a start.
    council.add("ssd_cla_episodes", clae_cla_episode_id="Z1", clae_person_id="Z", clae_cla_id="LZ",
                clae_cla_episode_start_date="2024-03-05")  # fmt: skip
    council.add("ssd_cla_episodes", clae_cla_episode_id="W1", clae_person_id="W", clae_cla_id="LW",
                clae_cla_episode_start_date="2023-06-01", clae_cla_episode_start_reason="S",
                clae_cla_episode_ceased_date="2024-03-10", clae_cla_episode_ceased_reason="X1")  # fmt: skip
    council.add("ssd_cla_episodes", clae_cla_episode_id="W2", clae_person_id="W", clae_cla_id="LW",
                clae_cla_episode_start_date="2024-03-10")  # fmt: skip
    started = council.figure("cla_started", "2024-03-31")
    assert started.value == 1
    assert [r["person_id"] for r in council.units("cla_started", "2024-03-31")] == ["Z"]


def test_cla_visits_recorded_without_their_period_of_care(council: GoldenCouncil) -> None:
    # V placed on 1 Jan 2024; visits recorded without the period of care: 5 Jan (due by 8 Jan, 7 days),
    # 10 Feb (by 16 Feb, 42 days after 5 Jan), 15 Mar (by 23 Mar). March: 1 visit, in time; at 31 March the
    # next is due by 26 April, not overdue: 1 of 1, 100% (before: the visits were dropped and V counted
    # never visited, 0 of 1).
    placements(council, "V", [("2024-01-01", None, "S", "U4")])
    for day in ("2024-01-05", "2024-02-10", "2024-03-15"):
        council.add("ssd_cla_visits", clav_cla_visit_id=f"V{day}", clav_person_id="V", clav_cla_visit_date=day,
                    clav_cla_visit_seen="Y")  # fmt: skip
    visits = council.figure("cla_visits_in_time", "2024-03-31")
    assert (visits.numerator, visits.denominator, visits.value) == (1, 1, 100.0)


def test_a_care_end_with_reason_x1_and_no_next_episode(council: GoldenCouncil) -> None:
    # U's only episode ended on 20 March 2024 with reason X1 ("a new episode follows"), but none does: care
    # ended, and U counts as ceasing (before: dropped, as if another episode followed).
    council.add("ssd_cla_episodes", clae_cla_episode_id="U1", clae_person_id="U", clae_cla_id="LU",
                clae_cla_episode_start_date="2023-01-01", clae_cla_episode_start_reason="S",
                clae_cla_episode_ceased_date="2024-03-20", clae_cla_episode_ceased_reason="X1")  # fmt: skip
    assert council.figure("cla_ceased", "2024-03-31").value == 1
