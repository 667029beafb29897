"""Pages are never kept by browsers or proxies (they may hold child-level data), and a Permissions-Policy
turns off what the service never uses."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
        response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        return response


class UploadLimitMiddleware:
    """Refuse a request body larger than the upload limit before anything reads it (the CSRF check would
    otherwise read a whole multipart upload to disk first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.shortcuts import render

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = int(settings.UPLOAD_MAX_BYTES)
        if length > limit:
            message = (
                f"The files are larger than the {limit // (1024 * 1024)} MB this service accepts at once. Load them "
                "in smaller groups, or with `cscperf load` on the server."
            )
            return render(request, "web/problem.html", {"title": "Too large to upload", "message": message}, status=413)
        return self.get_response(request)
