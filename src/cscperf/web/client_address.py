"""Where a request came from, for the audit log and the sign-in lockout alike: the connection's address, or,
behind the council's reverse proxy (`CSCPERF_WEB_TRUST_PROXY=1`), the address the proxy wrote into
X-Forwarded-For (the first one: a proxy that overwrites the header, as docs/web.md asks, writes only the
client's). Without it, every request behind a proxy would come from the proxy, and five failed sign-ins by
anyone would lock everyone out."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "CSCPERF_TRUST_PROXY", False):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]
