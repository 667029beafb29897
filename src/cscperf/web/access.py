"""What the signed-in user may see: their roles' permissions, their council and, for a manager, their teams.
Every view asks here; nothing is decided in a template."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from cscperf.web.models import Profile
from cscperf.web.roles import PERMISSIONS, Role


class NotAllowed(PermissionDenied):
    """A 403 with a plain message for the person."""


@dataclass(frozen=True)
class Access:
    username: str
    roles: frozenset[str]
    permissions: frozenset[str]
    la_code: str | None  # None: every council in the store
    teams: tuple[str, ...]

    def can(self, permission: str) -> bool:
        if permission not in PERMISSIONS:
            raise KeyError(permission)
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise NotAllowed(PERMISSIONS[permission][0].replace("See", "seeing").replace("Download", "downloading"))

    @property
    def suppressed(self) -> bool:
        """Whether small counts are withheld from this user (members)."""
        return not self.can("view_unsuppressed")

    def teams_for_children(self, wanted: str | None) -> tuple[str, ...] | None:
        """The teams whose children this user may see now: None for every team (analysts), or a tuple of
        names. Refuses a team outside a manager's own, and a manager with no team at all."""
        if self.can("all_teams"):
            return (wanted,) if wanted else None
        if not self.teams:
            raise NotAllowed("child-level data, because no team has been given to your account")
        if wanted:
            if wanted not in self.teams:
                raise NotAllowed("child-level data for a team that is not yours")
            return (wanted,)
        return self.teams

    @property
    def role_words(self) -> str:
        return ", ".join(sorted(self.roles)) or "no role"


def access_of(user: AbstractBaseUser | AnonymousUser) -> Access:
    """The access of a signed-in user (an anonymous user has none)."""
    if not user.is_authenticated:
        return Access("", frozenset(), frozenset(), None, ())
    from django.contrib.auth.models import User

    assert isinstance(user, User)
    roles = frozenset(g.name for g in user.groups.all() if g.name in {r.value for r in Role})
    permissions = frozenset(
        name.split(".", 1)[1] for name in user.get_all_permissions() if name.startswith("cscperf_web.")
    )
    profile = Profile.objects.filter(user=user).first()
    la = profile.la_code if profile and profile.la_code else None
    teams = tuple(profile.teams) if profile else ()
    return Access(user.get_username(), roles, permissions, la, teams)
