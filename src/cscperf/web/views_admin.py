"""The audit log (filterable, exportable as CSV or JSON) and the list of users, for admins."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cscperf.web import audit
from cscperf.web.access import Access, access_of
from cscperf.web.exports import csv_text
from cscperf.web.pages import BadRequest, guarded

PAGE_SIZE = 200


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest("Dates are written YYYY-MM-DD.") from None


@guarded("view_audit")
def audit_view(request: HttpRequest, access: Access) -> HttpResponse:
    filters = {
        "username": request.GET.get("user") or None,
        "action": request.GET.get("action") or None,
        "since": _date(request.GET.get("since")),
        "until": _date(request.GET.get("until")),
    }
    entries = audit.records_for(**filters)  # type: ignore[arg-type]
    rows = [audit.as_row(e) for e in entries]
    wanted = request.GET.get("format")
    if wanted == "csv":
        text = csv_text(audit.AUDIT_COLUMNS, ([r[c] for c in audit.AUDIT_COLUMNS] for r in rows))
        return _attachment(text, "audit.csv", "text/csv; charset=utf-8")
    if wanted == "json":
        return _attachment(json.dumps(rows, indent=2), "audit.json", "application/json")
    verdict = audit.verify()
    return render(
        request,
        "web/audit.html",
        {
            "rows": rows[:PAGE_SIZE],
            "total": len(rows),
            "verdict": verdict,
            "filters": request.GET,
            "access": access,
            "actions": sorted(ACTIONS.items(), key=lambda a: a[1]),
        },
    )


ACTIONS = {  # what each record of the audit log is, in the filter's words
    "view_children": "Saw the children behind a figure",
    "download_children": "Downloaded the children behind a figure",
    "view_list": "Saw a managers' list",
    "download_list": "Downloaded a managers' list",
    "download_lists": "Downloaded all the managers' lists",
    "download_rejects": "Downloaded a load's rejected records",
    "load": "Loaded files",
    "sign_in": "Signed in",
    "sign_in_failed": "Failed to sign in",
    "sign_out": "Signed out",
}


def _attachment(text: str, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@guarded("manage_users")
def users_view(request: HttpRequest, access: Access) -> HttpResponse:
    people = []
    for user in User.objects.order_by("username"):
        them = access_of(user)
        people.append(
            {
                "username": user.username,
                "roles": them.role_words,
                "la": them.la_code or "all",
                "teams": ", ".join(them.teams) or "-",
                "active": user.is_active,
                "last_login": user.last_login,
            }
        )
    return render(request, "web/users.html", {"people": people, "access": access})
