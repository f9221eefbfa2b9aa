"""assignments of documents to annotators, time spent per document

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 15:10:00.000000

``assignment``: which annotator codes which document (one row per pair), who assigned it and when.
``work_time``: the active seconds each annotator spent on each document in the app.

On PostgreSQL only the project's reviewers (or anyone while it has none) change assignments, and
each person writes only their own time (the same helpers as revision 0008's policies).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ASSIGNS = (
    "annotator_reviews(project_id, current_user::text) OR NOT annotator_project_has_reviewer(project_id)"
)
OWN = "annotator_may_write(annotator_id, current_user::text)"
POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "assignment": [
        ("assignment_read", "SELECT", "true", None),
        ("assignment_write", "ALL", ASSIGNS, ASSIGNS),
    ],
    "work_time": [
        ("work_time_read", "SELECT", "true", None),
        ("work_time_insert", "INSERT", None, OWN),
        ("work_time_update", "UPDATE", OWN, OWN),
        ("work_time_delete", "DELETE", OWN, None),
    ],
}


def _references(table: str) -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(
            [f"{parent}_id"],
            [f"{parent}.id"],
            name=op.f(f"fk_{table}_{parent}_id_{parent}"),
            ondelete="CASCADE",
        )
        for parent in ("document", "annotator")
    ]


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_assignment_project_id_project"), ondelete="CASCADE"
        ),
        *_references("assignment"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
        sa.UniqueConstraint(
            "document_id", "annotator_id", name=op.f("uq_assignment_document_id_annotator_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_assignment_annotator_id", "assignment", ["annotator_id"])
    op.create_table(
        "work_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        *_references("work_time"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_time")),
        sa.UniqueConstraint(
            "document_id", "annotator_id", name=op.f("uq_work_time_document_id_annotator_id")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, policies in POLICIES.items():
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            for name, command, using, check in policies:
                sql = f"CREATE POLICY {name} ON {table} FOR {command}"
                if using is not None:
                    sql += f" USING ({using})"
                if check is not None:
                    sql += f" WITH CHECK ({check})"
                op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, policies in POLICIES.items():
            for name, *_rest in policies:
                op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    op.drop_table("work_time")
    op.drop_index("ix_assignment_annotator_id", table_name="assignment")
    op.drop_table("assignment")
