"""API responses → Arrow in DuckDB (pinsql.engine.reader), and the response-shape extractors."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pyarrow as pa
import pytest

from pinsql.catalog import Column, Endpoint, Table, load_catalog
from pinsql.engine import shapes
from pinsql.engine.reader import EARLY_BYTES, SMALL_BODY, SMALL_BYTES, SMALL_CELLS, RawPage, ResponseReader
from pinsql.exceptions import InternalError, OperationalError


@pytest.fixture(scope="module")
def duck():
    con = duckdb.connect()
    con.execute("SET GLOBAL TimeZone = 'UTC'")
    yield con
    con.close()


def table_of(*columns: Column, residual=None, shape="array") -> tuple[Table, Endpoint]:
    e = Endpoint(name="x", path="/x", shape=shape, residual=residual or {})
    return Table(name="t", group="test", description="", columns=tuple(columns), endpoints=(e,)), e


def read(duck, columns, body, *, shape="array", info=None, needed=None, residual=None, window=None, start=None):
    t, e = table_of(*columns, residual=residual, shape=shape)
    reader = ResponseReader(t, e, list(t.columns), duck, needed=needed, window_column=window)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return decode(reader, raw, info or {}, start)


class Page:
    def __init__(self, rows, bookmark=None):
        self.rows, self.bookmark = rows, bookmark


def decode(reader, raw, info, start=None):
    """What a scan does with one body: decode it while fetching, read it afterwards."""
    got = reader.decoder(info, start)(raw)
    page, bookmark = got if isinstance(got, tuple) else (got, None)
    return Page(reader.read([page]), bookmark)


def values(duck, column, items):
    return read(duck, [column], items).rows.column(0).to_pylist()


def col(type_, **kw):
    return Column(name=kw.pop("name", "c"), type=type_, description="", path=kw.pop("path", "c"), **kw)


def test_ids_sent_as_numbers_become_exact_text(duck):
    items = [{"c": "1"}, {"c": 620007000000000871}, {"c": None}, {}, {"c": True}, {"c": {"a": [1, "é"]}}]
    assert values(duck, col("VARCHAR"), items) == ["1", "620007000000000871", None, None, "true", '{"a":[1,"é"]}']


def test_unix_seconds_and_ms(duck):
    assert values(duck, col("TIMESTAMP", format="unix_seconds"), [{"c": 0}, {"c": None}, {"c": 1.5}]) == [
        dt.datetime(1970, 1, 1), None, dt.datetime(1970, 1, 1, 0, 0, 1, 500000)]
    assert values(duck, col("TIMESTAMP", format="unix_ms"), [{"c": 1500}]) == [dt.datetime(1970, 1, 1, 0, 0, 1, 500000)]
    assert values(duck, col("DATE", format="unix_seconds"), [{"c": 86400 * 3 + 5}]) == [dt.date(1970, 1, 4)]


def test_iso_timestamps_with_and_without_zone(duck):
    items = [{"c": "2026-01-02T03:04:05"}, {"c": None}, {"c": "2026-01-02T03:04:05Z"}, {"c": "2026-01-02T05:04:05+02:00"},
             {"c": "not a time"}]
    assert values(duck, col("TIMESTAMP", format="iso8601"), items) == [dt.datetime(2026, 1, 2, 3, 4, 5), None] + [
        dt.datetime(2026, 1, 2, 3, 4, 5)] * 2 + [None]


def test_dates_numbers_booleans_json(duck):
    assert values(duck, col("DATE", format="date"), [{"c": "2026-11-01"}]) == [dt.date(2026, 11, 1)]
    assert values(duck, col("BIGINT"), [{"c": 1}, {"c": None}, {"c": "3"}, {"c": ""}, {"c": "x"}]) == [1, None, 3, None, None]
    assert values(duck, col("DOUBLE"), [{"c": 1}, {"c": 2.5}, {"c": "12.5"}]) == [1.0, 2.5, 12.5]
    assert values(duck, col("BOOLEAN"), [{"c": True}, {"c": None}, {"c": "false"}]) == [True, None, False]
    assert values(duck, col("JSON"), [{"c": {"a": [1]}}, {"c": None}, {"c": "x"}]) == ['{"a":[1]}', None, '"x"']


def test_json_columns_are_json_in_duckdb(duck):
    page = read(duck, [col("JSON")], [{"c": {"a": {"b": 2}}}])
    duck.register("json_page", page.rows)
    try:
        assert duck.sql("SELECT typeof(c), c->'a'->>'b' FROM json_page").fetchall() == [("JSON", "2")]
    finally:
        duck.unregister("json_page")


def test_paths_from_param_and_window_start(duck):
    t = load_catalog().table("campaign_analytics")
    cols = [t.column("campaign_id"), t.column("ad_account_id"), t.column("date"), t.column("spend_in_micro_dollar")]
    e = t.endpoints[0]
    reader = ResponseReader(t, e, cols, duck, window_column="date")
    body = [{"CAMPAIGN_ID": 5, "DATE": "2026-11-01", "SPEND_IN_MICRO_DOLLAR": 7}, {"CAMPAIGN_ID": "6"}]
    page = decode(reader, json.dumps(body).encode(), {"ad_account_id": "9"}, "2026-10-01")
    assert page.rows.schema.field("date").type == pa.date32()
    assert page.rows.to_pylist() == [
        {"campaign_id": "5", "ad_account_id": "9", "date": dt.date(2026, 11, 1), "spend_in_micro_dollar": 7},
        {"campaign_id": "6", "ad_account_id": "9", "date": dt.date(2026, 10, 1), "spend_in_micro_dollar": None},
    ]


def test_nested_paths_and_unread_columns(duck):
    cols = [col("VARCHAR", name="u", path="owner.username"), col("BIGINT", name="n", path="n")]
    page = read(duck, cols, [{"owner": {"username": "u"}, "n": 1}, {"owner": None}, {}, {"owner": 5}], needed={"u"})
    assert page.rows.column("u").to_pylist() == ["u", None, None, None]
    assert page.rows.column("n").to_pylist() == [None] * 4  # not read: NULL without parsing


def test_paged_bookmark_and_residual(duck):
    cols = [col("VARCHAR", name="id", path="id"), col("BOOLEAN", name="mine", path="mine")]
    body = {"items": [{"id": "1", "mine": True}, {"id": "2", "mine": False}, None, {"id": "3"}], "bookmark": "b2"}
    page = read(duck, cols, body, shape="paged", residual={"mine": True}, needed={"id"})
    assert page.bookmark == "b2"
    assert page.rows.column("id").to_pylist() == ["1"]
    last = read(duck, cols, {"items": [], "bookmark": None}, shape="paged")
    assert last.bookmark is None and last.rows.num_rows == 0


def test_large_bodies_of_a_small_batch_are_read_in_python(duck):
    cols = [col("VARCHAR", name="id", path="id"), col("VARCHAR", name="pad", path="pad")]
    t, e = table_of(*cols, shape="paged")
    reader = ResponseReader(t, e, cols, duck, needed={"id"})
    bodies = [json.dumps({"items": [{"id": f"{n}-{i}", "pad": "x" * 500} for i in range(100)],
                          "bookmark": f"b{n}" if n < 2 else None}).encode() for n in range(3)]
    assert all(len(b) > SMALL_BODY for b in bodies)
    pages = [reader.decoder({})(b)[0] for b in bodies]
    assert all(p.rows is None and p.count is None for p in pages)  # too large to decode while paging
    fast = reader.python_read(pages)
    assert fast is not None and [p.count for p in pages] == [100, 100, 100]
    assert fast.equals(reader.duckdb_read(pages)) and fast.column("id").to_pylist()[:2] == ["0-0", "0-1"]


def test_a_last_page_is_decoded_on_arrival_when_its_batch_will_be_read_in_python(duck):
    """600 ids are three calls of one page each: the first answers are decoded while the last is on its way."""
    cols = [col("VARCHAR", name="id", path="id"), col("VARCHAR", name="pad", path="pad")]
    t, e = table_of(*cols, shape="paged")
    reader = ResponseReader(t, e, cols, duck, needed={"id"})

    def body(rows, bookmark=None):
        return json.dumps({"items": [{"id": str(i), "pad": "x" * 400} for i in range(rows)],
                           "bookmark": bookmark}).encode()

    last = body(100)
    assert SMALL_BODY < len(last) and 3 * len(last) < SMALL_BYTES
    assert reader.decoder({}, batch=3)(last)[0].rows is not None  # three such bodies are read in Python
    assert reader.decoder({})(last)[0].rows is None  # the batch is not known: left for the batch read
    assert reader.decoder({}, batch=3)(body(100, "more"))[0].rows is None  # more pages of unknown size follow
    assert reader.decoder({}, batch=30)(last)[0].rows is None  # thirty go to DuckDB: no decoding wasted
    wide = json.dumps({"items": [{"id": str(i), "pad": "x" * 2000} for i in range(100)], "bookmark": None}).encode()
    assert reader.decoder({}, batch=1)(wide)[0].rows is not None  # one such body is read in Python
    paging = reader.decoder({}, batch=1)
    for b in ("p2", "p3", "p4"):
        paging(wide.replace(b'"bookmark": null', f'"bookmark": "{b}"'.encode()))
    assert paging(wide)[0].rows is None  # the last of four: their batch goes to DuckDB
    pages = [reader.decoder({}, batch=3)(last)[0] for _ in range(3)]
    assert reader.read(pages).num_rows == 300


@pytest.mark.parametrize("row,decoded", [
    (lambda i: {"id": str(i)}, 0),  # rows foreseen from the bytes ("id": counted): none decoded
    (lambda i: {"other": i}, 1),  # the key is missing, so the count misses them: one body decoded, then the estimate
])
def test_large_batches_go_to_duckdb(duck, row, decoded):
    cols = [col("VARCHAR", name="id", path="id")]
    t, e = table_of(*cols, shape="paged")
    reader = ResponseReader(t, e, cols, duck)
    per_page = SMALL_CELLS // 2
    bodies = [json.dumps({"items": [row(i) for i in range(per_page)], "bookmark": None}).encode()] * 3
    pages = [reader.decoder({})(b)[0] for b in bodies]
    assert reader.python_read(pages) is None
    assert sum(p.rows is not None for p in pages) == decoded
    assert reader.read(pages).num_rows == 3 * per_page


def test_batches_of_many_bytes_go_to_duckdb_however_few_cells_are_read(duck):
    """json.loads parses every byte whatever the query reads; DuckDB's from_json materialises only the
    columns read: wide rows read for one column go to DuckDB, and no body is decoded in Python first."""
    cols = [col("VARCHAR", name="id", path="id"), col("VARCHAR", name="pad", path="pad")]
    t, e = table_of(*cols, shape="paged")
    reader = ResponseReader(t, e, cols, duck, needed={"id"})
    bodies = [json.dumps({"items": [{"id": f"{n}-{i}", "pad": "x" * 4000} for i in range(50)],
                          "bookmark": None}).encode() for n in range(3)]
    assert sum(map(len, bodies)) > SMALL_BYTES and 3 * 50 < SMALL_CELLS / 10
    pages = [reader.decoder({})(b)[0] for b in bodies]
    assert reader.python_read(pages) is None
    assert all(p.rows is None for p in pages)
    table = reader.read(pages)
    assert table.column("id").to_pylist() == [f"{n}-{i}" for n in range(3) for i in range(50)]


def test_early_reads_take_large_and_small_bodies_at_once_and_leave_the_rest_for_the_batch(duck):
    cols = [col("VARCHAR", name="id", path="id"), col("VARCHAR", name="pad", path="pad")]
    t, e = table_of(*cols, shape="array")
    reader = ResponseReader(t, e, cols, duck, needed={"id"})

    def body(rows, pad):
        return json.dumps([{"id": str(i), "pad": "x" * pad} for i in range(rows)]).encode()

    small, medium, large = body(10, 10), body(2000, 10), body(2000, 400)
    assert len(small) <= SMALL_BODY < len(medium) < EARLY_BYTES <= len(large)
    early = reader.decoder({}, early=True)
    assert isinstance(early(small), pa.Table) and isinstance(early(large), pa.Table)
    assert isinstance(early(medium), RawPage) and isinstance(reader.decoder({})(large), RawPage)
    assert early(large).num_rows == 2000


def test_a_misread_bookmark_is_reported_not_converted(duck):
    """Bookmarks read from the bytes are checked again wherever the body is parsed as a whole."""
    cols = [col("VARCHAR", name="id", path="id")]
    t, e = table_of(*cols, shape="paged")
    reader = ResponseReader(t, e, cols, duck)
    body = json.dumps({"items": [{"id": "1"}], "bookmark": "real"}).encode()
    assert reader.python_read([RawPage(body, None, "misread", None)]) is None
    nested = Endpoint(name="x", path="/x", shape="paged", rows_path="data")  # the full check runs here
    t = Table(name="t", group="test", description="", columns=tuple(cols), endpoints=(nested,))
    reader = ResponseReader(t, nested, cols, duck)
    with pytest.raises(OperationalError, match="misread"):
        reader.duckdb_read([RawPage(json.dumps({"data": json.loads(body)}).encode(), None, "misread", None)])


def test_paged_rows_are_counted_without_a_second_statement(duck):
    cols = [col("VARCHAR", name="id", path="id")]
    t, e = table_of(*cols, shape="paged")
    reader = ResponseReader(t, e, cols, duck)
    bodies = [json.dumps({"items": [{"id": str(i)} for i in range(n)], "bookmark": None}).encode() for n in (3, 0, 2)]
    pages = [RawPage(b, None, None, None) for b in bodies]
    assert reader.duckdb_read(pages).num_rows == 5 and [p.count for p in pages] == [3, 0, 2]
    with pytest.raises(OperationalError, match="no list of rows"):  # a paged body without "items" is checked
        reader.duckdb_read([RawPage(b'{"data": [], "bookmark": null}', None, None, None)])


def test_a_row_count_needs_no_column(duck):
    page = read(duck, [col("VARCHAR")], {"items": [{"x": 1}, {"y": 2}]}, shape="items", needed=set())
    assert page.rows.num_rows == 2


def test_object_shape_and_damaged_bodies(duck):
    assert read(duck, [col("VARCHAR")], {"c": "x"}, shape="object").rows.to_pylist() == [{"c": "x"}]
    with pytest.raises(ValueError):
        read(duck, [col("VARCHAR")], b'{"items": [{"c": "x"}', shape="paged")  # truncated: the client retries
    with pytest.raises(OperationalError, match="no list of rows"):
        read(duck, [col("VARCHAR")], {"error": "x"}, shape="paged")


@pytest.mark.parametrize("body", [b'[{"c": "x"}, {"c": oops}]' + b" " * 40_000, b'[{"c": "\xff"}]' + b" " * 40_000])
def test_a_damaged_body_found_after_fetching_fails_with_operational_error(duck, body):
    """Large bodies are parsed after the calls, when a retry is no longer possible: a PEP 249 error, no rows."""
    t, e = table_of(col("VARCHAR"), shape="array")
    reader = ResponseReader(t, e, list(t.columns), duck)
    page = reader.decoder({})(body)
    assert isinstance(page, RawPage) and page.rows is None  # too large to be decoded on arrival
    with pytest.raises(OperationalError, match="not valid JSON"):
        reader.read([page])
    with pytest.raises(ValueError):  # while fetching (immediate), the client retries instead
        reader.decoder({}, immediate=True)(body)


def test_custom_shapes_go_through_their_extractor(duck):
    t = load_catalog().table("pin_analytics")
    e = t.endpoints[0]
    reader = ResponseReader(t, e, list(t.columns), duck, needed={"date", "impression", "pin_id"})
    body = {"all": {"daily_metrics": [{"date": "2026-11-01", "data_status": "READY", "metrics": {"IMPRESSION": 2}}],
                    "summary_metrics": {"IMPRESSION": 2}}}
    rows = decode(reader, json.dumps(body).encode(), {"pin_id": "77"}).rows
    assert rows.select(["pin_id", "date", "impression"]).to_pylist() == [
        {"pin_id": "77", "date": dt.date(2026, 11, 1), "impression": 2}]


def test_shapes():
    e = Endpoint(name="x", path="/x", shape="array")
    with pytest.raises(InternalError):  # the basic shapes are read by ResponseReader, not by Python extractors
        shapes.extractor("array")
    assert shapes.dig({"a": {"b": 1}}, "a.b") == 1 and shapes.dig({"a": 5}, "a.b") is None
    organic = {"all": {"daily_metrics": [{"date": "2026-11-01", "data_status": "READY", "metrics": {"IMPRESSION": 2}}],
                       "summary_metrics": {"IMPRESSION": 2}}}
    assert shapes.extractor("organic_daily_metrics")(organic, e) == [
        {"date": "2026-11-01", "data_status": "READY", "metrics": {"IMPRESSION": 2}, "_split": "all"}
    ]
    targeting = {"data": [{"targeting_type": "APPTYPE", "targeting_value": "iphone", "metrics": {"DATE": "2026-11-01"}}]}
    assert shapes.extractor("targeting_metrics")(targeting, e) == targeting["data"]


TRICKY = [
    None, "", "x", "é\u2028", "ctl\u001f", 0, -1, 2**62, 2**63, 1.5, 2.5, -2.5, 1e21, 1.5e-7, True, False,
    "true", "yes", "1", "1.5", "2024-01-02", "2024-01-02T03:04:05", "2024-01-02T03:04:05Z",
    "2024-01-02T05:04:05+02:00", "2024-01-02 03:04:05.123456", "2024-02-30", "2024-01-02T03:04:05.1234567Z",
    {"a": 1}, {"a": 1.0}, {"a": "ctl\u0001"}, [1, "x"], [],
    {"k\u0001": 1}, {"url": "https://x/1.5e3/NaN.jpg"}, {"p": "C:\\new"}, {"q": "say \"hi\""}, [1e21, -0.5],
    {"deep": [{"n": [2**63, None, True]}]}, "1.5",
    "2023-02-29", "2024-02-29", "0000-01-01", "0000-01-01T00:00:00", "2024-01-02T24:00:00",
    "2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05-23:59", "٢٠٢٤-01-02", 2**53 + 1,
]



@pytest.mark.parametrize("type_,fmt", [
    ("VARCHAR", None), ("BIGINT", None), ("DOUBLE", None), ("BOOLEAN", None), ("JSON", None),
    ("TIMESTAMP", "iso8601"), ("TIMESTAMP", "unix_seconds"), ("TIMESTAMP", "unix_ms"),
    ("DATE", "date"), ("DATE", "unix_seconds"),
])
def test_python_conversion_is_duckdbs_or_steps_aside(duck, type_, fmt):
    """Each value alone, each beside values that convert alone (a column Arrow converts whole, made
    mixed or odd by one value), then all together: the Python table equals DuckDB's whenever it is made."""
    column = col(type_, format=fmt)
    t, e = table_of(column, shape="array")
    reader = ResponseReader(t, e, [column], duck)

    def same_or_aside(rows):
        got = reader.decoder({})(json.dumps(rows).encode())
        fast, slow = reader.python_read([got]), reader.duckdb_read([got])
        assert fast is None or fast.equals(slow), (rows, fast, slow)
        return fast is not None

    clean = [v for v in TRICKY if same_or_aside([{"c": v}]) and v is not None]
    assert len(clean) >= 2  # the plain values are converted in Python
    kinds = {type(v): v for v in reversed(clean)}  # the first clean value of each Python type
    for v in TRICKY:
        for c in kinds.values():
            same_or_aside([{"c": c}, {"c": v}, {"c": c}])
    same_or_aside([{"c": v} for v in TRICKY])


def test_columns_of_one_clean_kind_are_converted_whole(duck, monkeypatch):
    """Arrow converts each such column at once (no value-by-value pass), to DuckDB's table."""
    from pinsql.engine import pyconvert

    columns = [col("VARCHAR", name="s", path="s"), col("VARCHAR", name="n", path="n"), col("BIGINT", name="b", path="b"),
               col("DOUBLE", name="d", path="d"), col("DOUBLE", name="di", path="di"), col("BOOLEAN", name="t", path="t"),
               col("JSON", name="j", path="j"), col("TIMESTAMP", name="ts", path="ts", format="iso8601"),
               col("TIMESTAMP", name="tz", path="tz", format="iso8601"),
               col("TIMESTAMP", name="u", path="u", format="unix_seconds"), col("DATE", name="day", path="day", format="date")]
    rows = [{"s": f"x{i}", "n": 10**17 + i, "b": -i, "d": i / 4, "di": i, "t": i % 2 == 0,
             "j": {"k": [i, None, "v"]}, "ts": f"2024-01-0{i % 9 + 1}T03:04:05.5", "tz": f"2024-01-02T03:04:0{i % 10}+05:30",
             "u": 1_700_000_000 + i, "day": f"2024-02-{i % 28 + 1:02d}"} for i in range(40)]
    rows[3] = {k: None for k in rows[3]}
    t, e = table_of(*columns, shape="array")
    reader = ResponseReader(t, e, columns, duck)
    page = reader.decoder({})(json.dumps(rows).encode())

    def value_by_value(*args):
        raise AssertionError(f"converted value by value: {args[:2]}")

    monkeypatch.setattr(pyconvert, "_value_by_value", value_by_value)
    fast = reader.python_read([page])
    assert fast is not None and fast.equals(reader.duckdb_read([page]))
    assert fast.column("tz")[1].as_py() == dt.datetime(2024, 1, 1, 21, 34, 1)  # +05:30 to UTC
