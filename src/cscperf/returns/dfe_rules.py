"""The DfE's validation rules, through the community validators councils already run (csc-validator-be-cin and
csc-validator-be-903 on PyPI), so the full rule sets are checked as the DfE changes them.

They pin numpy<1.25 and pandas<2, so they live in their own virtual environment (`make validators` builds
`.venv-validators`) and run as a subprocess (`validators_adapter.py`); cscperf's own environment is never
downgraded. Each failure keeps the DfE rule number, the child, the table and field, and the value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cscperf.returns.failures import CheckOutcome, Failure

CHECK = "DfE rules"
ADAPTER = Path(__file__).with_name("validators_adapter.py")
TIMEOUT_SECONDS = 1800
VENV_NAME = ".venv-validators"


def validators_python() -> Path | None:
    """The validators' Python: $CSCPERF_VALIDATORS (a virtual environment), else .venv-validators in the working
    folder or in the repository cscperf runs from."""
    candidates = []
    if os.environ.get("CSCPERF_VALIDATORS"):
        candidates.append(Path(os.environ["CSCPERF_VALIDATORS"]))
    candidates += [Path.cwd() / VENV_NAME, Path(__file__).resolve().parents[3] / VENV_NAME]
    for venv in candidates:
        python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
        if python.is_file():
            return python
    return None


def available() -> bool:
    return validators_python() is not None


def check_cin(path: Path, year: int | None) -> CheckOutcome:
    if year is None:
        return CheckOutcome(CHECK, False, note="the file does not say its collection year: give --year.")
    return _run("cin", [path], year, [])


def check_903(paths: Sequence[Path], year: int | None, la_ons: str | None, la_name: str | None) -> CheckOutcome:
    if year is None:
        return CheckOutcome(CHECK, False, note="the collection year is not known: give --year.")
    extra = (["--la-ons", la_ons] if la_ons else []) + (["--la-name", la_name] if la_name else [])
    return _run("903", paths, year, extra)


STOPPED = "the DfE validator stopped"
"""How a check that began on a return and failed begins its note (`cscperf validate` then exits 1)."""


def _run(kind: str, paths: Sequence[Path], year: int, extra: list[str]) -> CheckOutcome:
    python = validators_python()
    if python is None:
        return CheckOutcome(
            CHECK, False, note=f"the DfE validators are not installed: `make validators` builds {VENV_NAME}."
        )
    with tempfile.TemporaryDirectory(prefix="cscperf-rules-") as scratch:
        out = Path(scratch) / "result.json"
        command = [str(python), str(ADAPTER), kind, "--year", str(year), "--out", str(out), *extra]
        command += [str(p) for p in paths]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return CheckOutcome(CHECK, False, note=f"{STOPPED} (it did not finish in {TIMEOUT_SECONDS} s).")
        if done.returncode != 0 or not out.is_file():
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            return CheckOutcome(CHECK, False, note=f"{STOPPED} ({_without_data(last)}).")
        result = json.loads(out.read_text(encoding="utf-8"))
    return outcome(result)


def outcome(result: dict[str, Any]) -> CheckOutcome:
    """The adapter's JSON as failures, with a note of which rules ran and which could not."""
    failures = tuple(
        Failure(
            CHECK,
            str(f["rule"]),
            severity(str(f["rule"]), str(f["message"])),
            str(f["child"]),
            str(f["table"]),
            str(f["field"]),
            str(f["value"]),
            str(f["message"]),
            str(f.get("location", "")),
        )
        for f in result["failures"]
    )
    not_run = result.get("not_run", [])
    note = f"{result['package']} {result['version']}, rules {result['ruleset']} ({result['rules_run']} ran)"
    if result.get("ruleset_note"):
        note += f"; {result['ruleset_note']}"
    if not_run:
        reasons: dict[str, list[str]] = {}
        for item in not_run:
            reasons.setdefault(str(item["why"]), []).append(str(item["rule"]))
        note += "; not run: " + "; ".join(f"{', '.join(rules)} ({why})" for why, rules in reasons.items())
    return CheckOutcome(CHECK, True, failures, note=note)


def severity(rule: str, message: str) -> Any:
    """A DfE query (the rule number ends in Q, or the validator calls it a warning) can be explained in COLLECT
    instead of corrected; anything else is an error the DfE rejects."""
    if rule.upper().endswith("Q") or message.upper().startswith("WARNING"):
        return "query"
    return "error"


def _without_data(line: str) -> str:
    """The last line of the validator's error, cut short: it must not carry a child's data to the terminal."""
    return line.split(":", 1)[0][:120]
