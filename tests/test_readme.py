"""The README's SQL examples run against the emulator, at the call counts their comments state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _examples() -> list[str]:
    block = re.search(r"### Examples\n\n```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README lost its ### Examples SQL block"
    chunks = [c.strip() for c in block.group(1).split(";")]
    return [c for c in chunks if any(line.strip() and not line.lstrip().startswith("--") for line in c.splitlines())]


EXAMPLES = _examples()


@pytest.mark.parametrize("sql", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs(conn, emulator, sql):
    board = next(b["id"] for b in emulator.data.boards() if emulator.data.board_sections(b["id"]))
    pin = emulator.data.pins()[0]["id"]
    body = sql.replace("'1100070000000001'", repr(board)).replace("'1300070000000001'", repr(pin))
    stated = re.search(r"^--.*\((\d+) API calls?", body, re.M)
    body = "\n".join(line.split("--")[0] for line in body.splitlines())
    cur = conn.cursor()
    cur.execute(body)
    rows = cur.fetchall()
    assert cur.description, "an example returned no result set"
    assert all(len(r) == len(cur.description) for r in rows)
    if stated:
        assert cur.api_calls == int(stated.group(1)), f"README says {stated.group(1)} calls"
