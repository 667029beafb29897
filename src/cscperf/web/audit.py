"""The audit log: one record per view or download of child-level data, chained by hashes.

`record` appends under the database's write lock (a transaction that takes it at once), so two workers
never chain onto the same record. `verify` walks the chain and names the first record that does not fit:
a changed field (its hash no longer matches), a removed or reordered record (the next one's previous hash,
or its sequence number, no longer follows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from cscperf.web.models import AuditRecord

GENESIS = "0" * 64


def record(
    username: str,
    action: str,
    page: str,
    *,
    detail: dict[str, Any] | None = None,
    children: int | None = None,
    address: str = "",
) -> AuditRecord:
    """Append one record to the chain."""
    with transaction.atomic():
        last = AuditRecord.objects.order_by("-seq").only("seq", "record_hash").first()
        entry = AuditRecord(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now().astimezone(dt.UTC),
            username=username,
            action=action,
            page=page,
            detail=detail or {},
            children=children,
            address=address,
            previous_hash=last.record_hash if last else GENESIS,
        )
        entry.record_hash = entry.computed_hash()
        entry.save()
    return entry


@dataclass(frozen=True)
class Verdict:
    records: int
    first_broken: int | None  # the sequence number of the first record that does not fit
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify(records: Iterable[AuditRecord] | None = None) -> Verdict:
    """Check the whole chain, oldest first."""
    previous = GENESIS
    expected_seq = 1
    count = 0
    for entry in records if records is not None else _all():
        count += 1
        if entry.seq != expected_seq:
            missing = "removed" if entry.seq > expected_seq else "repeated or out of order"
            return Verdict(count, entry.seq, f"record {expected_seq} was {missing} before record {entry.seq}")
        if entry.previous_hash != previous:
            return Verdict(
                count,
                entry.seq,
                "its link to the record before does not match (a record was changed, removed or inserted before it)",
            )
        if entry.computed_hash() != entry.record_hash:
            return Verdict(count, entry.seq, "its content no longer matches its hash (it was changed)")
        previous = entry.record_hash
        expected_seq += 1
    return Verdict(count, None)


def _all() -> Iterator[AuditRecord]:
    return AuditRecord.objects.order_by("seq").iterator(chunk_size=2000)


def records_for(
    username: str | None = None, action: str | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> list[AuditRecord]:
    """Records, newest first, filtered as asked."""
    query = AuditRecord.objects.order_by("-seq")
    if username:
        query = query.filter(username=username)
    if action:
        query = query.filter(action=action)
    if since:
        query = query.filter(at__date__gte=since)
    if until:
        query = query.filter(at__date__lte=until)
    return list(query)


AUDIT_COLUMNS = ("seq", "at", "username", "action", "page", "detail", "children", "address", "record_hash")


def as_row(entry: AuditRecord) -> dict[str, Any]:
    """One record as plain values for JSON, CSV and the page."""
    what = "; ".join(f"{k}: {v}" for k, v in sorted(entry.detail.items()) if v not in (None, "", []))
    return {
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "username": entry.username,
        "action": entry.action,
        "page": entry.page,
        "detail": what,
        "children": entry.children,
        "address": entry.address,
        "record_hash": entry.record_hash,
    }
