"""What managers record about the oversight of children's plans, simulated from the finished journeys:
why statutory visits were missed (cscperf_visit_missed) and the senior-manager reviews at 9 months and legal
planning meetings at 12 months of child protection plans (cscperf_cp_oversight).

Runs after the data are cut at their end date, from its own random stream (seeded by the seed and the
council), so the rest of the council is exactly as it was without it and its calibration holds. Most
reviews and meetings are held when the plan reaches the milestone or within a few working days; some are
late, a few early, some never. Most missed visits have a reason recorded; some do not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from cscperf.synth.state import Row, SimulationRandom, SimulationState, add_months

YEAR = 365
REASONS_LATE = (("family_not_available", 30), ("avoiding_visit", 15), ("worker_absent", 20), ("rearranged", 25),
                ("other", 10))  # fmt: skip
REASONS_NOT_SEEN = (("family_not_available", 55), ("avoiding_visit", 30), ("other", 15))
REASON_RECORDED = 0.92
REVIEW_OUTCOMES = (("continue_plan", 70), ("step_down", 20), ("legal_planning_meeting", 10))
MEETING_OUTCOMES = (("continue_plan", 50), ("pre_proceedings", 30), ("care_proceedings", 5), ("step_down", 15))
# (months from the plan start, what is held, its outcomes)
MILESTONES = ((9, "senior_manager_review", REVIEW_OUTCOMES), (12, "legal_planning_meeting", MEETING_OUTCOMES))

MISSED_COLUMNS = ("missed_id", "missed_person_id", "missed_visit_kind", "missed_case_id", "missed_visit_id",
                  "missed_due_date", "missed_reason", "missed_rearranged_date", "missed_worker_id")  # fmt: skip
OVERSIGHT_COLUMNS = ("oversight_id", "oversight_person_id", "oversight_cp_plan_id", "oversight_type",
                     "oversight_date", "oversight_outcome", "oversight_manager_id")  # fmt: skip


def add_oversight(state: SimulationState, seed: int, cp_interval: int) -> None:
    """Write cscperf_visit_missed and cscperf_cp_oversight from the council's plans, placements and visits."""
    records = OversightRecords(state, SimulationRandom(f"{seed}:{state.la_code}:oversight"))
    records.cp_visits(cp_interval)
    records.cla_visits()
    records.plan_milestones()


def _pick(rng: SimulationRandom, table: Sequence[tuple[str, int]]) -> str:
    total = sum(w for _, w in table)
    u = rng.random() * total
    for code, weight in table:
        u -= weight
        if u < 0:
            return code
    return table[-1][0]


class OversightRecords:
    def __init__(self, state: SimulationState, rng: SimulationRandom) -> None:
        self.s = state
        self.rng = rng
        self.missed = state.declare("cscperf_visit_missed", MISSED_COLUMNS)
        self.oversight = state.declare("cscperf_cp_oversight", OVERSIGHT_COLUMNS)
        self._n = 0

    def _columns(self, table: str) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.s.columns[table])}

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def _missed(
        self, person: str, kind: str, case: str, due: int, *, visit: str | None, late_until: int | None
    ) -> None:
        """One missed visit (due on `due`; `visit` when it took place but the child was not seen; `late_until`
        the day it was made instead, if it was), with a reason most of the time."""
        if self.rng.random() >= REASON_RECORDED:
            return
        reason = _pick(self.rng, REASONS_NOT_SEEN if visit else REASONS_LATE)
        rearranged = None
        if reason == "rearranged":
            rearranged = late_until if late_until is not None else due + self.rng.randint(1, 10)
        self.missed.append((self._id("MV"), person, kind, case, visit, due, reason, rearranged, None))

    def cp_visits(self, interval: int) -> None:
        """Child protection visits: each visit made more than `interval` working days after the last at which
        the child was seen was missed when due; each visit where the child was not seen has a reason; a child
        not seen in time by the end of the data has their missed visit recorded too."""
        s, wd = self.s, self.s.wd
        pc, vc = self._columns("ssd_cp_plans"), self._columns("ssd_cp_visits")
        visits: dict[str, list[Row]] = defaultdict(list)
        for v in s.rows["ssd_cp_visits"]:
            visits[v[vc["cppv_cp_plan_id"]]].append(v)
        for plan in s.rows["ssd_cp_plans"]:
            plan_id, person, start = (
                plan[pc["cppl_cp_plan_id"]],
                plan[pc["cppl_person_id"]],
                plan[pc["cppl_cp_plan_start_date"]],
            )
            prev = start
            for v in sorted(
                visits.get(plan_id, ()), key=lambda r: (r[vc["cppv_cp_visit_date"]], r[vc["cppv_cp_visit_id"]])
            ):
                day = v[vc["cppv_cp_visit_date"]]
                if day < start:
                    continue
                if v[vc["cppv_cp_visit_seen"]] != "Y":
                    self._missed(person, "cp", plan_id, day, visit=v[vc["cppv_cp_visit_id"]], late_until=None)
                    continue
                if wd.between(prev, day) > interval:
                    self._missed(person, "cp", plan_id, wd.add(prev, interval), visit=None, late_until=day)
                prev = day
            end = plan[pc["cppl_cp_plan_end_date"]]
            if end is None and wd.between(prev, s.end) > interval:
                self._missed(person, "cp", plan_id, wd.add(prev, interval), visit=None, late_until=None)

    def cla_visits(self) -> None:
        """Regulation 28 visits: within 7 days of each placement, then 6-weekly (3-monthly once a long-term
        placement has lasted a year); missed and not-seen visits as for child protection."""
        s = self.s
        pc, vc = self._columns("ssd_cla_placement"), self._columns("ssd_cla_visits")
        long_term = {r[0]: r[1] for r in s.rows["cscperf_long_term_placements"]}
        visits: dict[str, list[Row]] = defaultdict(list)
        for v in s.rows["ssd_cla_visits"]:
            visits[v[vc["clav_cla_id"]]].append(v)
        for p in s.rows["ssd_cla_placement"]:
            cla_id, person = p[pc["clap_cla_id"]], p[pc["clap_person_id"]]
            placed, end = p[pc["clap_cla_placement_start_date"]], p[pc["clap_cla_placement_end_date"]]
            settled_from = long_term.get(p[pc["clap_cla_placement_id"]])
            due = placed + 7
            for v in sorted(
                visits.get(cla_id, ()), key=lambda r: (r[vc["clav_cla_visit_date"]], r[vc["clav_cla_visit_id"]])
            ):
                day = v[vc["clav_cla_visit_date"]]
                if day < placed or (end is not None and day >= end):
                    continue
                if v[vc["clav_cla_visit_seen"]] != "Y":
                    self._missed(person, "cla", cla_id, day, visit=v[vc["clav_cla_visit_id"]], late_until=None)
                    continue
                if day > due:
                    self._missed(person, "cla", cla_id, due, visit=None, late_until=day)
                settled = settled_from is not None and day >= settled_from and day >= add_months(placed, 12)
                due = day + (91 if settled else 42)
            if end is None and s.end > due:
                self._missed(person, "cla", cla_id, due, visit=None, late_until=None)

    def plan_milestones(self) -> None:
        """A senior-manager review when a plan reaches 9 months and a legal planning meeting at 12 months:
        mostly that day or within 3 working days, some late (8 to 30 working days), a few a few days early,
        some never; only while the plan is open and within the data."""
        s, wd, rng = self.s, self.s.wd, self.rng
        pc = self._columns("ssd_cp_plans")
        for plan in s.rows["ssd_cp_plans"]:
            plan_id, person, start = (
                plan[pc["cppl_cp_plan_id"]],
                plan[pc["cppl_person_id"]],
                plan[pc["cppl_cp_plan_start_date"]],
            )
            end: Any = plan[pc["cppl_cp_plan_end_date"]]
            for months, kind, outcomes in MILESTONES:
                reached = add_months(start, months)
                if reached > s.end or (end is not None and end <= reached):
                    continue
                u = rng.random()
                if u < 0.80:
                    held = wd.add(reached, rng.randint(0, 3))
                elif u < 0.83:
                    held = reached - rng.randint(1, 5)
                elif u < 0.93:
                    held = wd.add(reached, rng.randint(8, 30))
                else:
                    continue
                if held > s.end or (end is not None and held >= end):
                    continue
                self.oversight.append((self._id("OV"), person, plan_id, kind, held, _pick(rng, outcomes), None))
