"""The figures the pages show, built by the same library functions the command line and the report use
(`build_report`, `compute`, `drill`, `chart_spec`, `data_table`), cached per store state, council, month and
team so that a dashboard is computed once and not per request or per tile. No SQL and no Django here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cscperf.disclosure import DisclosurePolicy, suppress_breakdown
from cscperf.indicators.coverage import no_figure_reason
from cscperf.indicators.definition import Indicator, load_library
from cscperf.indicators.engine import DIMENSIONS, Point, compute, drill
from cscperf.indicators.series import series_periods
from cscperf.report.appendix import ChartPlan, chart_of, chart_request
from cscperf.report.chart_request import ChartLine, ChartRequest, flows_withheld_together
from cscperf.report.charts import chart_spec, data_table, table_lines
from cscperf.report.commentary import Commentary
from cscperf.report.config import ReportConfig, read_report_config
from cscperf.report.contents import PERFORMANCE_SECTIONS, build_report
from cscperf.report.figures import shown
from cscperf.report.indicator_figures import IndicatorFigures, indicator_figures
from cscperf.report.withheld_flows import flows_withheld_months
from cscperf.store.connection import Connection
from cscperf.store.councils import Council, team_names
from cscperf.web.charts import browser_spec
from cscperf.web.group_labels import group_label, group_order

T = TypeVar("T")

TEAM_MONTHS = 13
NO_TEAM_RATE = "a rate per 10,000 children is the council's: a team has no population of its own"
NO_GROUP_RATE = (
    "a rate per 10,000 children needs the group's own population, and the store holds the council's children "
    "aged 0 to 17 alone: the number is given instead"
)
CHILDRENS_DIMENSIONS = ("age_band", "sex", "ethnicity")  # of the children counted: not of workers or posts
DIMENSION_WORDS = {"team": "Team", "worker": "Worker", "age_band": "Age band", "sex": "Sex", "ethnicity": "Ethnicity"}


class Cache:
    """Figures computed once and kept: in this process (a small least-recently-used store) and, when Django's
    cache is configured, shared by every worker process (so a figure computed by one, or by the warm-up run
    when the service starts, serves them all). Keys name the store's state, so a load makes them stale."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.building: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]  # type: ignore[no-any-return]
            gate = self.building.setdefault(key, threading.Lock())
        with gate:  # one thread builds a key; the others wait for it instead of computing it again
            with self.lock:
                if key in self.items:
                    return self.items[key]  # type: ignore[no-any-return]
            value = _shared_get(key)
            if value is _MISSING:
                value = build()
                _shared_set(key, value)
            self.keep(key, value)
        return value  # type: ignore[no-any-return]

    def keep(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.building.pop(key, None)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_MISSING = object()


@functools.cache
def code_fingerprint() -> str:
    """What the cached figures and pages were made by: cscperf's version and its code and templates (names,
    sizes and times). The shared cache outlives the service, so after an upgrade (new templates, figures of a
    new shape) nothing an older cscperf made is served."""
    import cscperf

    package = Path(cscperf.__file__).parent
    digest = hashlib.sha256(getattr(cscperf, "__version__", "").encode("utf-8"))
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".yml", ".sql") and path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _shared_key(key: Hashable) -> str:
    return f"cscperf:{code_fingerprint()}:" + hashlib.sha256(repr(key).encode("utf-8")).hexdigest()


def _shared_get(key: Hashable) -> Any:
    cache = _shared_cache()
    if cache is None:
        return _MISSING
    try:
        return cache.get(_shared_key(key), _MISSING)
    except Exception:  # a damaged or unreadable entry is computed again
        return _MISSING


def _shared_set(key: Hashable, value: Any) -> None:
    cache = _shared_cache()
    if cache is not None:
        with contextlib.suppress(Exception):  # sharing is an optimisation; a full disk must not fail a page
            cache.set(_shared_key(key), value, timeout=24 * 3600)


def _shared_cache() -> Any:
    try:
        from django.conf import settings
        from django.core.cache import caches

        if not settings.configured or "figures" not in settings.CACHES:
            return None
        return caches["figures"]
    except Exception:
        return None


CACHE = Cache(size=512)


@dataclass(frozen=True)
class Scope:
    """What a page is about: a council, the month ending on `as_at`, and optionally one team."""

    la_code: str
    la_name: str
    as_at: dt.date
    team: str | None = None


def report_config(path: str | None) -> ReportConfig:
    """cscperf.toml as the report reads it (targets, council, indicator settings), read once per file state."""
    key = ("config", path, _mtime(path))
    return CACHE.get(key, lambda: read_report_config(Path(path) if path else None))


def _mtime(path: str | None) -> int:
    if not path:
        return 0
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return -1


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    figures: dict[str, IndicatorFigures]  # library order
    comparators_loaded: bool
    teams: tuple[str, ...]  # the teams the council's figures can be filtered by

    def groups(self) -> list[tuple[str, list[IndicatorFigures]]]:
        out = []
        for _, library_sections, title in PERFORMANCE_SECTIONS:
            out.append((title, [f for f in self.figures.values() if f.indicator.section in library_sections]))
        return out


def dashboard(con: Callable[[], Connection], version: str, scope: Scope, config_path: str | None) -> Dashboard:
    """Every indicator's figures for the scope, computed once per store state."""
    config = report_config(config_path)
    key = ("dashboard", version, config_path, _mtime(config_path), scope)
    return CACHE.get(key, lambda: _build_dashboard(con, version, scope, config, config_path))


def _build_dashboard(
    opener: Callable[[], Connection],
    version: str,
    scope: Scope,
    config: ReportConfig,
    config_path: str | None,
) -> Dashboard:
    council = council_level(opener, version, scope, config, config_path)
    if scope.team is None:
        return council
    by_team = team_figures(opener, version, dataclasses.replace(scope, team=None), config, config_path)
    if scope.team not in by_team:
        raise LookupError("no such team")
    return Dashboard(scope, by_team[scope.team], False, council.teams)


def council_level(
    opener: Callable[[], Connection],
    version: str,
    scope: Scope,
    config: ReportConfig,
    config_path: str | None,
) -> Dashboard:
    key = ("council", version, config_path, _mtime(config_path), scope.la_code, scope.as_at)

    def build() -> Dashboard:
        con = opener()
        try:
            content = build_report(con, scope.as_at, config, Commentary(), la=scope.la_code)
        finally:
            con.close()
        con = opener()
        try:
            teams = tuple(team_names(con, scope.la_code))
        finally:
            con.close()
        return Dashboard(dataclasses.replace(scope, team=None), content.figures, content.comparators_loaded, teams)

    return CACHE.get(key, build)


def team_figures(
    opener: Callable[[], Connection],
    version: str,
    scope: Scope,
    config: ReportConfig,
    config_path: str | None,
) -> dict[str, dict[str, IndicatorFigures]]:
    """Each team's figures for the 13 months to the scope's month (one computation for every team)."""
    key = ("teams", version, config_path, _mtime(config_path), scope.la_code, scope.as_at)

    def build() -> dict[str, dict[str, IndicatorFigures]]:
        periods = series_periods(scope.as_at, TEAM_MONTHS, "month")
        con = opener()
        try:
            results = compute(con, periods, settings=config.indicator_settings, la_codes=[scope.la_code], by="team")
            named = team_names(con, scope.la_code)  # every team the pickers offer, with units in these months or not
        finally:
            con.close()
        targets = config.effective_targets()
        teams = sorted(
            {p.group for r in results for p in r.points if p.group is not None and p.group != "Not allocated"}
            | set(named)
        )
        out: dict[str, dict[str, IndicatorFigures]] = {t: {} for t in teams}
        for result in results:
            ind = result.indicator
            found = {(p.group, p.period_end): p for p in result.points}
            for team in teams:
                points = [
                    found.get((team, p.end)) or _empty_point(ind, scope.la_code, p.start, p.end, team) for p in periods
                ]
                if ind.unit == "rate_per_10k":
                    points = [dataclasses.replace(p, value=None, denominator=None, reason=NO_TEAM_RATE) for p in points]
                out[team][ind.id] = indicator_figures(
                    ind,
                    points,
                    targets.get(ind.id),
                    None,
                    config.report.small_denominator,
                    breaks=config.breaks_for(ind.id),
                    baseline_points=config.spc.baseline_points,
                )
        return out

    return CACHE.get(key, build)


def _empty_point(ind: Indicator, la: str, start: dt.date, end: dt.date, team: str) -> Point:
    """A month in which a team had no units: a true zero for a count, no figure for a percentage or ratio."""
    value = 0.0 if ind.unit == "count" else None
    return Point(la, start, end, 0.0, None, value, 0, team)


WITHHELD_BESIDE = "withheld: with the children in care at each month end it would give a count of fewer than 5"


def for_members(board: Dashboard, policy: DisclosurePolicy) -> Dashboard:
    """The board as members may read it: a month whose count (or whose percentage's or rate's numerator) is
    from 1 to the threshold less one has no figure on charts and trend lines, and reads "fewer than 5"; in such a
    month the children starting and leaving care are withheld together (`report.withheld_flows`), or the
    children in care at the two month ends would give one from the other."""
    beside = flows_withheld_months(board.figures, policy)
    figures = {}
    for key, f in board.figures.items():
        months = beside.get(f.indicator.id, frozenset())
        points = tuple(dataclasses.replace(p, value=None) if policy.is_small(p.numerator)
                       else dataclasses.replace(p, value=None, reason=WITHHELD_BESIDE) if p.period_end in months
                       else p for p in f.points)  # fmt: skip
        figures[key] = dataclasses.replace(f, points=points)
    return dataclasses.replace(board, figures=figures)


# ------------------------------------------------------------------------------------------- one indicator


def reader_options(suppressed: bool, threshold: int) -> tuple[DisclosurePolicy | None, tuple[str, ...]]:
    """The disclosure policy (members) or none (staff), and the breakdowns shown: members see no breakdown by
    worker (a people-management matter, not a committee's)."""
    if suppressed:
        return DisclosurePolicy(threshold=threshold), tuple(d for d in DIMENSIONS if d != "worker")
    return None, DIMENSIONS


@dataclass(frozen=True)
class Cell:
    text: str
    suppressed: bool = False


@dataclass(frozen=True)
class BreakdownRow:
    group: str
    numerator: Cell
    denominator: Cell | None
    value: Cell
    label: str = ""  # the group in words ("White British (WBRI)"); the group itself when empty

    @property
    def shown(self) -> str:
        return self.label or self.group


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    title: str
    rows: tuple[BreakdownRow, ...]
    suppressed_any: bool


@dataclass(frozen=True)
class IndicatorPage:
    figures: IndicatorFigures
    plan: ChartPlan
    chart: ChartRequest
    spec: dict[str, Any]
    table_headers: list[str]
    table_rows: list[list[str]]
    breakdowns: tuple[Breakdown, ...]


def indicator_page(
    opener: Callable[[], Connection],
    version: str,
    scope: Scope,
    indicator_id: str,
    config_path: str | None,
    policy: DisclosurePolicy | None,
    dimensions: tuple[str, ...],
) -> IndicatorPage:
    """The chart (the report's own Vega-Lite spec) with its table, and the breakdowns; `policy` given for a
    reader from whom small counts are withheld. Built once per store state and reader kind."""
    key = ("indicator", version, config_path, _mtime(config_path), scope, indicator_id, policy, dimensions)
    return CACHE.get(
        key, lambda: _indicator_page(opener, version, scope, indicator_id, config_path, policy, dimensions)
    )


def _indicator_page(
    opener: Callable[[], Connection],
    version: str,
    scope: Scope,
    indicator_id: str,
    config_path: str | None,
    policy: DisclosurePolicy | None,
    dimensions: tuple[str, ...],
) -> IndicatorPage:
    config = report_config(config_path)
    board = dashboard(opener, version, scope, config_path)
    plan = chart_of(indicator_id)
    if plan.main != indicator_id:  # the indicator's own chart, headed by it, with the report's design
        title = board.figures[indicator_id].indicator.title
        plan = dataclasses.replace(plan, main=indicator_id, secondary=None, extra=(), comparators_of=None, title=title)
    request = chart_request(plan, board.figures, config.all_events())
    shown_request = request
    withheld: Withheld = {}
    if policy is not None:
        board = for_members(board, policy)
        shown_request, withheld = members_chart(request, policy)
    headers, rows = data_table(shown_request)
    if policy is not None:
        rows = _suppress_table(rows, shown_request, withheld)
    breakdowns = tuple(breakdown(opener, version, scope, indicator_id, dim, config_path, policy) for dim in dimensions)
    spec = browser_spec(chart_spec(shown_request))
    return IndicatorPage(board.figures[indicator_id], plan, shown_request, spec, headers, rows, breakdowns)


SMALL_NUMBERS_FOR_MEMBERS = "Small numbers: a few children change this figure a lot."


Withheld = dict[tuple[str, dt.date], str]  # (a series' label, a month) -> what the table says there


def members_chart(req: ChartRequest, policy: DisclosurePolicy) -> tuple[ChartRequest, Withheld]:
    """The chart as members read it, and its figures withheld (each line's label and month, with what the table
    says there). Every series (the measure, the 12 months to each month, the measures given beside it) loses the
    counts behind its figures, so neither the alt text nor the table says "3 of 40", and a month whose figure
    rests on a count from 1 to the threshold less one has no point; in such a month every count of events given
    beside it (children starting and leaving care) is withheld too, since the children in care at each month
    end and one of them would give the other; a count given beside a percentage only as its denominator (the
    referrals behind re-referrals) is left out; notes that quote counts are said without them."""
    withheld: Withheld = {}
    together = flows_withheld_together((req.main, *req.extra, *req.related), policy.is_small)

    def line(chart_line: ChartLine, beside: bool = False) -> ChartLine:
        points = []
        flow = beside and chart_line.unit == "count" and chart_line.period_kind == "flow"
        for p in chart_line.points:
            small = policy.is_small(p.numerator) or policy.is_small(p.denominator)
            second = not small and flow and p.period_end in together
            if (small or second) and p.value is not None:
                withheld[(chart_line.label, p.period_end)] = policy.label if small else "withheld"
            value = None if small or second else p.value
            points.append(dataclasses.replace(p, value=value, numerator=None, denominator=None))
        return dataclasses.replace(chart_line, points=tuple(points))

    denominators = [p.denominator for p in req.main.points]
    behind = [x for x in req.related if any(d is not None for d in denominators) and
              [p.value for p in x.points] == denominators]  # fmt: skip
    main, extra = line(req.main, True), tuple(line(x, True) for x in req.extra)
    secondary = line(req.secondary) if req.secondary else None
    rolling = line(req.rolling) if req.rolling else None
    related = tuple(line(x, True) for x in req.related if x not in behind)
    notes = tuple(dict.fromkeys(SMALL_NUMBERS_FOR_MEMBERS if n.startswith("Small numbers") else n for n in req.notes))
    if withheld:
        notes += (f"Months whose figure rests on {policy.label} children have no point, to protect their privacy.",)
    shown = dataclasses.replace(req, main=main, secondary=secondary, extra=extra, rolling=rolling, related=related,
                                notes=notes)  # fmt: skip
    return shown, withheld


def _suppress_table(rows: list[list[str]], shown: ChartRequest, withheld: Withheld) -> list[list[str]]:
    """The chart's table as members read it: a withheld figure reads "fewer than 5" (or "withheld", beside one)
    in its own column. Members' series carry no counts, so each series of the table (`table_lines`) is one
    column, in order."""
    out = []
    for row in rows:
        row = list(row)
        for column, chart_line in enumerate(table_lines(shown), start=1):
            point = next((p for p in chart_line.points if p.label == row[0]), None)
            if point is not None and (chart_line.label, point.period_end) in withheld:
                row[column] = withheld[(chart_line.label, point.period_end)]
        out.append(row)
    return out


@dataclass(frozen=True)
class GroupPoint(Point):
    indicator_id: str = ""


def breakdown_points(
    opener: Callable[[], Connection], version: str, scope: Scope, dimension: str, config_path: str | None
) -> list[GroupPoint]:
    """Every indicator's figure for the scope's month, by one dimension, in one computation (cached)."""
    config = report_config(config_path)
    key = ("breakdowns", version, config_path, _mtime(config_path), scope.la_code, scope.as_at, dimension)

    def build() -> list[GroupPoint]:
        period = series_periods(scope.as_at, 1, "month")
        con = opener()
        try:
            results = compute(con, period, settings=config.indicator_settings, la_codes=[scope.la_code], by=dimension)
        finally:
            con.close()
        out = []
        for result in results:
            for p in sorted(result.points, key=lambda p: str(p.group)):
                out.append(GroupPoint(**{f.name: getattr(p, f.name) for f in dataclasses.fields(p)},
                                      indicator_id=result.indicator.id))  # fmt: skip
        return out

    return CACHE.get(key, build)


def breakdown(
    opener: Callable[[], Connection],
    version: str,
    scope: Scope,
    indicator_id: str,
    dimension: str,
    config_path: str | None,
    policy: DisclosurePolicy | None,
) -> Breakdown:
    if dimension not in DIMENSIONS:
        raise LookupError(dimension)
    points = [p for p in breakdown_points(opener, version, scope, dimension, config_path)
              if p.indicator_id == indicator_id]  # fmt: skip
    indicator = load_library()[indicator_id]
    points.sort(key=lambda p: group_order(dimension, p.group))
    if indicator.unit == "rate_per_10k":  # the group's count over the whole council's children had been shown
        points = [dataclasses.replace(p, value=None, denominator=None, reason=NO_GROUP_RATE) for p in points]
    rows, suppressed_any = _breakdown_rows(indicator, points, policy, dimension)
    return Breakdown(dimension, DIMENSION_WORDS[dimension], tuple(rows), suppressed_any)


def _breakdown_rows(
    indicator: Indicator, points: Sequence[Point], policy: DisclosurePolicy | None, dimension: str = ""
) -> tuple[list[BreakdownRow], bool]:
    """The rows of a breakdown; for members (a policy), small counts withheld with secondary suppression. For a
    percentage the children not counted are a count too ("44 of 45 visited" says one child was not), so a
    group whose numerator, denominator or the difference between them is small is withheld whole."""
    has_denominator = indicator.unit in ("percent", "ratio", "days")
    hidden = _withheld_groups(indicator, points, policy) if policy is not None else set()
    rows = []
    for p in points:
        group = str(p.group)
        label = group_label(dimension, p.group) if dimension else group
        if group in hidden:
            cell = Cell(policy.label if policy else "", True)
            rows.append(BreakdownRow(group, cell, cell if has_denominator else None, cell, label))
            continue
        numerator = Cell(_count(p.numerator))
        denominator = Cell(_count(p.denominator)) if has_denominator else None
        value = Cell(value_text(indicator, p))
        rows.append(BreakdownRow(group, numerator, denominator, value, label))
    return rows, bool(hidden)


def _withheld_groups(indicator: Indicator, points: Sequence[Point], policy: DisclosurePolicy) -> set[str]:
    """The groups withheld from members: those whose numerator, denominator or (for a percentage) children not
    counted number 1 to the threshold less one, each column with its own secondary suppression; then, if that
    leaves one group alone withheld, the next smallest group too, so that it cannot be worked out from the
    council's figure. (A column's secondary looks only at non-zero cells: where every other group's children not
    counted were 0, it found no second, and the one withheld group could be worked out by subtraction.)"""
    has_denominator = indicator.unit in ("percent", "ratio", "days")
    measures = [{str(p.group): p.numerator or 0.0 for p in points}]
    if has_denominator:
        measures.append({str(p.group): p.denominator or 0.0 for p in points})
    if indicator.unit == "percent":
        measures.append({str(p.group): (p.denominator or 0.0) - (p.numerator or 0.0) for p in points})
    hidden = {c.key for counts in measures for c in suppress_breakdown(counts, policy) if c.suppressed}
    if policy.secondary and len(hidden) == 1:
        size = measures[-1 if len(measures) == 1 else 1]  # the denominator, else the count
        candidates = sorted((n, group) for group, n in size.items() if group not in hidden and n > 0)
        if candidates:
            hidden.add(candidates[0][1])
    return hidden


def _count(x: float | None) -> str:
    if x is None:
        return "not available"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def value_text(indicator: Indicator, point: Point) -> str:
    """A figure as shown, or "not available" with why: the engine's reason, or, for a period the data cover
    with nothing in it to measure (0 of 0), the words the command line uses."""
    if point.value is None:
        reason = getattr(point, "reason", None)
        if reason is None and getattr(point, "available", True):
            reason = no_figure_reason(indicator, point)
        if reason and reason.startswith("not available"):
            return str(reason)  # "not available from the data loaded: ..." says it once
        return f"not available ({reason})" if reason else "not available"
    text = shown(point.value, indicator.unit, indicator.decimals)
    if getattr(point, "coverage", "full") == "part":
        text += " (the data end within this month)"
    return text


# ------------------------------------------------------------------------------------------- the children


CHILD_COLUMNS = ("person_id", "in_numerator", "detail", "team", "worker", "age_band", "sex", "ethnicity")
CHILD_HEADINGS = ("Person", "Counted", "Detail", "Team", "Worker", "Age band", "Sex", "Ethnicity")


@dataclass(frozen=True)
class Children:
    indicator: Indicator
    period_label: str
    rows: tuple[dict[str, Any], ...]

    @property
    def children(self) -> int:
        """How many distinct children (or, for workforce measures, units) the page shows."""
        people = {r["person_id"] for r in self.rows if r.get("person_id")}
        return len(people) if people else len(self.rows)

    @property
    def holds_children(self) -> bool:
        """Whether the rows name children (a workforce measure's name social workers), as `cscperf drill` tells."""
        return not self.rows or any(r.get("person_id") for r in self.rows)


def children(
    opener: Callable[[], Connection],
    scope: Scope,
    indicator_id: str,
    config_path: str | None,
    teams: tuple[str, ...] | None,
) -> Children:
    """The units behind the latest figure (those not counted first), limited to `teams` (None: all).
    Not cached: child-level data is read fresh for each audited view."""
    config = report_config(config_path)
    period = series_periods(scope.as_at, 1, "month")[-1]
    con = opener()
    try:
        rows = drill(con, indicator_id, period, settings=config.indicator_settings, la_codes=[scope.la_code])
    finally:
        con.close()
    if teams is not None:
        rows = [r for r in rows if r.get("team") in teams]
    return Children(load_library()[indicator_id], period.label, tuple(rows))


def councils_for(all_councils: list[Council], la_code: str | None) -> list[Council]:
    return [c for c in all_councils if la_code is None or c.la_code == la_code]
