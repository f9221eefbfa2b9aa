"""suggestions (rules and models) kept apart from labels, with decisions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 15:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    # Nullable, no default: SQLite adds it without copying the table.
    op.add_column("annotation", sa.Column("origin", sa.String(length=200), nullable=True))
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("suggestion", "document_id", "document"),
        _fk("suggestion", "label_id", "label"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
        sa.UniqueConstraint(
            "document_id",
            "source",
            "label_id",
            "start",
            "end",
            name=op.f("uq_suggestion_document_id_source_label_id_start_end"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "relation_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("relation_suggestion", "document_id", "document"),
        _fk("relation_suggestion", "source_id", "suggestion"),
        _fk("relation_suggestion", "target_id", "suggestion"),
        _fk("relation_suggestion", "type_id", "relation_type"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relation_suggestion")),
        sa.UniqueConstraint(
            "source_id",
            "target_id",
            "type_id",
            name=op.f("uq_relation_suggestion_source_id_target_id_type_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_relation_suggestion_document_id"), "relation_suggestion", ["document_id"])
    op.create_index(op.f("ix_relation_suggestion_target_id"), "relation_suggestion", ["target_id"])
    op.create_table(
        "suggestion_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("relation_suggestion_id", sa.Integer(), nullable=True),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        _fk("suggestion_decision", "document_id", "document"),
        _fk("suggestion_decision", "suggestion_id", "suggestion"),
        _fk("suggestion_decision", "relation_suggestion_id", "relation_suggestion"),
        _fk("suggestion_decision", "annotator_id", "annotator"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_decision")),
        sa.UniqueConstraint(
            "suggestion_id", "annotator_id", name=op.f("uq_suggestion_decision_suggestion_id_annotator_id")
        ),
        sa.UniqueConstraint(
            "relation_suggestion_id",
            "annotator_id",
            name=op.f("uq_suggestion_decision_relation_suggestion_id_annotator_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_suggestion_decision_document_id_annotator_id",
        "suggestion_decision",
        ["document_id", "annotator_id"],
    )
    op.create_table(
        "suggestion_shown",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("shown_at", sa.DateTime(), nullable=False),
        _fk("suggestion_shown", "document_id", "document"),
        _fk("suggestion_shown", "annotator_id", "annotator"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_shown")),
        sa.UniqueConstraint(
            "document_id", "annotator_id", name=op.f("uq_suggestion_shown_document_id_annotator_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("suggestion_shown")
    op.drop_index("ix_suggestion_decision_document_id_annotator_id", table_name="suggestion_decision")
    op.drop_table("suggestion_decision")
    op.drop_index(op.f("ix_relation_suggestion_target_id"), table_name="relation_suggestion")
    op.drop_index(op.f("ix_relation_suggestion_document_id"), table_name="relation_suggestion")
    op.drop_table("relation_suggestion")
    op.drop_table("suggestion")
    with op.batch_alter_table("annotation") as batch_op:
        batch_op.drop_column("origin")
