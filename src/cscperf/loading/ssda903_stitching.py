"""Stitch SSDA903 returns into one history of episodes, periods of care, placements and legal statuses.

Runs once after every file of a load command has been read (inside its transaction, before the merge).
Each annual return lists the episodes open at any time in its year, so the same episode appears in several
returns; identifiers are made from natural keys (child + DECOM), so the versions meet. The rules, in order
(docs/loading-ssda903.md has worked examples):

1. Versions of the same episode: the later return wins (then the later file). Each case is counted and
   listed as a warning: "repair: episode reappears" (the earlier version was open at its year end),
   "repair: duplicate episode" (the same episode, identical, in two returns), "repair: episode revised"
   (a closed episode that a later return changes), "repair: episode from an older return" (an older return
   loaded after a newer one: the store's version stays).
2. "repair: overlapping episodes": an episode that is open, or ends after the next episode of the child
   starts, is ended when the next one starts (reason X1 unless the next one starts a new period of care).
3. "repair: care ended without an end date": a child's last episode is open at the end of year N's return,
   and a later return (year M > N, in this command or already in the store) with episodes was loaded in
   which the child does not appear. Year N's return stands: the child was looked after on 31 March N; care
   ended after it, on a date no return gives. The episode ends on 1 April N with the reason END_UNKNOWN, so
   the child counts at 31 March N, is looked after at no later date, and is counted as ceasing in no year
   (the DfE's figures, built from each year's return, never count the ceasing either: the return that would
   record it does not hold the child). The drill-down of children who ceased lists them, not counted.
4. Periods of care, placements and legal statuses are rebuilt from the whole history of every child the
   command touched (store and new returns together), and reviews are linked to their period of care.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cscperf.loading.collection_year import year_in_name
from cscperf.loading.date_checks import DatedField, flag_late_dates
from cscperf.loading.file_load import FileLoad
from cscperf.loading.merge import LOADS_TABLE, StagedLoads
from cscperf.loading.problems import Problem
from cscperf.loading.ssda903_tables import DETAILS_TABLE
from cscperf.loading.years import year_problem
from cscperf.store.statements import run

KIND = "ssda903"
UNKNOWN_END = "END_UNKNOWN"  # reason an episode ended, when a later return shows care ended on an unknown date
TEMP = ("s903_children", "s903_versions", "s903_final", "s903_seq", "s903_periods", "s903_review_links")
VERSION_COLUMNS = ("la_code", "person_id", "episode_id", "decom", "rne", "cin", "dec", "rec", "place", "provider",
                   "urn", "postcode", "ls", "rpc", "year", "load_id", "load_seq", "row_seq", "location")  # fmt: skip
EPISODE_FIELDS = {
    "rne": "RNE",
    "cin": "CIN",
    "dec": "DEC",
    "rec": "REC",
    "place": "PLACE",
    "provider": "PLACE_PROVIDER",
    "urn": "URN",
    "postcode": "PL_POST",
    "ls": "LS",
    "rpc": "REASON_PLACE_CHANGE",
}


def stitch(staged: StagedLoads) -> None:
    loads = [load for load in staged.loads if load.kind == KIND]
    if not loads:
        return
    repairs: dict[str, Counter[str]] = {load.load_id: Counter() for load in loads}
    _settle_years(staged, loads)
    loads = [load for load in loads if load in staged.loads]
    flag_late_dates(staged, KIND, SSDA903_DATES)
    _outcome_years(staged)
    if staged.staged("ssd_cla_episodes") is not None:
        _stitch_episodes(staged, repairs)
    if staged.staged("ssd_cla_reviews") is not None or staged.staged("ssd_cla_episodes") is not None:
        _link_reviews(staged)
    for name in (*TEMP, DETAILS_TABLE):
        run(staged.con, f"DROP TABLE IF EXISTS {name}")
    for load in loads:
        load.details["repairs"] = dict(sorted(repairs[load.load_id].items()))
        load.flush()


# ------------------------------------------------------------------------------------------ years
SSDA903_DATES = (
    DatedField("ssd_cla_episodes", "clae_cla_episode_start_date", "DECOM"),
    DatedField("ssd_cla_episodes", "clae_cla_episode_ceased_date", "DEC"),
    DatedField("ssd_cla_reviews", "clar_cla_review_date", "REVIEW"),
    DatedField("ssd_missing", "miss_missing_episode_start_date", "MIS_START"),
    DatedField("ssd_missing", "miss_missing_episode_end_date", "MIS_END"),
    DatedField("ssd_permanence", "perm_matched_date", "DATE_MATCH"),
    DatedField("ssd_permanence", "perm_adm_decision_date", "DATE_INT or DATE_PLACED"),
    DatedField("ssd_permanence", "perm_decision_reversed_date", "DATE_PLACED_CEASED"),
    DatedField("ssd_involvements", "invo_involvement_start_date", "SW_DECOM"),
    DatedField("ssd_involvements", "invo_involvement_end_date", "SW_DEC"),
    DatedField("ssd_legal_status", "lega_legal_status_start_date", "DOLO_START"),
    DatedField("ssd_legal_status", "lega_legal_status_end_date", "DOLO_END"),
)


def _has_episodes(load: FileLoad) -> bool:
    return load.details.get("ssda903_table") == "episodes" or "ssda903_children" in load.details


def _settle_years(staged: StagedLoads, loads: list[FileLoad]) -> None:
    """Each table's collection year (the year ending 31 March its return is for). The tables of one return
    share its year; a return is the tables of one folder with the same year in their names (or none):
    `2019/header.csv` and `2019/oc2.csv`, or `header_2019.csv` and `oc2_2019.csv` side by side.

    1. `--year` decides, when given.
    2. The year a name gives (`2019-oc2.csv`, `oc2_2019.csv`, `2019/oc2.csv`, `2018-19/...`), unless the
       return's episodes hold a fair share of dates in a later year (a return cannot hold them: the name is
       then taken to mean the year it starts, and the episodes' year is used, with a warning).
    3. Otherwise the year of the return's episodes (CSV table or XML), when they agree on one; then a table's
       own dates; an undated table (header, OC2, OC3...) takes the year the return's dated tables agree on.
    4. A table whose year none of these tells and that needs one (OC2 outcomes are kept by year) is not
       loaded: one message, not a reject for each record. Other undated tables load without a year.
    """
    returns: dict[tuple[Path, int | None], list[FileLoad]] = {}
    for load in loads:
        if not load.details.get("year_given"):
            named = year_in_name(load.path)
            returns.setdefault((load.path.parent, named[0] if named else None), []).append(load)
    for (_folder, named_year), tables in returns.items():
        episodes = {t.details["year_from_dates"] for t in tables if _has_episodes(t) and "year_from_dates" in t.details}
        dated = {t.details["year_from_dates"] for t in tables if "year_from_dates" in t.details}
        year, source = _return_year(tables, named_year, episodes, dated)
        for load in tables:
            own = load.details.get("year_from_dates")
            chosen, why = (year, source) if year is not None else (own, load.details.get("collection_year_from"))
            if chosen is None:
                if load.details.get("ssda903_table") == "oc2":
                    staged.withdraw(load, NO_YEAR)
                continue
            if impossible := year_problem(chosen):
                staged.withdraw(load, f"its collection year cannot be right: {impossible} (it comes from {why}). "
                                      "Give the year with --year.")  # fmt: skip
                continue
            if own is not None and own != chosen and year is not None:
                why = f"{source}; its own dates point to {own}"
            if named_year is not None and year is not None and year != named_year and _has_episodes(load):
                load.flag(Problem(load.where(), "year of the name and the dates disagree",
                                  f"The name says the year ending 31 March {named_year}, but the episodes hold "
                                  f"dates of the year ending 31 March {year}, which that return cannot; {year} is "
                                  "used (give --year to choose).", "warning"))  # fmt: skip
            load.collection_year = chosen
            load.details["collection_year_from"] = why
            run(staged.con, f"UPDATE {LOADS_TABLE} SET collection_year = ? WHERE load_id = ?", [chosen, load.load_id])


NO_YEAR = (
    "its collection year cannot be told: it has no dates that show it, its name and folder name give none, and "
    "the SSDA903 tables beside it are for more than one year. Name it with its year (2019-oc2.csv, oc2_2019.csv "
    "or a 2019 folder), keep each year's return in a folder of its own, or give --year."
)


def _return_year(
    tables: list[FileLoad], named_year: int | None, episodes: set[int], dated: set[int]
) -> tuple[int | None, str]:
    """The year of one return (its tables), and how it was told; None where the tables do not agree."""
    if named_year is not None:
        later = max(episodes, default=named_year)
        if later > named_year:
            return later, f"the episodes' dates (the year ending 31 March {later}; the name says {named_year})"
        return named_year, f"the name ({tables[0].path.name}: the year ending 31 March {named_year})"
    if len(episodes) == 1:
        (year,) = episodes
        name = next(t.path.name for t in tables if _has_episodes(t) and t.details.get("year_from_dates") == year)
        return year, f"the episodes of the same return ({name}: the year ending 31 March {year})"
    if len(episodes) > 1:
        return None, ""
    undated = [t for t in tables if "year_from_dates" not in t.details]
    if undated and len(dated) == 1:
        (year,) = dated
        return year, f"the dated tables of the same return (the year ending 31 March {year})"
    return None, ""


def _outcome_years(staged: StagedLoads) -> None:
    """OC2 outcomes are kept per collection year: the year of the return they came in."""
    name = staged.staged("cscperf_cla_outcomes")
    if name is None:
        return
    staged.staging.writable("cscperf_cla_outcomes")
    run(
        staged.con,
        f"UPDATE {name} SET collection_year = l.collection_year FROM {LOADS_TABLE} l "
        f"WHERE l.load_id = {name}._load_id AND l.load_kind = '{KIND}' AND l.collection_year IS NOT NULL",
    )


# ------------------------------------------------------------------------------------------ episodes
def _own(table: str) -> str:
    """The staged rows of `table` that came from SSDA903 returns (other formats' episodes in the same command,
    from Annex A or an SSD extract, are merged by the general rules, not stitched)."""
    return f"(SELECT * FROM {table} WHERE _load_id IN (SELECT load_id FROM {LOADS_TABLE} WHERE load_kind = '{KIND}'))"


def _stitch_episodes(staged: StagedLoads, repairs: dict[str, Counter[str]]) -> None:
    con = staged.con
    staged_episodes = staged.staged("ssd_cla_episodes")
    assert staged_episodes is not None
    episodes = _own(staged_episodes)
    details = _details_sql(staged)
    run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE s903_children AS
        SELECT DISTINCT l.la_code, s.clae_person_id AS person_id
        FROM {episodes} s JOIN {LOADS_TABLE} l ON l.load_id = s._load_id
        UNION   -- children whose care the store shows open: a later return may show that it ended
        SELECT e.la_code, e.clae_person_id FROM ssd_cla_episodes e
        WHERE e.clae_cla_episode_id LIKE 'EP:%' AND e.clae_cla_episode_ceased_date IS NULL
          AND e.la_code IN (SELECT l.la_code FROM {episodes} s JOIN {LOADS_TABLE} l ON l.load_id = s._load_id)""",
    )
    # Every version of each episode of those children: from this command's returns and from the store.
    run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE s903_versions AS
        SELECT *, row_number() OVER (PARTITION BY la_code, episode_id
                                     ORDER BY year DESC NULLS LAST, load_id IS NULL, load_seq DESC, row_seq DESC)
                  AS version
        FROM (
        SELECT l.la_code, s.clae_person_id AS person_id, s.clae_cla_episode_id AS episode_id,
               s.clae_cla_episode_start_date AS decom, s.clae_cla_episode_start_reason AS rne,
               s.clae_cla_primary_need_code AS cin, s.clae_cla_episode_ceased_date AS dec,
               s.clae_cla_episode_ceased_reason AS rec, d.place, d.provider, d.urn, d.postcode,
               d.legal_status AS ls, d.change_reason AS rpc, l.collection_year AS year, s._load_id AS load_id,
               s._load_seq AS load_seq, s._row_seq AS row_seq, s._location AS location
        FROM {episodes} s JOIN {LOADS_TABLE} l ON l.load_id = s._load_id
        LEFT JOIN ({details}) d ON d.load_id = s._load_id AND d.episode_id = s.clae_cla_episode_id
        UNION ALL
        SELECT e.la_code, e.clae_person_id, e.clae_cla_episode_id, e.clae_cla_episode_start_date,
               e.clae_cla_episode_start_reason, e.clae_cla_primary_need_code, e.clae_cla_episode_ceased_date,
               e.clae_cla_episode_ceased_reason, p.clap_cla_placement_type, p.clap_cla_placement_provider,
               p.clap_cla_placement_urn, p.clap_cla_placement_postcode, g.lega_legal_status,
               CASE WHEN e.clae_cla_episode_ceased_date IS NOT DISTINCT FROM p.clap_cla_placement_end_date
                    THEN p.clap_cla_placement_change_reason END,
               -- the latest return that can have given the store's version: the year it ended, or if open
               -- the latest 903 return loaded for the council
               CASE WHEN e.clae_cla_episode_ceased_reason = '{UNKNOWN_END}'  -- ended by rule 3: year N's return
                    THEN year(e.clae_cla_episode_ceased_date)
                    WHEN e.clae_cla_episode_ceased_date IS NOT NULL
                    THEN year(e.clae_cla_episode_ceased_date) + (month(e.clae_cla_episode_ceased_date) > 3)::INTEGER
                    ELSE (SELECT max(r.collection_year) FROM cscperf_loads r WHERE r.la_code = e.la_code
                          AND r.load_kind = '{KIND}' AND r.load_status = 'complete') END,
               NULL, 0, 0, 'the store'
        FROM ssd_cla_episodes e
        JOIN s903_children c ON c.la_code = e.la_code AND c.person_id = e.clae_person_id
        LEFT JOIN ssd_cla_placement p ON p.la_code = e.la_code AND p.clap_cla_placement_id = e.clae_cla_placement_id
        LEFT JOIN (
            SELECT e2.la_code, e2.clae_cla_episode_id, g2.lega_legal_status
            FROM ssd_cla_episodes e2
            JOIN s903_children c2 ON c2.la_code = e2.la_code AND c2.person_id = e2.clae_person_id
            JOIN ssd_legal_status g2 ON g2.la_code = e2.la_code AND g2.lega_person_id = e2.clae_person_id
                 AND g2.lega_legal_status_id LIKE 'LS:%'
                 AND g2.lega_legal_status_start_date <= e2.clae_cla_episode_start_date
            WHERE e2.clae_cla_episode_id LIKE 'EP:%'
            QUALIFY row_number() OVER (PARTITION BY e2.la_code, e2.clae_cla_episode_id
                                       ORDER BY g2.lega_legal_status_start_date DESC) = 1
        ) g ON g.la_code = e.la_code AND g.clae_cla_episode_id = e.clae_cla_episode_id
        WHERE e.clae_cla_episode_id LIKE 'EP:%') AS versions""",
    )
    _versions(staged, repairs)
    # The versions kept, each with the child's next episode (rule 2 looks at it).
    run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE s903_final AS
        SELECT {", ".join(VERSION_COLUMNS)}, lead(decom) OVER w AS next_decom, lead(rne) OVER w AS next_rne,
               lead(load_id) OVER w AS next_load, lead(location) OVER w AS next_location
        FROM s903_versions WHERE version = 1 WINDOW w AS (PARTITION BY la_code, person_id ORDER BY decom)""",
    )
    for done in ("s903_versions", DETAILS_TABLE):  # free memory as soon as a table has served
        run(con, f"DROP TABLE IF EXISTS {done}")
    _overlaps(staged, repairs)
    _ended_without_date(staged, repairs, episodes)
    _rebuild(staged)
    run(con, "DROP TABLE s903_final")
    staged.staging.writable("ssd_cla_episodes")
    run(con, f"DELETE FROM {staged_episodes} WHERE _load_id IN (SELECT load_id FROM {LOADS_TABLE} "
             f"WHERE load_kind = '{KIND}')")  # fmt: skip


def _details_sql(staged: StagedLoads) -> str:
    if not staged.con.table_exists(DETAILS_TABLE):
        return (
            "SELECT NULL::VARCHAR AS load_id, NULL::VARCHAR AS episode_id, NULL::VARCHAR AS place, "
            "NULL::VARCHAR AS provider, NULL::VARCHAR AS urn, NULL::VARCHAR AS postcode, "
            "NULL::VARCHAR AS legal_status, NULL::VARCHAR AS change_reason WHERE false"
        )
    return f"SELECT * FROM {DETAILS_TABLE} QUALIFY row_number() OVER (PARTITION BY load_id, episode_id ORDER BY n) = 1"


def _versions(staged: StagedLoads, repairs: dict[str, Counter[str]]) -> None:
    """Rule 1: an episode given by more than one return (or by a return and the store)."""
    same = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in EPISODE_FIELDS)
    changed = ", ".join(f"CASE WHEN a.{c} IS DISTINCT FROM b.{c} THEN '{n}' END" for c, n in EPISODE_FIELDS.items())
    rows = staged.con.execute(f"""
        SELECT a.load_id, a.location, a.episode_id, a.decom, a.dec, b.dec IS NULL AS was_open, {same} AS same,
               concat_ws(', ', {changed}) AS changed, b.location, b.year
        FROM s903_versions a JOIN s903_versions b ON b.la_code = a.la_code AND b.episode_id = a.episode_id
        WHERE a.version = 1 AND b.version = 2 AND a.load_id IS NOT NULL
        ORDER BY a.load_seq, a.row_seq
    """).fetchall()
    older = staged.con.execute("""
        SELECT b.load_id, b.location, b.episode_id, b.decom, a.year
        FROM s903_versions a JOIN s903_versions b ON b.la_code = a.la_code AND b.episode_id = a.episode_id
        WHERE a.version = 1 AND a.load_id IS NULL AND b.load_id IS NOT NULL
        ORDER BY b.load_seq, b.row_seq
    """).fetchall()
    for load_id, location, episode_id, decom, year in older:
        message = (
            f"The store already holds the episode starting {decom:%d/%m/%Y} from a later return (year ending "
            f"31 March {year}); this older return's version is not used."
        )
        _repair(
            staged, repairs, load_id, location, "repair: episode from an older return", message, "DECOM", episode_id
        )
    for load_id, location, episode_id, decom, dec, was_open, identical, changed, earlier, earlier_year in rows:
        source = earlier if earlier_year is None else f"{earlier} (year ending 31 March {earlier_year})"
        if was_open:
            rule = "repair: episode reappears"
            ending = "it is still open" if dec is None else f"it ended on {dec:%d/%m/%Y}"
            message = (
                f"The episode starting {decom:%d/%m/%Y} was open in {source}; this later return gives it again "
                f"({ending}) and its version is kept, as one episode."
            )
        elif identical:
            rule = "repair: duplicate episode"
            message = f"The episode starting {decom:%d/%m/%Y} is also in {source}, identical; it is kept once."
        else:
            rule = "repair: episode revised"
            message = (
                f"The episode starting {decom:%d/%m/%Y} is also in {source}, closed there, with different "
                f"{changed}; this later return's version is kept."
            )
        _repair(staged, repairs, load_id, location, rule, message, "DECOM", episode_id)


def _overlaps(staged: StagedLoads, repairs: dict[str, Counter[str]]) -> None:
    """Rule 2: an episode still open, or ending after the next episode starts, ends when the next one starts."""
    con = staged.con
    overlap = "next_decom IS NOT NULL AND (dec IS NULL OR dec > next_decom)"
    rows = con.execute(f"""
        SELECT COALESCE(load_id, next_load), COALESCE(CASE WHEN load_id IS NOT NULL THEN location END, next_location),
               episode_id, decom, dec, next_decom, next_rne
        FROM s903_final WHERE {overlap} ORDER BY la_code, person_id, decom
    """).fetchall()
    for load_id, location, episode_id, decom, dec, next_decom, next_rne in rows:
        was = "was still open" if dec is None else f"ended on {dec:%d/%m/%Y}"
        reason = "reason X1 (a new episode follows)" if next_rne != "S" else "its reason kept"
        message = (
            f"The episode starting {decom:%d/%m/%Y} {was}, after the child's next episode started on "
            f"{next_decom:%d/%m/%Y}; it is ended on {next_decom:%d/%m/%Y}, {reason}."
        )
        _repair(staged, repairs, load_id, location, "repair: overlapping episodes", message, "DEC", episode_id)
    run(
        con,
        f"""UPDATE s903_final SET dec = next_decom,
               rec = CASE WHEN next_rne IS DISTINCT FROM 'S' THEN 'X1' ELSE rec END
        WHERE {overlap}""",
    )


def _ended_without_date(staged: StagedLoads, repairs: dict[str, Counter[str]], episodes: str) -> None:
    """Rule 3: open at the end of year N's return, absent from a later return that was loaded."""
    con = staged.con
    rows = con.execute(f"""
        WITH loaded AS (   -- returns of this command that hold episodes, by council and year
            SELECT l.la_code, l.collection_year AS year, min(l.load_id) AS load_id
            FROM {episodes} s JOIN {LOADS_TABLE} l ON l.load_id = s._load_id
            WHERE l.collection_year IS NOT NULL GROUP BY ALL
        ), present AS (
            SELECT DISTINCT l.la_code, l.collection_year AS year, s.clae_person_id AS person_id
            FROM {episodes} s JOIN {LOADS_TABLE} l ON l.load_id = s._load_id
        ), earlier_returns AS (   -- every 903 return known, to date an open episode that came from the store
            SELECT la_code, collection_year AS year FROM cscperf_loads
            WHERE load_kind = '{KIND}' AND load_status = 'complete' AND collection_year IS NOT NULL
            UNION SELECT la_code, collection_year FROM {LOADS_TABLE}
            WHERE load_kind = '{KIND}' AND collection_year IS NOT NULL
        ), open_last AS (
            SELECT f.*, CASE WHEN f.load_id IS NOT NULL THEN f.year ELSE (
                       SELECT max(r.year) FROM earlier_returns r
                       WHERE r.la_code = f.la_code
                         AND r.year >= year(f.decom) + CASE WHEN month(f.decom) > 3 THEN 1 ELSE 0 END
                         AND r.year < (SELECT min(x.year) FROM loaded x WHERE x.la_code = f.la_code)) END AS shown_in
            FROM s903_final f WHERE f.dec IS NULL AND f.next_decom IS NULL
        ), store_years AS (   -- later returns already in the store: an episode of the council began in them
            SELECT DISTINCT e.la_code, year(e.clae_cla_episode_start_date)
                   + (month(e.clae_cla_episode_start_date) > 3)::INTEGER AS year
            FROM ssd_cla_episodes e
            WHERE e.clae_cla_episode_id LIKE 'EP:%' AND e.la_code IN (SELECT la_code FROM loaded)
        ), absent AS (
            SELECT o.la_code, o.episode_id, x.year, x.load_id
            FROM open_last o JOIN loaded x ON x.la_code = o.la_code AND x.year > o.shown_in
            WHERE NOT EXISTS (SELECT 1 FROM present p
                              WHERE p.la_code = o.la_code AND p.year = x.year AND p.person_id = o.person_id)
            UNION ALL
            SELECT o.la_code, o.episode_id, y.year, o.load_id
            FROM open_last o JOIN store_years y ON y.la_code = o.la_code AND y.year > o.shown_in
            JOIN earlier_returns r ON r.la_code = y.la_code AND r.year = y.year
            WHERE o.load_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM ssd_cla_episodes e
                              WHERE e.la_code = o.la_code AND e.clae_person_id = o.person_id
                                AND e.clae_cla_episode_id LIKE 'EP:%'
                                AND e.clae_cla_episode_start_date <= make_date(y.year, 3, 31)
                                AND (e.clae_cla_episode_ceased_date IS NULL
                                     OR e.clae_cla_episode_ceased_date >= make_date(y.year - 1, 4, 1)))
        )
        SELECT o.la_code, o.episode_id, o.load_id, o.location, o.decom, o.shown_in, min(a.year) AS absent_in,
               arg_min(a.load_id, a.year) AS absent_load
        FROM open_last o JOIN absent a ON a.la_code = o.la_code AND a.episode_id = o.episode_id
        WHERE o.shown_in IS NOT NULL AND o.decom <= make_date(o.shown_in, 3, 31)
        GROUP BY ALL ORDER BY 1, 2
    """).fetchall()
    for la_code, episode_id, load_id, location, decom, shown_in, absent_in, absent_load in rows:
        message = (
            f"The episode starting {decom:%d/%m/%Y} is open at the end of the return for the year ending 31 March "
            f"{shown_in}, but the child is not in the episodes of the return for the year ending 31 March "
            f"{absent_in}, which was loaded: care ended after 31/03/{shown_in}, on a date no return gives. The "
            f"child counts as looked after on 31/03/{shown_in}, as that return says; the episode is ended on "
            f"01/04/{shown_in} with the reason {UNKNOWN_END} and is not counted as ceasing in any year. Record the "
            "real end date and reason in the case system."
        )
        where = location if load_id is not None else f"{location} (episode {episode_id})"
        _repair(
            staged,
            repairs,
            load_id or absent_load,
            where,
            "repair: care ended without an end date",
            message,
            "DEC",
            episode_id,
        )
        run(
            con,
            "UPDATE s903_final SET dec = make_date(?, 4, 1), rec = ? WHERE la_code = ? AND episode_id = ?",
            [shown_in, UNKNOWN_END, la_code, episode_id],
        )


def _repair(
    staged: StagedLoads,
    repairs: dict[str, Counter[str]],
    load_id: str,
    location: str,
    rule: str,
    message: str,
    field_name: str,
    episode_id: str,
) -> None:
    repairs.setdefault(load_id, Counter())[rule] += 1
    staged.flag(load_id, Problem(location, rule, message, "warning", "ssd_cla_episodes", field_name, episode_id))


def _rebuild(staged: StagedLoads) -> None:
    """Rule 4: periods of care, placements and legal statuses from the stitched episodes."""
    con = staged.con
    run(
        con,
        """CREATE OR REPLACE TEMP TABLE s903_seq AS
        WITH marked AS (
            SELECT f.la_code, f.person_id, f.episode_id, f.decom, f.rne, f.cin, f.dec, f.rec, f.place, f.provider,
                   f.urn, f.postcode, f.ls, f.rpc,
                   row_number() OVER w = 1 OR rne = 'S' OR lag(dec) OVER w IS DISTINCT FROM decom
                     OR COALESCE(lag(rec) OVER w, 'X1') <> 'X1' AS new_period,
                   COALESCE(rne, 'P') <> 'L' AS new_placement,
                   ls IS DISTINCT FROM lag(ls) OVER w AS new_legal
            FROM s903_final f WINDOW w AS (PARTITION BY la_code, person_id ORDER BY decom)
        )  -- each episode's period, placement and legal status begin at the latest episode so far that began one
        SELECT *, max(CASE WHEN new_period THEN decom END) OVER w AS period_start,
               max(CASE WHEN new_period OR new_placement THEN decom END) OVER w AS placement_start,
               max(CASE WHEN new_period OR new_legal THEN decom END) OVER w AS legal_start
        FROM marked WINDOW w AS (PARTITION BY la_code, person_id ORDER BY decom ROWS UNBOUNDED PRECEDING)""",
    )
    for table, column in (
        ("ssd_cla_episodes", "clae_person_id"),
        ("ssd_cla_placement", "clap_person_id"),
        ("ssd_legal_status", "lega_person_id"),
    ):
        prefix = {"ssd_cla_episodes": "EP:", "ssd_cla_placement": "PL:", "ssd_legal_status": "LS:"}[table]
        key = table_key(table)
        run(
            con,
            f"DELETE FROM {table} t USING s903_children c WHERE t.la_code = c.la_code AND t.{column} = c.person_id "
            f"AND t.{key} LIKE '{prefix}%'",
        )
    period_id = "'CLA:' || person_id || ':' || strftime(period_start, '%Y-%m-%d')"
    placement_id = "'PL:' || person_id || ':' || strftime(placement_start, '%Y-%m-%d')"
    run(
        con,
        f"""INSERT INTO ssd_cla_episodes BY NAME
        SELECT la_code, episode_id AS clae_cla_episode_id, person_id AS clae_person_id,
               decom AS clae_cla_episode_start_date, rne AS clae_cla_episode_start_reason,
               cin AS clae_cla_primary_need_code, dec AS clae_cla_episode_ceased_date,
               rec AS clae_cla_episode_ceased_reason, {period_id} AS clae_cla_id,
               {placement_id} AS clae_cla_placement_id, period_start AS clae_entered_care_date
        FROM s903_seq""",
    )
    run(
        con,
        f"""INSERT INTO ssd_cla_placement BY NAME
        SELECT la_code, {placement_id} AS clap_cla_placement_id, placement_start AS clap_cla_placement_start_date,
               arg_min_null(place, decom) AS clap_cla_placement_type,
               arg_min_null(urn, decom) AS clap_cla_placement_urn, {period_id} AS clap_cla_id,
               arg_min_null(provider, decom) AS clap_cla_placement_provider,
               arg_min_null(postcode, decom) AS clap_cla_placement_postcode,
               arg_max_null(dec, decom) AS clap_cla_placement_end_date,
               arg_max_null(rpc, decom) AS clap_cla_placement_change_reason, person_id AS clap_person_id
        FROM s903_seq GROUP BY la_code, person_id, period_start, placement_start""",
    )
    run(
        con,
        """INSERT INTO ssd_legal_status BY NAME
        SELECT la_code, 'LS:' || person_id || ':' || strftime(legal_start, '%Y-%m-%d') AS lega_legal_status_id,
               person_id AS lega_person_id, arg_min_null(ls, decom) AS lega_legal_status,
               legal_start AS lega_legal_status_start_date, arg_max_null(dec, decom) AS lega_legal_status_end_date
        FROM s903_seq WHERE ls IS NOT NULL GROUP BY la_code, person_id, legal_start""",
    )
    run(con, "DROP TABLE s903_seq")


def table_key(table: str) -> str:
    return {
        "ssd_cla_episodes": "clae_cla_episode_id",
        "ssd_cla_placement": "clap_cla_placement_id",
        "ssd_legal_status": "lega_legal_status_id",
    }[table]


# ------------------------------------------------------------------------------------------ reviews
REVIEW_CHILD = "substr(clar_cla_review_id, 5, length(clar_cla_review_id) - 15)"


def _link_reviews(staged: StagedLoads) -> None:
    """Each review belongs to the period of care it was held in (the latest one that began by that date)."""
    con = staged.con
    staged_reviews = staged.staged("ssd_cla_reviews")
    reviews = _own(staged_reviews) if staged_reviews else None
    sources = (
        [
            f"SELECT DISTINCT l.la_code, {REVIEW_CHILD} AS person_id FROM {reviews} s "
            f"JOIN {LOADS_TABLE} l ON l.load_id = s._load_id"
        ]
        if reviews
        else []
    )
    episodes = staged.staged("ssd_cla_episodes")
    if episodes is not None:
        sources.append("SELECT la_code, person_id FROM s903_children")
    run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE s903_periods AS
        WITH touched AS ({" UNION ".join(sources)})
        SELECT e.la_code, e.clae_person_id AS person_id, e.clae_cla_id AS cla_id,
               min(e.clae_cla_episode_start_date) AS care_start,
               CASE WHEN count(*) = count(e.clae_cla_episode_ceased_date)
                    THEN max(e.clae_cla_episode_ceased_date) END AS care_end
        FROM ssd_cla_episodes e JOIN touched t ON t.la_code = e.la_code AND t.person_id = e.clae_person_id
        WHERE e.clae_cla_episode_id LIKE 'EP:%'
        GROUP BY ALL""",
    )
    link = """JOIN s903_periods p ON p.la_code = {la} AND p.person_id = {child}
              AND p.care_start <= r.clar_cla_review_date
              AND (p.care_end IS NULL OR p.care_end >= r.clar_cla_review_date)"""
    if reviews:
        run(
            con,
            f"""CREATE OR REPLACE TEMP TABLE s903_review_links AS
            SELECT r._load_id, r._row_seq, p.cla_id FROM {reviews} r JOIN {LOADS_TABLE} l ON l.load_id = r._load_id
            {link.format(la="l.la_code", child=REVIEW_CHILD.replace("clar_", "r.clar_"))}
            QUALIFY row_number() OVER (PARTITION BY r._load_id, r._row_seq ORDER BY p.care_start DESC) = 1""",
        )
        staged.staging.writable("ssd_cla_reviews")
        run(
            con,
            f"UPDATE {staged_reviews} SET clar_cla_id = k.cla_id FROM s903_review_links k "
            f"WHERE {staged_reviews}._load_id = k._load_id AND {staged_reviews}._row_seq = k._row_seq",
        )
        unlinked = con.execute(
            f"SELECT _load_id, _location, clar_cla_review_id, clar_cla_review_date FROM {reviews} "
            "WHERE clar_cla_id IS NULL ORDER BY _load_seq, _row_seq"
        ).fetchall()
        for load_id, location, review_id, held in unlinked:
            staged.flag(
                load_id,
                Problem(
                    location,
                    "review outside a period of care",
                    f"No episode loaded covers the review held on {held:%d/%m/%Y}; it is kept, but counts in no "
                    "review indicator until the episodes of that period are loaded.",
                    "warning",
                    "ssd_cla_reviews",
                    "REVIEW",
                    review_id,
                ),
            )
    # Reviews already in the store, of the children whose episodes changed, follow their periods.
    if episodes is not None:
        run(
            con,
            """UPDATE ssd_cla_reviews SET clar_cla_id = (
                SELECT p.cla_id FROM s903_periods p
                WHERE p.la_code = ssd_cla_reviews.la_code
                  AND p.person_id = substr(ssd_cla_reviews.clar_cla_review_id, 5,
                                           length(ssd_cla_reviews.clar_cla_review_id) - 15)
                  AND p.care_start <= ssd_cla_reviews.clar_cla_review_date
                  AND (p.care_end IS NULL OR p.care_end >= ssd_cla_reviews.clar_cla_review_date)
                ORDER BY p.care_start DESC LIMIT 1)
            WHERE clar_cla_review_id LIKE 'REV:%' AND (la_code, substr(clar_cla_review_id, 5,
                  length(clar_cla_review_id) - 15)) IN (SELECT la_code, person_id FROM s903_children)""",
        )
