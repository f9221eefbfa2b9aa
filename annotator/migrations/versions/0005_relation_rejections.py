"""relation rejections

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "relation_rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("source_start", sa.Integer(), nullable=False),
        sa.Column("source_end", sa.Integer(), nullable=False),
        sa.Column("source_label_id", sa.Integer(), nullable=False),
        sa.Column("target_start", sa.Integer(), nullable=False),
        sa.Column("target_end", sa.Integer(), nullable=False),
        sa.Column("target_label_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_relation_rejection_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["relation_type.id"],
            name=op.f("fk_relation_rejection_type_id_relation_type"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_label_id"],
            ["label.id"],
            name=op.f("fk_relation_rejection_source_label_id_label"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_label_id"],
            ["label.id"],
            name=op.f("fk_relation_rejection_target_label_id_label"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["annotator.id"],
            name=op.f("fk_relation_rejection_reviewer_id_annotator"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relation_rejection")),
        sa.UniqueConstraint(
            "document_id",
            "type_id",
            "source_start",
            "source_end",
            "source_label_id",
            "target_start",
            "target_end",
            "target_label_id",
            name=op.f("uq_relation_rejection_relation"),
        ),
    )
    with op.batch_alter_table("relation_rejection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relation_rejection_document_id"), ["document_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("relation_rejection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relation_rejection_document_id"))

    op.drop_table("relation_rejection")
