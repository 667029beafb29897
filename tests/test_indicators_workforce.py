"""Golden tests: caseloads, vacancy, agency and turnover rates at 30 September 2023. Worked by hand."""

from __future__ import annotations

from .golden import GoldenCouncil, assert_fragment_matches_plain

CENSUS = "2023-09-30"


def worker(council: GoldenCouncil, worker_id: str, fte: float, *, qualified: bool = True, agency: bool = False) -> None:
    council.add("ssd_professionals", prof_professional_id=worker_id, prof_full_time_equivalency=fte,
                prof_social_worker_registration_no="SW1" if qualified else None,
                prof_agency_worker_flag="Y" if agency else "N")  # fmt: skip


def allocate(council: GoldenCouncil, worker_id: str, person: str, start: str, end: str | None = None) -> None:
    council.add("ssd_involvements", invo_involvements_id=f"{worker_id}-{person}-{start}",
                invo_professional_id=worker_id, invo_person_id=person, invo_involvement_start_date=start,
                invo_involvement_end_date=end, invo_professional_team="T1")  # fmt: skip


def caseloads(council: GoldenCouncil) -> None:
    worker(council, "W1", 1.0)
    for person in ("P1", "P2", "P3"):
        allocate(council, "W1", person, "2023-01-01")  # 3 cases
    worker(council, "W2", 0.5, agency=True)  # agency workers count
    allocate(council, "W2", "P4", "2023-06-01")
    allocate(council, "W2", "P5", "2023-06-01", "2023-09-29")  # ended before the date
    worker(council, "W3", 1.0)  # no cases (an IRO): not in the denominator
    worker(council, "W4", 1.0, qualified=False)  # not a registered social worker: not counted
    allocate(council, "W4", "P6", "2023-01-01")
    worker(council, "W5", 1.0)
    allocate(council, "W5", "P7", "2023-01-01")
    allocate(council, "W5", "P7", "2023-08-01")  # the same child twice: one case


def test_average_caseload(council: GoldenCouncil) -> None:
    caseloads(council)
    point = council.figure("sw_average_caseload", CENSUS)
    # (3 + 1 + 1) cases / (1.0 + 0.5 + 1.0) FTE holding cases = 2.0
    assert (point.numerator, point.denominator, point.value) == (5, 2.5, 2.0)


def test_caseloads_over_target(council: GoldenCouncil) -> None:
    caseloads(council)
    point = council.figure("sw_caseload_over_target", CENSUS, caseload_target=2)
    # W1 3 per FTE (over 2); W2 1 case / 0.5 FTE = 2 (not over); W5 1 -> 1 of 3 = 33.3 -> 33
    assert (point.numerator, point.denominator, point.value) == (1, 3, 33.0)


def post(council: GoldenCouncil, post_id: str, *, qualified: bool = True, end: str | None = None) -> None:
    council.add("cscperf_sw_posts", post_id=post_id, post_team_id="T1", post_fte=1.0, post_start_date="2015-01-01",
                post_end_date=end, post_qualified=qualified, post_case_holding=True)  # fmt: skip


def assignment(
    council: GoldenCouncil, assignment_id: str, post_id: str, start: str, end: str | None, fte: float,
    contract: str, *, cover: str | None = None, end_reason: str | None = None,
) -> None:  # fmt: skip
    council.add("cscperf_sw_assignments", assignment_id=assignment_id, assignment_post_id=post_id,
                assignment_professional_id=assignment_id, assignment_start_date=start, assignment_end_date=end,
                assignment_fte=fte, contract_type=contract, cover_reason=cover, end_reason=end_reason)  # fmt: skip


def establishment(council: GoldenCouncil) -> None:
    post(council, "S1")
    assignment(council, "E1", "S1", "2020-01-01", None, 1.0, "employed")  # filled
    post(council, "S2")
    assignment(council, "E0", "S2", "2019-01-01", "2023-01-31", 1.0, "employed", end_reason="left_council")
    assignment(
        council, "A0", "S2", "2023-02-01", "2023-03-01", 1.0, "agency", cover="vacancy", end_reason="contract_ended"
    )  # agency leavers are not turnover
    assignment(council, "A1", "S2", "2023-03-02", None, 1.0, "agency", cover="vacancy")  # vacant, agency cover
    post(council, "S3")
    assignment(council, "E2", "S3", "2021-01-01", None, 0.6, "employed")  # 0.4 FTE vacant
    post(council, "S4")
    assignment(council, "E3", "S4", "2018-01-01", None, 1.0, "employed")  # on maternity leave: still in post
    assignment(council, "A2", "S4", "2023-05-01", None, 1.0, "agency", cover="maternity")
    post(council, "S5", qualified=False)  # not a social work post: left out
    post(council, "S6", end="2023-06-30")  # deleted before the date
    assignment(council, "E4", "S6", "2019-01-01", "2023-05-31", 1.0, "employed", end_reason="moved_post")
    assignment(council, "E5", "S1", "2015-01-01", "2022-09-30", 1.0, "employed", end_reason="left_council")


def test_vacancy_rate(council: GoldenCouncil) -> None:
    establishment(council)
    point = council.figure("sw_vacancy_rate", CENSUS)
    # vacancies S2 1.0 + S3 0.4 = 1.4 FTE; employed E1 1.0 + E2 0.6 + E3 1.0 = 2.6 -> 1.4 / 4.0 = 35.0%
    assert (point.numerator, point.denominator, point.value) == (1.4, 4.0, 35.0)


def test_vacancy_rate_counts_the_employed_fte_in_post_on_the_date(council: GoldenCouncil) -> None:
    post(council, "S1")
    assignment(council, "E1", "S1", "2020-01-01", CENSUS, 0.5, "employed", end_reason="left_council")  # last day
    assignment(council, "E2", "S1", "2023-10-01", None, 1.0, "employed")  # starts the day after: not yet in post
    post(council, "S2")
    assignment(council, "E3", "S2", CENSUS, None, 0.6, "employed")  # starts on the date: in post
    assignment(council, "E4", "S2", "2023-09-01", None, 0.4, "employed")  # a second worker sharing the post
    assignment(council, "E5", "S2", "2019-01-01", "2023-09-29", 1.0, "employed", end_reason="left_council")
    post(council, "S3")  # never filled
    point = council.figure("sw_vacancy_rate", CENSUS)
    # S1 1.0 - 0.5 = 0.5 vacant; S2 1.0 - (0.6 + 0.4) = 0 vacant; S3 1.0 vacant -> 1.5 / (1.5 + 1.5 employed) = 50.0%
    assert (point.numerator, point.denominator, point.value) == (1.5, 3.0, 50.0)


def test_agency_rate(council: GoldenCouncil) -> None:
    establishment(council)
    point = council.figure("sw_agency_rate", CENSUS)
    # agency A1 1.0 + A2 1.0 = 2.0 FTE; 2.0 / (2.0 + 2.6) = 43.478 -> 43.5%
    assert (point.numerator, point.denominator, point.value) == (2.0, 4.6, 43.5)


def test_turnover_rate(council: GoldenCouncil) -> None:
    establishment(council)
    point = council.figure("sw_turnover_rate", CENSUS)
    # leavers in the year from 1 Oct 2022: E0 1.0 (E4 moved within the council; E5 left on 30 Sep 2022, the
    # year before; A0 was agency) -> 1.0 / 2.6 employed in post = 38.46 -> 38.5%
    assert (point.numerator, point.denominator, point.value) == (1.0, 2.6, 38.5)


def test_iro_and_manager_involvements_are_not_cases(council: GoldenCouncil) -> None:
    worker(council, "W1", 1.0)
    for person in ("P1", "P2"):
        allocate(council, "W1", person, "2023-01-01")  # allocated social worker (role left blank): cases
    worker(council, "IRO", 1.0)  # registered, but reviews children rather than holding them
    for person in ("P1", "P2", "P3"):
        council.add("ssd_involvements", invo_involvements_id=f"IRO-{person}", invo_professional_id="IRO",
                    invo_person_id=person, invo_involvement_start_date="2023-01-01",
                    invo_professional_role_id="Independent Reviewing Officer")  # fmt: skip
    point = council.figure("sw_average_caseload", CENSUS)
    assert (point.numerator, point.denominator, point.value) == (2, 1.0, 2.0)  # not (2 + 3) / 2.0


# The caseload fragment finds each allocation's periods by equi-joins on its first and last period end; it
# must give exactly the rows of the plain definition: every allocation open at each period end.
PLAIN_CASELOADS = """
  SELECT i.la_code, p.period_start, p.period_end, w.prof_professional_id AS worker_id,
         MIN(i.invo_professional_team) AS team, COUNT(DISTINCT i.invo_person_id) AS cases,
         MAX(w.prof_full_time_equivalency) AS fte
  FROM ssd_involvements i
  JOIN ssd_professionals w ON w.la_code = i.la_code AND w.prof_professional_id = i.invo_professional_id
  JOIN report_periods p ON i.invo_involvement_start_date <= p.period_end
   AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= p.period_end)
  WHERE w.prof_social_worker_registration_no IS NOT NULL AND w.prof_full_time_equivalency > 0
    AND (i.invo_professional_role_id IS NULL OR i.invo_professional_role_id IN ({{case_holding_roles}}))
  GROUP BY i.la_code, p.period_start, p.period_end, w.prof_professional_id
"""


def test_caseloads_at_period_end_are_the_allocations_open_at_each_period_end(council: GoldenCouncil) -> None:
    from cscperf.indicators.engine import set_periods
    from cscperf.indicators.settings import IndicatorSettings
    from cscperf.indicators.sql_text import fragment_sql, with_settings
    from cscperf.reporting_periods import month

    worker(council, "W1", 1.0)
    worker(council, "W2", 0.6)
    worker(council, "W3", 1.0, qualified=False)
    allocate(council, "W1", "P1", "2019-01-01")  # before every period, still open
    allocate(council, "W1", "P2", "2023-04-30", "2023-04-30")  # one day: a period end
    allocate(council, "W1", "P3", "2023-05-01", "2023-05-30")  # between two period ends: none
    allocate(council, "W1", "P4", "2023-05-31", "2023-06-29")  # from one period end to the day before the next
    allocate(council, "W1", "P5", "2020-01-01", "2023-03-30")  # ended before the periods' first end
    allocate(council, "W1", "P6", "2030-01-01")  # starts after the last period end
    allocate(council, "W2", "P1", "2023-01-01", "2023-07-31")  # the same child, twice at once, two teams
    council.add("ssd_involvements", invo_involvements_id="W2-P1-b", invo_professional_id="W2", invo_person_id="P1",
                invo_involvement_start_date="2023-06-15", invo_involvement_end_date=None,
                invo_professional_team="T0")  # fmt: skip
    council.add("ssd_involvements", invo_involvements_id="W2-P7", invo_professional_id="W2", invo_person_id="P7",
                invo_involvement_start_date="2023-02-01", invo_professional_role_id="IRO")  # not a case  # fmt: skip
    council.add("ssd_involvements", invo_involvements_id="W2-P9", invo_professional_id="W2", invo_person_id="P9",
                invo_involvement_start_date="2023-06-01", invo_involvement_end_date="2023-06-30",
                invo_professional_team="S9")  # W2's other child, held to its last day, counted by span  # fmt: skip
    allocate(council, "W3", "P8", "2023-01-01")  # not a registered social worker
    settings = IndicatorSettings()
    assert_fragment_matches_plain(council, "caseloads_at_period_end", with_settings(PLAIN_CASELOADS, settings, "test"),
                                  settings=settings)  # fmt: skip
    set_periods(council.con, [month(2023, 4), month(2023, 6)])
    rows = council.con.execute(fragment_sql("caseloads_at_period_end", settings)).fetchall()
    # 30 April: W1 holds P1 and P2 (its one day); W2 holds P1. 30 June: W1 holds P1 (P4 ended the day before);
    # W2 holds P1 twice (teams T1 and T0), one case, and P9 (team S9) on its last day: 2 cases, in team S9
    # (the first team by name of all W2's allocations open on the day)
    assert sorted((r[2].isoformat(), r[3], r[4], r[5], r[6]) for r in rows) == [
        ("2023-04-30", "W1", "T1", 2, 1.0), ("2023-04-30", "W2", "T1", 1, 0.6),
        ("2023-06-30", "W1", "T1", 1, 1.0), ("2023-06-30", "W2", "S9", 2, 0.6)]  # fmt: skip
