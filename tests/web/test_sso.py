"""Single sign-on: the identity provider's user is matched to an account an administrator made (by the
configured claim); no account is made by signing in, and a disabled account is refused."""

from __future__ import annotations

from django.test import override_settings

from .conftest import Accounts

OIDC = {
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.invalid/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.invalid/userinfo",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.invalid/authorize",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.invalid/keys",
    "OIDC_RP_CLIENT_ID": "cscperf",
    "OIDC_RP_CLIENT_SECRET": "not-a-real-secret",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_USERNAME_CLAIM": "preferred_username",
    "OIDC_CREATE_USER": False,
}


@override_settings(**OIDC)
def test_the_provider_user_is_matched_to_an_existing_account(accounts: Accounts) -> None:
    from cscperf.web.sso import CouncilOIDCBackend

    backend = CouncilOIDCBackend()
    found = backend.filter_users_by_claims({"preferred_username": accounts.manager.upper()})
    assert [u.username for u in found] == [accounts.manager]
    assert not backend.filter_users_by_claims({"preferred_username": "someone.new@council.example"}).exists()
    assert not backend.filter_users_by_claims({"preferred_username": accounts.disabled}).exists()
    assert not backend.filter_users_by_claims({"email": "x@council.example"}).exists()
    assert backend.verify_claims({"preferred_username": "x"}) and not backend.verify_claims({"email": "x"})
