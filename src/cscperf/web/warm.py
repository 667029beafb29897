"""Compute the figures people open first, before the workers start (and so before anyone asks)."""

from __future__ import annotations

import dataclasses

from django.conf import settings

from cscperf.errors import CscperfError
from cscperf.store.councils import councils
from cscperf.web.figures import Scope, dashboard
from cscperf.web.store import open_reader, reading, store_version


def warm_dashboards() -> int:
    """Each council's latest-month dashboard; returns how many were computed."""
    with reading() as con:
        found = councils(con)
    done = 0
    for council in found:
        months = council.month_ends()
        if not months:
            continue
        scope = Scope(council.la_code, council.la_name, months[0])
        try:
            dashboard(open_reader, store_version(), dataclasses.replace(scope), settings.CSCPERF_CONFIG)
        except CscperfError:
            continue
        done += 1
    return done
