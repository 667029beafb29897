"""The service's own records: each user's council and teams, and the append-only, hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """What a user is limited to: a council (none: every council in the store) and, for a manager, teams."""

    user: models.OneToOneField[Any, Any] = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cscperf_profile"
    )
    la_code: models.CharField[str, str] = models.CharField(max_length=3, blank=True, default="")
    teams: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"profile of {self.user}"


class AppendOnlyError(RuntimeError):
    """An audit record cannot be changed or deleted."""


class AuditRecord(models.Model):
    """One view or download of child-level data (or an account event): who, when, what, how many children,
    from which address. Each record carries the hash of the one before, so a change anywhere breaks the
    chain (`cscperf audit verify`). The table refuses UPDATE and DELETE (database triggers) as well."""

    seq: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(unique=True)
    at: models.DateTimeField[dt.datetime, dt.datetime] = models.DateTimeField()
    username: models.CharField[str, str] = models.CharField(max_length=150)
    action: models.CharField[str, str] = models.CharField(max_length=40)
    page: models.CharField[str, str] = models.CharField(max_length=200)
    detail: models.JSONField[Any, Any] = models.JSONField(default=dict)
    children: models.PositiveIntegerField[int | None, int | None] = models.PositiveIntegerField(null=True)
    address: models.CharField[str, str] = models.CharField(max_length=64, blank=True, default="")
    previous_hash: models.CharField[str, str] = models.CharField(max_length=64)
    record_hash: models.CharField[str, str] = models.CharField(max_length=64)

    class Meta:
        ordering = ("seq",)
        default_permissions = ()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records cannot be deleted")

    def content(self) -> dict[str, Any]:
        """The fields the hash covers, as plain values."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "username": self.username,
            "action": self.action,
            "page": self.page,
            "detail": self.detail,
            "children": self.children,
            "address": self.address,
            "previous_hash": self.previous_hash,
        }

    def computed_hash(self) -> str:
        text = json.dumps(self.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
