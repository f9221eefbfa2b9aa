"""Databases written by earlier schemas open with the current code and lose nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from annotator.store import SCHEMA_HEAD, open_store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "migrations"

TABLES = {
    "project": "id, name, language",
    "label": "id, project_id, name, color, hotkey, description, position",
    "relation_type": "id, project_id, name, from_label_id, to_label_id",
    "annotator": "id, project_id, name, role",
    "document": "id, project_id, text, content_hash, title, author, published, source_url, status, meta",
    "annotation": 'id, document_id, label_id, annotator_id, start, "end", text, created_at',
    "relation": "id, document_id, source_id, target_id, type_id, annotator_id",
}


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(path)
    try:
        return {
            t: con.execute(f"SELECT {cols} FROM {t} ORDER BY id").fetchall() for t, cols in TABLES.items()
        }
    finally:
        con.close()


def test_fixtures_are_present() -> None:
    """A missing fixture (e.g. ignored by git) must fail, not silently skip the upgrade test."""
    assert (FIXTURES / "schema-0001.db").is_file()


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema-*.db")), ids=lambda p: p.stem)
def test_old_database_upgrades_without_loss(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    before = _rows(copy)
    assert before["annotation"] and before["relation"]
    store = open_store(f"sqlite:///{copy}")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        schema = inspect(conn)  # 0005: relation rejections
        assert {c["name"] for c in schema.get_columns("relation_rejection")} >= {
            "document_id",
            "type_id",
            "source_start",
            "target_label_id",
            "reviewer_id",
        }
        assert [u["name"] for u in schema.get_unique_constraints("relation_rejection")] == [
            "uq_relation_rejection_relation"
        ]
        assert {c["name"] for c in schema.get_columns("project_setting")} == {  # 0007
            "id",
            "project_id",
            "key",
            "value",
            "updated_at",
        }
    store.close()
    assert _rows(copy) == before
    for span in before["annotation"]:
        doc_text = next(d[2] for d in before["document"] if d[0] == span[1])
        assert doc_text[span[4] : span[5]] == span[6]
    if fixture.stem != f"schema-{SCHEMA_HEAD}":
        assert (tmp_path / f"{fixture.name}.before-{SCHEMA_HEAD}.bak").exists()
