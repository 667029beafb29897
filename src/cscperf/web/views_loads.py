"""Uploads (analysts): files go through the same loader as `cscperf load`, all or nothing, with every
rejected record kept and explained; the loads so far and each load's problems."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cscperf.errors import CscperfError
from cscperf.loading.history import (
    REJECT_COLUMNS,
    identifiers_of_kinds,
    load_history,
    problems_by_rule,
    rejected_records,
)
from cscperf.loading.load_summary import LoadSummary
from cscperf.loading.session import load_files
from cscperf.store.connection import Connection
from cscperf.web import audit, exports
from cscperf.web.access import Access
from cscperf.web.client_address import client_address
from cscperf.web.figures import CACHE
from cscperf.web.pages import BadRequest, guarded
from cscperf.web.store import reading, writing
from cscperf.web.views import _download


@guarded("load_data")
def loads_view(request: HttpRequest, access: Access) -> HttpResponse:
    try:
        summary = _upload(request, access) if request.method == "POST" else None
    except CscperfError as exc:  # the files were refused: said on a page that leads back to the loads
        return render(request, "web/problem.html", {"title": "The files were not loaded", "message": str(exc),
                                                    "back": ("/loads/", "Back to loads")}, status=400)  # fmt: skip
    with reading() as con:
        history = _loads_of(con, access)
    return render(
        request,
        "web/loads.html",
        {
            "history": history,
            "summary": summary,
            "access": access,
            "limit_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


def _upload(request: HttpRequest, access: Access) -> LoadSummary:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.UPLOAD_MAX_BYTES:  # also refused, unread, by UploadLimitMiddleware
        raise BadRequest(
            f"The files are larger than the {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB this "
            "service accepts at once. Load them in smaller groups, or with `cscperf load`."
        )
    files = request.FILES.getlist("files")
    if not files:
        raise BadRequest("Choose one or more files to upload.")
    with tempfile.TemporaryDirectory(prefix="cscperf-upload-") as folder:
        paths = []
        for n, upload in enumerate(files):
            name = Path(upload.name or f"file-{n}").name or f"file-{n}"
            path = Path(folder) / f"{n:03d}" / name  # a folder each: the file keeps its own name in what is said
            path.parent.mkdir()
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            paths.append(path)
        with writing() as con:
            summary = load_files(con, paths, la_code=access.la_code)
    CACHE.clear()
    audit.record(
        access.username,
        "load",
        request.path,
        address=client_address(request),
        detail={"files": len(paths), "records_read": sum(f.read for f in summary.files)},
    )
    return summary


def _loads_of(con: Connection, access: Access) -> list[dict[str, Any]]:
    """The loads the user may see (their council's, when they have one), newest first."""
    found = [r for r in load_history(con) if access.la_code is None or r["la_code"] == access.la_code]
    return list(reversed(found))


def _own_load(access: Access, load_id: str) -> dict[str, object]:
    with reading() as con:
        found = [r for r in _loads_of(con, access) if r["load_id"] == load_id]
    if not found:
        raise Http404("No such load")
    return found[0]


@guarded("load_data")
def load_view(request: HttpRequest, access: Access, load_id: str) -> HttpResponse:
    load = _own_load(access, load_id)
    with reading() as con:
        problems = problems_by_rule(con, load_id)
    held = identifiers_of_kinds({str(load["load_kind"])})  # a workforce census's records name social workers
    return render(request, "web/load.html", {"load": load, "problems": problems, "access": access, "held": held})


@guarded("load_data")
def rejects_download(request: HttpRequest, access: Access, load_id: str) -> HttpResponse:
    load = _own_load(access, load_id)
    with reading() as con:
        rows = rejected_records(con, load_id=load_id)
    held = identifiers_of_kinds({str(load["load_kind"])})
    audit.record(
        access.username,
        "download_rejects",
        request.path,
        address=client_address(request),
        children=None,
        detail={"load": load_id, "records": len(rows)},
    )
    data = exports.workbook(
        f"Rejected and questioned records of load {load_id}",
        [("Problems", REJECT_COLUMNS, rows)],
        banner=exports.WORKER_IDENTIFIERS if held == "worker identifiers" else exports.CHILD_IDENTIFIERS,
    )
    return _download(data, f"rejects-{load_id}.xlsx")
