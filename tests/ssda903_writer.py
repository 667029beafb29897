"""Write a store's children looked after out as SSDA903 CSV tables for one collection year, as a council's case
system would for the DfE: the children looked after at any time in the year, their episodes in the year (an
episode still open at 31 March has no DEC or REC), their reviews and missing spells in the year, and OC2
outcomes for the children looked after continuously for 12 months at 31 March.

Only for tests: it lets the loader be checked against what the indicator engine computes from the store the
return was written from.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from cscperf.loading.ssda903_tables import TABLE_COLUMNS

EPISODE_COLUMNS = TABLE_COLUMNS["episodes"]


def uk(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def write_903_year(
    con: duckdb.DuckDBPyConnection,
    la_code: str,
    year: int,
    folder: Path,
    *,
    numeric_sex: bool = False,
    quirks: bool = False,
) -> dict[str, int]:
    """Write the return for the year ending 31 March `year` into `folder`; the rows written, by table.

    `numeric_sex` writes SEX as 1/2 (the codes before 2024-25); `quirks` writes the files as some case systems
    do: a byte-order mark, CRLF line ends, lower-case column names in another order."""
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    folder.mkdir(parents=True, exist_ok=True)
    params: list[Any] = [la_code, end, start]
    episodes = con.execute(
        """
        SELECT e.clae_person_id, e.clae_cla_episode_start_date, e.clae_cla_episode_start_reason,
               (SELECT l.lega_legal_status FROM ssd_legal_status l
                WHERE l.la_code = e.la_code AND l.lega_person_id = e.clae_person_id
                  AND l.lega_legal_status_start_date <= e.clae_cla_episode_start_date
                ORDER BY l.lega_legal_status_start_date DESC LIMIT 1) AS ls,
               e.clae_cla_primary_need_code, p.clap_cla_placement_type, p.clap_cla_placement_provider,
               CASE WHEN e.clae_cla_episode_ceased_date <= $2 THEN e.clae_cla_episode_ceased_date END AS dec,
               CASE WHEN e.clae_cla_episode_ceased_date <= $2 THEN e.clae_cla_episode_ceased_reason END AS rec,
               CASE WHEN e.clae_cla_episode_ceased_date <= $2
                     AND e.clae_cla_episode_ceased_date = p.clap_cla_placement_end_date
                    THEN p.clap_cla_placement_change_reason END AS rpc,
               p.clap_cla_placement_postcode, p.clap_cla_placement_urn
        FROM ssd_cla_episodes e
        LEFT JOIN ssd_cla_placement p ON p.la_code = e.la_code AND p.clap_cla_placement_id = e.clae_cla_placement_id
        WHERE e.la_code = $1 AND e.clae_cla_episode_start_date <= $2
          AND (e.clae_cla_episode_ceased_date IS NULL OR e.clae_cla_episode_ceased_date >= $3)
        ORDER BY 1, 2
        """,
        params,
    ).fetchall()
    children = sorted({row[0] for row in episodes})
    rows: dict[str, list[list[str]]] = {
        "episodes": [
            [
                child,
                uk(decom),
                rne or "",
                ls or "",
                cin or "",
                place or "",
                provider or "",
                uk(dec),
                rec or "",
                rpc or "",
                "",
                postcode or "",
                urn or "",
            ]
            for child, decom, rne, ls, cin, place, provider, dec, rec, rpc, postcode, urn in episodes
        ]
    }
    con.register("w903_children", pa.table({"person_id": pa.array(list(children), pa.string())}))
    people = con.execute(
        "SELECT p.pers_person_id, p.pers_sex, p.pers_dob, p.pers_ethnicity FROM ssd_person p "
        "JOIN w903_children c ON c.person_id = p.pers_person_id WHERE p.la_code = ? ORDER BY 1",
        [la_code],
    ).fetchall()
    dob = {person: born for person, _, born, _ in people}
    rows["header"] = [
        [person, ({"M": "1", "F": "2"}.get(sex, "") if numeric_sex else sex or ""), uk(born), ethnic or "", "", "", ""]
        for person, sex, born, ethnic in people
    ]
    reviews = con.execute(
        """
        SELECT DISTINCT e.clae_person_id, r.clar_cla_review_date, r.clar_cla_review_participation
        FROM ssd_cla_reviews r
        JOIN ssd_cla_episodes e ON e.la_code = r.la_code AND e.clae_cla_id = r.clar_cla_id
        WHERE r.la_code = ? AND r.clar_cla_review_date BETWEEN ? AND ?
          AND COALESCE(r.clar_cla_review_cancelled, 'N') <> 'Y'
        ORDER BY 1, 2
        """,
        [la_code, start, end],
    ).fetchall()
    rows["reviews"] = [[p, uk(dob.get(p)), uk(held), code or ""] for p, held, code in reviews]
    missing = con.execute(
        """
        SELECT m.miss_person_id, m.miss_missing_episode_type, m.miss_missing_episode_start_date,
               CASE WHEN m.miss_missing_episode_end_date <= $2 THEN m.miss_missing_episode_end_date END
        FROM ssd_missing m JOIN w903_children c ON c.person_id = m.miss_person_id
        WHERE m.la_code = $1 AND m.miss_missing_episode_start_date BETWEEN $3 AND $2 ORDER BY 1, 3
        """,
        params,
    ).fetchall()
    rows["missing"] = [[p, uk(dob.get(p)), "A" if kind == "Absent" else "M", uk(s), uk(e)] for p, kind, s, e in missing]
    rows["oc2"] = _oc2(con, la_code, end, dob)
    columns = {
        "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
        "episodes": EPISODE_COLUMNS,
        "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
        "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
        "oc2": (
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ),
    }
    shuffle = random.Random(year)
    for table, names in columns.items():
        order = list(range(len(names)))
        if quirks:
            shuffle.shuffle(order)
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8-sig" if quirks else "utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\r\n" if quirks else "\n")
            writer.writerow([names[i].lower() if quirks else names[i] for i in order])
            writer.writerows([[row[i] for i in order] for row in rows[table]])
    return {table: len(r) for table, r in rows.items()}


def _oc2(con: duckdb.DuckDBPyConnection, la_code: str, end: dt.date, dob: dict[str, dt.date]) -> list[list[str]]:
    """OC2: children looked after at 31 March for the 12 months before it (short breaks left out), with their
    health assessment and dental check flags as the DfE defines them."""
    year_ago = dt.date(end.year - 1, 4, 1)
    cohort = con.execute(
        """
        WITH periods AS (
            SELECT clae_cla_id, clae_person_id, min(clae_cla_episode_start_date) AS care_start,
                   CASE WHEN count(*) = count(clae_cla_episode_ceased_date)
                        THEN max(clae_cla_episode_ceased_date) END AS care_end
            FROM ssd_cla_episodes WHERE la_code = $1 GROUP BY ALL
        )
        SELECT DISTINCT p.clae_person_id FROM periods p
        WHERE p.care_start <= $3 AND (p.care_end IS NULL OR p.care_end > $2)
          AND NOT EXISTS (SELECT 1 FROM ssd_legal_status l WHERE l.la_code = $1 AND l.lega_person_id = p.clae_person_id
                          AND l.lega_legal_status IN ('V3', 'V4') AND l.lega_legal_status_start_date <= $2
                          AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date > $2))
        ORDER BY 1
        """,
        [la_code, end, year_ago],
    ).fetchall()
    checks = con.execute(
        """
        SELECT clah_person_id, clah_health_check_type, count(DISTINCT clah_health_check_date)
        FROM ssd_cla_health
        WHERE la_code = ? AND COALESCE(clah_health_check_status, 'Completed') = 'Completed'
          AND clah_health_check_date > CAST(? AS DATE) - INTERVAL 12 MONTH AND clah_health_check_date <= ?
        GROUP BY ALL
        """,
        [la_code, end, end],
    ).fetchall()
    done = {(person, kind): n for person, kind, n in checks}
    out: list[list[str]] = []
    for (person,) in cohort:
        born = dob.get(person)
        under_five = born is not None and born > dt.date(end.year - 5, end.month, end.day)
        assessed = done.get((person, "Health Assessment"), 0) >= (2 if under_five else 1)
        teeth = done.get((person, "Dental Check"), 0) >= 1
        out.append(
            [person, uk(born), "", "SDQ4", "0", "", "", "1" if teeth else "0", "1" if assessed else "0", "0", "", ""]
        )
    return out


def write_903_xml(tables: Path, path: Path) -> None:
    """The same return as the XML (EXPSSDA903) a case system sends instead of the CSV tables: one CHILD with its
    HEADER (missing spells, reviews, OC2 inside) and EPISODEs, from the tables `write_903_year` wrote."""
    from lxml import etree

    def read(name: str) -> list[dict[str, str]]:
        with (tables / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            return [{k.upper(): v for k, v in row.items()} for row in csv.DictReader(handle)]

    by_child: dict[str, dict[str, list[dict[str, str]]]] = {}
    for name in ("episodes", "reviews", "missing", "oc2"):
        for row in read(name):
            by_child.setdefault(row["CHILD"], {}).setdefault(name, []).append(row)
    root = etree.Element("EXPSSDA903")

    def add(parent: Any, tag: str, value: str | None) -> None:
        etree.SubElement(parent, tag).text = value or None

    for person in read("header"):
        rows = by_child.get(person["CHILD"], {})
        child = etree.SubElement(root, "CHILD")
        header = etree.SubElement(child, "HEADER")
        for tag, column in (("CHILDID", "CHILD"), ("UPN", "UPN"), ("SEX", "SEX"), ("DOB", "DOB"), ("ETHNIC", "ETHNIC")):
            add(header, tag, person[column])
        add(header, "UASC", "0")
        for spell in rows.get("missing", []):
            item = etree.SubElement(header, "AMISSING")
            for tag in ("MISSING", "MIS_START", "MIS_END"):
                add(item, tag, spell[tag])
        for review in rows.get("reviews", []):
            item = etree.SubElement(header, "AREVIEW")
            for tag in ("REVIEW", "REVIEW_CODE"):
                add(item, tag, review[tag])
        for outcome in rows.get("oc2", []):
            item = etree.SubElement(header, "OC2")
            for tag in list(outcome)[2:]:
                add(item, tag, outcome[tag])
        for episode in rows.get("episodes", []):
            item = etree.SubElement(child, "EPISODE")
            for tag, column in (
                ("DECOM", "DECOM"),
                ("RNE", "RNE"),
                ("LS", "LS"),
                ("CIN", "CIN"),
                ("PL", "PLACE"),
                ("PL_POST", "PL_POST"),
                ("HOME_POST", "HOME_POST"),
                ("URN", "URN"),
                ("PLACE_PROVIDER", "PLACE_PROVIDER"),
                ("DEC", "DEC"),
                ("REC", "REC"),
                ("REASON_PLACE_CHANGE", "REASON_PLACE_CHANGE"),
            ):
                add(item, tag, episode[column])
    path.parent.mkdir(parents=True, exist_ok=True)
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8")
