"""A plain projection of one table is analysed from its tree (planner._plain_projection) without
qualifying a copy: the plan must be the one the full analysis makes, statement by statement."""

from __future__ import annotations

import dataclasses

import pytest

from pinsql.catalog import load_catalog
from pinsql.engine import planner
from pinsql.engine.params import parse
from pinsql.engine.references import resolve

IDS = ", ".join(f"'6200070000000{i:05d}'" for i in range(600))

PLAIN = [
    "SELECT * FROM campaigns",
    "SELECT id, name FROM campaigns WHERE id = '620007000000000001'",
    f"SELECT id, name, status FROM campaigns WHERE id IN ({IDS})",
    "SELECT name FROM campaigns WHERE status IN ('ACTIVE', 'PAUSED') AND id IN ('1', '2', '3')",
    "SELECT name FROM campaigns WHERE status = 'ACTIVE' AND status = 'PAUSED'",
    "SELECT name FROM campaigns WHERE status IN ('ACTIVE', 'PAUSED') AND status IN ('PAUSED', 'DRAFT')",
    "SELECT name FROM campaigns WHERE status = 'NO_SUCH_STATUS'",
    "SELECT ID AS i, Name FROM pinterest.campaigns WHERE Ad_Account_Id = '540007000000000001' LIMIT 10",
    "SELECT * FROM campaigns LIMIT 10 OFFSET 5",
    "SELECT * FROM campaigns OFFSET 5",
    "SELECT id FROM ad_groups WHERE campaign_id = '620007000000000003' AND status IN ('ACTIVE')",
    "SELECT * FROM board_pins WHERE board_id = '110007000000000001' LIMIT 3",
    "SELECT id, title FROM pins WHERE id IN ('130007000000000001', '130007000000000002')",
    "SELECT * FROM boards WHERE privacy = 'SECRET'",
    "SELECT * FROM ad_accounts",
    "SELECT id FROM campaigns c WHERE (c.status = 'ACTIVE' AND c.id IN ('1', '2'))",
    "SELECT id FROM campaigns WHERE daily_spend_cap = 5 AND daily_spend_cap IN (5, -6)",
]


def _plans(sql, monkeypatch, full):
    catalog = load_catalog()
    tree, _ = parse(sql)
    refs, _ = resolve(tree, catalog, set(), set())
    with monkeypatch.context() as m:
        if full:
            m.setattr(planner, "_plain_projection", lambda *args: None)
        else:
            assert planner._plain_projection(tree, refs) is not None  # the statement takes the fast path
        infos = planner.analyze(tree, refs)
    scans = planner.plan(infos, None)
    fields = [f.name for f in dataclasses.fields(planner.RefInfo) if f.name != "local_conjuncts"]
    return ({k: {f: getattr(v, f) for f in fields} for k, v in infos.items()},
            [{f.name: getattr(s, f.name) for f in dataclasses.fields(s) if f.name != "local_conjuncts"} for s in scans])


@pytest.mark.parametrize("sql", PLAIN)
def test_plain_projections_are_planned_as_the_full_analysis_plans_them(sql, monkeypatch):
    assert _plans(sql, monkeypatch, full=False) == _plans(sql, monkeypatch, full=True)


@pytest.mark.parametrize("sql", [
    "SELECT * FROM campaigns WHERE name LIKE 'a%'",
    "SELECT * FROM campaigns WHERE id = 5",  # an integer literal on a text column
    "SELECT * FROM campaigns WHERE start_time = 5",  # a timestamp column
    "SELECT * FROM campaigns ORDER BY id LIMIT 3",
    "SELECT DISTINCT status FROM campaigns",
    "SELECT * FROM campaigns c JOIN ad_groups g ON g.campaign_id = c.id",
])
def test_other_statements_take_the_full_analysis(sql):
    tree, _ = parse(sql)
    refs, _ = resolve(tree, load_catalog(), set(), set())
    assert planner._plain_projection(tree, refs) is None


def _outcome(sql, monkeypatch, full):
    try:
        return _plans(sql, monkeypatch, full)
    except Exception as e:  # a table that needs a filter: both paths must refuse it alike
        return type(e).__name__, str(e)


def _every_table_statements():
    out = []
    for table in load_catalog().tables.values():
        out.append(f"SELECT * FROM {table.name}")
        text = [f.column for e in table.endpoints for f in e.filters
                if f.column and table.column(f.column).type == "VARCHAR"]
        if text:
            out.append(f"SELECT {table.columns[0].name} FROM {table.name} WHERE {text[0]} IN ('1', '2') LIMIT 5")
    return out


@pytest.mark.parametrize("sql", _every_table_statements())
def test_every_table_is_planned_alike(sql, monkeypatch):
    assert _outcome(sql, monkeypatch, full=False) == _outcome(sql, monkeypatch, full=True)
