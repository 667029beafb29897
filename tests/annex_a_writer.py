"""Write a store's council out as an Ofsted Annex A workbook (for the loader's round-trip test).

The workbook is what an Annex A for the window [start, end] holds, written the way the Ofsted template spells
values ("a) Male", "a) WBRI", "q) 6: Police"):
- Lists 1-3 and 5: contacts, early help assessments, referrals and section 47 enquiries in the window (List 5
  also enquiries whose conference was in the window, so conference timeliness has its enquiry);
- List 4: assessments open at any time in the window (started by its end, not authorised before its start);
- Lists 6-8: CIN episodes, CP plans and periods of care open at any time in the window (open at its end, or
  closed in it), one row per child in List 8 (the latest period of care);
- List 9: care leavers; List 10: adoption journeys with a date in the window; List 11: headers only.
"Number of referrals in last 12 months" is the child's referrals (distinct days) in the 12 months before the
referral, this one excluded; "Number of previous CP plans" is the larger of the CIN census count and the plans
the store holds before this one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook

SEX = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
SOURCE_LETTERS = "abcdefghijklmnopqrstuv"
SOURCES = (
    "1A",
    "1B",
    "1C",
    "1D",
    "2A",
    "2B",
    "3A",
    "3B",
    "3C",
    "3D",
    "3E",
    "3F",
    "4",
    "5A",
    "5B",
    "5C",
    "5D",
    "6",
    "7",
    "8",
    "9",
    "10",
)
CATEGORY = {
    "Neglect": "a) Neglect",
    "Physical abuse": "b) Physical Abuse",
    "Sexual abuse": "c) Sexual Abuse",
    "Emotional abuse": "d) Emotional Abuse",
    "Multiple": "e) Multiple",
}

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
HEADERS: dict[int, list[str]] = {
    1: [*CHILD, "Date of Contact", "Contact Source"],
    2: [*CHILD, "Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    3: [
        *CHILD,
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    4: [
        *CHILD,
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ],
    5: [
        *CHILD,
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    6: [
        *CHILD,
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        "Allocated Team",
        "Allocated Worker",
    ],
    7: [
        *CHILD,
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
    8: [
        *CHILD,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        "Does the Child have a Disability",
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Allocated Team",
        "Allocated Worker",
    ],
    9: [
        *CHILD,
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Does the Child have a Disability",
        "Allocated Team",
        "Allocated Worker",
        "Allocated Personal Advisor",
        "Eligibility Category",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    10: [
        "Child Unique ID",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
    11: [
        "Individual adopter identifier",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
    ],
}
SHEET_NAMES = {
    1: "List 1 - Contacts",
    2: "List 2 - Early Help",
    3: "List 3 - Referrals",
    4: "List 4 - Assessments",
    5: "List 5 - Section 47",
    6: "List 6 - CIN",
    7: "List 7 - CP",
    8: "List 8 - CLA",
    9: "List 9 - Care Leavers",
    10: "List 10 - Adoption",
    11: "List 11 - Adopters",
}


def _yes(flag: Any) -> str | None:
    return None if flag is None else ("Yes" if flag == "Y" else "No")


def _source(code: str | None) -> str | None:
    if code is None or code not in SOURCES:
        return None
    return f"{SOURCE_LETTERS[SOURCES.index(code)]}) {code}: source"


class AnnexAWriter:
    def __init__(self, con: duckdb.DuckDBPyConnection, la_code: str, start: dt.date, end: dt.date) -> None:
        self.con, self.la, self.start, self.end = con, la_code, start, end
        self.people: dict[str, tuple[Any, ...]] = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT pers_person_id, pers_sex, pers_ethnicity, pers_dob FROM ssd_person WHERE la_code = ?", [la_code]
            ).fetchall()
        }

    def q(self, sql: str) -> list[tuple[Any, ...]]:
        params = {"la": self.la, "s": self.start, "e": self.end}
        return self.con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall()

    def child(self, person: str) -> list[Any]:
        sex, ethnicity, dob = self.people.get(person, (None, None, None))
        age = None if dob is None else round((self.end - dob).days / 365.25, 2)
        return [person, SEX.get(sex or ""), None if ethnicity is None else f"a) {ethnicity}", dob, age]

    def lists(self) -> dict[int, list[list[Any]]]:
        out: dict[int, list[list[Any]]] = {}
        out[1] = [
            [*self.child(p), d, _source(c)]
            for p, d, c in self.q(
                "SELECT cont_person_id, cont_contact_date, cont_contact_source_code FROM ssd_contacts "
                "WHERE la_code = $la AND cont_contact_date BETWEEN $s AND $e ORDER BY 1, 2, cont_contact_id"
            )
        ]
        out[2] = [
            [*self.child(p), s, e, o]
            for p, s, e, o in self.q(
                "SELECT earl_person_id, earl_episode_start_date, earl_episode_end_date, earl_episode_organisation "
                "FROM ssd_early_help_episodes WHERE la_code = $la AND earl_episode_start_date BETWEEN $s AND $e "
                "ORDER BY 1, 2, earl_episode_id"
            )
        ]
        out[3] = [
            [*self.child(p), d, _source(c), _yes(nfa), n, team, worker]
            for p, d, c, nfa, n, team, worker in self.q(
                """SELECT r.cine_person_id, r.cine_referral_date, r.cine_referral_source_code, r.cine_referral_nfa,
                          (SELECT COUNT(DISTINCT o.cine_referral_date) FROM ssd_cin_episodes o
                           WHERE o.la_code = r.la_code AND o.cine_person_id = r.cine_person_id
                             AND o.cine_referral_date < r.cine_referral_date
                             AND o.cine_referral_date >= r.cine_referral_date - INTERVAL 12 MONTH),
                          r.cine_referral_team, r.cine_referral_worker_id
                   FROM ssd_cin_episodes r WHERE r.la_code = $la AND r.cine_referral_date BETWEEN $s AND $e
                   ORDER BY 1, 2, r.cine_referral_id"""
            )
        ]
        out[4] = [
            [
                *self.child(p),
                "b) No",
                s,
                _yes(seen),
                a,
                None if nfa is None else ("No" if nfa == "Y" else "Yes"),
                team,
                worker,
            ]
            for p, s, seen, a, nfa, team, worker in self.q(
                "SELECT cina_person_id, cina_assessment_start_date, cina_assessment_child_seen, "
                "cina_assessment_auth_date, cina_assessment_outcome_nfa, cina_assessment_team, "
                "cina_assessment_worker_id FROM ssd_cin_assessments WHERE la_code = $la "
                "AND cina_assessment_start_date <= $e AND (cina_assessment_auth_date IS NULL "
                "OR cina_assessment_auth_date >= $s) ORDER BY 1, 2, cina_assessment_id"
            )
        ]
        out[5] = [
            [*self.child(p), "b) No", s, "Yes" if i is None and nfa == "Y" else "No", i, _yes(plan), 0, 0, team, worker]
            for p, s, nfa, i, plan, team, worker in self.q(
                """SELECT s.s47e_person_id, s.s47e_s47_start_date, s.s47e_s47_nfa, i.icpc_icpc_date,
                          i.icpc_icpc_outcome_cp_flag, s.s47e_s47_completed_by_team, s.s47e_s47_completed_by_worker_id
                   FROM ssd_s47_enquiry s LEFT JOIN ssd_initial_cp_conference i
                     ON i.la_code = s.la_code AND i.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id
                   WHERE s.la_code = $la AND (s.s47e_s47_start_date BETWEEN $s AND $e
                                              OR i.icpc_icpc_date BETWEEN $s AND $e)
                   ORDER BY 1, 2, s.s47e_s47_enquiry_id"""
            )
        ]
        out[6] = [
            [*self.child(p), "b) No", d, need, None, closed, reason, None, team, worker]
            for p, d, need, closed, reason, team, worker in self.q(
                "SELECT cine_person_id, cine_referral_date, cine_cin_primary_need_code, cine_close_date, "
                "cine_close_reason, cine_referral_team, cine_referral_worker_id FROM ssd_cin_episodes "
                "WHERE la_code = $la AND cine_referral_date <= $e "
                "AND (cine_close_date IS NULL OR cine_close_date >= $s) "
                "ORDER BY 1, 2, cine_referral_id"
            )
        ]
        out[7] = [
            [
                *self.child(p),
                "b) No",
                s,
                CATEGORY.get(ic or ""),
                CATEGORY.get(lc or ""),
                None,
                None,
                None,
                e,
                "b) No",
                n,
                None,
                None,
            ]
            for p, s, ic, lc, e, n in self.q(
                """SELECT c.cppl_person_id, c.cppl_cp_plan_start_date, c.cppl_cp_plan_initial_category,
                          c.cppl_cp_plan_latest_category, c.cppl_cp_plan_end_date,
                          GREATEST(COALESCE(n.number_of_previous_cp_plans, 0),
                                   (SELECT COUNT(*) FROM ssd_cp_plans o WHERE o.la_code = c.la_code
                                      AND o.cppl_person_id = c.cppl_person_id
                                      AND o.cppl_cp_plan_start_date < c.cppl_cp_plan_start_date))
                   FROM ssd_cp_plans c LEFT JOIN cscperf_cp_plan_previous n
                     ON n.la_code = c.la_code AND n.cppl_cp_plan_id = c.cppl_cp_plan_id
                   WHERE c.la_code = $la AND c.cppl_cp_plan_start_date <= $e
                     AND (c.cppl_cp_plan_end_date IS NULL OR c.cppl_cp_plan_end_date >= $s)
                   ORDER BY 1, 2, c.cppl_cp_plan_id"""
            )
        ]
        out[8] = [
            self.looked_after(row)
            for row in self.q(
                """WITH periods AS (
                 SELECT clae_person_id AS person, clae_cla_id AS cla_id, MIN(clae_cla_episode_start_date) AS care_start,
                        CASE WHEN COUNT(*) = COUNT(clae_cla_episode_ceased_date)
                             THEN MAX(clae_cla_episode_ceased_date) END AS care_end,
                        arg_max(clae_cla_episode_ceased_reason, clae_cla_episode_start_date) AS reason,
                        arg_min(clae_cla_primary_need_code, clae_cla_episode_start_date) AS need
                 FROM ssd_cla_episodes WHERE la_code = $la GROUP BY 1, 2),
               chosen AS (
                 SELECT *, LEAST(COALESCE(care_end, $e), $e) AS at FROM periods
                 WHERE care_start <= $e AND (care_end IS NULL OR care_end >= $s)
                 QUALIFY ROW_NUMBER() OVER (PARTITION BY person ORDER BY care_start DESC) = 1),
               legal AS (
                 SELECT c.person, MAX(l.lega_legal_status_start_date) AS legal_start,
                        arg_max(l.lega_legal_status, l.lega_legal_status_start_date) AS legal
                 FROM chosen c JOIN ssd_legal_status l ON l.la_code = $la AND l.lega_person_id = c.person
                  AND l.lega_legal_status_start_date <= c.at GROUP BY 1),
               placed AS (
                 SELECT c.person, arg_max(p.clap_cla_placement_start_date, p.clap_cla_placement_start_date) AS p_start,
                        arg_max(p.clap_cla_placement_type, p.clap_cla_placement_start_date) AS p_type,
                        arg_max(p.clap_cla_placement_provider, p.clap_cla_placement_start_date) AS p_provider,
                        arg_max(p.clap_cla_placement_postcode, p.clap_cla_placement_start_date) AS p_postcode,
                        arg_max(p.clap_cla_placement_urn, p.clap_cla_placement_start_date) AS p_urn
                 FROM chosen c JOIN ssd_cla_placement p ON p.la_code = $la AND p.clap_cla_id = c.cla_id
                  AND p.clap_cla_placement_start_date <= c.at GROUP BY 1),
               health AS (
                 SELECT c.person,
                        MAX(h.clah_health_check_date)
                          FILTER (WHERE h.clah_health_check_type = 'Health Assessment') AS ha,
                        MAX(h.clah_health_check_date) FILTER (WHERE h.clah_health_check_type = 'Dental Check') AS dental
                 FROM chosen c JOIN ssd_cla_health h ON h.la_code = $la AND h.clah_person_id = c.person
                  AND h.clah_health_check_date <= $e AND COALESCE(h.clah_health_check_status, 'Completed') = 'Completed'
                 GROUP BY 1)
               SELECT c.person, c.care_start, c.care_end, c.reason, c.need, l.legal_start, l.legal, p.p_start,
                      p.p_type, p.p_provider, p.p_postcode, p.p_urn, h.ha, h.dental
               FROM chosen c LEFT JOIN legal l USING (person) LEFT JOIN placed p USING (person)
               LEFT JOIN health h USING (person) ORDER BY 1"""
            )
        ]
        out[9] = [
            [*self.child(p), None, "b) No", team, worker, pa, elig, review, touch, contact, accom, suit, act]
            for p, team, worker, pa, elig, review, touch, contact, accom, suit, act in self.q(
                "SELECT clea_person_id, clea_care_leaver_allocated_team, clea_care_leaver_worker_id, "
                "clea_care_leaver_personal_advisor, clea_care_leaver_eligibility, clea_pathway_plan_review_date, "
                "clea_care_leaver_in_touch, clea_care_leaver_latest_contact, clea_care_leaver_accommodation, "
                "clea_care_leaver_accom_suitable, clea_care_leaver_activity FROM ssd_care_leavers WHERE la_code = $la "
                "ORDER BY 1"
            )
        ]
        out[10] = []
        out[11] = []
        return out

    def looked_after(self, row: tuple[Any, ...]) -> list[Any]:
        (
            person,
            care_start,
            care_end,
            reason,
            need,
            legal_start,
            legal,
            p_start,
            p_type,
            p_provider,
            p_postcode,
            p_urn,
            health,
            dental,
        ) = row
        return [
            *self.child(person),
            "b) No",
            "b) No",
            care_start,
            need,
            "b) No",
            legal_start,
            None if legal is None else f"{legal}: legal status",
            None,
            None,
            None,
            None,
            health,
            dental,
            None,
            care_end,
            None if care_end is None or reason is None else f"{reason}: reason",
            p_start,
            None if p_type is None else f"{p_type}: placement",
            p_provider,
            p_postcode,
            p_urn,
            None,
            None,
            None,
            None,
        ]

    def write(self, path: Path) -> Path:
        book = Workbook(write_only=True)
        for number, rows in self.lists().items():
            sheet = book.create_sheet(SHEET_NAMES[number])
            sheet.append(HEADERS[number])
            for row in rows:
                sheet.append(row)
        book.save(path)
        return path


def write_annex_a(con: duckdb.DuckDBPyConnection, la_code: str, start: dt.date, end: dt.date, path: Path) -> Path:
    """Write the council's Annex A for the window [start, end] to `path`."""
    return AnnexAWriter(con, la_code, start, end).write(path)
