"""the server keeps what a deleted document took with it, so undoing the delete restores it

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 21:00:00.000000

On PostgreSQL a reviewer may delete a document teammates labelled (the core allows reviewers
only), and the cascade takes every teammate's spans, relations, comments and times with it. Undo
must bring them back as theirs, which the reviewer's login may not write (row-level security), and
nobody may write them as a teammate with made-up content. So the server keeps them itself: after
each delete on a table that goes with a document, a trigger (as the tables' owner) copies the
rows whose document is gone into ``document_trash`` (the document's own row too), which no login
may write; and ``annotator_restore_trash(doc)`` puts those exact rows back, for the login that
deleted the document, a reviewer of its project or the admin: the document too when it is not
back yet (a delete made outside the app, by psql say), else only onto the same text.

SQLite: the table only (one person, whose own rows undo restores directly).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What goes with a document (``ops.documents._dependents``, which a test holds this to), in the
# order they can come back (a relation after its spans, a decision after its suggestion).
TABLES = (
    "annotation",
    "assignment",
    "comment",
    "document_attribute",
    "rejection",
    "relation_rejection",
    "suggestion",
    "suggestion_shown",
    "work_time",
    "relation",
    "relation_suggestion",
    "suggestion_decision",
)

TRASH = """
BEGIN
    IF TG_TABLE_NAME = 'document' THEN
        INSERT INTO document_trash (document_id, table_name, "row", deleted_by, deleted_at)
        SELECT g.id, 'document', to_json(g), session_user, now() AT TIME ZONE 'UTC' FROM gone g;
    ELSE
        EXECUTE format(
            'INSERT INTO document_trash (document_id, table_name, "row", deleted_by, deleted_at) '
            'SELECT g.document_id, %L, to_json(g), session_user, now() AT TIME ZONE ''UTC'' FROM gone g '
            'WHERE NOT EXISTS (SELECT 1 FROM document d WHERE d.id = g.document_id)', TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END
"""

RESTORE = """
DECLARE
    kept json;
    who text;
    total integer := 0;
    n integer;
    t text;
BEGIN
    SELECT "row", deleted_by INTO kept, who FROM document_trash
    WHERE document_id = doc AND table_name = 'document' ORDER BY id DESC LIMIT 1;
    IF kept IS NULL THEN
        RETURN NULL;  -- deleted before the server kept anything: the caller restores as before
    END IF;
    IF who <> session_user AND NOT annotator_reviews((kept->>'project_id')::integer, session_user::text)
       AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
       AND session_user <> (SELECT tableowner FROM pg_tables
                            WHERE schemaname = current_schema() AND tablename = 'document_trash') THEN
        RAISE EXCEPTION 'document % was deleted by %: only that login, a reviewer or the admin brings its rows back',
            doc, who USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM document d WHERE d.id = doc) THEN  -- brought back here, as it was
        INSERT INTO document SELECT (json_populate_record(NULL::document, kept)).*;
        DELETE FROM deleted_document
        WHERE project_id = (kept->>'project_id')::integer AND content_hash = kept->>'content_hash';
    ELSIF NOT EXISTS (SELECT 1 FROM document d WHERE d.id = doc
                      AND d.project_id = (kept->>'project_id')::integer
                      AND d.content_hash = kept->>'content_hash') THEN
        RAISE EXCEPTION 'document % is not back as it was deleted: its rows stay in the trash', doc
            USING ERRCODE = '42501';
    END IF;
    FOREACH t IN ARRAY TABLES LOOP
        EXECUTE format('INSERT INTO %I SELECT (json_populate_record(NULL::%I, "row")).* FROM document_trash '
                       'WHERE document_id = $1 AND table_name = %L ORDER BY id', t, t, t) USING doc;
        GET DIAGNOSTICS n = ROW_COUNT;
        total := total + n;
    END LOOP;
    DELETE FROM document_trash WHERE document_id = doc;
    RETURN total;
END
"""


def upgrade() -> None:
    op.create_table(
        "document_trash",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.Column("deleted_by", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_trash")),
    )
    op.create_index(op.f("ix_document_trash_document_id"), "document_trash", ["document_id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    path = f'SET search_path = "{schema}", pg_temp'
    op.execute(
        f"CREATE OR REPLACE FUNCTION annotator_trash_rows() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER {path} AS $fn${TRASH}$fn$"
    )
    tables = "ARRAY[" + ", ".join(f"'{t}'" for t in TABLES) + "]"
    op.execute(
        f"CREATE OR REPLACE FUNCTION annotator_restore_trash(doc integer) RETURNS integer LANGUAGE plpgsql "
        f"SECURITY DEFINER {path} AS $fn${RESTORE.replace('ARRAY TABLES', 'ARRAY ' + tables)}$fn$"
    )
    for table in ("document", *TABLES):
        op.execute(
            f"CREATE TRIGGER {table}_trash AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone "
            "FOR EACH STATEMENT EXECUTE FUNCTION annotator_trash_rows()"
        )
    # logins read it (it is what they deleted), only the owner's functions write it
    op.execute("ALTER TABLE document_trash ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY document_trash_read ON document_trash FOR SELECT USING (true)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("document", *TABLES):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_trash ON {table}")
        op.execute("DROP FUNCTION IF EXISTS annotator_restore_trash(integer)")
        op.execute("DROP FUNCTION IF EXISTS annotator_trash_rows()")
    op.drop_index(op.f("ix_document_trash_document_id"), table_name="document_trash")
    op.drop_table("document_trash")
