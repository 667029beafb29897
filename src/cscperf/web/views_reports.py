"""The committee report for a chosen month: written by the same function as `cscperf report`, one format at a
time, and downloaded. Members get the paper (Word, PDF, HTML); the Excel figures are for staff."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cscperf.report.commentary import read_commentary
from cscperf.report.writer import FILE_NAMES, write_report
from cscperf.web.access import Access, NotAllowed
from cscperf.web.figures import report_config
from cscperf.web.pages import BadRequest, councils_of, guarded, scope_of
from cscperf.web.store import store_target
from cscperf.web.views import XLSX, _config, _download

FORMAT_WORDS = {
    "pdf": "PDF (for print)",
    "docx": "Word (to edit)",
    "html": "Web page (accessible HTML)",
    "xlsx": "Excel (every series, for analysts)",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": XLSX,
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _formats(access: Access) -> list[str]:
    wanted = ["pdf", "docx", "html", "xlsx"]
    return [f for f in wanted if f != "xlsx" or access.can("download_report_data")]


@guarded("write_reports")
def reports_view(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method == "POST":
        return _write(request, access)
    scope = scope_of(request, access, team_allowed=False)
    council = next(c for c in councils_of(access) if c.la_code == scope.la_code)
    return render(
        request,
        "web/reports.html",
        {
            "scope": scope,
            "months": council.month_ends(),
            "formats": [(f, FORMAT_WORDS[f]) for f in _formats(access)],
            "access": access,
            "councils": councils_of(access),
        },
    )


def _write(request: HttpRequest, access: Access) -> HttpResponse:
    fmt = request.POST.get("format", "")
    if fmt not in _formats(access):
        if fmt in FORMAT_WORDS:
            raise NotAllowed("the report's Excel figures")
        raise BadRequest("Choose one of the formats listed.")
    la = request.POST.get("la", "")
    council = next((c for c in councils_of(access) if c.la_code == la), None)
    if council is None:
        raise NotAllowed("that council's report")
    try:
        when = dt.date.fromisoformat(request.POST.get("as_at", ""))
    except ValueError:
        raise BadRequest("Choose the month to report on.") from None
    if when not in council.month_ends():
        raise BadRequest("There are no figures for that month.")
    config = report_config(_config())
    commentary = read_commentary(config.report.commentary)
    with tempfile.TemporaryDirectory(prefix="cscperf-report-") as folder:
        written = write_report(
            Path(store_target()), when, Path(folder), config, commentary, (fmt,), la=council.la_code, jobs=1
        )
        data = written.paths[fmt].read_bytes()
    name = f"{council.la_code}-{when.isoformat()}-{FILE_NAMES[fmt]}"
    return _download(data, name, CONTENT_TYPES[fmt])
