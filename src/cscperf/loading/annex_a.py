"""Ofsted Annex A workbooks: the eleven child-level lists an inspection asks for, read into the SSD tables.

The workbook is recognised from its content: an xlsx (zip) with sheets that are Annex A lists ("List 1",
"List 1 - Contacts", "Contacts", ...). Every one of the 11 lists must be there (a missing list stops the load
with one message naming it). Headers are matched tolerantly and value spellings mapped to codes (see
`annex_a_lists`). Identifiers are made from natural keys, so loading a later workbook replaces what an earlier
one said about the same record: the council's child id is `pers_person_id` (so Annex A joins CIN and SSDA903
on it). Referrals, assessments, section 47 enquiries, conferences and CP plans take the ids the CIN Census
loader gives the same records (`1234/REF/2024-01-05/1`, `<referral>/A/<start>/1`, `<referral>/S47/<start>/1`,
`<s47>/ICPC`, `1234/CPP/<start>`), so an Annex A and a CIN return describing the same referral give one
record; the others are `AA<list>-<child id>-<key date>-<ordinal>`.

Mapping, tolerance and what is flagged or rejected: docs/loading-annex-a.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cscperf.loading import annex_a_sheets, workbook_guard
from cscperf.loading.annex_a_lists import (
    LIST_BY_NUMBER,
    LISTS,
    ListSpec,
    NotAnswer,
    list_number_of_sheet,
    map_accommodation,
    map_activity,
    map_category,
    map_ceased_reason,
    map_closure,
    map_ethnicity,
    map_legal_status,
    map_need,
    map_placement_type,
    map_provider,
    map_reversed_reason,
    map_sex,
    map_source,
    map_yes_no,
    match_headers,
    strip_option,
)
from cscperf.loading.code_lists import REFERRAL_SOURCES
from cscperf.loading.collection_year import collection_year
from cscperf.loading.date_checks import DatedField, flag_late_dates
from cscperf.loading.file_load import FileLoad
from cscperf.loading.limits import workbook_limits
from cscperf.loading.problems import Problem
from cscperf.loading.source_format import SourceFormat
from cscperf.loading.values import BadValue, blank, read_date, read_text, read_whole_number

if TYPE_CHECKING:
    from cscperf.loading.merge import StagedLoads

HEADER_SCAN_ROWS = 15
ROLE = "Allocated Social Worker"


# ------------------------------------------------------------------------------------------------ workbook


def recognise(path: Path, head: bytes) -> bool:
    """An xlsx whose sheets include Annex A lists (a workbook missing some lists is recognised, then refused
    by read() with a message naming them)."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return False
    except (zipfile.BadZipFile, OSError):
        return False
    names = workbook_guard.sheet_names(path)
    if not names:
        return False
    numbers = {list_number_of_sheet(n) for n in names} - {None}
    return len(numbers) >= 3 or any(re.match(r"^\s*list\s*0?\d{1,2}\b", n, re.IGNORECASE) for n in names)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Record:
    """One row of a list, with where each field is."""

    sheet: str
    row: int  # Excel row number
    values: dict[str, Any]
    columns: dict[str, int]  # field -> Excel column index (0-based)
    headers: dict[str, str]  # field -> header as written

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.row}:{self.row}"

    def cell(self, key: str) -> str:
        return f"{self.sheet}!{_column_letter(self.columns[key])}{self.row}" if key in self.columns else self.location

    def raw(self) -> dict[str, Any]:
        return {self.headers[k]: _as_raw(v) for k, v in self.values.items() if not blank(v)}


def _as_raw(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Rejected(Exception):
    """The record cannot be loaded (the problem has been reported)."""


@dataclass
class SheetList:
    spec: ListSpec
    sheet: str
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    records: list[Record] = field(default_factory=list)


def _read_lists(path: Path, load: FileLoad) -> dict[int, SheetList]:
    try:
        workbook = workbook_guard.inspect(path, workbook_limits())
    except workbook_guard.WorkbookRefused as exc:
        load.fail(str(exc))
    try:
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # damaged zip, encrypted, not a workbook
        load.fail(f"is not a readable Excel workbook ({type(exc).__name__}).")
    chosen = annex_a_sheets.choose_sheets(load, workbook.sheets)
    missing = [n for n in sorted(LIST_BY_NUMBER) if n not in chosen]
    if missing:
        names = ", ".join(f"List {n} ({LIST_BY_NUMBER[n].title})" for n in missing)
        load.fail(
            f"is an Annex A workbook without {names}. Every list must be there (an empty list keeps its header "
            f"row); sheets found: {', '.join(book.sheet_names)}."
        )
    load.details["sheets"] = {f"List {n}": chosen[n] for n in sorted(chosen)}
    lists: dict[int, SheetList] = {}
    matched: dict[str, dict[str, str]] = {}
    for number, name in sorted(chosen.items()):
        spec = LIST_BY_NUMBER[number]
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merges = list(sheet.merged_cell_ranges or [])
        except Exception as exc:
            load.fail(f"has a sheet {name!r} that cannot be read ({type(exc).__name__}).")
        annex_a_sheets.unmerge_down(rows, merges, HEADER_SCAN_ROWS)
        header_index, columns = _find_header(spec, rows)
        required = [c for c in spec.columns if c.required]
        absent = [c.title for c in required if c.key not in columns]
        if header_index is None or absent:
            what = ", ".join(absent) if absent else "the list's headers"
            load.fail(f"has sheet {name!r} (List {number}, {spec.title}) without a column for {what}.")
        annex_a_sheets.refuse_merged_across(load, name, header_index, merges)
        header_row = rows[header_index]
        annex_a_sheets.refuse_duplicate_headers(load, name, header_index, header_row, columns)
        headers = {k: str(header_row[i]).strip() for k, i in columns.items()}
        matched[f"List {number}"] = headers
        found = SheetList(spec, name, header_index + 1, columns, headers)
        for offset, values in enumerate(rows[header_index + 1 :], start=header_index + 2):
            if all(blank(v) for v in values):
                continue
            record_values = {k: values[i] if i < len(values) else None for k, i in columns.items()}
            found.records.append(Record(name, offset, record_values, columns, headers))
        lists[number] = found
    load.details["headers_matched"] = matched
    load.details["rows_per_list"] = {f"List {n}": len(lists[n].records) for n in sorted(lists)}
    empty = [f"List {n}" for n in sorted(lists) if not lists[n].records]
    if empty:
        load.details["empty_lists"] = empty
    if all(not lst.records for lst in lists.values()):
        load.fail("has the Annex A lists' headers but no records in any list.")
    return lists


def _find_header(spec: ListSpec, rows: list[list[Any]]) -> tuple[int | None, dict[str, int]]:
    best: tuple[int | None, dict[str, int]] = (None, {})
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        texts: list[object] = [v if isinstance(v, str) else None for v in row]
        if sum(1 for t in texts if t) < 2:
            continue
        columns = match_headers(spec, texts)
        if len(columns) > len(best[1]):
            best = (index, columns)
    return best


# ------------------------------------------------------------------------------------------------ reader


def _months_back(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@dataclass
class Referral:
    row: dict[str, Any]
    location: str
    previous_12m: int | None = None


class AnnexAReader:
    def __init__(self, load: FileLoad, lists: dict[int, SheetList]) -> None:
        self.load = load
        self.lists = lists
        self.ordinals: Counter[tuple[str, str, str]] = Counter()
        self.people: dict[str, dict[str, Any]] = {}
        self.person_where: dict[str, str] = {}
        self.referrals: dict[str, Referral] = {}
        self.referral_days: dict[str, list[tuple[dt.date, str]]] = {}
        self.spellings: dict[str, Counter[str]] = {}
        self.not_loaded: dict[str, int] = {}
        self.event_dates: list[dt.date] = []  # dates of the window's events (Lists 1, 2, 3 and 5)
        self.merged = 0  # List 6 episodes that complete a List 3 referral
        self.plans: dict[tuple[str, dt.date], str] = {}

    # ---------------------------------------------------------------- values
    def child_id(self, rec: Record, table: str, key: str = "child_id") -> str:
        text = read_text(rec.values.get(key))
        if text is None:
            self.load.reject(
                Problem(
                    rec.location,
                    "missing identifier",
                    f"{rec.headers.get(key, 'Child Unique ID')} is empty, so the record cannot be stored.",
                    "fatal",
                    table,
                    rec.headers.get(key),
                    None,
                    rec.raw(),
                )
            )
            raise Rejected
        return text

    def date(self, rec: Record, key: str, table: str, *, required: bool = False) -> dt.date | None:
        value = rec.values.get(key)
        try:
            day = read_date(value)
        except BadValue as exc:
            problem = Problem(
                rec.cell(key),
                "date not valid",
                f"{rec.headers[key]}: {exc}.",
                "fatal" if required else "error",
                table,
                rec.headers[key],
                str(value)[:200],
                rec.raw(),
            )
            if required:
                self.load.reject(problem)
                raise Rejected from None
            self.load.flag(
                Problem(
                    problem.location,
                    problem.rule,
                    problem.message + " The record is loaded without it.",
                    "error",
                    table,
                    problem.field_name,
                    problem.field_value,
                )
            )
            return None
        if day is None and required:
            self.load.reject(
                Problem(
                    rec.cell(key),
                    "date missing",
                    f"{rec.headers[key]} is empty; the record cannot be loaded without it.",
                    "fatal",
                    table,
                    rec.headers[key],
                    None,
                    rec.raw(),
                )
            )
            raise Rejected
        return day

    def text(self, rec: Record, key: str) -> str | None:
        text = read_text(rec.values.get(key))
        return None if text is None else text.replace("\u00a0", " ")

    def number(self, rec: Record, key: str, table: str) -> int | None:
        try:
            return read_whole_number(rec.values.get(key))
        except BadValue as exc:
            self.flag(rec, key, table, "number not valid", f"{rec.headers[key]}: {exc}.")
            return None

    def code(self, rec: Record, key: str, table: str, mapper: Callable[[str], str | None]) -> str | None:
        text = self.text(rec, key)
        if text is None:
            return None
        code = mapper(text)
        if code is None:
            self.flag(
                rec,
                key,
                table,
                "unknown value",
                f"{rec.headers[key]}: {text!r} is not a value cscperf knows; the field is left empty.",
            )
        else:
            self.spell(key, text, code)
        return code

    def yes_no(self, rec: Record, key: str, table: str) -> str | None:
        value = rec.values.get(key)
        if blank(value):
            return None
        try:
            answer = map_yes_no(value)
        except NotAnswer:
            self.flag(
                rec,
                key,
                table,
                "unknown value",
                f"{rec.headers[key]}: {value!r} is not a yes/no answer; the field is left empty.",
            )
            return None
        self.spell(key, str(value), answer or "unknown")
        return answer

    def flag(self, rec: Record, key: str, table: str, rule: str, message: str, severity: str = "warning") -> None:
        self.load.flag(
            Problem(
                rec.cell(key),
                rule,
                message,
                "error" if severity == "error" else "warning",
                table,
                rec.headers.get(key),
                None if blank(rec.values.get(key)) else str(rec.values.get(key))[:200],
            )
        )

    def spell(self, key: str, raw: str, code: str) -> None:
        norm = raw.strip()
        if norm != code:
            self.spellings.setdefault(key, Counter())[f"{norm} -> {code}"] += 1

    def new_id(self, prefix: str, child: str, day: dt.date | None) -> str:
        stamp = day.isoformat() if day else "nodate"
        self.ordinals[(prefix, child, stamp)] += 1
        return f"{prefix}-{child}-{stamp}-{self.ordinals[(prefix, child, stamp)]}"

    def ordinal(self, kind: str, owner: str, day: dt.date) -> int:
        """1 for the first record of this kind for the owner (child or referral) and day, 2 for the next, ..."""
        self.ordinals[(kind, owner, day.isoformat())] += 1
        return self.ordinals[(kind, owner, day.isoformat())]

    # ---------------------------------------------------------------- people and links
    def person(self, rec: Record, child: str) -> None:
        sex = self.code(rec, "sex", "ssd_person", map_sex) if "sex" in rec.values else None
        ethnicity = self.code(rec, "ethnicity", "ssd_person", map_ethnicity) if "ethnicity" in rec.values else None
        dob = self.date(rec, "dob", "ssd_person") if "dob" in rec.values else None
        fields = {"pers_sex": sex, "pers_ethnicity": ethnicity, "pers_dob": dob}
        known = self.people.get(child)
        if known is None:
            self.people[child] = {"pers_person_id": child, **fields}
            self.person_where[child] = rec.location
            return
        for name, value in fields.items():
            if value is None:
                continue
            if known.get(name) is None:
                known[name] = value
            elif known[name] != value:
                self.load.flag(
                    Problem(
                        rec.location,
                        "lists disagree",
                        f"{name.removeprefix('pers_')} here ({value}) differs from an earlier list ({known[name]}); "
                        "the first is kept.",
                        "warning",
                        "ssd_person",
                        name,
                        str(value),
                    )
                )

    def referral_for(self, child: str, day: dt.date | None) -> str | None:
        """The child's latest referral on or before the day (from Lists 3 and 6)."""
        if day is None:
            return None
        days = self.referral_days.get(child, [])
        index = bisect.bisect_right(days, (day, "\uffff"))
        return days[index - 1][1] if index else None

    def involvement(
        self,
        rec: Record,
        child: str,
        referral_id: str | None,
        start: dt.date | None,
        end: dt.date | None,
        list_number: int,
    ) -> None:
        worker = self.text(rec, "worker")
        team = self.text(rec, "team")
        if worker is None and team is None:
            return
        self.load.add(
            "ssd_involvements",
            {
                "invo_involvements_id": self.new_id(f"AA{list_number}W", child, start),
                "invo_professional_id": worker,
                "invo_professional_role_id": ROLE if worker else None,
                "invo_professional_team": team,
                "invo_involvement_start_date": start,
                "invo_involvement_end_date": end,
                "invo_person_id": child,
                "invo_referral_id": referral_id,
            },
            rec.location,
        )

    def each(self, number: int, table: str, handler: Callable[[Record], None]) -> None:
        for rec in self.lists[number].records:
            try:
                handler(rec)
            except Rejected:
                continue

    # ---------------------------------------------------------------- lists
    def read(self) -> None:
        self.each(1, "ssd_contacts", self.contact)
        self.each(2, "ssd_early_help_episodes", self.early_help)
        self.each(3, "ssd_cin_episodes", self.referral)
        self.each(6, "ssd_cin_episodes", self.child_in_need)
        self.previous_referrals()
        for ref in self.referrals.values():
            self.load.add("ssd_cin_episodes", ref.row, ref.location)
        self.each(7, "ssd_cp_plans", self.cp_plan)
        self.each(4, "ssd_cin_assessments", self.assessment)
        self.each(5, "ssd_s47_enquiry", self.s47)
        self.each(8, "ssd_cla_episodes", self.looked_after)
        self.each(9, "ssd_care_leavers", self.care_leaver)
        self.each(10, "ssd_permanence", self.adoption)
        adopters = len(self.lists[11].records)
        if adopters:
            self.not_loaded["List 11 (Adopters)"] = adopters
        for child, row in self.people.items():
            self.load.add("ssd_person", row, self.person_where[child])

    def contact(self, rec: Record) -> None:
        table = "ssd_contacts"
        child = self.child_id(rec, table)
        day = self.date(rec, "contact_date", table, required=True)
        if day:
            self.event_dates.append(day)
        source = self.code(rec, "contact_source", table, map_source)
        self.person(rec, child)
        self.load.add(
            table,
            {
                "cont_contact_id": self.new_id("AA1", child, day),
                "cont_person_id": child,
                "cont_contact_date": day,
                "cont_contact_source_code": source,
                "cont_contact_source_desc": _source_desc(source, self.text(rec, "contact_source")),
            },
            rec.location,
        )

    def early_help(self, rec: Record) -> None:
        table = "ssd_early_help_episodes"
        child = self.child_id(rec, table)
        start = self.date(rec, "eh_start", table, required=True)
        if start:
            self.event_dates.append(start)
        end = self.date(rec, "eh_end", table)
        self.person(rec, child)
        self.load.add(
            table,
            {
                "earl_episode_id": self.new_id("AA2", child, start),
                "earl_person_id": child,
                "earl_episode_start_date": start,
                "earl_episode_end_date": end,
                "earl_episode_organisation": self.text(rec, "eh_organisation"),
            },
            rec.location,
        )

    def _add_referral(self, ref_id: str, child: str, day: dt.date, row: dict[str, Any], location: str) -> Referral:
        ref = Referral(row, location)
        self.referrals[ref_id] = ref
        bisect.insort(self.referral_days.setdefault(child, []), (day, ref_id))
        return ref

    def referral(self, rec: Record) -> None:
        table = "ssd_cin_episodes"
        child = self.child_id(rec, table)
        day = self.date(rec, "referral_date", table, required=True)
        assert day is not None
        self.event_dates.append(day)
        source = self.code(rec, "referral_source", table, map_source)
        nfa = self.yes_no(rec, "referral_nfa", table)
        previous = self.number(rec, "previous_referrals", table)
        self.person(rec, child)
        ref_id = f"{child}/REF/{day.isoformat()}/{self.ordinal('REF3', child, day)}"
        row = {
            "cine_referral_id": ref_id,
            "cine_person_id": child,
            "cine_referral_date": day,
            "cine_referral_source_code": source,
            "cine_referral_source_desc": _source_desc(source, self.text(rec, "referral_source")),
            "cine_referral_nfa": nfa,
            "cine_referral_team": self.text(rec, "team"),
            "cine_referral_worker_id": self.text(rec, "worker"),
        }
        self._add_referral(ref_id, child, day, row, rec.location).previous_12m = previous
        self.involvement(rec, child, ref_id, day, None, 3)

    def child_in_need(self, rec: Record) -> None:
        """List 6: a CIN episode is the referral that opened it; one already in List 3 is completed, not doubled."""
        table = "ssd_cin_episodes"
        child = self.child_id(rec, table)
        day = self.date(rec, "cin_start", table, required=True)
        assert day is not None
        closed = self.date(rec, "cin_closed", table)
        need = self.code(rec, "primary_need", table, map_need)
        reason = self.code(rec, "closure_reason", table, map_closure)
        self.person(rec, child)
        ref_id = f"{child}/REF/{day.isoformat()}/{self.ordinal('REF6', child, day)}"
        fields = {
            "cine_cin_primary_need_code": need,
            "cine_close_reason": reason,
            "cine_close_date": closed,
        }
        known = self.referrals.get(ref_id)
        if known is None:
            row = {
                "cine_referral_id": ref_id,
                "cine_person_id": child,
                "cine_referral_date": day,
                "cine_referral_team": self.text(rec, "team"),
                "cine_referral_worker_id": self.text(rec, "worker"),
                **fields,
            }
            self._add_referral(ref_id, child, day, row, rec.location)
        else:
            known.row.update({k: v for k, v in fields.items() if v is not None})
            self.merged += 1
        self.involvement(rec, child, ref_id, day, closed, 6)

    def previous_referrals(self) -> None:
        """A List 3 referral whose child had referrals in the 12 months before it (the list's count) gets an
        earlier referral to count back to when the workbook holds none: a placeholder dated 12 months before,
        so the DfE re-referral measure (previous referral within 12 months) can be worked out. Placeholders are
        marked in cine_referral_outcome_json and counted in the load's details."""
        placeholders = 0
        for ref_id, ref in list(self.referrals.items()):
            if not ref.previous_12m:
                continue
            child = ref.row["cine_person_id"]
            day: dt.date = ref.row["cine_referral_date"]
            since = _months_back(day, 12)
            earlier = [d for d, i in self.referral_days.get(child, []) if since <= d < day]
            if earlier:
                continue
            placeholder = f"{ref_id}/PREVIOUS"
            row = {
                "cine_referral_id": placeholder,
                "cine_person_id": child,
                "cine_referral_date": since,
                "cine_referral_source_desc": "Earlier referral (date not in the workbook)",
                "cine_referral_outcome_json": json.dumps({"ANNEX_A_PLACEHOLDER": "Y", "FOR_REFERRAL": ref_id}),
            }
            self._add_referral(placeholder, child, since, row, ref.location)
            placeholders += 1
        if placeholders:
            self.load.details["placeholder_previous_referrals"] = placeholders

    def cp_plan(self, rec: Record) -> None:
        table = "ssd_cp_plans"
        child = self.child_id(rec, table)
        start = self.date(rec, "cp_start", table, required=True)
        end = self.date(rec, "cp_end", table)
        assert start is not None
        self.person(rec, child)
        plan_id = f"{child}/CPP/{start.isoformat()}"
        self.plans[(child, start)] = plan_id
        referral = self.referral_for(child, start)
        self.load.add(
            table,
            {
                "cppl_cp_plan_id": plan_id,
                "cppl_referral_id": referral,
                "cppl_person_id": child,
                "cppl_cp_plan_start_date": start,
                "cppl_cp_plan_end_date": end,
                "cppl_cp_plan_initial_category": self.code(rec, "initial_category", table, map_category),
                "cppl_cp_plan_latest_category": self.code(rec, "latest_category", table, map_category),
            },
            rec.location,
        )
        previous = self.number(rec, "previous_plans", table)
        if previous is not None:
            self.load.add(
                "cscperf_cp_plan_previous",
                {"cppl_cp_plan_id": plan_id, "number_of_previous_cp_plans": previous},
                rec.cell("previous_plans"),
            )
        self.involvement(rec, child, referral, start, end, 7)

    def assessment(self, rec: Record) -> None:
        table = "ssd_cin_assessments"
        child = self.child_id(rec, table)
        start = self.date(rec, "assessment_start", table, required=True)
        auth = self.date(rec, "assessment_auth", table)
        support = self.yes_no(rec, "needs_support", table)
        self.person(rec, child)
        referral = self.referral_for(child, start)
        owner = referral or child
        assert start is not None
        outcome = None if support is None else json.dumps({"NFA_FLAG": "N" if support == "Y" else "Y"})
        self.load.add(
            table,
            {
                "cina_assessment_id": f"{owner}/A/{start.isoformat()}/{self.ordinal('A', owner, start)}",
                "cina_person_id": child,
                "cina_referral_id": referral,
                "cina_assessment_start_date": start,
                "cina_assessment_child_seen": self.yes_no(rec, "child_seen", table),
                "cina_assessment_auth_date": auth,
                "cina_assessment_outcome_json": outcome,
                "cina_assessment_outcome_nfa": None if support is None else ("N" if support == "Y" else "Y"),
                "cina_assessment_team": self.text(rec, "team"),
                "cina_assessment_worker_id": self.text(rec, "worker"),
            },
            rec.location,
        )
        self.involvement(rec, child, referral, start, auth, 4)

    def s47(self, rec: Record) -> None:
        table = "ssd_s47_enquiry"
        child = self.child_id(rec, table)
        start = self.date(rec, "s47_start", table, required=True)
        icpc_date = self.date(rec, "icpc_date", table)
        if start:
            self.event_dates.append(start)
        unnecessary = self.yes_no(rec, "icpc_unnecessary", table)
        plan_flag = self.yes_no(rec, "icpc_plan", table)
        self.person(rec, child)
        referral = self.referral_for(child, start)
        assert start is not None
        s47_id = f"{referral or child}/S47/{start.isoformat()}/{self.ordinal('S47', referral or child, start)}"
        icpc_flag = "Y" if icpc_date else ("N" if unnecessary == "Y" else None)
        self.load.add(
            table,
            {
                "s47e_s47_enquiry_id": s47_id,
                "s47e_referral_id": referral,
                "s47e_person_id": child,
                "s47e_s47_start_date": start,
                "s47e_s47_nfa": unnecessary,
                "s47e_s47_outcome_json": None if icpc_flag is None else json.dumps({"ICPC_FLAG": icpc_flag}),
                "s47e_s47_completed_by_worker_id": self.text(rec, "worker"),
                "s47e_s47_completed_by_team": self.text(rec, "team"),
            },
            rec.location,
        )
        if icpc_date is not None:
            plan = self.plans.get((child, icpc_date)) if plan_flag != "N" else None
            self.load.add(
                "ssd_initial_cp_conference",
                {
                    "icpc_icpc_id": f"{s47_id}/ICPC",
                    "icpc_s47_enquiry_id": s47_id,
                    "icpc_person_id": child,
                    "icpc_cp_plan_id": plan,
                    "icpc_referral_id": referral,
                    "icpc_icpc_date": icpc_date,
                    "icpc_icpc_outcome_cp_flag": plan_flag,
                    "icpc_icpc_outcome_json": None if plan_flag is None else json.dumps({"CP_PLAN_FLAG": plan_flag}),
                    "icpc_icpc_team": self.text(rec, "team"),
                    "icpc_icpc_worker_id": self.text(rec, "worker"),
                },
                rec.cell("icpc_date"),
            )
        elif plan_flag == "Y":
            self.flag(
                rec,
                "icpc_plan",
                table,
                "inconsistent",
                "The ICPC is said to have made a plan, but there is no ICPC date, so no conference is loaded.",
            )
        self.involvement(rec, child, referral, start, icpc_date, 5)

    def looked_after(self, rec: Record) -> None:
        table = "ssd_cla_episodes"
        child = self.child_id(rec, table)
        start = self.date(rec, "care_start", table, required=True)
        assert start is not None
        end = self.date(rec, "care_end", table)
        self.person(rec, child)
        cla_id = f"AA8-{child}-{start.isoformat()}"
        placement_start = self.date(rec, "placement_start", table)
        placement_id = f"{cla_id}-placement-{placement_start.isoformat()}" if placement_start else None
        reason = self.code(rec, "care_end_reason", table, map_ceased_reason) if end else None
        self.load.add(
            table,
            {
                "clae_cla_episode_id": cla_id,
                "clae_person_id": child,
                "clae_cla_episode_start_date": start,
                "clae_cla_episode_start_reason": "S",
                "clae_cla_primary_need_code": self.code(rec, "need", table, map_need),
                "clae_cla_episode_ceased_date": end,
                "clae_cla_episode_ceased_reason": reason,
                "clae_cla_id": cla_id,
                "clae_referral_id": self.referral_for(child, start),
                "clae_cla_placement_id": placement_id,
                "clae_entered_care_date": start,
                "clae_cla_last_iro_contact_date": self.date(rec, "last_iro", table),
            },
            rec.location,
        )
        if placement_start is not None and placement_id is not None:
            self.load.add(
                "ssd_cla_placement",
                {
                    "clap_cla_placement_id": placement_id,
                    "clap_cla_placement_start_date": placement_start,
                    "clap_cla_placement_type": self.code(
                        rec, "placement_type", "ssd_cla_placement", map_placement_type
                    ),
                    "clap_cla_placement_urn": self.text(rec, "placement_urn"),
                    "clap_cla_id": cla_id,
                    "clap_cla_placement_provider": self.code(
                        rec, "placement_provider", "ssd_cla_placement", map_provider
                    ),
                    "clap_cla_placement_postcode": self.text(rec, "placement_postcode"),
                    "clap_cla_placement_end_date": end,
                    "clap_person_id": child,
                },
                rec.cell("placement_start"),
            )
        legal = self.code(rec, "legal_status", "ssd_legal_status", map_legal_status)
        legal_start = self.date(rec, "legal_start", "ssd_legal_status")
        if legal is not None:
            self.load.add(
                "ssd_legal_status",
                {
                    "lega_legal_status_id": f"{cla_id}-legal-{(legal_start or start).isoformat()}",
                    "lega_person_id": child,
                    "lega_legal_status": legal,
                    "lega_legal_status_start_date": legal_start or start,
                    "lega_legal_status_end_date": end,
                },
                rec.cell("legal_status"),
            )
        for key, kind in (("last_health", "Health Assessment"), ("last_dental", "Dental Check")):
            day = self.date(rec, key, "ssd_cla_health")
            if day is not None:
                self.load.add(
                    "ssd_cla_health",
                    {
                        "clah_health_check_id": f"AA8-{child}-{kind.split()[0].lower()}-{day.isoformat()}",
                        "clah_person_id": child,
                        "clah_health_check_type": kind,
                        "clah_health_check_date": day,
                        "clah_health_check_status": "Completed",
                    },
                    rec.cell(key),
                )
        self.involvement(rec, child, None, start, end, 8)

    def care_leaver(self, rec: Record) -> None:
        table = "ssd_care_leavers"
        child = self.child_id(rec, table)
        self.person(rec, child)
        eligibility = self.text(rec, "eligibility")
        self.load.add(
            table,
            {
                "clea_table_id": f"AA9-{child}",
                "clea_person_id": child,
                "clea_care_leaver_eligibility": None if eligibility is None else strip_option(eligibility),
                "clea_care_leaver_in_touch": self._words(rec, "in_touch"),
                "clea_care_leaver_latest_contact": self.date(rec, "latest_contact", table),
                "clea_care_leaver_accommodation": self.code(rec, "accommodation", table, map_accommodation),
                "clea_care_leaver_accom_suitable": self._words(rec, "suitability"),
                "clea_care_leaver_activity": self.code(rec, "activity", table, map_activity),
                "clea_pathway_plan_review_date": self.date(rec, "pathway_review", table),
                "clea_care_leaver_personal_advisor": self.text(rec, "personal_advisor"),
                "clea_care_leaver_allocated_team": self.text(rec, "team"),
                "clea_care_leaver_worker_id": self.text(rec, "worker"),
            },
            rec.location,
        )

    def _words(self, rec: Record, key: str) -> str | None:
        text = self.text(rec, key)
        return None if text is None else strip_option(text)

    def adoption(self, rec: Record) -> None:
        table = "ssd_permanence"
        child = self.child_id(rec, table)
        self.person(rec, child)
        entered = self.date(rec, "entered_care", table)
        decision = self.date(rec, "adm_decision", table)
        order = self.date(rec, "adoption_order", table)
        self.load.add(
            table,
            {
                "perm_table_id": self.new_id("AA10", child, decision or entered),
                "perm_person_id": child,
                "perm_cla_id": f"AA8-{child}-{entered.isoformat()}" if entered else None,
                "perm_adm_decision_date": decision,
                "perm_placement_order_date": self.date(rec, "placement_order", table),
                "perm_matched_date": self.date(rec, "matched", table),
                "perm_placed_for_adoption_date": self.date(rec, "placed", table),
                "perm_permanence_order_date": order,
                "perm_permanence_order_type": "Adoption Order" if order else None,
                "perm_decision_reversed_date": self.date(rec, "reversed", table),
                "perm_decision_reversed_reason": self.code(rec, "reversed_reason", table, map_reversed_reason),
                "perm_placed_ffa_cp_date": self.date(rec, "ffa_placed", table),
            },
            rec.location,
        )


def _source_desc(code: str | None, raw: str | None) -> str | None:
    if code is not None:
        return REFERRAL_SOURCES[code]
    return None if raw is None else strip_option(raw)


def collection_year_of(day: dt.date) -> int:
    """The collection year (year ending 31 March) a date falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def read(path: Path, load: FileLoad) -> None:
    lists = _read_lists(path, load)
    reader = AnnexAReader(load, lists)
    reader.read()
    today = dt.date.today()
    dates = [d for d in reader.event_dates if d <= today]  # a date after today is flagged (flag_late_workbook_dates)
    if dates:
        years = Counter(collection_year_of(d) for d in dates)
        chosen = collection_year(years)
        assert chosen is not None
        usual = [d for d in dates if collection_year_of(d) <= chosen]
        first, last = min(usual), max(usual)
        load.details["period_covered"] = {"from": first.isoformat(), "to": last.isoformat()}
        if load.collection_year is None:
            load.collection_year = chosen
    if reader.spellings:
        load.details["values_mapped"] = {
            key: dict(counter.most_common(25)) for key, counter in sorted(reader.spellings.items())
        }
    if reader.not_loaded:
        load.details["not_loaded"] = reader.not_loaded
    if reader.merged:
        load.details["list_6_episodes_completing_list_3_referrals"] = reader.merged


ANNEX_A_DATES = (
    DatedField("ssd_contacts", "cont_contact_date", "List 1 contact date"),
    DatedField("ssd_early_help_episodes", "earl_episode_start_date", "List 2 early help start date"),
    DatedField("ssd_early_help_episodes", "earl_episode_end_date", "List 2 early help end date"),
    DatedField("ssd_cin_episodes", "cine_referral_date", "referral date"),
    DatedField("ssd_cin_episodes", "cine_close_date", "CIN closure date"),
    DatedField("ssd_cin_assessments", "cina_assessment_start_date", "List 4 assessment start date"),
    DatedField("ssd_cin_assessments", "cina_assessment_auth_date", "List 4 assessment authorisation date"),
    DatedField("ssd_s47_enquiry", "s47e_s47_start_date", "List 5 section 47 start date"),
    DatedField("ssd_initial_cp_conference", "icpc_icpc_date", "List 5 ICPC date"),
    DatedField("ssd_cp_plans", "cppl_cp_plan_start_date", "List 7 plan start date"),
    DatedField("ssd_cp_plans", "cppl_cp_plan_end_date", "List 7 plan end date"),
    DatedField("ssd_cla_episodes", "clae_cla_episode_start_date", "List 8 episode start date"),
    DatedField("ssd_cla_episodes", "clae_cla_episode_ceased_date", "List 8 episode end date"),
    DatedField("ssd_cla_health", "clah_health_check_date", "List 8 health or dental check date"),
)


def flag_late_workbook_dates(staged: StagedLoads) -> None:
    """Dates after the workbook's year (31 March) or after today: a warning each, with its cell."""
    flag_late_dates(staged, "annex_a", ANNEX_A_DATES)


FORMAT = SourceFormat("annex_a", "Ofsted Annex A workbook", recognise, read, after_all=flag_late_workbook_dates)

__all__ = ["FORMAT", "LISTS", "collection_year_of", "read", "recognise"]
