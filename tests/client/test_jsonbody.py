"""pinsql.jsonbody: orjson's answer, the standard library's where orjson refuses, ValueError for damage."""

from __future__ import annotations

import json
import math

import pytest

from pinsql import jsonbody


@pytest.mark.parametrize("body", [
    b'{"items": [{"id": "1", "n": 2, "x": 1.5, "t": null, "ok": true}], "bookmark": null}',
    b'[1, -2, 3.25e-7, "\\u00e9\\ud83d\\ude00", {"a": {"b": []}}]',
    '{"name": "caf\u00e9"}'.encode(),
    b'{"a": 1, "a": 2}',  # a repeated key: the last one wins in both
    b'{"max": 18446744073709551615, "min": -9223372036854775808}',  # every 64-bit integer
])
def test_same_values_as_the_standard_library(body):
    assert jsonbody.loads(body) == json.loads(body)


@pytest.mark.parametrize("body", [
    b'{"spend": NaN, "roas": Infinity}',
    b'{"s": "\\ud800"}',  # a lone surrogate
])
def test_what_orjson_refuses_is_read_as_the_standard_library_reads_it(body):
    got, want = jsonbody.loads(body), json.loads(body)
    assert list(got) == list(want)
    for key in want:
        if isinstance(want[key], float) and math.isnan(want[key]):
            assert math.isnan(got[key])
        else:
            assert got[key] == want[key]


@pytest.mark.parametrize("body", [b'{"items": [{"id": "1"', b"<html>Bad gateway</html>", b""])
def test_a_damaged_body_raises_value_error(body):
    with pytest.raises(ValueError):
        jsonbody.loads(body)
