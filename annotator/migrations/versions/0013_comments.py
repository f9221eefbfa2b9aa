"""comments and flags on spans, relations and documents

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 15:10:00.000000

A comment hangs on its document (deleted with it) and names the span or relation it is about by
id, without a foreign key: ids are never reused, so a comment whose span was deleted stays on the
document and still says which span it was on (undoing the deletion puts it back on the span).

On PostgreSQL anyone on the team reads, replies to and resolves comments; a comment is added only
under its author's own login, and its text, author and target change only by that author.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# annotator_may_write(owner, login) comes from 0008: the author's login, or a reviewer for an
# author without one (imported names).
AUTHOR = "annotator_may_write(author_id, current_user::text)"
POLICIES = [
    ("comment_read", "SELECT", "true", None),
    ("comment_insert", "INSERT", None, AUTHOR),
    ("comment_update", "UPDATE", "true", "true"),
    ("comment_delete", "DELETE", AUTHOR, None),
]
# Row-level security cannot tell columns apart: a trigger keeps the text to its author (the
# table's owner, the admin, and superusers bypass it as they bypass row-level security).
GUARD = """
CREATE OR REPLACE FUNCTION annotator_comment_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF (NEW.text IS DISTINCT FROM OLD.text OR NEW.author_id IS DISTINCT FROM OLD.author_id
        OR NEW.span_id IS DISTINCT FROM OLD.span_id OR NEW.relation_id IS DISTINCT FROM OLD.relation_id
        OR NEW.document_id IS DISTINCT FROM OLD.document_id OR NEW.kind IS DISTINCT FROM OLD.kind)
       AND NOT annotator_may_write(OLD.author_id, current_user::text)
       AND NOT pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                          WHERE tablename = TG_TABLE_NAME AND schemaname = TG_TABLE_SCHEMA),
                           'MEMBER')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only its author changes comment %''s text', OLD.id USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$fn$
"""


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("span_id", sa.Integer(), nullable=True),
        sa.Column("relation_id", sa.Integer(), nullable=True),
        sa.Column("parent_uid", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("anchor", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_comment_document_id_document"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["annotator.id"], name=op.f("fk_comment_author_id_annotator"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
        sa.UniqueConstraint("uid", name=op.f("uq_comment_uid")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_comment_document_id", "comment", ["document_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE comment ENABLE ROW LEVEL SECURITY")
        for name, command, using, check in POLICIES:
            sql = f"CREATE POLICY {name} ON comment FOR {command}"
            if using is not None:
                sql += f" USING ({using})"
            if check is not None:
                sql += f" WITH CHECK ({check})"
            op.execute(sql)
        op.execute(GUARD)
        op.execute(
            "CREATE TRIGGER comment_guard BEFORE UPDATE ON comment "
            "FOR EACH ROW EXECUTE FUNCTION annotator_comment_guard()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS comment_guard ON comment")
        op.execute("DROP FUNCTION IF EXISTS annotator_comment_guard()")
        for name, *_rest in POLICIES:
            op.execute(f"DROP POLICY IF EXISTS {name} ON comment")
    op.drop_index("ix_comment_document_id", table_name="comment")
    op.drop_table("comment")
