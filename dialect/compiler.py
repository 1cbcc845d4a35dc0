"""SQL that pinsql reads: the statement, DDL and type compilers and the identifier preparer.

pinsql parses SQL with sqlglot and runs what it cannot push to the API in
DuckDB, so the output is DuckDB-flavoured ANSI SQL: ``LIMIT n OFFSET m``,
``?`` placeholders, double-quoted identifiers. The compiler never inlines a
bound value into cached SQL (``supports_statement_cache``); LIMIT and OFFSET
are "literal execute" parameters, rendered as plain numbers at execution time
so pinsql's planner sees them and can stop paging early.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.sql import compiler

# Words DuckDB reserves, plus names sqlglot treats as type or function
# keywords in some positions. Quoting a column named ``date`` or ``type`` costs
# nothing and keeps generated SQL unambiguous for every parser on the way
# (Superset re-parses SQL with sqlglot before pinsql sees it).
RESERVED_WORDS = compiler.RESERVED_WORDS | {
    "analyse", "analyze", "array", "asymmetric", "both", "cast", "collate", "column", "constraint",
    "deferrable", "describe", "do", "fetch", "grant", "initially", "lateral", "leading", "limit",
    "offset", "only", "pivot", "pivot_longer", "pivot_wider", "placing", "qualify", "returning",
    "show", "summarize", "symmetric", "trailing", "unpivot", "variadic", "window",
    "date", "time", "timestamp", "interval", "type", "year", "month", "day", "hour", "minute",
    "second", "filter", "format", "key", "value", "values", "position", "range", "rows", "row",
}


class PinterestIdentifierPreparer(compiler.IdentifierPreparer):
    """Double-quoted identifiers, quoted only when needed (pinsql names are lower case)."""

    reserved_words = RESERVED_WORDS


class PinterestCompiler(compiler.SQLCompiler):
    def limit_clause(self, select: Any, **kw: Any) -> str:
        text = ""
        if select._limit_clause is not None:
            text += "\n LIMIT " + self._limit_value(select, select._limit_clause, **kw)
        if select._offset_clause is not None:
            # DuckDB takes OFFSET without LIMIT; no "LIMIT -1" needed.
            text += "\n OFFSET " + self._limit_value(select, select._offset_clause, **kw)
        return text

    def _limit_value(self, select: Any, clause: Any, **kw: Any) -> str:
        # A plain integer (.limit(10)) is rendered as a number at execution;
        # an explicit bindparam or expression stays what the user wrote.
        if select._simple_int_clause(clause):
            return self.process(clause, literal_execute=True, **kw)
        return self.process(clause, **kw)

    def for_update_clause(self, select: Any, **kw: Any) -> str:
        return ""  # nothing to lock: rows come from an API

    def visit_empty_set_expr(self, element_types: Any, **kw: Any) -> str:
        # An expanding IN over tuples with no values: a subquery with no rows.
        ones = ", ".join("1" for _ in element_types or [None])
        return f"SELECT {ones} WHERE 1 != 1"

    def visit_truediv_binary(self, binary: Any, operator: Any, **kw: Any) -> str:
        # DuckDB's "/" is already true division, for integers too.
        return self.process(binary.left, **kw) + " / " + self.process(binary.right, **kw)

    def visit_char_length_func(self, fn: Any, **kw: Any) -> str:
        return "length" + self.function_argspec(fn, **kw)

    def visit_regexp_match_op_binary(self, binary: Any, operator: Any, **kw: Any) -> str:
        return self._regexp_call("regexp_matches", binary, **kw)

    def visit_not_regexp_match_op_binary(self, binary: Any, operator: Any, **kw: Any) -> str:
        return "NOT " + self._regexp_call("regexp_matches", binary, **kw)

    def visit_regexp_replace_op_binary(self, binary: Any, operator: Any, **kw: Any) -> str:
        return self._regexp_call("regexp_replace", binary, **kw)

    def visit_json_getitem_op_binary(self, binary: Any, operator: Any, **kw: Any) -> str:
        return self._json_extract(binary, **kw)

    def visit_json_path_getitem_op_binary(self, binary: Any, operator: Any, **kw: Any) -> str:
        return self._json_extract(binary, **kw)

    def _json_extract(self, binary: Any, **kw: Any) -> str:
        # JSON elements stay JSON; as_string()/as_integer()/... read the scalar as
        # text and cast it, the way DuckDB spells those conversions.
        args = f"{self.process(binary.left, **kw)}, {self.process(binary.right, **kw)}"
        affinity = binary.type._type_affinity
        if affinity is sqltypes.JSON:
            return f"json_extract({args})"
        if affinity is sqltypes.String:
            return f"json_extract_string({args})"
        types = getattr(self.dialect, "type_compiler_instance", None) or self.dialect.type_compiler
        return f"CAST(json_extract_string({args}) AS {types.process(binary.type)})"

    def _regexp_call(self, name: str, binary: Any, **kw: Any) -> str:
        args = [self.process(binary.left, **kw), self.process(binary.right, **kw)]
        flags = binary.modifiers.get("flags")
        if flags is not None:
            args.append(self.render_literal_value(flags, binary.left.type))
        return f"{name}({', '.join(args)})"


class PinterestDDLCompiler(compiler.DDLCompiler):
    """DDL for session tables (the catalog's tables are not created by DDL).

    Foreign keys are left out: session tables are scratch space for one
    connection, and enforced keys would only dictate drop order. Declared
    relationships between catalog tables come from reflection instead.
    """

    def visit_foreign_key_constraint(self, constraint: Any, **kw: Any) -> None:
        return None  # SQLAlchemy skips constraints that render to None

    def visit_create_index(self, create: Any, **kw: Any) -> str:
        # Indexes make no sense over API data; SQLAlchemy's create_all must still work.
        return "SELECT 1"

    def visit_drop_index(self, drop: Any, **kw: Any) -> str:
        return "SELECT 1"


class PinterestTypeCompiler(compiler.GenericTypeCompiler):
    """Type names DuckDB and sqlglot both read."""

    def visit_DOUBLE(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"

    def visit_double(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"

    def visit_float(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"  # DuckDB's FLOAT is 4 bytes; SQLAlchemy's Float means "a float"

    def visit_TIMESTAMP(self, type_: Any, **kw: Any) -> str:
        return "TIMESTAMP WITH TIME ZONE" if getattr(type_, "timezone", False) else "TIMESTAMP"

    def visit_DATETIME(self, type_: Any, **kw: Any) -> str:
        return self.visit_TIMESTAMP(type_, **kw)

    def visit_datetime(self, type_: Any, **kw: Any) -> str:
        return self.visit_TIMESTAMP(type_, **kw)

    def visit_text(self, type_: Any, **kw: Any) -> str:
        return "VARCHAR"

    def visit_TEXT(self, type_: Any, **kw: Any) -> str:
        return "VARCHAR"

    def visit_CLOB(self, type_: Any, **kw: Any) -> str:
        return "VARCHAR"

    def visit_NVARCHAR(self, type_: Any, **kw: Any) -> str:
        return self.visit_VARCHAR(type_, **kw)

    def visit_NCHAR(self, type_: Any, **kw: Any) -> str:
        return self.visit_CHAR(type_, **kw)

    def visit_large_binary(self, type_: Any, **kw: Any) -> str:
        return "BLOB"

    def visit_BINARY(self, type_: Any, **kw: Any) -> str:
        return "BLOB"

    def visit_VARBINARY(self, type_: Any, **kw: Any) -> str:
        return "BLOB"

    def visit_uuid(self, type_: Any, **kw: Any) -> str:
        return "UUID"

    def visit_JSON(self, type_: Any, **kw: Any) -> str:
        return "JSON"
