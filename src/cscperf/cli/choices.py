"""The fixed choices commands take, as Enums: Typer lists them in `--help` and refuses anything else."""

from __future__ import annotations

from enum import StrEnum


class KpisFormat(StrEnum):
    """How `cscperf kpis` prints its series."""

    table = "table"
    json = "json"
    csv = "csv"


class LibraryFormat(StrEnum):
    """How `cscperf kpis list` prints the indicator library."""

    table = "table"
    json = "json"
    markdown = "markdown"


class DrillFormat(StrEnum):
    """How `cscperf drill` prints the rows behind a figure."""

    table = "table"
    csv = "csv"


class ShowFormat(StrEnum):
    """How `cscperf benchmarks show` prints its comparisons."""

    table = "table"
    json = "json"


class ReportFormat(StrEnum):
    """The committee report's files."""

    docx = "docx"
    pdf = "pdf"
    html = "html"
    xlsx = "xlsx"


class ForecastFormat(StrEnum):
    """How `cscperf forecast` gives its forecast."""

    table = "table"
    json = "json"
    xlsx = "xlsx"


class Period(StrEnum):
    """What each point of a series covers."""

    month = "month"
    financial_year = "financial-year"
    rolling_12 = "rolling-12"


class Dimension(StrEnum):
    """What a breakdown is by."""

    team = "team"
    worker = "worker"
    age_band = "age_band"
    sex = "sex"
    ethnicity = "ethnicity"


class NeighbourModel(StrEnum):
    """The DfE's statistical-neighbour model."""

    model_2021 = "2021"
    model_2025 = "2025"


class Severity(StrEnum):
    """How serious a load problem is."""

    fatal = "fatal"
    error = "error"
    warning = "warning"
