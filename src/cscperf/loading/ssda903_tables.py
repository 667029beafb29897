"""SSDA903 tables: their columns and code lists, and how one record of each becomes rows of the store.

The CSV reader and the XML reader both turn a record into a dict of 903 column names (upper case) to text,
and hand it to `read_record`, so the two forms of the return are checked and mapped the same way. See
docs/loading-ssda903.md for the mapping, the identifiers and what is flagged or rejected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from cscperf.loading.code_lists import ETHNICITY, PLACEMENT_TYPES, REASONS_EPISODE_CEASED
from cscperf.loading.collection_year import collection_year
from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem, Severity
from cscperf.loading.staging import STAGING_CATALOG
from cscperf.loading.values import EARLIEST_DATE, LATEST_DATE, BadValue, read_date, read_text, read_whole_number
from cscperf.store.statements import run

# Columns of each 903 table, as the DfE validator knows them (any order, any case).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "oc2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "placed_adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "prev_perm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "sw_episodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "dolo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}

# The store table a record of each 903 table is counted against (its main row).
TARGET: dict[str, str] = {
    "header": "ssd_person",
    "episodes": "ssd_cla_episodes",
    "uasc": "ssd_immigration_status",
    "reviews": "ssd_cla_reviews",
    "oc2": "cscperf_cla_outcomes",
    "oc3": "ssd_care_leavers",
    "ad1": "ssd_permanence",
    "placed_adoption": "ssd_permanence",
    "prev_perm": "ssd_cla_previous_permanence",
    "missing": "ssd_missing",
    "sw_episodes": "ssd_involvements",
    "dolo": "ssd_legal_status",
}

_FLAGS = ("0", "1")
# Code lists: every code valid in any year from 2016-17 to 2026-27 (the DfE changes some lists year by year;
# a code from another year's list is accepted, an unknown one is flagged and kept as sent).
CODES: dict[tuple[str, str], frozenset[str]] = {
    k: frozenset(v)
    for k, v in {
        ("header", "SEX"): ("1", "2", "M", "F", "U"),
        ("uasc", "SEX"): ("1", "2", "M", "F", "U"),
        ("header", "ETHNIC"): ETHNICITY,
        ("header", "MOTHER"): _FLAGS,
        ("episodes", "RNE"): ("S", "L", "P", "T", "B", "U"),
        ("episodes", "LS"): ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"),
        ("episodes", "CIN"): ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"),
        ("episodes", "PLACE"): PLACEMENT_TYPES,
        ("episodes", "PLACE_PROVIDER"): ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5"),
        ("episodes", "REC"): REASONS_EPISODE_CEASED,
        ("episodes", "REASON_PLACE_CHANGE"): [
            "CARPL",
            "CLOSE",
            "ALLEG",
            "STAND",
            "APPRR",
            "CREQB",
            "CREQO",
            "CHILD",
            "LAREQ",
            "PLACE",
            "CUSTOD",
            "OTHER",
        ],
        ("reviews", "REVIEW_CODE"): ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"),
        ("oc2", "SDQ_REASON"): ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"),
        ("oc3", "IN_TOUCH"): ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM"),
        ("oc3", "ACTIV"): ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"),
        ("oc3", "ACCOM"): (["0"] + [f"{letter}{n}" for letter in "BCDEGHKRSTUVWXYZ" for n in ("1", "2")]),
        ("ad1", "FOSTER_CARE"): _FLAGS,
        ("ad1", "SEX_ADOPTR"): ("M1", "F1", "MM", "FF", "MF"),
        ("ad1", "LS_ADOPTR"): ("L0", "L11", "L12", "L2", "L3", "L4"),
        ("placed_adoption", "REASON_PLACED_CEASED"): ("RD1", "RD2", "RD3", "RD4"),
        ("prev_perm", "PREV_PERM"): ("P1", "P2", "P3", "P4", "Z1"),
        ("missing", "MISSING"): ("M", "A"),
        ("sw_episodes", "SW_REASON"): [
            "MANAGE",
            "FCONTA",
            "LEFTRL",
            "ORGRST",
            "TSPROC",
            "ABSENC",
            "CHCHAN",
            "PCCHAN",
            "SWDIED",
            "OTHERS",
        ],
    }.items()
}
OC2_FLAGS = {
    "HEALTH_ASSESSMENT": "health_assessment",
    "TEETH_CHECK": "teeth_check",
    "IMMUNISATIONS": "immunisations",
    "HEALTH_CHECK": "health_check",
    "CONVICTED": "convicted",
    "SUBSTANCE_MISUSE": "substance_misuse",
}
SEX = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9][A-Z]{2})?$")  # full, or the outward part only
UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
DETAILS_NAME = "cscperf_903_episode_details"
DETAILS_TABLE = f"{STAGING_CATALOG}.{DETAILS_NAME}"  # a scratch table, beside the staged rows
DETAIL_COLUMNS = ("load_id", "episode_id", "n", "place", "provider", "urn", "postcode", "legal_status", "change_reason")


def year_ending(day: dt.date) -> int:
    """The collection year (year ending 31 March) a date falls in."""
    return day.year if day.month <= 3 else day.year + 1


def key_id(prefix: str, child: str, day: dt.date | None = None, *more: str) -> str:
    """Identifiers made from natural keys, so each year's return of the same record has the same identifier:
    "EP:<child>:<date>" and so on (the child id sits between the prefix and the date)."""
    parts = [prefix, child]
    if day is not None:
        parts.append(day.isoformat())
    parts.extend(more)
    return ":".join(parts)


class Rejected(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Record:
    """One 903 record being read: its fields, where it was, and the problems found in it."""

    table: str
    raw: dict[str, str | None]
    location: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def target(self) -> str:
        return TARGET[self.table]

    def _problem(self, rule: str, message: str, severity: Severity, name: str | None, value: str | None) -> Problem:
        return Problem(self.location, rule, message, severity, self.target, name, value, self.kept())

    def kept(self) -> dict[str, Any]:
        return dict(self.raw)

    def reject(self, rule: str, message: str, name: str | None = None) -> Rejected:
        value = None if name is None else self.raw.get(name)
        return Rejected(self._problem(rule, message, "fatal", name, None if value is None else str(value)[:200]))

    def note(self, rule: str, message: str, name: str | None, severity: Severity = "warning") -> None:
        value = None if name is None else read_text(self.raw.get(name))
        self.problems.append(self._problem(rule, message, severity, name, value))

    def text(self, name: str, required: bool = False) -> str | None:
        raw = self.raw.get(name)
        value = (raw.strip() or None) if raw is not None else None  # values are text, from CSV or XML
        if value is None and required:
            self.note("missing value", f"{name} is blank; the DfE return requires it.", name, "error")
        return value

    def child(self) -> str:
        value = read_text(self.raw.get("CHILD"))
        if value is None:
            raise self.reject("missing identifier", "CHILD (the child's identifier) is blank.", "CHILD")
        return value

    def date(self, name: str, required: bool = False) -> dt.date | None:
        text = self.raw.get(name)
        if text is not None and len(text) == 10 and text[2] == "/" and text[5] == "/":  # dd/mm/YYYY, the 903's
            try:
                day = dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
            except ValueError:
                pass  # read_date says why
            else:
                if EARLIEST_DATE <= day <= LATEST_DATE:
                    return day
        try:
            value = read_date(text)
        except BadValue as exc:
            raise self.reject("date not valid", f"{name}: {exc}", name) from None
        if value is None and required:
            raise self.reject("missing date", f"{name} is blank; the record cannot be placed in time.", name)
        return value

    def code(self, name: str, required: bool = False) -> str | None:
        value = self.text(name, required)
        if value is None:
            return None
        upper = value.upper()
        allowed = CODES.get((self.table, name))
        if allowed is not None and upper not in allowed:
            self.note("unknown code", f"{name} {value} is not a code the DfE lists for this field; kept as sent.", name)
            return value
        return upper

    def flag01(self, name: str) -> bool | None:
        value = self.code(name)
        return None if value is None else {"1": True, "0": False}.get(value)

    def whole(self, name: str) -> int | None:
        try:
            return read_whole_number(self.raw.get(name))
        except BadValue as exc:
            self.note("number not valid", f"{name}: {exc}; left empty.", name, "error")
            return None

    def postcode(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and not POSTCODE.match(value.upper()):
            self.note(
                "postcode not valid",
                f"{name} {value} is not a UK postcode (in full with its space, or the outward part).",
                name,
            )
        return value


@dataclass
class Reading:
    """What a 903 file has given so far, beyond the rows: the latest dates (for the collection year) and the
    details of each episode (placement, legal status) that the stitching turns into placements and legal
    statuses once every year of returns is known."""

    load: FileLoad
    today: dt.date = field(default_factory=dt.date.today)
    years: dict[bool, Counter[int]] = field(default_factory=lambda: {True: Counter(), False: Counter()})
    future: dict[bool, int] = field(default_factory=lambda: {True: 0, False: 0})  # dates after today
    tables: dict[str, int] = field(default_factory=dict)
    header_children: set[str] = field(default_factory=set)
    adoption_decisions: dict[str, list[tuple[dt.date, dt.date | None]]] = field(default_factory=dict)
    line: int | None = None  # the line of the record being read, when the reader numbers details by it
    _details: list[tuple[Any, ...]] = field(default_factory=list)
    _detail_n: int = 0

    def seen(self, record: Record, name: str, day: dt.date | None) -> None:
        if day is None:
            return
        if day > self.today:  # flagged with the other late dates (date_checks.py); no guide to the year
            self.future[record.table == "episodes"] += 1
            return
        self.years[record.table == "episodes"][year_ending(day)] += 1

    def detail(self, episode_id: str, values: tuple[str | None, ...]) -> None:
        """An episode's placement details, numbered in the order read (or by the record's line)."""
        self._detail_n += 1
        n = self._detail_n if self.line is None else self.line
        self._details.append((self.load.load_id, episode_id, n, *values))
        if len(self._details) >= 20_000:
            self.flush()

    def detail_rows(self, data: pa.Table) -> None:
        """Episodes' placement details already as an Arrow table of DETAIL_COLUMNS (numbered by line)."""
        if data.num_rows:
            self._append_details(data)

    def flush(self) -> None:
        if not self._details:
            return
        columns = list(zip(*self._details, strict=True))
        self._append_details(
            pa.table(
                {
                    name: pa.array(values, type=pa.int64() if name == "n" else pa.string())
                    for name, values in zip(DETAIL_COLUMNS, columns, strict=True)
                }
            )
        )
        self._details.clear()

    def _append_details(self, data: pa.Table) -> None:
        con = self.load.staging.con
        run(
            con,
            f"CREATE TABLE IF NOT EXISTS {DETAILS_TABLE} (load_id VARCHAR, episode_id VARCHAR, n BIGINT, "
            "place VARCHAR, provider VARCHAR, urn VARCHAR, postcode VARCHAR, legal_status VARCHAR, "
            "change_reason VARCHAR)",
        )
        con.append(DETAILS_TABLE, data)

    def finish(self) -> None:
        """Flush, and say what year the file's own dates point to (the year is settled once every file of the
        command is read: ssda903_stitching.settle_years)."""
        self.flush()
        load = self.load
        load.details["ssda903_tables"] = dict(self.tables)
        if future_dates := sum(self.future.values()):
            load.details["dates_after_today"] = future_dates
        # Episode dates decide (reviews and the like are sometimes recorded ahead); other dates otherwise. The
        # year is the latest holding a fair share of the dates, so one mistyped date cannot move the return.
        episode = bool(self.years[True])
        chosen = collection_year(self.years[episode], self.future[episode], self.today)
        if chosen is not None:
            load.collection_year = chosen
            load.details["year_from_dates"] = chosen
            load.details["collection_year_from"] = (
                f"the {'episode ' if episode else ''}dates in the file: the latest year ending 31 March that holds "
                f"a fair share of them is {chosen}"
            )
            if (in_progress := collection_year(self.years[episode])) != chosen:
                load.details["collection_year_from"] += (
                    f" ({in_progress}, not yet ended, is not taken: a fair share of the dates lie after today)"
                )


def read_record(reading: Reading, table: str, raw: dict[str, str | None], location: str) -> None:
    """Check one 903 record and add its rows to the load (or reject it, kept as read)."""
    record = Record(table, raw, location)
    reading.tables[table] = reading.tables.get(table, 0) + 1
    try:
        rows = MAPPERS[table](record, reading)
    except Rejected as rejected:
        reading.load.reject(rejected.problem)
        return
    for store_table, row in rows:
        reading.load.add(store_table, row, location)
    for problem in record.problems:
        reading.load.flag(problem)


Rows = list[tuple[str, dict[str, Any]]]


def _header(r: Record, reading: Reading) -> Rows:
    child = r.child()
    if child in reading.header_children:
        raise r.reject(
            "duplicate record", "The child is in the header more than once; the first record was kept.", "CHILD"
        )
    reading.header_children.add(child)
    dob = r.date("DOB")
    sex = r.code("SEX", required=True)
    upn = r.text("UPN")
    if upn is not None and not upn.upper().startswith("UN") and not UPN.match(upn.upper()):
        r.note("UPN not valid", f"UPN {upn} is not a 13-character unique pupil number.", "UPN")
    mother = r.flag01("MOTHER")
    mc_dob = r.date("MC_DOB")
    if mc_dob is not None and mother is not True:
        r.note("mother's child's date without MOTHER", "MC_DOB is given but MOTHER is not 1.", "MC_DOB")
    rows: Rows = [
        (
            "ssd_person",
            {
                "pers_person_id": child,
                "pers_sex": SEX.get(sex or "", sex),
                "pers_gender": SEX.get(sex or "", sex),
                "pers_ethnicity": r.code("ETHNIC", required=True),
                "pers_dob": dob,
                "pers_upn_unknown": upn if upn is not None and upn.upper().startswith("UN") else None,
                "pers_is_mother": None if mother is None else ("Y" if mother else "N"),
            },
        )
    ]
    if upn is not None and not upn.upper().startswith("UN"):
        rows.append(
            (
                "ssd_linked_identifiers",
                {
                    "link_table_id": key_id("UPN", child),
                    "link_person_id": child,
                    "link_identifier_type": "Unique Pupil Number",
                    "link_identifier_value": upn,
                },
            )
        )
    return rows


def _episode(r: Record, reading: Reading) -> Rows:
    child = r.child()
    start = r.date("DECOM", required=True)
    end = r.date("DEC")
    assert start is not None
    if end is not None and end < start:
        raise r.reject("episode ends before it starts", f"DEC {end:%d/%m/%Y} is before DECOM {start:%d/%m/%Y}.", "DEC")
    reading.seen(r, "DECOM", start)
    reading.seen(r, "DEC", end)
    rec = r.code("REC")
    if end is not None and rec is None:
        r.note("missing value", "DEC is given but REC (why the episode ceased) is blank.", "REC", "error")
    if end is None and rec is not None:
        r.note("reason without end", "REC is given but DEC is blank; the episode is taken as open.", "REC")
        rec = None
    episode_id = key_id("EP", child, start)
    reading.detail(
        episode_id,
        (
            r.code("PLACE", required=True),
            r.code("PLACE_PROVIDER"),
            r.text("URN"),
            r.postcode("PL_POST"),
            r.code("LS", required=True),
            r.code("REASON_PLACE_CHANGE"),
        ),
    )
    r.postcode("HOME_POST")
    return [
        (
            "ssd_cla_episodes",
            {
                "clae_cla_episode_id": episode_id,
                "clae_person_id": child,
                "clae_cla_episode_start_date": start,
                "clae_cla_episode_start_reason": r.code("RNE", required=True),
                "clae_cla_primary_need_code": r.code("CIN", required=True),
                "clae_cla_episode_ceased_date": end,
                "clae_cla_episode_ceased_reason": rec,
            },
        )
    ]


def _uasc(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    r.code("SEX")
    return [
        (
            "ssd_immigration_status",
            {
                "immi_immigration_status_id": key_id("UASC", child),
                "immi_person_id": child,
                "immi_immigration_status": "UASC",
                "immi_immigration_status_end_date": r.date("DUC"),
            },
        )
    ]


def _review(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    held = r.date("REVIEW", required=True)
    reading.seen(r, "REVIEW", held)
    return [
        (
            "ssd_cla_reviews",
            {
                # The period of care (clar_cla_id) is found when the load is stitched, from the episodes.
                "clar_cla_review_id": key_id("REV", child, held),
                "clar_cla_review_date": held,
                "clar_cla_review_cancelled": "N",
                "clar_cla_review_participation": r.code("REVIEW_CODE", required=True),
            },
        )
    ]


def _oc2(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    row: dict[str, Any] = {"person_id": child, "collection_year": 0}  # the year is set when stitching
    for name, column in OC2_FLAGS.items():
        row[column] = r.flag01(name)
    score = r.whole("SDQ_SCORE")
    if score is not None and not 0 <= score <= 40:
        r.note(
            "SDQ score out of range", f"SDQ_SCORE {score} is not between 0 and 40; left empty.", "SDQ_SCORE", "error"
        )
        score = None
    row["sdq_score"] = score
    row["sdq_reason"] = r.code("SDQ_REASON")
    r.flag01("INTERVENTION_RECEIVED")
    r.flag01("INTERVENTION_OFFERED")
    return [("cscperf_cla_outcomes", row)]


def _oc3(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    accom = r.code("ACCOM")
    place = suitable = None
    if accom is not None and len(accom) == 2 and accom[1] in "12":
        place, suitable = accom[0], {"1": "Suitable", "2": "Unsuitable"}[accom[1]]
    elif accom is not None:
        place = accom
    return [
        (
            "ssd_care_leavers",
            {
                "clea_table_id": key_id("OC3", child),
                "clea_person_id": child,
                "clea_care_leaver_in_touch": r.code("IN_TOUCH"),
                "clea_care_leaver_accommodation": place,
                "clea_care_leaver_accom_suitable": suitable,
                "clea_care_leaver_activity": r.code("ACTIV"),
            },
        )
    ]


def _ad1(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    decided = r.date("DATE_INT")
    matched = r.date("DATE_MATCH")
    reading.seen(r, "DATE_MATCH", matched)
    carer = r.flag01("FOSTER_CARE")
    adopters = r.whole("NB_ADOPTR")
    return [
        (
            "ssd_permanence",
            {
                "perm_table_id": key_id("AD1", child),
                "perm_person_id": child,
                "perm_adm_decision_date": decided,
                "perm_matched_date": matched,
                "perm_adopted_by_carer_flag": None if carer is None else ("Y" if carer else "N"),
                "perm_number_of_adopters": None if adopters is None else str(adopters),
                "perm_adopter_sex": r.code("SEX_ADOPTR"),
                "perm_adopter_legal_status": r.code("LS_ADOPTR"),
            },
        )
    ]


def _placed_adoption(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    decided = r.date("DATE_PLACED", required=True)
    reversed_on = r.date("DATE_PLACED_CEASED")
    reading.seen(r, "DATE_PLACED", decided)
    reading.seen(r, "DATE_PLACED_CEASED", reversed_on)
    assert decided is not None
    earlier = reading.adoption_decisions.setdefault(child, [])
    for other_start, other_end in earlier:
        if decided < (other_end or dt.date.max) and other_start < (reversed_on or dt.date.max):
            r.note(
                "overlapping adoption decisions",
                f"The child has another decision to place for adoption ({other_start:%d/%m/%Y}) in force at the "
                "same time; both are kept.",
                "DATE_PLACED",
                "error",
            )
            break
    earlier.append((decided, reversed_on))
    return [
        (
            "ssd_permanence",
            {
                "perm_table_id": key_id("PFA", child, decided),
                "perm_person_id": child,
                "perm_adm_decision_date": decided,
                "perm_decision_reversed_date": reversed_on,
                "perm_decision_reversed_reason": r.code("REASON_PLACED_CEASED"),
            },
        )
    ]


def _prev_perm(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    when = r.text("DATE_PERM")  # the SSD keeps this as text: councils may only know the month or year
    return [
        (
            "ssd_cla_previous_permanence",
            {
                "lapp_table_id": key_id("PP", child),
                "lapp_person_id": child,
                "lapp_previous_permanence_order_date": when,
                "lapp_previous_permanence_option": r.code("PREV_PERM", required=True),
                "lapp_previous_permanence_la": r.text("LA_PERM"),
            },
        )
    ]


def _missing(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    start = r.date("MIS_START", required=True)
    end = r.date("MIS_END")
    assert start is not None
    if end is not None and end < start:
        raise r.reject(
            "ends before it starts", f"MIS_END {end:%d/%m/%Y} is before MIS_START {start:%d/%m/%Y}.", "MIS_END"
        )
    reading.seen(r, "MIS_START", start)
    reading.seen(r, "MIS_END", end)
    kind = r.code("MISSING", required=True)
    return [
        (
            "ssd_missing",
            {
                "miss_table_id": key_id("MIS", child, start, kind or ""),
                "miss_person_id": child,
                "miss_missing_episode_start_date": start,
                "miss_missing_episode_type": {"M": "Missing", "A": "Absent"}.get(kind or "", kind),
                "miss_missing_episode_end_date": end,
            },
        )
    ]


def _sw_episode(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    start = r.date("SW_DECOM", required=True)
    end = r.date("SW_DEC")
    worker = r.text("SW_ID", required=True)
    reading.seen(r, "SW_DECOM", start)
    reading.seen(r, "SW_DEC", end)
    return [
        (
            "ssd_involvements",
            {
                "invo_involvements_id": key_id("SW", child, start, worker or ""),
                "invo_professional_id": worker,
                "invo_professional_role_id": "Allocated Social Worker",
                "invo_involvement_start_date": start,
                "invo_involvement_end_date": end,
                "invo_worker_change_reason": r.code("SW_REASON"),
                "invo_person_id": child,
            },
        )
    ]


def _dolo(r: Record, reading: Reading) -> Rows:
    child = r.child()
    r.date("DOB")
    start = r.date("DOLO_START", required=True)
    end = r.date("DOLO_END")
    reading.seen(r, "DOLO_START", start)
    reading.seen(r, "DOLO_END", end)
    return [
        (
            "ssd_legal_status",
            {
                "lega_legal_status_id": key_id("DOLO", child, start),
                "lega_person_id": child,
                "lega_legal_status": "DoLO",
                "lega_legal_status_start_date": start,
                "lega_legal_status_end_date": end,
            },
        )
    ]


MAPPERS: dict[str, Callable[[Record, Reading], Rows]] = {
    "header": _header,
    "episodes": _episode,
    "uasc": _uasc,
    "reviews": _review,
    "oc2": _oc2,
    "oc3": _oc3,
    "ad1": _ad1,
    "placed_adoption": _placed_adoption,
    "prev_perm": _prev_perm,
    "missing": _missing,
    "sw_episodes": _sw_episode,
    "dolo": _dolo,
}
