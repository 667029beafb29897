"""Signing in and out, and the health check (no data, no sign-in)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import LoginView
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from cscperf.web import audit
from cscperf.web.client_address import client_address


class SignIn(LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso"] = getattr(settings, "OIDC_ENABLED", False)
        context["sso_name"] = getattr(settings, "OIDC_PROVIDER_NAME", "")
        return context


@never_cache
@csrf_protect
def sign_out(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; POST signs out (a link cannot sign anyone out by surprise)."""
    if request.method == "POST":
        logout(request)
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return render(request, "web/logout.html", {})


def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: the service is up. No data, no sign-in."""
    return JsonResponse({"status": "ok"})


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    audit.record(user.get_username(), "sign_in", "/login/", address=client_address(request) if request else "")


@receiver(user_logged_out)
def _signed_out(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    if user is not None:
        audit.record(user.get_username(), "sign_out", "/logout/", address=client_address(request) if request else "")


@receiver(user_login_failed)
def _failed(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any) -> None:
    name = str(credentials.get("username", ""))[:150]
    audit.record(name, "sign_in_failed", "/login/", address=client_address(request) if request else "")
