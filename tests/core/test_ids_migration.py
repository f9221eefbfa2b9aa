"""Migration 0006: tables rebuilt AUTOINCREMENT on SQLite without losing a row, a constraint or an
index, and every id counter above the ids the database (or its audit log) has ever used."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from annotator.model import Annotation, Base
from annotator.ops.annotations import create_span
from annotator.store import open_store
from tests.conftest import pg_database
from tests.core.helpers import upgrade_to

FIXTURES = Path(__file__).parents[1] / "fixtures" / "migrations"


def _schema(con: sqlite3.Connection) -> dict[str, str]:
    rows = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'sqlite_sequence'"
    )
    return dict(rows.fetchall())


def test_the_model_and_the_migrations_agree_on_autoincrement(tmp_path: Path) -> None:
    open_store(f"sqlite:///{tmp_path / 'new.db'}").close()
    con = sqlite3.connect(tmp_path / "new.db")
    schema = _schema(con)
    for table in Base.metadata.sorted_tables:
        assert ("AUTOINCREMENT" in schema[table.name]) == bool(table.kwargs.get("sqlite_autoincrement")), (
            table.name
        )
    assert "AUTOINCREMENT" in schema["annotation"] and "AUTOINCREMENT" in schema["document"]


def test_an_old_database_keeps_its_constraints_and_never_reuses_a_deleted_id(tmp_path: Path) -> None:
    """In schema-0003.db the span with the highest id was deleted before; its id stays used."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-0003.db", path)
    con = sqlite3.connect(path)
    old = _schema(con)
    highest = con.execute("SELECT MAX(id) FROM annotation").fetchone()[0]
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("DELETE FROM annotation WHERE id = ?", (highest,))  # cascades to its relations
    con.execute(
        "INSERT INTO audit (at, actor, entity, action, entity_id, documents) "
        "VALUES ('2026-11-30 10:00:00.000000', 'ana', 'annotation', 'deleted', ?, '[]')",
        (highest,),
    )
    con.commit()
    counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("annotation", "relation")}
    con.close()

    store = open_store(f"sqlite:///{path}")
    with store.transaction() as tx:
        span = tx.session.scalars(select(Annotation).order_by(Annotation.id)).first()
        assert span is not None
        new = create_span(
            tx,
            span.document_id,
            span.start,
            span.end,
            span.label_id + 1 if span.label_id < 3 else 1,
            span.annotator_id,
        )
    assert new.id > highest
    store.close()

    con = sqlite3.connect(path)
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 0  # a plain connection: nothing enforced
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    for table, n in counts.items():
        assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == n + (table == "annotation")
    new_schema = _schema(con)
    indexes = {str(ix.name) for table in Base.metadata.sorted_tables for ix in table.indexes}
    assert indexes <= set(new_schema) and {n for n in old if n.startswith("ix_")} & indexes
    annotation = new_schema["annotation"]
    for clause in (
        "AUTOINCREMENT",
        'CHECK ("end" > start AND start >= 0)',
        "REFERENCES document (id) ON DELETE CASCADE",
        'UNIQUE (document_id, annotator_id, label_id, start, "end")',
    ):
        assert clause in annotation
    assert "REFERENCES annotation (id) ON DELETE CASCADE" in new_schema["relation"]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    request.getfixturevalue("pg_template")
    with pg_database() as url:
        yield url


def test_counters_start_above_ids_the_audit_log_has_seen(empty_url: str) -> None:
    """A database at 0005 whose highest span (id 50) was deleted: 0006 never hands out 50 again."""
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        upgrade_to(conn, "0005")
        for sql in (
            "INSERT INTO project (id, name, language, created_at) VALUES (1, 'P', 'en', '2026-11-30')",
            "INSERT INTO label (id, project_id, name, color, description, position) "
            "VALUES (1, 1, 'CLAIM', '#000000', '', 0)",
            "INSERT INTO annotator (id, project_id, name, role) VALUES (1, 1, 'ana', 'annotator')",
            "INSERT INTO document (id, project_id, text, content_hash, meta, status, created_at) "
            "VALUES (1, 1, 'Some text here.', 'h', '{}', 'new', '2026-11-30')",
            'INSERT INTO annotation (id, document_id, label_id, annotator_id, start, "end", text, '
            "created_at, updated_at, version) VALUES (7, 1, 1, 1, 0, 4, 'Some', '2026-11-30', '2026-11-30', 1)",
            "INSERT INTO audit (at, actor, entity, action, entity_id, documents) "
            "VALUES ('2026-11-30', 'ana', 'annotation', 'deleted', 50, '[]')",
        ):
            conn.execute(text(sql))
    engine.dispose()
    store = open_store(empty_url)
    try:
        with store.transaction() as tx:
            assert create_span(tx, 1, 5, 9, 1, 1).id > 50
            assert tx.session.scalars(select(Annotation.id).order_by(Annotation.id)).first() == 7
    finally:
        store.close()
