"""Merge the staged rows of a load command into the store.

Rules, in order:
1. A staged row with no identifier (a key column empty) is rejected: the store cannot hold it.
2. Two rows of the same file with the same identifier: the first is kept and the others are rejected as
   duplicates, with where they were.
3. Format hooks run (`after_all`), e.g. stitching several years of SSDA903 returns into one history.
4. People described by more than one source are compared; where sources disagree (date of birth, sex,
   ethnicity) each disagreement is reported, never silently resolved. The stored person takes each field
   from the most recent return that gives it.
5. For every other table, a record replaces what the store held under the same identifier, the later
   collection year winning (then the later file): so an episode open at one year end is replaced by the
   next year's return of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem
from cscperf.loading.staging import STAGING_CATALOG, STAGING_COLUMNS, Staging, staging_name
from cscperf.store.connection import Connection
from cscperf.store.statements import run

LOADS_TABLE = f"{STAGING_CATALOG}.cscperf_staged_loads"
COMPARED_PERSON_FIELDS = {"pers_dob": "date of birth", "pers_sex": "sex", "pers_ethnicity": "ethnicity"}
REJECTS = "cscperf_load_rejects"


@dataclass
class StagedLoads:
    """Every file of one load command, read and staged, before it is merged into the store."""

    con: Connection
    staging: Staging
    loads: list[FileLoad]
    withdrawn: list[tuple[FileLoad, str]] = field(default_factory=list)  # files read but not loaded, and why

    def staged(self, table: str) -> str | None:
        """The staged table for `table`, or None if no file gave rows for it."""
        return staging_name(table) if table in self.staging.tables else None

    def load(self, load_id: str) -> FileLoad:
        for load in self.loads:
            if load.load_id == load_id:
                return load
        raise KeyError(load_id)

    def record_loads(self) -> None:
        """The temporary table of loads (id, order, council, collection year, kind) hooks can join to."""
        run(
            self.con,
            f"CREATE OR REPLACE TABLE {LOADS_TABLE} (load_id VARCHAR, load_seq INTEGER, "
            "la_code VARCHAR, collection_year INTEGER, load_kind VARCHAR, source_file VARCHAR)",
        )
        for load in self.loads:
            run(
                self.con,
                f"INSERT INTO {LOADS_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
                [load.load_id, load.load_seq, load.la_code, load.collection_year, load.kind, load.path.name],
            )

    def reject_staged(
        self,
        table: str,
        where_sql: str,
        rule: str,
        message_sql: str,
        field_name: str | None = None,
        field_value_sql: str = "NULL",
    ) -> int:
        """Reject the staged rows of `table` matching `where_sql` (over alias s): each becomes a fatal problem
        of its own load, with the row as read, and leaves the staged table. Returns how many."""
        staged = staging_name(table)
        cursor = self.con.execute(
            f"SELECT s._load_id, s._location, {message_sql}, CAST({field_value_sql} AS VARCHAR), "
            f"to_json(s) FROM {staged} s WHERE {where_sql} ORDER BY s._load_seq, s._row_seq"
        )
        rows = cursor.fetchall()
        for load_id, location, message, value, raw in rows:
            record = {k: v for k, v in json.loads(raw).items() if k not in STAGING_COLUMNS and k != "la_code"}
            self.load(load_id).reject_loaded(
                Problem(location, rule, message, "fatal", table, field_name, value, record)
            )
        if rows:
            self.staging.writable(table)  # the ledger keeps the rows as read
            run(self.con, f"DELETE FROM {staged} s WHERE {where_sql}")
        for load in self.loads:
            load.flush()
        return len(rows)

    def withdraw(self, load: FileLoad, reason: str) -> None:
        """Leave a file out of the load altogether (one message, not a reject for each of its records): its
        staged rows and problems are dropped and it is reported as not loaded, with the reason."""
        self.staging.leave_out(load.load_id)  # the views of the ledger (its rows there go with ledger.forget)
        for name in sorted(self.staging.tables):
            if self.staging.is_view(name):
                continue
            column = "load_id" if name == REJECTS else "_load_id"
            run(self.con, f"DELETE FROM {staging_name(name)} WHERE {column} = ?", [load.load_id])
        run(self.con, f"DELETE FROM {LOADS_TABLE} WHERE load_id = ?", [load.load_id])
        load.pending_problems()
        self.loads.remove(load)
        self.withdrawn.append((load, reason))

    def flag(self, load_id: str, problem: Problem) -> None:
        """A problem found after reading (while merging), on a record that is loaded anyway."""
        load = self.load(load_id)
        load.flag(problem)


def reject_unidentified_and_duplicates(staged: StagedLoads) -> None:
    """Rules 1 and 2 (but for the tables `check_views` found they reject nothing in)."""
    for name in sorted(staged.staging.tables):
        if name == REJECTS or name in staged.staging.checked:
            continue
        table = staged.staging.table(name)
        if not table.primary_key:
            continue
        missing = " OR ".join(f"s.{k} IS NULL" for k in table.primary_key)
        staged.reject_staged(
            name,
            missing,
            "missing identifier",
            "'The record has no ' || " + _quote(", ".join(table.primary_key)) + " || ', so it cannot be stored.'",
        )
        keys = ", ".join(table.primary_key)
        if not _any_twice(staged.con, name, keys):  # the usual case, found by a grouping rather than a sort
            continue
        duplicate = (
            f"(s._load_id, s._row_seq) IN (SELECT _load_id, _row_seq FROM (SELECT _load_id, _row_seq, ROW_NUMBER() "
            f"OVER (PARTITION BY _load_id, {keys} ORDER BY _row_seq) AS n FROM {staging_name(name)}) WHERE n > 1)"
        )
        staged.reject_staged(
            name,
            duplicate,
            "duplicate record",
            "'Same identifier as an earlier record of this file (' || "
            + _quote(keys)
            + " || '); the earlier record was kept.'",
        )


def check_views(con: Connection, staging: Staging) -> None:
    """Before the merge's transaction: for each scratch table that is a view of the ledger's rows, whether
    rules 1 and 2 reject any of its rows. If not, it is noted (`Staging.checked`: the rules are not run on it
    again); if so, it is made a table of its own now (as the rules will change it), not inside the
    transaction, where DuckDB would hold the copy in memory until the commit."""
    for name in sorted(staging.tables):
        table = staging.table(name)
        if name == REJECTS or not staging.is_view(name) or not table.primary_key:
            continue
        missing = " OR ".join(f"{k} IS NULL" for k in table.primary_key)
        unidentified = con.execute(f"SELECT count(*) FROM {staging_name(name)} WHERE {missing}").fetchall()
        if int(unidentified[0][0]) or _any_twice(con, name, ", ".join(table.primary_key)):
            staging.writable(name)
        else:
            staging.checked.add(name)


def _any_twice(con: Connection, name: str, keys: str) -> bool:
    """Whether any file staged two rows of `name` with the same identifier."""
    rows = con.execute(
        f"SELECT count(*) FROM (SELECT _load_id FROM {staging_name(name)} GROUP BY _load_id, {keys} "
        "HAVING count(*) > 1) d"
    ).fetchall()
    return int(rows[0][0]) > 0


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_staged_counts(staged: StagedLoads) -> None:
    """Counts reconcile against the rows actually staged, not only the loader's own tally: for every file and
    table, the rows in the staging table are the records counted as loaded."""
    for name in sorted(staged.staging.tables):
        if name == REJECTS:
            continue
        rows: dict[str, int] = dict(
            staged.con.execute(f"SELECT _load_id, count(*) FROM {staging_name(name)} GROUP BY _load_id").fetchall()
        )
        for load in staged.loads:
            counted = load.counts[name].loaded if name in load.counts else 0
            if rows.get(load.load_id, 0) != counted:
                raise AssertionError(f"{load.path.name}: {name} has {rows.get(load.load_id, 0)} rows staged but "
                                     f"{counted} counted as loaded")  # fmt: skip


def report_person_conflicts(staged: StagedLoads) -> None:
    """Rule 4: where sources disagree about a person, say so (once per person, field and file)."""
    name = staged.staged("ssd_person")
    if name is None:
        return
    for column, words in COMPARED_PERSON_FIELDS.items():
        rows = staged.con.execute(f"""
            WITH mine AS (
                SELECT s._load_id, s._location, s.pers_person_id, s.{column} AS value, l.la_code, l.load_seq
                FROM {name} s JOIN {LOADS_TABLE} l ON l.load_id = s._load_id WHERE s.{column} IS NOT NULL
            ), other AS (
                SELECT m.pers_person_id, m.la_code, m.load_seq, m.value, l.source_file AS source
                FROM mine m JOIN {LOADS_TABLE} l ON l.load_id = m._load_id
                UNION ALL
                SELECT p.pers_person_id, p.la_code, -1 AS load_seq, p.{column}, 'the store' AS source
                FROM ssd_person p WHERE p.{column} IS NOT NULL
            )
            SELECT m._load_id, m._location, m.pers_person_id, CAST(m.value AS VARCHAR),
                   CAST(first(o.value ORDER BY o.load_seq DESC) AS VARCHAR), first(o.source ORDER BY o.load_seq DESC)
            FROM mine m JOIN other o ON o.la_code = m.la_code AND o.pers_person_id = m.pers_person_id
                 AND o.load_seq < m.load_seq AND o.value <> m.value
            GROUP BY ALL ORDER BY 1, 2
        """).fetchall()
        for load_id, location, _person, value, other_value, source in rows:
            staged.flag(
                load_id,
                Problem(
                    location,
                    "sources disagree",
                    f"The {words} here ({value}) differs from {source} ({other_value}); the value from the most recent "
                    "return is kept. "
                    "Check which is right in the case system.",
                    "warning",
                    "ssd_person",
                    column,
                    value,
                ),
            )
    for load in staged.loads:
        load.flush()


def _chosen_select(staged: StagedLoads, name: str, part: str = "", *, one_row_each: bool = False) -> str:
    """The rows `name` will receive, one per identifier, field by field: each field from the most recent file
    that gives it (the later collection year, then the later file), with `_older` true where every file that
    gives the record is older than a return of the same kind the store already holds. `part` limits it to one
    slice of the identifiers (see _slices). `one_row_each`: no identifier is staged twice (`_one_row_each`),
    so each record is its one staged row as it is, with no choosing (the same rows, without grouping)."""
    table = staged.staging.table(name)
    source = staging_name(name)
    data_columns = [c for c in table.column_names if c != "la_code"]
    staged_rows = f"FROM {source} s JOIN {LOADS_TABLE} l ON l.load_id = s._load_id" + (f" WHERE {part}" if part else "")
    json_columns = {c.name for c in table.all_columns if c.type == "JSON"}  # staged as text; the store's are JSON

    def typed(sql: str, column: str) -> str:
        return f"CAST({sql} AS JSON)" if column in json_columns else sql

    if not table.primary_key:
        return f"SELECT l.la_code, {', '.join(typed('s.' + c, c) + ' AS ' + c for c in data_columns)} {staged_rows}"
    keys = ", ".join("s." + k for k in table.primary_key)
    fields = [c for c in data_columns if c not in table.primary_key]
    priority = "l.collection_year DESC NULLS LAST, s._load_seq DESC, s._row_seq DESC"
    picks = ", ".join(
        typed(f"first(s.{c} ORDER BY {priority}) FILTER (WHERE s.{c} IS NOT NULL)", c) + f" AS {c}" for c in fields
    )
    older = (
        "COALESCE(l.collection_year < (SELECT max(x.collection_year) FROM cscperf_loads x "
        "WHERE x.la_code = l.la_code AND x.load_kind = l.load_kind AND x.load_status = 'complete'), false)"
    )
    if one_row_each:
        columns = ", ".join(typed(f"s.{c}", c) + f" AS {c}" for c in fields)
        return f"SELECT l.la_code, {keys}, {columns}, {older} AS _older {staged_rows}"
    return f"SELECT l.la_code, {keys}, {picks}, bool_and({older}) AS _older {staged_rows} GROUP BY l.la_code, {keys}"


def _one_row_each(staged: StagedLoads, name: str) -> bool:
    """Whether every identifier of the council is staged once only (the usual load: one return of each kind,
    its duplicates already rejected), so there is nothing to choose between."""
    keys = ", ".join("s." + k for k in staged.staging.table(name).primary_key)
    twice = staged.con.execute(
        f"SELECT count(*) FROM (SELECT l.la_code FROM {staging_name(name)} s JOIN {LOADS_TABLE} l "
        f"ON l.load_id = s._load_id GROUP BY l.la_code, {keys} HAVING count(*) > 1) d"
    ).fetchall()
    return int(twice[0][0]) == 0


def _store_may_hold(staged: StagedLoads, name: str) -> bool:
    """Whether the store may already hold records of `name` for a council being loaded (if it holds none for
    them, every chosen record is new: nothing to update, nothing to skip)."""
    if not staged.staging.table(name).per_council:
        return True
    rows = staged.con.execute(
        f"SELECT 1 FROM {name} WHERE la_code IN (SELECT la_code FROM {LOADS_TABLE}) LIMIT 1"
    ).fetchall()
    return bool(rows)


def merge_into_store(staged: StagedLoads) -> None:
    """Rule 5 (and the fill-in of rule 4): a record the store already holds is updated field by field (a file
    that leaves a field empty does not erase it; a file older than a return of the same kind already in the
    store only fills what the store lacks); a new record is inserted."""
    for name in sorted(staged.staging.tables):
        if name == REJECTS:
            continue
        table = staged.staging.table(name)
        select = _chosen_select(staged, name)
        if not table.primary_key:
            run(staged.con, f"INSERT INTO {name} BY NAME {select}")
            continue
        one_row_each = _one_row_each(staged, name)
        may_hold = _store_may_hold(staged, name)
        # a plain copy of new records streams; choosing, or updating what the store holds, is done in slices
        parts = [""] if one_row_each and not may_hold else _slices(staged, name)
        for part in parts:
            # Not materialised: a table written inside the transaction is held in memory until the commit, so
            # the choice is computed twice (for the records the store holds, then for the new ones) instead.
            chosen = f"({_chosen_select(staged, name, part, one_row_each=one_row_each)})"
            columns = ", ".join(table.column_names)
            if not may_hold:
                run(staged.con, f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {chosen} c")
                continue
            on = " AND ".join(f"{name}.{k} = c.{k}" for k in table.key)
            fields = [c.name for c in table.columns if c.name not in table.primary_key]
            if fields:
                updates = ", ".join(
                    f"{c} = CASE WHEN c._older THEN COALESCE({name}.{c}, c.{c}) ELSE COALESCE(c.{c}, {name}.{c}) END"
                    for c in fields
                )
                run(staged.con, f"UPDATE {name} SET {updates} FROM {chosen} c WHERE {on}")
            missing = " AND ".join(f"t.{k} = c.{k}" for k in table.key)
            run(
                staged.con,
                f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {chosen} c "
                f"WHERE NOT EXISTS (SELECT 1 FROM {name} t WHERE {missing})",
            )
    _note_older_loads(staged)


SLICE_ROWS = 100_000


def _slices(staged: StagedLoads, name: str) -> list[str]:
    """The staged rows of `name` in slices of about SLICE_ROWS, by a hash of the identifier (every version of a
    record in one slice), so the memory each merge statement needs does not grow with the size of the load
    (choosing each record's fields holds its slice's rows; 8 slices of a 500,000-row table peaked at 441 MB
    against 919 MB in one). One slice, with no condition, for most loads."""
    if staged.con.engine == "postgresql":  # a server's sorts and hashes spill to disk beyond work_mem
        return [""]
    rows = int(str(staged.con.execute(f"SELECT count(*) FROM {staging_name(name)}").fetchall()[0][0]))
    count = -(-rows // SLICE_ROWS)
    if count <= 1:
        return [""]
    keys = ", ".join("s." + k for k in staged.staging.table(name).primary_key)
    return [f"hash({keys}) % {count} = {n}" for n in range(count)]  # DuckDB's hash(); a dialect's own elsewhere


def _note_older_loads(staged: StagedLoads) -> None:
    """Once per file: say that the store already held a later return, whose values were kept."""
    for load in staged.loads:
        if load.collection_year is None:
            continue
        later = staged.con.execute(
            "SELECT max(collection_year) FROM cscperf_loads WHERE la_code = ? AND load_kind = ? "
            "AND load_status = 'complete'",
            [load.la_code, load.kind],
        ).fetchall()
        year = later[0][0] if later else None
        load.details["older_than_store"] = bool(year is not None and load.collection_year < year)
        if load.details["older_than_store"]:
            load.flag(Problem(
                load.where(), "older return",
                f"The store already holds the {year} return; this {load.collection_year} return only fills in "
                "what that return left empty, and adds records it does not have.",
                "warning", None, None, str(load.collection_year),
            ))  # fmt: skip
        load.flush()
