"""Compute the figures people open first, before anyone asks: each council's latest-month dashboard (in the
server before its workers start), then every indicator's page for staff and for members, and the managers'
lists' counts as analysts first see them (in a separate process, at low priority, once the service is up),
into the cache the workers share.

    python -m cscperf.web.warm      (with the service's environment; `cscperf serve` starts it)
"""

from __future__ import annotations

import contextlib
import os

from django.conf import settings

from cscperf.errors import CscperfError
from cscperf.indicators.definition import load_library
from cscperf.store.councils import Council, councils
from cscperf.web.figures import Scope, dashboard, indicator_page, reader_options
from cscperf.web.store import open_reader, reading, store_version


def _latest_scopes() -> list[Scope]:
    with reading() as con:
        found: list[Council] = councils(con)
    return [Scope(c.la_code, c.la_name, c.month_ends()[0]) for c in found if c.month_ends()]


def warm_dashboards() -> int:
    """Each council's latest-month dashboard; returns how many were computed."""
    done = 0
    for scope in _latest_scopes():
        try:
            dashboard(open_reader, store_version(), scope, settings.CSCPERF_CONFIG)
        except CscperfError:
            continue
        done += 1
    return done


def warm_indicator_pages() -> int:
    """Every indicator's page for each council's latest month, as staff and as members read it."""
    done = 0
    for scope in _latest_scopes():
        for suppressed in (False, True):
            policy, dimensions = reader_options(suppressed, settings.CSCPERF_SUPPRESSION)
            for indicator_id in load_library():
                try:
                    indicator_page(open_reader, store_version(), scope, indicator_id, settings.CSCPERF_CONFIG,
                                   policy, dimensions)  # fmt: skip
                except CscperfError:
                    break
                done += 1
    return done


def warm_lists() -> int:
    """Each council's lists' counts for every team, as at its last day of data with the configured look-ahead
    (what an analyst's /lists/ shows first)."""
    from cscperf.web.views_lists import default_choice, summaries_for

    with reading() as con:
        found: list[Council] = councils(con)
        done = 0
        for c in found:
            if c.data_end is None:
                continue
            try:
                summaries_for(con, Scope(c.la_code, c.la_name, c.data_end), default_choice())
            except CscperfError:
                continue
            done += 1
    return done


def main() -> None:
    from cscperf.web.config import start_django

    with contextlib.suppress(OSError):
        os.nice(10)  # the pages people are asking for come first
    start_django()
    warm_dashboards()
    warm_indicator_pages()
    warm_lists()


if __name__ == "__main__":
    main()
