"""The Django app holding the service's own models (profiles, audit log), templates and static files."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cscperf.web"
    label = "cscperf_web"
    verbose_name = "cscperf web service"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cscperf.web.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
