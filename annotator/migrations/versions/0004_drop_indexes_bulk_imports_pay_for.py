"""drop indexes bulk imports pay for

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 00:53:29.749936
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annotation_annotator_id"))
        batch_op.drop_index(batch_op.f("ix_annotation_label_id"))

    with op.batch_alter_table("relation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relation_annotator_id"))
        batch_op.drop_index(batch_op.f("ix_relation_source_id"))
        batch_op.drop_index(batch_op.f("ix_relation_type_id"))


def downgrade() -> None:
    with op.batch_alter_table("relation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relation_type_id"), ["type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relation_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relation_annotator_id"), ["annotator_id"], unique=False)

    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annotation_label_id"), ["label_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annotation_annotator_id"), ["annotator_id"], unique=False)
