"""Read the DfE's published files as distributed: explore-education-statistics (EES) CSVs, the LAIT data set
(parquet, or its CSV extract) and statistical-neighbour lists (CSV or XLSX). Each file is recognised by its
columns, not its name. A recognised file missing a column it needs is refused with the file and column named.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cscperf.comparators.published import (
    AT_31_MARCH,
    ENGLAND,
    LAIT_AREAS,
    LAIT_NUMERATORS,
    MEASURES,
    PUBLISHED,
    REGION_CODES,
    SUPPRESSION_CODES,
    PublishedMeasure,
)
from cscperf.errors import DataProblem

GEOGRAPHY = ("time_period", "geographic_level", "old_la_code", "la_name", "region_code", "region_name")


@dataclass
class PublishedValue:
    """One published figure for one area and year, or the code the DfE published instead of it."""

    indicator_id: str
    area_level: str  # england, region, la
    area_code: str
    area_name: str
    region_code: str | None
    region_name: str | None
    year: int
    year_meaning: str
    value: float | None
    suppression: str | None
    numerator: float | None
    denominator: float | None
    joint_return: str | None
    source_file: str
    release: int
    source_measure: str


@dataclass
class Neighbour:
    model: str
    la_code: str
    la_name: str
    rank: int
    neighbour_code: str
    closeness: str | None
    source_file: str


@dataclass
class FileResult:
    """What one file gave."""

    path: Path
    kind: str
    values: list[PublishedValue] = field(default_factory=list)
    neighbours: list[Neighbour] = field(default_factory=list)
    population: dict[tuple[str, int], float] = field(default_factory=dict)
    cp_counts: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def number(text: str | None) -> tuple[float | None, str | None]:
    """A published cell as (value, suppression code): `c` stays `c`, never becomes 0."""
    t = (text or "").strip()
    if t == "":
        return None, None
    if t.lower() in SUPPRESSION_CODES:
        return None, t.lower()
    try:
        return float(t), None
    except ValueError:
        return None, t


def read_published_file(path: Path) -> FileResult | None:
    """Read one file; None if it is not a data file at all (e.g. a README)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _read_lait_parquet(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix != ".csv":
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataProblem(f"{path} is not a text CSV file (it could not be read as UTF-8).") from None
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataProblem(f"{path} is not a readable CSV file (line {reader.line_num}: {exc}).") from None
    if not rows:
        raise DataProblem(f"{path} is empty.")
    header = [h.strip() for h in rows[0]]
    return _read_csv(path, header, rows[1:])


def _require(path: Path, header: list[str], columns: tuple[str, ...] | list[str], kind: str) -> None:
    for column in columns:
        if column not in header:
            raise DataProblem(
                f"{path.name} looks like the DfE's {kind} file but has no column '{column}'; the published layout "
                "may have changed. Columns found: " + ", ".join(header[:30]) + "."
            )


def _read_csv(path: Path, header: list[str], rows: list[list[str]]) -> FileResult:
    h = set(header)
    if {"model", "la_code", "rank", "sn_la_code"} <= h:
        return _read_sn_long(path, header, rows)
    if header[:5] == ["LA num", "LA Name", "LA number", "GOInd", "GOReg"] and "SN1" in h:
        return _read_sn_positional(path, rows, "2021")
    if {"old_la_code", "SN_1", "SN_1P"} <= h:
        return _read_sn_2025_wide(path, header, rows)
    if {"short_desc", "year", "value", "la_number"} <= h:
        records = (dict(zip(header, r, strict=False)) for r in rows)
        return _lait_rows(path, ((r["short_desc"], r["year"], r.get("area_name", ""), r["value"], r["la_number"],
                                  r.get("region", "")) for r in records))  # fmt: skip
    if {"Measure_short", "Measure_code", "Polarity"} <= h:
        return _read_lait_dictionary(path, header, rows)
    if "rate_per_10000" in h and ({"population_count", "population_type"} & h):
        return _read_cla_rates(path, header, rows)
    if "rereferral_percent" in h:
        return _read_ees(path, header, rows, "c1", "children in need referrals (C1)")
    if "CPP_subsequent_percent" in h:
        return _read_ees(path, header, rows, "d3", "second or subsequent CP plans (D3)")
    if "2_years_or_more_percent" in h and "CPP_At31" in h:
        return _read_d5(path, header, rows)
    if "age_group" in h and "population_estimate" in h:
        return _read_population(path, header, rows)
    if "caseload_fte" in h and ("vacancy_rate_fte" in h or "vacancy_rate_fte_%" in h):
        return _read_csww(path, header, rows)
    if "time_period" in h and "geographic_level" in h:
        return FileResult(path, "ees_other", note="a DfE statistics file with no figure cscperf compares")
    return FileResult(path, "unrecognised", note="columns not recognised as a DfE statistics file: "
                      + ", ".join(header[:8]))  # fmt: skip


def _read_lait_dictionary(path: Path, header: list[str], rows: list[list[str]]) -> FileResult:
    """LAIT's data dictionary: checked to describe every LAIT measure cscperf maps (a renamed measure would
    otherwise silently vanish from comparisons)."""
    described = {r.get("Measure_short", "").strip() for r in _dicts(header, rows)}
    missing = sorted(m.lait for m in MEASURES.values() if m.lait not in described)
    note = (
        f"LAIT data dictionary: describes all {len(MEASURES)} LAIT measures cscperf maps"
        if not missing
        else "LAIT data dictionary: no longer describes " + ", ".join(missing) + " (renamed or withdrawn?)"
    )
    return FileResult(path, "lait_dictionary", note=note)


def _release(rows: list[dict[str, str]]) -> int:
    years = [int(r["time_period"][:4]) for r in rows if r.get("time_period", "")[:4].isdigit()]
    return max(years) if years else 0


def _area(r: dict[str, str]) -> tuple[str, str, str, str | None, str | None] | None:
    """(level, code, name, region code, region name) of an EES row."""
    level = r["geographic_level"].strip()
    if level == "National":
        return "england", ENGLAND, "England", None, None
    if level == "Regional":
        return "region", r["region_code"], r["region_name"], r["region_code"], r["region_name"]
    if level == "Local authority":
        return "la", r["old_la_code"].strip(), r["la_name"], r.get("region_code") or None, r.get("region_name") or None
    return None


def _dicts(header: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(header, r, strict=False)) for r in rows if any(c.strip() for c in r)]


def _read_ees(path: Path, header: list[str], rows: list[list[str]], kind: str, label: str) -> FileResult:
    measures = [m for m in MEASURES.values() if m.ees_kind == kind]
    needed = [*GEOGRAPHY, *(c for m in measures for c in (m.ees_column, m.ees_numerator, m.ees_denominator) if c)]
    _require(path, header, needed, label)
    records = _dicts(header, rows)
    result = FileResult(path, kind)
    release = _release(records)
    for r in records:
        for m in measures:
            result.values.extend(_values(path, r, m, release, r[m.ees_column or ""]))
    return result


def _values(path: Path, r: dict[str, str], m: PublishedMeasure, release: int, cell: str) -> Iterator[PublishedValue]:
    area = _area(r)
    if area is None or not r["time_period"][:4].isdigit():
        return
    level, code, name, region_code, region_name = area
    value, suppression = number(cell)
    num = number(r.get(m.ees_numerator or "", ""))[0] if m.ees_numerator else None
    den = number(r.get(m.ees_denominator or "", ""))[0] if m.ees_denominator else None
    codes = [c.strip() for c in code.split("/")] if level == "la" else [code]
    for single in codes:
        yield PublishedValue(m.indicator_id, level, single, name, region_code, region_name, int(r["time_period"][:4]),
                             m.year_meaning, value, suppression, num, den, code if len(codes) > 1 else None,
                             path.name, release, m.ees_column or "")  # fmt: skip


def _read_cla_rates(path: Path, header: list[str], rows: list[list[str]]) -> FileResult:
    kind_col = "population_type" if "population_type" in header else "population_count"
    count_col = "children_count" if "children_count" in header else "number"
    _require(path, header, [*GEOGRAPHY, kind_col, count_col, "population_estimate", "rate_per_10000"],
             "children looked after numbers and rates")  # fmt: skip
    records = [r for r in _dicts(header, rows) if "31 March" in r[kind_col]]
    result = FileResult(path, "cla_rates")
    release = _release(records)
    measure = MEASURES["cla_rate_per_10k"]
    for r in records:
        r["number"] = r[count_col]
        result.values.extend(_values(path, r, measure, release, r["rate_per_10000"]))
    return result


def _read_d5(path: Path, header: list[str], rows: list[list[str]]) -> FileResult:
    result = _read_ees(path, header, rows, "d5", "CP plans at 31 March by duration (D5)")
    records = _dicts(header, rows)
    release = _release(records)
    for r in records:
        area = _area(r)
        if area and r["time_period"][:4].isdigit():
            result.cp_counts.append({"row": r, "area": area, "year": int(r["time_period"][:4]), "release": release})
    return result


def _read_population(path: Path, header: list[str], rows: list[list[str]]) -> FileResult:
    _require(path, header, [*GEOGRAPHY, "age_group", "population_estimate"], "ONS mid-year population")
    result = FileResult(path, "population")
    for r in _dicts(header, rows):
        area = _area(r)
        value = number(r["population_estimate"])[0]
        if area and value is not None and "0 to 17" in r["age_group"]:
            result.population[(area[1], int(r["time_period"][:4]))] = value
    return result


def cp_rates(d5: FileResult, population: dict[tuple[str, int], float]) -> list[PublishedValue]:
    """CP plans per 10,000: children on a plan at 31 March of year Y (D5) / ONS 0-17 population of mid-year
    Y-1 x 10,000, rounded to 1 decimal place (this reproduces LAIT's CPP_rate exactly)."""
    out = []
    for c in d5.cp_counts:
        level, code, name, region_code, region_name = c["area"]
        count, suppression = number(c["row"]["CPP_At31"])
        pop = population.get((code, c["year"] - 1))
        value = round(count * 10_000 / pop + 1e-9, 1) if count is not None and pop else None
        if value is None and suppression is None:
            suppression = "x"
        out.append(PublishedValue("cp_rate_per_10k", level, code, name, region_code, region_name, c["year"],
                                  AT_31_MARCH, value, suppression, count, pop, None, d5.path.name, c["release"],
                                  "CPP_At31 / ONS 0-17 population (mid-year before)"))  # fmt: skip
    return out


def _read_csww(path: Path, header: list[str], rows: list[list[str]]) -> FileResult:
    old = "vacancy_rate_fte_%" in header
    columns = {
        "sw_average_caseload": "caseload_fte",
        "sw_vacancy_rate": "vacancy_rate_fte_%" if old else "vacancy_rate_fte",
        "sw_agency_rate": "agency_worker_rate_fte_%" if old else "agency_rate_fte",
        "sw_turnover_rate": "turnover_rate_fte_%" if old else "turnover_rate_fte",
    }
    _require(path, header, [*GEOGRAPHY, *columns.values()], "children's social work workforce")
    records = _dicts(header, rows)
    result = FileResult(path, "csww")
    release = _release(records)
    for r in records:
        for indicator_id, column in columns.items():
            m = MEASURES[indicator_id]
            if old:
                m = PublishedMeasure(m.indicator_id, m.year_meaning, m.lait, "csww", column)
            result.values.extend(_values(path, r, m, release, r[column]))
    return result


def _lait_rows(path: Path, rows: Iterator[tuple[Any, ...]]) -> FileResult:
    by_short = {m.lait: m for m in PUBLISHED.values()}
    result = FileResult(path, "lait")
    gathered = []
    numerators: dict[tuple[str, int, int], float] = {}  # (indicator, year, area number) -> published count
    for short, year, name, value, number_, region in rows:
        if not re.fullmatch(r"\d{4}", str(year)):
            continue
        if str(short) in LAIT_NUMERATORS:
            count = number(str(value))[0]
            if count is not None:
                numerators[(LAIT_NUMERATORS[str(short)], int(year), int(float(number_)))] = count
            continue
        m = by_short.get(str(short))
        if m is None:
            continue
        code_number = int(float(number_))
        gathered.append((m, int(year), str(name), str(value), code_number, str(region)))
    release = max((g[1] for g in gathered), default=0)
    for m, year, name, value, code_number, region in gathered:
        if code_number in LAIT_AREAS:
            code = LAIT_AREAS[code_number]
            level = "england" if code == ENGLAND else "region"
            region_code, region_name = (None, None) if level == "england" else (code, name)
        else:
            level, code = "la", str(code_number)
            region_name = region if region and region != "NA" else None
            region_code = REGION_CODES.get((region_name or "").lower())
        v, suppression = number(value)
        count = numerators.get((m.indicator_id, year, code_number))
        result.values.append(PublishedValue(m.indicator_id, level, code, name, region_code, region_name, year,
                                            m.year_meaning, v, suppression, count, None, None, path.name, release,
                                            f"LAIT {m.lait}"))  # fmt: skip
    return result


def _read_lait_parquet(path: Path) -> FileResult:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged or foreign file
        raise DataProblem(f"{path.name} could not be read as a parquet file ({type(exc).__name__}).") from None
    needed = ["Short Desc", "Years", "LA and Regions", "Values", "LA Number", "Region"]
    _require(path, table.column_names, needed, "LAIT (Local Authority Interactive Tool)")
    wanted = [m.lait for m in PUBLISHED.values()] + list(LAIT_NUMERATORS)
    table = table.filter(pc.is_in(table["Short Desc"], value_set=__import__("pyarrow").array(wanted)))
    columns = [table[c].to_pylist() for c in needed]
    return _lait_rows(path, iter(zip(*columns, strict=True)))


def _read_xlsx(path: Path) -> FileResult:
    from openpyxl import load_workbook

    from cscperf.loading import workbook_guard
    from cscperf.loading.limits import workbook_limits

    try:  # what opening it would cost, first: openpyxl pads each row to the extent a sheet declares
        limits = workbook_limits()
        workbook_guard.refuse_declared(workbook_guard.inspect(path, limits), limits)
    except workbook_guard.WorkbookRefused as exc:
        raise DataProblem(f"{path.name} {exc}") from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for encrypted, damaged or foreign files
        raise DataProblem(f"{path.name} could not be opened as an Excel workbook ({type(exc).__name__}).") from None
    try:
        if "LA SN Groups" not in book.sheetnames:
            return FileResult(path, "unrecognised", note="a workbook with no 'LA SN Groups' sheet")
        rows = [["" if c is None else str(c).strip() for c in row] for row in book["LA SN Groups"].iter_rows(
            values_only=True)]  # fmt: skip
    finally:
        book.close()
    start = next((i for i, r in enumerate(rows) if r[:2] == ["LA num", "LA Name"]), None)
    if start is None:
        raise DataProblem(f"{path.name}: sheet 'LA SN Groups' has no header row starting 'LA num, LA Name'.")
    year = re.search(r"20(21|25)", path.name)
    if year is None:
        raise DataProblem(f"{path.name}: cannot tell which statistical-neighbour model it is (2021 or 2025).")
    return _read_sn_positional(path, rows[start + 1 :], "20" + year.group(1))


def _code(text: str) -> str:
    t = text.strip()
    return str(int(float(t))) if re.fullmatch(r"\d+(\.0)?", t) else t


def _read_sn_positional(path: Path, rows: list[list[str]], model: str) -> FileResult:
    """The April 2021 layout (also the LAIT workbooks): code, name, code, region number, region, then ten
    (neighbour, closeness) pairs."""
    result = FileResult(path, "neighbours")
    old_block = False
    for r in rows:
        if any("Old SNs" in (c or "") for c in r[:3]):
            old_block = True  # abolished councils' lists; in the 2025 workbook these are the 2021 lists
        if not r or not re.fullmatch(r"\d+(\.0)?", (r[0] or "").strip()) or (old_block and model == "2025"):
            continue
        for k in range(10):
            col = 5 + 2 * k
            if col >= len(r):
                break
            neighbour = _code(r[col] or "")
            if not neighbour or neighbour == "-":
                continue
            result.neighbours.append(Neighbour(model, _code(r[0]), r[1].strip(), k + 1, neighbour,
                                               (r[col + 1] if col + 1 < len(r) else "").strip() or None,
                                               path.name))  # fmt: skip
    return result


def _read_sn_2025_wide(path: Path, header: list[str], rows: list[list[str]]) -> FileResult:
    _require(path, header, ["old_la_code", "la_name", *(f"SN_{k}" for k in range(1, 11))], "statistical neighbours")
    result = FileResult(path, "neighbours")
    for r in _dicts(header, rows):
        for k in range(1, 11):
            neighbour = _code(r.get(f"SN_{k}", ""))
            if neighbour:
                result.neighbours.append(Neighbour("2025", _code(r["old_la_code"]), r["la_name"], k, neighbour,
                                                   (r.get(f"SN_{k}P") or "").strip() or None, path.name))  # fmt: skip
    return result


def _read_sn_long(path: Path, header: list[str], rows: list[list[str]]) -> FileResult:
    _require(path, header, ["model", "la_code", "la_name", "rank", "sn_la_code"], "statistical neighbours (long)")
    result = FileResult(path, "neighbours")
    for r in _dicts(header, rows):
        model = "2025" if "2025" in r["model"] else "2021" if "2021" in r["model"] else None
        if model is None:
            raise DataProblem(f"{path.name}: unknown statistical-neighbour model '{r['model']}'.")
        result.neighbours.append(Neighbour(model, _code(r["la_code"]), r["la_name"], int(r["rank"]),
                                           _code(r["sn_la_code"]), (r.get("closeness") or "").strip() or None,
                                           path.name))  # fmt: skip
    return result
