"""The URL table: every page, in one place, with the permission it needs. The role-matrix test is generated
from this table, so a page cannot be added without its rule.

`permission` None: open to anyone (sign-in, health check). Otherwise the Django permission (cscperf.web.roles)
a signed-in user must hold; anonymous users are sent to /login/. `example` fills the route's parameters for
the matrix test; `methods` the methods it is tried with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from cscperf.web import views, views_account, views_admin, views_lists, views_loads, views_reports


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    view: Callable[..., Any]
    permission: str | None
    example: dict[str, str] = field(default_factory=dict)
    child_level: bool = False  # a view of child-level data: audited, never cached

    def url(self, **kwargs: str) -> str:
        text = "/" + self.route
        for key, value in (kwargs or self.example).items():
            text = text.replace(f"<str:{key}>", value).replace(f"<slug:{key}>", value)
        return text


PAGES: tuple[Page, ...] = (
    Page("login", "login/", views_account.SignIn.as_view(), None),
    Page("logout", "logout/", views_account.sign_out, None),
    Page("healthz", "healthz", views_account.healthz, None),
    Page("dashboard", "", views.dashboard_view, "view_figures"),
    Page(
        "indicator",
        "indicators/<slug:indicator_id>/",
        views.indicator_view,
        "view_figures",
        {"indicator_id": "cp_visits_in_time"},
    ),
    Page(
        "children",
        "indicators/<slug:indicator_id>/children/",
        views.children_view,
        "view_children",
        {"indicator_id": "cp_visits_in_time"},
        child_level=True,
    ),
    Page(
        "children_download",
        "indicators/<slug:indicator_id>/children/download/",
        views.children_download,
        "export_child_data",
        {"indicator_id": "cp_visits_in_time"},
        child_level=True,
    ),
    Page("lists", "lists/", views_lists.lists_view, "view_lists"),
    Page("lists_download", "lists/download/", views_lists.lists_download, "export_child_data", child_level=True),
    Page(
        "list",
        "lists/<slug:list_id>/",
        views_lists.list_view,
        "view_lists",
        {"list_id": "cp_visits_overdue"},
        child_level=True,
    ),
    Page(
        "list_download",
        "lists/<slug:list_id>/download/",
        views_lists.list_download,
        "export_child_data",
        {"list_id": "cp_visits_overdue"},
        child_level=True,
    ),
    Page("reports", "reports/", views_reports.reports_view, "write_reports"),
    Page("loads", "loads/", views_loads.loads_view, "load_data"),
    Page("load", "loads/<str:load_id>/", views_loads.load_view, "load_data", {"load_id": "EXAMPLE"}),
    Page(
        "rejects_download",
        "loads/<str:load_id>/rejects/",
        views_loads.rejects_download,
        "load_data",
        {"load_id": "EXAMPLE"},
        child_level=True,
    ),
    Page("audit", "audit/", views_admin.audit_view, "view_audit"),
    Page("users", "users/", views_admin.users_view, "manage_users"),
)

urlpatterns: list[URLPattern | URLResolver] = [path(p.route, p.view, name=p.name) for p in PAGES]
if getattr(settings, "OIDC_ENABLED", False):
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "cscperf.web.errors.bad_request"
handler403 = "cscperf.web.errors.forbidden"
handler404 = "cscperf.web.errors.not_found"
handler500 = "cscperf.web.errors.server_error"
