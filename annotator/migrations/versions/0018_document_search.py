"""full-text search over documents: FTS5 on SQLite, a GIN index of tsvectors on PostgreSQL

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 18:15:00.000000

The document list's text filter (``annotator/search.py``) finds documents by the words of their
title and text through this index instead of scanning every text with LIKE, so a project of a
million documents filters as fast as a small one.

SQLite: ``document_fts``, an FTS5 table with external content (it stores only the index; the
words are read from ``document`` itself), kept in step by three triggers on ``document``, and
filled for the documents already there. A later migration that rebuilds ``document`` with
``batch_alter_table`` drops these triggers with the old table and must create them again
(``TRIGGERS`` below). A Python whose SQLite lacks FTS5 gets no index: the migration notes it and
the filter falls back to LIKE (slower, same words found), so the project still opens.

PostgreSQL: a GIN index over ``to_tsvector('simple', title || ' ' || text)`` (an expression
index: no column added, every insert and update keeps it in step by itself). The 'simple'
configuration lower-cases and keeps every word (no stemming, no stop words), as FTS5 does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

FTS_TABLE = (
    "CREATE VIRTUAL TABLE document_fts USING fts5(title, text, content='document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
_ADD = "INSERT INTO document_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
_REMOVE = (
    "INSERT INTO document_fts(document_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text);"
)
TRIGGERS = (
    f"CREATE TRIGGER document_fts_insert AFTER INSERT ON document BEGIN {_ADD} END",
    f"CREATE TRIGGER document_fts_delete AFTER DELETE ON document BEGIN {_REMOVE} END",
    f"CREATE TRIGGER document_fts_update AFTER UPDATE OF title, text ON document BEGIN {_REMOVE} {_ADD} END",
)
PG_INDEX = (
    "CREATE INDEX ix_document_search ON document USING gin "
    "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || text))"
)


def _sqlite_has_fts5(conn: sa.Connection) -> bool:
    try:
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
    except sa.exc.OperationalError:
        return False
    conn.exec_driver_sql("DROP TABLE temp.fts5_probe")
    return True


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute(PG_INDEX)
        return
    if conn.dialect.name != "sqlite":
        return
    if not _sqlite_has_fts5(conn):
        log.warning("this SQLite has no FTS5: the document filter scans texts (LIKE) instead of an index")
        return
    op.execute(FTS_TABLE)
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO document_fts(document_fts) VALUES ('rebuild')")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_document_search")
        return
    for name in ("document_fts_insert", "document_fts_delete", "document_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS document_fts")
