"""The workforce: teams, funded posts, employed and agency workers filling them over time, leavers,
vacancies, maternity leave with agency cover, and the allocation of children's cases to workers.

Posts are sized from the demand the journeys create (open cases of each kind divided by the target
caseload), so realised caseloads land near the profile's target. Allocation is an event simulation: a case
goes to the available worker in the right kind of team with the fewest cases per FTE; when a worker leaves
or starts a long absence, their cases move to colleagues ("Worker left" / "Worker absent").
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

from cscperf.synth.journeys import FORENAMES, SURNAMES, Phase
from cscperf.synth.profile import Profile
from cscperf.synth.state import SimulationState

YEAR = 365
# Team kinds: (team name stem, role of the workers, qualified social workers?, caseload relative to target)
TEAM_KINDS: dict[str, tuple[str, str, bool, float]] = {
    "assessment": ("Assessment Team", "Allocated Social Worker", True, 1.0),
    "safeguarding": ("Family Safeguarding Team", "Allocated Social Worker", True, 1.0),
    "care": ("Children in Care Team", "Allocated Social Worker", True, 0.85),
    "early_help": ("Early Help Team", "Early Help Practitioner", False, 0.9),
}
WORKER_FTE = ((1.0, 75), (0.8, 12), (0.6, 8), (0.5, 5))


@dataclass(frozen=True, slots=True)
class Post:
    """A funded post: its team, the kind of team, its title, FTE and whether it needs a social worker."""

    post_id: str
    team_id: str
    kind: str
    title: str
    qualified: bool
    fte: float


@dataclass(slots=True)
class Worker:
    professional_id: str
    team_id: str
    kind: str
    fte: float
    agency: bool
    start: int
    end: int  # last day (inclusive)
    capacity: float = 1.0  # how many cases the worker takes relative to others of the same FTE
    absences: list[tuple[int, int]] = field(default_factory=list)
    cases: set[int] = field(default_factory=set)


class Workforce:
    """Builds the establishment and its workers, then allocates the journeys' phases to them."""

    def __init__(self, state: SimulationState, profile: Profile) -> None:
        self.s = state
        self.p = profile
        d = state.declare
        self.departments = d(
            "ssd_department",
            ("dept_team_id", "dept_team_name", "dept_team_parent_id", "dept_team_parent_name"),
        )
        self.professionals = d(
            "ssd_professionals",
            (
                "prof_professional_id",
                "prof_staff_id",
                "prof_professional_name",
                "prof_social_worker_registration_no",
                "prof_professional_job_title",
                "prof_professional_caseload",
                "prof_professional_department",
                "prof_full_time_equivalency",
                "prof_agency_worker_flag",
            ),
        )
        self.posts = d(
            "cscperf_sw_posts",
            (
                "post_id",
                "post_team_id",
                "post_title",
                "post_fte",
                "post_start_date",
                "post_end_date",
                "post_case_holding",
                "post_qualified",
            ),
        )
        self.assignments = d(
            "cscperf_sw_assignments",
            (
                "assignment_id",
                "assignment_post_id",
                "assignment_professional_id",
                "assignment_start_date",
                "assignment_end_date",
                "assignment_fte",
                "contract_type",
                "cover_reason",
                "end_reason",
            ),
        )
        self.absence_rows = d(
            "cscperf_sw_absences",
            (
                "absence_id",
                "absence_professional_id",
                "absence_type",
                "absence_start_date",
                "absence_end_date",
            ),
        )
        self.involvements = d(
            "ssd_involvements",
            (
                "invo_involvements_id",
                "invo_professional_id",
                "invo_professional_role_id",
                "invo_professional_team",
                "invo_involvement_start_date",
                "invo_involvement_end_date",
                "invo_worker_change_reason",
                "invo_person_id",
                "invo_referral_id",
            ),
        )
        self.workers: list[Worker] = []
        self.team_names: dict[str, str] = {}

    # ------------------------------------------------------------------------------------------ establishment
    def build(self, phases: list[Phase], window_start: int) -> None:
        """Size the teams from the demand in `phases` and simulate who fills each post when."""
        s, wf = self.s, self.p.workforce
        parent = s.new_id("T")
        self.departments.append((parent, "Children's Social Care", None, None))
        span = max(1, s.end - window_start + 1)
        demand: dict[str, float] = dict.fromkeys(TEAM_KINDS, 0.0)
        for ph in phases:
            a, b = max(ph.start, window_start), min(ph.end, s.end)
            if b > a:
                demand[ph.team_kind] += (b - a) / span
        mean_fte = sum(f * w for f, w in WORKER_FTE) / sum(w for _, w in WORKER_FTE)
        v, ag = wf.vacancy_rate, wf.agency_rate
        # Share of vacancies covered by agency so that agency/(agency+employed) comes out at the target.
        maternity_cover = wf.maternity_a_year * 0.85 * 0.8
        cover = min(1.0, max(0.0, (ag / (1 - ag) - maternity_cover) / (v / (1 - v)))) if v > 0 else 0.0
        self.cover_share = cover
        effective = mean_fte * ((1 - v) * (1 - wf.maternity_a_year * 0.8 * (1 - 0.85)) + v * cover)
        for kind, (stem, _, qualified, relative) in TEAM_KINDS.items():
            target = wf.target_caseload * relative
            n_posts = max(2, round(demand[kind] / target / effective))
            n_teams = max(1, round(n_posts / wf.team_size))
            for t in range(n_teams):
                team_id = s.new_id("T")
                name = f"{stem} {t + 1}" if n_teams > 1 else stem
                self.team_names[team_id] = name
                self.departments.append((team_id, name, parent, "Children's Social Care"))
                size = n_posts // n_teams + (1 if t < n_posts % n_teams else 0)
                for _ in range(size):
                    self._post(
                        team_id,
                        kind,
                        "Social Worker" if qualified else "Early Help Practitioner",
                        case_holding=True,
                        qualified=qualified,
                    )
                self._post(team_id, kind, "Team Manager", case_holding=False, qualified=qualified)
        iro_team = s.new_id("T")
        self.team_names[iro_team] = "Independent Reviewing and CP Chairs"
        self.departments.append((iro_team, self.team_names[iro_team], parent, "Children's Social Care"))
        n_iro = max(2, round((self.p.looked_after.target_open + self.p.child_protection.target_open) / 70))
        for _ in range(n_iro):
            self._post(iro_team, "iro", "Independent Reviewing Officer", case_holding=False, qualified=True)

    def _post(self, team_id: str, kind: str, title: str, *, case_holding: bool, qualified: bool) -> None:
        s, wf = self.s, self.p.workforce
        r = s.rng
        post = Post(s.new_id("SP"), team_id, kind, title, qualified, _weighted_fte(r.random()))
        self.posts.append(
            (post.post_id, team_id, title, post.fte, s.start - r.randint(YEAR, 8 * YEAR), None, case_holding, qualified)
        )
        mean_vacancy = max(30.0, YEAR * wf.vacancy_rate / max(0.01, wf.turnover_rate * (1 - wf.vacancy_rate)) - 20)
        # Opening state: filled by an employed worker, or vacant (maybe covered by agency); then in turn a
        # vacancy after each leaver and a new employed worker after each vacancy.
        if s.chance(wf.vacancy_rate):
            gap_end = s.start + int(r.expovariate(1 / mean_vacancy))
            self._vacancy(post, s.start, gap_end, "vacancy")
            day = gap_end + 1
            if day <= s.end:
                day = self._employed(post, day, day)
        else:
            day = self._employed(post, s.start - r.randint(0, 6 * YEAR), s.start)
        while day <= s.end:
            gap_end = day + 20 + int(r.expovariate(1 / mean_vacancy))
            self._vacancy(post, day, gap_end, "vacancy")
            day = gap_end + 1
            if day <= s.end:
                day = self._employed(post, day, day)

    def _employed(self, post: Post, hired: int, visible_from: int) -> int:
        """An employed worker in the post from `hired`; returns the first day after they leave."""
        s, wf = self.s, self.p.workforce
        r = s.rng
        stay = 1 + int(r.expovariate(max(0.01, wf.turnover_rate) / YEAR))
        while hired + stay < visible_from:  # opening workers must still be in post at the start
            stay = 1 + int(r.expovariate(max(0.01, wf.turnover_rate) / YEAR))
        last = hired + stay - 1
        worker = self._in_post(post, hired, last, agency=False, cover=None)
        # Maternity leave (covered by agency most of the time)
        day = max(hired, s.start - YEAR)
        while True:
            day += 1 + int(r.expovariate(wf.maternity_a_year / YEAR)) if wf.maternity_a_year > 0 else 10**6
            if day > min(last, s.end) - 30:
                break
            a_end = min(day + r.randint(270, 365), last)
            worker.absences.append((day, a_end))
            self.absence_rows.append((s.new_id("AB"), worker.professional_id, "maternity", day, a_end))
            if s.chance(0.85):
                self._vacancy(
                    post,
                    day + r.randint(0, 20),
                    a_end,
                    "maternity",
                    always_cover=True,
                )
            day = a_end + 1
        return last + 1

    def _vacancy(
        self,
        post: Post,
        start: int,
        end: int,
        reason: str,
        *,
        always_cover: bool = False,
    ) -> None:
        """A gap in the post from start to end, covered by a run of agency workers if the council covers it."""
        s = self.s
        r = s.rng
        if not always_cover and not s.chance(self.cover_share):
            return
        day = start + (0 if always_cover else r.randint(0, 14))
        while day <= min(end, s.end):
            last = min(end, day + 30 + int(r.expovariate(1 / 200)))
            self._in_post(post, day, last, agency=True, cover=reason)
            day = last + 1 + r.randint(0, 7)

    def _in_post(
        self,
        post: Post,
        start: int,
        last: int,
        *,
        agency: bool,
        cover: str | None,
    ) -> Worker:
        """A worker (employed, or agency covering `cover`) in the post from `start` to `last`."""
        s = self.s
        worker = self._worker(post, agency=agency, start=start, end=last)
        ended = last <= s.end
        self.assignments.append((
            s.new_id("AS"), post.post_id, worker.professional_id, start, last if ended else None, post.fte,
            "agency" if agency else "employed", cover,
            ("contract_ended" if agency else "left_council") if ended else None,
        ))  # fmt: skip
        return worker

    def _worker(self, post: Post, *, agency: bool, start: int, end: int) -> Worker:
        """A new professional (ssd_professionals row); case-holding workers join the allocation pool."""
        s = self.s
        r = s.rng
        pid = s.new_id("W")
        worker = Worker(pid, post.team_id, post.kind, post.fte, agency, start, end, capacity=r.uniform(0.7, 1.3))
        if post.title in ("Social Worker", "Early Help Practitioner"):
            self.workers.append(worker)
        self.professionals.append(
            [
                pid,
                f"STAFF{pid[1:]}",
                f"{r.choice(FORENAMES)} {r.choice(SURNAMES)}",
                f"SW{r.randint(10000, 99999)}" if post.qualified else None,
                post.title,
                0,
                self.team_names[post.team_id],
                post.fte,
                "Y" if agency else "N",
            ]
        )
        return worker

    # ------------------------------------------------------------------------------------------ allocation
    def allocate(self, phases: list[Phase]) -> None:
        """Give every phase of every case to workers, moving cases when workers leave or go on leave."""
        s = self.s
        by_kind: dict[str, list[Worker]] = {k: [] for k in TEAM_KINDS}
        for w in self.workers:
            by_kind[w.kind].append(w)
        # Events: (day, order, seq, kind, payload). Order: workers leave (0), phases end (1), workers
        # arrive (2), phases start (3) - so a case ending and a new one starting the same day both work.
        events: list[tuple[int, int, int, str, int]] = []
        seq = 0
        for i, w in enumerate(self.workers):
            spans = [("w_on", w.start, 2), ("w_off", w.end + 1, 0)]
            for a, b in w.absences:
                spans += [("w_off", a, 0), ("w_on", b + 1, 2)]
            for what, day, order in spans:
                events.append((day, order, seq, what, i))
                seq += 1
        for j, ph in enumerate(phases):
            if ph.start > s.end:
                continue
            events.append((ph.start, 3, seq, "c_on", j))
            seq += 1
            events.append((ph.end + 1, 1, seq, "c_off", j))
            seq += 1
        heapq.heapify(events)
        holder: dict[int, int] = {}  # phase -> worker index
        since: dict[int, tuple[int, str]] = {}  # phase -> (day allocated, reason)
        first_worker: dict[int, int] = {}
        away: dict[int, int] = {}  # worker -> reasons they cannot hold cases (not yet started, left, absent)

        # Each kind of team keeps a heap of (cases per FTE, worker, version); an entry is stale once the
        # worker's load or availability has changed since it was pushed.
        version = [0] * len(self.workers)
        is_available = [False] * len(self.workers)
        heaps: dict[str, list[tuple[float, int, int]]] = {k: [] for k in TEAM_KINDS}

        def refresh(i: int) -> None:
            version[i] += 1
            if is_available[i]:
                w = self.workers[i]
                heapq.heappush(heaps[w.kind], (len(w.cases) / (w.fte * w.capacity), i, version[i]))

        def pick(kind: str) -> int | None:
            for k in (kind, "safeguarding", "assessment", "care"):
                h = heaps[k]
                while h:
                    _, i, v = h[0]
                    if v == version[i] and is_available[i]:
                        return i
                    heapq.heappop(h)
            return None

        def end_involvement(j: int, day: int) -> None:
            w_i = holder.pop(j)
            start, reason = since.pop(j)
            self.workers[w_i].cases.discard(j)
            refresh(w_i)
            if day - 1 < start:
                return
            ph = phases[j]
            w = self.workers[w_i]
            self.involvements.append(
                (
                    s.new_id("IV"),
                    w.professional_id,
                    TEAM_KINDS[w.kind][1],
                    w.team_id,
                    start,
                    day - 1 if day - 1 <= s.end else None,
                    reason,
                    ph.person_id,
                    ph.referral_id,
                )
            )

        def give(j: int, day: int, reason: str) -> None:
            w_i = pick(phases[j].team_kind)
            if w_i is None:
                return
            holder[j] = w_i
            since[j] = (day, reason)
            self.workers[w_i].cases.add(j)
            refresh(w_i)
            first_worker.setdefault(j, w_i)

        while events:
            day, _, _, kind, idx = heapq.heappop(events)
            if day > s.end + 1:
                break
            if kind == "w_on":
                away[idx] = away.get(idx, 1) - 1
                if away[idx] <= 0:
                    is_available[idx] = True
                    refresh(idx)
            elif kind == "w_off":
                away[idx] = away.get(idx, 0) + 1
                is_available[idx] = False
                refresh(idx)
                for j in sorted(self.workers[idx].cases):
                    end_involvement(j, day)
                    give(j, day, "Worker left" if day > self.workers[idx].end else "Worker absent")
            elif kind == "c_on":
                give(idx, day, "New allocation")
            elif kind == "c_off" and idx in holder:
                end_involvement(idx, day)
        for j in sorted(holder):
            end_involvement(j, s.end + 2)

        # Workers named on the records of the case, and caseloads at the latest 30 September
        for j, w_i in first_worker.items():
            w = self.workers[w_i]
            for row, worker_col, team_col in phases[j].patch:
                row[worker_col] = w.professional_id
                if team_col >= 0:
                    row[team_col] = w.team_id
        self._caseloads_at_census()

    def _caseloads_at_census(self) -> None:
        s = self.s
        end = dt.date.fromordinal(s.end)
        census = dt.date(end.year if end >= dt.date(end.year, 9, 30) else end.year - 1, 9, 30).toordinal()
        counts: dict[str, int] = {}
        for row in self.involvements:
            start, stop = row[4], row[5]
            if start <= census and (stop is None or stop >= census):
                counts[row[1]] = counts.get(row[1], 0) + 1
        for row in self.professionals:
            row[5] = counts.get(row[0], 0)  # type: ignore[index]


def _weighted_fte(u: float) -> float:
    total = sum(w for _, w in WORKER_FTE)
    x = u * total
    for fte, w in WORKER_FTE:
        x -= w
        if x < 0:
            return fte
    return WORKER_FTE[-1][0]
