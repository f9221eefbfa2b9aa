"""labels and relation types can be retired (schema editor); relation types get an order

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 15:10:00.000000

A retired label or relation type stays on the spans and relations that carry it (shown and
exported), but the palette, its keys and "new span"/"new relation" offer it no more. Relation
types get a ``position`` like labels, so the schema editor can reorder them; existing projects keep
their order (by id).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): a copied SQLite table would lose AUTOINCREMENT (0006).
    for table in ("label", "relation_type"):
        op.add_column(table, sa.Column("retired", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("relation_type", sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    # Number each project's relation types in id order (0, 1, 2, ...), as the app listed them.
    op.execute(
        "UPDATE relation_type SET position = (SELECT COUNT(*) FROM relation_type AS earlier "
        "WHERE earlier.project_id = relation_type.project_id AND earlier.id < relation_type.id)"
    )


def downgrade() -> None:
    autoincrement = {"sqlite_autoincrement": True}  # the rebuilt tables keep it (see 0006)
    with op.batch_alter_table("relation_type", table_kwargs=autoincrement) as batch:
        batch.drop_column("position")
        batch.drop_column("retired")
    with op.batch_alter_table("label", table_kwargs=autoincrement) as batch:
        batch.drop_column("retired")
