"""Parameter binding: values become literal nodes, never SQL text."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlglot import exp

from pinsql.engine.params import number_placeholders, parse
from pinsql.exceptions import NotSupportedError, ProgrammingError


def test_question_marks_inside_strings_identifiers_and_comments_are_left_alone():
    text, n = number_placeholders("SELECT '?', \"a?\" FROM t WHERE x = ? -- why?\nAND y = ?")
    assert n == 2
    assert text == "SELECT '?', \"a?\" FROM t WHERE x = $1  -- why?\nAND y = $2 "


@pytest.mark.parametrize("sql", ["SELECT ? IN (?,?,?)", "SELECT (?),(?),f(?,?)", "SELECT ?||?, [?,?], CAST(? AS INT)+?"])
def test_placeholders_written_without_spaces_between_them(sql):
    """sqlglot would read ``$1,$2`` as the start of a $...$ quoted string."""
    values = [f"v{i}" for i in range(sql.count("?"))]
    tree, _ = parse(sql, values)
    assert sorted(lit.this for lit in tree.find_all(exp.Literal) if lit.this.startswith("v")) == values


@pytest.mark.parametrize(
    "value",
    ["O'Brien", "x' OR '1'='1", "'; DROP TABLE campaigns; --", "?", "$1", "a\\b", "line\nbreak", ""],
)
def test_string_values_stay_one_literal(value):
    tree, _ = parse("SELECT * FROM campaigns WHERE name = ?", [value])
    eq = tree.find(exp.EQ)
    assert isinstance(eq.expression, exp.Literal) and eq.expression.is_string
    assert eq.expression.this == value
    assert len(list(tree.find_all(exp.Select))) == 1  # nothing was injected
    assert tree.find(exp.Or) is None


def test_typed_values():
    tree, _ = parse(
        "SELECT ?, ?, ?, ?, ?, ?, ?, ?",
        [None, True, 3, -2.5, dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), b"\x00\xff", 10**20],
    )
    sql = tree.sql("duckdb")
    assert "NULL" in sql and "TRUE" in sql and "-2.5" in sql
    assert "CAST('2026-01-02' AS DATE)" in sql
    assert "CAST('2026-01-02 03:04:05' AS TIMESTAMP)" in sql
    assert "UNHEX('00FF')" in sql.upper()
    assert str(10**20) in sql


def test_wrong_parameter_count():
    with pytest.raises(ProgrammingError, match="1 \\? placeholder"):
        parse("SELECT ?", [])
    with pytest.raises(ProgrammingError, match="0 \\? placeholder"):
        parse("SELECT 1", [1])
    with pytest.raises(ProgrammingError):
        parse("SELECT ?")


def test_mapping_and_string_parameters_are_refused():
    with pytest.raises(ProgrammingError, match="qmark"):
        parse("SELECT ?", {"a": 1})
    with pytest.raises(ProgrammingError, match="sequence"):
        parse("SELECT ?", "a")


def test_numbered_parameters_are_refused():
    with pytest.raises(ProgrammingError, match="qmark"):
        parse("SELECT $1", [1])


def test_unsupported_parameter_type():
    with pytest.raises(NotSupportedError):
        parse("SELECT ?", [object()])


def test_syntax_error_has_position():
    with pytest.raises(ProgrammingError, match=r"line 1, column \d+"):
        parse("SELECT FROM WHERE x")


def test_one_statement_only():
    with pytest.raises(ProgrammingError, match="one statement"):
        parse("SELECT 1; SELECT 2")


def test_explain_prefix():
    tree, explain = parse("explain SELECT * FROM campaigns WHERE id = ?", ["1"])
    assert explain and isinstance(tree, exp.Select)
