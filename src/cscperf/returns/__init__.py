"""Returns out: the Ofsted Annex A, the CIN Census and the SSDA903 written from the store and checked before
they leave (see docs/exporting.md).

Each return is a module that defines `RETURN = ReturnFormat(...)` and is listed in `RETURN_MODULES`; the
command line and any other caller find returns through `return_format(name)`, never a chain of ifs.
"""

from __future__ import annotations

import importlib

from cscperf.errors import UsageProblem
from cscperf.returns.base import ReturnFormat

RETURN_MODULES = (
    "cscperf.returns.annex_a",
    "cscperf.returns.cin_census",
    "cscperf.returns.ssda903",
)


def known_returns() -> dict[str, ReturnFormat]:
    """Every return cscperf writes, by its command-line name."""
    found: dict[str, ReturnFormat] = {}
    for module_name in RETURN_MODULES:
        fmt: ReturnFormat = importlib.import_module(module_name).RETURN
        found[fmt.name] = fmt
    return found


def return_format(name: str) -> ReturnFormat:
    returns = known_returns()
    if name not in returns:
        raise UsageProblem(f"There is no return {name!r}; cscperf writes {', '.join(sorted(returns))}.")
    return returns[name]


def return_for_load_kind(kind: str) -> ReturnFormat | None:
    """The return whose files the loader recognises as `kind` (cscperf_loads.load_kind), if cscperf writes it."""
    return next((f for f in known_returns().values() if f.load_kind == kind), None)
