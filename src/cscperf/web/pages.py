"""What every page view shares: sign-in and role checks, the scope (council, month, team) read from the
query, the client's address for the audit log, and plain pages for problems instead of tracebacks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

import duckdb
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cscperf.errors import CscperfError
from cscperf.store.councils import Council, councils, team_names
from cscperf.web.access import Access, NotAllowed, access_of
from cscperf.web.figures import CACHE, Scope
from cscperf.web.store import reading, store_version

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, Access, P], HttpResponse]


class BadRequest(Exception):
    """A page asked for something that is not there (a month, a council, a team): a 400 with the reason."""


def guarded(permission: str | None) -> Callable[[View[P]], Callable[Concatenate[HttpRequest, P], HttpResponse]]:
    """Sign-in required; `permission` required when given; problems shown as plain pages."""

    def wrap(view: View[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def run(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = access_of(request.user)
            if permission is not None:
                access.require(permission)
            try:
                return view(request, access, *args, **kwargs)
            except NotAllowed:
                raise
            except BadRequest as exc:
                return problem(request, "This page cannot be shown", str(exc), 400)
            except CscperfError as exc:
                return problem(request, "These figures cannot be shown", str(exc), 400)
            except duckdb.IOException:
                return problem(
                    request,
                    "The data is being updated",
                    "The store is being updated (a load is running). Try again in a minute.",
                    503,
                )

        return run  # type: ignore[return-value]

    return wrap


def problem(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "web/problem.html", {"title": title, "message": message}, status=status)


def all_councils() -> list[Council]:
    version = store_version()

    def build() -> list[Council]:
        with reading() as con:
            return councils(con)

    return CACHE.get(("councils", version), build)


def teams_of(la_code: str) -> tuple[str, ...]:
    """The council's teams, as the store names them (the team pickers offer these)."""
    version = store_version()

    def build() -> tuple[str, ...]:
        with reading() as con:
            return tuple(team_names(con, la_code))

    return CACHE.get(("teams-of", version, la_code), build)


def councils_of(access: Access) -> list[Council]:
    return [c for c in all_councils() if access.la_code is None or c.la_code == access.la_code]


def scope_of(
    request: HttpRequest, access: Access, *, team_allowed: bool = True, any_day: bool = False, team_checked: bool = True
) -> Scope:
    """The council, month and team the query asks for, checked against what the store holds and what the user
    may see; defaults: the user's (or the store's first) council, its last complete month, no team. The lists
    check the team themselves (`team_checked` False): they also offer the children allocated to no team."""
    choices = councils_of(access)
    if not choices:
        raise BadRequest("The store holds no council you can see. Ask an administrator to check your account.")
    wanted = request.GET.get("la") or choices[0].la_code
    council = next((c for c in choices if c.la_code == wanted), None)
    if council is None and access.la_code is None and not any(c.la_code == wanted for c in all_councils()):
        # a code the store does not hold is no question of permission (nor echoed back); a user limited to one
        # council is told 403 whatever the code, so as not to learn which councils the store holds
        raise BadRequest("The store holds no council with that code. Choose one from the list.")
    if council is None:
        raise NotAllowed("that council's figures")
    months = council.month_ends()
    if any_day and council.data_end is not None:  # a list is as at a day: by default the data's last
        as_at = _day(request.GET.get("as_at"), council.data_start, council.data_end)
    elif not months:
        raise BadRequest(f"The store holds no whole month of data for {council.la_name}.")
    else:
        as_at = _month(request.GET.get("as_at"), months)
    team = request.GET.get("team") or None
    if team is not None and not team_allowed:
        raise NotAllowed("figures for one team")
    if team is not None and team_checked and team not in teams_of(council.la_code):
        # what was typed in place of a team is never echoed into a page
        raise BadRequest(f"{council.la_name} has no team by that name. Choose one from the list.")
    return Scope(council.la_code, council.la_name, as_at, team)


def _not_a_date(what: str, text: str) -> str:
    """ "... is not a real date: there is no 2026-02-30", or, for anything not written like a date, how to write
    one (what was typed is repeated only when it is digits in a date's shape)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{what} is not a real date: there is no {text}."
    return f"{what} is not a date written YYYY-MM-DD."


def _day(text: str | None, first: dt.date | None, last: dt.date) -> dt.date:
    if not text:
        return last
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(_not_a_date("The date asked for", text)) from None
    if day > last or (first is not None and day < first):
        raise BadRequest(f"The data cover {first or 'the start'} to {last}; choose a day within them.")
    return day


def _month(text: str | None, months: list[dt.date]) -> dt.date:
    if not text:
        return months[0]
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(_not_a_date("The month asked for", text)) from None
    if day not in months:
        raise BadRequest(
            f"There are no figures for the month ending {day:%-d %B %Y}: the data cover "
            f"{months[-1]:%B %Y} to {months[0]:%B %Y}."
        )
    return day


def scope_query(scope: Scope, **extra: Any) -> str:
    """The query string naming a scope (never a child)."""
    from urllib.parse import urlencode

    params: dict[str, Any] = {"la": scope.la_code, "as_at": scope.as_at.isoformat()}
    if scope.team:
        params["team"] = scope.team
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)
