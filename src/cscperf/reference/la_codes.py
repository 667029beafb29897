"""English councils by their 3-digit DfE (GIAS) code: names, ONS codes, and councils since abolished.

The list (`la_codes.csv`) is public reference data from Get Information about Schools, as collected by
Data to Insight (EnglishLaNameCodes.csv): 153 current councils and 31 replaced by local government
reorganisation, with the year each was replaced. It names a council when the store has no name for it (a
council loaded from its returns, before any published statistics are imported).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class LocalAuthority:
    la_code: str
    name: str
    ons_code: str | None
    abolished: int | None  # the year local government reorganisation replaced it

    @property
    def current(self) -> bool:
        return self.abolished is None


@cache
def local_authorities() -> dict[str, LocalAuthority]:
    """Every council in the list, by its 3-digit code."""
    text = files("cscperf.reference").joinpath("la_codes.csv").read_text(encoding="utf-8")
    return {
        r["la_code"]: LocalAuthority(r["la_code"], r["la_name"], r["ons_code"] or None,
                                     int(r["abolished"]) if r["abolished"] else None)
        for r in csv.DictReader(io.StringIO(text))
    }  # fmt: skip


def is_known(la_code: str) -> bool:
    """Whether `la_code` is a DfE council code (current or former)."""
    return la_code in local_authorities()


def council_name(la_code: str | None, stored: str | None = None) -> str:
    """How to name a council: the name the store holds, else the DfE list's, else "council 123"."""
    if stored is not None and stored.strip():
        return " ".join(_CONTROL.sub(" ", stored).split())  # a name as one line of printable text
    if la_code is None:
        return "the council"
    known = local_authorities().get(la_code)
    return known.name if known is not None else f"council {la_code}"
