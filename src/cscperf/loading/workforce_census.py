"""Children's social work workforce census (CSWW) XML: the council's social workers at 30 September.

The return is a snapshot: LA-level vacancies and agency figures, and one CSWWWorker per social worker (in post
at 30 September, or who left in the year), each with Social Work England number, FTE, agency flag, role, start
and leave dates, cases held at 30 September and absence at that date. It is recognised by its XML root
(`Message`) and `CollectionDetails/Collection` = CSWW.

What it becomes in the store (docs/loading-workforce-census.md):
- each worker -> `ssd_professionals` (id = SWE number; caseload = Cases30; FTE; agency flag Y/N);
- each worker -> one `cscperf_sw_posts` post (qualified, case-holding by role) and one
  `cscperf_sw_assignments` row (employed or agency, from RoleStartDate to RoleEndDate, end reason from
  ReasonLeave), so the vacancy, agency and turnover indicators read it;
- LA-level NumberOfVacancies -> one vacancy post of that FTE, which the agency workers are attached to (an
  agency worker covers a vacancy, so counting their posts as well would count vacancies twice); agency FTE the
  individual records do not account for (NoAgencyFTE minus their FTE) -> one unnamed agency assignment;
- Absat30Sept = 1 -> `cscperf_sw_absences` for 30 September.
Caseloads cannot come from the census through `ssd_involvements` (it has no child-level allocations); the
census's own average caseload is given in the load's details.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lxml import etree

from cscperf.loading import councils
from cscperf.loading.date_checks import future_date
from cscperf.loading.encoding import xml_codec
from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem
from cscperf.loading.source_format import SourceFormat
from cscperf.loading.values import BadValue, read_count, read_date, read_flag, read_number, read_text, read_whole_number
from cscperf.loading.years import year_before, year_problem

ROLES = {
    "1": "Senior Manager",
    "2": "Middle Manager",
    "3": "First Line Manager",
    "4": "Senior Practitioner",
    "5": "Case Holder",
    "6": "Qualified Without Cases",
}
CASE_HOLDING_ROLES = {"4", "5"}
ABSENCE_TYPES = {
    "MAT": "maternity",
    "SIC": "sickness",
    "OTH": "other_paid",
    "PUB": "public_duties",
    "TRN": "training",
    "UNA": "unauthorised",
    "UNP": "unpaid",
}
MOVED_WITHIN_LA = "7"  # ReasonLeave 7: moved to a non-child-and-family social work role within the council
WORKER_TABLE = "ssd_professionals"


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def recognise(path: Path, head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"<"):
        return False
    return b"<Message" in head and b"CSWW" in head and (b"CSWWWorker" in head or b"LALevelVacancies" in head)


def _child_text(element: Any, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            return read_text(child.text)
    return None


def _all_text(element: Any, name: str) -> list[str]:
    return [t for child in element if _local(child.tag) == name and (t := read_text(child.text)) is not None]


class CensusReader:
    def __init__(self, path: Path, load: FileLoad) -> None:
        self.path = path
        self.load = load
        self.reference: dt.date | None = None
        self.year: int | None = None
        self.vacancies: float | None = None
        self.agency_fte_la: float | None = None
        self.agency_headcount_la: int | None = None
        self.vacancy_post: str | None = None
        self.workers = 0
        self.agency_fte_named = 0.0
        self.caseload_cases = 0
        self.caseload_fte = 0.0
        self.employed_fte = 0.0
        self.leavers_fte = 0.0
        self.seen: set[str] = set()

    def read(self) -> None:
        codec = xml_codec(self.path, self.load)
        try:
            for _event, element in etree.iterparse(
                str(self.path), events=("end",), huge_tree=True, resolve_entities=False, no_network=True, encoding=codec
            ):
                name = _local(element.tag)
                if name == "CollectionDetails":
                    self.header(element)
                elif name == "Source":
                    lea = _child_text(element, "LEA")
                    if lea:
                        councils.named_in_file(self.load, lea, self.load.where(element.sourceline), "LEA")
                elif name == "LALevelVacancies":
                    self.la_level(element)
                elif name == "CSWWWorker":
                    self.worker(element)
                    element.clear()
        except etree.XMLSyntaxError as exc:
            self.load.fail(f"is not complete, well-formed XML (line {exc.lineno}: {exc.msg}); it may be truncated.")
        if self.workers == 0:
            self.load.fail("is a workforce census return with no CSWWWorker records.")
        self.finish()

    def header(self, element: Any) -> None:
        if (_child_text(element, "Collection") or "").upper() != "CSWW":
            self.load.fail("is not a social work workforce census return (Collection is not CSWW).")
        where = self.load.where(element.sourceline)
        year_text = _child_text(element, "Year")
        reference_text = _child_text(element, "ReferenceDate")
        try:
            reference = read_date(reference_text)
        except BadValue as exc:
            self.load.fail(f"has a ReferenceDate that is not a date ({exc}); the census date is 30 September.")
        year = int(year_text) if year_text and year_text.isdigit() and len(year_text) <= 6 else None
        if year_text and year is None:
            self.load.fail(f"has a Year ({year_text[:20]}) that is not a year.")
        given = self.load.collection_year  # --year
        year = year if year is not None else (reference.year if reference is not None else None)
        if given is None and year is not None and (why := year_problem(year)):
            self.load.fail(f"says it is the census for {why}. Correct the file, or give the year with --year.")
        if given is not None:
            year = given
        if reference is not None and year is not None and (reference.month, reference.day) != (9, 30):
            self.load.flag(
                Problem(
                    where,
                    "reference date not 30 September",
                    f"ReferenceDate {reference} is not 30 September, the census date; 30 September {year} is used.",
                    "warning",
                    None,
                    "ReferenceDate",
                    reference.isoformat(),
                )
            )
            reference = None
        if reference is not None and year is not None and reference.year != year:
            self.load.flag(
                Problem(
                    where,
                    "header years disagree",
                    f"The header's Year ({year}) and ReferenceDate ({reference}) differ; 30 September {year} is used "
                    "(give --year to choose).",
                    "warning",
                    None,
                    "ReferenceDate",
                    reference.isoformat(),
                )
            )
            reference = None
        self.year = year
        self.reference = reference or (dt.date(year, 9, 30) if year is not None else None)
        if self.load.collection_year is None and self.year is not None:
            self.load.collection_year = self.year
        self.load.details["reference_date"] = self.reference.isoformat() if self.reference else None

    def la_level(self, element: Any) -> None:
        where = self.load.where(element.sourceline)
        try:
            self.vacancies = read_number(_child_text(element, "NumberOfVacancies"))
            self.agency_fte_la = read_number(_child_text(element, "NoAgencyFTE"))
            self.agency_headcount_la = read_whole_number(_child_text(element, "NoAgencyHeadcount"))
        except BadValue as exc:
            self.load.flag(Problem(where, "number not valid", f"LALevelVacancies: {exc}.", "error", "cscperf_sw_posts"))
        self.load.details["la_level"] = {
            "vacancies_fte": self.vacancies,
            "agency_fte": self.agency_fte_la,
            "agency_headcount": self.agency_headcount_la,
        }
        reference = self._reference()
        if self.vacancies is not None:
            self.vacancy_post = f"CSWW-{self.year}-vacancies"
            self.load.add(
                "cscperf_sw_posts",
                {
                    "post_id": self.vacancy_post,
                    "post_title": "Vacant social worker posts (census total)",
                    "post_fte": self.vacancies,
                    "post_start_date": reference,
                    "post_end_date": reference,
                    "post_case_holding": True,
                    "post_qualified": True,
                },
                where,
            )

    def _reference(self) -> dt.date:
        if self.reference is None:  # no CollectionDetails before the workers: the census date of --year
            if self.year is None:
                self.load.fail("does not say which year's census it is (no Year or ReferenceDate). Give --year.")
            self.reference = dt.date(self.year, 9, 30)
        return self.reference

    def worker(self, element: Any) -> None:
        where = self.load.where(element.sourceline)
        raw = {_local(c.tag): c.text for c in element if isinstance(c.tag, str)}
        swe = _child_text(element, "SWENo")
        if swe is None:
            self.load.reject(
                Problem(
                    where,
                    "missing identifier",
                    "The worker has no SWENo (Social Work England number), so the record cannot be stored.",
                    "fatal",
                    WORKER_TABLE,
                    "SWENo",
                    None,
                    raw,
                )
            )
            return
        try:
            agency = read_flag(_child_text(element, "AgencyWorker"))
            fte = _fte(_child_text(element, "FTE"), "FTE")
            fte30 = _fte(_child_text(element, "FTE30"), "FTE30")
            cases = read_count(_child_text(element, "Cases30"))
            start = read_date(_child_text(element, "RoleStartDate"))
            end = read_date(_child_text(element, "RoleEndDate"))
            absent = read_flag(_child_text(element, "Absat30Sept"))
        except BadValue as exc:
            self.load.reject(
                Problem(where, "value not valid", f"Worker {swe}: {exc}.", "fatal", WORKER_TABLE, None, None, raw)
            )
            return
        if swe in self.seen:
            self.load.reject(
                Problem(
                    where,
                    "duplicate record",
                    f"SWENo {swe} appears more than once; the first is kept.",
                    "fatal",
                    WORKER_TABLE,
                    "SWENo",
                    swe,
                    raw,
                )
            )
            return
        self.seen.add(swe)
        self.workers += 1
        reference = self._reference()
        role = _child_text(element, "OrgRole")
        started = start is None or start <= reference
        in_post = started and (end is None or end >= reference)  # a worker is in post on their last day
        left_in_year = end is not None and year_before(reference) < end <= reference
        # FTE30 is the FTE at 30 September; FTE the contracted FTE (a leaver's FTE when they left).
        worker_fte = (fte30 if fte30 is not None else fte) if end is None or end > reference else (fte or fte30)
        if agency is None:
            self.load.flag(
                Problem(
                    where,
                    "value missing",
                    "AgencyWorker is empty; the worker is taken as employed.",
                    "warning",
                    WORKER_TABLE,
                    "AgencyWorker",
                )
            )
        if worker_fte is None or worker_fte <= 0:
            self.load.flag(
                Problem(
                    where,
                    "value missing",
                    f"Worker {swe} has no FTE above 0; they count in no rate.",
                    "warning",
                    WORKER_TABLE,
                    "FTE",
                    None if fte is None else str(fte),
                )
            )
        if start is None:
            self.load.flag(
                Problem(
                    where,
                    "value missing",
                    f"Worker {swe} has no RoleStartDate; 30 September is used as the start.",
                    "warning",
                    "cscperf_sw_assignments",
                    "RoleStartDate",
                )
            )
        self.late_dates(where, start, end, reference)
        self.load.add(
            WORKER_TABLE,
            {
                "prof_professional_id": swe,
                "prof_staff_id": swe,
                "prof_social_worker_registration_no": swe,
                "prof_professional_job_title": ROLES.get(role or "", "Social Worker"),
                "prof_professional_caseload": cases,
                "prof_full_time_equivalency": worker_fte,
                "prof_agency_worker_flag": "Y" if agency else "N",
            },
            where,
        )
        contract = "agency" if agency else "employed"
        post_id = f"CSWW-{swe}"
        if agency and self.vacancy_post is not None:
            post_id = self.vacancy_post
        else:
            self.load.add(
                "cscperf_sw_posts",
                {
                    "post_id": post_id,
                    "post_title": ROLES.get(role or "", "Social Worker"),
                    "post_fte": worker_fte,
                    "post_start_date": start or reference,
                    "post_end_date": end or reference,
                    "post_case_holding": role in CASE_HOLDING_ROLES if role else bool(cases),
                    "post_qualified": True,
                },
                where,
            )
        reason = _child_text(element, "ReasonLeave")
        end_reason = None
        if end is not None:
            end_reason = "contract_ended" if agency else ("moved_post" if reason == MOVED_WITHIN_LA else "left_council")
        self.load.add(
            "cscperf_sw_assignments",
            {
                "assignment_id": f"CSWW-{swe}-{(start or reference).isoformat()}",
                "assignment_post_id": post_id,
                "assignment_professional_id": swe,
                "assignment_start_date": start or reference,
                "assignment_end_date": end or reference,  # a snapshot: what happened after it is not known
                "assignment_fte": worker_fte,
                "contract_type": contract,
                "cover_reason": "vacancy" if agency else None,
                "end_reason": end_reason,
            },
            where,
        )
        reasons = _all_text(element, "ReasonAbsence")
        if absent and in_post:
            kind = ABSENCE_TYPES.get(reasons[0].upper(), "other") if reasons else "other"
            self.load.add(
                "cscperf_sw_absences",
                {
                    "absence_id": f"CSWW-{swe}-{reference.isoformat()}",
                    "absence_professional_id": swe,
                    "absence_type": kind,
                    "absence_start_date": reference,
                    "absence_end_date": reference,
                },
                where,
            )
        fte_now = worker_fte or 0.0
        if in_post and agency:
            self.agency_fte_named += fte_now
        if in_post and not agency:
            self.employed_fte += fte_now
        if left_in_year and not agency and end_reason == "left_council":
            self.leavers_fte += fte_now
        if in_post and cases and fte_now > 0:
            self.caseload_cases += cases
            self.caseload_fte += fte_now

    def late_dates(self, where: str, start: dt.date | None, end: dt.date | None, reference: dt.date) -> None:
        """A date after today is a "date in the future" (date_checks.py, as every loader says it); otherwise a
        date after the census date says how the worker is counted. One warning a date."""
        after_census = {
            "RoleStartDate": "so the worker was not in post at the census date and is not counted as in post",
            "RoleEndDate": f"the worker is counted as in post at {reference}",
        }
        for name, day in (("RoleStartDate", start), ("RoleEndDate", end)):
            if day is None:
                continue
            problem = future_date(where, "cscperf_sw_assignments", name, day)
            if problem is None and day > reference:
                message = f"{name} {day} is after the census date {reference}; {after_census[name]}."
                problem = Problem(
                    where,
                    "date after reference date",
                    message,
                    "warning",
                    "cscperf_sw_assignments",
                    name,
                    day.isoformat(),
                )
            if problem is not None:
                self.load.flag(problem)

    def finish(self) -> None:
        reference = self._reference()
        unnamed = None
        if self.agency_fte_la is not None and self.vacancy_post is not None:
            gap = round(self.agency_fte_la - self.agency_fte_named, 6)
            if gap > 0:
                unnamed = gap
                self.load.add(
                    "cscperf_sw_assignments",
                    {
                        "assignment_id": f"CSWW-{self.year}-agency-not-named",
                        "assignment_post_id": self.vacancy_post,
                        "assignment_start_date": reference,
                        "assignment_end_date": reference,
                        "assignment_fte": gap,
                        "contract_type": "agency",
                        "cover_reason": "vacancy",
                    },
                    self.load.where(),
                )
            elif gap < 0:
                self.load.flag(
                    Problem(
                        self.load.where(),
                        "totals disagree",
                        f"The agency workers listed have FTE "
                        f"{self.agency_fte_named:.2f}, more than NoAgencyFTE {self.agency_fte_la}; "
                        "the workers listed are used.",
                        "warning",
                        "cscperf_sw_assignments",
                    )
                )
        agency = self.agency_fte_named + (unnamed or 0.0)
        figures: dict[str, float | None] = {
            "vacancy_rate": _percent(self.vacancies, (self.vacancies or 0) + self.employed_fte),
            "agency_rate": _percent(agency, agency + self.employed_fte),
            "turnover_rate": _percent(self.leavers_fte, self.employed_fte),
            "average_caseload": round(self.caseload_cases / self.caseload_fte, 1) if self.caseload_fte else None,
        }
        self.load.details["census_figures"] = figures
        self.load.details["workers"] = self.workers
        if unnamed:
            self.load.details["agency_fte_not_named"] = unnamed


def _fte(value: str | None, name: str) -> float | None:
    """A worker's full-time equivalent: 0 to 1, as the census defines it."""
    fte = read_number(value)
    if fte is not None and not 0 <= fte <= 1:
        raise BadValue(f"{name} {value} is not a full-time equivalent (0 to 1)")
    return fte


def _percent(numerator: float | None, denominator: float) -> float | None:
    if numerator is None or denominator <= 0:
        return None
    return round(100 * numerator / denominator, 1)


def read(path: Path, load: FileLoad) -> None:
    CensusReader(path, load).read()


FORMAT = SourceFormat("workforce_census", "Children's social work workforce census (CSWW XML)", recognise, read)

__all__ = ["FORMAT", "read", "recognise"]
