"""An SSDA903 CSV table checked and mapped set-based, in SQL over a batch of records, rather than record by
record.

Each batch (text, from `csv_batches`: DuckDB's own CSV reader) is put through one SQL statement, in an
in-memory DuckDB of this process (whatever the store is), that reads every field the way the record-by-record
mapping does (`ssda903_tables`) and says, for each record, whether it reads plainly: its dates written
DD/MM/YYYY or YYYY-MM-DD and possible, its codes in the DfE's lists, its required fields given, no space or
control character at either end of a value, its dates in order, nothing the mapping would flag. A record that
reads plainly becomes its store rows in the same statement and is staged as they are, with its line; every
other record goes, in the order of the file, through the record-by-record mapping (`read_record`), which
rejects or flags it with the reason. The set-based path takes only records that mapping would load unchanged
and without a problem, so the store and the rejects are the same either way (tests/test_load_set_based.py
compares the two on random files).

What the mapping remembers across records is kept too: the header's children (a child's second header record
is rejected, so a record whose child came earlier in the file is left to the mapping), the dates that tell
the return's year, and each episode's placement details for the stitching. The placed-for-adoption table,
whose overlapping decisions are found record by record, is read by the mapping throughout.

Records are numbered by their line: a record on line n has the running number 2n (the header's linked
identifier 2n + 1), on either path, so the staged rows keep the file's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cscperf.loading import csv_batches
from cscperf.loading.field_checks import suspect_rows
from cscperf.loading.ssd_extract_sql import ENDS_WITH_SPACE
from cscperf.loading.ssda903_tables import CODES, OC2_FLAGS, TABLE_COLUMNS, Reading, read_record
from cscperf.loading.staging import data_schema
from cscperf.loading.values import EARLIEST_DATE, LATEST_DATE
from cscperf.store.duckdb_connection import quiet
from cscperf.store.schema import load_schema

Expressions = dict[str, str]


@dataclass(frozen=True)
class Mapping:
    """How a record of one 903 table that reads plainly becomes rows: the conditions for reading plainly,
    and each store table's columns (SQL over the record's fields, named as in the 903; a date field's date
    is `"_d_NAME"`)."""

    plain: tuple[str, ...]
    rows: dict[str, Expressions]
    only_when: dict[str, str] = field(default_factory=dict)  # a store row made only when this holds
    year_dates: tuple[str, ...] = ()  # the date fields that tell the return's year (`Reading.seen`)
    details: Expressions | None = None  # an episode's placement details (`Reading.detail`)


# ------------------------------------------------------------------------------------------ SQL pieces
def _q(name: str) -> str:
    return f'"{name}"'


def _d(name: str) -> str:
    return f'"_d_{name}"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _child() -> str:
    return f'"CHILD" IS NOT NULL AND {_plain("CHILD")}'


def _plain(name: str) -> str:
    """Nothing at either end that Python's strip() would take (a value the mapping reads as written)."""
    return f"({_q(name)} IS NULL OR NOT regexp_matches({_q(name)}, {_text(ENDS_WITH_SPACE)}))"


def _date(name: str, required: bool = False) -> str:
    if required:
        return f"{_d(name)} IS NOT NULL"
    return f"({_q(name)} IS NULL OR {_d(name)} IS NOT NULL)"


def _code(table: str, name: str, required: bool = False) -> str:
    """A code of the DfE's list for the field, in any case (ASCII letters and digits only, so DuckDB's upper()
    is Python's)."""
    allowed = ", ".join(_text(c) for c in sorted(CODES[(table, name)]))
    known = f"(regexp_full_match({_q(name)}, '[A-Za-z0-9]+') AND upper({_q(name)}) IN ({allowed}))"
    return known if required else f"({_q(name)} IS NULL OR {known})"


def _flag(name: str) -> str:
    return f"({_q(name)} IS NULL OR {_q(name)} IN ('0', '1'))"


def _upper(name: str) -> str:
    return f"upper({_q(name)})"


def _yes_no(name: str) -> str:
    return f"CASE {_q(name)} WHEN '1' THEN 'Y' WHEN '0' THEN 'N' END"


def _true_false(name: str) -> str:
    return f"CASE {_q(name)} WHEN '1' THEN true WHEN '0' THEN false END"


def _key(prefix: str, *parts: str) -> str:
    """An identifier made as `ssda903_tables.key_id` makes it ("EP:<child>:<date>")."""
    return " || ':' || ".join([_text(prefix), *parts])


def _iso(name: str) -> str:
    return f"strftime({_d(name)}, '%Y-%m-%d')"


def _in_order(start: str, end: str) -> str:
    return f"({_d(end)} IS NULL OR {_d(end)} >= {_d(start)})"


_POSTCODE = "[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9][A-Z]{2})?"  # ssda903_tables.POSTCODE
_UPN = "[A-Z][0-9]{11}[0-9A-Z]"  # ssda903_tables.UPN
_ASCII = "[!-~ ]+"


def _postcode(name: str) -> str:
    value = _q(name)
    written = f"regexp_full_match({value}, '{_ASCII}') AND regexp_full_match(upper({value}), '{_POSTCODE}')"
    return f"({value} IS NULL OR ({written}))"


SEX = "CASE upper(\"SEX\") WHEN '1' THEN 'M' WHEN '2' THEN 'F' ELSE upper(\"SEX\") END"
UPN_UNKNOWN = "upper(\"UPN\") LIKE 'UN%'"

MAPPINGS: dict[str, Mapping] = {
    "header": Mapping(
        plain=(
            _child(),
            _date("DOB"),
            _code("header", "SEX", required=True),
            _code("header", "ETHNIC", required=True),
            f'("UPN" IS NULL OR (regexp_full_match("UPN", \'[!-~]+\') AND ({UPN_UNKNOWN} '
            f"OR regexp_full_match(upper(\"UPN\"), '{_UPN}'))))",
            _code("header", "MOTHER"),
            _date("MC_DOB"),
            '("MC_DOB" IS NULL OR "MOTHER" = \'1\')',
        ),
        rows={
            "ssd_person": {
                "pers_person_id": '"CHILD"',
                "pers_sex": SEX,
                "pers_gender": SEX,
                "pers_ethnicity": _upper("ETHNIC"),
                "pers_dob": _d("DOB"),
                "pers_upn_unknown": f'CASE WHEN {UPN_UNKNOWN} THEN "UPN" END',
                "pers_is_mother": _yes_no("MOTHER"),
            },
            "ssd_linked_identifiers": {
                "link_table_id": _key("UPN", '"CHILD"'),
                "link_person_id": '"CHILD"',
                "link_identifier_type": "'Unique Pupil Number'",
                "link_identifier_value": '"UPN"',
            },
        },
        only_when={"ssd_linked_identifiers": f'"UPN" IS NOT NULL AND NOT {UPN_UNKNOWN}'},
    ),
    "episodes": Mapping(
        plain=(
            _child(),
            _date("DECOM", required=True),
            _date("DEC"),
            _in_order("DECOM", "DEC"),
            _code("episodes", "REC"),
            '(("DEC" IS NULL) = ("REC" IS NULL))',  # a reason without an end, or an end without one, is flagged
            _code("episodes", "RNE", required=True),
            _code("episodes", "CIN", required=True),
            _code("episodes", "LS", required=True),
            _code("episodes", "PLACE", required=True),
            _code("episodes", "PLACE_PROVIDER"),
            _code("episodes", "REASON_PLACE_CHANGE"),
            _plain("URN"),
            _postcode("PL_POST"),
            _postcode("HOME_POST"),
        ),
        rows={
            "ssd_cla_episodes": {
                "clae_cla_episode_id": _key("EP", '"CHILD"', _iso("DECOM")),
                "clae_person_id": '"CHILD"',
                "clae_cla_episode_start_date": _d("DECOM"),
                "clae_cla_episode_start_reason": _upper("RNE"),
                "clae_cla_primary_need_code": _upper("CIN"),
                "clae_cla_episode_ceased_date": _d("DEC"),
                "clae_cla_episode_ceased_reason": _upper("REC"),
            }
        },
        year_dates=("DECOM", "DEC"),
        details={
            "episode_id": _key("EP", '"CHILD"', _iso("DECOM")),
            "place": _upper("PLACE"),
            "provider": _upper("PLACE_PROVIDER"),
            "urn": '"URN"',
            "postcode": '"PL_POST"',
            "legal_status": _upper("LS"),
            "change_reason": _upper("REASON_PLACE_CHANGE"),
        },
    ),
    "uasc": Mapping(
        plain=(_child(), _date("DOB"), _code("uasc", "SEX"), _date("DUC")),
        rows={
            "ssd_immigration_status": {
                "immi_immigration_status_id": _key("UASC", '"CHILD"'),
                "immi_person_id": '"CHILD"',
                "immi_immigration_status": "'UASC'",
                "immi_immigration_status_end_date": _d("DUC"),
            }
        },
    ),
    "reviews": Mapping(
        plain=(_child(), _date("DOB"), _date("REVIEW", required=True), _code("reviews", "REVIEW_CODE", required=True)),
        rows={
            "ssd_cla_reviews": {
                "clar_cla_review_id": _key("REV", '"CHILD"', _iso("REVIEW")),
                "clar_cla_review_date": _d("REVIEW"),
                "clar_cla_review_cancelled": "'N'",
                "clar_cla_review_participation": _upper("REVIEW_CODE"),
            }
        },
        year_dates=("REVIEW",),
    ),
    "oc2": Mapping(
        plain=(
            _child(),
            _date("DOB"),
            *(_flag(name) for name in (*OC2_FLAGS, "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")),
            '("SDQ_SCORE" IS NULL OR (regexp_full_match("SDQ_SCORE", \'[0-9]{1,2}\') '
            'AND TRY_CAST("SDQ_SCORE" AS INTEGER) <= 40))',
            _code("oc2", "SDQ_REASON"),
        ),
        rows={
            "cscperf_cla_outcomes": {
                "person_id": '"CHILD"',
                "collection_year": "0",  # set when stitching
                **{column: _true_false(name) for name, column in OC2_FLAGS.items()},
                "sdq_score": 'TRY_CAST("SDQ_SCORE" AS INTEGER)',
                "sdq_reason": _upper("SDQ_REASON"),
            }
        },
    ),
    "oc3": Mapping(
        plain=(_child(), _date("DOB"), _code("oc3", "IN_TOUCH"), _code("oc3", "ACTIV"), _code("oc3", "ACCOM")),
        rows={
            "ssd_care_leavers": {
                "clea_table_id": _key("OC3", '"CHILD"'),
                "clea_person_id": '"CHILD"',
                "clea_care_leaver_in_touch": _upper("IN_TOUCH"),
                "clea_care_leaver_accommodation": 'CASE WHEN length("ACCOM") = 2 AND substr("ACCOM", 2, 1) '
                "IN ('1', '2') THEN upper(substr(\"ACCOM\", 1, 1)) ELSE upper(\"ACCOM\") END",
                "clea_care_leaver_accom_suitable": 'CASE WHEN length("ACCOM") = 2 THEN CASE substr("ACCOM", 2, 1) '
                "WHEN '1' THEN 'Suitable' WHEN '2' THEN 'Unsuitable' END END",
                "clea_care_leaver_activity": _upper("ACTIV"),
            }
        },
    ),
    "ad1": Mapping(
        plain=(
            _child(),
            _date("DOB"),
            _date("DATE_INT"),
            _date("DATE_MATCH"),
            _code("ad1", "FOSTER_CARE"),
            '("NB_ADOPTR" IS NULL OR regexp_full_match("NB_ADOPTR", \'0|[1-9][0-9]{0,8}\'))',
            _code("ad1", "SEX_ADOPTR"),
            _code("ad1", "LS_ADOPTR"),
        ),
        rows={
            "ssd_permanence": {
                "perm_table_id": _key("AD1", '"CHILD"'),
                "perm_person_id": '"CHILD"',
                "perm_adm_decision_date": _d("DATE_INT"),
                "perm_matched_date": _d("DATE_MATCH"),
                "perm_adopted_by_carer_flag": _yes_no("FOSTER_CARE"),
                "perm_number_of_adopters": '"NB_ADOPTR"',
                "perm_adopter_sex": _upper("SEX_ADOPTR"),
                "perm_adopter_legal_status": _upper("LS_ADOPTR"),
            }
        },
        year_dates=("DATE_MATCH",),
    ),
    "prev_perm": Mapping(
        plain=(
            _child(),
            _date("DOB"),
            _plain("DATE_PERM"),
            _code("prev_perm", "PREV_PERM", required=True),
            _plain("LA_PERM"),
        ),
        rows={
            "ssd_cla_previous_permanence": {
                "lapp_table_id": _key("PP", '"CHILD"'),
                "lapp_person_id": '"CHILD"',
                "lapp_previous_permanence_order_date": '"DATE_PERM"',
                "lapp_previous_permanence_option": _upper("PREV_PERM"),
                "lapp_previous_permanence_la": '"LA_PERM"',
            }
        },
    ),
    "missing": Mapping(
        plain=(
            _child(),
            _date("DOB"),
            _date("MIS_START", required=True),
            _date("MIS_END"),
            _in_order("MIS_START", "MIS_END"),
            _code("missing", "MISSING", required=True),
        ),
        rows={
            "ssd_missing": {
                "miss_table_id": _key("MIS", '"CHILD"', _iso("MIS_START"), _upper("MISSING")),
                "miss_person_id": '"CHILD"',
                "miss_missing_episode_start_date": _d("MIS_START"),
                "miss_missing_episode_type": "CASE upper(\"MISSING\") WHEN 'M' THEN 'Missing' ELSE 'Absent' END",
                "miss_missing_episode_end_date": _d("MIS_END"),
            }
        },
        year_dates=("MIS_START", "MIS_END"),
    ),
    "sw_episodes": Mapping(
        plain=(
            _child(),
            _date("DOB"),
            _date("SW_DECOM", required=True),
            _date("SW_DEC"),
            '"SW_ID" IS NOT NULL',
            _plain("SW_ID"),
            _code("sw_episodes", "SW_REASON"),
        ),
        rows={
            "ssd_involvements": {
                "invo_involvements_id": _key("SW", '"CHILD"', _iso("SW_DECOM"), '"SW_ID"'),
                "invo_professional_id": '"SW_ID"',
                "invo_professional_role_id": "'Allocated Social Worker'",
                "invo_involvement_start_date": _d("SW_DECOM"),
                "invo_involvement_end_date": _d("SW_DEC"),
                "invo_worker_change_reason": _upper("SW_REASON"),
                "invo_person_id": '"CHILD"',
            }
        },
        year_dates=("SW_DECOM", "SW_DEC"),
    ),
    "dolo": Mapping(
        plain=(_child(), _date("DOB"), _date("DOLO_START", required=True), _date("DOLO_END")),
        rows={
            "ssd_legal_status": {
                "lega_legal_status_id": _key("DOLO", '"CHILD"', _iso("DOLO_START")),
                "lega_person_id": '"CHILD"',
                "lega_legal_status": "'DoLO'",
                "lega_legal_status_start_date": _d("DOLO_START"),
                "lega_legal_status_end_date": _d("DOLO_END"),
            }
        },
        year_dates=("DOLO_START", "DOLO_END"),
    ),
}
DATE_FIELDS = frozenset({"DOB", "MC_DOB", "DECOM", "DEC", "DUC", "REVIEW", "DATE_INT", "DATE_MATCH", "MIS_START",
                         "MIS_END", "SW_DECOM", "SW_DEC", "DOLO_START", "DOLO_END"})  # fmt: skip


def _day(name: str) -> str:
    """The date a field holds when written plainly (DD/MM/YYYY or YYYY-MM-DD, a real date, in 1900-2099)."""
    value = _q(name)
    day = (
        f"CASE WHEN regexp_full_match({value}, '[0-9]{{2}}/[0-9]{{2}}/[0-9]{{4}}') "
        f"THEN CAST(try_strptime({value}, '%d/%m/%Y') AS DATE) "
        f"WHEN regexp_full_match({value}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN CAST(try_strptime({value}, '%Y-%m-%d') AS DATE) END"
    )
    return (
        f"CASE WHEN ({day}) BETWEEN DATE '{EARLIEST_DATE.isoformat()}' AND DATE '{LATEST_DATE.isoformat()}' "
        f"THEN ({day}) END"
    )


# ------------------------------------------------------------------------------------------ reading
def read_rows(reading: Reading, table: str, path: Path, names: list[str], delimiter: str) -> int | None:
    """Read the file's records after its header (set-based where it can): the records counted, or None when
    the file must be read record by record instead (nothing has been read then)."""
    mapping = MAPPINGS.get(table)
    load = reading.load
    codec = {"UTF-8": "utf-8", "UTF-8 with a byte-order mark": "utf-8-sig"}.get(str(load.details.get("encoding")))
    if mapping is None:
        return None
    stream = csv_batches.batches(path, codec or "", len(names), delimiter)
    if stream is None:
        return None
    con = quiet(duckdb.connect())
    try:
        count = 0
        line = 1
        for batch in stream:
            count += _Batch(reading, table, mapping, names, con, batch, line).read()
            line += batch.num_rows
    finally:
        con.close()
    load.row_seq_at(2 * (line + 1))
    return count


class _Batch:
    """One batch of records: the plain ones mapped in SQL and staged, the others read record by record."""

    def __init__(
        self,
        reading: Reading,
        table: str,
        mapping: Mapping,
        names: list[str],
        con: duckdb.DuckDBPyConnection,
        batch: pa.RecordBatch,
        line: int,
    ) -> None:
        self.reading, self.table, self.mapping, self.names, self.con = reading, table, mapping, names, con
        self.n = batch.num_rows
        lines = pa.array(range(line + 1, line + 1 + self.n), pa.int64())
        self.texts = pa.Table.from_batches([batch]).append_column("_line", lines)

    def read(self) -> int:
        self.con.register("cscperf_903_batch", self.texts)
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE cscperf_903_records AS {self._sql()}")
        finally:
            self.con.unregister("cscperf_903_batch")
        left: set[int] = set()
        if self.table == "header":
            left |= self._repeated_children()
        outputs = self._outputs()
        for store_table, data in outputs.items():
            for index in suspect_rows(store_table, data):
                left.add(int(data.column("_line")[index].as_py()))
        if left:  # records that read plainly but the mapping must see (a child again, a value no field holds)
            marked = pa.table({"line": pa.array(sorted(left), pa.int64())})
            self.con.register("cscperf_903_left", marked)
            self.con.execute("UPDATE cscperf_903_records SET _plain = false WHERE _line IN "
                             "(SELECT line FROM cscperf_903_left)")  # fmt: skip
            self.con.unregister("cscperf_903_left")
            outputs = self._outputs()
        plain = self._stage(outputs)
        return plain + self._record_by_record()

    def _sql(self) -> str:
        known = set(TABLE_COLUMNS[self.table])
        index = {name: i for i, name in enumerate(self.names) if name in known}
        fields = [
            f"NULLIF(c{index[name]}, '') AS {_q(name)}" if name in index else f"NULL::VARCHAR AS {_q(name)}"
            for name in TABLE_COLUMNS[self.table]
        ]
        blank = " AND ".join(f"c{i} IS NULL" for i in range(len(self.names)))
        days = [f"{_day(name)} AS {_d(name)}" for name in TABLE_COLUMNS[self.table] if name in DATE_FIELDS]
        plain = " AND ".join(f"({condition})" for condition in self.mapping.plain)
        return (
            f"SELECT *, COALESCE({plain}, false) AS _plain FROM (SELECT *, {', '.join(days) or 'NULL AS _none'} "
            f"FROM (SELECT _line, ({blank}) AS _blank, {', '.join(fields)} FROM cscperf_903_batch))"
        )

    def _repeated_children(self) -> set[int]:
        """Plain header records whose child came earlier in the file (the mapping rejects them, in order): a
        record whose CHILD is given counts as the child's first, whether it is loaded or not."""
        rows = self.con.execute(
            'SELECT _line, _plain, "CHILD" FROM cscperf_903_records WHERE NOT _blank ORDER BY _line'
        ).fetchall()
        seen = set(self.reading.header_children)
        again: set[int] = set()
        for line, plain, child in rows:
            key = (child or "").strip()
            if not key:
                continue
            if key in seen and plain:
                again.add(int(line))
            seen.add(key)
        return again

    def _outputs(self) -> dict[str, pa.Table]:
        out: dict[str, pa.Table] = {}
        schema = load_schema()
        for store_table, expressions in self.mapping.rows.items():
            spec = schema.table(store_table)
            columns = [
                f"CAST({expressions[c.name]} AS {'VARCHAR' if c.type == 'JSON' else c.type}) AS {c.name}"
                if c.name in expressions
                else f"NULL::{'VARCHAR' if c.type == 'JSON' else c.type} AS {c.name}"
                for c in spec.all_columns
            ]
            only = self.mapping.only_when.get(store_table)
            where = "_plain" + (f" AND ({only})" if only else "")
            data = self._arrow(
                f"SELECT {', '.join(columns)}, _line FROM cscperf_903_records WHERE {where} ORDER BY _line"
            )
            out[store_table] = data.cast(data_schema(spec).append(pa.field("_line", pa.int64())))
        return out

    def _stage(self, outputs: dict[str, pa.Table]) -> int:
        load = self.reading.load
        where = load.where()
        plain = 0
        for store_table, data in outputs.items():
            lines = data.column("_line")
            data = data.drop_columns(["_line"])
            linked = 1 if store_table == "ssd_linked_identifiers" else 0
            seqs = pc.add(pc.multiply(lines, 2), linked)
            locations = pc.binary_join_element_wise(where, pc.cast(lines, pa.string()), ":")
            load.add_arrow(store_table, data, seqs, locations)
            if store_table == next(iter(self.mapping.rows)):
                plain = data.num_rows
        self.reading.tables[self.table] = self.reading.tables.get(self.table, 0) + plain
        if self.table == "header":  # a later record of these children is rejected by the mapping
            self.reading.header_children.update(outputs["ssd_person"].column("pers_person_id").to_pylist())
        self._count_years()
        if self.mapping.details is not None:
            self._details()
        return plain

    def _count_years(self) -> None:
        today = self.reading.today
        episodes = self.table == "episodes"
        for name in self.mapping.year_dates:
            rows = self.con.execute(
                f"SELECT {_d(name)} > ? AS future, CASE WHEN month({_d(name)}) <= 3 THEN year({_d(name)}) "
                f"ELSE year({_d(name)}) + 1 END AS year, count(*) FROM cscperf_903_records "
                f"WHERE _plain AND {_d(name)} IS NOT NULL GROUP BY ALL",
                [today],
            ).fetchall()
            for future, year, n in rows:
                if future:
                    self.reading.future[episodes] += int(n)
                else:
                    self.reading.years[episodes][int(year)] += int(n)

    def _details(self) -> None:
        assert self.mapping.details is not None
        columns = [f"CAST({sql} AS VARCHAR) AS {name}" for name, sql in self.mapping.details.items()]
        columns.insert(1, "_line AS n")  # DETAIL_COLUMNS: load_id, episode_id, n, place, ...
        data = self._arrow(
            f"SELECT CAST(? AS VARCHAR) AS load_id, {', '.join(columns)} FROM cscperf_903_records WHERE _plain "
            "ORDER BY _line",
            [self.reading.load.load_id],
        )
        self.reading.detail_rows(data)

    def _arrow(self, sql: str, params: list[object] | None = None) -> pa.Table:
        data = self.con.sql(sql, params=params).to_arrow_table()
        assert data is not None
        return data

    def _record_by_record(self) -> int:
        """The records that do not read plainly, through the mapping, in the order of the file."""
        rows = self.con.execute(
            "SELECT _line FROM cscperf_903_records WHERE NOT _plain AND NOT _blank ORDER BY _line"
        ).fetchall()
        if not rows:
            return 0
        wanted = pa.array([int(r[0]) - int(self.texts.column("_line")[0].as_py()) for r in rows], pa.int64())
        values = [self.texts.column(i).take(wanted).to_pylist() for i in range(len(self.names))]
        known = set(TABLE_COLUMNS[self.table])
        load = self.reading.load
        count = 0
        for position, (line,) in enumerate(rows):
            raw = [v[position] or "" for v in values]
            if not any(v.strip() for v in raw):
                continue
            count += 1
            load.row_seq_at(2 * int(line))
            self.reading.line = int(line)
            record = {n: v for n, v in zip(self.names, raw, strict=True) if n in known}
            read_record(self.reading, self.table, record, load.where(int(line)))
        self.reading.line = None
        return count
