"""What every template knows: the service's name, the user's access (for the navigation) and whether
assets are built."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cscperf import __version__
from cscperf.web.access import access_of


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    access = access_of(user) if user is not None else None
    return {"service_name": "Children's social care performance", "version": __version__, "me": access}
