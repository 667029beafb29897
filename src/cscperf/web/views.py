"""The dashboard, an indicator's page and the children behind its latest figure. Each view checks the role,
calls the figures' builders (the library functions the CLI and report use) and renders a template."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cscperf.disclosure import DisclosurePolicy
from cscperf.indicators.definition import Indicator, load_library
from cscperf.web import audit, exports
from cscperf.web.access import Access
from cscperf.web.client_address import client_address
from cscperf.web.figures import (
    CACHE,
    CHILD_COLUMNS,
    CHILD_HEADINGS,
    CHILDRENS_DIMENSIONS,
    Dashboard,
    Scope,
    children,
    dashboard,
    for_members,
    indicator_page,
    reader_options,
)
from cscperf.web.pages import BadRequest, councils_of, guarded, scope_of, scope_query
from cscperf.web.sparkline import sparkline
from cscperf.web.store import open_reader, store_version


def _config() -> str | None:
    return settings.CSCPERF_CONFIG  # type: ignore[no-any-return]


def _policy() -> DisclosurePolicy:
    return DisclosurePolicy(threshold=settings.CSCPERF_SUPPRESSION)


def _board(scope: Scope) -> Dashboard:
    try:
        return dashboard(open_reader, store_version(), scope, _config())
    except LookupError:
        raise BadRequest("The store has no figures for that team in these months.") from None


@guarded("view_figures")
def dashboard_view(request: HttpRequest, access: Access) -> HttpResponse:
    scope = scope_of(request, access, team_allowed=not access.suppressed)
    board = _board(scope)
    member_policy = _policy() if access.suppressed else None
    if member_policy is not None:
        board = for_members(board, member_policy)

    def tables() -> str:  # the same for every reader of a kind, so drawn once
        rows = [(title, [(f, sparkline(f)) for f in figures]) for title, figures in board.groups()]
        context = {"groups": rows, "query": scope_query(scope), "member_policy": member_policy}
        return render_to_string("web/_dashboard_tables.html", context)

    key = ("dashboard-tables", store_version(), _config(), scope, member_policy)
    html = mark_safe(CACHE.get(key, tables))  # drawn by our own template, which escapes
    return render(
        request,
        "web/dashboard.html",
        {
            "scope": scope,
            "board": board,
            "tables": html,
            "access": access,
            "councils": councils_of(access),
            "months": next(c for c in councils_of(access) if c.la_code == scope.la_code).month_ends(),
            "query": scope_query(scope),
        },
    )


def _indicator(indicator_id: str) -> Indicator:
    indicator = load_library().get(indicator_id)
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


@guarded("view_figures")
def indicator_view(request: HttpRequest, access: Access, indicator_id: str) -> HttpResponse:
    indicator = _indicator(indicator_id)
    scope = scope_of(request, access, team_allowed=not access.suppressed)
    policy, dimensions = reader_options(access.suppressed, settings.CSCPERF_SUPPRESSION)
    if scope.team is not None:
        dimensions = ()  # a team's figure is not broken down further (yet)
    if indicator.section == "workforce":  # posts and workers have no age band, sex or ethnicity of children
        dimensions = tuple(d for d in dimensions if d not in CHILDRENS_DIMENSIONS)
    page = indicator_page(open_reader, store_version(), scope, indicator.id, _config(), policy, dimensions)
    return render(
        request,
        "web/indicator.html",
        {
            "scope": scope,
            "page": page,
            "indicator": indicator,
            "access": access,
            "query": scope_query(scope),
            "policy": _policy(),
            "figures": page.figures,
            "member_policy": _policy() if access.suppressed else None,
        },
    )


@guarded("view_children")
def children_view(request: HttpRequest, access: Access, indicator_id: str) -> HttpResponse:
    indicator = _indicator(indicator_id)
    scope = scope_of(request, access)
    teams = access.teams_for_children(scope.team)
    found = children(open_reader, scope, indicator.id, _config(), teams)
    audit.record(
        access.username,
        "view_children",
        request.path,
        children=found.children,
        address=client_address(request),
        detail=_detail(scope, indicator.id, teams),
    )
    rows = [[_cell(r, c) for c in CHILD_COLUMNS] for r in found.rows]
    return render(
        request,
        "web/children.html",
        {
            "scope": scope,
            "indicator": indicator,
            "found": found,
            "rows": rows,
            "headings": CHILD_HEADINGS,
            "access": access,
            "query": scope_query(scope),
            "teams": teams,
        },
    )


@guarded("export_child_data")
def children_download(request: HttpRequest, access: Access, indicator_id: str) -> HttpResponse:
    indicator = _indicator(indicator_id)
    scope = scope_of(request, access)
    teams = access.teams_for_children(scope.team)
    found = children(open_reader, scope, indicator.id, _config(), teams)
    audit.record(
        access.username,
        "download_children",
        request.path,
        children=found.children,
        address=client_address(request),
        detail=_detail(scope, indicator.id, teams),
    )
    title = f"{indicator.title}: {found.period_label}, {scope.la_name}"
    rows = [[r.get(c) for c in CHILD_COLUMNS] for r in found.rows]
    banner = exports.CHILD_IDENTIFIERS if found.holds_children else exports.WORKER_IDENTIFIERS
    data = exports.workbook(title, [(indicator.title, CHILD_HEADINGS, rows)], banner=banner)
    return _download(data, f"{indicator.id}-{scope.as_at.isoformat()}-children.xlsx")


def _detail(scope: Scope, indicator_id: str, teams: tuple[str, ...] | None) -> dict[str, object]:
    return {
        "indicator": indicator_id,
        "la_code": scope.la_code,
        "as_at": scope.as_at.isoformat(),
        "teams": list(teams) if teams else "all",
    }


def _cell(row: dict[str, object], column: str) -> str:
    value = row.get(column)
    if column == "in_numerator":
        return "Yes" if value else "No"
    return "" if value is None else str(value)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, name: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
