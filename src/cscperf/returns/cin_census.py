"""The CIN Census return (XML) for a collection year, written from the store and checked.

Written as a stream with lxml's incremental writer (`etree.xmlfile`), a batch of children at a time, so memory
does not grow with the number of children. Element order, codes and booleans (1/0) are the XSD's for the year:
`GenderCurrent` (1/2/0) up to 2023-24, `Sex` (M/F/U) from 2024-25, `PreProceedingsandFGDM` from 2026-27.
Nothing is invented: a value the store does not hold is left out, and the checks then say what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from cscperf import __version__
from cscperf.errors import DataProblem
from cscperf.returns import dfe_rules, xml_schema
from cscperf.returns.base import CheckRequest, ExportRequest, ExportResult, ReturnFormat
from cscperf.returns.cin_census_rows import PRE_PROCEEDINGS_FROM, CensusChild, Episode, assessment_factors
from cscperf.returns.cin_census_rows import census_children as read_children
from cscperf.returns.failures import CheckOutcome
from cscperf.returns.held import year_note
from cscperf.returns.periods import collection_year_words

SEX_FROM = 2025  # Sex (M/F/U) replaces GenderCurrent in 2024-25
CIN_PLANS_FROM = 2022  # CINPlanDates from 2021-22: the census had no CIN plans before (CIN_schema_2021.xsd)
CATEGORY_CODES = {
    "Neglect": "NEG",
    "Physical abuse": "PHY",
    "Sexual abuse": "SAB",
    "Emotional abuse": "EMO",
    "Multiple": "MUL",
}
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0"}


def export(request: ExportRequest) -> ExportResult:
    year = request.year
    assert year is not None, "the command asks for --year"
    path = request.out
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = write(request.con, request.la_code, year, path)
    notes = []
    if counts["children"] == 0:
        notes.append(
            f"The store holds no child in need in {collection_year_words(year)} for council {request.la_code}."
        )
    partial = year_note(request.con, request.la_code, "ssd_cin_episodes", "referrals", year)
    if partial is not None:
        notes.append(partial)
    return ExportResult([path], counts, collection_year_words(year), notes=notes)


def write(con: Any, la_code: str, year: int, path: Path) -> dict[str, int]:
    """Write the census file; the number of children and of each block written."""
    counts = dict.fromkeys(("children", "referrals", "assessments", "cin_plans", "s47s", "cp_plans"), 0)
    partial = path.with_name(path.name + ".partial")
    with etree.xmlfile(str(partial), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write(header(la_code, year), pretty_print=True)
            with xf.element("Children"):
                for child in read_children(con, la_code, year):
                    xf.write(child_element(child, year), pretty_print=True)
                    counts["children"] += 1
                    counts["referrals"] += len(child.episodes)
                    for e in child.episodes:
                        counts["assessments"] += len(e.assessments)
                        counts["cin_plans"] += len(e.cin_plans) if year >= CIN_PLANS_FROM else 0
                        counts["s47s"] += len(e.s47s)
                        counts["cp_plans"] += len(e.cp_plans)
    partial.replace(path)
    return counts


def header(la_code: str, year: int) -> Any:
    el = etree.Element("Header")
    details = etree.SubElement(el, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", str(year))
    _sub(details, "ReferenceDate", f"{year}-03-31")
    source = etree.SubElement(el, "Source")
    _sub(source, "SourceLevel", "L")
    _sub(source, "LEA", la_code)
    _sub(source, "SoftwareCode", "cscperf")
    _sub(source, "Release", __version__)
    _sub(source, "SerialNo", "001")
    _sub(source, "DateTime", dt.datetime.now().replace(microsecond=0).isoformat())
    return el


def child_element(child: CensusChild, year: int) -> Any:
    """One Child element, in the census's element order."""
    ye = dt.date(year, 3, 31)
    p = child.person
    el = etree.Element("Child")
    ids = etree.SubElement(el, "ChildIdentifiers")
    dob, expected = p.get("pers_dob"), p.get("pers_expected_dob")
    born = dob is not None and dob <= ye
    upn_unknown = p.get("pers_upn_unknown")
    unborn = not born and (expected or dob) is not None  # (no date at all: a child whose birth date is missing)
    sex = "U" if unborn else p.get("pers_sex")  # rule 8750: an unborn child's sex is U (GenderCurrent 0)
    _sub(ids, "LAchildID", p["pers_person_id"])
    _sub(ids, "UPN", child.upn)
    _sub(ids, "FormerUPN", child.former_upn)
    _sub(ids, "UPNunknown", upn_unknown if upn_unknown and str(upn_unknown).upper().startswith("UN") else None)
    _sub(ids, "PersonBirthDate", _day(dob) if born else None)
    _sub(ids, "ExpectedPersonBirthDate", None if born else _day(expected or dob))
    if year >= SEX_FROM:
        _sub(ids, "Sex", sex)
    else:
        _sub(ids, "GenderCurrent", GENDER_CURRENT.get(sex or "", sex))
    _sub(ids, "PersonDeathDate", _until(p.get("pers_death_date"), ye))
    chars = etree.SubElement(el, "ChildCharacteristics")
    _sub(chars, "Ethnicity", p.get("pers_ethnicity"))
    if child.disabilities:
        disabilities = etree.SubElement(chars, "Disabilities")
        for code in child.disabilities:
            _sub(disabilities, "Disability", code)
    for episode in child.episodes:
        el.append(_episode(episode, year))
    return el


def _episode(e: Episode, year: int) -> Any:
    ye = dt.date(year, 3, 31)
    r = e.row
    closed = r["cine_close_date"] is not None and r["cine_close_date"] <= ye
    cin = etree.Element("CINdetails")
    _sub(cin, "CINreferralDate", _day(r["cine_referral_date"]))
    _sub(cin, "ReferralSource", r["cine_referral_source_code"])
    _sub(cin, "PrimaryNeedCode", r["cine_cin_primary_need_code"])
    _sub(cin, "CINclosureDate", _day(r["cine_close_date"]) if closed else None)
    _sub(cin, "ReasonForClosure", r["cine_close_reason"] if closed else None)
    _sub(cin, "DateOfInitialCPC", _until(e.conference_date, ye))
    for a in e.assessments:
        block = etree.SubElement(cin, "Assessments")
        _sub(block, "AssessmentActualStartDate", _day(a["cina_assessment_start_date"]))
        _sub(block, "AssessmentAuthorisationDate", _until(a["cina_assessment_auth_date"], ye))
        factors = assessment_factors(a["cinf_assessment_factors_json"])
        if factors and a["cina_assessment_auth_date"] is not None and a["cina_assessment_auth_date"] <= ye:
            listed = etree.SubElement(block, "FactorsIdentifiedAtAssessment")
            for code in factors:
                _sub(listed, "AssessmentFactors", code)
    for c in e.cin_plans if year >= CIN_PLANS_FROM else []:
        block = etree.SubElement(cin, "CINPlanDates")
        _sub(block, "CINPlanStartDate", _day(c["cinp_cin_plan_start_date"]))
        _sub(block, "CINPlanEndDate", _until(c["cinp_cin_plan_end_date"], ye))
    for s in e.s47s:
        block = etree.SubElement(cin, "Section47")
        held = _until(s["icpc_icpc_date"], ye)
        _sub(block, "S47ActualStartDate", _day(s["s47e_s47_start_date"]))
        _sub(block, "InitialCPCtarget", _day(s["icpc_icpc_target_date"]))
        _sub(block, "DateOfInitialCPC", held)
        _sub(block, "ICPCnotRequired", _flag(s["s47e_s47_nfa"], default="0" if held else None))
    _sub(cin, "ReferralNFA", _flag(r["cine_referral_nfa"]))
    for c in e.cp_plans:
        block = etree.SubElement(cin, "ChildProtectionPlans")
        _sub(block, "CPPstartDate", _day(c["cppl_cp_plan_start_date"]))
        _sub(block, "CPPendDate", _until(c["cppl_cp_plan_end_date"], ye))
        initial = c["cppl_cp_plan_initial_category"]
        _sub(block, "InitialCategoryOfAbuse", CATEGORY_CODES.get(initial or "", initial))
        latest = c["cppl_cp_plan_latest_category"] or initial
        _sub(block, "LatestCategoryOfAbuse", CATEGORY_CODES.get(latest or "", latest))
        known = c["number_of_previous_cp_plans"]
        _sub(block, "NumberOfPreviousCPP", str(known if known is not None else c["earlier_plans"]))
        if c["reviews"]:
            reviews = etree.SubElement(block, "Reviews")
            for day in c["reviews"]:
                _sub(reviews, "CPPreviewDate", _day(day))
    if year >= PRE_PROCEEDINGS_FROM:
        for pp in e.pre_proceedings:
            cin.append(_pre_proceedings(pp, ye))
    return cin


def _pre_proceedings(pp: dict[str, Any], ye: dt.date) -> Any:
    """PreProceedingsandFGDM (2026-27). FGDMMeetingOffer, FGDMMeetingFac and CourtAppDate have no SSD column:
    they are left out (the DfE rules say so; docs/exporting.md says how a council supplies them)."""
    block = etree.Element("PreProceedingsandFGDM")
    _sub(block, "PPStartDate", _day(pp["prep_pre_pro_decision_date"]))
    _sub(block, "LBPSentDate", _until(pp["prep_pre_pro_letter_date"], ye))
    _sub(block, "InitialPPMeetingDate", _until(pp["prep_initial_pre_pro_meeting_date"], ye))
    count = pp["prep_pre_pro_meetings_num"]
    _sub(block, "ReviewMeetingsCount", None if count is None else str(count))
    _sub(block, "StepDecisionDate", _until(pp["prep_agree_stepdown_issue_date"], ye))
    _sub(block, "PPOutcome", pp["prep_pre_pro_outcome"])
    _sub(block, "LetterInitCPDate", _until(pp["prep_care_pro_letter_date"], ye))
    return block


def _sub(parent: Any, name: str, value: str | None) -> None:
    if value is None or value == "":
        return
    etree.SubElement(parent, name).text = str(value)


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _until(value: dt.date | None, ye: dt.date) -> str | None:
    return value.isoformat() if value is not None and value <= ye else None


def _flag(value: str | None, default: str | None = None) -> str | None:
    if value is None:
        return default
    return {"Y": "1", "N": "0"}.get(str(value).upper(), str(value))


# ------------------------------------------------------------------------------------------------ checks


def schema_names(year: int) -> list[str]:
    return [f"CIN_schema_{year}.xsd"]


def _wrap(batch: list[Any], outer: Any) -> Any:
    root = xml_schema.copy_outer(outer, ("Header",))
    children = etree.SubElement(root, "Children")
    for record in batch:
        children.append(record)
    return root


LAYOUT = xml_schema.Layout("Child", "LAchildID", _wrap)


def year_of(paths: Sequence[Path]) -> int | None:
    """The collection year the file's header gives (Year, else the year of ReferenceDate)."""
    try:
        for _, el in etree.iterparse(str(paths[0]), events=("end",), resolve_entities=False, no_network=True):
            name = etree.QName(el).localname
            if name == "Year" and (el.text or "").strip().isdigit():
                return int((el.text or "").strip())
            if name == "ReferenceDate" and (el.text or "").strip()[:4].isdigit():
                day = (el.text or "").strip()
                return int(day[:4]) + (1 if day[5:7] > "03" else 0)
            if name in ("Header", "Child"):
                break
    except etree.XMLSyntaxError as exc:
        what = str(exc.msg).split(", line ")[0]
        raise DataProblem(f"{paths[0].name} is not well-formed XML (line {exc.lineno}: {what}); it may be truncated "
                          "or damaged.") from None  # fmt: skip
    return None


def check(request: CheckRequest) -> list[CheckOutcome]:
    """The file against its year's XSD (every error), then the DfE's validation rules for the year."""
    [path] = request.paths
    year = request.year or year_of([path])
    outcomes: list[CheckOutcome] = []
    schema = None if year is None else xml_schema.find_schema(schema_names(year), request.schemas)
    if year is None:
        outcomes.append(CheckOutcome("XSD", False, note="the file does not say its collection year: give --year."))
    elif schema is None and year >= PRE_PROCEEDINGS_FROM:
        outcomes.append(
            CheckOutcome(
                "XSD",
                False,
                note=f"no XSD was found for {collection_year_words(year)}: "
                "its layout is checked by the DfE rules only.",
            )
        )
    elif schema is None:
        outcomes.append(
            CheckOutcome(
                "XSD",
                False,
                note=f"CIN_schema_{year}.xsd was not found: give --schemas "
                "DIR (the DfE publishes it with the collection guidance).",
            )
        )
    else:
        outcomes.append(xml_schema.validate(path, schema, LAYOUT))
    if request.dfe_rules:
        outcomes.append(dfe_rules.check_cin(path, year))
    return outcomes


RETURN = ReturnFormat(
    name="cin-census",
    title="CIN Census",
    load_kind="cin_census",
    export=export,
    check=check,
    year_of=year_of,
)
