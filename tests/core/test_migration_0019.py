"""Migration 0019 on PostgreSQL: the eight foreign keys of spans and relations become set-based
triggers, and its downgrade puts the foreign keys back over the same rows (SQLite: no change)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

import annotator.store
from annotator.ops.annotations import create_span
from annotator.ops.projects import create_project, ensure_annotator
from annotator.store import open_store
from tests.conftest import TEMPLATE, pg_database
from tests.core.helpers import add_doc, label_id, upgrade_to

FOREIGN_KEYS = "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ('annotation', 'relation')"
# The triggers calling 0019's functions: an insert check per child table, a key-change check per
# reference, and delete, id-change and TRUNCATE checks per referenced table (2 + 8 + 5 × 3).
TRIGGERS = (
    "SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname IN "
    "('references_inserted', 'reference_updated', 'references_deleted', 'reference_key_changed', "
    "'references_truncated')"
)


def _downgrade(conn: Connection, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(annotator.store.__file__).parent / "migrations"))
    cfg.attributes["connection"] = conn
    command.downgrade(cfg, revision)


def _counts(conn: Connection) -> tuple[int, int]:
    return conn.execute(text(FOREIGN_KEYS)).scalar_one(), conn.execute(text(TRIGGERS)).scalar_one()


def test_down_to_foreign_keys_and_up_again(pg_template: str) -> None:
    with pg_database(TEMPLATE) as url:
        store = open_store(url)
        with store.transaction() as tx:
            project = create_project(tx, "Migrated").id
            who = ensure_annotator(tx, project, "alice").id
        doc = add_doc(store, project, "Mayor Ana Ruiz said so.")
        with store.transaction() as tx:
            create_span(tx, doc, 0, 5, label_id(store, project, "CLAIM"), who)
        with store.engine.begin() as conn:
            assert _counts(conn) == (0, 25)
            _downgrade(conn, "0018")
            assert _counts(conn) == (8, 0)  # validated over the span already there
            assert conn.execute(text("SELECT count(*) FROM annotation")).scalar_one() == 1
            upgrade_to(conn, "0019")
            assert _counts(conn) == (0, 25)
        store.close()


def test_sqlite_keeps_its_foreign_keys(db_url: str) -> None:
    store = open_store(db_url)
    with store.engine.connect() as conn:
        keys = conn.exec_driver_sql("SELECT count(*) FROM pragma_foreign_key_list('relation')").scalar()
    store.close()
    assert keys == 5
