"""suggestions made from one annotator's labels, shown to them alone

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 19:00:00.000000

``annotator suggest --model DIR --my-quotes`` (and Suggest with a model… in the app) finds the
speakers of the quotes a person labelled; those suggestions start from that person's labels, so
nobody else may see them (``annotator.suggest.own``). ``for_annotator_id`` says whose they are;
NULL (every row so far) is the team's.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both backends: no table copy, existing rows read NULL.
    op.add_column("suggestion", sa.Column("for_annotator_id", sa.Integer(), nullable=True))
    op.add_column("relation_suggestion", sa.Column("for_annotator_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in ("relation_suggestion", "suggestion"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("for_annotator_id")
