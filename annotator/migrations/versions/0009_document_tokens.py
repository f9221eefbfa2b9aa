"""document tokens: the source's tokens and sentence breaks (annotator.tokens)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 12:50:00.000000

One nullable blob column: documents imported before keep ``NULL`` and the tokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("tokens", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_column("tokens")
