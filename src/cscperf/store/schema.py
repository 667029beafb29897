"""Read the store schema (schema.yml) and turn it into SQL.

`schema.yml`, beside this module, is the only place where tables and columns are written down. This
module reads it once, checks it, and offers it to the rest of cscperf: the DDL that creates the store,
the column lists writers use, and the Markdown that documents it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Literal

import yaml
from pydantic import BaseModel, Field, model_validator

COUNCIL_COLUMN = "la_code"
"""Column added to every per-council table: the council's 3-digit DfE local-authority code."""

SqlType = Literal["VARCHAR", "DATE", "TIMESTAMP", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN", "BLOB", "JSON"]
EngineName = Literal["duckdb", "postgresql"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "postgresql")

POSTGRES_TYPES: dict[str, str] = {
    # Text compares byte by byte ("C" collation), as in DuckDB, whatever the database's locale.
    "VARCHAR": 'text COLLATE "C"',
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "BLOB": "bytea",
    "JSON": "json",  # kept as written (jsonb would reorder a record's fields)
}


class Column(BaseModel):
    """One column of a table."""

    name: str
    type: SqlType
    description: str = ""
    jsonb_copy: str | None = None  # a JSON column's generated jsonb copy in a PostgreSQL store (see schema.yml)

    @model_validator(mode="after")
    def _check_copy(self) -> Column:
        if self.jsonb_copy is not None and self.type != "JSON":
            raise ValueError(f"column {self.name}: only a JSON column has a jsonb copy")
        return self


class Table(BaseModel):
    """One table: where it comes from, what it holds, its key and columns."""

    name: str
    origin: Literal["ssd", "cscperf"]
    description: str
    per_council: bool = True
    primary_key: list[str] = Field(default_factory=list)
    columns: list[Column]
    engines: list[EngineName] = Field(default_factory=lambda: list(ENGINES))
    indexes: list[list[str]] = Field(default_factory=list)
    keyed: bool = True  # false: no primary key at all (the ledger's tables keep rows as read, duplicates too)

    @model_validator(mode="after")
    def _check(self) -> Table:
        names = [c.name for c in self.columns]
        if len(names) != len(set(names)):
            raise ValueError(f"table {self.name} lists a column twice")
        missing = [k for k in self.primary_key if k not in names]
        if missing:
            raise ValueError(f"table {self.name}: key columns {missing} are not columns of the table")
        copies = [c.jsonb_copy for c in self.columns if c.jsonb_copy is not None]
        if set(copies) & set(names) or len(copies) != len(set(copies)):
            raise ValueError(f"table {self.name}: a jsonb copy's name is taken")
        unindexable = [c for index in self.indexes for c in index if c not in names]
        if unindexable:
            raise ValueError(f"table {self.name}: index columns {unindexable} are not columns of the table")
        if self.origin == "cscperf" and not self.name.startswith("cscperf_"):
            raise ValueError(f"extension table {self.name} must be named cscperf_...")
        if self.origin == "ssd" and not self.name.startswith("ssd_"):
            raise ValueError(f"SSD table {self.name} must be named ssd_...")
        if self.per_council and COUNCIL_COLUMN in names:
            raise ValueError(f"table {self.name} must not list {COUNCIL_COLUMN}; it is added for per-council tables")
        return self

    @property
    def all_columns(self) -> list[Column]:
        """Columns as stored, with the council code first for per-council tables."""
        if not self.per_council:
            return list(self.columns)
        council = Column(name=COUNCIL_COLUMN, type="VARCHAR", description="Council's 3-digit DfE LA code")
        return [council, *self.columns]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.all_columns]

    @property
    def jsonb_copies(self) -> dict[str, str]:
        """The generated jsonb copies a PostgreSQL store keeps beside JSON columns: copy's name -> column's.
        Not columns of the table for anything but reading (`column_names` leaves them out)."""
        return {c.jsonb_copy: c.name for c in self.columns if c.jsonb_copy is not None}

    @property
    def index_columns(self) -> list[list[str]]:
        """Each index as stored (council code first for per-council tables)."""
        return [[COUNCIL_COLUMN, *index] if self.per_council else list(index) for index in self.indexes]

    @property
    def key(self) -> list[str]:
        """Primary key as stored (council code first for per-council tables)."""
        if not self.keyed:
            return []
        return [COUNCIL_COLUMN, *self.primary_key] if self.per_council else list(self.primary_key)


class Schema(BaseModel):
    """The whole store schema."""

    version: int
    tables: list[Table]

    @model_validator(mode="after")
    def _unique(self) -> Schema:
        names = [t.name for t in self.tables]
        if len(names) != len(set(names)):
            raise ValueError("schema.yml lists a table twice")
        return self

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"no table {name} in the store schema")

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    @property
    def jsonb_copies(self) -> dict[str, tuple[str, str]]:
        """Every JSON column with a jsonb copy in a PostgreSQL store: column -> (its table, the copy)."""
        return {column: (t.name, copy) for t in self.tables for copy, column in t.jsonb_copies.items()}

    def tables_for(self, engine: EngineName) -> list[Table]:
        """The tables a store on `engine` has (a few serve only PostgreSQL's access control; a PostgreSQL
        store also has the ledger's tables, made from the schema: see `ledger_tables`)."""
        own = [t for t in self.tables if engine in t.engines]
        if engine != "postgresql":
            return own
        if id(self) not in _LEDGERS:
            _LEDGERS[id(self)] = ledger_tables(self)
        return own + _LEDGERS[id(self)]


_LEDGERS: dict[int, list[Table]] = {}
LEDGER_PREFIX = "cscperf_ledger_"
STAGING_COLUMNS: tuple[tuple[str, SqlType], ...] = (
    ("_load_id", "VARCHAR"), ("_load_seq", "INTEGER"), ("_collection_year", "INTEGER"), ("_row_seq", "BIGINT"),
    ("_location", "VARCHAR"),
)  # fmt: skip
NOT_IN_THE_LEDGER = frozenset({"cscperf_loads", "cscperf_coverage", "cscperf_councils"})  # said by the load itself
LEDGER_FILES = f"{LEDGER_PREFIX}files"
LEDGER_903_DETAILS = f"{LEDGER_PREFIX}903_episode_details"
_FILES_COLUMNS: tuple[tuple[str, SqlType], ...] = (
    ("load_id", "VARCHAR"), ("load_order", "BIGINT"), ("source_file", "VARCHAR"), ("load_kind", "VARCHAR"),
    ("collection_year", "INTEGER"), ("details", "VARCHAR"),
)  # fmt: skip
_903_DETAILS_COLUMNS: tuple[tuple[str, SqlType], ...] = (
    ("load_id", "VARCHAR"), ("episode_id", "VARCHAR"), ("n", "BIGINT"), ("place", "VARCHAR"),
    ("provider", "VARCHAR"), ("urn", "VARCHAR"), ("postcode", "VARCHAR"), ("legal_status", "VARCHAR"),
    ("change_reason", "VARCHAR"),
)  # fmt: skip


def ledger_name(staged: str) -> str:
    """The ledger table of a PostgreSQL store keeping a scratch table's rows: cscperf_staged_ssd_person is kept
    in cscperf_ledger_ssd_person, cscperf_903_episode_details in cscperf_ledger_903_episode_details."""
    return LEDGER_PREFIX + staged.removeprefix("cscperf_staged_").removeprefix("cscperf_")


def ledger_tables(schema: Schema) -> list[Table]:
    """A PostgreSQL store's ledger (cscperf.loading.ledger): what each loaded file gave, as read, so that its
    load can be undone. One table for each table a load stages, in the staged shape (the table's columns, JSON
    as text, then the staging columns), one for the SSDA903 episodes' details, and one for the files. Every
    one starts with `la_code`, so row-level security keeps each council's to itself."""

    def table(name: str, described: str, columns: list[Column], load_column: str) -> Table:
        return Table(name=name, origin="cscperf", description=described, columns=columns, engines=["postgresql"],
                     indexes=[[load_column]], keyed=False)  # fmt: skip

    def made(pairs: tuple[tuple[str, SqlType], ...]) -> list[Column]:
        return [Column(name=n, type=t) for n, t in pairs]

    out = [table(LEDGER_FILES, "The ledger: each file loaded, as its reading left it.", made(_FILES_COLUMNS),
                 "load_id"),
           table(LEDGER_903_DETAILS, "The ledger: SSDA903 episodes' details, as read.", made(_903_DETAILS_COLUMNS),
                 "load_id")]  # fmt: skip
    for kept in schema.tables:
        if not kept.per_council or kept.name in NOT_IN_THE_LEDGER or "postgresql" not in kept.engines:
            continue
        columns = [Column(name=c.name, type="VARCHAR" if c.type == "JSON" else c.type) for c in kept.columns]
        name = ledger_name(f"cscperf_staged_{kept.name}")
        out.append(table(name, f"The ledger: {kept.name} rows as each file gave them.",
                         columns + made(STAGING_COLUMNS), "_load_id"))  # fmt: skip
    return out


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """The store schema, read from schema.yml in the installed package."""
    text = files("cscperf.store").joinpath("schema.yml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return Schema.model_validate(yaml.load(text, Loader=loader))  # a safe loader, C or Python


def create_table_sql(table: Table, engine: EngineName = "duckdb", name: str | None = None) -> str:
    """CREATE TABLE IF NOT EXISTS statement for one table (under another `name`, when rebuilding it)."""
    lines = []
    for col in table.all_columns:
        not_null = " NOT NULL" if col.name in table.key else ""
        sql_type = col.type if engine == "duckdb" else POSTGRES_TYPES[col.type]
        lines.append(f"    {col.name} {sql_type}{not_null}")
    if engine == "postgresql":
        lines += [f"    {copy} {jsonb_copy_definition(column)}" for copy, column in table.jsonb_copies.items()]
    if table.key:
        lines.append(f"    PRIMARY KEY ({', '.join(table.key)})")
    body = ",\n".join(lines)
    return f"CREATE TABLE IF NOT EXISTS {name or table.name} (\n{body}\n)"


_STRING = r'"([^"\\]|\\[^u])*"'  # a JSON string without a \u escape
RECORD_OF_FLAGS = rf"^\s*\{{(\s*{_STRING}\s*:\s*({_STRING}|true|false|null)\s*,?)*\s*\}}\s*$"
"""A JSON text (json has checked it is one) that is an object whose every value is a string, true, false or null,
without a `\\u` escape: what a PostgreSQL store keeps a jsonb copy of."""


def jsonb_copy_definition(column: str) -> str:
    """The type and generation of a JSON column's jsonb copy in a PostgreSQL store (schema.yml's `jsonb_copy`).

    The copy is kept only for a record of flags (`RECORD_OF_FLAGS`: an object whose every value is a string,
    true, false or null, as the contacts' outcomes are, without a `\\u` escape); for any other text it is
    empty (NULL), and readers parse the text, as without a copy. So no write ever fails for it (jsonb refuses
    `\\u0000`, half a surrogate pair and numbers beyond its range, all of which json takes), and a field read
    from the copy always has the text json gives: the rule json_read_from_jsonb_copy in the dialect."""
    kept = f"{column}::text ~ {_literal(RECORD_OF_FLAGS)}"
    return f"jsonb GENERATED ALWAYS AS (CASE WHEN {kept} THEN {column}::jsonb END) STORED"


def _literal(text: str) -> str:
    """A PostgreSQL string literal (E'...', the same whatever standard_conforming_strings says)."""
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def create_index_sql(table: Table) -> list[str]:
    """CREATE INDEX IF NOT EXISTS statements for a table's lookups (PostgreSQL stores only)."""
    out = []
    for columns in table.index_columns:
        name = f"{table.name}_{'_'.join(c for c in columns if c != COUNCIL_COLUMN)}_idx"
        out.append(f"CREATE INDEX IF NOT EXISTS {name} ON {table.name} ({', '.join(columns)})")
    return out


def schema_markdown(schema: Schema) -> str:
    """The schema as Markdown, for docs/schema.md."""
    out = [
        "# The cscperf store schema",
        "",
        "Generated from `src/cscperf/store/schema.yml` by `cscperf schema --markdown`; do not edit by hand.",
        "",
        f"Schema version: **{schema.version}**. Tables named `ssd_*` follow the Standard Safeguarding Dataset "
        "(same table and column names); tables named `cscperf_*` are cscperf's extensions for what the SSD "
        f"lacks. Every per-council table starts with `{COUNCIL_COLUMN}`, the council's 3-digit DfE code, which "
        "is also the first part of its key, so several councils can share one store.",
        "",
        "## Tables",
        "",
        "| Table | Origin | What it holds |",
        "|---|---|---|",
    ]
    for t in schema.tables:
        out.append(f"| [`{t.name}`](#{t.name}) | {t.origin} | {t.description}{_only(t)} |")
    for t in schema.tables:
        out += ["", f"## {t.name}", "", t.description + _only(t), ""]
        if t.key:
            out += [f"Key: {', '.join(f'`{k}`' for k in t.key)}", ""]
        if t.indexes:
            shown = "; ".join(", ".join(f"`{c}`" for c in index) for index in t.index_columns)
            out += [f"Indexed in a PostgreSQL store: {shown}", ""]
        out += ["| Column | Type | Description |", "|---|---|---|"]
        for c in t.all_columns:
            desc = c.description.replace("|", "\\|")
            out.append(f"| `{c.name}` | {c.type} | {desc} |")
        for copy, column in t.jsonb_copies.items():
            out += ["", f"A PostgreSQL store also keeps `{column}` as `jsonb` in `{copy}`, a column PostgreSQL "
                    "generates, which the indicators read (parsed once, where `json` is parsed for every field "
                    "read); it is not part of the table for loads, exports or anything else."]  # fmt: skip
    return "\n".join(out) + "\n"


def _only(table: Table) -> str:
    if len(table.engines) == len(ENGINES):
        return ""
    names = {"duckdb": "DuckDB", "postgresql": "PostgreSQL"}
    return f" ({' and '.join(names[e] for e in table.engines)} stores only.)"
