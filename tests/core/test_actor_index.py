"""The spans that name an actor are found by index, not by a scan of every span (migration 0020)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from annotator.store import open_store


def _plan(conn: object, sql: str) -> str:
    return " / ".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))  # type: ignore[attr-defined]


def test_counting_an_actors_mentions_uses_the_partial_index(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    with store.engine.connect() as conn:
        plan = _plan(
            conn, "SELECT actor_id, count(*) FROM annotation WHERE actor_id IN (1, 2) GROUP BY actor_id"
        )
        assert "ix_annotation_actor_id" in plan, plan
        assert "SCAN annotation" not in plan.replace("USING COVERING INDEX", ""), plan
        (where,) = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'ix_annotation_actor_id'")
        ).one()
    assert "actor_id IS NOT NULL" in where  # partial: spans naming no actor are not in it
    store.close()
