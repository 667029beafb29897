"""The four roles, as Django groups holding Django permissions. A user may hold more than one role (an
admin who is also an analyst); what a user may do is the union of their roles' permissions.

    admin     users and the audit log; aggregate figures; no child-level data unless also an analyst
    analyst   everything for their council: drill-downs, lists, exports, loads, reports
    manager   figures for their council; children, lists and exports only for their teams
    member    aggregate figures only, small counts suppressed; the committee paper
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    admin = "admin"
    analyst = "analyst"
    manager = "manager"
    member = "member"


# Permission codename -> (what it allows, the roles that hold it).
PERMISSIONS: dict[str, tuple[str, tuple[Role, ...]]] = {
    "view_figures": ("See the dashboard and indicator pages", (Role.admin, Role.analyst, Role.manager, Role.member)),
    "view_unsuppressed": ("See small counts in breakdowns", (Role.analyst, Role.manager)),
    "view_children": ("See the children behind a figure", (Role.analyst, Role.manager)),
    "view_lists": ("See the managers' lists", (Role.analyst, Role.manager)),
    "export_child_data": ("Download child-level data", (Role.analyst, Role.manager)),
    "all_teams": ("See child-level data for every team", (Role.analyst,)),
    "write_reports": ("Write and download the committee paper", (Role.analyst, Role.manager, Role.member)),
    "download_report_data": ("Download the report's Excel figures", (Role.analyst, Role.manager)),
    "load_data": ("Upload returns and see loads and rejects", (Role.analyst,)),
    "view_audit": ("See and export the audit log", (Role.admin,)),
    "manage_users": ("See the users", (Role.admin,)),
}


def permissions_of(role: Role) -> list[str]:
    return [codename for codename, (_, roles) in PERMISSIONS.items() if role in roles]


def ensure_roles(**_: Any) -> None:
    """Make each role's group hold exactly its permissions (run after every migrate; idempotent)."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from cscperf.web.models import Profile

    content_type = ContentType.objects.get_for_model(Profile)
    made = {}
    for codename, (words, _holders) in PERMISSIONS.items():
        permission, _created = Permission.objects.get_or_create(
            codename=codename, content_type=content_type, defaults={"name": words}
        )
        made[codename] = permission
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set([made[c] for c in permissions_of(role)])
