"""Commands that need no API: help, usage errors, tables, describe, statement splitting."""

from __future__ import annotations

import json

import pytest

from pinsql.catalog import load_catalog
from pinsql.cli.app import build_parser
from pinsql.cli.shell import split_statements

COMMANDS = ["demo", "query", "shell", "tables", "describe", "login", "test", "connection", "emulator"]


def test_help_lists_every_command_with_examples(cli):
    r = cli("--help")
    assert r.code == 0
    for name in COMMANDS:
        assert name in r.out
    assert "pinsql demo" in r.out


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "emulator"])
def test_every_command_has_help_with_examples(cli, command):
    r = cli(command, "--help")
    assert r.code == 0
    assert "usage: pinsql " + command in r.out
    if command != "connection":
        assert "example" in r.out


@pytest.mark.parametrize("action", ["add", "list", "show", "properties", "remove"])
def test_connection_actions_have_help_with_examples(cli, action):
    r = cli("connection", action, "--help")
    assert r.code == 0 and "example" in r.out


def test_unknown_command_is_usage_error(cli):
    r = cli("frobnicate")
    assert r.code == 2 and "invalid choice" in r.err


def test_no_command_is_usage_error(cli):
    assert cli().code == 2


def test_global_options_before_or_after_the_command():
    parser = build_parser()
    before = parser.parse_args(["--emulator", "-P", "PageSize=5", "query", "SELECT 1", "-P", "Timeout=3"])
    assert before.emulator is True
    assert before.property == ["PageSize=5"] and before.property_after == ["Timeout=3"]
    after = parser.parse_args(["query", "--emulator", "--connection", "x", "SELECT 1"])
    assert after.emulator is True and after.connection == "x"


def test_conflicting_sources_are_usage_errors(cli):
    r = cli("--emulator", "--connection", "x", "query", "SELECT 1")
    assert r.code == 2 and "use only one of --connection and --emulator" in r.err
    r = cli("query", "SELECT 1", "--property", "novalue")
    assert r.code == 2 and "KEY=VALUE" in r.err


def test_query_without_sql_is_usage_error(cli):
    r = cli("query")
    assert r.code == 2 and "no SQL given" in r.err
    r = cli("query", "SELECT 1", "-c", "SELECT 2")
    assert r.code == 2 and "give the SQL once" in r.err


def test_tables_lists_the_catalog(cli):
    r = cli("tables")
    assert r.code == 0
    catalog = load_catalog()
    for table in catalog:
        assert f" {table.name} " in r.out
    assert r.out.rstrip().endswith(f"({len(catalog)} rows)")


def test_tables_json_and_group_filter(cli):
    r = cli("tables", "--group", "ads", "--format", "json")
    assert r.code == 0
    rows = json.loads(r.out)
    expected = sorted(t.name for t in load_catalog() if t.group == "ads")
    assert [row["table"] for row in rows] == expected
    assert all(row["group"] == "ads" for row in rows)


def test_describe_shows_columns_types_and_filters(cli):
    r = cli("describe", "campaigns")
    assert r.code == 0
    table = load_catalog().table("campaigns")
    assert r.out.startswith(f"campaigns (ads): {table.description}")
    for column in table.columns:
        assert f" {column.name} " in r.out
    r = cli("describe", "pinterest.campaigns", "--format", "csv")
    lines = r.out.splitlines()
    assert lines[0] == "column,type,api filter,description"
    assert len(lines) == 1 + len(table.columns)
    status = next(line for line in lines if line.startswith("status,"))
    assert status.startswith("status,VARCHAR,")


def test_describe_unknown_table_suggests(cli):
    r = cli("describe", "campaing")
    assert r.code == 1
    assert r.err.startswith("pinsql: error: unknown table 'campaing' (did you mean 'campaigns'")


@pytest.mark.parametrize(
    "text, statements, rest",
    [
        ("SELECT 1;", ["SELECT 1"], ""),
        ("SELECT 1; SELECT 2;", ["SELECT 1", "SELECT 2"], ""),
        ("SELECT ';'", [], "SELECT ';'"),
        ("SELECT 'it''s;'; SELECT 2", ["SELECT 'it''s;'"], "SELECT 2"),
        ('SELECT ";" AS x;', ['SELECT ";" AS x'], ""),
        ("SELECT 1 -- no; not yet\n", [], "SELECT 1 -- no; not yet\n"),
        ("SELECT 1 /* ; */;", ["SELECT 1 /* ; */"], ""),
        (";;", [], ""),
        ("SELECT\n1\n;", ["SELECT\n1"], ""),
    ],
)
def test_split_statements(text, statements, rest):
    assert split_statements(text) == (statements, rest)


def test_main_leaves_logging_as_it_found_it(cli):
    import logging

    logger = logging.getLogger("pinsql")
    before = (logger.level, list(logger.handlers))
    cli("--debug", "tables", "--group", "catalogs")
    cli("tables", "--group", "catalogs")
    assert (logger.level, list(logger.handlers)) == before
