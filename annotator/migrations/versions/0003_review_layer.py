"""review layer

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:53:29.434630
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client", sa.String(length=36), nullable=True))

    op.create_table(
        "rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_rejection_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["label_id"], ["label.id"], name=op.f("fk_rejection_label_id_label"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["annotator.id"],
            name=op.f("fk_rejection_reviewer_id_annotator"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejection")),
        sa.UniqueConstraint(
            "document_id",
            "label_id",
            "start",
            "end",
            name=op.f("uq_rejection_document_id_label_id_start_end"),
        ),
    )
    with op.batch_alter_table("rejection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rejection_document_id"), ["document_id"], unique=False)

    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("adjudicator_id", sa.Integer(), nullable=True))

    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_status", sa.String(length=20), server_default="unreviewed", nullable=False)
        )

    with op.batch_alter_table("relation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("adjudicator_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_column("client")

    with op.batch_alter_table("relation", schema=None) as batch_op:
        batch_op.drop_column("adjudicator_id")
        batch_op.drop_column("sources")

    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("review_status")

    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_column("adjudicator_id")
        batch_op.drop_column("sources")

    with op.batch_alter_table("rejection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejection_document_id"))

    op.drop_table("rejection")
