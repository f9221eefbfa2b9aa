"""an index of the spans that name a registry actor

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 10:40:00.000000

The actor picker ranks the actors matching what is typed by their mentions, the registry counts
each actor's mentions, quotes and claims, and "jump to mentions" lists them: each asked
``annotation.actor_id`` with no index, a scan of every span of the database (50,000 spans:
~4 ms per keystroke in the picker; a million documents × 20 spans: seconds). The index is
partial (only spans that name an actor), so the many spans that name none cost an import nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("actor_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_annotation_actor_id",
        "annotation",
        ["actor_id"],
        unique=False,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_annotation_actor_id", table_name="annotation")
