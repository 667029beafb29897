"""Which councils a command works on: the ones asked for, checked against the store, or the store's only one."""

from __future__ import annotations

from cscperf.errors import DataProblem, UsageProblem
from cscperf.reference.la_codes import council_name
from cscperf.store.connection import Connection


def council_codes(con: Connection) -> list[str]:
    """The councils the store holds, by DfE code."""
    return [str(r[0]) for r in con.execute("SELECT la_code FROM cscperf_councils ORDER BY la_code").fetchall()]


def council_names(con: Connection) -> dict[str, str]:
    """Each council's name: as the store holds it, else from the DfE's code list."""
    rows = con.execute("SELECT la_code, la_name FROM cscperf_councils ORDER BY la_code").fetchall()
    return {str(code): council_name(str(code), name) for code, name in rows}


def _listed(codes: list[str]) -> str:
    return ", ".join(codes[:10]) + (" ..." if len(codes) > 10 else "")


def chosen_councils(con: Connection, wanted: list[str] | None) -> list[str]:
    """The councils asked for (each must be in the store), or the store's one council when none is asked for."""
    codes = council_codes(con)
    if not codes:
        raise DataProblem("The store holds no councils yet: create one with `cscperf synth` or `cscperf load`.")
    if wanted:
        missing = [code for code in dict.fromkeys(wanted) if code not in codes]
        if missing:
            raise UsageProblem(f"The store holds no council {missing[0]}; it holds {_listed(codes)}.")
        return list(dict.fromkeys(wanted))
    if len(codes) > 1:
        raise UsageProblem(f"The store holds {len(codes)} councils ({_listed(codes)}); choose one with --la.")
    return codes
