"""The eleven Annex A lists for an inspection, read from the store (one council fits in memory).

Windows, as Ofsted's guidance sets them for the day inspectors ask (the as-at date D):
- Lists 1-5: contacts, early help assessments, referrals, assessments and section 47 enquiries in the six
  months to D (List 4: assessments open at any time in it; List 5 also enquiries whose conference was in it);
- Lists 6-8: children in need, on a child protection plan or looked after at any time in the six months (open
  at D, or closed in the window); List 8 one row a child, their latest period of care;
- List 9: care leavers at D; List 10: children with an adoption decision, order, match or placement in the
  twelve months to D; List 11: adopters (no SSD table holds them: headers only, and the export says so).
Values the store does not hold stay empty, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from cscperf.returns import annex_a_template as t
from cscperf.store.connection import Connection


def months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the window of `months` months ending on `day` (31 October -> 1 May for six)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last)) + dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    as_at: dt.date

    @property
    def start(self) -> dt.date:
        return months_before(self.as_at, 6)

    @property
    def year_start(self) -> dt.date:
        return months_before(self.as_at, 12)


class AnnexAReader:
    def __init__(self, con: Connection, la_code: str, as_at: dt.date) -> None:
        self.con, self.la, self.w = con, la_code, Window(as_at)
        self.people = {
            r[0]: r[1:]
            for r in self.q(
                "SELECT pers_person_id, pers_sex, pers_ethnicity, pers_dob FROM ssd_person WHERE la_code = $la"
            )
        }
        disabled: dict[str, set[str]] = defaultdict(set)
        for person, code in self.q(
            "SELECT disa_person_id, disa_disability_code FROM ssd_disability WHERE la_code = $la"
        ):
            disabled[person].add(str(code or "").upper())
        self.disabled = disabled

    def q(self, sql: str) -> list[tuple[Any, ...]]:
        params = {"la": self.la, "s": self.w.start, "e": self.w.as_at, "y": self.w.year_start}
        return self.con.execute(sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}).fetchall()

    def child(self, person: str) -> list[Any]:
        sex, ethnicity, dob = self.people.get(person, (None, None, None))
        return [person, t.coded(t.GENDER, sex), t.coded(t.ETHNIC_OPTIONS, ethnicity), dob, self.age(dob)]

    def age(self, dob: dt.date | None) -> int | None:
        if dob is None or dob > self.w.as_at:
            return None
        e = self.w.as_at
        return e.year - dob.year - ((e.month, e.day) < (dob.month, dob.day))

    def disability(self, person: str) -> str | None:
        codes = self.disabled.get(person)
        if not codes:
            return None
        return t.NO if codes <= {"NONE"} else t.YES

    def lists(self) -> dict[int, list[list[Any]]]:
        return {n: getattr(self, f"list_{n}")() for n in range(1, 12)}

    def list_1(self) -> list[list[Any]]:
        return [
            [*self.child(p), d, t.source_option(c)]
            for p, d, c in self.q(
                "SELECT cont_person_id, cont_contact_date, cont_contact_source_code FROM ssd_contacts "
                "WHERE la_code = $la AND cont_contact_date BETWEEN $s AND $e ORDER BY 1, 2, cont_contact_id"
            )
        ]

    def list_2(self) -> list[list[Any]]:
        return [
            [*self.child(p), s, e, o]
            for p, s, e, o in self.q(
                "SELECT earl_person_id, earl_episode_start_date, "
                "CASE WHEN earl_episode_end_date <= $e THEN earl_episode_end_date END, earl_episode_organisation "
                "FROM ssd_early_help_episodes WHERE la_code = $la AND earl_episode_start_date BETWEEN $s AND $e "
                "ORDER BY 1, 2, earl_episode_id"
            )
        ]

    def list_3(self) -> list[list[Any]]:
        return [
            [*self.child(p), d, t.source_option(c), _yes(nfa), n, team, worker]
            for p, d, c, nfa, n, team, worker in self.q("""
            SELECT r.cine_person_id, r.cine_referral_date, r.cine_referral_source_code, r.cine_referral_nfa,
                   (SELECT COUNT(DISTINCT o.cine_referral_date) FROM ssd_cin_episodes o
                    WHERE o.la_code = r.la_code AND o.cine_person_id = r.cine_person_id
                      AND o.cine_referral_date < r.cine_referral_date
                      AND o.cine_referral_date >= r.cine_referral_date - INTERVAL 12 MONTH),
                   r.cine_referral_team, r.cine_referral_worker_id
            FROM ssd_cin_episodes r WHERE r.la_code = $la AND r.cine_referral_date BETWEEN $s AND $e
            ORDER BY 1, 2, r.cine_referral_id""")
        ]

    def list_4(self) -> list[list[Any]]:
        return [
            [
                *self.child(p),
                self.disability(p),
                s,
                _yes(seen),
                a,
                None if a is None or nfa is None else (t.NO if nfa == "Y" else t.YES),
                team,
                worker,
            ]
            for p, s, seen, a, nfa, team, worker in self.q(
                "SELECT cina_person_id, cina_assessment_start_date, cina_assessment_child_seen, "
                "CASE WHEN cina_assessment_auth_date <= $e THEN cina_assessment_auth_date END, "
                "cina_assessment_outcome_nfa, cina_assessment_team, cina_assessment_worker_id FROM ssd_cin_assessments "
                "WHERE la_code = $la AND cina_assessment_start_date <= $e AND (cina_assessment_auth_date IS NULL "
                "OR cina_assessment_auth_date >= $s) ORDER BY 1, 2, cina_assessment_id"
            )
        ]

    def list_5(self) -> list[list[Any]]:
        rows = self.q("""
            SELECT s.s47e_person_id, s.s47e_s47_start_date, s.s47e_s47_nfa,
                   CASE WHEN i.icpc_icpc_date <= $e THEN i.icpc_icpc_date END, i.icpc_icpc_outcome_cp_flag,
                   (SELECT COUNT(*) FROM ssd_s47_enquiry o WHERE o.la_code = s.la_code
                      AND o.s47e_person_id = s.s47e_person_id AND o.s47e_s47_start_date < s.s47e_s47_start_date
                      AND o.s47e_s47_start_date >= s.s47e_s47_start_date - INTERVAL 12 MONTH),
                   (SELECT COUNT(*) FROM ssd_initial_cp_conference o WHERE o.la_code = s.la_code
                      AND o.icpc_person_id = s.s47e_person_id AND o.icpc_icpc_date < s.s47e_s47_start_date
                      AND o.icpc_icpc_date >= s.s47e_s47_start_date - INTERVAL 12 MONTH),
                   s.s47e_s47_completed_by_team, s.s47e_s47_completed_by_worker_id
            FROM ssd_s47_enquiry s LEFT JOIN ssd_initial_cp_conference i
              ON i.la_code = s.la_code AND i.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id
            WHERE s.la_code = $la AND (s.s47e_s47_start_date BETWEEN $s AND $e OR i.icpc_icpc_date BETWEEN $s AND $e)
            ORDER BY 1, 2, s.s47e_s47_enquiry_id""")
        return [
            [
                *self.child(p),
                self.disability(p),
                s,
                None if nfa is None else _yes(nfa),
                icpc,
                _yes(plan) if icpc is not None else None,
                n_s47,
                n_icpc,
                team,
                worker,
            ]
            for p, s, nfa, icpc, plan, n_s47, n_icpc, team, worker in rows
        ]

    def list_6(self) -> list[list[Any]]:
        rows = self.q("""
            SELECT r.cine_person_id, r.cine_referral_date, r.cine_cin_primary_need_code,
                   CASE WHEN r.cine_close_date <= $e THEN r.cine_close_date END,
                   CASE WHEN r.cine_close_date <= $e THEN r.cine_close_reason END,
                   r.cine_referral_team, r.cine_referral_worker_id,
                   (SELECT MAX(v.cinv_cin_visit_date) FROM ssd_cin_visits v WHERE v.la_code = r.la_code
                      AND v.cinv_person_id = r.cine_person_id AND v.cinv_cin_visit_date <= $e
                      AND COALESCE(v.cinv_cin_visit_seen, 'Y') = 'Y')
            FROM ssd_cin_episodes r WHERE r.la_code = $la AND r.cine_referral_date <= $e
              AND (r.cine_close_date IS NULL OR r.cine_close_date >= $s)
            ORDER BY 1, 2, r.cine_referral_id""")
        status = self.case_status()
        return [
            [
                *self.child(p),
                self.disability(p),
                d,
                t.need_option(need),
                seen,
                closed,
                t.closure_option(reason),
                t.CASE_STATUS[4] if closed is not None else status.get(p),
                team,
                worker,
            ]
            for p, d, need, closed, reason, team, worker, seen in rows
        ]

    def case_status(self) -> dict[str, str]:
        """Each child's status at D, the first that holds: looked after, CP plan, CIN plan, open assessment."""
        found: dict[str, str] = {}
        for index, sql in enumerate(
            (
                "SELECT DISTINCT clae_person_id FROM ssd_cla_episodes WHERE la_code = $la "
                "AND clae_cla_episode_start_date <= $e AND (clae_cla_episode_ceased_date IS NULL "
                "OR clae_cla_episode_ceased_date > $e)",
                "SELECT DISTINCT cppl_person_id FROM ssd_cp_plans WHERE la_code = $la "
                "AND cppl_cp_plan_start_date <= $e "
                "AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date > $e)",
                "SELECT DISTINCT cinp_person_id FROM ssd_cin_plans WHERE la_code = $la "
                "AND cinp_cin_plan_start_date <= $e "
                "AND (cinp_cin_plan_end_date IS NULL OR cinp_cin_plan_end_date > $e)",
                "SELECT DISTINCT cina_person_id FROM ssd_cin_assessments WHERE la_code = $la "
                "AND cina_assessment_start_date <= $e AND (cina_assessment_auth_date IS NULL "
                "OR cina_assessment_auth_date > $e)",
            )
        ):
            for (person,) in self.q(sql):
                found.setdefault(person, t.CASE_STATUS[index])
        return found

    def list_7(self) -> list[list[Any]]:
        rows = self.q("""
            SELECT c.cppl_person_id, c.cppl_cp_plan_start_date, c.cppl_cp_plan_initial_category,
                   c.cppl_cp_plan_latest_category,
                   CASE WHEN c.cppl_cp_plan_end_date <= $e THEN c.cppl_cp_plan_end_date END,
                   COALESCE(n.number_of_previous_cp_plans,
                            (SELECT COUNT(*) FROM ssd_cp_plans o WHERE o.la_code = c.la_code
                               AND o.cppl_person_id = c.cppl_person_id
                               AND o.cppl_cp_plan_start_date < c.cppl_cp_plan_start_date)),
                   (SELECT MAX(v.cppv_cp_visit_date) FROM ssd_cp_visits v WHERE v.la_code = c.la_code
                      AND v.cppv_cp_plan_id = c.cppl_cp_plan_id AND v.cppv_cp_visit_date <= $e),
                   (SELECT MAX(r.cppr_cp_review_date) FROM ssd_cp_reviews r WHERE r.la_code = c.la_code
                      AND r.cppr_cp_plan_id = c.cppl_cp_plan_id AND r.cppr_cp_review_date <= $e),
                   c.cppl_cp_plan_id
            FROM ssd_cp_plans c LEFT JOIN cscperf_cp_plan_previous n
              ON n.la_code = c.la_code AND n.cppl_cp_plan_id = c.cppl_cp_plan_id
            WHERE c.la_code = $la AND c.cppl_cp_plan_start_date <= $e
              AND (c.cppl_cp_plan_end_date IS NULL OR c.cppl_cp_plan_end_date >= $s)
            ORDER BY 1, 2, c.cppl_cp_plan_id""")
        alone = {
            (plan, day): flag
            for plan, day, flag in self.q(
                "SELECT cppv_cp_plan_id, cppv_cp_visit_date, MAX(cppv_cp_visit_seen_alone) FROM ssd_cp_visits "
                "WHERE la_code = $la GROUP BY cppv_cp_plan_id, cppv_cp_visit_date"
            )
        }
        protected = {
            p
            for (p,) in self.q(
                "SELECT DISTINCT lega_person_id FROM ssd_legal_status WHERE la_code = $la "
                "AND lega_legal_status IN ('L1', 'L2') AND lega_legal_status_start_date BETWEEN $s AND $e"
            )
        }
        staff = self.allocated()
        return [
            [
                *self.child(p),
                self.disability(p),
                s,
                t.coded(t.CATEGORY, ic),
                t.coded(t.CATEGORY, lc or ic),
                visit,
                _yes(alone.get((plan, visit))) if visit else None,
                review,
                e,
                t.YES if p in protected else t.NO,
                n,
                *staff.get(p, (None, None)),
            ]
            for p, s, ic, lc, e, n, visit, review, plan in rows
        ]

    def allocated(self) -> dict[str, tuple[str | None, str | None]]:
        """Each child's allocated social worker at D (the latest begun by then and not ended): team, worker."""
        out: dict[str, tuple[str | None, str | None]] = {}
        for person, team, worker in self.q(
            "SELECT invo_person_id, invo_professional_team, invo_professional_id FROM ssd_involvements "
            "WHERE la_code = $la AND invo_involvement_start_date <= $e AND (invo_involvement_end_date IS NULL "
            "OR invo_involvement_end_date >= $e) ORDER BY invo_person_id, invo_involvement_start_date"
        ):
            out[person] = (team, worker)
        return out

    def list_8(self) -> list[list[Any]]:
        from cscperf.returns.annex_a_care import looked_after_rows

        return looked_after_rows(self)

    def list_9(self) -> list[list[Any]]:
        uasc = {
            p
            for (p,) in self.q(
                "SELECT DISTINCT immi_person_id FROM ssd_immigration_status WHERE la_code = $la "
                "AND immi_immigration_status = 'UASC' AND immi_immigration_status_start_date <= $e"
            )
        }
        return [
            [
                *self.child(p),
                t.YES if p in uasc else t.NO,
                self.disability(p),
                team,
                worker,
                pa,
                t.coded(t.ELIGIBILITY, (elig or "").lower()) if elig else None,
                review,
                t.coded(t.IN_TOUCH, touch),
                contact,
                t.coded(t.ACCOMMODATION, accom),
                t.coded(t.SUITABILITY, suit),
                t.coded(t.ACTIVITY, act),
            ]
            for p, team, worker, pa, elig, review, touch, contact, accom, suit, act in self.q(
                "SELECT clea_person_id, clea_care_leaver_allocated_team, clea_care_leaver_worker_id, "
                "clea_care_leaver_personal_advisor, clea_care_leaver_eligibility, clea_pathway_plan_review_date, "
                "clea_care_leaver_in_touch, clea_care_leaver_latest_contact, clea_care_leaver_accommodation, "
                "clea_care_leaver_accom_suitable, clea_care_leaver_activity FROM ssd_care_leavers WHERE la_code = $la "
                "ORDER BY 1, clea_table_id"
            )
        ]

    def list_10(self) -> list[list[Any]]:
        rows = self.q("""
            SELECT p.perm_person_id,
                   (SELECT MIN(e.clae_cla_episode_start_date) FROM ssd_cla_episodes e WHERE e.la_code = p.la_code
                      AND e.clae_person_id = p.perm_person_id AND e.clae_cla_episode_start_date <= $e),
                   p.perm_adm_decision_date, p.perm_placement_order_date, p.perm_matched_date,
                   p.perm_placed_for_adoption_date,
                   CASE WHEN p.perm_permanence_order_type IS NULL OR lower(p.perm_permanence_order_type) LIKE '%adopt%'
                        THEN p.perm_permanence_order_date END,
                   p.perm_decision_reversed_date, p.perm_decision_reversed_reason, p.perm_placed_ffa_cp_date
            FROM ssd_permanence p WHERE p.la_code = $la
              AND (p.perm_adm_decision_date BETWEEN $y AND $e OR p.perm_placement_order_date BETWEEN $y AND $e
                   OR p.perm_matched_date BETWEEN $y AND $e OR p.perm_placed_for_adoption_date BETWEEN $y AND $e
                   OR p.perm_permanence_order_date BETWEEN $y AND $e OR p.perm_decision_reversed_date BETWEEN $y AND $e)
            ORDER BY 1, 3, p.perm_table_id""")
        out = []
        for p, entered, decided, order, matched, placed, adopted, reversed_on, reason, ffa in rows:
            person, gender, ethnicity, dob, age = self.child(p)
            out.append(
                [
                    person,
                    None,
                    gender,
                    ethnicity,
                    dob,
                    age,
                    self.disability(p),
                    entered,
                    decided,
                    order,
                    matched,
                    placed,
                    adopted,
                    reversed_on,
                    t.coded(t.REASON_NO_LONGER, reason),
                    ffa,
                ]
            )
        return out

    def list_11(self) -> list[list[Any]]:
        return []


def _yes(flag: Any) -> str | None:
    if flag is None:
        return None
    return t.YES if str(flag).upper() in ("Y", "YES", "1", "TRUE") else t.NO
