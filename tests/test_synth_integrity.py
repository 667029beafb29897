"""Referential and temporal integrity of the synthetic council: each query lists breaches of one rule
and must return no rows."""

from __future__ import annotations

import duckdb
import pytest

from cscperf.store.schema import load_schema

from .test_store_schema import REQUIRED_EXTENSIONS, REQUIRED_SSD_TABLES

END = "(SELECT data_end_date FROM cscperf_councils c WHERE c.la_code = x.la_code)"

RULES: dict[str, str] = {
    # --- references between tables
    "contact for an unknown child": """
        SELECT * FROM ssd_contacts x WHERE NOT EXISTS (SELECT 1 FROM ssd_person p
        WHERE p.la_code = x.la_code AND p.pers_person_id = x.cont_person_id)""",
    "referral for an unknown child": """
        SELECT * FROM ssd_cin_episodes x WHERE NOT EXISTS (SELECT 1 FROM ssd_person p
        WHERE p.la_code = x.la_code AND p.pers_person_id = x.cine_person_id)""",
    "assessment without its referral, or for another child": """
        SELECT * FROM ssd_cin_assessments x WHERE NOT EXISTS (SELECT 1 FROM ssd_cin_episodes r
        WHERE r.la_code = x.la_code AND r.cine_referral_id = x.cina_referral_id
          AND r.cine_person_id = x.cina_person_id)""",
    "section 47 without its referral": """
        SELECT * FROM ssd_s47_enquiry x WHERE NOT EXISTS (SELECT 1 FROM ssd_cin_episodes r
        WHERE r.la_code = x.la_code AND r.cine_referral_id = x.s47e_referral_id
          AND r.cine_person_id = x.s47e_person_id)""",
    "conference without its enquiry": """
        SELECT * FROM ssd_initial_cp_conference x WHERE NOT EXISTS (SELECT 1 FROM ssd_s47_enquiry s
        WHERE s.la_code = x.la_code AND s.s47e_s47_enquiry_id = x.icpc_s47_enquiry_id)""",
    "conference naming a plan that does not exist": """
        SELECT * FROM ssd_initial_cp_conference x WHERE icpc_cp_plan_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM ssd_cp_plans p WHERE p.la_code = x.la_code AND p.cppl_cp_plan_id = x.icpc_cp_plan_id)""",
    "CP plan for an unknown child": """
        SELECT * FROM ssd_cp_plans x WHERE NOT EXISTS (SELECT 1 FROM ssd_person p
        WHERE p.la_code = x.la_code AND p.pers_person_id = x.cppl_person_id)""",
    "CP visit without its plan, or for another child": """
        SELECT * FROM ssd_cp_visits x WHERE NOT EXISTS (SELECT 1 FROM ssd_cp_plans p
        WHERE p.la_code = x.la_code AND p.cppl_cp_plan_id = x.cppv_cp_plan_id
          AND p.cppl_person_id = x.cppv_person_id)""",
    "CP review without its plan": """
        SELECT * FROM ssd_cp_reviews x WHERE NOT EXISTS (SELECT 1 FROM ssd_cp_plans p
        WHERE p.la_code = x.la_code AND p.cppl_cp_plan_id = x.cppr_cp_plan_id)""",
    "CIN plan without its referral": """
        SELECT * FROM ssd_cin_plans x WHERE NOT EXISTS (SELECT 1 FROM ssd_cin_episodes r
        WHERE r.la_code = x.la_code AND r.cine_referral_id = x.cinp_referral_id)""",
    "placement outside any period of care of the child": """
        SELECT * FROM ssd_cla_placement x WHERE NOT EXISTS (SELECT 1 FROM ssd_cla_episodes e
        WHERE e.la_code = x.la_code AND e.clae_cla_id = x.clap_cla_id AND e.clae_person_id = x.clap_person_id)""",
    "episode naming a placement that does not exist": """
        SELECT * FROM ssd_cla_episodes x WHERE NOT EXISTS (SELECT 1 FROM ssd_cla_placement p
        WHERE p.la_code = x.la_code AND p.clap_cla_placement_id = x.clae_cla_placement_id)""",
    "CLA visit or review for an unknown period of care": """
        SELECT clav_cla_id FROM ssd_cla_visits x WHERE NOT EXISTS (SELECT 1 FROM ssd_cla_episodes e
            WHERE e.la_code = x.la_code AND e.clae_cla_id = x.clav_cla_id)
        UNION ALL SELECT clar_cla_id FROM ssd_cla_reviews x WHERE NOT EXISTS (SELECT 1 FROM ssd_cla_episodes e
            WHERE e.la_code = x.la_code AND e.clae_cla_id = x.clar_cla_id)""",
    "PEP for an unknown period of care": """
        SELECT * FROM cscperf_pep x WHERE NOT EXISTS (SELECT 1 FROM ssd_cla_episodes e
        WHERE e.la_code = x.la_code AND e.clae_cla_id = x.pep_cla_id AND e.clae_person_id = x.pep_person_id)""",
    "involvement of an unknown worker or child": """
        SELECT * FROM ssd_involvements x WHERE NOT EXISTS (SELECT 1 FROM ssd_professionals w
            WHERE w.la_code = x.la_code AND w.prof_professional_id = x.invo_professional_id)
        OR NOT EXISTS (SELECT 1 FROM ssd_person p WHERE p.la_code = x.la_code
            AND p.pers_person_id = x.invo_person_id)""",
    "assignment to an unknown post or worker": """
        SELECT * FROM cscperf_sw_assignments x WHERE NOT EXISTS (SELECT 1 FROM cscperf_sw_posts p
            WHERE p.la_code = x.la_code AND p.post_id = x.assignment_post_id)
        OR NOT EXISTS (SELECT 1 FROM ssd_professionals w WHERE w.la_code = x.la_code
            AND w.prof_professional_id = x.assignment_professional_id)""",
    "post in an unknown team": """
        SELECT * FROM cscperf_sw_posts x WHERE NOT EXISTS (SELECT 1 FROM ssd_department d
        WHERE d.la_code = x.la_code AND d.dept_team_id = x.post_team_id)""",
    # --- order in time
    "nothing dated after the end of the data": f"""
        SELECT 'contact' FROM ssd_contacts x WHERE cont_contact_date > {END}
        UNION ALL SELECT 'visit' FROM ssd_cp_visits x WHERE cppv_cp_visit_date > {END}
        UNION ALL SELECT 'plan end' FROM ssd_cp_plans x WHERE cppl_cp_plan_end_date > {END}
        UNION ALL SELECT 'care end' FROM ssd_cla_episodes x WHERE clae_cla_episode_ceased_date > {END}
        UNION ALL SELECT 'closure' FROM ssd_cin_episodes x WHERE cine_close_date > {END}
        UNION ALL SELECT 'involvement' FROM ssd_involvements x WHERE invo_involvement_end_date > {END}""",
    "assessment before its referral or authorised before it started": """
        SELECT * FROM ssd_cin_assessments a JOIN ssd_cin_episodes r
          ON r.la_code = a.la_code AND r.cine_referral_id = a.cina_referral_id
        WHERE a.cina_assessment_start_date < r.cine_referral_date
           OR a.cina_assessment_auth_date < a.cina_assessment_start_date""",
    "referral closed before it was made": """
        SELECT * FROM ssd_cin_episodes WHERE cine_close_date < cine_referral_date""",
    "closed referral without a reason, or a reason without a closure": """
        SELECT * FROM ssd_cin_episodes WHERE (cine_close_date IS NULL) <> (cine_close_reason IS NULL)""",
    "enquiry before its referral, conference before its enquiry": """
        SELECT 's47' FROM ssd_s47_enquiry s JOIN ssd_cin_episodes r
          ON r.la_code = s.la_code AND r.cine_referral_id = s.s47e_referral_id
        WHERE s.s47e_s47_start_date < r.cine_referral_date OR s.s47e_s47_end_date < s.s47e_s47_start_date
        UNION ALL
        SELECT 'icpc' FROM ssd_initial_cp_conference i JOIN ssd_s47_enquiry s
          ON s.la_code = i.la_code AND s.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
        WHERE i.icpc_icpc_date < s.s47e_s47_start_date""",
    "plan not starting on the day of its conference": """
        SELECT * FROM ssd_cp_plans p JOIN ssd_initial_cp_conference i
          ON i.la_code = p.la_code AND i.icpc_icpc_id = p.cppl_icpc_id
        WHERE p.cppl_cp_plan_start_date <> i.icpc_icpc_date""",
    "plan ending on or before the day it started": """
        SELECT 'cp' FROM ssd_cp_plans WHERE cppl_cp_plan_end_date <= cppl_cp_plan_start_date
        UNION ALL SELECT 'cin' FROM ssd_cin_plans WHERE cinp_cin_plan_end_date <= cinp_cin_plan_start_date""",
    "two CP plans open at once for one child": """
        SELECT * FROM ssd_cp_plans a JOIN ssd_cp_plans b ON a.la_code = b.la_code
          AND a.cppl_person_id = b.cppl_person_id AND a.cppl_cp_plan_id < b.cppl_cp_plan_id
        WHERE a.cppl_cp_plan_start_date < coalesce(b.cppl_cp_plan_end_date, DATE '9999-12-31')
          AND b.cppl_cp_plan_start_date < coalesce(a.cppl_cp_plan_end_date, DATE '9999-12-31')""",
    "CP visit or review outside its plan": """
        SELECT 'visit' FROM ssd_cp_visits v JOIN ssd_cp_plans p ON p.la_code = v.la_code
          AND p.cppl_cp_plan_id = v.cppv_cp_plan_id
        WHERE v.cppv_cp_visit_date < p.cppl_cp_plan_start_date
           OR v.cppv_cp_visit_date > coalesce(p.cppl_cp_plan_end_date, DATE '9999-12-31')
        UNION ALL
        SELECT 'review' FROM ssd_cp_reviews v JOIN ssd_cp_plans p ON p.la_code = v.la_code
          AND p.cppl_cp_plan_id = v.cppr_cp_plan_id
        WHERE v.cppr_cp_review_date < p.cppl_cp_plan_start_date
           OR v.cppr_cp_review_date > coalesce(p.cppl_cp_plan_end_date, DATE '9999-12-31')""",
    "periods of care of one child overlapping": """
        WITH periods AS (SELECT la_code, clae_person_id, clae_cla_id, min(clae_cla_episode_start_date) s,
            max(coalesce(clae_cla_episode_ceased_date, DATE '9999-12-31')) e
            FROM ssd_cla_episodes GROUP BY ALL)
        SELECT * FROM periods a JOIN periods b ON a.la_code = b.la_code AND a.clae_person_id = b.clae_person_id
          AND a.clae_cla_id < b.clae_cla_id WHERE a.s < b.e AND b.s < a.e""",
    "episodes of a period of care not following on from each other": """
        SELECT * FROM (SELECT *, lead(clae_cla_episode_start_date) OVER w AS next_start
            FROM ssd_cla_episodes WINDOW w AS (PARTITION BY la_code, clae_cla_id
            ORDER BY clae_cla_episode_start_date))
        WHERE next_start IS NOT NULL AND (clae_cla_episode_ceased_date IS DISTINCT FROM next_start
            OR clae_cla_episode_ceased_reason <> 'X1')""",
    "first episode not a start (S), or a later one that is": """
        SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY la_code, clae_cla_id
            ORDER BY clae_cla_episode_start_date) AS n FROM ssd_cla_episodes)
        WHERE (n = 1) <> (clae_cla_episode_start_reason = 'S')""",
    "placement outside its period of care, or placements overlapping": """
        WITH periods AS (SELECT la_code, clae_cla_id, min(clae_cla_episode_start_date) s,
            max(coalesce(clae_cla_episode_ceased_date, DATE '9999-12-31')) e FROM ssd_cla_episodes GROUP BY ALL)
        SELECT p.clap_cla_placement_id FROM ssd_cla_placement p JOIN periods c
          ON c.la_code = p.la_code AND c.clae_cla_id = p.clap_cla_id
        WHERE p.clap_cla_placement_start_date < c.s
           OR coalesce(p.clap_cla_placement_end_date, DATE '9999-12-31') > c.e
        UNION ALL
        SELECT a.clap_cla_placement_id FROM ssd_cla_placement a JOIN ssd_cla_placement b
          ON a.la_code = b.la_code AND a.clap_cla_id = b.clap_cla_id
          AND a.clap_cla_placement_id < b.clap_cla_placement_id
        WHERE a.clap_cla_placement_start_date < coalesce(b.clap_cla_placement_end_date, DATE '9999-12-31')
          AND b.clap_cla_placement_start_date < coalesce(a.clap_cla_placement_end_date, DATE '9999-12-31')""",
    "visit, review, health check or PEP outside care": """
        WITH periods AS (SELECT la_code, clae_person_id, clae_cla_id, min(clae_cla_episode_start_date) s,
            max(coalesce(clae_cla_episode_ceased_date, DATE '9999-12-31')) e FROM ssd_cla_episodes GROUP BY ALL)
        SELECT 'visit' FROM ssd_cla_visits v JOIN periods c ON c.la_code = v.la_code AND c.clae_cla_id = v.clav_cla_id
        WHERE v.clav_cla_visit_date < c.s OR v.clav_cla_visit_date > c.e
        UNION ALL
        SELECT 'review' FROM ssd_cla_reviews v JOIN periods c ON c.la_code = v.la_code
          AND c.clae_cla_id = v.clar_cla_id
        WHERE v.clar_cla_review_date < c.s OR v.clar_cla_review_date > c.e
        UNION ALL
        SELECT 'pep' FROM cscperf_pep v JOIN periods c ON c.la_code = v.la_code AND c.clae_cla_id = v.pep_cla_id
        WHERE v.pep_date < c.s OR v.pep_date > c.e
        UNION ALL
        SELECT 'health' FROM ssd_cla_health h WHERE NOT EXISTS (SELECT 1 FROM periods c
          WHERE c.la_code = h.la_code AND c.clae_person_id = h.clah_person_id
            AND h.clah_health_check_date BETWEEN c.s AND c.e)""",
    "child looked after on or after their 18th birthday": """
        SELECT * FROM ssd_cla_episodes e JOIN ssd_person p ON p.la_code = e.la_code
          AND p.pers_person_id = e.clae_person_id
        WHERE coalesce(e.clae_cla_episode_ceased_date, (SELECT data_end_date FROM cscperf_councils c
            WHERE c.la_code = e.la_code)) >= p.pers_dob + INTERVAL 18 YEAR""",
    "child in care before birth": """
        SELECT * FROM ssd_cla_episodes e JOIN ssd_person p ON p.la_code = e.la_code
          AND p.pers_person_id = e.clae_person_id
        WHERE e.clae_cla_episode_start_date < p.pers_dob OR p.pers_dob IS NULL""",
    "child looked after with no placement at the end of the data": f"""
        SELECT * FROM ssd_cla_episodes x WHERE clae_cla_episode_ceased_date IS NULL
          AND NOT EXISTS (SELECT 1 FROM ssd_cla_placement p WHERE p.la_code = x.la_code
            AND p.clap_cla_id = x.clae_cla_id AND p.clap_cla_placement_end_date IS NULL
            AND p.clap_cla_placement_start_date <= {END})""",
    "cases of one child overlapping (referrals)": """
        SELECT * FROM ssd_cin_episodes a JOIN ssd_cin_episodes b ON a.la_code = b.la_code
          AND a.cine_person_id = b.cine_person_id AND a.cine_referral_id < b.cine_referral_id
        WHERE a.cine_referral_date < coalesce(b.cine_close_date, DATE '9999-12-31')
          AND b.cine_referral_date < coalesce(a.cine_close_date, DATE '9999-12-31')
          AND a.cine_referral_date <> a.cine_close_date AND b.cine_referral_date <> b.cine_close_date""",
    "allocation ending before it starts, or a worker holding a case outside their employment": """
        SELECT 'order' FROM ssd_involvements WHERE invo_involvement_end_date < invo_involvement_start_date
        UNION ALL
        SELECT 'employment' FROM ssd_involvements i WHERE NOT EXISTS (SELECT 1 FROM cscperf_sw_assignments a
          WHERE a.la_code = i.la_code AND a.assignment_professional_id = i.invo_professional_id
            AND a.assignment_start_date <= i.invo_involvement_start_date
            AND coalesce(a.assignment_end_date, DATE '9999-12-31')
                >= coalesce(i.invo_involvement_end_date, DATE '1900-01-01'))""",
    "a worker holding a case while on maternity leave": """
        SELECT * FROM ssd_involvements i JOIN cscperf_sw_absences a ON a.la_code = i.la_code
          AND a.absence_professional_id = i.invo_professional_id
        WHERE i.invo_involvement_start_date <= a.absence_end_date
          AND coalesce(i.invo_involvement_end_date, DATE '9999-12-31') >= a.absence_start_date""",
    "post filled twice by employed workers at once": """
        SELECT * FROM cscperf_sw_assignments a JOIN cscperf_sw_assignments b ON a.la_code = b.la_code
          AND a.assignment_post_id = b.assignment_post_id AND a.assignment_id < b.assignment_id
          AND a.contract_type = 'employed' AND b.contract_type = 'employed'
        WHERE a.assignment_start_date <= coalesce(b.assignment_end_date, DATE '9999-12-31')
          AND b.assignment_start_date <= coalesce(a.assignment_end_date, DATE '9999-12-31')""",
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_integrity_rule(db: duckdb.DuckDBPyConnection, rule: str) -> None:
    breaches = db.execute(f"SELECT count(*) FROM ({RULES[rule]})").fetchall()[0][0]
    assert breaches == 0, f"{breaches} rows break the rule: {rule}"


def test_every_table_key_is_unique_and_present(db: duckdb.DuckDBPyConnection) -> None:
    for table in load_schema().tables_for("duckdb"):
        if not table.key:
            continue
        key = ", ".join(table.key)
        nulls = " OR ".join(f"{k} IS NULL" for k in table.key)
        dupes = db.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {table.name} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()[0][0]
        missing = db.execute(f"SELECT count(*) FROM {table.name} WHERE {nulls}").fetchall()[0][0]
        assert (dupes, missing) == (0, 0), table.name


def test_the_rules_can_fail(db: duckdb.DuckDBPyConnection) -> None:
    """A rule query run on deliberately broken data finds the breach (so the rules are not empty)."""
    broken = RULES["CP visit or review outside its plan"].replace(
        "ssd_cp_visits v",
        "(SELECT la_code, cppv_cp_plan_id, cppv_cp_visit_date - 4000 AS cppv_cp_visit_date FROM ssd_cp_visits) v",
        1,
    )
    assert db.execute(f"SELECT count(*) FROM ({broken})").fetchall()[0][0] > 0


def test_the_main_tables_are_populated(db: duckdb.DuckDBPyConnection) -> None:
    extensions = ("cscperf_sw_absences", "cscperf_long_term_placements", "cscperf_cp_plan_previous")
    for table in (*REQUIRED_SSD_TABLES, *REQUIRED_EXTENSIONS, *extensions):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] > 0, table
