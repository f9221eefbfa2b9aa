"""typed attributes (the codebook) on labels, relation types and documents

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 15:10:00.000000

A definition table (``attribute``: which label or relation type it belongs to, its type, choices,
description and order) and the values on the rows they describe: ``annotation.attributes`` and
``relation.attributes``, JSON objects by attribute name. Values live on the span's own row so that
whatever already protects and moves spans protects and moves them too: the row-level security of
0008 (one person's values are theirs, like their spans), the undo log's row images, review's copy
of a reading into gold, merges and exports. Document-level values (scope "document") have their
own table, one row per document and annotator, under the same row-level security.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWN_WORK = "annotator_may_write(annotator_id, current_user::text)"  # the function of 0008
POLICIES = [
    ("document_attribute_read", "SELECT", "true", None),
    ("document_attribute_insert", "INSERT", None, OWN_WORK),
    ("document_attribute_update", "UPDATE", OWN_WORK, OWN_WORK),
    ("document_attribute_delete", "DELETE", OWN_WORK, None),
]


def upgrade() -> None:
    op.create_table(
        "attribute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=True),
        sa.Column("relation_type_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_attribute_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["label_id"], ["label.id"], name=op.f("fk_attribute_label_id_label"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["relation_type_id"],
            ["relation_type.id"],
            name=op.f("fk_attribute_relation_type_id_relation_type"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribute")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_attribute_project_id"), "attribute", ["project_id"])
    # Plain ALTER TABLE ADD COLUMN on both backends: no table copy, existing rows read NULL (no values).
    op.add_column("annotation", sa.Column("attributes", sa.JSON(), nullable=True))
    op.add_column("relation", sa.Column("attributes", sa.JSON(), nullable=True))
    # Document-level values (scope "document"): one row per document and annotator.
    op.create_table(
        "document_attribute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_document_attribute_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotator.id"],
            name=op.f("fk_document_attribute_annotator_id_annotator"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_attribute")),
        sa.UniqueConstraint(
            "document_id", "annotator_id", name=op.f("uq_document_attribute_document_id_annotator_id")
        ),
        sqlite_autoincrement=True,
    )
    if op.get_bind().dialect.name == "postgresql":
        # As spans (0008): everyone reads, a person writes only their own values.
        op.execute("ALTER TABLE document_attribute ENABLE ROW LEVEL SECURITY")
        for name, command, using, check in POLICIES:
            sql = f"CREATE POLICY {name} ON document_attribute FOR {command}"
            sql += f" USING ({using})" if using else ""
            sql += f" WITH CHECK ({check})" if check else ""
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, *_rest in POLICIES:
            op.execute(f"DROP POLICY IF EXISTS {name} ON document_attribute")
    op.drop_table("document_attribute")
    with op.batch_alter_table("relation", schema=None) as batch_op:
        batch_op.drop_column("attributes")
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_column("attributes")
    op.drop_index(op.f("ix_attribute_project_id"), table_name="attribute")
    op.drop_table("attribute")
