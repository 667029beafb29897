"""Children's journeys from the front door: contacts, early help, referrals, assessments, section 47
enquiries, initial conferences, child protection plans and child in need plans.

Each journey is generated whole when it starts (a child's cases follow one another, never overlap), with
dates that may run past the end of the data; the writer turns anything after the end into "still open".
Allocations of workers are recorded as phases and given to workers later (cscperf.synth.allocation).
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate

from cscperf.synth.profile import Profile
from cscperf.synth.state import Row, SimulationState, add_months, birthday

# Month-of-year demand (Jan..Dec): fewer referrals in August, more in the autumn term.
SEASON = (1.0, 1.03, 1.05, 0.93, 1.02, 1.05, 1.0, 0.74, 1.04, 1.13, 1.12, 0.89)
WEEKEND_SHARE = 0.12  # demand on a weekend day or bank holiday relative to a working day

CONTACT_SOURCES = (
    ("1A", "Individual", 5),
    ("1B", "Individual: family member", 5),
    ("2A", "Schools", 18),
    ("2B", "Education services", 3),
    ("3A", "Health services: GP", 3),
    ("3B", "Health visitor", 4),
    ("3E", "A&E", 5),
    ("3F", "Other health services", 5),
    ("4", "Housing", 3),
    ("5A", "LA services: social care", 6),
    ("5C", "LA services: other", 3),
    ("6", "Police", 28),
    ("7", "Other legal agency", 3),
    ("8", "Other", 4),
    ("9", "Anonymous", 3),
    ("10", "Unknown", 2),
)
SOURCE_WEIGHTS = tuple(w for *_, w in CONTACT_SOURCES)
PRIMARY_NEED = (
    ("N1", 57),
    ("N2", 3),
    ("N3", 3),
    ("N4", 14),
    ("N5", 13),
    ("N6", 2),
    ("N7", 1),
    ("N8", 5),
    ("N9", 2),
)
ETHNICITY = (
    ("WBRI", 70),
    ("WOTH", 9),
    ("WIRT", 1),
    ("MWBC", 3),
    ("MWBA", 1),
    ("MWAS", 1),
    ("MOTH", 2),
    ("AIND", 2),
    ("APKN", 4),
    ("ABAN", 1),
    ("AOTH", 1),
    ("BAFR", 2),
    ("BCRB", 1),
    ("CHNE", 1),
    ("OOTH", 1),
)
CATEGORY = (
    ("Neglect", 50),
    ("Emotional abuse", 36),
    ("Physical abuse", 7),
    ("Sexual abuse", 4),
    ("Multiple", 3),
)
FORENAMES = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Arthur",
    "Ivy",
    "Muhammad",
    "Freya",
    "Leo",
    "Lily",
    "Harry",
    "Florence",
    "Oscar",
    "Evie",
    "Archie",
    "Rosie",
    "Jack",
    "Willow",
    "Henry",
    "Sophia",
    "Charlie",
    "Isabella",
    "Theo",
    "Grace",
    "Thomas",
    "Ella",
    "Jacob",
    "Poppy",
    "Alfie",
    "Daisy",
    "Finley",
    "Sienna",
    "Joshua",
    "Aria",
    "Teddy",
    "Layla",
    "Isaac",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
]
OUTCOME_FLAGS = (
    "NEW_REFERRAL_FLAG",
    "EXISTING_REFERRAL_FLAG",
    "CP_ENQUIRY_FLAG",
    "NFA_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "ADVICE_FLAG",
    "MISSING_FLAG",
    "OLA_CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)


def _outcome_json(*flags: str) -> str:
    return json.dumps({f: ("Y" if f in flags else "N") for f in OUTCOME_FLAGS})


OUTCOME_REFERRAL = _outcome_json("NEW_REFERRAL_FLAG")
OUTCOME_EXISTING = _outcome_json("EXISTING_REFERRAL_FLAG")
OUTCOME_NFA = _outcome_json("NFA_FLAG")
OUTCOME_ADVICE = _outcome_json("ADVICE_FLAG")
OUTCOME_EARLY_HELP = _outcome_json("OTHER_OUTCOMES_EXIST_FLAG")


@dataclass(slots=True)
class Child:
    """A child known to the council (one ssd_person row)."""

    person_id: str
    dob: int
    sex: str
    ethnicity: str
    unborn_at_first_contact: bool = False
    plans_before: int = 0
    last_day: int = 0  # the day before the 18th birthday, once worked out
    first_seen: int = 0  # the day the child first came to the council's attention in this data
    history_checked: bool = False  # whether an earlier (pre-data) CP plan has been considered
    forename: str = ""
    surname: str = ""


@dataclass(slots=True)
class Phase:
    """A stretch of time a child's case is held by a team of one kind (allocated later to workers)."""

    person_id: str
    referral_id: str | None
    team_kind: str
    start: int
    end: int
    patch: list[tuple[list[object], int, int]] = field(default_factory=list)  # (row, worker col, team col)


@cache
def _running_totals(weights: tuple[int, ...]) -> tuple[list[int], int]:
    totals = list(accumulate(weights))
    return totals, totals[-1]


VISIT_SEEN = 0.985  # share of statutory visits at which the child is seen


def visit_on_time_share(in_time: float) -> float:
    """Share of visit gaps to draw within the interval so that `in_time` of visits count as in time the way
    the indicators measure it (the child seen, within the interval of the last visit at which they were
    seen, and each overdue child counted too): unseen visits and overdue children cost about 3 points."""
    return min(0.995, in_time / VISIT_SEEN + 0.03)


def weighted_index(u: float, weights: tuple[int, ...]) -> int:
    """Index drawn with the given weights, from a uniform number u in [0, 1)."""
    totals, total = _running_totals(weights)
    return min(bisect_right(totals, u * total), len(weights) - 1)


_WEIGHTS: dict[int, tuple[int, ...]] = {}


def weighted(u: float, table: tuple[tuple[str, int], ...]) -> str:
    """A code drawn from a (code, weight) table, from a uniform number u in [0, 1)."""
    weights = _WEIGHTS.get(id(table))
    if weights is None:
        weights = _WEIGHTS[id(table)] = tuple(w for _, w in table)
    return table[weighted_index(u, weights)][0]


@lru_cache(maxsize=4096)
def _json(items: tuple[tuple[str, str], ...]) -> str:
    return json.dumps(dict(items))


def json_text(values: dict[str, str]) -> str:
    """JSON text of a small flat dictionary (cached: the same few outcomes recur thousands of times)."""
    return _json(tuple(values.items()))


class FrontDoor:
    """Generates the journeys of children through contacts, referrals, assessments, CP and CIN plans."""

    def __init__(self, state: SimulationState, profile: Profile) -> None:
        self.s = state
        self.p = profile
        self.children: dict[str, Child] = {}
        self.phases: list[Phase] = []
        self.returns: list[tuple[int, int, str]] = []  # heap of (day, seq, person_id)
        self._seq = 0
        self.care: CareStarter | None = None
        d = state.declare
        self.contacts = d(
            "ssd_contacts",
            (
                "cont_contact_id",
                "cont_person_id",
                "cont_contact_date",
                "cont_contact_source_code",
                "cont_contact_source_desc",
                "cont_contact_outcome_json",
            ),
        )
        self.referrals = d(
            "ssd_cin_episodes",
            (
                "cine_referral_id",
                "cine_person_id",
                "cine_referral_date",
                "cine_cin_primary_need_code",
                "cine_referral_source_code",
                "cine_referral_source_desc",
                "cine_referral_outcome_json",
                "cine_referral_nfa",
                "cine_close_reason",
                "cine_close_date",
                "cine_referral_team",
                "cine_referral_worker_id",
            ),
        )
        self.assessments = d(
            "ssd_cin_assessments",
            (
                "cina_assessment_id",
                "cina_person_id",
                "cina_referral_id",
                "cina_assessment_start_date",
                "cina_assessment_child_seen",
                "cina_assessment_auth_date",
                "cina_assessment_outcome_json",
                "cina_assessment_outcome_nfa",
                "cina_assessment_team",
                "cina_assessment_worker_id",
            ),
        )
        self.s47s = d(
            "ssd_s47_enquiry",
            (
                "s47e_s47_enquiry_id",
                "s47e_referral_id",
                "s47e_person_id",
                "s47e_s47_start_date",
                "s47e_s47_end_date",
                "s47e_s47_nfa",
                "s47e_s47_outcome_json",
                "s47e_s47_completed_by_worker_id",
                "s47e_s47_completed_by_team",
            ),
        )
        self.icpcs = d(
            "ssd_initial_cp_conference",
            (
                "icpc_icpc_id",
                "icpc_icpc_meeting_id",
                "icpc_s47_enquiry_id",
                "icpc_person_id",
                "icpc_cp_plan_id",
                "icpc_referral_id",
                "icpc_icpc_transfer_in",
                "icpc_icpc_target_date",
                "icpc_icpc_date",
                "icpc_icpc_outcome_cp_flag",
                "icpc_icpc_outcome_json",
            ),
        )
        self.cp_plans = d(
            "ssd_cp_plans",
            (
                "cppl_cp_plan_id",
                "cppl_referral_id",
                "cppl_icpc_id",
                "cppl_person_id",
                "cppl_cp_plan_start_date",
                "cppl_cp_plan_end_date",
                "cppl_cp_plan_initial_category",
                "cppl_cp_plan_ola",
                "cppl_cp_plan_latest_category",
            ),
        )
        self.cp_previous = d("cscperf_cp_plan_previous", ("cppl_cp_plan_id", "number_of_previous_cp_plans"))
        self.cp_visits = d(
            "ssd_cp_visits",
            (
                "cppv_cp_visit_id",
                "cppv_person_id",
                "cppv_cp_plan_id",
                "cppv_cp_visit_date",
                "cppv_cp_visit_seen",
                "cppv_cp_visit_seen_alone",
                "cppv_cp_visit_bedroom",
            ),
        )
        self.cp_reviews = d(
            "ssd_cp_reviews",
            (
                "cppr_cp_review_id",
                "cppr_person_id",
                "cppr_cp_plan_id",
                "cppr_cp_review_due",
                "cppr_cp_review_date",
                "cppr_cp_review_meeting_id",
                "cppr_cp_review_outcome_continue_cp",
                "cppr_cp_review_quorate",
                "cppr_cp_review_participation",
            ),
        )
        self.cin_plans = d(
            "ssd_cin_plans",
            (
                "cinp_cin_plan_id",
                "cinp_referral_id",
                "cinp_person_id",
                "cinp_cin_plan_start_date",
                "cinp_cin_plan_end_date",
                "cinp_cin_plan_team",
                "cinp_cin_plan_worker_id",
            ),
        )
        self.cin_visits = d(
            "ssd_cin_visits",
            (
                "cinv_cin_visit_id",
                "cinv_person_id",
                "cinv_cin_visit_date",
                "cinv_cin_visit_seen",
                "cinv_cin_visit_seen_alone",
                "cinv_cin_visit_bedroom",
            ),
        )
        self.early_help = d(
            "ssd_early_help_episodes",
            (
                "earl_episode_id",
                "earl_person_id",
                "earl_episode_start_date",
                "earl_episode_end_date",
                "earl_episode_reason",
                "earl_episode_end_reason",
                "earl_episode_organisation",
                "earl_episode_worker_id",
            ),
        )

    # ----------------------------------------------------------------------------------------- children
    def new_child(self, day: int, age_days: int | None = None) -> Child:
        """A child not known before, aged as contacts are (a few are unborn)."""
        r = self.s.rng
        unborn = False
        if age_days is None:
            u = r.random()
            if u < 0.02:
                age_days, unborn = -r.randint(20, 150), True
            elif u < 0.30:
                age_days = r.randint(0, 5 * 365)
            elif u < 0.58:
                age_days = r.randint(5 * 365, 10 * 365)
            elif u < 0.92:
                age_days = r.randint(10 * 365, 16 * 365)
            else:
                age_days = r.randint(16 * 365, 18 * 365 - 60)
        unborn = unborn or age_days < 0
        child = Child(
            person_id=self.s.new_id("P"),
            dob=day - age_days,
            sex="M" if r.random() < 0.51 else "F",
            ethnicity=weighted(r.random(), ETHNICITY),
            unborn_at_first_contact=unborn,
            forename=r.choice(FORENAMES),
            surname=r.choice(SURNAMES),
        )
        child.first_seen = day
        self.children[child.person_id] = child
        return child

    def last_day_as_child(self, child: Child) -> int:
        """The day before the 18th birthday: the last day a child can be open to children's services."""
        if child.last_day == 0:
            child.last_day = birthday(child.dob, 18) - 1
        return child.last_day

    # ----------------------------------------------------------------------------------------- front door
    def run_front_door(self, start: int, end: int) -> None:
        """Contacts day by day from `start` to `end`, and the returns of children whose cases closed."""
        s, p = self.s, self.p
        fd = p.front_door
        per_year = fd.contacts_per_10k * p.council.population_0_17 / 10_000
        # Spread the annual volume over the days of the year by season and working day.
        year_weight = sum(self._day_weight(day) for day in range(start, start + 365))
        per_weight = per_year / year_weight
        for day in range(start, end + 1):
            for _ in range(s.poisson(per_weight * self._day_weight(day))):
                child = self.new_child(day)
                self.contact(child, day, self.draw_outcome())
            while self.returns and self.returns[0][0] <= day:
                _, _, pid = heapq.heappop(self.returns)
                outcome = "referral" if s.chance(0.6) else self.draw_outcome()
                self.contact(self.children[pid], day, outcome)

    def _day_weight(self, day: int) -> float:
        month = dt.date.fromordinal(day).month
        return SEASON[month - 1] * (1.0 if self.s.wd.working_day(day) else WEEKEND_SHARE)

    def draw_outcome(self) -> str:
        fd = self.p.front_door
        u = self.s.rng.random()
        if u < fd.share_referral:
            return "referral"
        if u < fd.share_referral + fd.share_early_help:
            return "early_help"
        if u < fd.share_referral + fd.share_early_help + fd.share_advice:
            return "advice"
        return "nfa"

    def schedule_return(self, child: Child, closed: int) -> None:
        fd = self.p.front_door
        if self.s.chance(fd.return_after_closure):
            day = closed + 1 + int(self.s.rng.expovariate(1 / fd.return_mean_days))
            if day <= self.s.end and day < self.last_day_as_child(child) - 30:
                self._seq += 1
                heapq.heappush(self.returns, (day, self._seq, child.person_id))

    def contact(self, child: Child, day: int, outcome: str, *, schedule: bool = True) -> None:
        s = self.s
        code, desc, _ = self._source()
        json_outcome = {
            "referral": OUTCOME_REFERRAL,
            "early_help": OUTCOME_EARLY_HELP,
            "advice": OUTCOME_ADVICE,
        }.get(outcome, OUTCOME_NFA)
        self.contacts.append((s.new_id("C"), child.person_id, day, code, desc, json_outcome))
        if outcome == "referral":
            ref_day = s.wd.add(day, 0 if s.chance(0.7) else s.rng.randint(1, 2))
            if ref_day >= self.last_day_as_child(child) - 5:
                return  # too close to adulthood for children's services to take a referral
            closed = self.referral(child, ref_day, code, desc)
        elif outcome == "early_help":
            closed = self.early_help_episode(child, s.wd.add(day, s.rng.randint(1, 10)))
        else:
            return
        if schedule and closed is not None:
            self.schedule_return(child, closed)

    def _source(self) -> tuple[str, str, int]:
        return CONTACT_SOURCES[weighted_index(self.s.rng.random(), SOURCE_WEIGHTS)]

    # ----------------------------------------------------------------------------------------- early help
    def early_help_episode(self, child: Child, start: int) -> int | None:
        """An early help episode; returns the day it closed (None when it stepped up to a referral)."""
        s = self.s
        r = s.rng
        end = min(start + r.randint(50, 300), self.last_day_as_child(child))
        end = max(end, start + 1)
        step_up = s.chance(self.p.front_door.early_help_step_up)
        if step_up:
            end_reason = "Step up to social care"
        else:
            end_reason = r.choice(
                (
                    "Outcomes met",
                    "Outcomes met",
                    "Outcomes met",
                    "Disengaged",
                    "Moved away",
                    "Step down to universal services",
                )
            )
        row: list[object] = [
            s.new_id("E"),
            child.person_id,
            start,
            end,
            r.choice(
                (
                    "Family relationships",
                    "Parenting support",
                    "School attendance",
                    "Emotional wellbeing",
                    "Domestic abuse",
                    "Behaviour",
                )
            ),
            end_reason,
            r.choice(
                (
                    "Local authority early help",
                    "Local authority early help",
                    "School",
                    "Health",
                    "Voluntary sector",
                )
            ),
            None,
        ]
        self.early_help.append(row)
        phase = Phase(child.person_id, None, "early_help", start, end)
        phase.patch.append((row, 7, -1))
        self.phases.append(phase)
        if step_up and end <= s.end:
            self.contact(child, end, "referral", schedule=True)
            return None
        return end

    # ----------------------------------------------------------------------------------------- referral
    def referral(
        self, child: Child, day: int, source: str, source_desc: str, route: str = "", plan_open_on: int = 0
    ) -> int | None:
        """A referral and everything that follows it; returns the day the case closed (None if it led to care).

        `route` forces the journey: "cp" to a child protection plan, "care" (with care_route) into care.
        """
        s, p = self.s, self.p
        r = s.rng
        a = p.assessment
        ref_id = s.new_id("R")
        last = self.last_day_as_child(child)
        need = weighted(r.random(), PRIMARY_NEED)
        ref_row = self.referral_row(ref_id, child, day, need, source, source_desc)
        existing = p.front_door.existing_case_contacts_a_year

        if not route and s.chance(a.referral_nfa):
            nfa_close = day + (0 if s.chance(0.6) else r.randint(1, 3))
            ref_row[6] = json_text({"NFA_FLAG": "Y", "ASSESSMENT_FLAG": "N", "S47_FLAG": "N"})
            ref_row[7], ref_row[8], ref_row[9] = "Y", "RC8", nfa_close
            phase = Phase(child.person_id, ref_id, "assessment", day, nfa_close)
            phase.patch.append((ref_row, 11, 10))
            self.phases.append(phase)
            return nfa_close

        care_route = ""
        if route.startswith("care"):
            care_route = route.split(":", 1)[1]
        # Assessment
        a_start = s.wd.add(day, 0 if s.chance(0.55) else r.randint(1, 4))
        duration = int(r.triangular(3, 45, 33)) if s.chance(a.within_45wd) else 46 + int(r.expovariate(1 / 14))
        auth = s.wd.add(a_start, duration)
        assess_row: list[object] = [
            s.new_id("A"),
            child.person_id,
            ref_id,
            a_start,
            "Y" if s.chance(0.97) else "N",
            auth,
            None,
            "N",
            None,
            None,
        ]
        self.assessments.append(assess_row)

        # Section 47 and initial conference
        plan_start: int | None = None
        s47_flag = route == "cp" or care_route == "cp" or (not route and s.chance(a.s47_share))
        if s47_flag:
            s47_start = s.wd.add(day, r.randint(0, 3))
            s47_end = s.wd.add(s47_start, r.randint(3, 14))
            want_icpc = route == "cp" or care_route == "cp" or s.chance(a.icpc_share)
            icpc_day = None
            if want_icpc:
                lag = r.randint(5, 15) if s.chance(a.icpc_within_15wd) else r.randint(16, 28)
                icpc_day = s.wd.add(s47_start, lag)
                s47_end = min(s47_end, icpc_day)
            s47_id = s.new_id("S")
            self.s47s.append(
                (
                    s47_id,
                    ref_id,
                    child.person_id,
                    s47_start,
                    s47_end,
                    "N" if want_icpc else "Y",
                    json_text({"ICPC_FLAG": "Y" if want_icpc else "N", "NFA_FLAG": "N" if want_icpc else "Y"}),
                    None,
                    None,
                )
            )
            if icpc_day is not None and icpc_day < last - 60:
                makes_plan = route == "cp" or care_route == "cp" or s.chance(a.icpc_plan_share)
                icpc_id = s.new_id("I")
                plan_id = s.new_id("CP") if makes_plan else None
                self.icpcs.append(
                    (
                        icpc_id,
                        s.new_id("M"),
                        s47_id,
                        child.person_id,
                        plan_id,
                        ref_id,
                        "N",
                        s.wd.add(s47_start, 15),
                        icpc_day,
                        "Y" if makes_plan else "N",
                        json_text({"CP_PLAN_FLAG": "Y" if makes_plan else "N"}),
                    )
                )
                if makes_plan and plan_id is not None:
                    plan_start = icpc_day
                    plan_id_for = plan_id
                    icpc_for = icpc_id

        # Allocation: the assessment team holds the case until the assessment is authorised
        outcome = {
            "NFA_FLAG": "N",
            "CIN_PLAN_FLAG": "N",
            "CP_PLAN_FLAG": "N",
            "CLA_FLAG": "N",
            "EH_FLAG": "N",
        }
        care_start: int | None = None
        if care_route == "emergency":
            care_start = day
        elif care_route == "assessment":
            care_start = auth

        assess_end = auth if care_start is None else min(auth, care_start)
        phase = Phase(child.person_id, ref_id, "assessment", day, max(assess_end, day))
        phase.patch += [(ref_row, 11, 10), (assess_row, 9, 8)]
        self.phases.append(phase)

        close: int | None
        if plan_start is not None and care_start is None:
            outcome["CP_PLAN_FLAG"] = "Y"
            plan_end, next_step = self.cp_plan(
                child,
                ref_id,
                plan_id_for,
                icpc_for,
                plan_start,
                to_care=care_route == "cp",
                min_end=plan_open_on,
            )
            self.existing_contacts(child, day, plan_end, existing)
            if next_step == "care":
                close = None
                assert self.care is not None
                self.care.enter_care(child, plan_end, ref_id, ref_row)
            elif next_step == "cin":
                close = self.cin_plan(child, ref_id, plan_end)
                ref_row[8] = "RC7"
            else:
                close = plan_end
                ref_row[8] = "RC7"
        elif care_start is not None:
            outcome["CLA_FLAG"] = "Y"
            close = None
            assert self.care is not None
            self.care.enter_care(child, care_start, ref_id, ref_row)
        elif s.chance(a.cin_plan_share):
            outcome["CIN_PLAN_FLAG"] = "Y"
            close = self.cin_plan(child, ref_id, auth)
            self.existing_contacts(child, day, close, existing)
            ref_row[8] = "RC7"
        else:
            outcome["NFA_FLAG"] = "Y"
            close = auth
            assess_row[7] = "Y"
            free: int | None = close
            if s.chance(a.early_help_after) and auth < last - 30:
                outcome["EH_FLAG"] = "Y"
                ref_row[8] = "RC9"
                free = self.early_help_episode(child, s.wd.add(auth, 1))
            else:
                ref_row[8] = "RC8"
        assess_row[6] = json_text(outcome)
        ref_row[6] = json_text({"NFA_FLAG": "N", "ASSESSMENT_FLAG": "Y", "S47_FLAG": "Y" if s47_flag else "N"})
        if close is not None:
            close = min(close, last)
            ref_row[9] = close
            if outcome["EH_FLAG"] == "Y":
                return free  # early help carries on (and may step up); the child is free when it ends
        return close

    def referral_row(
        self, ref_id: str, child: Child, day: int, need: str, source: str, source_desc: str
    ) -> list[object]:
        """A new, still open referral (ssd_cin_episodes row) to fill in as the journey unfolds."""
        row: list[object] = [ref_id, child.person_id, day, need, source, source_desc, None, "N", None, None, None, None]
        self.referrals.append(row)
        return row

    def existing_contacts(self, child: Child, start: int, end: int, per_year: float) -> None:
        """Contacts about a child whose case is already open (kept out of the conversion rate)."""
        s = self.s
        end = min(end, s.end)
        if end <= start:
            return
        n = s.poisson(per_year * (end - start) / 365)
        for _ in range(n):
            day = s.rng.randint(start, end - 1)
            code, desc, _ = self._source()
            self.contacts.append((s.new_id("C"), child.person_id, day, code, desc, OUTCOME_EXISTING))

    # ----------------------------------------------------------------------------------------- CP plan
    def cp_duration(self) -> int:
        r = self.s.rng
        u = r.random()
        if u < 0.12:
            return r.randint(60, 180)
        if u < 0.82:
            return r.randint(181, 365)
        if u < 0.98:
            return r.randint(366, 520)
        return r.randint(521, 700)

    def cp_plan(
        self,
        child: Child,
        ref_id: str,
        plan_id: str,
        icpc_id: str,
        start: int,
        *,
        to_care: bool = False,
        min_end: int = 0,
    ) -> tuple[int, str]:
        """A child protection plan with its visits and reviews; returns (end day, what follows)."""
        s, p = self.s, self.p
        cp = p.child_protection
        r = s.rng
        if child.plans_before == 0:
            self.maybe_history(child, min(child.first_seen, start) - 30)
        duration = self.cp_duration()
        if min_end:
            # An opening-stock plan must still be open at the start: redraw (plans cannot outlast 700 days).
            if start + 700 <= min_end:
                duration = min_end - start + r.randint(1, 30)
            while start + duration <= min_end:
                duration = self.cp_duration()
        if to_care:
            duration = r.randint(60, 300)
        end = min(start + duration, self.last_day_as_child(child))
        end = max(end, start + 1)
        category = weighted(r.random(), CATEGORY)
        latest = category if s.chance(0.85) else weighted(r.random(), CATEGORY)
        self.cp_plans.append((plan_id, ref_id, icpc_id, child.person_id, start, end, category, "N", latest))
        self.cp_previous.append((plan_id, child.plans_before))
        child.plans_before += 1
        phase = Phase(child.person_id, ref_id, "safeguarding", start, end)
        self.phases.append(phase)

        # Visits: the first from the plan start, then each within the interval of the one before
        interval = cp.visit_interval_working_days
        on_time = visit_on_time_share(cp.visits_in_time)
        age_ok = child.dob + 5 * 365
        prev = start
        first = True
        while True:
            if s.chance(on_time):
                gap = r.randint(0, interval) if first else r.randint(max(1, interval - 4), interval)
            else:
                gap = interval + r.randint(1, 6)
            day = s.wd.add(prev, gap)
            if day > end or day > s.end:
                break
            seen = "Y" if s.chance(VISIT_SEEN) else "N"
            alone = "Y" if seen == "Y" and day >= age_ok and s.chance(0.6) else "N"
            self.cp_visits.append(
                (
                    s.new_id("V"),
                    child.person_id,
                    plan_id,
                    day,
                    seen,
                    alone,
                    "Y" if seen == "Y" and s.chance(0.5) else "N",
                )
            )
            prev = day
            first = False

        # Reviews: first within 3 months of the conference, then at most 6-monthly
        due = add_months(start, 3)
        while True:
            held = due - r.randint(0, 10) if s.chance(cp.reviews_in_time) else due + r.randint(1, 25)
            if held >= end or held > s.end:
                break
            self.cp_reviews.append(
                (
                    s.new_id("W"),
                    child.person_id,
                    plan_id,
                    due,
                    held,
                    s.new_id("M"),
                    "Y",
                    "Y" if s.chance(0.95) else "N",
                    "Y" if s.chance(0.7) else "N",
                )
            )
            due = add_months(held, 6)

        if to_care:
            return end, "care"
        if end >= self.last_day_as_child(child):
            return end, "close"
        return end, ("cin" if s.chance(cp.end_to_cin) else "close")

    # ----------------------------------------------------------------------------------------- CIN plan
    def cin_plan(self, child: Child, ref_id: str, start: int) -> int:
        s = self.s
        r = s.rng
        end = min(start + r.randint(60, 330), self.last_day_as_child(child))
        end = max(end, start + 1)
        row: list[object] = [s.new_id("N"), ref_id, child.person_id, start, end, None, None]
        self.cin_plans.append(row)
        phase = Phase(child.person_id, ref_id, "safeguarding", start, end)
        phase.patch.append((row, 6, 5))
        self.phases.append(phase)
        prev = start
        while True:
            gap = r.randint(8, 20) if s.chance(0.85) else r.randint(21, 35)
            day = s.wd.add(prev, gap)
            if day > end or day > s.end:
                break
            seen = "Y" if s.chance(0.95) else "N"
            self.cin_visits.append(
                (
                    s.new_id("V"),
                    child.person_id,
                    day,
                    seen,
                    "Y" if seen == "Y" and s.chance(0.5) else "N",
                    "N",
                )
            )
            prev = day
        return end

    # ----------------------------------------------------------------------------------------- opening stock
    def opening_cp_stock(self) -> None:
        """Exactly the target number of children on a plan when the simulation starts, with the history that
        led to each plan (referral, assessment, enquiry, conference)."""
        s, cp = self.s, self.p.child_protection
        kept = 0
        while kept < cp.target_open:
            day = s.rng.randint(s.start - 650, s.start - 1)
            if self.cp_duration() + day <= s.start:
                continue
            child = self.new_child(day - 30)
            if self.last_day_as_child(child) < s.start + 90:
                continue
            kept += 1
            self.maybe_history(child, day - 30)
            code, desc, _ = self._source()
            closed = self.referral(child, day - 30, code, desc, route="cp", plan_open_on=s.start)
            if closed is not None:
                self.schedule_return(child, closed)

    def maybe_history(self, child: Child, before: int) -> None:
        """Give some children an earlier child protection plan (years before), as real histories have."""
        s = self.s
        if child.history_checked:
            return
        child.history_checked = True
        if not s.chance(self.p.child_protection.previous_plan_share):
            return
        start = before - s.rng.randint(400, 1800)
        end = start + s.rng.randint(150, 380)
        if start <= child.dob + 30 or end >= before - 60:
            return
        ref_id = s.new_id("R")
        self.referrals.append(
            (
                ref_id,
                child.person_id,
                start - 25,
                "N1",
                "6",
                "Police",
                json_text({"NFA_FLAG": "N", "ASSESSMENT_FLAG": "Y", "S47_FLAG": "Y"}),
                "N",
                "RC7",
                end,
                None,
                None,
            )
        )
        plan_id = s.new_id("CP")
        self.cp_plans.append(
            (
                plan_id,
                ref_id,
                None,
                child.person_id,
                start,
                end,
                weighted(s.rng.random(), CATEGORY),
                "N",
                None,
            )
        )
        self.cp_previous.append((plan_id, child.plans_before))
        child.plans_before += 1

    def person_rows(self) -> list[Row]:
        rows: list[Row] = []
        for c in self.children.values():
            rows.append(
                (
                    c.person_id,
                    c.forename,
                    c.surname,
                    c.sex,
                    "M" if c.sex == "M" else "F",
                    c.ethnicity,
                    c.dob if c.dob <= self.s.end else None,
                    None,
                    None,
                    "N",
                    "N",
                    c.dob if c.unborn_at_first_contact else None,
                    None,
                    "N",
                    None,
                )
            )
        return rows


class CareStarter:
    """What the front door needs from the looked-after simulation: a way into care."""

    def enter_care(self, child: Child, day: int, referral_id: str, referral_row: list[object]) -> None:
        raise NotImplementedError
