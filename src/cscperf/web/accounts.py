"""Accounts, as the `cscperf users` commands change them (Django's users, groups and password hashing)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from cscperf.errors import UsageProblem
from cscperf.web.access import access_of
from cscperf.web.models import Profile
from cscperf.web.roles import Role


def add_user(name: str, roles: list[str], password: str, *, teams: list[str], la_code: str | None) -> User:
    name = name.strip()
    if not name or len(name) > 150 or any(ch.isspace() for ch in name):
        raise UsageProblem("A user name is 1 to 150 characters with no spaces.")
    if User.objects.filter(username__iexact=name).exists():
        raise UsageProblem(f"There is already an account called {name}.")
    if not roles:
        raise UsageProblem("Give at least one --role.")
    if teams and Role.manager.value not in roles:
        raise UsageProblem("Only a manager is given teams (--team).")
    candidate = User(username=name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise UsageProblem("The password is not strong enough: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(username=name, password=password)
        user.groups.set(Group.objects.filter(name__in=roles))
        Profile.objects.create(user=user, la_code=la_code or "", teams=list(dict.fromkeys(teams)))
    return user


def set_active(name: str, active: bool) -> None:
    user = User.objects.filter(username=name).first()
    if user is None:
        raise UsageProblem(f"There is no account called {name}.")
    user.is_active = active
    user.save(update_fields=["is_active"])


def user_rows() -> list[dict[str, Any]]:
    rows = []
    for user in User.objects.order_by("username"):
        access = access_of(user)
        rows.append(
            {
                "username": user.username,
                "roles": access.role_words,
                "la": access.la_code or "all",
                "teams": ", ".join(access.teams) or "-",
                "active": "yes" if user.is_active else "no (disabled)",
                "last_login": f"{user.last_login:%Y-%m-%d %H:%M}" if user.last_login else "never",
            }
        )
    return rows


def unlock(name: str) -> int:
    """End a lockout (django-axes) of the account before its cool-off; the number of lockouts cleared."""
    from axes.utils import reset

    if not User.objects.filter(username=name).exists():
        raise UsageProblem(f"There is no account called {name}.")
    return int(reset(username=name))


def unlock_address(address: str) -> int:
    """End a lockout of an address (5 failed sign-ins from it, whatever the names) before its cool-off."""
    from axes.utils import reset

    return int(reset(ip=address.strip()))
