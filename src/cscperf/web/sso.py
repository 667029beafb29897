"""Single sign-on with the council's identity provider (OpenID Connect, e.g. Microsoft Entra ID), through
mozilla-django-oidc. Accounts are not made by signing in: an administrator gives each person an account and
role with `cscperf users add NAME ...`, where NAME is the claim named by CSCPERF_OIDC_USERNAME_CLAIM
(`preferred_username` by default, e.g. jo.bloggs@council.gov.uk). A disabled account cannot sign in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class CouncilOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        name = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not name:
            return User.objects.none()
        return User.objects.filter(username__iexact=str(name), is_active=True)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get(settings.OIDC_USERNAME_CLAIM))
