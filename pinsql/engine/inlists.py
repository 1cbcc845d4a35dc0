"""Long ``IN (...)`` lists of literals: parsed without sqlglot's tokenizer, sent to DuckDB as one list parameter.

A pasted list of 600 ids is most of the statement: sqlglot tokenizes and parses
each literal (about 2 ms for 600). :func:`parse_with_long_lists` cuts such lists
out of the text, parses the rest, and puts literal nodes made straight from the
cut text back into the tree: the same tree, in a fifth of the time.

DuckDB binds each literal of an ``IN`` list on its own: 600 pasted ids cost it
about 15 ms per statement, and pinsql runs a statement twice (bound before any
call, then run). ``x IN (SELECT unnest($1::VARCHAR[]))`` with the values as a
parameter binds in about 2 ms and means the same, NULLs included. The planner
still sees the literals: the tree is changed only while its SQL is generated.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import sqlglot
from sqlglot import exp

#: Lists at least this long are passed as a parameter.
MIN_LITERALS = 64

#: Lists at least this long are cut out of the text before parsing.
MIN_CUT = 32

_TEXT = r"'[^'\\]*(?:''[^'\\]*)*'"  # a string literal without backslashes (sqlglot reads those as escapes)
_ITEM = rf"(?:{_TEXT}|\d+)"
#: What the scan steps over as a whole (strings, quoted names, comments), or an IN list of plain literals.
_SCAN = re.compile(
    r"'(?:[^'\\]|''|\\.)*'"
    r'|"(?:[^"]|"")*"'
    r"|--[^\n]*"
    r"|/\*.*?\*/"
    r"|\$\$.*?\$\$"
    rf"|(?P<list>\b[Ii][Nn]\s*\(\s*(?P<items>{_ITEM}(?:\s*,\s*{_ITEM})*)\s*\))",
    re.S,
)
_ITEMS = re.compile(rf"{_TEXT}|\d+")

T = TypeVar("T")


def marker_names() -> Iterator[str]:
    """Texts to stand in for long lists while a tree is parsed or copied: no statement contains them."""
    nonce = secrets.token_hex(8)
    return (f"__pinsql_list_{nonce}_{n}" for n in itertools.count())


def marked_lists(tree: exp.Expression, marked: Mapping[str, T]) -> list[tuple[exp.In, T]]:
    """The IN nodes of ``tree`` whose only item is one of ``marked``'s marker literals, with what it stands for."""
    out = []
    for node in tree.find_all(exp.In):
        items = node.args.get("expressions") or ()
        only = items[0] if len(items) == 1 else None
        if isinstance(only, exp.Literal) and only.is_string and only.this in marked:
            out.append((node, marked[only.this]))
    return out


def parse_with_long_lists(sql: str, parse: Callable[[str], exp.Expression]) -> exp.Expression:
    """``parse(sql)``, with long IN lists of plain literals parsed here (see the module docstring).

    Each list is replaced by one marker literal no statement can contain; after parsing,
    every marker must be found alone in an IN list, else the text is parsed as it is.
    """
    if sql.count(",") < MIN_CUT - 1:
        return parse(sql)  # no list that long: skip the scan (most statements)
    cuts: dict[str, list[str]] = {}
    pieces: list[str] = []
    pos = 0
    names: Iterator[str] | None = None
    for m in _SCAN.finditer(sql):
        if m.group("list") is None:
            continue
        items = _ITEMS.findall(m.group("items"))
        if len(items) < MIN_CUT:
            continue
        names = names or marker_names()
        marker = next(names)
        cuts[marker] = items
        pieces.append(sql[pos : m.start("list")])
        pieces.append(f"IN ('{marker}')")
        pos = m.end("list")
    if not cuts:
        return parse(sql)
    pieces.append(sql[pos:])
    try:
        tree = parse("".join(pieces))
    except Exception:  # noqa: BLE001 - the error is reported from the text as written
        return parse(sql)
    found = marked_lists(tree, cuts)
    if len(found) != len(cuts) or len({id(n) for n, _ in found}) != len(cuts):
        return parse(sql)  # the scan read the text differently from sqlglot: parse it all
    for node, items in found:
        node.set("expressions", [_literal(item) for item in items])
    return tree


def _literal(item: str) -> exp.Literal:
    """The node sqlglot makes of one list item's text."""
    if item[0] == "'":
        return exp.Literal(this=item[1:-1].replace("''", "'"), is_string=True)
    return exp.Literal(this=item, is_string=False)


def _list_type(values: list[exp.Expression]) -> str | None:
    """The DuckDB list type for literals that are all text or all integers (else None: keep them)."""
    if not all(isinstance(v, exp.Literal) for v in values):
        return None
    if all(v.is_string for v in values):
        return "VARCHAR"
    if all(v.is_int for v in values):
        return "BIGINT"
    return None


def sql_with_list_parameters(tree: exp.Expression) -> tuple[str, list[Any]]:
    """DuckDB SQL for ``tree`` and the parameters it needs (the long IN lists, in ``$n`` order)."""
    swapped: list[tuple[exp.In, Any]] = []
    params: list[Any] = []
    try:
        for node in tree.find_all(exp.In):
            values = node.expressions
            if len(values) < MIN_LITERALS or node.args.get("query") is not None:
                continue
            kind = _list_type(values)
            if kind is None:
                continue
            params.append([v.this if kind == "VARCHAR" else int(v.this) for v in values])
            select = sqlglot.parse_one(f"SELECT unnest(CAST(${len(params)} AS {kind}[]))", dialect="duckdb")
            swapped.append((node, node.args["expressions"]))
            node.set("expressions", None)
            node.set("query", select.subquery())
        return tree.sql("duckdb"), params
    finally:
        for node, values in swapped:
            node.set("query", None)
            node.set("expressions", values)


__all__ = ["MIN_CUT", "MIN_LITERALS", "marked_lists", "marker_names", "parse_with_long_lists", "sql_with_list_parameters"]
