"""The managers' lists (`cscperf.lists`, through lists_seam): the lists with how many are overdue and due for
the reader's teams, one list's children (or workers) and its Excel workbook, and every list in one workbook
with counts per team and worker. A list the data cannot support says "not available" and why; every view or
download of a list is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cscperf.lists import Lists
from cscperf.lists.output import lists_xlsx
from cscperf.lists.results import NOT_ALLOCATED
from cscperf.store.connection import Connection
from cscperf.store.councils import team_names
from cscperf.web import audit, lists_seam
from cscperf.web.access import Access, NotAllowed
from cscperf.web.client_address import client_address
from cscperf.web.figures import CACHE, Scope
from cscperf.web.pages import BadRequest, councils_of, guarded, scope_of, scope_query
from cscperf.web.store import reading, store_version
from cscperf.web.views import _download


def _config() -> str | None:
    return settings.CSCPERF_CONFIG  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Choice:
    """What the query asks for beyond the council and day: the teams (None: every team), one worker, the
    look-ahead in days and the day to compare with."""

    teams: tuple[str, ...] | None
    worker: str | None
    look_ahead_days: int
    since: dt.date | None

    def query(self, scope: Scope) -> str:
        extra = {"worker": self.worker, "look_ahead": str(self.look_ahead_days)}
        return scope_query(scope, **extra, since=self.since.isoformat() if self.since else None)


def _choice(request: HttpRequest, access: Access, scope: Scope, con: Connection) -> Choice:
    teams = access.teams_for_children(scope.team)
    if scope.team is not None and access.can("all_teams") and scope.team not in _team_options(con, access, scope):
        raise BadRequest(f"{scope.la_name} has no team by that name. Choose one from the list.")
    worker = request.GET.get("worker") or None
    if worker is not None and not _worker_known(con, scope.la_code, worker):
        # neither is repeated back: whatever was typed in place of a team or worker is never echoed into a page
        raise BadRequest(f"{scope.la_name} has no worker with that id or name. Choose one from the list.")
    default = default_choice().look_ahead_days
    text = request.GET.get("look_ahead") or ""
    if text and not (text.isdigit() and int(text) <= 366):
        raise BadRequest("The look-ahead is a whole number of days from 0 to 366.")
    since = None
    if request.GET.get("since"):
        try:
            since = dt.date.fromisoformat(request.GET["since"])
        except ValueError:
            raise BadRequest("The date to compare with is not written YYYY-MM-DD.") from None
        if since >= scope.as_at:
            raise BadRequest("The date to compare with must be before the day the list is for.")
    return Choice(teams, worker, int(text) if text else default, since)


def _team_options(con: Connection, access: Access, scope: Scope) -> list[str]:
    if not access.can("all_teams"):
        return list(access.teams)
    return [*team_names(con, scope.la_code), NOT_ALLOCATED]


def _worker_known(con: Connection, la_code: str, worker: str) -> bool:
    return bool(
        con.execute(
            "SELECT 1 FROM ssd_professionals WHERE la_code = ? AND (lower(prof_professional_id) = lower(?) "
            "OR lower(prof_professional_name) = lower(?)) LIMIT 1",
            [la_code, worker, worker],
        ).fetchall()
    )


def _filters(con: Connection, access: Access, scope: Scope, choice: Choice) -> dict[str, Any]:
    council = next(c for c in councils_of(access) if c.la_code == scope.la_code)
    return {
        "councils": councils_of(access),
        "team_options": _team_options(con, access, scope),
        "all_teams_label": "All teams" if access.can("all_teams") else "All your teams",
        "choice": choice,
        "first_day": council.data_start,
        "last_day": council.data_end,
    }


# ------------------------------------------------------------------------------------------------ /lists/
@dataclass(frozen=True)
class Summary:
    """One list on the index: how many are overdue and due for the reader's teams, or why it is not available."""

    info: lists_seam.ListInfo
    available: bool
    reason: str | None
    overdue: int
    due: int
    look_ahead: bool  # whether the list looks ahead (else it has no "due")


@guarded("view_lists")
def lists_view(request: HttpRequest, access: Access) -> HttpResponse:
    scope = scope_of(request, access, any_day=True, team_checked=False)
    context: dict[str, Any] = {"scope": scope, "access": access, "definitions": lists_seam.definitions()}
    with reading() as con:
        try:
            choice = _choice(request, access, scope, con)
        except NotAllowed:
            if access.teams or scope.team:
                raise
            # a manager with no team: the lists are named, but none can be opened
            return render(request, "web/lists.html", {**context, "no_team": True, "query": scope_query(scope)})
        context.update(_filters(con, access, scope, choice))
        summaries, workers = summaries_for(con, scope, choice)
    return render(
        request,
        "web/lists.html",
        {
            **context,
            "summaries": summaries,
            "worker_options": workers,
            "teams": choice.teams,
            "query": choice.query(scope),
        },
    )


def summaries_for(con: Connection, scope: Scope, choice: Choice) -> tuple[list[Summary], list[tuple[str, str]]]:
    """Each list's counts for these teams (and the workers on the lists), computed once per store state and
    kept like the figures: counts only, never a child."""
    key = ("lists", store_version(), _config(), scope, choice)
    return CACHE.get(key, lambda: _summaries(con, scope, choice))


def default_choice(teams: tuple[str, ...] | None = None) -> Choice:
    """No worker, the configured look-ahead, no day to compare with."""
    return Choice(teams, None, lists_seam.settings_for(_config())[1].look_ahead_days, None)


def _summaries(con: Connection, scope: Scope, choice: Choice) -> tuple[list[Summary], list[tuple[str, str]]]:
    everyone = lists_seam.all_lists(con, la_code=scope.la_code, as_at=scope.as_at, teams=choice.teams, worker=None,
                                    look_ahead_days=choice.look_ahead_days, config=_config())  # fmt: skip
    shown = lists_seam.restricted(everyone, choice.teams, choice.worker)
    info = {d.id: d for d in lists_seam.definitions()}
    summaries = [
        Summary(info[r.id], r.available, r.reason, r.count("overdue"), r.count("due"), bool(r.definition.look_ahead))
        for r in shown.results
    ]
    return summaries, lists_seam.workers_in(everyone)


# ------------------------------------------------------------------------------------------------ one list
def _definition(list_id: str) -> lists_seam.ListInfo:
    found = {d.id: d for d in lists_seam.definitions()}
    if list_id not in found:
        raise Http404("No such list")
    return found[list_id]


@dataclass(frozen=True)
class Asked:
    definition: lists_seam.ListInfo
    scope: Scope
    choice: Choice
    lists: Lists | None  # None when the list is not available
    reason: str | None  # why not, when it is not available
    workers: list[tuple[str, str]]
    filters: dict[str, Any]


def _asked(request: HttpRequest, access: Access, list_id: str, action: str) -> Asked:
    """Compute the list the query asks for, and write the audit record of this view or download."""
    definition = _definition(list_id)
    scope = scope_of(request, access, any_day=True, team_checked=False)
    with reading() as con:
        choice = _choice(request, access, scope, con)
        filters = _filters(con, access, scope, choice)
        lists, reason, workers = None, None, []
        try:
            everyone = lists_seam.one_list(
                con, list_id, la_code=scope.la_code, as_at=scope.as_at, teams=choice.teams, worker=None,
                look_ahead_days=choice.look_ahead_days, since=choice.since, config=_config(),
            )  # fmt: skip
        except lists_seam.ListNotAvailable as exc:
            reason = str(exc)
        else:
            workers = lists_seam.workers_in(everyone)
            lists = lists_seam.restricted(everyone, choice.teams, choice.worker)
    result = lists.results[0] if lists is not None else None
    audit.record(
        access.username,
        action,
        request.path,
        children=lists_seam.children_in(result) if result is not None else 0,
        address=client_address(request),
        detail={
            "list": list_id,
            **_filter_detail(scope, choice),
            **({"not_available": reason} if reason else {"rows": len(result.rows) if result else 0}),
        },
    )
    return Asked(definition, scope, choice, lists, reason, workers, filters)


def _filter_detail(scope: Scope, choice: Choice) -> dict[str, Any]:
    """The audit record's what: council, day, teams, worker, look-ahead and compare-with day."""
    return {
        "la_code": scope.la_code,
        "as_at": scope.as_at.isoformat(),
        "teams": list(choice.teams) if choice.teams else "all",
        **({"worker": choice.worker} if choice.worker else {}),
        "look_ahead_days": choice.look_ahead_days,
        **({"since": choice.since.isoformat()} if choice.since else {}),
    }


@guarded("view_lists")
def list_view(request: HttpRequest, access: Access, list_id: str) -> HttpResponse:
    asked = _asked(request, access, list_id, "view_list")
    return _page(request, access, asked)


def _page(request: HttpRequest, access: Access, asked: Asked) -> HttpResponse:
    result = asked.lists.results[0] if asked.lists is not None else None
    return render(
        request,
        "web/list.html",
        {
            **asked.filters,
            "definition": asked.definition,
            "scope": asked.scope,
            "teams": asked.choice.teams,
            "result": result,
            "shown": lists_seam.shown(result) if result is not None else None,
            "reason": asked.reason,
            "worker_options": asked.workers,
            "access": access,
            "query": asked.choice.query(asked.scope),
            "index_query": asked.choice.query(asked.scope),
            "horizon": asked.scope.as_at + dt.timedelta(days=asked.choice.look_ahead_days),
            "hide_look_ahead": result is not None and not result.definition.look_ahead,
        },
    )


@guarded("export_child_data")
def list_download(request: HttpRequest, access: Access, list_id: str) -> HttpResponse:
    asked = _asked(request, access, list_id, "download_list")
    if asked.lists is None:  # nothing to download: the page says why
        return _page(request, access, asked)
    data = lists_xlsx(asked.lists)
    return _download(data, f"{asked.definition.id}-{asked.scope.as_at.isoformat()}.xlsx")


@guarded("export_child_data")
def lists_download(request: HttpRequest, access: Access) -> HttpResponse:
    """Every list in one workbook, with the counts per team and worker (`cscperf lists --by team --format
    xlsx`): the weekly file for a head of service. A list the data cannot support says so on its sheet."""
    scope = scope_of(request, access, any_day=True, team_checked=False)
    with reading() as con:
        choice = _choice(request, access, scope, con)
        lists = lists_seam.restricted(
            lists_seam.computed(con, la_code=scope.la_code, as_at=scope.as_at, look_ahead_days=choice.look_ahead_days,
                                since=choice.since, config=_config()),
            choice.teams, choice.worker,
        )  # fmt: skip
    audit.record(
        access.username,
        "download_lists",
        request.path,
        children=lists_seam.children_in_all(lists),
        address=client_address(request),
        detail={"lists": "all", **_filter_detail(scope, choice)},
    )
    return _download(lists_xlsx(lists, with_summary=True), f"lists-{scope.as_at.isoformat()}.xlsx")
