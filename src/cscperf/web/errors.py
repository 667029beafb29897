"""Plain pages for 400, 403, 404 and 500: what happened and what to do, never a traceback or data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "web/problem.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "This page cannot be shown", "The request was not one this service understands.", 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    what = str(exception) if exception is not None and str(exception) else "this page"
    if "CSRF" in what or "csrf" in what:
        return _page(request, "Your form had expired", "Go back, reload the page and try again.", 403)
    return _page(
        request,
        "You do not have access to this page",
        f"Your account does not allow {what}. If you need it, ask your cscperf administrator.",
        403,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (expired, or the page opened in another way): said plainly, in
    the service's own page, where Django's default is a bare technical page."""
    return _page(
        request,
        "Your form had expired",
        "For your security, forms work only for a while and only from this service's own pages. Go back, reload "
        "the page and try again.",
        403,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "Page not found", "Check the address, or go back to the dashboard.", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "Sorry, there is a problem with the service",
        "Try again later. If it keeps happening, tell your cscperf administrator the time it happened.",
        500,
    )
