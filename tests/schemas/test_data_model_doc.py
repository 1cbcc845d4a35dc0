"""docs/data-model.md is generated from the catalog and must be committed up to date."""

from __future__ import annotations

from pathlib import Path

from pinsql.catalog import load_catalog

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def test_data_model_doc_is_up_to_date(tools):
    assert DOC.read_text(encoding="utf-8") == tools.render_docs(tools.load_catalog()), (
        "docs/data-model.md is stale: run python tools/schemas.py docs"
    )


def test_doc_lists_every_table_and_column():
    text = DOC.read_text(encoding="utf-8")
    for t in load_catalog():
        assert f"\n## {t.name}\n" in text
        for c in t.columns:
            assert f"\n| {c.name} | {c.type}" in text, (t.name, c.name)
