"""Golden tests: early help, contacts, referrals, assessments, section 47 and conferences.

Every expected value is worked out by hand in the comment beside it. Periods are calendar months; "March
2024" means 1-31 March 2024.
"""

from __future__ import annotations

import json

from .golden import GoldenCouncil, assert_fragment_matches_plain


def outcome(**flags: str) -> str:
    keys = ("NEW_REFERRAL_FLAG", "EXISTING_REFERRAL_FLAG", "NFA_FLAG", "ADVICE_FLAG")
    return json.dumps({k: flags.get(k, "N") for k in keys})


def test_early_help_assessments_started(council: GoldenCouncil) -> None:
    for episode, person, start in [
        ("E1", "P1", "2024-03-01"),  # first day of March: in
        ("E2", "P1", "2024-03-15"),  # same child again: each assessment counts
        ("E3", "P2", "2024-03-31"),  # last day: in
        ("E4", "P3", "2024-02-29"),  # leap day, February: out
        ("E5", "P4", "2024-04-01"),  # April: out
    ]:
        council.add("ssd_early_help_episodes", earl_episode_id=episode, earl_person_id=person,
                    earl_episode_start_date=start)  # fmt: skip
    point = council.figure("eh_assessments_started", "2024-03-31")
    assert (point.value, point.denominator) == (3, None)


def test_contacts(council: GoldenCouncil) -> None:
    for contact, person, day in [
        ("C1", "P1", "2024-03-01"),
        ("C2", "P1", "2024-03-01"),  # the same child twice on one day: both count, as recorded
        ("C3", "P2", "2024-03-31"),
        ("C4", "P3", "2024-04-01"),  # out
    ]:
        council.add("ssd_contacts", cont_contact_id=contact, cont_person_id=person, cont_contact_date=day,
                    cont_contact_outcome_json=outcome(NFA_FLAG="Y"))  # fmt: skip
    assert council.figure("contacts", "2024-03-31").value == 3


def test_contact_conversion_leaves_out_contacts_about_open_cases(council: GoldenCouncil) -> None:
    for contact, flags in [
        ("C1", {"NEW_REFERRAL_FLAG": "Y"}),  # referral: numerator and denominator
        ("C2", {"NFA_FLAG": "Y"}),  # no further action: denominator only
        ("C3", {"EXISTING_REFERRAL_FLAG": "Y", "NEW_REFERRAL_FLAG": "Y"}),  # case already open: left out
        ("C4", {"NEW_REFERRAL_FLAG": "Y"}),  # referral
        ("C5", {"ADVICE_FLAG": "Y"}),  # advice: denominator only
    ]:
        council.add("ssd_contacts", cont_contact_id=contact, cont_person_id=contact, cont_contact_date="2024-03-10",
                    cont_contact_outcome_json=outcome(**flags))  # fmt: skip
    point = council.figure("contact_conversion", "2024-03-31")
    # 2 referrals (C1, C4) of 4 contacts (C1, C2, C4, C5) = 50.0%
    assert (point.numerator, point.denominator, point.value) == (2, 4, 50.0)


def test_contact_conversion_reads_every_shape_of_outcome_alike(council: GoldenCouncil) -> None:
    """A PostgreSQL store reads a record of flags from its jsonb copy and anything else from the text: the same
    figure either way, and the same as DuckDB's (the golden council is compared on both engines)."""
    for contact, text in [
        ("C1", '{"NEW_REFERRAL_FLAG": "Y"}'),  # a record of flags (a jsonb copy on PostgreSQL): referral
        ("C2", '{"NEW_REFERRAL_FLAG": "Y", "NOTE": "caf\\u00e9"}'),  # a \u escape (no copy): referral
        ("C3", '{"NEW_REFERRAL_FLAG": "Y", "SCORE": 3}'),  # a number (no copy): referral
        ("C4", '{"NEW_REFERRAL_FLAG": {"NESTED": "Y"}}'),  # an object is not Y: denominator only
        ("C5", '{"EXISTING_REFERRAL_FLAG": "Y", "NOTE": "caf\\u00e9"}'),  # case already open (no copy): left out
        ("C6", None),  # no outcome recorded: denominator only
        ("C7", '{"NFA_FLAG": "Y", "NEW_REFERRAL_FLAG": "N"}'),  # denominator only
    ]:
        council.add("ssd_contacts", cont_contact_id=contact, cont_person_id=contact, cont_contact_date="2024-03-10",
                    cont_contact_outcome_json=text)  # fmt: skip
    point = council.figure("contact_conversion", "2024-03-31")
    # 3 referrals (C1, C2, C3) of 6 contacts (all but C5) = 50.0%
    assert (point.numerator, point.denominator, point.value) == (3, 6, 50.0)


def referral(council: GoldenCouncil, referral_id: str, person: str, day: str) -> None:
    council.add("ssd_cin_episodes", cine_referral_id=referral_id, cine_person_id=person, cine_referral_date=day)


def test_referrals(council: GoldenCouncil) -> None:
    referral(council, "R1", "P1", "2024-03-05")
    referral(council, "R2", "P2", "2024-03-20")
    referral(council, "R3", "P3", "2024-02-10")  # February: out
    assert council.figure("referrals", "2024-03-31").value == 2


def test_re_referrals_within_12_calendar_months(council: GoldenCouncil) -> None:
    referral(council, "R1a", "P1", "2023-03-15")
    referral(council, "R1b", "P1", "2024-03-15")  # exactly 12 months after the last: a re-referral
    referral(council, "R2a", "P2", "2023-03-14")
    referral(council, "R2b", "P2", "2024-03-15")  # 12 months and a day: not a re-referral
    referral(council, "R4a", "P4", "2024-03-10")
    referral(council, "R4b", "P4", "2024-03-10")  # same-day duplicate: counted once, not a re-referral
    referral(council, "R5a", "P5", "2024-03-01")  # first referral: not
    referral(council, "R5b", "P5", "2024-03-20")  # 19 days later: a re-referral
    point = council.figure("re_referrals_12m", "2024-03-31")
    # March referrals (same-day duplicate once): R1b, R2b, R4, R5a, R5b = 5; re-referrals R1b, R5b = 2 -> 40.0%
    assert (point.numerator, point.denominator, point.value) == (2, 5, 40.0)


def test_re_referral_look_back_from_a_leap_day(council: GoldenCouncil) -> None:
    referral(council, "R1a", "P1", "2023-02-28")
    referral(council, "R1b", "P1", "2024-02-29")  # 29 Feb 2024 less 12 months is 28 Feb 2023: a re-referral
    referral(council, "R2a", "P2", "2023-02-27")
    referral(council, "R2b", "P2", "2024-02-29")  # a day more than 12 months: not
    point = council.figure("re_referrals_12m", "2024-02-29")
    assert (point.numerator, point.denominator, point.value) == (1, 2, 50.0)


def test_re_referral_look_back_is_a_setting(council: GoldenCouncil) -> None:
    referral(council, "R1a", "P1", "2023-01-15")
    referral(council, "R1b", "P1", "2024-03-15")  # 14 months: not within 12, within 24
    assert council.figure("re_referrals_12m", "2024-03-31").value == 0.0
    assert council.figure("re_referrals_12m", "2024-03-31", re_referral_lookback_months=24).value == 100.0


def assessment(council: GoldenCouncil, assessment_id: str, start: str, auth: str | None, referral_day: str) -> None:
    referral(council, f"R{assessment_id}", f"P{assessment_id}", referral_day)
    council.add("ssd_cin_assessments", cina_assessment_id=assessment_id, cina_person_id=f"P{assessment_id}",
                cina_referral_id=f"R{assessment_id}", cina_assessment_start_date=start,
                cina_assessment_auth_date=auth)  # fmt: skip


def test_assessments_completed(council: GoldenCouncil) -> None:
    assessment(council, "A1", "2024-02-20", "2024-03-10", "2024-02-19")
    assessment(council, "A2", "2024-03-31", "2024-03-31", "2024-03-31")  # same day: completed
    assessment(council, "A3", "2024-03-01", "2024-04-01", "2024-03-01")  # April: out
    assessment(council, "A4", "2024-03-20", "2024-03-15", "2024-03-20")  # authorised before start: data error,
    # but completed in March all the same: counted, its dates flagged in the drill-down (issue 10, item 5)
    assert council.figure("assessments_completed", "2024-03-31").value == 3  # A1, A2, A4
    a4 = next(r for r in council.units("assessments_completed", "2024-03-31") if r["unit_id"] == "A4")
    assert a4["detail"] == "dates to check: authorised 2024-03-15, before its start 2024-03-20"


def test_assessments_within_45_working_days_across_the_2022_bank_holidays(council: GoldenCouncil) -> None:
    # From Friday 20 May 2022 the 45th working day after (start = day 0) is Tuesday 26 July 2022, because
    # Thursday 2 June (spring bank holiday, moved) and Friday 3 June (Platinum Jubilee) are bank holidays:
    # May 20 (1), May 23-27 (6), May 30-Jun 1 (9), five weeks Jun 6-Jul 8 (34), Jul 11-15 (39), Jul 18-22
    # (44), Jul 25 (45). Counting weekdays alone would make 26 July the 47th and wrongly fail it.
    assessment(council, "A1", "2022-05-20", "2022-07-26", "2022-05-19")  # 45 working days: in time
    assessment(council, "A2", "2022-05-20", "2022-07-27", "2022-05-20")  # 46: late
    assessment(council, "A3", "2022-07-05", "2022-07-05", "2022-07-01")  # same day = 0 working days: in time
    point = council.figure("assessments_within_45wd", "2022-07-31")
    assert (point.numerator, point.denominator, point.value) == (2, 3, 66.7)  # 2 of 3 = 66.666.. -> 66.7


def test_assessment_clock_from_referral(council: GoldenCouncil) -> None:
    # Referral Thursday 19 May 2022, one working day before the assessment started, so A1 is 46 working days
    # from referral (late) though 45 from its start (in time); A2 starts on its referral day.
    assessment(council, "A1", "2022-05-20", "2022-07-26", "2022-05-19")
    assessment(council, "A2", "2022-07-05", "2022-07-05", "2022-07-05")
    from_referral = council.figure("assessments_within_45wd_from_referral", "2022-07-31")
    dfe_basis = council.figure("assessments_within_45wd", "2022-07-31")
    clock_setting = council.figure("assessments_within_45wd", "2022-07-31", assessment_clock="referral")
    assert (from_referral.numerator, from_referral.denominator) == (1, 2)
    assert (dfe_basis.numerator, dfe_basis.denominator) == (2, 2)
    assert clock_setting.numerator == 1


def test_assessments_open_over_45_working_days(council: GoldenCouncil) -> None:
    # At Sunday 31 July 2022: started 20 May = 49 working days (45 to 25 Jul, then Jul 26-29): over.
    assessment(council, "A1", "2022-05-20", None, "2022-05-20")
    # Started 1 June = 41 working days (Jun 1, then 8 weeks less the two bank holidays): not yet over.
    assessment(council, "A2", "2022-06-01", None, "2022-06-01")
    # Started 20 May but authorised 10 August, after the date: still open on 31 July, over.
    assessment(council, "A3", "2022-05-20", "2022-08-10", "2022-05-20")
    # Authorised before the date: not open.
    assessment(council, "A4", "2022-05-20", "2022-07-29", "2022-05-20")
    assert council.figure("assessments_open_over_45wd", "2022-07-31").value == 2


def test_section_47s_started(council: GoldenCouncil) -> None:
    for s47, day in [("S1", "2024-03-01"), ("S2", "2024-03-31"), ("S3", "2024-04-01")]:
        council.add("ssd_s47_enquiry", s47e_s47_enquiry_id=s47, s47e_person_id=s47, s47e_s47_start_date=day)
    assert council.figure("s47_started", "2024-03-31").value == 2


def test_initial_conferences_within_15_working_days_with_the_state_funeral(council: GoldenCouncil) -> None:
    # Enquiry started Thursday 8 September 2022. Monday 19 September 2022 (State Funeral) was a bank
    # holiday: Sep 8-9 (2), Sep 12-16 (7), Sep 20-23 (11), Sep 26-29 (15), so 30 September is 15 working
    # days (in time) and Monday 3 October is 16 (late).
    for icpc, day, transfer in [("I1", "2022-09-30", "N"), ("I2", "2022-10-03", "N"), ("I3", "2022-10-20", "Y")]:
        council.add("ssd_s47_enquiry", s47e_s47_enquiry_id=f"S{icpc}", s47e_person_id=icpc,
                    s47e_s47_start_date="2022-09-08")  # fmt: skip
        council.add("ssd_initial_cp_conference", icpc_icpc_id=icpc, icpc_s47_enquiry_id=f"S{icpc}",
                    icpc_person_id=icpc, icpc_icpc_date=day, icpc_icpc_transfer_in=transfer)  # fmt: skip
    september = council.figure("icpc_within_15wd", "2022-09-30")
    october = council.figure("icpc_within_15wd", "2022-10-31")
    assert (september.numerator, september.denominator, september.value) == (1, 1, 100.0)
    # October: I2 late; I3 is a transfer-in conference and left out.
    assert (october.numerator, october.denominator, october.value) == (0, 1, 0.0)


def test_assessments_without_a_linked_referral_still_count(council: GoldenCouncil) -> None:
    assessment(council, "A1", "2022-07-05", "2022-07-05", "2022-07-01")  # in time
    council.add(
        "ssd_cin_assessments",
        cina_assessment_id="A2",
        cina_person_id="P9",
        cina_referral_id="NOPE",
        cina_assessment_start_date="2022-05-20",
        cina_assessment_auth_date="2022-07-27",
    )  # 46 days, no referral
    point = council.figure("assessments_within_45wd", "2022-07-31")
    assert (point.numerator, point.denominator) == (1, 2)


# The fragment finds each assessment's periods by equi-joins on its first and last period end; it must give
# exactly the rows of the plain definition: every assessment started and not yet authorised at a period end.
PLAIN_OPEN_ASSESSMENTS = """
  SELECT a.la_code, p.period_start, p.period_end, a.cina_assessment_id
  FROM ssd_cin_assessments a
  JOIN report_periods p ON a.cina_assessment_start_date <= p.period_end
   AND (a.cina_assessment_auth_date IS NULL OR a.cina_assessment_auth_date > p.period_end)
"""


def test_assessments_open_at_period_end_are_those_started_and_not_authorised(council: GoldenCouncil) -> None:
    import datetime as dt

    from cscperf.indicators.engine import set_periods
    from cscperf.indicators.series import series_periods
    from cscperf.indicators.settings import IndicatorSettings
    from cscperf.indicators.sql_text import fragment_sql

    assessment(council, "1", "2019-01-01", None, "2019-01-01")  # before every period, never authorised
    assessment(council, "2", "2023-04-30", "2023-04-30", "2023-04-30")  # started and authorised on a period end
    assessment(council, "3", "2023-04-30", "2023-05-01", "2023-04-30")  # open at 30 April only
    assessment(council, "4", "2023-05-01", "2023-05-30", "2023-05-01")  # between two period ends: never
    assessment(council, "5", "2023-05-31", "2023-07-31", "2023-05-31")  # 31 May, 30 June; authorised 31 July
    assessment(council, "6", "2020-01-01", "2023-03-31", "2020-01-01")  # authorised on the first period end
    assessment(council, "7", "2030-01-01", None, "2030-01-01")  # after every period
    months = series_periods(dt.date(2023, 9, 30), 7)
    assert_fragment_matches_plain(council, "assessments_open_at_period_end", PLAIN_OPEN_ASSESSMENTS,
                                  columns="la_code, period_start, period_end, assessment_id")  # fmt: skip
    for con in council.stores():  # and on PostgreSQL
        set_periods(con, months)
        sql = fragment_sql("assessments_open_at_period_end", IndicatorSettings())
        found = con.execute(f"SELECT period_end, assessment_id FROM ({sql}) a WHERE assessment_id <> '1'").fetchall()
        assert sorted((d.isoformat(), i) for d, i in found) == [("2023-04-30", "3"), ("2023-05-31", "5"),
                                                                ("2023-06-30", "5")]  # fmt: skip
