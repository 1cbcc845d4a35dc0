"""Parsing SQL and binding ``?`` parameters as literal nodes of the sqlglot tree.

Values are never pasted into SQL text. The tokenizer finds the ``?``
placeholders (so a ``?`` inside a string literal, quoted identifier or comment
is left alone); each is renamed to a numbered placeholder (``$1``, ``$2``...),
the text is parsed, and every numbered placeholder node is replaced by a
literal node built from its value.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Sequence
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from pinsql.engine.inlists import parse_with_long_lists
from pinsql.exceptions import NotSupportedError, ProgrammingError

DIALECT = "duckdb"


def _syntax_error(e: Exception) -> ProgrammingError:
    errors = getattr(e, "errors", None) or []
    if errors:
        first = errors[0]
        desc = str(first.get("description", "syntax error"))
        # sqlglot puts token reprs in descriptions: keep the message readable.
        desc = desc.split(" <Token")[0] if "<Token" in desc else desc
        near = (first.get("highlight") or "").strip()
        where = f" at line {first.get('line')}, column {first.get('col')}"
        return ProgrammingError(f"SQL syntax error{where}: {desc}" + (f" (near {near!r})" if near else ""))
    return ProgrammingError(f"SQL syntax error: {e}")


def number_placeholders(sql: str) -> tuple[str, int]:
    """Rename each ``?`` placeholder token to ``$N``; returns (sql, count)."""
    if "?" not in sql and "$" not in sql:
        return sql, 0  # nothing to rename or refuse: skip tokenizing (costly on long statements)
    try:
        tokens = sqlglot.Dialect.get_or_raise(DIALECT).tokenize(sql)
    except (TokenError, ParseError) as e:
        raise _syntax_error(e) from None
    pieces: list[str] = []
    pos = 0
    count = 0
    for tok in tokens:
        if tok.token_type == TokenType.PARAMETER:
            raise ProgrammingError("pinsql uses qmark parameters: write ? instead of $1 or $name")
        if tok.token_type == TokenType.PLACEHOLDER and tok.text == "?":
            count += 1
            pieces.append(sql[pos : tok.start])
            # a space after each: sqlglot would read "$1,$2" (no space between) as a $...$ quoted string
            pieces.append(f"${count} ")
            pos = tok.end + 1
    pieces.append(sql[pos:])
    return "".join(pieces), count


def literal(value: Any) -> exp.Expression:
    """A sqlglot node for one Python parameter value."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, float, decimal.Decimal)):
        if isinstance(value, float) and math.isnan(value):
            return exp.cast(exp.Literal.string("nan"), "DOUBLE")
        node = exp.Literal.number(abs(value)) if value < 0 else exp.Literal.number(value)
        return exp.Neg(this=node) if value < 0 else node
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, dt.time):
        return exp.cast(exp.Literal.string(value.isoformat()), "TIME")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return exp.Unhex(this=exp.Literal.string(bytes(value).hex()))
    raise NotSupportedError(f"cannot bind a parameter of type {type(value).__name__}; use str, int, float, bool, date, datetime, bytes or None")


def _parse_one(text: str) -> exp.Expression:
    try:
        statements = [s for s in sqlglot.parse(text, read=DIALECT) if s is not None]
    except (ParseError, TokenError) as e:
        raise _syntax_error(e) from None
    if not statements:
        raise ProgrammingError("empty statement")
    if len(statements) > 1:
        raise ProgrammingError("only one statement per execute() call is allowed")
    return statements[0]


def parse(sql: str, parameters: Sequence[Any] | None = None) -> tuple[exp.Expression, bool]:
    """Parse one statement and bind its ``?`` parameters.

    Returns (tree, explain): a leading ``EXPLAIN`` is removed and reported.
    """
    if not isinstance(sql, str):
        raise ProgrammingError(f"the statement must be a str, not {type(sql).__name__}")
    if parameters is not None and (isinstance(parameters, (str, bytes)) or not isinstance(parameters, Sequence)):
        if isinstance(parameters, dict):
            raise ProgrammingError("pinsql uses qmark parameters: pass a sequence of values, not a mapping")
        raise ProgrammingError("parameters must be a sequence (list or tuple) of values")
    explain = False
    head = sql.lstrip()
    if re.match(r"(?i)explain\b", head):
        explain, sql = True, head[len("explain") :]
    text, count = number_placeholders(sql)
    given = len(parameters) if parameters is not None else 0
    if given != count:
        raise ProgrammingError(f"the statement has {count} ? placeholder(s) but {given} parameter(s) were given")
    tree = parse_with_long_lists(text, _parse_one)
    if count:
        values = list(parameters or ())

        def bind(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Placeholder) and node.this is not None and str(node.this).isdigit():
                return literal(values[int(str(node.this)) - 1])
            return node

        tree = tree.transform(bind, copy=False)
    return tree, explain
