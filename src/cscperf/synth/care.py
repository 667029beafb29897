"""Children looked after: periods of care with episodes, legal statuses and placements, statutory visits,
reviews, health assessments, dental checks, PEPs, missing episodes, leaving care and care leavers.

Entries into care arrive at the rate that keeps the number looked after near the profile's target
(entries a day = target / mean length of a period of care), each through a referral: after an assessment,
at the end of a child protection plan, or as an emergency on the day of referral.
"""

from __future__ import annotations

import datetime as dt
import random

from cscperf.synth.journeys import VISIT_SEEN, CareStarter, Child, FrontDoor, Phase, visit_on_time_share
from cscperf.synth.profile import Profile
from cscperf.synth.state import SimulationState, add_months, birthday

YEAR = 365
K3_FROM = dt.date(2024, 4, 1).toordinal()  # supported accommodation code K3 replaced H5 from 2024-25

# (share, min days, max days, reason code(s)) by age at entry; "18" means until the day before 18.
CARE_PLANS: dict[str, tuple[tuple[float, int, int, str], ...]] = {
    "baby": ((0.45, 420, 900, "E11"), (0.18, 300, 700, "E45"), (0.27, 20, 420, "E4A"), (0.10, 0, 0, "18")),
    "young": (
        (0.12, 450, 1000, "E11"),
        (0.18, 300, 800, "E46"),
        (0.45, 15, 540, "E4A"),
        (0.05, 300, 700, "E41"),
        (0.20, 0, 0, "18"),
    ),
    "child": ((0.12, 300, 800, "E46"), (0.50, 15, 600, "E4A"), (0.05, 300, 700, "E41"), (0.33, 0, 0, "18")),
    "teen": ((0.42, 7, 700, "E4A"), (0.08, 10, 400, "E13"), (0.05, 30, 500, "E8"), (0.45, 0, 0, "18")),
    "older": ((0.22, 7, 300, "E4A"), (0.78, 0, 0, "18")),
}
ENTRY_AGE = (
    (0.20, 0, 364),
    (0.14, 365, 5 * YEAR - 1),
    (0.18, 5 * YEAR, 10 * YEAR - 1),
    (0.38, 10 * YEAR, 16 * YEAR - 1),
    (0.10, 16 * YEAR, 18 * YEAR - 60),
)
CLOSE_REASON = {"E11": "RC1", "E12": "RC1", "E45": "RC4", "E46": "RC4", "E41": "RC3"}
PLACE_CHANGE_REASONS = (
    "CARPL",
    "CLOSE",
    "ALLEG",
    "STAND",
    "APPRR",
    "CREQB",
    "CREQO",
    "CHILD",
    "LAREQ",
    "PLACE",
    "OTHER",
)


def on_time_share(in_date: float, interval: int, on_time_mean: float, overshoot_mean: float) -> float:
    """Share of gaps between checks that must be on time for `in_date` of children to be in date at any
    moment, when on-time gaps average `on_time_mean` days and late ones overrun the interval by
    `overshoot_mean` days on average (a renewal-process argument: time out of date / time)."""
    out = 1 - in_date
    late = out * on_time_mean / (overshoot_mean - out * (interval + overshoot_mean - on_time_mean))
    return min(1.0, max(0.0, 1 - late))


def age_band(age_days: int) -> str:
    if age_days < YEAR:
        return "baby"
    if age_days < 5 * YEAR:
        return "young"
    if age_days < 10 * YEAR:
        return "child"
    if age_days < 16 * YEAR:
        return "teen"
    return "older"


def draw_care_plan(rng: random.Random, age_days: int, dob: int, start: int) -> tuple[int, str]:
    """How long a period of care will last and how it will end, by age at entry."""
    u = rng.random()
    options = CARE_PLANS[age_band(age_days)]
    chosen = options[-1]
    for option in options:
        u -= option[0]
        if u < 0:
            chosen = option
            break
    _, low, high, reason = chosen
    last = birthday(dob, 18) - 1
    if reason == "18":
        return max(1, last - start), "18"
    end = min(start + rng.randint(low, high), last)
    return max(1, end - start), (reason if end < last else "18")


def mean_care_days(seed: int) -> float:
    """Mean length of a period of care under the plans above (Monte Carlo, fixed seed)."""
    rng = random.Random(seed)
    total = 0
    n = 4000
    for _ in range(n):
        age = draw_entry_age(rng)
        base = dt.date(2000, 1, 1).toordinal()
        total += draw_care_plan(rng, age, base - age, base)[0]
    return total / n


def draw_entry_age(rng: random.Random) -> int:
    u = rng.random()
    for share, low, high in ENTRY_AGE:
        u -= share
        if u < 0:
            return rng.randint(low, high)
    return rng.randint(ENTRY_AGE[-1][1], ENTRY_AGE[-1][2])


class LookedAfter(CareStarter):
    """Generates periods of care and everything that happens in them."""

    def __init__(self, state: SimulationState, profile: Profile, front_door: FrontDoor) -> None:
        self.s = state
        self.p = profile
        self.fd = front_door
        front_door.care = self
        self.mean_days = mean_care_days(0)
        d = state.declare
        self.episodes = d(
            "ssd_cla_episodes",
            (
                "clae_cla_episode_id",
                "clae_person_id",
                "clae_cla_episode_start_date",
                "clae_cla_episode_start_reason",
                "clae_cla_primary_need_code",
                "clae_cla_episode_ceased_date",
                "clae_cla_episode_ceased_reason",
                "clae_cla_id",
                "clae_referral_id",
                "clae_cla_placement_id",
                "clae_entered_care_date",
                "clae_cla_last_iro_contact_date",
            ),
        )
        self.placements = d(
            "ssd_cla_placement",
            (
                "clap_cla_placement_id",
                "clap_cla_placement_start_date",
                "clap_cla_placement_type",
                "clap_cla_placement_urn",
                "clap_cla_placement_distance",
                "clap_cla_id",
                "clap_cla_placement_provider",
                "clap_cla_placement_postcode",
                "clap_cla_placement_end_date",
                "clap_cla_placement_change_reason",
                "clap_person_id",
            ),
        )
        self.legal = d(
            "ssd_legal_status",
            (
                "lega_legal_status_id",
                "lega_person_id",
                "lega_legal_status",
                "lega_legal_status_start_date",
                "lega_legal_status_end_date",
            ),
        )
        self.visits = d(
            "ssd_cla_visits",
            (
                "clav_cla_visit_id",
                "clav_cla_id",
                "clav_person_id",
                "clav_cla_visit_date",
                "clav_cla_visit_seen",
                "clav_cla_visit_seen_alone",
            ),
        )
        self.reviews = d(
            "ssd_cla_reviews",
            (
                "clar_cla_review_id",
                "clar_cla_id",
                "clar_cla_review_due_date",
                "clar_cla_review_date",
                "clar_cla_review_cancelled",
                "clar_cla_review_participation",
            ),
        )
        self.health = d(
            "ssd_cla_health",
            (
                "clah_health_check_id",
                "clah_person_id",
                "clah_health_check_type",
                "clah_health_check_date",
                "clah_health_check_status",
            ),
        )
        self.peps = d("cscperf_pep", ("pep_id", "pep_person_id", "pep_cla_id", "pep_date", "pep_status", "pep_initial"))
        self.long_term = d("cscperf_long_term_placements", ("clap_cla_placement_id", "long_term_from_date"))
        self.missing = d(
            "ssd_missing",
            (
                "miss_table_id",
                "miss_person_id",
                "miss_missing_episode_start_date",
                "miss_missing_episode_type",
                "miss_missing_episode_end_date",
                "miss_missing_rhi_offered",
                "miss_missing_rhi_accepted",
            ),
        )
        self.leavers = d(
            "ssd_care_leavers",
            (
                "clea_table_id",
                "clea_person_id",
                "clea_care_leaver_eligibility",
                "clea_care_leaver_in_touch",
                "clea_care_leaver_latest_contact",
                "clea_care_leaver_accommodation",
                "clea_care_leaver_accom_suitable",
                "clea_care_leaver_activity",
                "clea_pathway_plan_review_date",
                "clea_care_leaver_personal_advisor",
                "clea_care_leaver_allocated_team",
                "clea_care_leaver_worker_id",
            ),
        )

    # ------------------------------------------------------------------------------------- entries
    def entries_per_day(self) -> float:
        return self.p.looked_after.target_open / self.mean_days

    def run_entries(self, start: int, end: int) -> None:
        """Children coming into care, each through a referral, from `start` to `end`."""
        s, la = self.s, self.p.looked_after
        rate = self.entries_per_day()
        for day in range(start, end + 1):
            for _ in range(s.poisson(rate)):
                age = draw_entry_age(s.rng)
                u = s.rng.random()
                if u < la.route_via_cp_plan and age < 15 * YEAR:
                    route, lead = "cp", s.rng.randint(100, 330)
                elif u < la.route_via_cp_plan + la.route_emergency:
                    route, lead = "emergency", 0
                else:
                    route, lead = "assessment", s.rng.randint(30, 70)
                referral_day = day - lead
                child = self.fd.new_child(referral_day, age_days=age - lead)
                code, desc, _ = self.fd._source()
                self.fd.referral(child, referral_day, code, desc, route=f"care:{route}")

    def opening_stock(self) -> None:
        """Exactly the target number of children in care when the simulation starts: entries drawn over the
        18 years before it, kept if their care would still be going on (the stationary mix of ages and
        lengths of stay)."""
        s = self.s
        kept = 0
        while kept < self.p.looked_after.target_open:
            day = s.rng.randint(s.start - 18 * YEAR, s.start - 1)
            age = draw_entry_age(s.rng)
            dob = day - age
            length, reason = draw_care_plan(s.rng, age, dob, day)
            if day + length <= s.start:
                continue
            kept += 1
            child = self.fd.new_child(day, age_days=age)
            ref_id = s.new_id("R")
            ref_row = self.fd.referral_row(ref_id, child, day - s.rng.randint(0, 20), "N1", "6", "Police")
            self.enter_care(child, day, ref_id, ref_row, plan=(length, reason))

    # ------------------------------------------------------------------------------------- a period of care
    def enter_care(
        self,
        child: Child,
        day: int,
        referral_id: str,
        referral_row: list[object],
        plan: tuple[int, str] | None = None,
    ) -> None:
        s, la = self.s, self.p.looked_after
        r = s.rng
        start = max(day, child.dob)
        last = birthday(child.dob, 18) - 1
        if start >= last:
            referral_row[8], referral_row[9] = "RC7", min(day, last)
            return
        age = start - child.dob
        length, reason = plan if plan else draw_care_plan(r, age, child.dob, start)
        end = min(start + length, last)
        if reason == "18" or end >= last:
            end, reason = last, r.choice(("E17", "E7", "E7", "E8", "E5")) if age < 17 * YEAR else "E8"
        cla_id = s.new_id("L")
        self.fd.phases.append(Phase(child.person_id, referral_id, "care", start, end))

        # Legal statuses: (day, code)
        legal: list[tuple[int, str]] = []
        u = r.random()
        if u < 0.45:
            legal.append((start, "V2"))
            if end - start > 300 and s.chance(0.3):
                legal.append((start + r.randint(90, 250), "C1"))
        elif u < 0.55 and age >= 12 * YEAR and s.chance(0.3):
            legal.append((start, "J2"))
            if end - start > 30:
                legal.append((start + r.randint(5, 25), "V2"))
        else:
            if u < 0.60:
                legal.append((start, "L1"))
                if end - start > 5:
                    legal.append((start + r.randint(1, 3), "C1"))
            else:
                legal.append((start, "C1"))
        if legal[-1][1] == "C1":
            order_day = legal[-1][0] + r.randint(150, 300)
            if order_day < end - 10:
                legal.append((order_day, "C2"))

        # Placements: (day, code, provider, same carer, urn)
        adoption = reason in ("E11", "E12")
        placements: list[tuple[int, str, str, bool, str | None]] = [self._placement(start, age, None)]
        move_rate_first = la.moves_first_year * (1.5 if age >= 13 * YEAR else 0.6 if age < 5 * YEAR else 1.0)
        move_rate_later = la.moves_after_first_year * (1.6 if age >= 13 * YEAR else 0.6 if age < 5 * YEAR else 1.0)
        adopt_day = end - r.randint(120, 300) if adoption else end
        adopt_day = max(adopt_day, start + 60)
        t = start
        while True:
            rate = move_rate_first if t - start < YEAR else move_rate_later
            if rate <= 0:
                break
            t += 1 + int(r.expovariate(rate / YEAR))
            if t >= min(end, adopt_day) - 1:
                break
            same = s.chance(0.12)
            previous = placements[-1]
            if same:
                placements.append((t, previous[1], previous[2], True, previous[4]))
            else:
                placements.append(self._placement(t, t - child.dob, previous[1]))
        if adoption and adopt_day < end - 1:
            with_carer = s.chance(0.2)
            placements.append((adopt_day, "A6" if with_carer else "A5", "PR1", with_carer, None))
            order_day = adopt_day - r.randint(30, 120)
            if order_day > legal[-1][0] + 10:
                legal.append((order_day, "E1"))

        # Episodes at every change of legal status or placement
        legal_days = {d for d, _ in legal}
        place_days = {p[0]: p for p in placements}
        change_days = sorted(legal_days | set(place_days))
        placement_ids: dict[int, str] = {}
        long_term_from: dict[int, int] = {}
        for i, p in enumerate(placements):
            pid = s.new_id("PL")
            placement_ids[p[0]] = pid
            p_end = placements[i + 1][0] if i + 1 < len(placements) else end
            change = r.choice(PLACE_CHANGE_REASONS) if i + 1 < len(placements) else None
            self.placements.append(
                (
                    pid,
                    p[0],
                    p[1],
                    p[4],
                    round(r.uniform(1, 40), 1),
                    cla_id,
                    p[2],
                    None,
                    p_end,
                    change,
                    child.person_id,
                )
            )
            if p[1][0] == "U" and p_end - p[0] > YEAR and (reason == "18" or reason in ("E17", "E7", "E8", "E5")):
                long_term_from[p[0]] = p[0] + r.randint(90, 300)
                self.long_term.append((pid, long_term_from[p[0]]))
        current_place = placements[0][0]
        for i, d in enumerate(change_days):
            placed = d in place_days
            if placed:
                current_place = d
            legal_changed = d in legal_days
            if i == 0:
                rne = "S"
            elif placed and legal_changed:
                rne = "U" if place_days[d][3] else "B"
            elif placed:
                rne = "T" if place_days[d][3] else "P"
            else:
                rne = "L"
            e_end = change_days[i + 1] if i + 1 < len(change_days) else end
            rec = "X1" if i + 1 < len(change_days) else reason
            if reason == "E11" and rec == "E11" and s.chance(0.1):
                rec = "E12"
            self.episodes.append(
                (
                    s.new_id("EP"),
                    child.person_id,
                    d,
                    rne,
                    "N1",
                    e_end,
                    rec,
                    cla_id,
                    referral_id,
                    placement_ids[current_place],
                    start,
                    None,
                )
            )
        legal_codes = sorted(legal)
        for i, (d, code) in enumerate(legal_codes):
            l_end = legal_codes[i + 1][0] if i + 1 < len(legal_codes) else end
            self.legal.append((s.new_id("LS"), child.person_id, code, d, l_end))

        self._visits(child, cla_id, placements, end, long_term_from)
        self._reviews(cla_id, start, end)
        self._health(child, start, end)
        self._peps(child, cla_id, start, end)
        self._missing(child, start, end, age)
        if reason in ("E17", "E7", "E8", "E5") and end == last and age < 17 * YEAR + 270:
            self._care_leaver(child, end)

        referral_row[8] = CLOSE_REASON.get(reason, "RC7")
        referral_row[9] = end
        if reason in ("E4A", "E13") and end < s.end:
            self.fd.schedule_return(child, end)

    def _placement(self, day: int, age: int, previous: str | None) -> tuple[int, str, str, bool, str | None]:
        r = self.s.rng
        u = r.random()
        if age >= 16 * YEAR and u < 0.35:
            code = "K3" if day >= K3_FROM else "H5"
            return day, code, "PR4", False, None
        if age >= 10 * YEAR and u < 0.30:
            return day, "K2", "PR4" if r.random() < 0.8 else "PR1", False, f"SC{r.randint(100000, 999999)}"
        if age < 14 * YEAR and u < 0.05:
            return day, "P1", "PR0", False, None
        if u < 0.25:
            return day, r.choice(("U1", "U2", "U3")), "PR1", False, None
        code = r.choice(("U4", "U5", "U6", "U6"))
        return day, code, "PR1" if r.random() < 0.55 else "PR4", False, None

    def _visits(
        self,
        child: Child,
        cla_id: str,
        placements: list[tuple[int, str, str, bool, str | None]],
        end: int,
        long_term_from: dict[int, int],
    ) -> None:
        """Regulation 28 visits: within a week of each placement, then at most 6-weekly (3-monthly when
        long-term after the first year)."""
        s, la = self.s, self.p.looked_after
        r = s.rng
        stop = min(end, s.end)
        five = child.dob + 5 * YEAR
        on_time = visit_on_time_share(la.visits_in_time)
        for i, p in enumerate(placements):
            p_start = p[0]
            p_end = placements[i + 1][0] if i + 1 < len(placements) else end
            if p_start > stop:
                break
            prev = p_start
            interval = 7
            long_term = long_term_from.get(p_start)
            while True:
                if s.chance(on_time):
                    day = prev + r.randint(max(1, interval - 12), interval)
                else:
                    day = prev + interval + r.randint(1, 21)
                if day >= p_end or day > stop:
                    break
                seen = "Y" if s.chance(VISIT_SEEN) else "N"
                self.visits.append(
                    (
                        s.new_id("CV"),
                        cla_id,
                        child.person_id,
                        day,
                        seen,
                        "Y" if seen == "Y" and day >= five and s.chance(0.6) else "N",
                    )
                )
                prev = day
                settled = long_term is not None and day >= long_term and day - p_start >= YEAR
                interval = 91 if settled else 42

    def _reviews(self, cla_id: str, start: int, end: int) -> None:
        s, la = self.s, self.p.looked_after
        r = s.rng
        due = s.wd.add(start, 20)
        n = 0
        while True:
            held = max(start + 1, due - r.randint(0, 8)) if s.chance(la.reviews_in_time) else due + r.randint(1, 20)
            if held >= end or held > s.end:
                break
            self.reviews.append((s.new_id("CR"), cla_id, due, held, "N", f"PN{r.randint(1, 7)}"))
            n += 1
            due = add_months(held, 3 if n == 1 else 6)

    def _health(self, child: Child, start: int, end: int) -> None:
        s, la = self.s, self.p.looked_after
        r = s.rng
        stop = min(end, s.end)
        # Health assessments: initial within 20 working days, then 6-monthly under 5, yearly from 5
        due = s.wd.add(start, 20)
        day = start + r.randint(5, 27) if s.chance(0.8) else due + r.randint(1, 40)
        while day <= stop:
            self.health.append((s.new_id("H"), child.person_id, "Health Assessment", day, "Completed"))
            interval = 182 if day - child.dob < 5 * YEAR else 365
            if s.chance(on_time_share(la.health_assessment_in_date, interval, 0.9 * interval, 150)):
                day += r.randint(int(interval * 0.8), interval)
            else:
                if s.chance(0.3) and day + interval - 5 <= stop:
                    self.health.append(
                        (
                            s.new_id("H"),
                            child.person_id,
                            "Health Assessment",
                            day + interval - 5,
                            "Refused" if day - child.dob > 12 * YEAR else "Cancelled",
                        )
                    )
                day += interval + r.randint(10, 290)
        # Dental checks: yearly
        day = start + r.randint(20, 200)
        dental_on_time = on_time_share(la.dental_check_in_date, 365, 307, 220)
        while day <= stop:
            self.health.append((s.new_id("H"), child.person_id, "Dental Check", day, "Completed"))
            if s.chance(dental_on_time):
                day += r.randint(250, 365)
            else:
                day += 365 + r.randint(20, 420)

    def _peps(self, child: Child, cla_id: str, start: int, end: int) -> None:
        """Personal Education Plans: initial within 10 working days, then one each school term, aged 4+."""
        s, la = self.s, self.p.looked_after
        r = s.rng
        stop = min(end, s.end)
        four = birthday(child.dob, 4)
        first = max(start, four)
        if first > stop:
            return
        initial = s.wd.add(first, r.randint(3, 10) if s.chance(0.9) else r.randint(11, 25))
        if initial <= stop:
            self.peps.append((s.new_id("PEP"), child.person_id, cla_id, initial, "Completed", True))
        year = dt.date.fromordinal(first).year - 1
        while True:
            terms = (
                (dt.date(year, 9, 4), dt.date(year, 12, 18)),
                (dt.date(year + 1, 1, 6), dt.date(year + 1, 3, 31)),
                (dt.date(year + 1, 4, 20), dt.date(year + 1, 7, 18)),
            )
            for t_start, t_end in terms:
                a, b = max(t_start.toordinal(), initial + 20), min(t_end.toordinal(), stop)
                if a <= b and s.chance(la.pep_in_date):
                    day = s.wd.on_or_after(r.randint(a, b))
                    self.peps.append(
                        (s.new_id("PEP"), child.person_id, cla_id, day if day <= b else a, "Completed", False)
                    )
            year += 1
            if dt.date(year, 9, 1).toordinal() > stop:
                break

    def _missing(self, child: Child, start: int, end: int, age: int) -> None:
        s, la = self.s, self.p.looked_after
        r = s.rng
        if age < 11 * YEAR or not s.chance(la.missing_share_teenagers):
            return
        stop = min(end, s.end)
        if stop <= start + 2:
            return
        for _ in range(1 + s.poisson(2)):
            day = r.randint(start + 1, stop - 1)
            back = min(day + r.randint(0, 3), stop)
            offered = "Y" if s.chance(0.9) else "N"
            self.missing.append(
                (
                    s.new_id("MS"),
                    child.person_id,
                    day,
                    "Missing" if s.chance(0.8) else "Absent",
                    back,
                    offered,
                    "Y" if offered == "Y" and s.chance(0.6) else "N",
                )
            )

    def _care_leaver(self, child: Child, left: int) -> None:
        s = self.s
        r = s.rng
        if left >= s.end or s.end > birthday(child.dob, 21):
            return
        in_touch = r.choice(("YES", "YES", "YES", "YES", "YES", "YES", "YES", "NO", "REFU"))
        contact = s.end - r.randint(0, 55) if in_touch == "YES" else s.end - r.randint(60, 300)
        self.leavers.append(
            (
                s.new_id("CL"),
                child.person_id,
                "Former relevant",
                in_touch,
                max(contact, left + 1),
                r.choice(("B", "C", "D", "E", "G", "H", "K", "R", "S", "T", "U")),
                "Suitable" if s.chance(0.9) else "Unsuitable",
                r.choice(("F1", "P1", "F2", "P2", "F3", "P3", "G4", "G5", "G6")),
                max(s.end - r.randint(0, 200), left + 1),
                None,
                None,
                None,
            )
        )

    # ------------------------------------------------------------------------------------- short breaks
    def short_breaks(self) -> None:
        """Disabled children in a series of short breaks (legal status V4): looked after for each break,
        but not counted as children looked after in DfE figures."""
        s, la = self.s, self.p.looked_after
        r = s.rng
        for _ in range(la.short_break_children):
            first = r.randint(s.start - 2 * YEAR, s.end - 60)
            child = self.fd.new_child(first, age_days=r.randint(6 * YEAR, 14 * YEAR))
            last_break = min(first + r.randint(YEAR, 4 * YEAR), birthday(child.dob, 18) - 30)
            ref_id = s.new_id("R")
            self.fd.referrals.append(
                (
                    ref_id,
                    child.person_id,
                    first - r.randint(20, 60),
                    "N2",
                    "5A",
                    "LA services: social care",
                    None,
                    "N",
                    "RC7",
                    last_break + 1,
                    None,
                    None,
                )
            )
            self.fd.phases.append(Phase(child.person_id, ref_id, "safeguarding", first - 20, last_break + 1))
            day = first
            while day <= last_break and day <= s.end:
                nights = r.randint(2, 3)
                cla_id = s.new_id("L")
                pid = s.new_id("PL")
                self.placements.append(
                    (pid, day, "U6", None, 5.0, cla_id, "PR1", None, day + nights, None, child.person_id)
                )
                self.episodes.append(
                    (
                        s.new_id("EP"),
                        child.person_id,
                        day,
                        "S",
                        "N2",
                        day + nights,
                        "E13",
                        cla_id,
                        ref_id,
                        pid,
                        day,
                        None,
                    )
                )
                self.legal.append((s.new_id("LS"), child.person_id, "V4", day, day + nights))
                day += r.randint(25, 40)
