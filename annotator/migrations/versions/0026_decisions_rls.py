"""each person's decisions on suggestions are written only by them: row-level security

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 23:50:00.000000

An accept or a reject is one annotator's word (``suggestion_decision.annotator_id``): it hides the
suggestion from them, and since session 17 a rejection trains the next model as that person's
"no label here" (``annotator.suggest.rejected``). The core writes a login's decisions as its own
annotator; on PostgreSQL the server now holds it too, so a teammate's login cannot plant, change
or remove decisions in someone else's name with psql or another tool. Everyone still reads every
decision (agreement, training and the listings read them). The admin (the tables' owner) and
superusers bypass it, and cascades (a document, a suggestion deleted) still take every row: the
server runs them as the owner; the trash of 0024 restores as the owner too.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0023's helper (SECURITY DEFINER: it reads ``annotator`` as its owner), once per statement.
MINE = "annotator_id IN (SELECT annotator_ids_of(current_user::text))"
COMMANDS = {  # policy name's suffix: its command
    "read": "FOR SELECT USING (true)",
    "insert": f"FOR INSERT WITH CHECK ({MINE})",
    "update": f"FOR UPDATE USING ({MINE}) WITH CHECK ({MINE})",
    "delete": f"FOR DELETE USING ({MINE})",
}
TABLE = "suggestion_decision"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
    for suffix, rule in COMMANDS.items():
        op.execute(f"CREATE POLICY {TABLE}_{suffix} ON {TABLE} {rule}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for suffix in COMMANDS:
        op.execute(f"DROP POLICY IF EXISTS {TABLE}_{suffix} ON {TABLE}")
    op.execute(f"ALTER TABLE {TABLE} DISABLE ROW LEVEL SECURITY")
