"""CIN Census XML (the DfE's children in need census), every year from 2017-18 to 2026-27, into the SSD tables.

The file is read as a stream (lxml iterparse): each Child is read when its closing tag arrives, turned into
store rows, and then cleared from memory, so memory does not grow with the size of the file.

Repeating elements have no identifiers in the census, so identifiers are made from natural keys (the child,
dates and, for same-day records, the order in the file): the same referral, plan or assessment returned in
two years' censuses gets the same identifier, and the later return replaces the earlier one. The mapping,
identifier rules and what is flagged or rejected are in docs/loading-cin-census.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from lxml import etree

from cscperf.loading import councils
from cscperf.loading.code_lists import ETHNICITY as ETHNIC_CODES
from cscperf.loading.code_lists import REFERRAL_SOURCES
from cscperf.loading.date_checks import DatedField, flag_late_dates
from cscperf.loading.encoding import xml_codec
from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem, Severity
from cscperf.loading.source_format import SourceFormat
from cscperf.loading.values import BadValue, possible_date, read_date, read_flag, read_whole_number
from cscperf.loading.years import year_problem

if TYPE_CHECKING:
    from cscperf.loading.merge import StagedLoads

Element = Any  # lxml's _Element (its stubs are not part of the typed API we rely on)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ----------------------------------------------------------------------------------------------- code lists
PRIMARY_NEED = frozenset({"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"})
CLOSURE_REASONS = frozenset({f"RC{n}" for n in range(1, 10)})
ETHNICITY = frozenset(ETHNIC_CODES)
DISABILITY = _words("NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA")
UPN_UNKNOWN = frozenset({f"UN{n}" for n in range(1, 8)})
ASSESSMENT_FACTORS = _words(
    "1A 1B 1C 2A 2B 2C 3A 3B 3C 4A 4B 4C 5A 5B 5C 6A 6B 6C 7A 8B 8C 8D 8E 8F 9A 10A 11A 12A 13A 14A 15A 16A "
    "17A 18A 18B 18C 19A 19B 19C 20 21 22A 23A 24A"
)
# CIN categories of abuse, stored as the SSD code set words (the synthetic council does the same).
CATEGORY = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}
PP_OUTCOMES = frozenset({"A", "B", "C"})
# Codes that only exist from a collection year (year ending 31 March) onwards.
FIRST_YEAR = {"5D": 2023, "RC9": 2023, "18B": 2022, "18C": 2022, "19B": 2022, "19C": 2022, "24A": 2022}
GENDER_CURRENT = {"1": "M", "2": "F", "0": "U", "9": "U"}
SEX = {"M": "M", "F": "F", "U": "U"}
UPN_PATTERN = re.compile(r"^[A-Za-z]\d{11}[\dA-Za-z]$")
SEX_ERA_FROM = 2025  # Sex (M/F/U) replaced GenderCurrent in the 2024-25 census
PRE_PROCEEDINGS_FROM = 2027  # the PreProceedingsandFGDM module starts with the 2026-27 census
MAX_RAW_CHARS = 20_000
_YES_NO = {"0": "N", "1": "Y", "false": "N", "true": "Y"}  # as the census writes flags (others: read_flag)

_STRAY_TEXT = etree.XPath("descendant-or-self::*[*]/text()[normalize-space()]")
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_COLLECTION = re.compile(rb"<(?:[\w.\-]+:)?Collection\s*>\s*([^<\s]*)\s*</", re.IGNORECASE)


# ----------------------------------------------------------------------------------------------- recognise
def _first_element(head: bytes) -> bytes | None:
    """The local name of the first element, after the XML declaration, comments and doctype."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    while text.startswith(b"<?") or text.startswith(b"<!"):
        end = text.find(b"-->") + 3 if text.startswith(b"<!--") else text.find(b">") + 1
        if end <= 0:
            return None
        text = text[end:].lstrip()
    m = _FIRST_TAG.match(text)
    return m.group(2) if m else None


def recognise(path: Path, head: bytes) -> bool:
    """A CIN Census return: root element Message whose header names the collection CIN (or, when the header
    is not in the first bytes, CIN elements such as CINdetails)."""
    if _first_element(head) != b"Message":
        return False
    m = _COLLECTION.search(head)
    if m:
        return m.group(1).upper() == b"CIN"
    return b"<CINdetails" in head or b"<LAchildID" in head


# ----------------------------------------------------------------------------------------------- reading
_NAMES: dict[str, str] = {}


def _name(el: Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    name = _NAMES.get(tag)
    if name is None:
        name = _NAMES[tag] = tag.rsplit("}", 1)[-1].lower()
    return name


element_name = _name
"""An element's local name in lower case ("" for a comment or processing instruction)."""

_DATES: dict[str, dt.date] = {}
"""Dates already read, by their text: a census repeats the same few thousand days."""
_DATES_KEPT = 100_000


def _read_date(text: str) -> dt.date | None:
    """An ISO date quickly (the census's own format), else any spelling read_date knows (or BadValue)."""
    day = _DATES.get(text)
    if day is not None:
        return day
    if len(text) == 10 and text[4] == "-":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            day = possible_date(day, text)
            if len(_DATES) < _DATES_KEPT:
                _DATES[text] = day
            return day
    return read_date(text)


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    text = el.text
    if text is None:
        return None
    text = text.strip()
    return text or None


def _raw(el: Element, depth: int = 0) -> Any:
    """An element as read, as plain data for the rejects table (leaf -> text; repeated names -> lists)."""
    kids = [k for k in el if isinstance(k.tag, str)]
    if not kids:
        return el.text.strip() if el.text and el.text.strip() else None
    out: dict[str, Any] = {}
    for k in kids:
        key = k.tag.rsplit("}", 1)[-1]
        value = _raw(k, depth + 1)
        if key in out:
            if not isinstance(out[key], list):
                out[key] = [out[key]]
            out[key].append(value)
        else:
            out[key] = value
    return out


def _raw_record(el: Element, **context: Any) -> dict[str, Any]:
    record: dict[str, Any] = {k: v for k, v in context.items() if v is not None}
    body = _raw(el)
    record["element"] = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else "?"
    if isinstance(body, dict):
        record.update(body)
    else:
        record["value"] = body
    text = json.dumps(record, default=str)
    if len(text) > MAX_RAW_CHARS:
        record = {"element": record["element"], **context, "truncated_json": text[:MAX_RAW_CHARS]}
    return record


class Fields:
    """The direct child elements of one record, by lower-case local name, with the text of each (stripped;
    None when empty) for the first of each name."""

    __slots__ = ("el", "many", "single", "texts")

    def __init__(self, el: Element) -> None:
        self._start(el)
        single, many, texts = self.single, self.many, self.texts
        names = _NAMES
        for kid in el:
            name = names.get(kid.tag)
            if name is None:
                name = _name(kid)
                if not name:
                    continue
            if name in single:
                many.setdefault(name, [single[name]]).append(kid)
            else:
                single[name] = kid
                text = kid.text
                texts[name] = (text.strip() or None) if text else None

    def _start(self, el: Element) -> None:
        self.el = el
        self.single: dict[str, Element] = {}
        self.many: dict[str, list[Element]] = {}
        self.texts: dict[str, str | None] = {}

    def get(self, name: str) -> Element | None:
        return self.single.get(name)

    def text(self, name: str) -> str | None:
        return self.texts.get(name)

    def all(self, name: str) -> list[Element]:
        if name in self.many:
            return self.many[name]
        one = self.single.get(name)
        return [one] if one is not None else []

    def line(self, name: str | None = None) -> int | None:
        el = self.single.get(name) if name else None
        line = (el if el is not None else self.el).sourceline
        return int(line) if line is not None else None


@dataclass
class _Episode:
    """One CINdetails while it is read: its rows are added once every part is known (to link them)."""

    ref_id: str
    person: str
    referral_date: dt.date
    plans_by_start: dict[dt.date, str] = field(default_factory=dict)
    icpc_by_date: dict[dt.date, str] = field(default_factory=dict)
    plan_rows: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    latest: dt.date | None = None  # the last date of any activity in the episode

    def saw(self, *days: dt.date | None) -> None:
        for day in days:
            if day is not None and (self.latest is None or day > self.latest):
                self.latest = day


class CinReader:
    """Reads one CIN Census file into a FileLoad."""

    def __init__(self, path: Path, load: FileLoad) -> None:
        self.path = path
        self.load = load
        self.given_year = load.collection_year  # --year, which the header may not override
        self.year: int | None = load.collection_year
        self.header_years: set[int] = set()
        self.reference_date: dt.date | None = None
        self.children = 0
        self.eras: Counter[str] = Counter()
        self.pre_proceedings = 0
        self.header_seen = False
        self.root_checked = False
        self._built: dict[Element, Fields] = {}

    def fields(self, el: Element) -> Fields:
        """The Fields of an element of the child being read (built in one pass as the child arrived)."""
        return self._built.get(el) or Fields(el)

    # ------------------------------------------------------------------------------------------ problems
    def _problem(
        self,
        line: int | None,
        rule: str,
        message: str,
        severity: Severity,
        table: str | None,
        field_name: str | None = None,
        value: str | None = None,
        raw: dict[str, Any] | None = None,
    ) -> Problem:
        return Problem(self.load.where(line), rule, message, severity, table, field_name, value, raw)

    def flag(
        self,
        f: Fields,
        name: str | None,
        rule: str,
        message: str,
        table: str | None,
        value: str | None = None,
        severity: Severity = "warning",
        field_name: str | None = None,
    ) -> None:
        field_name = field_name or _canonical(name)
        self.load.flag(self._problem(f.line(name), rule, message, severity, table, field_name, value))

    def reject(self, f: Fields, name: str | None, rule: str, message: str, table: str, raw: dict[str, Any]) -> None:
        value = f.text(name) if name else None
        self.load.reject(self._problem(f.line(name), rule, message, "fatal", table, _canonical(name), value, raw))

    # ------------------------------------------------------------------------------------------ values
    def date(self, f: Fields, name: str, table: str | None) -> dt.date | None:
        """An optional date: a value that is not a date is flagged (error) and left empty."""
        text = f.texts.get(name)
        if text is None:
            return None
        day = _DATES.get(text)
        if day is not None:
            return day
        try:
            return _read_date(text)
        except BadValue as exc:
            self.flag(f, name, "date not valid", f"{_canonical(name)}: {exc}; left empty.", table, text, "error")
            return None

    def required_date(self, f: Fields, name: str) -> tuple[dt.date | None, str]:
        """A date the record cannot do without: (date, "") or (None, why not)."""
        text = f.texts.get(name)
        if text is None:
            return None, f"{_canonical(name)} is missing"
        day = _DATES.get(text)
        if day is not None:
            return day, ""
        try:
            value = _read_date(text)
        except BadValue as exc:
            return None, f"{_canonical(name)}: {exc}"
        return value, ""

    def code(self, f: Fields, name: str, allowed: Iterable[str], table: str) -> str | None:
        """A code from a code list; an unknown code is kept as sent and flagged (warning)."""
        text = f.texts.get(name)
        if text is None:
            return None
        allowed_set = allowed if isinstance(allowed, frozenset | dict) else frozenset(allowed)
        if text in allowed_set and text not in FIRST_YEAR:
            return text
        if text in allowed_set:
            value = text
        elif text.upper() in allowed_set:
            value = text.upper()
        else:
            self.flag(
                f,
                name,
                "unknown code",
                f"{_canonical(name)}: {text} is not a code of the CIN census; kept as sent.",
                table,
                text,
            )
            return text
        first = FIRST_YEAR.get(value)
        if first is not None and self.year is not None and self.year < first:
            self.flag(
                f,
                name,
                "code not yet in use",
                f"{_canonical(name)}: {value} was introduced in the "
                f"{first - 1}-{str(first)[2:]} census, after this return's year; kept as sent.",
                table,
                text,
            )
        return value

    def yes_no(self, f: Fields, name: str, table: str, required: bool = False) -> str | None:
        """A 0/1 or true/false flag as the store's Y/N."""
        text = f.texts.get(name)
        if text is None:
            if required:
                self.flag(f, None, "missing value", f"{_canonical(name)} is missing.", table, None, "error")
            return None
        quick = _YES_NO.get(text)
        if quick is not None:
            return quick
        try:
            value = read_flag(text)
        except BadValue as exc:
            self.flag(f, name, "flag not valid", f"{_canonical(name)}: {exc}; left empty.", table, text, "error")
            return None
        return None if value is None else ("Y" if value else "N")

    def whole(self, f: Fields, name: str, table: str) -> int | None:
        text = f.text(name)
        if text is None:
            return None
        try:
            value = read_whole_number(text)
        except BadValue as exc:
            self.flag(f, name, "number not valid", f"{_canonical(name)}: {exc}; left empty.", table, text, "error")
            return None
        if value is not None and value < 0:
            self.flag(
                f,
                name,
                "number not valid",
                f"{_canonical(name)}: {value} is below 0; left empty.",
                table,
                text,
                "error",
            )
            return None
        return value

    def order(self, f: Fields, start: dt.date | None, end: dt.date | None, end_name: str, table: str) -> None:
        if start is not None and end is not None and end < start:
            self.flag(
                f,
                end_name,
                "dates out of order",
                f"{_canonical(end_name)} ({end}) is before the start ({start}).",
                table,
                str(end),
                "error",
            )

    # ------------------------------------------------------------------------------------------ the file
    def read(self) -> None:
        """The whole file, as one stream."""
        context = self.events(str(self.path), xml_codec(self.path, self.load))
        try:
            children_seen = self.walk(context)
        except etree.XMLSyntaxError as exc:
            self.load.fail(not_well_formed(exc))
        if not self.root_checked:
            self.check_root(context.root)
        self.close(children_seen)

    def events(self, source: str | BinaryIO, codec: str | None) -> Any:
        """The ends of the Header, each Child and Children, as lxml reads them from a file (or a part of one)."""
        return etree.iterparse(
            source,
            events=("end",),
            tag=("{*}Child", "{*}Header", "{*}Children"),
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
            encoding=codec,
        )

    def walk(self, context: Any) -> bool:
        """Each Header and Child read as it ends (then freed); whether a Children element ended. A file that is
        not well-formed raises lxml's XMLSyntaxError."""
        children_seen = False
        for _event, el in context:
            if not self.root_checked:
                self.check_root(el.getroottree().getroot())
            name = _name(el)
            if name == "child":
                self.child(el)
                self._built = {}
                _forget(el)
            elif name == "header":
                self.header(el)
                _forget(el)
            else:
                children_seen = True
        return children_seen

    def close(self, children_seen: bool) -> None:
        """The file read to its end: refused if it gave no children, else what it was said once (`finish`)."""
        if not children_seen:
            self.load.fail(
                "has no Children element, so no children to load. A CIN Census return lists at least one child."
            )
        if self.children == 0:
            self.load.fail(
                "has an empty Children element, so no children to load. A CIN Census return lists at least one child."
            )
        self.finish()

    def check_root(self, root: Element) -> None:
        self.root_checked = True
        if _name(root) != "message":
            self.load.fail(
                f"is XML, but not a CIN Census return (its root element is {_name(root)[:40] or '?'}, not Message)."
            )

    def finish(self) -> None:
        load = self.load
        load.details["children"] = self.children
        eras = [e for e in ("GenderCurrent", "Sex") if self.eras[e]]
        load.details["schema_era"] = (
            eras[0] if len(eras) == 1 else ("mixed" if eras else "unknown (no GenderCurrent or Sex)")
        )
        if self.pre_proceedings:
            load.details["pre_proceedings"] = self.pre_proceedings
        if self.year is not None:
            if self.eras["GenderCurrent"] and self.year >= SEX_ERA_FROM:
                load.flag(
                    self._problem(
                        None,
                        "element of another year",
                        f"{self.eras['GenderCurrent']} children "
                        "have GenderCurrent, which the census replaced by Sex in 2024-25; read as "
                        "sex.",
                        "warning",
                        "ssd_person",
                        "GenderCurrent",
                    )
                )
            if self.eras["Sex"] and self.year < SEX_ERA_FROM:
                load.flag(
                    self._problem(
                        None,
                        "element of another year",
                        f"{self.eras['Sex']} children have Sex, which the census only uses from 2024-25; read as sex.",
                        "warning",
                        "ssd_person",
                        "Sex",
                    )
                )
            if self.pre_proceedings and self.year < PRE_PROCEEDINGS_FROM:
                load.flag(
                    self._problem(
                        None,
                        "element of another year",
                        "The return has PreProceedingsandFGDM "
                        "blocks, which the census only collects from 2026-27; loaded anyway.",
                        "warning",
                        "ssd_pre_proceedings",
                        "PreProceedingsandFGDM",
                    )
                )

    # ------------------------------------------------------------------------------------------ header
    def header(self, el: Element) -> None:
        self.header_seen = True
        load = self.load
        h = Fields(el)
        details = h.get("collectiondetails")
        source = h.get("source")
        if details is not None:
            d = Fields(details)
            collection = d.text("collection")
            if collection is not None and collection.upper() != "CIN":
                load.fail(f"is not a CIN Census return: its header names the collection {collection[:20]}.")
            year_text = d.text("year")
            year: int | None = None
            if year_text is not None:
                if re.fullmatch(r"\d{4}", year_text):
                    year = int(year_text)
                    load.details["header_year"] = year
                else:
                    self.flag(
                        d, "year", "year not valid", f"Year: {year_text} is not a year.", None, year_text, "error"
                    )
            ref = self.date(d, "referencedate", None)
            if ref is not None:
                self.reference_date = ref
                load.details["reference_date"] = ref.isoformat()
                ref_year = ref.year if (ref.month, ref.day) <= (3, 31) else ref.year + 1
                if (ref.month, ref.day) != (3, 31):
                    self.flag(
                        d,
                        "referencedate",
                        "reference date not 31 March",
                        f"ReferenceDate {ref} is not 31 March, the census date.",
                        None,
                        str(ref),
                    )
                if year is None:
                    year = ref_year
                elif year != ref_year:
                    self.flag(
                        d,
                        "referencedate",
                        "header years disagree",
                        f"The header's Year ({year}) and "
                        f"ReferenceDate ({ref}) are for different census years; Year is used (give --year to "
                        "choose).",
                        None,
                        str(ref),
                    )
            if year is not None:
                self.header_year(d, year)
        if source is not None:
            s = Fields(source)
            lea = s.text("lea")
            if lea is not None:
                councils.named_in_file(load, lea, self.load.where(s.line("lea")), "LEA")
            software = s.text("softwarecode")
            if software:
                load.details["software"] = software[:100]

    def header_year(self, d: Fields, year: int) -> None:
        """The census year the header gives: refused when no return can be for it (unless --year is given),
        and when a second header gives another."""
        why = year_problem(year)
        if self.given_year is not None:
            if why is not None or year != self.given_year:
                self.flag(d, "year", "header year not used", f"The header says {year}; --year {self.given_year} "
                          "is used.", None, str(year))  # fmt: skip
            return
        if why is not None:
            self.load.fail(f"says it is the census for {why}. Correct the header's Year (or ReferenceDate), or "
                           "give the year with --year.")  # fmt: skip
        if self.header_years and year not in self.header_years:
            self.load.fail(f"has two headers for different years ({self.year} and {year}); a return is for one "
                           "year. Split it, or correct the header that is wrong.")  # fmt: skip
        self.header_years.add(year)
        self.year = year
        self.load.collection_year = year

    # ------------------------------------------------------------------------------------------ a child
    def child(self, el: Element) -> None:
        self.children += 1
        built: dict[Element, Fields] = {}
        unknown: list[Element] = [] if el.tag in _KNOWN_TAGS else [el]
        stray_text = _build(el, built, unknown) if len(el) else False
        self._built = built
        c = built.get(el) or Fields(el)
        if stray_text:
            self.stray_text(el)
        for part in unknown:
            name = _name(part)
            if name and name not in KNOWN_ELEMENTS:
                self.load.flag(
                    self._problem(
                        part.sourceline,
                        "unknown element",
                        f"{name[:60]} is not an element of the CIN Census (misspelt, or from another return); what "
                        "it holds was not loaded.",
                        "error",
                        None,
                        name[:60],
                        None,
                    )
                )
        ids_el = c.get("childidentifiers")
        ids = self.fields(ids_el) if ids_el is not None else None
        person = ids.text("lachildid") if ids is not None else None
        episodes = c.all("cindetails")
        if person is None:
            why = "The child has no LAchildID, so nothing about them can be stored."
            self.reject(
                c, None, "missing LAchildID", why, "ssd_person", _raw_record(ids_el if ids_el is not None else el)
            )
            for cin in episodes:
                e = self.fields(cin)
                self.reject(
                    e,
                    None,
                    "missing LAchildID",
                    "The referral's child has no LAchildID, so it cannot be "
                    "stored (nor its assessments, plans and enquiries).",
                    "ssd_cin_episodes",
                    _raw_record(cin),
                )
            return
        assert ids is not None
        self.person(ids, person, c.get("childcharacteristics"))
        if not episodes:
            self.flag(
                c,
                None,
                "no CINdetails",
                "The child has no CINdetails (every child in the census has at "
                "least one referral); the child is loaded without one.",
                "ssd_cin_episodes",
            )
        same_day: dict[dt.date, int] = {}
        for cin in episodes:
            self.episode(self.fields(cin), person, same_day)

    def stray_text(self, el: Element) -> None:
        stray: Any = _STRAY_TEXT(el)
        for text in stray:
            holder = text.getparent()
            line: int | None = holder.sourceline if holder is not None else el.sourceline
            self.load.flag(
                self._problem(
                    line,
                    "stray text",
                    f"Text outside any field ({str(text).strip()[:40]}) next to {_name(holder) or 'an element'}; "
                    "ignored.",
                    "warning",
                    None,
                    None,
                    str(text).strip()[:200],
                )
            )

    def person(self, f: Fields, person: str, characteristics: Element | None) -> None:
        table = "ssd_person"
        sex: str | None = None
        gender_el = f.get("gendercurrent")
        sex_el = f.get("sex")
        name = "gendercurrent" if gender_el is not None else ("sex" if sex_el is not None else None)
        if gender_el is not None:
            self.eras["GenderCurrent"] += 1
        if sex_el is not None:
            self.eras["Sex"] += 1
        text = f.text(name) if name else None
        if name is None:
            self.flag(f, None, "missing value", "The child has neither Sex nor GenderCurrent.", table, None, "error")
        elif text is not None:
            primary, other = (GENDER_CURRENT, SEX) if name == "gendercurrent" else (SEX, GENDER_CURRENT)
            sex = primary.get(text.upper())
            if sex is None:
                sex = other.get(text.upper())
                if sex is not None:
                    self.flag(
                        f,
                        name,
                        "code of another year",
                        f"{_canonical(name)}: {text} is a code of "
                        f"{'Sex' if name == 'gendercurrent' else 'GenderCurrent'}; read as {sex}.",
                        table,
                        text,
                    )
                else:
                    self.flag(
                        f,
                        name,
                        "unknown code",
                        f"{_canonical(name)}: {text} is not a code of the CIN census; sex left empty.",
                        table,
                        text,
                    )
        dob = self.date(f, "personbirthdate", table)
        expected = self.date(f, "expectedpersonbirthdate", table)
        death = self.date(f, "persondeathdate", table)
        self.order(f, dob, death, "persondeathdate", table)
        ethnicity: str | None = None
        if characteristics is not None:
            ch = self.fields(characteristics)
            ethnicity = self.code(ch, "ethnicity", ETHNICITY, table)
            disabilities = ch.get("disabilities")
            if disabilities is not None:
                self.disabilities(self.fields(disabilities), person)
        self.load.add(
            table,
            {
                "pers_person_id": person,
                "pers_sex": sex,
                "pers_ethnicity": ethnicity,
                "pers_dob": dob,
                "pers_upn_unknown": self.code(f, "upnunknown", UPN_UNKNOWN, table),
                "pers_expected_dob": expected,
                "pers_death_date": death,
            },
            self.load.where(f.line()),
            fresh=True,
        )
        for tag, kind in (("upn", "Unique Pupil Number"), ("formerupn", "Former Unique Pupil Number")):
            upn = f.text(tag)
            if upn is None:
                continue
            if not UPN_PATTERN.match(upn):
                self.flag(
                    f,
                    tag,
                    "UPN not valid",
                    f"{_canonical(tag)}: not a 13-character UPN (a letter, 11 digits "
                    "and a digit or letter); kept as sent.",
                    "ssd_linked_identifiers",
                    upn,
                )
            self.load.add(
                "ssd_linked_identifiers",
                {
                    "link_table_id": f"{person}/{_canonical(tag)}",
                    "link_person_id": person,
                    "link_identifier_type": kind,
                    "link_identifier_value": upn,
                },
                self.load.where(f.line(tag)),
                fresh=True,
            )

    def disabilities(self, f: Fields, person: str) -> None:
        table = "ssd_disability"
        for el in f.all("disability"):
            d = self.fields(el)
            code = _text(el)
            if code is None:
                self.reject(
                    d, None, "missing value", "An empty Disability element.", table, _raw_record(el, LAchildID=person)
                )
                continue
            if code.upper() in DISABILITY:
                code = code.upper()
            else:
                self.flag(
                    d,
                    None,
                    "unknown code",
                    f"Disability: {code} is not a code of the CIN census; kept as sent.",
                    table,
                    code,
                    field_name="Disability",
                )
            self.load.add(
                table,
                {"disa_person_id": person, "disa_table_id": f"{person}/DIS/{code}", "disa_disability_code": code},
                self.load.where(d.line()),
                fresh=True,
            )

    # ------------------------------------------------------------------------------------------ a referral
    def episode(self, f: Fields, person: str, same_day: dict[dt.date, int]) -> None:
        table = "ssd_cin_episodes"
        referral_date, why = self.required_date(f, "cinreferraldate")
        if referral_date is None:
            self.reject(
                f,
                "cinreferraldate",
                "missing referral date",
                f"{why}: a referral cannot be stored without "
                "its date (nor its assessments, plans and enquiries, which are kept here as read).",
                table,
                _raw_record(f.el, LAchildID=person),
            )
            return
        same_day[referral_date] = same_day.get(referral_date, 0) + 1
        ref_id = f"{person}/REF/{referral_date.isoformat()}/{same_day[referral_date]}"
        ep = _Episode(ref_id, person, referral_date)
        close = self.date(f, "cinclosuredate", table)
        self.order(f, referral_date, close, "cinclosuredate", table)
        source = self.code(f, "referralsource", REFERRAL_SOURCES, table)
        if source is None:
            self.flag(f, None, "missing value", "ReferralSource is missing.", table, None, "error")
        nfa = self.yes_no(f, "referralnfa", table, required=True)
        assessments = f.all("assessments")
        s47s = f.all("section47")
        row = {
            "cine_referral_id": ref_id,
            "cine_person_id": person,
            "cine_referral_date": referral_date,
            "cine_cin_primary_need_code": self.code(f, "primaryneedcode", PRIMARY_NEED, table),
            "cine_referral_source_code": source,
            "cine_referral_source_desc": REFERRAL_SOURCES.get(source or ""),
            "cine_referral_outcome_json": (  # as json.dumps writes it, quicker (every value is Y or N)
                f'{{"NFA_FLAG": "{nfa or "N"}", "ASSESSMENT_FLAG": "{"Y" if assessments else "N"}", '
                f'"S47_FLAG": "{"Y" if s47s else "N"}"}}'
            ),
            "cine_referral_nfa": nfa,
            "cine_close_reason": self.code(f, "reasonforclosure", CLOSURE_REASONS, table),
            "cine_close_date": close,
        }
        self.load.add(table, row, self.load.where(f.line()), fresh=True)

        # CP plans first: conferences are linked to the plan they started.
        plans = f.all("childprotectionplans")
        for el in plans:
            self.cp_plan(self.fields(el), ep)
        ordinal: dict[dt.date, int] = {}
        for el in assessments:
            self.assessment(self.fields(el), ep, ordinal)
        plan_dates = f.all("cinplandates")
        if plan_dates:
            ordinal = {}
            for el in plan_dates:
                self.cin_plan(self.fields(el), ep, ordinal)
        ordinal = {}
        icpc_dates: set[dt.date] = set()
        for el in s47s:
            icpc = self.section47(self.fields(el), ep, ordinal)
            if icpc is not None:
                icpc_dates.add(icpc)
        episode_icpc = self.date(f, "dateofinitialcpc", "ssd_initial_cp_conference")
        if episode_icpc is not None and episode_icpc not in icpc_dates:
            self.conference(f, ep, episode_icpc, None, None, f"{ref_id}/ICPC/{episode_icpc.isoformat()}")
            if s47s:
                self.flag(
                    f,
                    "dateofinitialcpc",
                    "conference dates disagree",
                    "DateOfInitialCPC is given for the referral as well as in its Section47 enquiries, with "
                    "another date (DfE rule 2884: one place only); loaded as a conference not linked to an enquiry.",
                    "ssd_initial_cp_conference",
                    str(episode_icpc),
                )
        for row, location in ep.plan_rows:
            start = row["cppl_cp_plan_start_date"]
            row["cppl_icpc_id"] = ep.icpc_by_date.get(start) if isinstance(start, dt.date) else None
            self.load.add("ssd_cp_plans", row, location, fresh=True)
        blocks = f.all("preproceedingsandfgdm")
        if blocks:
            ordinal = {}
            for el in blocks:
                self.pre_proceedings_block(self.fields(el), ep, ordinal)
        if close is not None and ep.latest is not None and ep.latest > close:
            self.flag(
                f,
                "cinclosuredate",
                "activity after closure",
                f"The referral closed on {close} but has an assessment, plan, enquiry or conference dated up to "
                f"{ep.latest} (DfE rule 8565); loaded as sent.",
                table,
                str(close),
            )
        if close is not None and self.year is not None and close < dt.date(self.year - 1, 4, 1):
            self.flag(
                f,
                "cinclosuredate",
                "closed before the census year",
                f"The referral closed on {close}, before the {self.year - 1}-{self.year % 100:02d} census year began "
                f"on 1 April {self.year - 1}: a return lists the children in need at some time in its year (DfE "
                "rule 8620); loaded as sent.",
                table,
                str(close),
            )

    def assessment(self, f: Fields, ep: _Episode, ordinal: dict[dt.date, int]) -> None:
        table = "ssd_cin_assessments"
        start, why = self.required_date(f, "assessmentactualstartdate")
        if start is None:
            self.reject(
                f,
                "assessmentactualstartdate",
                "missing assessment start",
                f"{why}: an assessment cannot be stored without its start date.",
                table,
                _raw_record(f.el, referral_id=ep.ref_id),
            )
            return
        ordinal[start] = ordinal.get(start, 0) + 1
        assessment_id = f"{ep.ref_id}/A/{start.isoformat()}/{ordinal[start]}"
        auth = self.date(f, "assessmentauthorisationdate", table)
        self.order(f, start, auth, "assessmentauthorisationdate", table)
        ep.saw(start, auth)
        self.date(f, "assessmentinternalreviewdate", table)  # checked, not stored (no SSD column)
        self.load.add(
            table,
            {
                "cina_assessment_id": assessment_id,
                "cina_person_id": ep.person,
                "cina_referral_id": ep.ref_id,
                "cina_assessment_start_date": start,
                "cina_assessment_auth_date": auth,
            },
            self.load.where(f.line()),
            fresh=True,
        )
        factors_el = f.get("factorsidentifiedatassessment")
        if factors_el is None:
            return
        ff = self.fields(factors_el)
        codes: list[str] = []
        for el in ff.all("assessmentfactors"):
            code = _text(el)
            if code is None:
                continue
            if code.upper() in ASSESSMENT_FACTORS:
                code = code.upper()
                first = FIRST_YEAR.get(code)
                if first is not None and self.year is not None and self.year < first:
                    self.flag(
                        self.fields(el),
                        None,
                        "code not yet in use",
                        f"AssessmentFactors: {code} was introduced "
                        f"in the {first - 1}-{str(first)[2:]} census; kept as sent.",
                        "ssd_assessment_factors",
                        code,
                        field_name="AssessmentFactors",
                    )
            else:
                self.flag(
                    self.fields(el),
                    None,
                    "unknown code",
                    f"AssessmentFactors: {code} is not a code of the CIN census; kept as sent.",
                    "ssd_assessment_factors",
                    code,
                    field_name="AssessmentFactors",
                )
            codes.append(code)
        if codes:
            self.load.add(
                "ssd_assessment_factors",
                {
                    "cinf_table_id": f"{assessment_id}/F",
                    "cinf_assessment_id": assessment_id,
                    "cinf_assessment_factors_json": json.dumps(codes),
                },
                self.load.where(ff.line()),
                fresh=True,
            )

    def cin_plan(self, f: Fields, ep: _Episode, ordinal: dict[dt.date, int]) -> None:
        table = "ssd_cin_plans"
        start, why = self.required_date(f, "cinplanstartdate")
        if start is None:
            self.reject(
                f,
                "cinplanstartdate",
                "missing plan start",
                f"{why}: a CIN plan cannot be stored without its start date.",
                table,
                _raw_record(f.el, referral_id=ep.ref_id),
            )
            return
        ordinal[start] = ordinal.get(start, 0) + 1
        end = self.date(f, "cinplanenddate", table)
        self.order(f, start, end, "cinplanenddate", table)
        ep.saw(start, end)
        self.load.add(
            table,
            {
                "cinp_cin_plan_id": f"{ep.ref_id}/CINP/{start.isoformat()}/{ordinal[start]}",
                "cinp_referral_id": ep.ref_id,
                "cinp_person_id": ep.person,
                "cinp_cin_plan_start_date": start,
                "cinp_cin_plan_end_date": end,
            },
            self.load.where(f.line()),
            fresh=True,
        )

    def section47(self, f: Fields, ep: _Episode, ordinal: dict[dt.date, int]) -> dt.date | None:
        """One enquiry (and its initial conference); returns the conference date."""
        table = "ssd_s47_enquiry"
        start, why = self.required_date(f, "s47actualstartdate")
        if start is None:
            self.reject(
                f,
                "s47actualstartdate",
                "missing enquiry start",
                f"{why}: a section 47 enquiry cannot be stored without its start date (nor its conference).",
                table,
                _raw_record(f.el, referral_id=ep.ref_id),
            )
            return None
        ordinal[start] = ordinal.get(start, 0) + 1
        s47_id = f"{ep.ref_id}/S47/{start.isoformat()}/{ordinal[start]}"
        ep.saw(start)
        not_required = self.yes_no(f, "icpcnotrequired", table, required=True)
        target = self.date(f, "initialcpctarget", "ssd_initial_cp_conference")
        self.load.add(
            table,
            {
                "s47e_s47_enquiry_id": s47_id,
                "s47e_referral_id": ep.ref_id,
                "s47e_person_id": ep.person,
                "s47e_s47_start_date": start,
                "s47e_s47_nfa": not_required,
                "s47e_s47_outcome_json": None if not_required is None else _S47_OUTCOMES[not_required],
            },
            self.load.where(f.line()),
            fresh=True,
        )
        if f.text("dateofinitialcpc") is None:
            return None
        icpc, why = self.required_date(f, "dateofinitialcpc")
        if icpc is None:
            self.reject(
                f,
                "dateofinitialcpc",
                "date not valid",
                f"{why}: the initial conference cannot be stored without its date.",
                "ssd_initial_cp_conference",
                _raw_record(f.el, referral_id=ep.ref_id),
            )
            return None
        self.order(f, start, icpc, "dateofinitialcpc", "ssd_initial_cp_conference")
        if not_required == "Y":
            self.flag(
                f,
                "dateofinitialcpc",
                "conference not required",
                "ICPCnotRequired says no conference was "
                "needed, but a DateOfInitialCPC is given; the conference is loaded.",
                "ssd_initial_cp_conference",
                str(icpc),
            )
        self.conference(f, ep, icpc, target, s47_id, f"{s47_id}/ICPC")
        return icpc

    def conference(
        self, f: Fields, ep: _Episode, day: dt.date, target: dt.date | None, s47_id: str | None, icpc_id: str
    ) -> None:
        plan = ep.plans_by_start.get(day)
        ep.saw(day)
        ep.icpc_by_date.setdefault(day, icpc_id)
        self.load.add(
            "ssd_initial_cp_conference",
            {
                "icpc_icpc_id": icpc_id,
                "icpc_s47_enquiry_id": s47_id,
                "icpc_person_id": ep.person,
                "icpc_cp_plan_id": plan,
                "icpc_referral_id": ep.ref_id,
                "icpc_icpc_transfer_in": "N" if s47_id else None,
                "icpc_icpc_target_date": target,
                "icpc_icpc_date": day,
                "icpc_icpc_outcome_cp_flag": "Y" if plan else "N",
                "icpc_icpc_outcome_json": _CONFERENCE_OUTCOMES[bool(plan)],
            },
            self.load.where(f.line("dateofinitialcpc")),
            fresh=True,
        )

    def cp_plan(self, f: Fields, ep: _Episode) -> None:
        table = "ssd_cp_plans"
        start, why = self.required_date(f, "cppstartdate")
        if start is None:
            self.reject(
                f,
                "cppstartdate",
                "missing plan start",
                f"{why}: a child protection plan cannot be stored without its start date (nor its reviews).",
                table,
                _raw_record(f.el, referral_id=ep.ref_id),
            )
            return
        plan_id = f"{ep.person}/CPP/{start.isoformat()}"
        ep.plans_by_start.setdefault(start, plan_id)
        end = self.date(f, "cppenddate", table)
        self.order(f, start, end, "cppenddate", table)
        ep.saw(start, end)
        initial = self.code(f, "initialcategoryofabuse", CATEGORY, table)
        latest = self.code(f, "latestcategoryofabuse", CATEGORY, table)
        ep.plan_rows.append(
            (
                {
                    "cppl_cp_plan_id": plan_id,
                    "cppl_referral_id": ep.ref_id,
                    "cppl_icpc_id": None,
                    "cppl_person_id": ep.person,
                    "cppl_cp_plan_start_date": start,
                    "cppl_cp_plan_end_date": end,
                    "cppl_cp_plan_initial_category": CATEGORY.get(initial or "", initial),
                    "cppl_cp_plan_latest_category": CATEGORY.get(latest or "", latest),
                },
                self.load.where(f.line()),
            )
        )
        if f.text("numberofpreviouscpp") is None:
            self.flag(f, None, "missing value", "NumberOfPreviousCPP is missing.", table)
        else:
            previous = self.whole(f, "numberofpreviouscpp", "cscperf_cp_plan_previous")
            if previous is None:
                self.load.reject(
                    self._problem(
                        f.line("numberofpreviouscpp"),
                        "number not valid",
                        "NumberOfPreviousCPP is not a whole number of 0 or more.",
                        "fatal",
                        "cscperf_cp_plan_previous",
                        "NumberOfPreviousCPP",
                        f.text("numberofpreviouscpp"),
                        {"cppl_cp_plan_id": plan_id, "NumberOfPreviousCPP": f.text("numberofpreviouscpp")},
                    )
                )
            else:
                self.load.add(
                    "cscperf_cp_plan_previous",
                    {"cppl_cp_plan_id": plan_id, "number_of_previous_cp_plans": previous},
                    self.load.where(f.line("numberofpreviouscpp")),
                    fresh=True,
                )
        reviews = f.get("reviews")
        if reviews is None:
            return
        for el in self.fields(reviews).all("cppreviewdate"):
            r = self.fields(el)
            text = _text(el)
            try:
                day = _read_date(text) if text is not None else None
            except BadValue:
                day = None
            if day is None:
                self.reject(
                    r,
                    None,
                    "date not valid",
                    f"CPPreviewDate: {text or 'empty'} is not a date; the review cannot be stored.",
                    "ssd_cp_reviews",
                    {"cppr_cp_plan_id": plan_id, "CPPreviewDate": text},
                )
                continue
            self.order(r, start, day, "cppreviewdate", "ssd_cp_reviews")
            self.load.add(
                "ssd_cp_reviews",
                {
                    "cppr_cp_review_id": f"{plan_id}/R/{day.isoformat()}",
                    "cppr_person_id": ep.person,
                    "cppr_cp_plan_id": plan_id,
                    "cppr_cp_review_date": day,
                },
                self.load.where(r.line()),
                fresh=True,
            )

    def pre_proceedings_block(self, f: Fields, ep: _Episode, ordinal: dict[dt.date, int]) -> None:
        table = "ssd_pre_proceedings"
        self.pre_proceedings += 1
        start, why = self.required_date(f, "ppstartdate")
        if start is None:
            self.reject(
                f,
                "ppstartdate",
                "missing pre-proceedings start",
                f"{why}: pre-proceedings cannot be stored without the date they started.",
                table,
                _raw_record(f.el, referral_id=ep.ref_id),
            )
            return
        ordinal[start] = ordinal.get(start, 0) + 1
        letter = self.date(f, "lbpsentdate", table)
        self.order(f, start, letter, "lbpsentdate", table)
        outcome = self.code(f, "ppoutcome", PP_OUTCOMES, table)
        for name in ("fgdmmeetingoffer", "fgdmmeetingfac"):
            self.yes_no(f, name, table)  # checked; the SSD has no column for them
        self.date(f, "courtappdate", table)
        self.load.add(
            table,
            {
                "prep_table_id": f"{ep.ref_id}/PP/{start.isoformat()}/{ordinal[start]}",
                "prep_person_id": ep.person,
                "prep_plo_family_id": ep.person,
                "prep_pre_pro_decision_date": start,
                "prep_initial_pre_pro_meeting_date": self.date(f, "initialppmeetingdate", table),
                "prep_pre_pro_outcome": outcome,
                "prep_agree_stepdown_issue_date": self.date(f, "stepdecisiondate", table),
                "prep_pre_pro_letter_date": letter,
                "prep_care_pro_letter_date": self.date(f, "letterinitcpdate", table),
                "prep_pre_pro_meetings_num": self.whole(f, "reviewmeetingscount", table),
            },
            self.load.where(f.line()),
            fresh=True,
        )


_CANONICAL = {
    name.lower(): name
    for name in _words(
        "LAchildID UPN FormerUPN UPNunknown PersonBirthDate ExpectedPersonBirthDate GenderCurrent Sex PersonDeathDate "
        "Ethnicity Disability CINreferralDate ReferralSource PrimaryNeedCode CINclosureDate ReasonForClosure "
        "DateOfInitialCPC AssessmentActualStartDate AssessmentInternalReviewDate AssessmentAuthorisationDate "
        "AssessmentFactors CINPlanStartDate CINPlanEndDate S47ActualStartDate InitialCPCtarget ICPCnotRequired "
        "ReferralNFA CPPstartDate CPPendDate InitialCategoryOfAbuse LatestCategoryOfAbuse NumberOfPreviousCPP "
        "CPPreviewDate PPStartDate LBPSentDate FGDMMeetingOffer FGDMMeetingFac InitialPPMeetingDate "
        "ReviewMeetingsCount StepDecisionDate PPOutcome CourtAppDate LetterInitCPDate Year ReferenceDate LEA "
        "Collection"
    )
}


KNOWN_ELEMENTS = frozenset(
    name.lower()
    for name in _words(
        "Child ChildIdentifiers ChildCharacteristics Disabilities CINdetails Assessments FactorsIdentifiedAtAssessment "
        "CINPlanDates Section47 ChildProtectionPlans Reviews PreProceedingsandFGDM"
    )
) | frozenset(_CANONICAL)
"""Every element a Child may hold, in lower case (the DfE's schemas, 2017 to 2026-27)."""


_KNOWN_TAGS = frozenset(_CANONICAL.get(name, name) for name in KNOWN_ELEMENTS) | (
    _words(
        "Child ChildIdentifiers ChildCharacteristics Disabilities CINdetails Assessments "
        "FactorsIdentifiedAtAssessment CINPlanDates Section47 ChildProtectionPlans Reviews PreProceedingsandFGDM"
    )
)
"""Element names as the census spells them (without a namespace): the names seen in nearly every file."""
_KNOWN_NAMES = {tag: tag.lower() for tag in _KNOWN_TAGS}
"""The census's own spellings and the lower-case names they are read by (`_name` of each)."""
_XML_SPACE = " \t\r\n"
_S47_OUTCOMES = {n: json.dumps({"ICPC_FLAG": "N" if n == "Y" else "Y", "NFA_FLAG": n}) for n in ("Y", "N")}
"""An enquiry's outcome as JSON, by ICPCnotRequired (Y or N): made once, not for every enquiry."""
_CONFERENCE_OUTCOMES = {made: json.dumps({"CP_PLAN_FLAG": "Y" if made else "N"}) for made in (True, False)}
"""A conference's outcome as JSON, by whether it started a plan."""
_new_fields = object.__new__


def _build(el: Element, built: dict[Element, Fields], odd: list[Element]) -> bool:
    """One pass over an element that has children and everything under it: the Fields of each element that
    has children (into `built`), the elements whose names are not spelt as the census spells them (into `odd`,
    in document order; the caller checks them in any case and namespace, comments among them skipped there),
    and whether any text lies outside a field (the exact check, an XPath, is then run)."""
    known = _KNOWN_NAMES
    f: Fields = _new_fields(Fields)  # filled here as the walk goes (no call for each of 3 million elements)
    single: dict[str, Element] = {}
    many: dict[str, list[Element]] = {}
    texts: dict[str, str | None] = {}
    f.el, f.single, f.many, f.texts = el, single, many, texts
    built[el] = f
    text = el.text
    stray = bool(text and text.strip(_XML_SPACE))
    for kid in el:
        if not stray:
            tail = kid.tail
            if tail and tail.strip(_XML_SPACE):
                stray = True
        name = known.get(kid.tag)
        if name is None:
            odd.append(kid)
            name = _name(kid)
            if not name:
                continue  # a comment or processing instruction
        if name in single:
            if name in many:
                many[name].append(kid)
            else:
                many[name] = [single[name], kid]
        else:
            single[name] = kid
            kid_text = kid.text
            texts[name] = (kid_text.strip() or None) if kid_text else None
        if len(kid) and _build(kid, built, odd):
            stray = True
    return stray


def _canonical(name: str | None) -> str | None:
    """The element name as the census spells it (names are matched in any case)."""
    return None if name is None else _CANONICAL.get(name, name)


def _forget(el: Element) -> None:
    """Free a finished element and the siblings before it, so memory stays flat."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def not_well_formed(exc: etree.XMLSyntaxError) -> str:
    """Why a file that lxml could not read is refused, with the line it stopped at."""
    line = exc.lineno if exc.lineno else "?"
    message = str(exc.msg).split(", line ")[0] if exc.msg else "not well-formed"
    return f"is not well-formed XML (line {line}: {message}). It may be truncated or damaged; export the return again."


def read(path: Path, load: FileLoad) -> None:
    """A CIN Census file into the load: a large one in two halves at once (`cin_halves`), else as one stream."""
    from cscperf.loading import cin_halves

    if not cin_halves.read_in_halves(path, load):
        CinReader(path, load).read()


CIN_DATES = (
    DatedField("ssd_cin_episodes", "cine_referral_date", "CINreferralDate"),
    DatedField("ssd_cin_episodes", "cine_close_date", "CINclosureDate"),
    DatedField("ssd_cin_assessments", "cina_assessment_start_date", "AssessmentActualStartDate"),
    DatedField("ssd_cin_assessments", "cina_assessment_auth_date", "AssessmentAuthorisationDate"),
    DatedField("ssd_cin_plans", "cinp_cin_plan_start_date", "CINPlanStartDate"),
    DatedField("ssd_cin_plans", "cinp_cin_plan_end_date", "CINPlanEndDate"),
    DatedField("ssd_s47_enquiry", "s47e_s47_start_date", "S47ActualStartDate"),
    DatedField("ssd_initial_cp_conference", "icpc_icpc_date", "DateOfInitialCPC"),
    DatedField("ssd_cp_plans", "cppl_cp_plan_start_date", "CPPstartDate"),
    DatedField("ssd_cp_plans", "cppl_cp_plan_end_date", "CPPendDate"),
    DatedField("ssd_cp_reviews", "cppr_cp_review_date", "CPPreviewDate"),
    DatedField("ssd_pre_proceedings", "prep_pre_pro_decision_date", "PPDecisionDate"),
)


def flag_late_census_dates(staged: StagedLoads) -> None:
    """Dates after the census year's 31 March or after today: a warning each, with its line (date_checks.py)."""
    flag_late_dates(staged, "cin_census", CIN_DATES)


FORMAT = SourceFormat("cin_census", "CIN Census XML", recognise, read, after_all=flag_late_census_dates)

__all__: list[str] = ["FORMAT", "CinReader", "read", "recognise"]
