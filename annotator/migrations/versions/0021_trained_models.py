"""trained models kept in the project's database

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 18:40:00.000000

A SQLite project keeps the models trained from it in a folder beside its file; a shared
PostgreSQL database has no such folder, so each model is a row: its ``model.json`` (listed without
reading the archive) and the model folder packed as a tar.gz, with the archive's sha256.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trained_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_trained_model_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trained_model")),
        sa.UniqueConstraint(
            "project_id", "name", "version", name=op.f("uq_trained_model_project_id_name_version")
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("trained_model")
