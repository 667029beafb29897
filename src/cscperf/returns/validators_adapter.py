"""Run the DfE's validation rules (the community validators csc-validator-be-cin and csc-validator-be-903) on a
return and write what they find as JSON. cscperf never imports this module: it runs inside the validators' own
virtual environment (`.venv-validators`, built by `make validators`, with the numpy and pandas those packages
pin) as a subprocess:

    .venv-validators/bin/python validators_adapter.py cin --year 2025 --out result.json FILE.xml
    .venv-validators/bin/python validators_adapter.py 903 --year 2025 --out result.json [--la-ons E06000031]
        [--la-name NAME] FILE...

The JSON: {"package", "version", "ruleset", "rules_run", "not_run": [{"rule", "why"}],
"failures": [{"rule", "child", "table", "field", "value", "message", "location"}]}.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import logging
import re
import sys
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

# Rules of the 903 validator that need the council's ONS code (in or out of area, the council's own provision).
NEEDS_LA_CODE = ("1015", "179", "229", "241", "411", "503J")
FIRST_RULESET = 2023  # the earliest year the validators carry rules for (2022-23)


def _ruleset(prefix: str, year: int, package: str) -> tuple[str, str]:
    """The validator's rule set for the collection year, or the nearest one it has (and why)."""
    available = sorted(
        int(p.name[len(prefix) : len(prefix) + 4]) + 1
        for folder in importlib.import_module(package).__path__
        for p in Path(folder).glob(f"{prefix}20??_??")
    )
    chosen = min(max(year, available[0]), available[-1])
    note = (
        ""
        if chosen == year
        else f"no rules for {year - 1}-{year % 100:02d}; the {chosen - 1}-{chosen % 100:02d} rules ran"
    )
    return f"{prefix}{chosen - 1}_{chosen % 100:02d}", note


def _cin_location(row: dict[str, object]) -> str:
    """Where a CIN rule failed, in the return's own terms ("ChildIdentifiers of child P10"): the validator's row
    number counts its own flattened tables from 0, which no one reading the return could find."""
    table, child = _text(row.get("tables_affected")), _text(row.get("LAchildID"))
    return f"{table} of child {child}" if child else table or "the whole return"


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "" if text in ("nan", "NaT", "None", "<NA>") else text


def run_cin(path: Path, year: int) -> dict[str, Any]:
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator

    name, note = _ruleset("cin", year, "cin_validator.rules")
    registry = importlib.import_module(f"cin_validator.rules.{name}").registry
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        root = ET.parse(path).getroot()
        data = cin_validator.process_data(cin_validator.convert_data(root))
        validator = cin_validator.CinValidator(data, registry)
    failed = re.findall(r"Error with rule (\S+): (.*)", captured.getvalue())
    failures = []
    report = validator.user_report
    for row in report.to_dict("records") if len(report) else []:
        failures.append(
            {
                "rule": _text(row.get("rule_code")),
                "child": _text(row.get("LAchildID")),
                "table": _text(row.get("tables_affected")),
                "field": _text(row.get("columns_affected")),
                "value": _text(row.get("value_flagged")),
                "message": _text(row.get("rule_description")),
                "location": _cin_location(row),
            }
        )
    for row in validator.multichild_issues.drop_duplicates().to_dict("records"):
        failures.append(
            {
                "rule": _text(row.get("rule_code")),
                "child": "",
                "table": "",
                "field": "",
                "value": "",
                "message": _text(row.get("rule_description")),
                "location": "the whole return",
            }
        )
    return {
        "package": "csc-validator-be-cin",
        "version": metadata.version("csc-validator-be-cin"),
        "ruleset": name,
        "ruleset_note": note,
        "rules_run": len(registry),
        "not_run": [{"rule": code, "why": f"the rule itself failed: {why.strip()[:200]}"} for code, why in failed],
        "failures": failures,
    }


def _la_ons(la_ons: str | None, la_name: str | None) -> str | None:
    if la_ons:
        return la_ons
    if not la_name:
        return None
    import qlacref_authorities

    wanted = re.sub(r"[^a-z]", "", la_name.lower().replace("&", "and"))
    for record in qlacref_authorities.records:
        if re.sub(r"[^a-z]", "", str(record["UTLA21NM"]).lower().replace("&", "and")) == wanted:
            return str(record["UTLA21CD"])
    return None


def run_903(paths: list[Path], year: int, la_ons: str | None, la_name: str | None) -> dict[str, Any]:
    logging.disable(logging.CRITICAL)
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        from lac_validator import lac_validator
        from lac_validator.report import Report

        name, note = _ruleset("lac", year, "lac_validator.rules")
        registry = importlib.import_module(f"lac_validator.rules.{name}").registry
        code = _la_ons(la_ons, la_name)
        not_run = []
        selected = None
        if code is None:
            selected = [str(c) for c in registry if str(c) not in NEEDS_LA_CODE]
            not_run = [
                {
                    "rule": c,
                    "why": "needs the council's ONS code, found from its name (import the comparators with "
                    "`cscperf benchmarks import`, or give `cscperf validate --la-name NAME`)",
                }
                for c in NEEDS_LA_CODE
                if c in {str(k) for k in registry}
            ]
        files = [{"name": p.name, "file_content": p.read_bytes(), "description": "This year"} for p in paths]
        validator = lac_validator.LacValidator(
            metadata={"collectionYear": str(year), "localAuthority": code or "E99999999"},
            files=files,
            registry=registry,
            selected_rules=selected,
        )
        _name_every_child_column(validator.ds_results)
        report = Report(validator.ds_results, registry)
        issues = lac_validator.create_issue_df(report.report, report.error_report) if _any_error(report) else None
    failures = []
    tables = validator.ds_results
    for row in issues.to_dict("records") if issues is not None else []:
        table, field, row_id = _text(row.get("tables_affected")), _text(row.get("columns_affected")), row.get("row_id")
        value = ""
        frame = tables.get(table)
        if frame is not None and field in frame.columns and row_id in frame.index:
            value = _text(frame.at[row_id, field])
        failures.append(
            {
                "rule": _text(row.get("rule_code")),
                "child": _text(row.get("child_id")),
                "table": table,
                "field": field,
                "value": value,
                "message": _text(row.get("rule_description")),
                "location": f"{table} row {int(row_id) + 2 if isinstance(row_id, int) else _text(row_id)}",
            }
        )
    not_run += [{"rule": str(c), "why": "the rule itself failed on this data"} for c in validator.fails]
    return {
        "package": "csc-validator-be-903",
        "version": metadata.version("csc-validator-be-903"),
        "ruleset": name,
        "ruleset_note": note,
        "rules_run": len(validator.dones),
        "rules_skipped_for_missing_tables": len(validator.skips),
        "not_run": not_run,
        "failures": failures,
    }


def _name_every_child_column(tables: dict[str, Any]) -> None:
    """A table the return has no records for reaches the validator's report without a CHILD column when read
    from XML (an XML return with no AD1, placed-for-adoption or previous-permanence details), and the report
    stops on it; an empty table is given the column, so the rest of the report is made."""
    for name, frame in tables.items():
        if name != "metadata" and hasattr(frame, "columns") and "CHILD" not in frame.columns and len(frame) == 0:
            frame["CHILD"] = []


def _any_error(report: Any) -> bool:
    return bool(report.error_cols) and bool(report.report[report.error_cols].fillna(False).to_numpy().any())


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("kind", choices=("cin", "903"))
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--la-ons")
    parser.add_argument("--la-name")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.kind == "cin":
        result = run_cin(args.files[0], args.year)
    else:
        result = run_903(args.files, args.year, args.la_ons, args.la_name)
    args.out.write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
