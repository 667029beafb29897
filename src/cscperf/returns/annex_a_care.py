"""Annex A List 8, children in care: one row a child, their latest period of care open at any time in the six
months, put together in Python from a few plain queries (periods, legal statuses, placements, health checks,
reviews, visits, missing spells)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cscperf.returns import annex_a_template as t

if TYPE_CHECKING:
    from cscperf.returns.annex_a_rows import AnnexAReader


@dataclass
class Period:
    person: str
    cla_id: str
    start: dt.date
    end: dt.date | None = None
    reason: str | None = None
    need: str | None = None
    iro: dt.date | None = None
    episodes: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)


def periods_of_care(reader: AnnexAReader) -> dict[str, list[Period]]:
    """Every period of care of every child, in order (from the episodes, grouped by clae_cla_id)."""
    periods: dict[str, Period] = {}
    open_episode: set[str] = set()
    for person, cla_id, start, end, reason, need, iro in reader.q(
        "SELECT clae_person_id, COALESCE(clae_cla_id, clae_cla_episode_id), clae_cla_episode_start_date, "
        "clae_cla_episode_ceased_date, clae_cla_episode_ceased_reason, clae_cla_primary_need_code, "
        "clae_cla_last_iro_contact_date FROM ssd_cla_episodes WHERE la_code = $la "
        "ORDER BY clae_person_id, clae_cla_episode_start_date, clae_cla_episode_id"
    ):
        p = periods.get(cla_id)
        if p is None:
            p = periods[cla_id] = Period(person, cla_id, start, need=need)
        p.episodes.append((start, end))
        if end is None:
            open_episode.add(cla_id)
        p.end = None if cla_id in open_episode else max(e for _, e in p.episodes if e is not None)
        p.reason = reason
        if iro is not None and (p.iro is None or iro > p.iro):
            p.iro = iro
    by_person: dict[str, list[Period]] = defaultdict(list)
    for p in periods.values():
        by_person[p.person].append(p)
    for items in by_person.values():
        items.sort(key=lambda p: p.start)
    return by_person


def looked_after_rows(r: AnnexAReader) -> list[list[Any]]:
    s, e, y = r.w.start, r.w.as_at, r.w.year_start
    chosen: dict[str, tuple[Period, list[Period]]] = {}
    for person, items in periods_of_care(r).items():
        in_window = [p for p in items if p.start <= e and (p.end is None or p.end >= s)]
        if in_window:
            chosen[person] = (in_window[-1], items)
    legal = _by_person(
        r.q(
            "SELECT lega_person_id, lega_legal_status_start_date, lega_legal_status FROM "
            "ssd_legal_status WHERE la_code = $la AND lega_legal_status <> 'DoLO'"
        )
    )
    placements = _by_key(
        r.q(
            "SELECT clap_cla_id, clap_cla_placement_start_date, clap_cla_placement_end_date, clap_cla_placement_type, "
            "clap_cla_placement_provider, clap_cla_placement_postcode, clap_cla_placement_urn FROM ssd_cla_placement "
            "WHERE la_code = $la"
        )
    )
    health = _by_person(
        r.q(
            "SELECT clah_person_id, clah_health_check_date, clah_health_check_type FROM ssd_cla_health "
            "WHERE la_code = $la "
            "AND COALESCE(clah_health_check_status, 'Completed') = 'Completed' AND clah_health_check_date <= $e"
        )
    )
    reviews = _by_key(
        r.q(
            "SELECT clar_cla_id, clar_cla_review_date FROM ssd_cla_reviews WHERE la_code = $la "
            "AND clar_cla_review_date <= $e AND COALESCE(clar_cla_review_cancelled, 'N') <> 'Y'"
        )
    )
    visits = _by_person(
        r.q(
            "SELECT clav_person_id, clav_cla_visit_date FROM ssd_cla_visits WHERE la_code = $la "
            "AND clav_cla_visit_date <= $e"
        )
    )
    missing = _by_person(
        r.q(
            "SELECT miss_person_id, miss_missing_episode_start_date, miss_missing_episode_type, "
            "miss_missing_rhi_offered, "
            "miss_missing_rhi_accepted FROM ssd_missing WHERE la_code = $la AND miss_missing_episode_start_date "
            "BETWEEN $y AND $e"
        )
    )
    uasc = {
        p
        for (p,) in r.q(
            "SELECT DISTINCT immi_person_id FROM ssd_immigration_status WHERE la_code = $la "
            "AND immi_immigration_status = 'UASC' AND COALESCE(immi_immigration_status_start_date, $e) <= $e "
            "AND (immi_immigration_status_end_date IS NULL OR immi_immigration_status_end_date >= $y)"
        )
    }
    staff = r.allocated()
    rows = []
    for person in sorted(chosen):
        period, items = chosen[person]
        at = min(period.end or e, e)
        status = [x for x in legal.get(person, []) if x[0] <= at]
        placed = sorted((x for x in placements.get(period.cla_id, []) if x[0] <= at), key=lambda x: x[0])
        latest = placed[-1] if placed else (None, None, None, None, None, None)
        recent = sum(1 for x in placed if x[1] is None or x[1] >= y)
        earlier = [p for p in items if p is not period and p.end is not None and p.start < period.start]
        second = bool(earlier) and earlier[-1].end is not None and earlier[-1].end >= months_12(period.start)
        checks = health.get(person, [])
        spells = missing.get(person, [])
        last_missing = max((x for x in spells if x[1] == "Missing"), default=None, key=lambda x: x[0])
        rows.append(
            [
                *r.child(person),
                t.YES if person in uasc else t.NO,
                r.disability(person),
                period.start,
                t.need_option(period.need),
                t.YES if second else t.NO,
                max(status)[0] if status else None,
                t.coded(t.LEGAL_STATUS, max(status)[1]) if status else None,
                max((d for (d,) in reviews.get(period.cla_id, [])), default=None),
                max((d for (d,) in visits.get(person, [])), default=None),
                None,
                period.iro,
                max((d for d, kind in checks if kind == "Health Assessment"), default=None),
                max((d for d, kind in checks if kind == "Dental Check"), default=None),
                recent,
                period.end if period.end is not None and period.end <= e else None,
                t.coded(t.REASON_CEASED, period.reason) if period.end is not None and period.end <= e else None,
                latest[0],
                t.coded(t.PLACEMENT, latest[2]),
                t.coded(t.PROVIDER, latest[3]),
                latest[4],
                latest[5],
                None,
                None,
                sum(1 for x in spells if x[1] == "Missing"),
                sum(1 for x in spells if x[1] == "Absent"),
                _yes(last_missing[2]) if last_missing else None,
                _yes(last_missing[3]) if last_missing else None,
                *staff.get(person, (None, None)),
            ]
        )
    return rows


def months_12(day: dt.date) -> dt.date:
    from cscperf.returns.annex_a_rows import months_before

    return months_before(day, 12)


def _by_person(rows: list[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    return _by_key(rows)


def _by_key(rows: list[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for key, *rest in rows:
        out[key].append(tuple(rest))
    return out


def _yes(flag: Any) -> str | None:
    if flag is None:
        return None
    return t.YES if str(flag).upper() in ("Y", "YES", "1", "TRUE") else t.NO
