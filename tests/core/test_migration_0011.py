"""Migration 0011: labels and relation types gain ``retired`` (false) and relation types an order."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from annotator.store import open_store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "migrations" / "schema-0001.db"


def test_an_old_project_keeps_its_relation_type_order_and_nothing_is_retired(tmp_path: Path) -> None:
    copy = tmp_path / FIXTURE.name
    shutil.copy(FIXTURE, copy)
    con = sqlite3.connect(copy)
    types = con.execute("SELECT id, project_id FROM relation_type ORDER BY id").fetchall()
    con.close()
    assert len(types) >= 2
    open_store(f"sqlite:///{copy}").close()
    con = sqlite3.connect(copy)
    try:
        rows = con.execute(
            "SELECT id, project_id, position, retired FROM relation_type ORDER BY id"
        ).fetchall()
        retired = con.execute("SELECT COUNT(*) FROM label WHERE retired").fetchone()[0]
    finally:
        con.close()
    for project in {p for _, p in types}:
        assert [r[2] for r in rows if r[1] == project] == list(range(sum(1 for r in rows if r[1] == project)))
    assert {r[3] for r in rows} == {0} and retired == 0
