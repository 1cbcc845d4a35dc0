"""Every catalog table read through the real stack (DB-API → planner → HTTP → emulator).

Checks the data model end to end: each table answers a SELECT, the result columns are the schema's
columns in order, values have the Python type of the declared SQL type, and a few listings are
compared with the emulator's own data (complete, nothing extra).
"""

from __future__ import annotations

import datetime as dt

import pytest

from pinsql.catalog import load_catalog

pinsql = pytest.importorskip("pinsql")
emulator_mod = pytest.importorskip("pinsql.emulator")

CATALOG = load_catalog()
PY_TYPES = {
    "VARCHAR": str, "BIGINT": int, "DOUBLE": (float, int), "BOOLEAN": bool,
    "TIMESTAMP": dt.datetime, "DATE": dt.date, "JSON": str,
}
#: Inputs the API needs and no parent supplies (see test_catalog_invariants.NEEDS_WHERE).
TARGETING_FILTER = "targeting_type = 'GENDER'"


@pytest.fixture(scope="module")
def env():
    with emulator_mod.Emulator(seed=7, size="tiny") as emu:
        conn = pinsql.connect(**emu.connection_properties())
        try:
            yield emu, conn
        finally:
            conn.close()


def _fetch(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    names = [d[0] for d in cur.description]
    return names, cur.fetchall()


def _query(table, conn) -> str:
    """A small but real query: all columns of entity tables, key columns plus a few metrics for analytics."""
    if table.kind != "analytics":
        return f"SELECT * FROM {table.name}"
    metrics = [c.name for c in table.columns if c.metric and c.type in ("BIGINT", "DOUBLE")][:3]
    keys = [c.name for c in table.columns if not c.metric]
    where = ["date >= current_date - INTERVAL 2 DAY"]
    if table.name.endswith("targeting_analytics"):
        where.append(TARGETING_FILTER)
    if table.name == "pin_analytics":
        _, rows = _fetch(conn, "SELECT id FROM pins ORDER BY id LIMIT 2")
        where.append("pin_id IN (" + ", ".join(f"'{r[0]}'" for r in rows) + ")")
    if table.name == "ad_pin_analytics":
        _, rows = _fetch(conn, "SELECT campaign_id, pin_id FROM ads ORDER BY id LIMIT 1")
        where.append(f"campaign_id = '{rows[0][0]}' AND pin_id = '{rows[0][1]}'")
    for key, parent in (("campaign_id", "campaigns"), ("ad_group_id", "ad_groups"), ("ad_id", "ads")):
        if key in table.parents and table.parents[key].table == parent and table.name != "ad_pin_analytics":
            # Keep fan-out small: two entities are enough to prove the table reads.
            _, rows = _fetch(conn, f"SELECT id FROM {parent} ORDER BY id LIMIT 2")
            where.append(f"{key} IN (" + ", ".join(f"'{r[0]}'" for r in rows) + ")")
    return f"SELECT {', '.join(keys + metrics)} FROM {table.name} WHERE {' AND '.join(where)}"


@pytest.mark.parametrize("table", list(CATALOG), ids=lambda t: t.name)
def test_table_reads_with_declared_columns_and_types(env, table):
    _, conn = env
    sql = _query(table, conn)
    names, rows = _fetch(conn, sql)
    expected = table.column_names if table.kind != "analytics" else sql.split("SELECT ", 1)[1].split(" FROM")[0].split(", ")
    assert names == expected
    assert rows, f"{table.name}: no rows from the emulator for {sql}"
    for row in rows:
        for name, value in zip(names, row):
            if value is not None:
                col = table.column(name)
                assert isinstance(value, PY_TYPES[col.type]), (table.name, name, col.type, value)
    # ids are never numbers, and key columns are filled
    for key in table.primary_key:
        if key in names:
            idx = names.index(key)
            assert all(r[idx] is not None for r in rows), (table.name, key)


def test_campaigns_list_every_status_of_the_account(env):
    emu, conn = env
    _, rows = _fetch(conn, "SELECT id, ad_account_id, status FROM campaigns")
    account = rows[0][1]
    expected = {c["id"] for c in emu.data.campaigns(account)}
    assert {r[0] for r in rows} == expected
    assert {"ARCHIVED", "DRAFT"} & {r[2] for r in rows}


def test_pins_are_the_users_own_whatever_endpoint_serves_them(env):
    emu, conn = env
    _, rows = _fetch(conn, "SELECT id, board_id, is_owner FROM pins")
    own = {p["id"] for p in emu.data.pins()}
    assert {r[0] for r in rows} == own
    # Served by /boards/{id}/pins with the is_owner re-check: a subset of the same rows.
    board = rows[0][1]
    _, on_board = _fetch(conn, f"SELECT id FROM pins WHERE board_id = '{board}'")
    assert {r[0] for r in on_board} == {r[0] for r in rows if r[1] == board}


def test_board_pins_include_collaborators_pins(env):
    emu, conn = env
    _, rows = _fetch(conn, "SELECT board_id, id, is_owner FROM board_pins")
    expected = {(b["id"], p["id"]) for b in emu.data.boards() for p in emu.data.board_pins(b["id"])}
    assert {(r[0], r[1]) for r in rows} == expected


def test_keywords_cover_every_ad_group(env):
    emu, conn = env
    _, rows = _fetch(conn, "SELECT id, ad_account_id, ad_group_id, parent_id FROM keywords")
    account = rows[0][1]
    expected = {k["id"] for k in emu.data.keywords(account) if k["parent_type"] != "advertiser"
                and k["parent_id"] in {g["id"] for g in emu.data.ad_groups(account)}}
    assert {r[0] for r in rows} == expected
    assert all(r[2] == r[3] for r in rows)


def test_board_sections_carry_their_board(env):
    emu, conn = env
    _, rows = _fetch(conn, "SELECT board_id, id FROM board_sections")
    expected = {(b["id"], s["id"]) for b in emu.data.boards() for s in emu.data.board_sections(b["id"])}
    assert set(rows) == expected


@pytest.mark.parametrize("table", list(CATALOG), ids=lambda t: t.name)
def test_python_and_duckdb_conversions_agree(env, table, monkeypatch):
    """Small batches are converted in Python (pinsql.engine.pyconvert): the table must be DuckDB's, value for value."""
    from pinsql.engine.reader import ResponseReader

    _, conn = env
    compared = []
    original = ResponseReader.read

    def both(self, pages):
        fast = self.python_read(pages)
        slow = self.duckdb_read(pages)
        if fast is not None:
            assert fast.schema == slow.schema
            assert fast.to_pylist() == slow.to_pylist(), self.table.name
            compared.append(self.table.name)
        return original(self, pages)

    sql = _query(table, conn)  # its helper queries run before the patch: they are other tables
    monkeypatch.setattr(ResponseReader, "read", both)
    _fetch(conn, sql)
    _fetch(conn, f"SELECT * FROM ({sql}) LIMIT 3")
    # Where the emulator sends floats inside JSON columns the batch goes to DuckDB: nothing to compare.
    if table.name in ("campaigns", "ad_groups", "ads", "boards", "pins", "board_pins", "campaign_analytics",
                      "pin_analytics", "user_account"):
        assert table.name in compared, f"{table.name}: the Python conversion never applied"


ENTITY_TABLES = [t for t in CATALOG if t.kind != "analytics"]


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _filters_on(table, rows: list[dict]) -> tuple[list[str], bool]:
    """WHERE clauses passthrough takes (= and IN on the text column and the integer column with the most
    distinct values), and whether the first of them should drop some rows."""
    where, drops = [], False
    for kind, quote in (("VARCHAR", _text), ("BIGINT", str)):
        distinct = {c.name: list(dict.fromkeys(r[c.name] for r in rows if r[c.name] is not None))
                    for c in table.columns if c.type == kind}
        col = max(distinct, key=lambda name: len(distinct[name]), default=None)
        if col is None or not distinct[col]:
            continue
        values = distinct[col]
        drops = drops or (not where and len(values) > 1)
        missing = "'no such value'" if kind == "VARCHAR" else "-42"
        where.append(f"{col} = {quote(values[0])}")
        where.append(f"({col} IN ({', '.join(quote(v) for v in values[:3])}, {missing}))")
    return where, drops


@pytest.mark.parametrize("table", ENTITY_TABLES, ids=lambda t: t.name)
def test_plain_projections_equal_duckdbs_answer(env, table, monkeypatch):
    """SELECT * / plain columns with LIMIT/OFFSET and =/IN filters take the scanned table as it is
    (pinsql.engine.passthrough): names, types, values and order must be what DuckDB's run returns."""
    from pinsql.engine import passthrough

    _, conn = env
    cols = [c.name for c in table.columns]
    picked = [cols[-1], cols[0], cols[len(cols) // 2]]
    statements = [
        f"SELECT * FROM {table.name}",
        f"SELECT * FROM pinterest.{table.name} LIMIT 3 OFFSET 1",
        f"SELECT x.{picked[0]} AS \"Last\", {picked[1].upper()}, {picked[2]} AS mid FROM {table.name} AS x LIMIT 4",
        f"SELECT {picked[1]} FROM {table.name} OFFSET 2",
        f"SELECT {picked[1]}, {picked[1].upper()}, {picked[0]} AS {picked[1]} FROM {table.name} LIMIT 2",  # one name thrice
    ]
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM {table.name}")
    rows = cur.fetch_arrow_table().to_pylist()
    filters, drops = _filters_on(table, rows)
    first_filtered = len(statements)
    statements += [f"SELECT * FROM {table.name} WHERE {f}" for f in filters]
    if filters:
        statements.append(f"SELECT {picked[1]}, {picked[0]} FROM {table.name} x WHERE {' AND '.join(filters[-2:])} LIMIT 2")
    real_answer, taken = passthrough.answer, []
    monkeypatch.setattr(passthrough, "answer", lambda *a: taken.append(1) or real_answer(*a))
    direct = []
    for sql in statements:
        cur = conn.cursor()
        cur.execute(sql)
        direct.append((cur.description, cur.fetch_arrow_table()))
    assert len(taken) == len(statements)
    if drops:
        assert 0 < direct[first_filtered][1].num_rows < len(rows), "the first filter should keep some rows, not all"
    monkeypatch.setattr(passthrough, "projection", lambda *a: None)
    for sql, (description, table_direct) in zip(statements, direct):
        cur = conn.cursor()
        cur.execute(sql)
        assert cur.description == description, sql
        via_duckdb = cur.fetch_arrow_table()
        assert table_direct.schema.equals(via_duckdb.schema, check_metadata=True), sql
        assert table_direct.to_pylist() == via_duckdb.to_pylist(), sql


@pytest.mark.parametrize("sql", [
    "SELECT * FROM campaigns WHERE id = 5",  # DuckDB casts: Arrow would not
    "SELECT * FROM campaigns WHERE status = 'ACTIVE' OR id = 'x'",
    "SELECT * FROM campaigns WHERE lower(status) = 'active'",
    "SELECT * FROM campaigns WHERE id IN ('1', NULL)",
    "SELECT * FROM campaigns WHERE id NOT IN ('1')",
    "SELECT * FROM campaigns WHERE id IN (SELECT campaign_id FROM ad_groups)",
    "SELECT * FROM campaigns WHERE daily_spend_cap = 1.5",
    "SELECT * FROM campaigns WHERE created_time = '2024-01-01'",
    "SELECT name AS id FROM campaigns WHERE id = '1'",  # which id? DuckDB decides
    "SELECT * FROM campaigns WHERE status = name",
    "SELECT DISTINCT status FROM campaigns",
    "SELECT * EXCLUDE (id) FROM campaigns",
    "SELECT id FROM campaigns ORDER BY id LIMIT 3",
    "SELECT id, name || '!' FROM campaigns",
    "SELECT c.id FROM campaigns c JOIN ad_groups g ON g.campaign_id = c.id",
    "SELECT id FROM campaigns LIMIT 1 + 1",
])
def test_statements_with_work_left_still_run_in_duckdb(env, sql):
    from pinsql.engine import passthrough
    from pinsql.engine.params import parse
    from pinsql.engine.references import resolve

    tree, _ = parse(sql)
    refs, _ = resolve(tree, CATALOG, set())
    assert passthrough.projection(tree, refs) is None
