"""The CIN Census's children read from the store, a batch of children at a time (so memory stays flat).

The census (DfE guide): every child who was a child in need at any time in the collection year (1 April to
31 March), with each episode of need (referral) open on some day of the year and, within it, the assessments,
CIN plans, section 47 enquiries and child protection plans open on some day of the year and the CP review
conferences held in it. The return is as known at 31 March: anything dated after it is left out (an
assessment authorised in April has no authorisation date; a plan ending later is open).

An episode closed before the year whose assessment or plan carried on into it is included, so that activity
is reported; the DfE rules then flag the closure (8565, 8620) for the council to correct at source.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cscperf.store.connection import Connection

BATCH_CHILDREN = 10_000

# An episode's end for the census: its closure, or later where an assessment or plan carried on after it.
EPISODE_END = """
    SELECT r.cine_referral_id, r.cine_person_id, r.cine_referral_date,
           CASE WHEN r.cine_close_date IS NOT NULL THEN GREATEST(r.cine_close_date,
                COALESCE(a.last_day, r.cine_close_date), COALESCE(c.last_day, r.cine_close_date),
                COALESCE(p.last_day, r.cine_close_date)) END AS episode_end
    FROM ssd_cin_episodes r
    LEFT JOIN (SELECT cina_referral_id AS id, MAX(cina_assessment_auth_date) AS last_day FROM ssd_cin_assessments
               WHERE la_code = $la AND cina_person_id BETWEEN $first AND $last
               GROUP BY cina_referral_id) a ON a.id = r.cine_referral_id
    LEFT JOIN (SELECT cinp_referral_id AS id, MAX(cinp_cin_plan_end_date) AS last_day FROM ssd_cin_plans
               WHERE la_code = $la AND cinp_person_id BETWEEN $first AND $last
               GROUP BY cinp_referral_id) c ON c.id = r.cine_referral_id
    LEFT JOIN (SELECT cppl_referral_id AS id, MAX(cppl_cp_plan_end_date) AS last_day FROM ssd_cp_plans
               WHERE la_code = $la AND cppl_person_id BETWEEN $first AND $last
               GROUP BY cppl_referral_id) p ON p.id = r.cine_referral_id
    WHERE r.la_code = $la AND r.cine_person_id BETWEEN $first AND $last
"""
IN_CENSUS = f"""
    SELECT cine_referral_id FROM ({EPISODE_END}) e
    WHERE e.cine_referral_date <= $ye AND (e.episode_end IS NULL OR e.episode_end >= $ys)
"""
CHILDREN = """
    SELECT DISTINCT cine_person_id FROM ssd_cin_episodes
    WHERE la_code = $la AND cine_referral_date <= $ye AND cine_person_id IS NOT NULL
    ORDER BY cine_person_id
"""
QUERIES: dict[str, str] = {
    "episodes": f"""
        SELECT * FROM ssd_cin_episodes WHERE la_code = $la AND cine_referral_id IN ({IN_CENSUS})
        ORDER BY cine_person_id, cine_referral_date, cine_referral_id""",
    "people": """
        SELECT * FROM ssd_person WHERE la_code = $la AND pers_person_id BETWEEN $first AND $last""",
    "upns": """
        SELECT link_person_id, link_identifier_type, link_identifier_value FROM ssd_linked_identifiers
        WHERE la_code = $la AND link_person_id BETWEEN $first AND $last
          AND link_identifier_type IN ('Unique Pupil Number', 'Former Unique Pupil Number')
        ORDER BY link_person_id, link_table_id""",
    "disabilities": """
        SELECT disa_person_id, disa_disability_code FROM ssd_disability
        WHERE la_code = $la AND disa_person_id BETWEEN $first AND $last AND disa_disability_code IS NOT NULL
        ORDER BY disa_person_id, disa_table_id""",
    "assessments": """
        SELECT a.cina_referral_id, a.cina_assessment_start_date, a.cina_assessment_auth_date,
               f.cinf_assessment_factors_json
        FROM ssd_cin_assessments a
        LEFT JOIN ssd_assessment_factors f ON f.la_code = a.la_code AND f.cinf_assessment_id = a.cina_assessment_id
        WHERE a.la_code = $la AND a.cina_person_id BETWEEN $first AND $last
          AND a.cina_assessment_start_date <= $ye
          AND (a.cina_assessment_auth_date IS NULL OR a.cina_assessment_auth_date >= $ys)
        ORDER BY a.cina_assessment_start_date, a.cina_assessment_id""",
    "cin_plans": """
        SELECT cinp_referral_id, cinp_cin_plan_start_date, cinp_cin_plan_end_date FROM ssd_cin_plans
        WHERE la_code = $la AND cinp_person_id BETWEEN $first AND $last AND cinp_cin_plan_start_date <= $ye
          AND (cinp_cin_plan_end_date IS NULL OR cinp_cin_plan_end_date >= $ys)
        ORDER BY cinp_cin_plan_start_date, cinp_cin_plan_id""",
    "s47s": """
        SELECT s.s47e_referral_id, s.s47e_s47_start_date, i.icpc_icpc_target_date, i.icpc_icpc_date, s.s47e_s47_nfa
        FROM ssd_s47_enquiry s
        LEFT JOIN ssd_initial_cp_conference i
          ON i.la_code = s.la_code AND i.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id
        WHERE s.la_code = $la AND s.s47e_person_id BETWEEN $first AND $last AND s.s47e_s47_start_date <= $ye
          AND GREATEST(s.s47e_s47_start_date, COALESCE(s.s47e_s47_end_date, s.s47e_s47_start_date),
                       COALESCE(i.icpc_icpc_date, s.s47e_s47_start_date)) >= $ys
        ORDER BY s.s47e_s47_start_date, s.s47e_s47_enquiry_id""",
    "referral_conferences": """
        SELECT icpc_referral_id, MIN(icpc_icpc_date) AS icpc_date FROM ssd_initial_cp_conference
        WHERE la_code = $la AND icpc_person_id BETWEEN $first AND $last AND icpc_s47_enquiry_id IS NULL
          AND icpc_referral_id IS NOT NULL AND icpc_icpc_date <= $ye
        GROUP BY icpc_referral_id""",
    "cp_plans": """
        SELECT c.cppl_referral_id, c.cppl_cp_plan_id, c.cppl_cp_plan_start_date, c.cppl_cp_plan_end_date,
               c.cppl_cp_plan_initial_category, c.cppl_cp_plan_latest_category,
               n.number_of_previous_cp_plans,
               (SELECT COUNT(*) FROM ssd_cp_plans o WHERE o.la_code = c.la_code AND o.cppl_person_id = c.cppl_person_id
                  AND o.cppl_person_id BETWEEN $first AND $last
                  AND o.cppl_cp_plan_start_date < c.cppl_cp_plan_start_date) AS earlier_plans
        FROM ssd_cp_plans c
        LEFT JOIN cscperf_cp_plan_previous n ON n.la_code = c.la_code AND n.cppl_cp_plan_id = c.cppl_cp_plan_id
        WHERE c.la_code = $la AND c.cppl_person_id BETWEEN $first AND $last AND c.cppl_cp_plan_start_date <= $ye
          AND (c.cppl_cp_plan_end_date IS NULL OR c.cppl_cp_plan_end_date >= $ys)
        ORDER BY c.cppl_cp_plan_start_date, c.cppl_cp_plan_id""",
    "cp_reviews": """
        SELECT cppr_cp_plan_id, cppr_cp_review_date FROM ssd_cp_reviews
        WHERE la_code = $la AND cppr_person_id BETWEEN $first AND $last
          AND cppr_cp_review_date BETWEEN $ys AND $ye
        GROUP BY cppr_cp_plan_id, cppr_cp_review_date
        ORDER BY cppr_cp_plan_id, cppr_cp_review_date""",
    "pre_proceedings": """
        SELECT prep_person_id, prep_table_id, prep_pre_pro_decision_date, prep_pre_pro_letter_date,
               prep_initial_pre_pro_meeting_date, prep_pre_pro_meetings_num, prep_agree_stepdown_issue_date,
               prep_pre_pro_outcome, prep_care_pro_letter_date
        FROM ssd_pre_proceedings
        WHERE la_code = $la AND prep_person_id BETWEEN $first AND $last AND prep_pre_pro_decision_date <= $ye
          AND (prep_agree_stepdown_issue_date IS NULL OR prep_agree_stepdown_issue_date >= $ys)
        ORDER BY prep_person_id, prep_pre_pro_decision_date, prep_table_id""",
}
PRE_PROCEEDINGS_FROM = 2027  # the block is in the census from 2026-27


@dataclass
class Episode:
    row: dict[str, Any]
    assessments: list[dict[str, Any]] = field(default_factory=list)
    cin_plans: list[dict[str, Any]] = field(default_factory=list)
    s47s: list[dict[str, Any]] = field(default_factory=list)
    cp_plans: list[dict[str, Any]] = field(default_factory=list)
    pre_proceedings: list[dict[str, Any]] = field(default_factory=list)
    conference_date: dt.date | None = None


@dataclass
class CensusChild:
    person: dict[str, Any]
    upn: str | None = None
    former_upn: str | None = None
    disabilities: list[str] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)


def census_child_ids(con: Connection, la_code: str, year: int) -> list[str]:
    """The ids of every child with a referral by 31 March of the year (a superset of the census's children:
    the batches then keep those with an episode in the census)."""
    params = {"la": la_code, "ye": dt.date(year, 3, 31)}
    return [r[0] for r in con.execute(CHILDREN, params).fetchall()]


def census_children(con: Connection, la_code: str, year: int) -> Iterator[CensusChild]:
    """The census's children in order of their id, read a batch of children at a time."""
    ids = census_child_ids(con, la_code, year)
    for start in range(0, len(ids), BATCH_CHILDREN):
        chunk = ids[start : start + BATCH_CHILDREN]
        yield from _batch(con, la_code, year, chunk[0], chunk[-1])


def _batch(con: Connection, la: str, year: int, first: str, last: str) -> Iterator[CensusChild]:
    base = {"la": la, "first": first, "last": last}
    dated = {**base, "ys": dt.date(year - 1, 4, 1), "ye": dt.date(year, 3, 31)}

    def rows(name: str) -> list[dict[str, Any]]:
        sql = QUERIES[name]
        params = {k: v for k, v in dated.items() if re.search(rf"\${k}\b", sql)}
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

    episodes = rows("episodes")
    if not episodes:
        return
    by_referral = {e["cine_referral_id"]: Episode(e) for e in episodes}
    for name, key in (
        ("assessments", "cina_referral_id"),
        ("cin_plans", "cinp_referral_id"),
        ("s47s", "s47e_referral_id"),
        ("cp_plans", "cppl_referral_id"),
    ):
        for r in rows(name):
            episode = by_referral.get(r[key])
            if episode is not None:
                getattr(episode, name).append(r)
    for r in rows("referral_conferences"):
        if r["icpc_referral_id"] in by_referral:
            by_referral[r["icpc_referral_id"]].conference_date = r["icpc_date"]
    reviews: dict[str, list[dt.date]] = defaultdict(list)
    for r in rows("cp_reviews"):
        reviews[r["cppr_cp_plan_id"]].append(r["cppr_cp_review_date"])
    for episode in by_referral.values():
        for plan in episode.cp_plans:
            plan["reviews"] = reviews.get(plan["cppl_cp_plan_id"], [])
    people = {p["pers_person_id"]: p for p in rows("people")}
    children: dict[str, CensusChild] = {}
    for e in episodes:
        pid = e["cine_person_id"]
        if pid not in children:
            children[pid] = CensusChild(people.get(pid, {"pers_person_id": pid}))
        children[pid].episodes.append(by_referral[e["cine_referral_id"]])
    for r in rows("upns"):
        child = children.get(r["link_person_id"])
        if child is not None and r["link_identifier_type"] == "Unique Pupil Number":
            child.upn = child.upn or r["link_identifier_value"]
        elif child is not None:
            child.former_upn = child.former_upn or r["link_identifier_value"]
    for r in rows("disabilities"):
        if r["disa_person_id"] in children:
            children[r["disa_person_id"]].disabilities.append(r["disa_disability_code"])
    if year >= PRE_PROCEEDINGS_FROM:
        for r in rows("pre_proceedings"):
            child = children.get(r["prep_person_id"])
            if child is not None:
                _episode_of(child, r).pre_proceedings.append(r)
    yield from (children[k] for k in sorted(children))


def _episode_of(child: CensusChild, block: dict[str, Any]) -> Episode:
    """The episode a pre-proceedings block belongs to: the one its id names (as the loader makes them), else the
    latest episode begun by its start."""
    for episode in child.episodes:
        if str(block["prep_table_id"]).startswith(f"{episode.row['cine_referral_id']}/PP/"):
            return episode
    started = block["prep_pre_pro_decision_date"]
    begun = [e for e in child.episodes if e.row["cine_referral_date"] <= started]
    return (begun or child.episodes)[-1]


def assessment_factors(value: Any) -> list[str]:
    """The factor codes of an assessment (the SSD keeps them as a JSON array, or a comma-separated text)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        return [t.strip() for t in text.split(",") if t.strip()]
    if isinstance(parsed, list):
        return [str(v) for v in parsed]
    return [str(parsed)]
