"""Where a request came from, for the audit log and the sign-in lockout alike: the connection's address, or,
behind the council's reverse proxy (`CSCPERF_WEB_TRUST_PROXY=1`), the address the proxy wrote into
X-Forwarded-For. Without it, every request behind a proxy would come from the proxy, and five failed sign-ins by
anyone would lock everyone out.

The address taken is the header's last: the one the proxy in front of the service wrote, whether it overwrites
the header (one address) or adds to what the client sent ("what the client claimed, the client"), so a client
cannot choose its own address. A port (IIS ARR writes `203.0.113.9:51234`) is left off, and anything that is
not an IP address is not used: the connection's address is, as without a proxy."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "CSCPERF_TRUST_PROXY", False):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")[-1].strip()
        address = _ip(forwarded)
        if address is not None:
            return address
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _ip(text: str) -> str | None:
    """The IP address in `text` ("203.0.113.9", "203.0.113.9:51234", "[2001:db8::1]:443", "2001:db8::1"), or
    None."""
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates = [text[1 : text.index("]")]]
    elif text.count(":") == 1:
        candidates.append(text.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
