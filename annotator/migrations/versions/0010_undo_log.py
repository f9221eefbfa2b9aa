"""undo log: each person's undoable steps, shared by the app and the CLI

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-04 12:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "undo_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_undo_step_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotator.id"],
            name=op.f("fk_undo_step_annotator_id_annotator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_undo_step")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_undo_step_annotator_id_state", "undo_step", ["annotator_id", "state"])
    if op.get_bind().dialect.name == "postgresql":
        # A teammate reads and writes only the steps of their own login (the admin bypasses this).
        op.execute("ALTER TABLE undo_step ENABLE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY undo_step_own ON undo_step FOR ALL "
            "USING (login = current_user::text) WITH CHECK (login = current_user::text)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS undo_step_own ON undo_step")
    op.drop_index("ix_undo_step_annotator_id_state", table_name="undo_step")
    op.drop_table("undo_step")
