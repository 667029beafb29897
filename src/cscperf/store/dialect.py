"""cscperf's SQL is written once, in DuckDB's dialect; this turns it into PostgreSQL's.

SQLGlot does most of the work. Where DuckDB and PostgreSQL differ in a way SQLGlot does not bridge (or
bridges wrongly), one named rule below does it, and `tests/test_store_dialect.py` checks each on both
engines. The result is cached by the statement's text, so each distinct statement is translated once per
process.

The rules, in the order they are applied:

- `scratch_schema`: a load's scratch tables (schema `cscperf_staging` in a DuckDB store) are the session's
  temporary tables in PostgreSQL (`pg_temp`), so concurrent loads never see each other's and a killed load
  leaves nothing behind.
- `create_or_replace_table`: `CREATE OR REPLACE [TEMP] TABLE` becomes `DROP TABLE IF EXISTS` then `CREATE`.
- `temporary_tables_analysed`: a temporary table made from a query is `ANALYZE`d at once (autovacuum never
  analyses temporary tables, and the planner needs their sizes).
- `insert_by_name`: `INSERT INTO t BY NAME SELECT a, b AS c` names its columns: `INSERT INTO t (a, c) ...`.
  (A `SELECT *` cannot be named here and is refused: list the columns.)
- `first_and_arg_min_max`: DuckDB's `first(x ORDER BY ...)`, `arg_min`/`arg_max` (non-NULL value and key)
  and `arg_min_null`/`arg_max_null` (non-NULL key) are the first element of an ordered `array_agg`.
- `group_by_all`: `GROUP BY ALL` groups by the positions of the projections that are not aggregates.
- `date_parts_are_integers`: `year(d)`, `month(d)` and `EXTRACT(field FROM d)` give an INTEGER, as in DuckDB
  (PostgreSQL's EXTRACT gives a NUMERIC).
- `coalesce_compared_as_null_or_value`: `COALESCE(column, 'a') = 'b'` is written as the equivalent test of NULL
  and value, which PostgreSQL's planner can estimate (a misestimate there made it choose joins 100 times slower).
- `make_date`: SQLGlot writes DuckDB's `make_date` as `DATE_FROM_PARTS`, which PostgreSQL lacks.
- `interval_of_an_expression`: `INTERVAL (n) DAY` becomes `(n) * INTERVAL '1 DAY'` (SQLGlot drops `n`).
- `text_in_c_order`: text columns of tables made here compare byte by byte (collation "C"), as DuckDB's do and
  as the store's own tables do, whatever the database's locale.
- `ctes_read_by_subqueries_inlined`: a CTE that a correlated subquery reads is inlined (`NOT MATERIALIZED`), so
  the subquery's conditions reach the table's indexes instead of scanning the whole CTE for every row.
- `flows_joined_by_day`: an event joined to the reporting period holding its date (`x BETWEEN p.period_start
  AND p.period_end`) is joined to the periods' days (`report_period_days`) on the date: a hash join, where
  PostgreSQL would compare every event with every period.
- `json_read_from_jsonb_copy`: a field read from a JSON column that a PostgreSQL store keeps a `jsonb` copy of
  (schema.yml's `jsonb_copy`: `json` is parsed again for every field read, `jsonb` is not) is read from the
  copy, which gives the same text; the column itself where the copy is empty.
- `derived_tables_named`: a subquery in FROM gets a name (PostgreSQL 15 and earlier require one).
- `placeholders`: `?` parameters become psycopg's `%s` (and `$name` ones `%(name)s`), and every literal `%` is
  doubled for psycopg.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp

SCRATCH_SCHEMA = "cscperf_staging"
"""The schema of a load's scratch tables in a DuckDB store (the session's temporary schema in PostgreSQL)."""

_PARAMETER = "cscperf_parameter_7f3a9c"
_NAMED = "cscperf_named_7f3a9c_"  # then the parameter's name: DuckDB's $name, psycopg's %(name)s
_ARG_FUNCTIONS = {"arg_min": (False, True), "arg_max": (True, True), "arg_min_null": (False, False),
                  "arg_max_null": (True, False)}  # fmt: skip  # name: (descending, skip rows whose value is NULL)
_INTEGER_PARTS = {"YEAR", "MONTH", "DAY", "QUARTER", "DOW", "ISODOW", "DOY", "WEEK", "HOUR", "MINUTE", "ISOYEAR"}


class TranslationError(ValueError):
    """A statement uses something of DuckDB's that has no PostgreSQL translation here."""


@dataclass(frozen=True)
class Translated:
    """What runs on PostgreSQL for one DuckDB statement: `main` (which takes the parameters and whose result
    is the statement's), with any statements that must run before and after it."""

    before: tuple[str, ...]
    main: str
    after: tuple[str, ...]
    temporary_table_made: str | None = None  # a temporary table made empty, to be analysed once filled
    table_filled: str | None = None  # the table an INSERT writes


@lru_cache(maxsize=4096)
def to_postgres(sql: str) -> Translated:
    """The PostgreSQL that does what the DuckDB statement `sql` does, with `%s` placeholders and literal `%`
    doubled, ready for psycopg."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise TranslationError(f"SQL that cscperf could not read: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise TranslationError("one statement at a time, please")
    before, main, after = _translate(statements[0])  # type: ignore[arg-type]
    made = filled = None
    if isinstance(main, exp.Create) and main.kind == "TABLE" and not isinstance(main.expression, exp.Query):
        table = main.find(exp.Table)
        if table is not None and (main.find(exp.TemporaryProperty) is not None or table.text("db") == "pg_temp"):
            made = table.name
    if isinstance(main, exp.Insert):
        target = main.this.this if isinstance(main.this, exp.Schema) else main.this
        filled = target.name if isinstance(target, exp.Table) else None
    return Translated(tuple(_text(s) for s in before), _text(main), tuple(_text(s) for s in after), made, filled)


def _text(statement: exp.Expression) -> str:
    text = statement.sql(dialect="postgres").replace("%", "%%").replace(_PARAMETER, "%s")
    return re.sub(_NAMED + r"(\w+)", r"%(\1)s", text)


def _translate(statement: exp.Expression) -> tuple[list[exp.Expression], exp.Expression, list[exp.Expression]]:
    statement = statement.copy()
    for rules in (_aggregate_rules, _date_rules, _leaf_rules):  # in passes: a replaced node is not revisited
        statement = statement.transform(rules, copy=False)
    before: list[exp.Expression] = []
    after: list[exp.Expression] = []
    if isinstance(statement, exp.Create) and statement.kind == "TABLE":
        before, after = _create_table(statement)
    if isinstance(statement, exp.Insert) and statement.args.get("by_name"):
        _insert_by_name(statement)
    for select in list(statement.find_all(exp.Select)):
        group = select.args.get("group")
        if group is not None and group.args.get("all"):
            _group_by_all(select)
    _inline_ctes_read_by_subqueries(statement)
    _read_json_from_jsonb_copies(statement)
    _name_derived_tables(statement)
    _join_flows_by_day(statement)
    return before, statement, after


PERIODS, PERIOD_DAYS = "report_periods", "report_period_days"  # the indicator engine's temporary tables


def _join_flows_by_day(statement: exp.Expression) -> None:
    """Rule flows_joined_by_day: `JOIN report_periods p ON x BETWEEN p.period_start AND p.period_end` (a flow:
    events dated in the period) becomes `JOIN report_period_days p ON p.day = x`: a hash join on the day,
    where PostgreSQL would compare every event with every period. Same rows, same columns."""
    for join in list(statement.find_all(exp.Join)):
        table = join.this
        if not isinstance(table, exp.Table) or table.name != PERIODS or table.text("db"):
            continue
        alias = table.alias_or_name
        condition = join.args.get("on")
        parts = list(condition.flatten()) if isinstance(condition, exp.And) else [condition]
        for index, part in enumerate(parts):
            if (
                isinstance(part, exp.Between)
                and isinstance(part.this, exp.Column)
                and _is_column(part.args.get("low"), alias, "period_start")
                and _is_column(part.args.get("high"), alias, "period_end")
            ):
                parts[index] = exp.EQ(this=exp.column("day", table=alias), expression=part.this.copy())
                table.set("this", exp.to_identifier(PERIOD_DAYS))
                if not table.alias:
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(PERIODS)))
                join.set("on", exp.and_(*parts) if len(parts) > 1 else parts[0])
                break


def _is_column(node: exp.Expression | None, table: str, name: str) -> bool:
    return isinstance(node, exp.Column) and node.name == name and node.table == table


def _read_json_from_jsonb_copies(statement: exp.Expression) -> None:
    """Rule json_read_from_jsonb_copy: `json_extract_string(c.column, '$.a.b')` (or `c.column ->> '$.a.b'`),
    where the store keeps `column` as `jsonb` too (`copy`), reads the copy:

        CASE WHEN c.copy IS NULL THEN <the field read from c.column, as before>
             ELSE jsonb_extract_path_text(c.copy, 'a', 'b') END

    The copy is kept only for an object of strings, true, false and null without a `\\u` escape
    (`schema.jsonb_copy_definition`), whose every field reads as the same text from either (a key written twice
    included: both take the last); for any other text it is empty and the text is read, as before. Only a
    column read straight from its table in the same SELECT (by its alias, or unqualified), by a path of plain
    keys, is rewritten."""
    from cscperf.store.schema import load_schema

    copies = load_schema().jsonb_copies
    for node in list(statement.find_all(exp.JSONExtractScalar)):
        column, path = node.this, node.expression
        if not (isinstance(column, exp.Column) and column.name in copies and isinstance(path, exp.JSONPath)):
            continue
        keys = path.expressions[1:]
        if not keys or not isinstance(path.expressions[0], exp.JSONPathRoot):
            continue
        if not all(isinstance(k, exp.JSONPathKey) and isinstance(k.this, str) for k in keys):
            continue
        table, copy_name = copies[column.name]
        if not _reads_table(column, table):
            continue
        copy = exp.column(copy_name, table=column.table or None)
        names = [exp.Literal.string(k.this) for k in keys]
        from_copy = exp.Anonymous(this="JSONB_EXTRACT_PATH_TEXT", expressions=[copy.copy(), *names])
        no_copy = exp.Is(this=copy, expression=exp.Null())
        node.replace(exp.Case(ifs=[exp.If(this=no_copy, true=node.copy())], default=from_copy))


def _reads_table(column: exp.Column, table: str) -> bool:
    """Whether `column` is read straight from `table` in its own SELECT (by that table's name or alias, or
    unqualified where the SELECT reads the table)."""
    select = column.find_ancestor(exp.Select)
    if select is None:
        return False
    sources = [select.args.get("from_"), *(select.args.get("joins") or [])]
    for source in sources:
        read = source.this if source is not None else None
        name = read.alias_or_name if isinstance(read, exp.Table | exp.Subquery) else ""
        if isinstance(read, exp.Subquery):  # a filtered read, `(SELECT * FROM t WHERE ...) AS t` (council_scope)
            read = _filtered_read(read)
        if (
            isinstance(read, exp.Table)
            and read.name == table
            and not read.text("db")
            and (not column.table or column.table == name)
        ):
            return True
    return False


def _filtered_read(subquery: exp.Subquery) -> exp.Table | None:
    """The table of `(SELECT * FROM t WHERE ...)`, which has every column of `t` (its generated ones too)."""
    inner = subquery.this
    if not isinstance(inner, exp.Select) or [type(e) for e in inner.expressions] != [exp.Star]:
        return None
    if any(inner.args.get(k) for k in ("joins", "group", "having", "qualify", "with_", "distinct", "limit")):
        return None
    source = inner.args.get("from_")
    return source.this if source is not None and isinstance(source.this, exp.Table) else None


def _name_derived_tables(statement: exp.Expression) -> None:
    """Rule derived_tables_named: PostgreSQL (before 16) wants every subquery in FROM to have a name."""
    for number, subquery in enumerate(statement.find_all(exp.Subquery)):
        if isinstance(subquery.parent, exp.From | exp.Join) and not subquery.alias:
            subquery.set("alias", exp.TableAlias(this=exp.to_identifier(f"cscperf_derived_{number}")))


def _inline_ctes_read_by_subqueries(statement: exp.Expression) -> None:
    """Rule ctes_read_by_subqueries_inlined: PostgreSQL computes a CTE read more than once into a table
    without indexes, and runs a correlated subquery (a scalar subquery or EXISTS in an expression) once per
    outer row; over such a CTE that is a full scan per row. Inlined (NOT MATERIALIZED), the subquery's
    conditions reach the underlying table and its indexes. DuckDB decorrelates such subqueries itself."""
    ctes = {cte.alias_or_name: cte for cte in statement.find_all(exp.CTE)}
    if not ctes:
        return
    for table in statement.find_all(exp.Table):
        cte = ctes.get(table.name)
        if cte is None or table.text("db"):
            continue
        query = table.find_ancestor(exp.Subquery, exp.Exists)
        while query is not None:
            if isinstance(query, exp.Exists) or not isinstance(query.parent, exp.From | exp.Join):
                cte.set("materialized", False)
                break
            query = query.find_ancestor(exp.Subquery, exp.Exists)


def _create_table(create: exp.Create) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """Rules create_or_replace_table and temporary_tables_analysed: what runs before and after `create`."""
    table = create.this if isinstance(create.this, exp.Table) else create.this.find(exp.Table)
    final = table.copy()  # the table as it is when all is done
    temporary = create.find(exp.TemporaryProperty) is not None or table.text("db") == "pg_temp"
    if temporary:  # never a permanent table of the same name
        final.set("db", exp.to_identifier("pg_temp"))
    before: list[exp.Expression] = []
    after: list[exp.Expression] = []
    query = create.expression
    if create.args.get("replace"):
        create.set("replace", False)
        reads_itself = isinstance(query, exp.Query) and any(
            t.name == table.name and t.text("db") in ("", table.text("db")) for t in query.find_all(exp.Table)
        )
        if reads_itself:  # made from its own rows: built beside it, then it takes its place
            building = f"{table.name}__replacing"
            table.set("this", exp.to_identifier(building))
            built = final.copy()
            built.set("this", exp.to_identifier(building))
            after.append(exp.Drop(tables=[final.copy()], kind="TABLE", exists=True))
            after.append(exp.Alter(this=built, kind="TABLE", actions=[exp.AlterRename(this=exp.to_table(final.name))]))
        else:
            before.append(exp.Drop(tables=[final.copy()], kind="TABLE", exists=True))
    if temporary and isinstance(query, exp.Query):
        after.append(exp.Command(this="ANALYZE", expression=exp.Literal.string(final.sql(dialect="postgres"))))
    return before, after


def _aggregate_rules(node: exp.Expression) -> exp.Expression:
    """First pass: functions replaced whole (the later passes then see inside them)."""
    if isinstance(node, exp.DateFromParts):  # rule make_date
        return exp.Anonymous(this="MAKE_DATE", expressions=[node.args["year"], node.args["month"], node.args["day"]])
    if isinstance(node, exp.Filter) and _first_like(node.this):  # rule first_and_arg_min_max, with FILTER
        return _first_element(node.this, extra_filter=node.expression.this)
    if _first_like(node):
        return _first_element(node)
    return node


def _date_rules(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.EQ | exp.NEQ):  # rule coalesce_compared_as_null_or_value
        return _coalesce_compared(node)
    if isinstance(node, exp.Year | exp.Month | exp.Day | exp.Quarter):  # rule date_parts_are_integers
        part = {exp.Year: "YEAR", exp.Month: "MONTH", exp.Day: "DAY", exp.Quarter: "QUARTER"}[type(node)]
        return _integer(exp.Extract(this=exp.var(part), expression=node.this))
    if isinstance(node, exp.Extract) and node.name.upper() in _INTEGER_PARTS and not isinstance(node.parent, exp.Cast):
        return _integer(node)
    if isinstance(node, exp.Interval) and not isinstance(node.this, exp.Literal | None):  # interval_of_an_expression
        unit = node.text("unit") or "DAY"
        one = exp.Interval(this=exp.Literal.string("1"), unit=exp.var(unit))
        return exp.Paren(this=exp.Mul(this=node.this, expression=one))
    return node


def _coalesce_compared(node: exp.EQ | exp.NEQ) -> exp.Expression:
    """`COALESCE(column, 'a') = 'b'` as `column IS NULL OR column = 'b'` when 'a' = 'b' holds (else `column IS NOT
    NULL AND column = 'b'`); the same for <>. Exactly equivalent, NULLs included; PostgreSQL's planner can estimate
    how many rows it keeps (it guesses 0.5% for a function's result, and then chooses joins that suit 0.5%)."""
    coalesce, value = node.this, node.expression
    if not (
        isinstance(coalesce, exp.Coalesce)
        and isinstance(coalesce.this, exp.Column)
        and len(coalesce.expressions) == 1
        and isinstance(coalesce.expressions[0], exp.Literal)
        and coalesce.expressions[0].is_string
        and isinstance(value, exp.Literal)
        and value.is_string
    ):
        return node
    column, default = coalesce.this, coalesce.expressions[0]
    default_holds = (default.this == value.this) == isinstance(node, exp.EQ)
    compared = type(node)(this=column.copy(), expression=value.copy())
    null = exp.Is(this=column.copy(), expression=exp.Null())
    if default_holds:
        return exp.Paren(this=exp.Or(this=null, expression=compared))
    return exp.Paren(this=exp.And(this=exp.Not(this=null), expression=compared))


def _leaf_rules(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Placeholder):  # rule placeholders
        name = node.args.get("this")
        return exp.Var(this=f"{_NAMED}{name}" if isinstance(name, str) and name else _PARAMETER)
    if isinstance(node, exp.Table | exp.Column) and node.text("db") == SCRATCH_SCHEMA:  # rule scratch_schema
        node.set("db", exp.to_identifier("pg_temp"))
        return node
    if isinstance(node, exp.ColumnDef) and isinstance(node.args.get("kind"), exp.DataType):  # rule text_in_c_order
        if node.args["kind"].this in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT):
            collate = exp.ColumnConstraint(kind=exp.CollateColumnConstraint(this=exp.to_identifier("C", quoted=True)))
            node.set("constraints", [collate, *(node.args.get("constraints") or [])])
        return node
    if isinstance(node, exp.Star) and node.args.get("except_"):
        raise TranslationError("`SELECT * EXCLUDE (...)` has no PostgreSQL equivalent; list the columns instead.")
    return node


def _integer(node: exp.Expression) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build("INT"))


def _first_like(node: exp.Expression) -> bool:
    if isinstance(node, exp.First | exp.ArgMin | exp.ArgMax):
        return True
    return isinstance(node, exp.Anonymous) and node.name.lower() in _ARG_FUNCTIONS


def _first_element(node: exp.Expression, extra_filter: exp.Expression | None = None) -> exp.Expression:
    """`(array_agg(value ORDER BY key) FILTER (WHERE ...))[1]`: the value at the first row in key order."""
    conditions: list[exp.Expression] = []
    if isinstance(node, exp.First):
        inner = node.this
        if isinstance(inner, exp.Order):
            value, order = inner.this, inner.expressions
        else:
            value, order = inner, []
    else:
        if isinstance(node, exp.Anonymous):
            value, key = node.expressions
            descending, skip_null_values = _ARG_FUNCTIONS[node.name.lower()]
        else:
            value, key = node.this, node.expression
            descending, skip_null_values = isinstance(node, exp.ArgMax), True
        order = [exp.Ordered(this=key.copy(), desc=descending, nulls_first=False)]
        conditions.append(exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null())))
        if skip_null_values:
            conditions.append(exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())))
    if extra_filter is not None:
        conditions.append(extra_filter)
    aggregated = value.copy() if not order else exp.Order(this=value.copy(), expressions=[o.copy() for o in order])
    call: exp.Expression = exp.ArrayAgg(this=aggregated)
    if conditions:
        condition = conditions[0]
        for more in conditions[1:]:
            condition = exp.And(this=exp.Paren(this=condition), expression=exp.Paren(this=more))
        call = exp.Filter(this=call, expression=exp.Where(this=condition))
    return exp.Bracket(this=exp.Paren(this=call), expressions=[exp.Literal.number(1)], offset=1)


def _insert_by_name(insert: exp.Insert) -> None:
    """Rule insert_by_name."""
    query = insert.expression
    select = query
    while isinstance(select, exp.SetOperation):
        select = select.this
    if not isinstance(select, exp.Select):
        raise TranslationError("INSERT ... BY NAME needs a SELECT to take its column names from.")
    names = []
    for projection in select.expressions:
        if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star):
            raise TranslationError("INSERT ... BY NAME SELECT * cannot be translated; name the columns.")
        name = projection.alias_or_name
        if not name:
            raise TranslationError("INSERT ... BY NAME needs every selected column named.")
        names.append(exp.to_identifier(name))
    target = insert.this
    table = target.this if isinstance(target, exp.Schema) else target
    insert.set("this", exp.Schema(this=table, expressions=names))
    insert.set("by_name", False)


def _group_by_all(select: exp.Select) -> None:
    """Rule group_by_all: group by the positions of the projections that are not aggregates."""
    positions = []
    for number, projection in enumerate(select.expressions, start=1):
        if isinstance(projection, exp.Star):
            raise TranslationError("GROUP BY ALL with SELECT * cannot be translated; name the columns.")
        if not _aggregates_of(projection, select) and not _windowed(projection, select):
            positions.append(exp.Literal.number(number))
    if positions:
        select.set("group", exp.Group(expressions=positions))
    else:
        select.set("group", None)


def _aggregates_of(projection: exp.Expression, select: exp.Select) -> bool:
    """Whether `projection` aggregates over `select`'s rows (an aggregate of its own, not of a subquery, and
    not a window function)."""
    for node in projection.walk():
        if isinstance(node, exp.AggFunc | exp.ArrayAgg) and node.find_ancestor(exp.Select) is select:
            window = node.find_ancestor(exp.Window)
            if window is None or window.find_ancestor(exp.Select) is not select:
                return True
    return False


def _windowed(projection: exp.Expression, select: exp.Select) -> bool:
    return any(w.find_ancestor(exp.Select) is select for w in projection.find_all(exp.Window))
