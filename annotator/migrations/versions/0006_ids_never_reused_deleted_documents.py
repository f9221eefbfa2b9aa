"""ids never reused, import batches, deleted documents

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 09:00:00.000000

SQLite hands a deleted row's id to the next row when the deleted row had the highest id, unless
the table is declared AUTOINCREMENT, which only a rebuild can add. The tables whose ids the audit
log, undo and scripts refer to are rebuilt here with every column, constraint, index and row; the
store runs migrations with foreign keys off (a rebuild drops the old table, and with foreign keys
on that would cascade into the rows that refer to it) and checks them afterwards. Each table's
counter then starts above any id the table or the audit log has ever used. PostgreSQL's sequences
never go back, so there only the counters are checked.

Rejections are not rebuilt: their ids are never shown nor logged. The audit log is not either: its
rows are never deleted, so its ids cannot come back.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Parents first, so a rebuilt table's foreign keys name tables that exist.
REBUILT = ("project", "label", "relation_type", "annotator", "document", "annotation", "relation")


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migration 0006 rebuilds tables and must run with foreign keys off")
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_import_batch_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_project_id"), ["project_id"], unique=False)
    op.create_table(
        "deleted_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("spans", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_deleted_document_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deleted_document")),
        sa.UniqueConstraint(
            "project_id", "content_hash", name=op.f("uq_deleted_document_project_id_content_hash")
        ),
    )
    for table in REBUILT:
        with op.batch_alter_table(
            table,
            recreate="always" if sqlite else "auto",
            table_kwargs={"sqlite_autoincrement": True},
        ) as batch_op:
            if table == "document":
                batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
                batch_op.create_foreign_key(
                    batch_op.f("fk_document_batch_id_import_batch"),
                    "import_batch",
                    ["batch_id"],
                    ["id"],
                    ondelete="SET NULL",
                )
    for table in REBUILT:
        _start_above_history(bind, table)


def _start_above_history(bind: sa.engine.Connection, table: str) -> None:
    """Set the table's id counter above every id it or the audit log has used (a row deleted
    before this migration may have been the highest one; its id must not come back)."""
    used = bind.execute(
        sa.text(
            f"SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM {table} "
            "UNION ALL SELECT MAX(entity_id) FROM audit WHERE entity = :entity) AS ids"
        ),
        {"entity": table},
    ).scalar()
    if not used:
        return
    if bind.dialect.name == "sqlite":
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"), {"t": table, "seq": used}
        )
    elif bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                "GREATEST(:seq, nextval(pg_get_serial_sequence(:t, 'id'))))"
            ),
            {"t": table, "seq": used},
        )


def downgrade() -> None:
    # The tables keep AUTOINCREMENT: older code reads and writes them the same way.
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_document_batch_id_import_batch"), type_="foreignkey")
        batch_op.drop_column("batch_id")
    op.drop_table("deleted_document")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_project_id"))
    op.drop_table("import_batch")
