"""actors as entities (a project's registry) and multi-part spans

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 18:15:00.000000

``actor``: the project's registry of who speaks (canonical name, aliases, type, an optional
external id such as a Wikidata QID kept as text, free attributes). An ACTOR span points to one
with ``annotation.actor_id`` (no foreign key: adding one would make SQLite copy the table; a
merged-away actor's spans are moved by the merge itself). ``merged_into_id`` keeps a merged
actor's row, so the merge is audited, reversible and old exports' ids still resolve.

``annotation.fragments``: a multi-part span's parts, ``[[start, end], ...]`` in order, code
points, end exclusive; NULL for an ordinary one-part span. ``start``/``end`` stay the hull (first
start, last end), so every reader that knows nothing of fragments still sees where the span is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_actor_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_actor_project_id"), "actor", ["project_id"])
    # Plain ALTER TABLE ADD COLUMN on both backends: no table copy, existing rows read NULL.
    op.add_column("annotation", sa.Column("actor_id", sa.Integer(), nullable=True))
    op.add_column("annotation", sa.Column("fragments", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_column("fragments")
        batch_op.drop_column("actor_id")
    op.drop_index(op.f("ix_actor_project_id"), table_name="actor")
    op.drop_table("actor")
