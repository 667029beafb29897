"""What a load command checks before reading (its options) and once each file is read (its council and
collection year), so that no file's records are labelled with a council or a year they cannot have.
"""

from __future__ import annotations

from cscperf.errors import UsageProblem
from cscperf.loading import councils
from cscperf.loading.file_load import FileLoad
from cscperf.loading.years import year_problem
from cscperf.store.connection import Connection


def check_options(con: Connection, la_code: str | None, year: int | None) -> None:
    """`--la` must be a council's code and `--year` a year a return can be for (the command used wrongly
    otherwise: nothing is read)."""
    check_year(year)
    councils.check_given(la_code, councils.councils_held(con))


def check_year(year: int | None) -> None:
    """`--year`, refused when no return can be for it (before a store is even opened)."""
    if year is not None and (why := year_problem(year)):
        raise UsageProblem(f"--year {year}: {why}. It is the year ending 31 March the return is for (2024 for "
                           "2023-24), or the year of a workforce census's 30 September.")  # fmt: skip


def settle_read_file(load: FileLoad, la_code: str | None, default_la: str | None, year: int | None) -> None:
    """The file's council (its own, which --la may not contradict; else --la; else the store's only council)
    and collection year (--year, else the file's own, which must be one a return can be for)."""
    councils.settle(load, la_code, default_la)
    if year is not None:
        load.collection_year = year
        load.details["year_given"] = True
        load.details["collection_year_from"] = "given with --year"
    elif load.collection_year is not None and (why := year_problem(load.collection_year)):
        load.fail(f"is for {why}. Give the year with --year if the file is right.")
