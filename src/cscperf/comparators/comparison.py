"""Compare a council with England, its region and its statistical neighbours, honestly.

For each indicator and year the figure used for an area is the one from the latest release that has it
(later releases revise earlier years; the source is named). The neighbour figure is the mean of the
neighbours that have one (LAIT's convention) and the median (the DfE dashboard's), with how many had data.
The quartile band and rank place the council among all councils, with A the best quarter for indicators where
a direction is better. For percentages and rates, a 95% confidence interval for the council's own figure
(Wilson for proportions, exact Poisson for rates) says whether it differs from England beyond chance.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from scipy.stats import chi2

from cscperf.comparators.published import MEASURES, OUR_PERIOD, REORGANISED, SN_MODELS, SUPPRESSION_WORDS
from cscperf.errors import UsageProblem
from cscperf.indicators.definition import Indicator, load_library
from cscperf.store.connection import Connection

Z95 = 1.959963984540054


@dataclass
class Comparison:
    """One indicator for one council and year, beside England, region and neighbours."""

    indicator_id: str
    la_code: str
    la_name: str
    year: int | None
    year_meaning: str
    our_period: str
    value: float | None = None
    suppression: str | None = None
    source: str | None = None
    interval: tuple[float, float] | None = None
    england: float | None = None
    region_code: str | None = None
    region_name: str | None = None
    region: float | None = None
    sn_model: str | None = None
    sn_mean: float | None = None
    sn_median: float | None = None
    sn_with_data: int = 0
    sn_total: int = 0
    quartile: str | None = None
    rank: int | None = None
    rank_of: int = 0
    versus_england: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "england": self.england, "region": self.region, "region_name": self.region_name,
            "sn_mean": self.sn_mean, "sn_median": self.sn_median, "sn_model": self.sn_model,
            "sn_with_data": self.sn_with_data, "sn_total": self.sn_total, "quartile": self.quartile,
            "rank": self.rank, "rank_of": self.rank_of, "benchmark_year": self.year,
            "year_meaning": self.year_meaning, "compared_with": self.our_period,
            "interval_95": list(self.interval) if self.interval else None, "versus_england": self.versus_england,
            "notes": self.notes,
        }  # fmt: skip


def has_benchmarks(con: Connection) -> bool:
    return bool(con.execute("SELECT count(*) FROM cscperf_benchmark_values").fetchall()[0][0])


def latest_values(con: Connection, indicator_id: str, year: int) -> dict[str, dict[str, Any]]:
    """Each area's figure for the year from the latest release that has a row for it."""
    cursor = con.execute(
        """SELECT area_code, area_level, area_name, region_code, region_name, value, suppression, numerator,
                  denominator, joint_return, source_file, release
           FROM cscperf_benchmark_values WHERE indicator_id = ? AND year = ?
           QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY release DESC,
                   (source_measure LIKE 'LAIT%'), value IS NULL, source_file) = 1""",
        [indicator_id, year],
    )
    names = [d[0] for d in cursor.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}


def published_years(con: Connection, indicator_id: str) -> list[int]:
    rows = con.execute(
        "SELECT DISTINCT year FROM cscperf_benchmark_values WHERE indicator_id = ? AND value IS NOT NULL ORDER BY 1",
        [indicator_id],
    ).fetchall()
    return [r[0] for r in rows]


def reference_date(year: int, year_meaning: str) -> dt.date:
    return dt.date(year, 9, 30) if year_meaning == "30 September" else dt.date(year, 3, 31)


def year_for(con: Connection, indicator_id: str, as_at: dt.date) -> int | None:
    """The latest published year whose reference date is on or before `as_at`."""
    meaning = MEASURES[indicator_id].year_meaning
    years = [y for y in published_years(con, indicator_id) if reference_date(y, meaning) <= as_at]
    return max(years) if years else None


def compare(
    con: Connection,
    la_code: str,
    indicator_id: str,
    *,
    year: int | None = None,
    model: str = "2021",
    own: tuple[float | None, float | None, float | None] | None = None,
) -> Comparison:
    """The comparison for a council. With `own` = (value, numerator, denominator), the council's own computed
    figure is compared (and placed among the published councils) instead of its published one."""
    if indicator_id not in MEASURES:
        raise UsageProblem(f"{indicator_id} has no published equivalent to compare with.")
    indicator = load_library()[indicator_id]
    measure = MEASURES[indicator_id]
    if model not in SN_MODELS:
        raise UsageProblem("The statistical-neighbour model must be 2021 or 2025.")
    years = published_years(con, indicator_id)
    if year is None:
        year = max(years) if years else None
    c = Comparison(indicator_id, la_code, la_code, year, measure.year_meaning, OUR_PERIOD[measure.year_meaning])
    if la_code in REORGANISED:
        c.notes.append(f"Council {la_code} is {REORGANISED[la_code]}.")
    if year is None:
        c.notes.append("No published figures for this indicator have been imported.")
        return c
    values = latest_values(con, indicator_id, year)
    mine = values.get(la_code)
    if mine:
        c.la_name = mine["area_name"]
        c.region_code, c.region_name = mine["region_code"], mine["region_name"]
    else:
        c.region_code, c.region_name = _region_of(con, la_code)
    if own is not None:
        c.value = own[0]
        c.source = "the council's own data (cscperf)"
        c.interval = interval(indicator, own[1], own[2])
    elif mine:
        c.value, c.suppression = mine["value"], mine["suppression"]
        c.source = f"{mine['source_file']} (release {mine['release']})"
        numerator, denominator = _counts(con, indicator_id, la_code, year, mine)
        c.interval = interval(indicator, numerator, denominator)
        if mine["joint_return"]:
            c.notes.append(
                f"Published as one joint return for councils {mine['joint_return']}: the figure covers both."
            )
        if c.value is None:
            word = SUPPRESSION_WORDS.get(c.suppression or "", "not published")
            c.notes.append(f"No {year} figure was published for this council: {word} ({c.suppression}).")
    else:
        c.notes.append(f"No {year} figure was published for council {la_code} (it may not have existed then).")
    england = values.get("E92000001")
    c.england = england["value"] if england else None
    region = values.get(c.region_code or "")
    c.region = region["value"] if region else None
    _neighbours(con, c, values, model)
    _place(c, indicator, values, own is not None)
    c.versus_england = versus_england(c.interval, c.england, year)
    return c


def _counts(
    con: Connection, indicator_id: str, la_code: str, year: int, row: dict[str, Any]
) -> tuple[float | None, float | None]:
    """The published count and base behind a figure: from its own row, or from another release of the same
    figure that gives them (LAIT publishes figures without counts)."""
    if row["numerator"] is not None and row["denominator"] is not None:
        return row["numerator"], row["denominator"]
    found = con.execute(
        "SELECT numerator, denominator FROM cscperf_benchmark_values WHERE indicator_id = ? AND area_code = ? "
        "AND year = ? AND value = ? AND numerator IS NOT NULL AND denominator IS NOT NULL "
        "ORDER BY release DESC LIMIT 1",
        [indicator_id, la_code, year, row["value"]],
    ).fetchall()
    return (found[0][0], found[0][1]) if found else (None, None)


def _region_of(con: Connection, la_code: str) -> tuple[str | None, str | None]:
    rows = con.execute(
        "SELECT region_code, region_name FROM cscperf_benchmark_values WHERE area_code = ? AND region_code IS NOT NULL "
        "ORDER BY year DESC LIMIT 1",
        [la_code],
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else (None, None)


def _neighbours(con: Connection, c: Comparison, values: dict[str, dict[str, Any]], model: str) -> None:
    codes = [r[0] for r in con.execute(
        "SELECT neighbour_code FROM cscperf_statistical_neighbours WHERE model = ? AND la_code = ? ORDER BY rank",
        [model, c.la_code]).fetchall()]  # fmt: skip
    if not codes:
        other = "2025" if model == "2021" else "2021"
        codes = [r[0] for r in con.execute(
            "SELECT neighbour_code FROM cscperf_statistical_neighbours WHERE model = ? AND la_code = ? ORDER BY rank",
            [other, c.la_code]).fetchall()]  # fmt: skip
        if codes:
            c.notes.append(f"Council {c.la_code} has no neighbours in the {SN_MODELS[model]}; the {SN_MODELS[other]} "
                           "is used instead.")  # fmt: skip
            model = other
        else:
            c.notes.append(f"No statistical neighbours have been imported for council {c.la_code}.")
            return
    c.sn_model = SN_MODELS[model]
    c.sn_total = len(codes)
    found = [values[code]["value"] for code in codes if code in values and values[code]["value"] is not None]
    missing = [code for code in codes if code not in values or values[code]["value"] is None]
    c.sn_with_data = len(found)
    if found:
        c.sn_mean = round(statistics.fmean(found) + 1e-9, 1)
        c.sn_median = round(statistics.median(found) + 1e-9, 1)
    if missing:
        described = ", ".join(
            f"{code}" + (f" ({REORGANISED[code].split(' (')[0]}, reorganised)" if code in REORGANISED else "")
            for code in missing
        )
        c.notes.append(f"{c.sn_with_data} of {c.sn_total} neighbours had a {c.year} figure; none for {described}.")


def _place(c: Comparison, indicator: Indicator, values: dict[str, dict[str, Any]], own: bool) -> None:
    """Quartile band (A best where a direction is better; A lowest otherwise) and rank among councils."""
    others = [v["value"] for code, v in values.items()
              if v["area_level"] == "la" and v["value"] is not None and not (own and code == c.la_code)]  # fmt: skip
    if c.value is None or not others:
        return
    pool = [*others, c.value] if own else others
    higher_better = indicator.polarity == "higher_is_better"
    better = sum(1 for v in pool if (v > c.value if higher_better else v < c.value))
    c.rank, c.rank_of = better + 1, len(pool)
    c.quartile = "ABCD"[min(3, (4 * better) // len(pool))]
    if indicator.polarity in ("neutral", "target_band"):
        c.notes.append("Quartile A holds the lowest values (no direction is better for this measure).")


def interval(indicator: Indicator, numerator: float | None, denominator: float | None) -> tuple[float, float] | None:
    """95% confidence interval for a percentage (Wilson) or a rate per 10,000 (exact Poisson)."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    if indicator.unit == "percent":
        lo, hi = wilson(numerator, denominator)
        return round(100 * lo, 1), round(100 * hi, 1)
    if indicator.unit == "rate_per_10k":
        lo, hi = poisson_exact(numerator)
        return round(lo * 10_000 / denominator, 1), round(hi * 10_000 / denominator, 1)
    return None


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson_exact(k: float, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count k."""
    lo = 0.0 if k <= 0 else float(chi2.ppf(alpha / 2, 2 * k)) / 2
    hi = float(chi2.ppf(1 - alpha / 2, 2 * k + 2)) / 2
    return lo, hi


def versus_england(ci: tuple[float, float] | None, england: float | None, year: int | None) -> str | None:
    if ci is None or england is None:
        return None
    if england < ci[0]:
        return f"Above England ({england:g} in {year}) beyond chance: the 95% interval is {ci[0]:g} to {ci[1]:g}."
    if england > ci[1]:
        return f"Below England ({england:g} in {year}) beyond chance: the 95% interval is {ci[0]:g} to {ci[1]:g}."
    return (f"Not distinguishable from England ({england:g} in {year}): the 95% interval {ci[0]:g} to {ci[1]:g} "
            "includes it, so the difference may be chance.")  # fmt: skip
