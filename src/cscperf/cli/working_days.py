"""`cscperf working-days`: England & Wales working days between two dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from cscperf.cli.console import say
from cscperf.cli.options import DATE_SPELLINGS, as_at_date
from cscperf.errors import UsageProblem


def working_days(
    start: Annotated[
        dt.date, typer.Argument(parser=as_at_date, metavar="START", help=f"First date ({DATE_SPELLINGS}): day 0.")
    ],
    end: Annotated[dt.date, typer.Argument(parser=as_at_date, metavar="END", help=f"Second date ({DATE_SPELLINGS}).")],
) -> None:
    """Count England & Wales working days between two dates (the start date is day 0)."""
    from cscperf.working_days import working_days_between

    try:
        n = working_days_between(start, end)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    say(f"{n} working day{'s' if abs(n) != 1 else ''} from {start} to {end} (start date = day 0).")
