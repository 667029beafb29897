"""Oversight records in a council's SSD extract: the two extension tables that load like SSD tables
(cscperf_visit_missed, cscperf_cp_oversight), the columns a council may add to its SSD tables for them, and
their codes read as cscperf's (words and usual synonyms accepted). Used by the SSD extract loader."""

from __future__ import annotations

from typing import Any

from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem
from cscperf.loading.values import BadValue, read_date, read_text
from cscperf.oversight_codes import MISSED_REASONS, OVERSIGHT_OUTCOMES, OVERSIGHT_TYPES, VISIT_KINDS, code_of
from cscperf.store.schema import Table, load_schema

# Extension tables a council can send like an SSD table (recognised by their columns).
EXTENSION_TABLES = ("cscperf_visit_missed", "cscperf_cp_oversight")
# Columns a council may add to an SSD table; each value becomes a row of an extension table.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "ssd_cp_visits": ("cppv_cp_visit_missed_reason",),
    "ssd_cla_visits": ("clav_cla_visit_missed_reason",),
    "ssd_cp_plans": ("cppl_cp_plan_senior_review_date", "cppl_cp_plan_senior_review_outcome",
                     "cppl_cp_plan_legal_planning_date", "cppl_cp_plan_legal_planning_outcome"),
}  # fmt: skip
# Code columns of the extension tables: (codes, whether a value outside them rejects the record).
CODE_COLUMNS: dict[str, tuple[dict[str, str], bool]] = {
    "missed_visit_kind": (VISIT_KINDS, True),
    "missed_reason": (MISSED_REASONS, False),
    "oversight_type": (OVERSIGHT_TYPES, True),
    "oversight_outcome": (OVERSIGHT_OUTCOMES, False),
}


def codes_read(load: FileLoad, table: Table, row: dict[str, Any], raw: dict[str, Any], location: str) -> bool:
    """Codes of an extension table as cscperf's codes (words and usual synonyms accepted). An unknown kind or
    type rejects the record; an unknown reason or outcome is kept as sent, with a warning."""
    for name, (codes, required) in CODE_COLUMNS.items():
        value = row.get(name)
        if value is None:
            continue
        code = code_of(value, codes)
        if code is not None:
            row[name] = code
            continue
        problem = Problem(location, "unknown code", f"{name}: {str(value)[:60]!r} is not one of {', '.join(codes)}.",
                          "fatal" if required else "warning", table.name, name, str(value)[:200],
                          {k: None if v is None else str(v) for k, v in raw.items()})  # fmt: skip
        if required:
            load.reject(problem)
            return False
        load.flag(problem)
    return True


def extension_rows(load: FileLoad, table: str, row: dict[str, Any], extra: dict[str, Any], location: str) -> None:
    """The oversight records a council added to its SSD table as extra columns."""
    if table in ("ssd_cp_visits", "ssd_cla_visits"):
        cp = table == "ssd_cp_visits"
        reason = read_text(extra.get("cppv_cp_visit_missed_reason" if cp else "clav_cla_visit_missed_reason"))
        visit = row.get("cppv_cp_visit_id" if cp else "clav_cla_visit_id")
        if reason is not None and visit is not None:
            missed = {"missed_id": f"{visit}:missed", "missed_visit_kind": "cp" if cp else "cla",
                      "missed_person_id": row.get("cppv_person_id" if cp else "clav_person_id"),
                      "missed_case_id": row.get("cppv_cp_plan_id" if cp else "clav_cla_id"), "missed_visit_id": visit,
                      "missed_due_date": row.get("cppv_cp_visit_date" if cp else "clav_cla_visit_date"),
                      "missed_reason": reason}  # fmt: skip
            if codes_read(load, load_schema().table("cscperf_visit_missed"), missed, extra, location):
                load.add("cscperf_visit_missed", missed, location)
        return
    for kind, prefix in (("senior_manager_review", "senior_review"), ("legal_planning_meeting", "legal_planning")):
        try:
            held = read_date(extra.get(f"cppl_cp_plan_{prefix}_date"))
        except BadValue as exc:
            load.flag(Problem(location, "date not valid", f"cppl_cp_plan_{prefix}_date: {exc}; not loaded.",
                              "warning", "cscperf_cp_oversight", f"cppl_cp_plan_{prefix}_date",
                              str(extra.get(f"cppl_cp_plan_{prefix}_date"))[:200]))  # fmt: skip
            continue
        if held is None or row.get("cppl_cp_plan_id") is None:
            continue
        record = {"oversight_id": f"{row['cppl_cp_plan_id']}:{kind}:{held.isoformat()}",
                  "oversight_person_id": row.get("cppl_person_id"), "oversight_cp_plan_id": row["cppl_cp_plan_id"],
                  "oversight_type": kind, "oversight_date": held,
                  "oversight_outcome": read_text(extra.get(f"cppl_cp_plan_{prefix}_outcome"))}  # fmt: skip
        if codes_read(load, load_schema().table("cscperf_cp_oversight"), record, extra, location):
            load.add("cscperf_cp_oversight", record, location)
