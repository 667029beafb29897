"""Which council a file's records are for.

A file that names its council (the CIN Census's and the workforce census's `Source/LEA`, an SSD extract's
`la_code` column) is loaded as that council. `--la` is for files that do not (SSDA903 tables and returns,
Annex A workbooks, extracts without `la_code`), and otherwise the store's only council is assumed. A file that
names one council while `--la` names another is refused with both codes: relabelling a council's records as
another's would be silent corruption. A council code is 3 digits and a council the DfE lists
(`cscperf.reference.la_codes`), or one the store already holds (a synthetic council's 001).
"""

from __future__ import annotations

import re

from cscperf.errors import UsageProblem
from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem
from cscperf.reference.la_codes import council_name, is_known
from cscperf.store.connection import Connection

_CODE = re.compile(r"\d{3}")


def code_problem(code: str, held: frozenset[str] = frozenset()) -> str | None:
    """Why `code` is not a council's code, or None if it is."""
    if not _CODE.fullmatch(code):
        return f"{code[:20]!r} is not a council's 3-digit DfE code"
    if not is_known(code) and code not in held:
        return f"{code} is not a council in the DfE's list of council codes"
    return None


def councils_held(con: Connection) -> frozenset[str]:
    return frozenset(str(r[0]) for r in con.execute("SELECT la_code FROM cscperf_councils").fetchall())


def check_given(code: str | None, held: frozenset[str]) -> None:
    """`--la`, refused (the command used wrongly) when it is not a council's code."""
    if code is None:
        return
    problem = code_problem(code, held)
    if problem is not None:
        raise UsageProblem(f"--la {code[:20]}: {problem}, such as 874 for Peterborough.")


def named_in_file(load: FileLoad, code: str, location: str, field: str, held: frozenset[str] = frozenset()) -> None:
    """The council a file names (in its header): the load's council, or, if it is not a council's code, an
    error saying so (the file then counts as naming none). A second header naming another council refuses the
    file: its records could not be told apart."""
    problem = code_problem(code, held)
    if problem is not None:
        load.flag(Problem(location, "LA code not valid", f"{field}: {problem}; give the council's code with --la.",
                          "error", None, field, code[:20]))  # fmt: skip
        load.details.setdefault("council_code_not_valid", field)  # the field only: a damaged file may hold anything
        return
    said = load.details.get("council_in_file")
    if said is not None and said != code:
        load.fail(f"names two councils in its headers ({said} and {code}); a return is one council's. Split it, or "
                  "correct the header that is wrong.")  # fmt: skip
    load.details["council_in_file"] = code
    load.la_code = code


def settle(load: FileLoad, given: str | None, fallback: str | None) -> None:
    """The load's council once the file is read: the one the file names (which `--la` may not contradict),
    else `--la`, else the store's only council."""
    said = load.details.get("council_in_file")
    if said is not None:
        if given is not None and given != said:
            load.fail(
                f"says it is from council {said} ({council_name(said)}), but --la {given} ({council_name(given)}) was "
                "given. --la is only for files that do not say which council they are from: load this file without "
                "--la, or check that it is the right council's file."
            )
        load.la_code = said
        return
    load.la_code = given or fallback
    if load.la_code is None and load.details.get("council_code_not_valid"):
        load.fail(f"names its council wrongly: its {load.details['council_code_not_valid']} is not a council's "
                  "3-digit DfE code. Correct the header, or give the council's code with --la.")  # fmt: skip
    if load.la_code is None:
        load.fail("does not say which council it is from. Give the 3-digit code with --la.")
