"""Simple SQL for the realised figures of a synthetic council (used by the calibration tests).

Deliberately plain and independent of the indicator engine: each query computes one figure the default
profile aims at, for one council, as at a date or over a year.
"""

from __future__ import annotations

NOT_SHORT_BREAK = """NOT EXISTS (SELECT 1 FROM ssd_legal_status l WHERE l.lega_person_id = e.clae_person_id
    AND l.lega_legal_status IN ('V3', 'V4') AND l.lega_legal_status_start_date <= $d
    AND coalesce(l.lega_legal_status_end_date, DATE '9999-12-31') > $d)"""

CLA_AT = f"""
SELECT count(DISTINCT clae_person_id) FROM ssd_cla_episodes e
WHERE clae_cla_episode_start_date <= $d AND coalesce(clae_cla_episode_ceased_date, DATE '9999-12-31') > $d
  AND {NOT_SHORT_BREAK}"""

CP_AT = """
SELECT count(DISTINCT cppl_person_id),
       count(DISTINCT cppl_person_id) FILTER (WHERE cppl_cp_plan_start_date <= $d - INTERVAL 1 YEAR),
       count(DISTINCT cppl_person_id) FILTER (WHERE $d - cppl_cp_plan_start_date > 729)
FROM ssd_cp_plans WHERE cppl_cp_plan_start_date <= $d AND coalesce(cppl_cp_plan_end_date, DATE '9999-12-31') > $d"""

RE_REFERRALS = """
SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM ssd_cin_episodes p WHERE p.cine_person_id = r.cine_person_id
    AND p.cine_referral_date < r.cine_referral_date
    AND p.cine_referral_date >= r.cine_referral_date - INTERVAL 12 MONTH) THEN 1.0 ELSE 0 END)
FROM ssd_cin_episodes r WHERE cine_referral_date BETWEEN $from AND $to"""

ASSESSMENTS_45 = """
SELECT avg(CASE WHEN ce.working_day_number - cs.working_day_number <= 45 THEN 1.0 ELSE 0 END)
FROM ssd_cin_assessments a
JOIN cscperf_calendar cs ON cs.cal_date = a.cina_assessment_start_date
JOIN cscperf_calendar ce ON ce.cal_date = a.cina_assessment_auth_date
WHERE a.cina_assessment_auth_date BETWEEN $from AND $to"""

CP_VISITS = """
WITH v AS (
    SELECT v.cppv_cp_visit_date AS visit, coalesce(lag(v.cppv_cp_visit_date) OVER (PARTITION BY v.cppv_cp_plan_id
        ORDER BY v.cppv_cp_visit_date), p.cppl_cp_plan_start_date) AS previous
    FROM ssd_cp_visits v JOIN ssd_cp_plans p ON p.cppl_cp_plan_id = v.cppv_cp_plan_id)
SELECT avg(CASE WHEN c2.working_day_number - c1.working_day_number <= 10 THEN 1.0 ELSE 0 END)
FROM v JOIN cscperf_calendar c1 ON c1.cal_date = v.previous JOIN cscperf_calendar c2 ON c2.cal_date = v.visit
WHERE v.visit BETWEEN $from AND $to"""

CLA_VISITS = """
WITH v AS (
    SELECT p.clap_cla_placement_id, p.clap_cla_placement_start_date AS placed, t.long_term_from_date,
        v.clav_cla_visit_date AS visit,
        lag(v.clav_cla_visit_date) OVER (PARTITION BY p.clap_cla_placement_id ORDER BY v.clav_cla_visit_date) AS prev
    FROM ssd_cla_visits v
    JOIN ssd_cla_placement p ON p.clap_cla_id = v.clav_cla_id
        AND v.clav_cla_visit_date > p.clap_cla_placement_start_date
        AND v.clav_cla_visit_date < coalesce(p.clap_cla_placement_end_date, DATE '9999-12-31')
    LEFT JOIN cscperf_long_term_placements t ON t.clap_cla_placement_id = p.clap_cla_placement_id)
SELECT avg(CASE
    WHEN prev IS NULL THEN (visit - placed <= 7)
    WHEN long_term_from_date IS NOT NULL AND prev >= long_term_from_date AND prev - placed >= 365
        THEN visit - prev <= 91
    ELSE visit - prev <= 42 END::INTEGER)
FROM v WHERE visit BETWEEN $from AND $to"""

CLA_COHORT = f"""
SELECT e.clae_person_id AS person, min(p.pers_dob) AS dob, min(e.clae_entered_care_date) AS entered
FROM ssd_cla_episodes e JOIN ssd_person p ON p.pers_person_id = e.clae_person_id
WHERE e.clae_cla_episode_start_date <= $d AND coalesce(e.clae_cla_episode_ceased_date, DATE '9999-12-31') > $d
  AND {NOT_SHORT_BREAK}
GROUP BY e.clae_person_id"""

HEALTH_IN_DATE = f"""
WITH c AS ({CLA_COHORT})
SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM ssd_cla_health h WHERE h.clah_person_id = c.person
    AND h.clah_health_check_type = $type AND h.clah_health_check_status = 'Completed'
    AND h.clah_health_check_date <= $d
    AND h.clah_health_check_date > $d - CASE WHEN $type = 'Health Assessment' AND $d < c.dob + INTERVAL 5 YEAR
        THEN INTERVAL 6 MONTH ELSE INTERVAL 12 MONTH END) THEN 1.0 ELSE 0 END)
FROM c WHERE c.entered <= $d - INTERVAL 12 MONTH"""

PEP_IN_DATE = f"""
WITH c AS ({CLA_COHORT})
SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM cscperf_pep x WHERE x.pep_person_id = c.person
    AND x.pep_date BETWEEN $d - INTERVAL 5 MONTH AND $d) THEN 1.0 ELSE 0 END)
FROM c WHERE c.dob <= $d - INTERVAL 5 YEAR AND c.entered <= $d - INTERVAL 3 MONTH"""

CASELOAD = """
WITH cases AS (
    SELECT invo_professional_id AS worker, count(*) AS n FROM ssd_involvements
    WHERE invo_professional_role_id = 'Allocated Social Worker' AND invo_involvement_start_date <= $d
      AND coalesce(invo_involvement_end_date, DATE '9999-12-31') >= $d
    GROUP BY ALL)
SELECT sum(n) / sum(w.prof_full_time_equivalency)
FROM cases JOIN ssd_professionals w ON w.prof_professional_id = cases.worker"""

WORKFORCE_RATES = """
WITH posts AS (SELECT * FROM cscperf_sw_posts WHERE post_qualified AND post_start_date <= $d
        AND coalesce(post_end_date, DATE '9999-12-31') >= $d),
    filled AS (SELECT a.* FROM cscperf_sw_assignments a JOIN posts p ON p.post_id = a.assignment_post_id
        WHERE a.assignment_start_date <= $d AND coalesce(a.assignment_end_date, DATE '9999-12-31') >= $d),
    employed AS (SELECT assignment_post_id AS post, sum(assignment_fte) AS fte FROM filled
        WHERE contract_type = 'employed' GROUP BY ALL),
    vacancy AS (SELECT sum(greatest(p.post_fte - coalesce(e.fte, 0), 0)) AS fte FROM posts p
        LEFT JOIN employed e ON e.post = p.post_id),
    leavers AS (SELECT sum(a.assignment_fte) AS fte FROM cscperf_sw_assignments a
        JOIN cscperf_sw_posts p ON p.post_id = a.assignment_post_id AND p.post_qualified
        WHERE a.contract_type = 'employed' AND a.end_reason = 'left_council'
          AND a.assignment_end_date > $d - INTERVAL 12 MONTH AND a.assignment_end_date <= $d)
SELECT (SELECT fte FROM vacancy) / ((SELECT fte FROM vacancy) + (SELECT sum(fte) FROM employed)),
       (SELECT sum(assignment_fte) FROM filled WHERE contract_type = 'agency')
           / (SELECT sum(assignment_fte) FROM filled),
       (SELECT fte FROM leavers) / (SELECT sum(fte) FROM employed)"""
