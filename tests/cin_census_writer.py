"""Write a store out as CIN Census XML, as a council would return it (for the round-trip test and the benchmark).

The census population is the DfE's: every child in need at any time in the year (1 April to 31 March), that
is with a referral (CIN episode) open on some day of the year, with each such episode and, within it, the
assessments, CIN plans, section 47 enquiries and child protection plans open on some day of the year and
the CP review conferences held in the year. The return is as known at 31 March: anything dated after it is
left out (an assessment authorised in April has no authorisation date yet; a plan ending later is open).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
from lxml import etree

CATEGORY_CODES = {
    "Neglect": "NEG",
    "Physical abuse": "PHY",
    "Sexual abuse": "SAB",
    "Emotional abuse": "EMO",
    "Multiple": "MUL",
}
Booleans = Literal["01", "truefalse"]
EPISODE_END = """
    SELECT r.cine_referral_id, r.cine_referral_date,
           CASE WHEN r.cine_close_date IS NOT NULL THEN greatest(r.cine_close_date,
                COALESCE(a.last_day, r.cine_close_date), COALESCE(c.last_day, r.cine_close_date),
                COALESCE(p.last_day, r.cine_close_date)) END AS episode_end
    FROM ssd_cin_episodes r
    LEFT JOIN (SELECT cina_referral_id AS id, max(cina_assessment_auth_date) AS last_day FROM ssd_cin_assessments
               WHERE la_code = $1 GROUP BY ALL) a ON a.id = r.cine_referral_id
    LEFT JOIN (SELECT cinp_referral_id AS id, max(cinp_cin_plan_end_date) AS last_day FROM ssd_cin_plans
               WHERE la_code = $1 GROUP BY ALL) c ON c.id = r.cine_referral_id
    LEFT JOIN (SELECT cppl_referral_id AS id, max(cppl_cp_plan_end_date) AS last_day FROM ssd_cp_plans
               WHERE la_code = $1 GROUP BY ALL) p ON p.id = r.cine_referral_id
    WHERE r.la_code = $1
"""


@dataclass
class CensusChild:
    """One Child element: (element, text) pairs and nested blocks, in the census's element order."""

    identifiers: list[tuple[str, str | None]]
    ethnicity: str | None
    disabilities: list[str] = field(default_factory=list)
    episodes: list[dict[str, Any]] = field(default_factory=list)


def _d(value: dt.date | None, year_end: dt.date) -> str | None:
    return value.isoformat() if value is not None and value <= year_end else None


def census_children(con: duckdb.DuckDBPyConnection, la_code: str, year: int, *, sex_era: bool) -> list[CensusChild]:
    """The children of the census for the year ending 31 March `year`, read from a store."""
    ys, ye = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)

    def rows(sql: str) -> list[dict[str, Any]]:
        cursor = con.execute(sql, [la_code, ye, ys])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

    # An episode is in the census if it was open on some day of the year. Its end is its closure date or, where
    # an assessment or plan carried on after that (rule 8565 forbids it; the synthetic council has a few), the
    # end of that activity: the child was still being worked with.
    in_census = (
        f"(SELECT cine_referral_id FROM ({EPISODE_END}) WHERE cine_referral_date <= $2 AND "
        "(episode_end IS NULL OR episode_end >= $3))"
    )
    episodes = rows(
        f"SELECT * FROM ssd_cin_episodes WHERE la_code = $1 AND cine_referral_id IN {in_census} "
        "ORDER BY cine_person_id, cine_referral_date, cine_referral_id"
    )
    by_referral: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))

    def group(kind: str, sql: str, key: str) -> None:
        for row in rows(sql.replace("$REFERRALS", in_census)):
            by_referral[row[key]][kind].append(row)

    group(
        "assessments",
        "SELECT * FROM ssd_cin_assessments WHERE la_code = $1 AND cina_referral_id IN $REFERRALS "
        "AND cina_assessment_start_date <= $2 AND (cina_assessment_auth_date IS NULL OR "
        "cina_assessment_auth_date >= $3) ORDER BY cina_assessment_start_date, cina_assessment_id",
        "cina_referral_id",
    )
    group(
        "cin_plans",
        "SELECT * FROM ssd_cin_plans WHERE la_code = $1 AND cinp_referral_id IN $REFERRALS "
        "AND cinp_cin_plan_start_date <= $2 AND (cinp_cin_plan_end_date IS NULL OR cinp_cin_plan_end_date >= $3) "
        "ORDER BY cinp_cin_plan_start_date, cinp_cin_plan_id",
        "cinp_referral_id",
    )
    group(
        "s47s",
        "SELECT s.*, i.icpc_icpc_date, i.icpc_icpc_target_date FROM ssd_s47_enquiry s "
        "LEFT JOIN ssd_initial_cp_conference i ON i.la_code = s.la_code AND i.icpc_s47_enquiry_id = "
        "s.s47e_s47_enquiry_id WHERE s.la_code = $1 AND s.s47e_referral_id IN $REFERRALS "
        "AND s.s47e_s47_start_date <= $2 AND greatest(s.s47e_s47_start_date, "
        "COALESCE(s.s47e_s47_end_date, s.s47e_s47_start_date), COALESCE(i.icpc_icpc_date, s.s47e_s47_start_date)) "
        ">= $3 ORDER BY s.s47e_s47_start_date, s.s47e_s47_enquiry_id",
        "s47e_referral_id",
    )
    group(
        "cp_plans",
        "SELECT c.*, COALESCE(n.number_of_previous_cp_plans, 0) AS previous, "
        "list(r.cppr_cp_review_date ORDER BY r.cppr_cp_review_date) FILTER (WHERE r.cppr_cp_review_date "
        "BETWEEN $3 AND $2) AS reviews "
        "FROM ssd_cp_plans c LEFT JOIN cscperf_cp_plan_previous n ON n.la_code = c.la_code "
        "AND n.cppl_cp_plan_id = c.cppl_cp_plan_id LEFT JOIN ssd_cp_reviews r ON r.la_code = c.la_code "
        "AND r.cppr_cp_plan_id = c.cppl_cp_plan_id WHERE c.la_code = $1 AND c.cppl_referral_id IN $REFERRALS "
        "AND c.cppl_cp_plan_start_date <= $2 AND (c.cppl_cp_plan_end_date IS NULL OR c.cppl_cp_plan_end_date >= $3) "
        "GROUP BY ALL ORDER BY c.cppl_cp_plan_start_date, c.cppl_cp_plan_id",
        "cppl_referral_id",
    )
    people = {
        r["pers_person_id"]: r
        for r in rows(
            "SELECT * FROM ssd_person WHERE la_code = $1 AND pers_person_id IN (SELECT cine_person_id FROM "
            f"ssd_cin_episodes WHERE la_code = $1 AND cine_referral_id IN {in_census})"
        )
    }
    disabilities: dict[str, list[str]] = defaultdict(list)
    for r in rows("SELECT * FROM ssd_disability WHERE la_code = $1 AND $2 IS NOT NULL AND $3 IS NOT NULL"):
        disabilities[r["disa_person_id"]].append(r["disa_disability_code"])

    children: dict[str, CensusChild] = {}
    for e in episodes:
        pid = e["cine_person_id"]
        child = children.get(pid)
        if child is None:
            child = children[pid] = _child(people.get(pid, {"pers_person_id": pid}), ye, sex_era)
            child.disabilities = sorted(disabilities.get(pid, []))
        parts = by_referral.get(e["cine_referral_id"], {})
        child.episodes.append(_episode(e, parts, ye))
    return list(children.values())


def _child(p: dict[str, Any], ye: dt.date, sex_era: bool) -> CensusChild:
    sex = p.get("pers_sex")
    dob = p.get("pers_dob")
    expected = p.get("pers_expected_dob")
    born = dob is not None and dob <= ye
    due = None if born else (expected or dob)
    identifiers: list[tuple[str, str | None]] = [
        ("LAchildID", p["pers_person_id"]),
        ("UPNunknown", p.get("pers_upn_unknown") if p.get("pers_upn_unknown", "N") not in ("N", None) else None),
        ("PersonBirthDate", dob.isoformat() if dob is not None and born else None),
        ("ExpectedPersonBirthDate", due.isoformat() if due is not None else None),
        (
            ("Sex", {"M": "M", "F": "F"}.get(sex or "", "U"))
            if sex_era
            else ("GenderCurrent", {"M": "1", "F": "2"}.get(sex or "", "0"))
        ),
        ("PersonDeathDate", _d(p.get("pers_death_date"), ye)),
    ]
    return CensusChild(identifiers, p.get("pers_ethnicity"))


def _episode(e: dict[str, Any], parts: dict[str, list[dict[str, Any]]], ye: dt.date) -> dict[str, Any]:
    closed = e["cine_close_date"] is not None and e["cine_close_date"] <= ye
    return {
        "CINreferralDate": e["cine_referral_date"].isoformat(),
        "ReferralSource": e["cine_referral_source_code"],
        "PrimaryNeedCode": e["cine_cin_primary_need_code"],
        "CINclosureDate": _d(e["cine_close_date"], ye),
        "ReasonForClosure": e["cine_close_reason"] if closed else None,
        "ReferralNFA": e["cine_referral_nfa"] == "Y",
        "Assessments": [
            {
                "AssessmentActualStartDate": a["cina_assessment_start_date"].isoformat(),
                "AssessmentAuthorisationDate": _d(a["cina_assessment_auth_date"], ye),
            }
            for a in parts.get("assessments", [])
        ],
        "CINPlanDates": [
            {
                "CINPlanStartDate": c["cinp_cin_plan_start_date"].isoformat(),
                "CINPlanEndDate": _d(c["cinp_cin_plan_end_date"], ye),
            }
            for c in parts.get("cin_plans", [])
        ],
        "Section47": [
            {
                "S47ActualStartDate": s["s47e_s47_start_date"].isoformat(),
                "InitialCPCtarget": _d(s["icpc_icpc_target_date"], ye),
                "DateOfInitialCPC": _d(s["icpc_icpc_date"], ye),
                "ICPCnotRequired": s["s47e_s47_nfa"] == "Y",
            }
            for s in parts.get("s47s", [])
        ],
        "ChildProtectionPlans": [
            {
                "CPPstartDate": c["cppl_cp_plan_start_date"].isoformat(),
                "CPPendDate": _d(c["cppl_cp_plan_end_date"], ye),
                "InitialCategoryOfAbuse": CATEGORY_CODES.get(c["cppl_cp_plan_initial_category"] or "", "MUL"),
                "LatestCategoryOfAbuse": CATEGORY_CODES.get(
                    c["cppl_cp_plan_latest_category"] or c["cppl_cp_plan_initial_category"] or "", "MUL"
                ),
                "NumberOfPreviousCPP": str(c["previous"]),
                "Reviews": [r.isoformat() for r in (c["reviews"] or [])],
            }
            for c in parts.get("cp_plans", [])
        ],
    }


def write_census(
    path: Path,
    children: Iterable[CensusChild],
    *,
    la_code: str,
    year: int,
    booleans: Booleans = "01",
) -> int:
    """Write the census file (streamed with lxml's xmlfile); returns the number of children written."""
    yes, no = ("1", "0") if booleans == "01" else ("true", "false")
    count = 0

    def leaf(xf: Any, name: str, value: str | bool | None) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            value = yes if value else no
        el = etree.Element(name)
        el.text = value
        xf.write(el)

    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            with xf.element("Header"):
                with xf.element("CollectionDetails"):
                    leaf(xf, "Collection", "CIN")
                    leaf(xf, "Year", str(year))
                    leaf(xf, "ReferenceDate", f"{year}-03-31")
                with xf.element("Source"):
                    leaf(xf, "SourceLevel", "L")
                    leaf(xf, "LEA", la_code)
                    leaf(xf, "SoftwareCode", "cscperf test writer")
                    leaf(xf, "Release", "1")
                    leaf(xf, "SerialNo", "001")
                    leaf(xf, "DateTime", f"{year}-05-01T09:00:00")
            with xf.element("Children"):
                for child in children:
                    xf.write(child_element(child, yes, no))
                    count += 1
    return count


def child_element(child: CensusChild, yes: str = "1", no: str = "0") -> Any:
    """One Child element, in the census's element order."""

    def sub(parent: Any, name: str, value: str | bool | None) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            value = yes if value else no
        etree.SubElement(parent, name).text = value

    el = etree.Element("Child")
    ids = etree.SubElement(el, "ChildIdentifiers")
    for name, value in child.identifiers:
        sub(ids, name, value)
    chars = etree.SubElement(el, "ChildCharacteristics")
    sub(chars, "Ethnicity", child.ethnicity)
    if child.disabilities:
        dis = etree.SubElement(chars, "Disabilities")
        for code in child.disabilities:
            sub(dis, "Disability", code)
    for e in child.episodes:
        cin = etree.SubElement(el, "CINdetails")
        for name in ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure"):
            sub(cin, name, e[name])
        for a in e["Assessments"]:
            block = etree.SubElement(cin, "Assessments")
            for name, value in a.items():
                if name == "Factors":
                    factors = etree.SubElement(block, "FactorsIdentifiedAtAssessment")
                    for code in value:
                        sub(factors, "AssessmentFactors", code)
                else:
                    sub(block, name, value)
        for c in e["CINPlanDates"]:
            block = etree.SubElement(cin, "CINPlanDates")
            for name, value in c.items():
                sub(block, name, value)
        for s in e["Section47"]:
            block = etree.SubElement(cin, "Section47")
            for name, value in s.items():
                sub(block, name, value)
        sub(cin, "ReferralNFA", e["ReferralNFA"])
        for c in e["ChildProtectionPlans"]:
            block = etree.SubElement(cin, "ChildProtectionPlans")
            for name, value in c.items():
                if name == "Reviews":
                    if value:
                        reviews = etree.SubElement(block, "Reviews")
                        for day in value:
                            sub(reviews, "CPPreviewDate", day)
                else:
                    sub(block, name, value)
        for pp in e.get("PreProceedingsandFGDM", []):
            block = etree.SubElement(cin, "PreProceedingsandFGDM")
            for name, value in pp.items():
                sub(block, name, value)
    return el


def write_store_census(
    con: duckdb.DuckDBPyConnection, path: Path, la_code: str, year: int, *, booleans: Booleans = "01"
) -> int:
    """The store's census for the year ending 31 March `year` (GenderCurrent up to 2023-24, Sex after)."""
    children = census_children(con, la_code, year, sex_era=year >= 2025)
    return write_census(path, children, la_code=la_code, year=year, booleans=booleans)


def renamed(children: Iterable[CensusChild], suffix: str) -> Iterator[CensusChild]:
    """The same children under new identifiers (for large generated files)."""
    for child in children:
        ids = [(n, f"{v}{suffix}" if n == "LAchildID" else v) for n, v in child.identifiers]
        yield CensusChild(ids, child.ethnicity, child.disabilities, child.episodes)
