"""The managers' lists (when the `cscperf.lists` package is installed; see lists_seam)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cscperf.web import audit, exports, lists_seam
from cscperf.web.access import Access
from cscperf.web.figures import Scope
from cscperf.web.pages import client_address, guarded, scope_of, scope_query
from cscperf.web.store import reading
from cscperf.web.views import _download


@guarded("view_lists")
def lists_view(request: HttpRequest, access: Access) -> HttpResponse:
    scope = scope_of(request, access, any_day=True)
    return render(
        request,
        "web/lists.html",
        {"scope": scope, "definitions": lists_seam.definitions(), "access": access, "query": scope_query(scope)},
    )


def _definition(list_id: str) -> lists_seam.ListDefinition:
    found = {d.id: d for d in lists_seam.definitions() or []}
    if list_id not in found:
        raise Http404("No such list")
    return found[list_id]


def _rows(
    request: HttpRequest, access: Access, list_id: str, action: str
) -> tuple[lists_seam.ListDefinition, Scope, tuple[str, ...] | None, list[dict[str, Any]]]:
    definition = _definition(list_id)
    scope = scope_of(request, access, any_day=True)
    teams = access.teams_for_children(scope.team)
    with reading() as con:
        rows = lists_seam.rows(con, list_id, la_code=scope.la_code, as_at=scope.as_at, teams=teams)
    people = {r.get("person_id") or r.get("worker_id") for r in rows}
    audit.record(
        access.username,
        action,
        request.path,
        children=len(people - {None}) or len(rows),
        address=client_address(request),
        detail={
            "list": list_id,
            "la_code": scope.la_code,
            "as_at": scope.as_at.isoformat(),
            "teams": list(teams) if teams else "all",
        },
    )
    return definition, scope, teams, rows


@guarded("view_lists")
def list_view(request: HttpRequest, access: Access, list_id: str) -> HttpResponse:
    definition, scope, teams, rows = _rows(request, access, list_id, "view_list")
    columns = lists_seam.columns(rows)
    table = [[_text(r.get(c)) for c in columns] for r in rows]
    return render(
        request,
        "web/list.html",
        {
            "definition": definition,
            "scope": scope,
            "teams": teams,
            "headings": [lists_seam.heading(c) for c in columns],
            "table": table,
            "count": len(rows),
            "access": access,
            "query": scope_query(scope),
        },
    )


@guarded("export_child_data")
def list_download(request: HttpRequest, access: Access, list_id: str) -> HttpResponse:
    definition, scope, _teams, rows = _rows(request, access, list_id, "download_list")
    columns = lists_seam.columns(rows)
    title = f"{definition.title}: as at {scope.as_at:%-d %B %Y}, {scope.la_name}"
    data = exports.workbook(
        title,
        [(definition.title, [lists_seam.heading(c) for c in columns], [[r.get(c) for c in columns] for r in rows])],
    )
    return _download(data, f"{definition.id}-{scope.as_at.isoformat()}.xlsx")


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return f"{value:%-d %b %Y}"
    return str(value)
