"""The SSDA903 tables for a collection year, read from the store (a council's children looked after fit in
memory: tens of thousands of rows at national scale for one council, not millions).

Population, as the DfE's guide sets it: every child looked after at any time in the year (an episode open on
some day from 1 April to 31 March), with their episodes in the year as known at 31 March (an episode open then
has no DEC or REC). Values the store does not hold are left blank, never made up; docs/exporting.md says which.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from cscperf.loading.ssda903_tables import TABLE_COLUMNS
from cscperf.store.connection import Connection

SEX_LETTERS_FROM = 2025  # SEX is 1/2 up to 2023-24, M/F/U from 2024-25
SW_EPISODES_FROM = 2024  # the social worker episodes table, from 2023-24
DOLO_FROM = 2027  # deprivation of liberty orders, from 2026-27
FILE_NAMES = {
    "header": "header",
    "episodes": "episodes",
    "uasc": "uasc",
    "reviews": "reviews",
    "oc2": "oc2",
    "oc3": "oc3",
    "ad1": "ad1",
    "placed_adoption": "placed_for_adoption",
    "prev_perm": "previous_permanence",
    "missing": "missing",
    "sw_episodes": "sw_episodes",
    "dolo": "dolo",
}
Row = dict[str, str]

EPISODES = """
    SELECT e.clae_person_id AS child, e.clae_cla_episode_start_date AS decom, e.clae_cla_episode_start_reason AS rne,
           (SELECT l.lega_legal_status FROM ssd_legal_status l
            WHERE l.la_code = e.la_code AND l.lega_person_id = e.clae_person_id AND l.lega_legal_status <> 'DoLO'
              AND l.lega_legal_status_start_date <= e.clae_cla_episode_start_date
            ORDER BY l.lega_legal_status_start_date DESC, l.lega_legal_status_id DESC LIMIT 1) AS ls,
           e.clae_cla_primary_need_code AS cin, p.clap_cla_placement_type AS place,
           p.clap_cla_placement_provider AS provider,
           CASE WHEN e.clae_cla_episode_ceased_date <= $ye THEN e.clae_cla_episode_ceased_date END AS dec,
           CASE WHEN e.clae_cla_episode_ceased_date <= $ye THEN e.clae_cla_episode_ceased_reason END AS rec,
           CASE WHEN e.clae_cla_episode_ceased_date <= $ye
                 AND e.clae_cla_episode_ceased_date = p.clap_cla_placement_end_date
                THEN p.clap_cla_placement_change_reason END AS rpc,
           (SELECT a.addr_address_postcode FROM ssd_address a
            WHERE a.la_code = e.la_code AND a.addr_person_id = e.clae_person_id
              AND (a.addr_address_start_date IS NULL OR a.addr_address_start_date <= e.clae_cla_episode_start_date)
              AND (a.addr_address_end_date IS NULL OR a.addr_address_end_date >= e.clae_cla_episode_start_date)
            ORDER BY a.addr_address_start_date DESC, a.addr_table_id LIMIT 1) AS home_post,
           p.clap_cla_placement_postcode AS pl_post, p.clap_cla_placement_urn AS urn
    FROM ssd_cla_episodes e
    LEFT JOIN ssd_cla_placement p ON p.la_code = e.la_code AND p.clap_cla_placement_id = e.clae_cla_placement_id
    WHERE e.la_code = $la AND e.clae_cla_episode_start_date <= $ye
      AND (e.clae_cla_episode_ceased_date IS NULL OR e.clae_cla_episode_ceased_date >= $ys)
      -- care that ended on a date no return gives (open at one 31 March, in no later return: the loader's
      -- END_UNKNOWN, dated the next 1 April) is open in its own year's return and in no later one
      AND NOT (COALESCE(e.clae_cla_episode_ceased_reason, '') = 'END_UNKNOWN'
               AND e.clae_cla_episode_ceased_date <= $ys)
    ORDER BY 1, 2, e.clae_cla_episode_id
"""
PEOPLE = """
    SELECT p.pers_person_id, p.pers_sex, p.pers_dob, p.pers_ethnicity, p.pers_upn_unknown, p.pers_is_mother,
           (SELECT MIN(l.link_identifier_value) FROM ssd_linked_identifiers l WHERE l.la_code = p.la_code
              AND l.link_person_id = p.pers_person_id AND l.link_identifier_type = 'Unique Pupil Number') AS upn,
           (SELECT MIN(m.moth_childs_dob) FROM ssd_mother m WHERE m.la_code = p.la_code
              AND m.moth_person_id = p.pers_person_id) AS mc_dob
    FROM ssd_person p WHERE p.la_code = $la
"""
QUERIES: dict[str, str] = {
    "uasc": """
        SELECT immi_person_id, MAX(immi_immigration_status_end_date) FROM ssd_immigration_status
        WHERE la_code = $la AND immi_immigration_status = 'UASC' GROUP BY immi_person_id""",
    "reviews": """
        SELECT e.clae_person_id, r.clar_cla_review_date, MIN(r.clar_cla_review_participation)
        FROM ssd_cla_reviews r JOIN ssd_cla_episodes e ON e.la_code = r.la_code AND e.clae_cla_id = r.clar_cla_id
        WHERE r.la_code = $la AND r.clar_cla_review_date BETWEEN $ys AND $ye
          AND COALESCE(r.clar_cla_review_cancelled, 'N') <> 'Y'
        GROUP BY e.clae_person_id, r.clar_cla_review_date ORDER BY 1, 2""",
    "outcomes": """
        SELECT person_id, sdq_score, sdq_reason, convicted, health_check, immunisations, teeth_check,
               health_assessment, substance_misuse
        FROM cscperf_cla_outcomes WHERE la_code = $la AND collection_year = $year""",
    "continuously": """
        WITH periods AS (
            SELECT clae_cla_id, clae_person_id, MIN(clae_cla_episode_start_date) AS care_start,
                   CASE WHEN COUNT(*) = COUNT(clae_cla_episode_ceased_date)
                        THEN MAX(clae_cla_episode_ceased_date) END AS care_end
            FROM ssd_cla_episodes WHERE la_code = $la GROUP BY clae_cla_id, clae_person_id)
        SELECT DISTINCT p.clae_person_id FROM periods p
        WHERE p.care_start <= $year_ago AND (p.care_end IS NULL OR p.care_end > $ye)
          AND NOT EXISTS (SELECT 1 FROM ssd_legal_status l WHERE l.la_code = $la
                          AND l.lega_person_id = p.clae_person_id AND l.lega_legal_status IN ('V3', 'V4')
                          AND l.lega_legal_status_start_date <= $ye
                          AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date > $ye))""",
    "health": """
        SELECT clah_person_id, clah_health_check_type, COUNT(DISTINCT clah_health_check_date)
        FROM ssd_cla_health
        WHERE la_code = $la AND COALESCE(clah_health_check_status, 'Completed') = 'Completed'
          AND clah_health_check_date > $year_ago AND clah_health_check_date <= $ye
        GROUP BY clah_person_id, clah_health_check_type""",
    "immunisations": """
        SELECT clai_person_id, MAX(clai_immunisations_status) FROM ssd_cla_immunisations
        WHERE la_code = $la AND (clai_immunisations_status_date IS NULL OR clai_immunisations_status_date <= $ye)
        GROUP BY clai_person_id""",
    "sdq": """
        SELECT csdq_person_id, MAX(csdq_sdq_score), MAX(csdq_sdq_reason) FROM ssd_sdq_scores
        WHERE la_code = $la AND csdq_sdq_completed_date BETWEEN $ys AND $ye GROUP BY csdq_person_id""",
    "convictions": """
        SELECT clac_person_id, COUNT(*) FROM ssd_cla_convictions
        WHERE la_code = $la AND clac_cla_conviction_date BETWEEN $ys AND $ye GROUP BY clac_person_id""",
    "misuse": """
        SELECT clas_person_id, MAX(clas_intervention_received) FROM ssd_cla_substance_misuse
        WHERE la_code = $la AND clas_substance_misuse_date BETWEEN $ys AND $ye GROUP BY clas_person_id""",
    "any_convictions": "SELECT COUNT(*) FROM ssd_cla_convictions WHERE la_code = $la",
    "any_misuse": "SELECT COUNT(*) FROM ssd_cla_substance_misuse WHERE la_code = $la",
    "care_leavers": """
        SELECT c.clea_person_id, c.clea_care_leaver_in_touch, c.clea_care_leaver_activity,
               c.clea_care_leaver_accommodation, c.clea_care_leaver_accom_suitable, p.pers_dob
        FROM ssd_care_leavers c LEFT JOIN ssd_person p ON p.la_code = c.la_code AND p.pers_person_id = c.clea_person_id
        WHERE c.la_code = $la ORDER BY c.clea_person_id, c.clea_table_id""",
    "permanence": """
        SELECT perm_person_id, perm_table_id, perm_adm_decision_date, perm_matched_date, perm_adopted_by_carer_flag,
               perm_number_of_adopters, perm_adopter_sex, perm_adopter_legal_status, perm_decision_reversed_date,
               perm_decision_reversed_reason
        FROM ssd_permanence WHERE la_code = $la ORDER BY perm_person_id, perm_adm_decision_date, perm_table_id""",
    "prev_perm": """
        SELECT lapp_person_id, lapp_previous_permanence_option, lapp_previous_permanence_la,
               lapp_previous_permanence_order_date
        FROM ssd_cla_previous_permanence WHERE la_code = $la ORDER BY lapp_person_id, lapp_table_id""",
    "missing": """
        SELECT miss_person_id, miss_missing_episode_type, miss_missing_episode_start_date,
               CASE WHEN miss_missing_episode_end_date <= $ye THEN miss_missing_episode_end_date END
        FROM ssd_missing WHERE la_code = $la AND miss_missing_episode_start_date BETWEEN $ys AND $ye
        ORDER BY 1, 3, miss_table_id""",
    # SW_ID is the social worker's Social Work England registration number (SW...), where the store holds it
    "sw_episodes": """
        SELECT i.invo_person_id,
               COALESCE((SELECT MIN(NULLIF(TRIM(w.prof_social_worker_registration_no), ''))
                         FROM ssd_professionals w
                         WHERE w.la_code = i.la_code AND w.prof_professional_id = i.invo_professional_id),
                        i.invo_professional_id),
               i.invo_involvement_start_date,
               CASE WHEN i.invo_involvement_end_date <= $ye THEN i.invo_involvement_end_date END,
               i.invo_worker_change_reason
        FROM ssd_involvements i
        WHERE i.la_code = $la AND i.invo_professional_role_id = 'Allocated Social Worker'
          AND i.invo_involvement_start_date <= $ye
          AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= $ys)
        ORDER BY 1, 3, i.invo_involvements_id""",
    "in_care_on": """
        SELECT clae_person_id, clae_cla_episode_start_date, clae_cla_episode_ceased_date
        FROM ssd_cla_episodes WHERE la_code = $la AND clae_cla_episode_start_date <= $ye""",
    "dolo": """
        SELECT lega_person_id, lega_legal_status_start_date,
               CASE WHEN lega_legal_status_end_date <= $ye THEN lega_legal_status_end_date END
        FROM ssd_legal_status WHERE la_code = $la AND lega_legal_status = 'DoLO'
          AND lega_legal_status_start_date <= $ye
          AND (lega_legal_status_end_date IS NULL OR lega_legal_status_end_date >= $ys)
        ORDER BY 1, 2""",
}
ADOPTED = ("E11", "E12")
SHORT_BREAKS = {"V3", "V4"}
SW_REASONS = ("MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS")
"""The DfE's reasons for a new social worker episode (SW_REASON)."""
SW_REASON_WORDS = {
    "worker left": "LEFTRL",
    "social worker left": "LEFTRL",
    "social worker left role": "LEFTRL",
    "worker absent": "ABSENC",
    "social worker absent": "ABSENC",
    "social worker absence": "ABSENC",
    "social worker died": "SWDIED",
    "management decision": "MANAGE",
    "organisational restructure": "ORGRST",
    "placement change": "PCCHAN",
}
"""A case system's words for the same reasons, as the SSD keeps them (free text): only those that can mean one
DfE reason. Anything else is written as held, for the DfE rules to report and the council to correct."""


def sw_reason(held: str | None) -> str:
    """SW_REASON: a DfE code as held (any case), the code for words that can mean only it, else the text held."""
    text = (held or "").strip()
    if text.upper() in SW_REASONS:
        return text.upper()
    return SW_REASON_WORDS.get(" ".join(text.lower().split()), text)


def tables_for_year(year: int) -> list[str]:
    """The 903 tables of the year's return, in the DfE's order."""
    names = [t for t in TABLE_COLUMNS if t not in ("sw_episodes", "dolo")]
    if year >= SW_EPISODES_FROM:
        names.append("sw_episodes")
    if year >= DOLO_FROM:
        names.append("dolo")
    return names


def uk(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def _flag(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return {"Y": "1", "N": "0", "YES": "1", "NO": "0", "TRUE": "1", "FALSE": "0"}.get(str(value).upper(), str(value))


class Reader:
    def __init__(self, con: Connection, la_code: str, year: int) -> None:
        self.con, self.year = con, year
        ys, ye = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
        self.params: dict[str, Any] = {
            "la": la_code,
            "ys": ys,
            "ye": ye,
            "year": year,
            "year_ago": dt.date(year - 1, 3, 31),
        }

    def q(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, {k: v for k, v in self.params.items() if re.search(rf"\${k}\b", sql)}).fetchall()

    def named(self, sql: str) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, {k: v for k, v in self.params.items() if re.search(rf"\${k}\b", sql)})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def read_tables(con: Connection, la_code: str, year: int) -> dict[str, list[Row]]:
    """Every table of the year's return, as rows of the DfE's columns (text, dates dd/mm/yyyy)."""
    r = Reader(con, la_code, year)
    ye = r.params["ye"]
    episodes = r.named(EPISODES)
    looked_after = sorted({e["child"] for e in episodes})
    in_year = set(looked_after)
    oc2 = _oc2_cohort(r, in_year)
    oc3 = _oc3(r, ye, oc2)
    # the header holds every child of the return: those looked after in the year and the care leavers of OC3
    # (the DfE's check INT06: a child in OC3 must be in the header)
    children = sorted(in_year | {row["CHILD"] for row in oc3})
    people = {p["pers_person_id"]: p for p in r.named(PEOPLE) if p["pers_person_id"] in set(children)}
    dob = {c: uk(people.get(c, {}).get("pers_dob")) for c in children}
    letters = year >= SEX_LETTERS_FROM
    out: dict[str, list[Row]] = {}
    # No motherhood details or reviews for a child whose every episode of the year is a short break (V3/V4), nor
    # motherhood details for a care leaver not looked after in the year (the DfE's rules 399 and 628)
    legal: dict[str, set[str]] = defaultdict(set)
    for e in episodes:
        legal[e["child"]].add(e["ls"] or "")
    short_breaks_only = {c for c, statuses in legal.items() if statuses <= SHORT_BREAKS}
    no_motherhood = short_breaks_only | (set(children) - in_year)
    out["header"] = [_header(c, people.get(c, {}), letters, c not in no_motherhood) for c in children]
    out["episodes"] = [
        {
            "CHILD": e["child"],
            "DECOM": uk(e["decom"]),
            "RNE": e["rne"] or "",
            "LS": e["ls"] or "",
            "CIN": e["cin"] or "",
            "PLACE": e["place"] or "",
            "PLACE_PROVIDER": e["provider"] or "",
            "DEC": uk(e["dec"]),
            "REC": e["rec"] or "",
            "REASON_PLACE_CHANGE": e["rpc"] or "",
            "HOME_POST": e["home_post"] or "",
            "PL_POST": e["pl_post"] or "",
            "URN": e["urn"] or "",
        }
        for e in episodes
    ]
    sex = {row["CHILD"]: row["SEX"] for row in out["header"]}
    out["uasc"] = [
        {"CHILD": c, "SEX": sex.get(c, ""), "DOB": dob[c], "DUC": uk(end)}
        for c, end in sorted(r.q(QUERIES["uasc"]))
        if c in in_year
    ]
    out["reviews"] = [
        {"CHILD": c, "DOB": dob[c], "REVIEW": uk(day), "REVIEW_CODE": code or ""}
        for c, day, code in r.q(QUERIES["reviews"])
        if c in in_year and c not in short_breaks_only
    ]
    out["oc2"] = _oc2(r, oc2, dob, people)
    out["oc3"] = oc3
    out["ad1"], out["placed_adoption"] = _adoption(r, episodes, dob)
    out["prev_perm"] = [
        {"CHILD": c, "DOB": dob[c], "PREV_PERM": option or "", "LA_PERM": la or "", "DATE_PERM": when or ""}
        for c, option, la, when in r.q(QUERIES["prev_perm"])
        if c in in_year
    ]
    out["missing"] = [
        {
            "CHILD": c,
            "DOB": dob[c],
            "MISSING": {"Missing": "M", "Absent": "A"}.get(kind or "", kind or ""),
            "MIS_START": uk(start),
            "MIS_END": uk(end),
        }
        for c, kind, start, end in r.q(QUERIES["missing"])
        if c in in_year
    ]
    if year >= SW_EPISODES_FROM:
        out["sw_episodes"] = [
            {
                "CHILD": c,
                "DOB": dob[c],
                "SW_ID": worker or "",
                "SW_DECOM": uk(start),
                "SW_DEC": uk(end),
                "SW_REASON": sw_reason(reason),
            }
            for c, worker, start, end, reason in r.q(QUERIES["sw_episodes"])
            if c in in_year
        ]
    if year >= DOLO_FROM:
        out["dolo"] = [
            {"CHILD": c, "DOB": dob[c], "DOLO_START": uk(start), "DOLO_END": uk(end)}
            for c, start, end in r.q(QUERIES["dolo"])
            if c in in_year
        ]
    return out


def _header(child: str, p: dict[str, Any], letters: bool, motherhood: bool = True) -> Row:
    sex = p.get("pers_sex") or ""
    if not letters:
        sex = {"M": "1", "F": "2"}.get(sex, sex)
    unknown = p.get("pers_upn_unknown") or ""
    return {
        "CHILD": child,
        "SEX": sex,
        "DOB": uk(p.get("pers_dob")),
        "ETHNIC": p.get("pers_ethnicity") or "",
        "UPN": p.get("upn") or (unknown if unknown.upper().startswith("UN") else ""),
        "MOTHER": _flag(p.get("pers_is_mother")) if motherhood else "",
        "MC_DOB": uk(p.get("mc_dob")) if motherhood else "",
    }


def _oc2_cohort(r: Reader, in_year: set[str]) -> list[str]:
    """The children looked after continuously for 12 months at 31 March (short breaks left out)."""
    return sorted(c for (c,) in r.q(QUERIES["continuously"]) if c in in_year)


def _oc2(r: Reader, cohort: list[str], dob: dict[str, str], people: dict[str, dict[str, Any]]) -> list[Row]:
    """OC2: children looked after continuously for 12 months at 31 March (short breaks left out). A return
    loaded earlier gives the outcomes as sent; otherwise they are derived from the store's records."""
    ye = r.params["ye"]
    sent = {row["person_id"]: row for row in r.named(QUERIES["outcomes"])}
    checks = {(p, kind): n for p, kind, n in r.q(QUERIES["health"])}
    immunised = dict(r.q(QUERIES["immunisations"]))
    sdq = {p: (score, reason) for p, score, reason in r.q(QUERIES["sdq"])}
    convicted = dict(r.q(QUERIES["convictions"]))
    misuse = dict(r.q(QUERIES["misuse"]))
    records_convictions = r.q(QUERIES["any_convictions"])[0][0] > 0
    records_misuse = r.q(QUERIES["any_misuse"])[0][0] > 0
    rows = []
    for c in cohort:
        if c in sent:
            s = sent[c]
            rows.append(
                {
                    "CHILD": c,
                    "DOB": dob[c],
                    "SDQ_SCORE": "" if s["sdq_score"] is None else str(s["sdq_score"]),
                    "SDQ_REASON": s["sdq_reason"] or "",
                    "CONVICTED": _flag(s["convicted"]),
                    "HEALTH_CHECK": _flag(s["health_check"]),
                    "IMMUNISATIONS": _flag(s["immunisations"]),
                    "TEETH_CHECK": _flag(s["teeth_check"]),
                    "HEALTH_ASSESSMENT": _flag(s["health_assessment"]),
                    "SUBSTANCE_MISUSE": _flag(s["substance_misuse"]),
                    "INTERVENTION_RECEIVED": "",
                    "INTERVENTION_OFFERED": "",
                }
            )
            continue
        born = people.get(c, {}).get("pers_dob")
        under_five = born is not None and born > dt.date(ye.year - 5, ye.month, ye.day)
        assessed = checks.get((c, "Health Assessment"), 0) >= (2 if under_five else 1)
        score, reason = sdq.get(c, (None, None))
        rows.append(
            {
                "CHILD": c,
                "DOB": dob[c],
                "SDQ_SCORE": "" if score is None else str(score),
                "SDQ_REASON": reason or "",
                "CONVICTED": ("1" if c in convicted else "0") if records_convictions else "",
                "HEALTH_CHECK": "",
                "IMMUNISATIONS": _flag(immunised.get(c)),
                "TEETH_CHECK": "1" if checks.get((c, "Dental Check"), 0) >= 1 else "0",
                "HEALTH_ASSESSMENT": "1" if assessed else "0",
                "SUBSTANCE_MISUSE": ("1" if c in misuse else "0") if records_misuse else "",
                "INTERVENTION_RECEIVED": _flag(misuse.get(c)) if c in misuse else "",
                "INTERVENTION_OFFERED": "",
            }
        )
    return rows


def _oc3(r: Reader, ye: dt.date, oc2: list[str]) -> list[Row]:
    """OC3: care leavers whose 17th to 21st birthday falls in the year (their birthday in the year, aged 17-21),
    who had left care by that birthday. A young person looked after on their birthday (leaving that day
    included), or in OC2 (looked after for the 12 months to 31 March), has no care leaver information that year
    (the DfE's rules 1007, 1016 and 187): they are not in OC3."""
    in_care: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for child, start, end in r.q(QUERIES["in_care_on"]):
        in_care[child].append((start, end))
    continuing = set(oc2)
    rows = []
    for c, touch, activity, accommodation, suitable, born in r.q(QUERIES["care_leavers"]):
        if born is None or c in continuing:
            continue
        birthday_year = ye.year - 1 if (born.month, born.day) >= (4, 1) else ye.year
        if not 17 <= birthday_year - born.year <= 21:
            continue
        birthday = _birthday(born, birthday_year)
        if any(start <= birthday and (end is None or end >= birthday) for start, end in in_care.get(c, [])):
            continue
        accom = accommodation or ""
        if accom and accom != "0" and len(accom) == 1:
            accom += {"Suitable": "1", "Unsuitable": "2"}.get(suitable or "", "")
        rows.append({"CHILD": c, "DOB": uk(born), "IN_TOUCH": touch or "", "ACTIV": activity or "", "ACCOM": accom})
    return rows


def _birthday(born: dt.date, year: int) -> dt.date:
    """The birthday in `year` (a 29 February birthday falls on 28 February in other years)."""
    try:
        return born.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def _adoption(r: Reader, episodes: list[dict[str, Any]], dob: dict[str, str]) -> tuple[list[Row], list[Row]]:
    """AD1 (children adopted in the year: an episode ended E11/E12 in it) and the decisions to place for adoption
    of the year's children (ADM decision, reversal and reason)."""
    adopted = sorted({e["child"] for e in episodes if e["rec"] in ADOPTED})
    by_child: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in r.named(QUERIES["permanence"]):
        by_child[row["perm_person_id"]].append(row)
    ad1 = []
    for c in adopted:
        rows = by_child.get(c, [])
        best = max(
            rows,
            key=lambda p: (p["perm_matched_date"] is not None, str(p["perm_table_id"]).startswith("AD1:")),
            default=None,
        )
        if best is None:
            ad1.append(
                {
                    "CHILD": c,
                    "DOB": dob[c],
                    "DATE_INT": "",
                    "DATE_MATCH": "",
                    "FOSTER_CARE": "",
                    "NB_ADOPTR": "",
                    "SEX_ADOPTR": "",
                    "LS_ADOPTR": "",
                }
            )
            continue
        ad1.append(
            {
                "CHILD": c,
                "DOB": dob[c],
                "DATE_INT": uk(best["perm_adm_decision_date"]),
                "DATE_MATCH": uk(best["perm_matched_date"]),
                "FOSTER_CARE": _flag(best["perm_adopted_by_carer_flag"]),
                "NB_ADOPTR": best["perm_number_of_adopters"] or "",
                "SEX_ADOPTR": best["perm_adopter_sex"] or "",
                "LS_ADOPTR": best["perm_adopter_legal_status"] or "",
            }
        )
    placed = []
    for c in sorted(dob):
        for p in by_child.get(c, []):
            if p["perm_adm_decision_date"] is None or str(p["perm_table_id"]).startswith("AD1:"):
                continue
            placed.append(
                {
                    "CHILD": c,
                    "DOB": dob[c],
                    "DATE_PLACED": uk(p["perm_adm_decision_date"]),
                    "DATE_PLACED_CEASED": uk(p["perm_decision_reversed_date"]),
                    "REASON_PLACED_CEASED": p["perm_decision_reversed_reason"] or "",
                }
            )
    return ad1, placed
