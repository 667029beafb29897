"""The report's configuration: `cscperf.toml`, validated, with plain messages when something is wrong.

    [council]            name and DfE code (default: the store's only council)
    [report]             title, committee, author, months charted, neighbour model, small-number threshold,
                         commentary file
    [indicator_settings] the engine's local choices (see docs/indicators.md#settings)
    [list_settings]      the managers' lists' local choices (see docs/lists.md#settings)
    [targets.<id>]       a target (or a band) per indicator, its kind (stretch, local or national) and tolerance
    [[events]]           dated events to mark on the charts (e.g. a case-system upgrade); `break = true` makes
                         one a series break
    [[breaks]]           series breaks (date, what changed): the process limits start afresh at each, and the
                         months either side of it are not compared; marked on the charts like events
    [spc]                statistical process control: a fixed baseline of N months (default: every month since
                         the last break)
    [disclosure]         small numbers withheld from what members read (`cscperf.disclosure`)
    [inspection]         the last Ofsted inspection's date and judgement, for the paper's inspection section
    [forecast]           the "Looking ahead" section (docs/forecasting.md)

Without a file (or without a [targets] table) the targets are the seed report's (`SEED_TARGETS`).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cscperf.analysis.forecast.config import ForecastConfig
from cscperf.disclosure import DisclosurePolicy
from cscperf.errors import DataProblem
from cscperf.exports.cells import document_text
from cscperf.indicators.definition import Indicator, load_library
from cscperf.indicators.settings import IndicatorSettings
from cscperf.lists.settings import ListSettings

TargetKind = Literal["stretch", "local", "national"]
Words = Annotated[str, AfterValidator(document_text)]
"""Text that goes into the paper: control characters (a paste from Word) made safe for Word, PDF and HTML."""

TARGET_KIND_WORDS: dict[str, str] = {
    "stretch": "local stretch target",
    "local": "local target",
    "national": "national standard",
}


class TargetConfig(BaseModel):
    """What an indicator is judged against: a single target, or a band where too high and too low both
    concern. `tolerance` is how far on the wrong side still counts as amber rather than red (percentage
    points for percentages, the indicator's own unit otherwise)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: float | None = None
    band: tuple[float, float] | None = None
    kind: TargetKind = "local"
    tolerance: float | None = Field(default=None, ge=0)
    note: Words | None = None  # e.g. "Set by the Family Safeguarding board, April 2026"
    # what the status judges: the latest month, or the 12 months to it taken together (default: 12 months for a
    # percentage of events resting on fewer than [report] small_denominator a month, the month otherwise)
    judged_on: Literal["month", "12 months"] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> TargetConfig:
        if (self.target is None) == (self.band is None):
            raise ValueError("give either a target or a band (not both, not neither)")
        if self.band is not None and self.band[0] > self.band[1]:
            raise ValueError("the band runs from high to low; write the lower figure first")
        return self


class CouncilConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Words | None = None
    la_code: str | None = None

    @field_validator("la_code")
    @classmethod
    def _three_digits(cls, value: str | None) -> str | None:
        if value is not None and not (len(value) == 3 and value.isdigit()):
            raise ValueError('the DfE LA code is 3 digits, written as text, e.g. "874"')
        return value


class ReportOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Words = "Children's social care performance report"
    committee: Words = "Children and Education Scrutiny Committee"
    author: Words = "Service Director, Children and Safeguarding"
    meeting_date: dt.date | None = None
    chart_months: int = Field(default=25, ge=13, le=60)
    neighbour_model: Literal["2021", "2025"] = "2021"
    neighbour_average: Literal["mean", "median"] = "mean"
    small_denominator: int = Field(default=30, ge=0, le=1000)
    commentary: Path | None = None


class EventConfig(BaseModel):
    """A dated event marked on charts, e.g. a case-system upgrade after which counts are not comparable. A
    series break (`break = true`, or an entry of [[breaks]]) also starts the process limits afresh."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    date: dt.date
    text: Words = Field(min_length=1, max_length=120)
    indicators: tuple[str, ...] = ()  # empty: every chart whose months include the date
    series_break: bool = Field(default=False, alias="break")

    def applies_to(self, indicator_id: str) -> bool:
        return not self.indicators or indicator_id in self.indicators


Judgement = Literal["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]


class InspectionConfig(BaseModel):
    """The council's last Ofsted inspection of children's services (ILACS), for the paper's inspection section.
    The service's account of inspection activity since is the commentary file's [paper.inspection]."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: Words = "Inspection of Local Authority Children's Services (ILACS)"
    last_full: dt.date | None = None  # the last full (graded) inspection: its first day on site, or its report
    judgement: Judgement | None = None  # overall effectiveness
    last_visit: dt.date | None = None  # the latest focused visit, monitoring visit or annual conversation
    last_visit_kind: Words = "focused visit"

    @model_validator(mode="after")
    def _both(self) -> InspectionConfig:
        if (self.last_full is None) != (self.judgement is None):
            raise ValueError("give both last_full (a date) and judgement, or neither")
        return self


class SpcOptions(BaseModel):
    """Statistical process control: the baseline the mean and process limits are worked out from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    baseline_points: int | None = Field(default=None, ge=2, le=60)  # None: every month since the last break


class ReportConfig(BaseModel):
    """The whole of cscperf.toml as the report reads it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    council: CouncilConfig = CouncilConfig()
    report: ReportOptions = ReportOptions()
    indicator_settings: IndicatorSettings = IndicatorSettings()
    list_settings: ListSettings = ListSettings()
    targets: dict[str, TargetConfig] | None = None
    events: tuple[EventConfig, ...] = ()
    breaks: tuple[EventConfig, ...] = ()
    spc: SpcOptions = SpcOptions()
    disclosure: DisclosurePolicy = DisclosurePolicy()
    inspection: InspectionConfig = InspectionConfig()
    forecast: ForecastConfig = ForecastConfig()

    @model_validator(mode="after")
    def _known_indicators(self) -> ReportConfig:
        library = load_library()
        for indicator_id, target in (self.targets or {}).items():
            if indicator_id not in library:
                raise ValueError(f"targets.{indicator_id}: no such indicator (`cscperf kpis list` shows the library)")
            _check_target(library[indicator_id], target)
        for table, entries in (("events", self.events), ("breaks", self.breaks)):
            for n, event in enumerate(entries, start=1):
                for indicator_id in event.indicators:
                    if indicator_id not in library:
                        raise ValueError(f"{table} {n} ({event.text!r}): no such indicator {indicator_id!r}")
        return self

    def all_events(self) -> tuple[EventConfig, ...]:
        """The dated events and the series breaks, by date: everything marked on the charts."""
        breaks = tuple(b.model_copy(update={"series_break": True}) for b in self.breaks)
        return tuple(sorted((*self.events, *breaks), key=lambda e: e.date))

    def breaks_for(self, indicator_id: str) -> tuple[EventConfig, ...]:
        """The series breaks that apply to an indicator, by date."""
        return tuple(e for e in self.all_events() if e.series_break and e.applies_to(indicator_id))

    def effective_targets(self) -> dict[str, TargetConfig]:
        """The target each indicator is judged against: the file's [targets] (or the seed report's when the
        file has none), then the library's own default target or band."""
        chosen = dict(SEED_TARGETS if self.targets is None else self.targets)
        for indicator in load_library().values():
            if indicator.id in chosen:
                continue
            if indicator.band is not None:
                chosen[indicator.id] = TargetConfig(band=indicator.band, kind="local", tolerance=indicator.tolerance)
            elif indicator.target is not None and indicator.polarity != "neutral":
                chosen[indicator.id] = TargetConfig(
                    target=indicator.target, kind="local", tolerance=indicator.tolerance
                )
        return chosen


def _check_target(indicator: Indicator, target: TargetConfig) -> None:
    where = f"targets.{indicator.id}"
    if indicator.polarity == "neutral" and target.target is not None:
        raise ValueError(
            f"{where}: {indicator.title} has no better direction, so a single target cannot say which side is "
            "good; give a band instead, e.g. band = [350, 400]"
        )
    if indicator.polarity == "target_band" and target.target is not None:
        lo, hi = indicator.band or (None, None)
        example = f"band = [{lo:g}, {hi:g}]" if lo is not None and hi is not None else "band = [18, 24]"
        raise ValueError(
            f"{where}: {indicator.title} is best within a band (too high and too low both concern), so a single "
            f"target cannot say which side is good; give a band instead, e.g. {example}"
        )
    if indicator.unit == "percent":
        for value in [target.target] if target.target is not None else list(target.band or ()):
            if value is not None and not 0 <= value <= 100:
                raise ValueError(f"{where}: {value:g} is not a percentage between 0 and 100")


def _seed(**kwargs: object) -> TargetConfig:
    return TargetConfig.model_validate(kwargs)


# The targets quoted in the seed report (stretch 98% for CP and CLA visits, 93% health assessments, caseload 20)
# and the usual ones for the rest; a council's cscperf.toml replaces them all with its own [targets].
SEED_TARGETS: dict[str, TargetConfig] = {
    "contact_conversion": _seed(band=(20, 40), kind="local", tolerance=5),
    "re_referrals_12m": _seed(band=(18, 24), kind="local", tolerance=3),
    "assessments_within_45wd": _seed(target=80, kind="local", tolerance=10),
    "icpc_within_15wd": _seed(target=85, kind="local", tolerance=10),
    "cp_second_or_subsequent": _seed(target=22, kind="local", tolerance=5),
    "cp_open_2y_plus": _seed(target=2, kind="local", tolerance=2),
    "cp_reviews_in_time": _seed(target=100, kind="national", tolerance=5),
    "cp_visits_in_time": _seed(target=98, kind="stretch", tolerance=5),
    "cla_3plus_placements": _seed(target=10, kind="local", tolerance=2),
    "cla_long_term_stability": _seed(target=70, kind="local", tolerance=5),
    "cla_visits_in_time": _seed(target=98, kind="stretch", tolerance=5),
    "cla_reviews_in_time": _seed(target=100, kind="national", tolerance=5),
    "cla_health_assessment_in_date": _seed(target=93, kind="local", tolerance=5),
    "cla_dental_check_in_date": _seed(target=85, kind="local", tolerance=5),
    "cla_pep_in_date": _seed(target=95, kind="local", tolerance=5),
    "oc2_health_assessment": _seed(target=93, kind="local", tolerance=5),
    "oc2_dental_check": _seed(target=85, kind="local", tolerance=5),
    "sw_average_caseload": _seed(target=20, kind="local", tolerance=2),
    "sw_caseload_over_target": _seed(target=10, kind="local", tolerance=10),
    "sw_vacancy_rate": _seed(target=10, kind="local", tolerance=5),
    "sw_agency_rate": _seed(target=10, kind="local", tolerance=5),
    "sw_turnover_rate": _seed(target=12, kind="local", tolerance=4),
}


def read_report_config(path: Path | None) -> ReportConfig:
    """The report configuration from cscperf.toml (the defaults without a file). Relative paths in it (the
    commentary file) are taken from the file's folder."""
    if path is None:
        return ReportConfig()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataProblem(f"The configuration file {path} could not be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise DataProblem(f"The configuration file {path} is not UTF-8 text; save it as UTF-8 and try again.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataProblem(f"The configuration file {path} is not valid TOML: {exc}.") from None
    try:
        config = ReportConfig.model_validate(data)
    except ValidationError as exc:
        raise DataProblem(f"The configuration file {path} has problems: {_problems(exc)}.") from None
    commentary = config.report.commentary
    if commentary is not None and not commentary.is_absolute():
        options = config.report.model_copy(update={"commentary": Path(path).parent / commentary})
        config = config.model_copy(update={"report": options})
    return config


def _problems(exc: ValidationError) -> str:
    out = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "not a setting cscperf knows (check the spelling; docs/report.md lists them)"
        out.append(f"{where}: {message}" if where else message)
    return "; ".join(out)
