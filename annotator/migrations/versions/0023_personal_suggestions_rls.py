"""personal suggestions hidden by the server: row-level security on suggestions

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 20:30:00.000000

A suggestion made from one annotator's labels (``for_annotator_id``, 0022) is theirs alone. The
core hides it from everyone else; on PostgreSQL the server does too, so a teammate reading the
tables with psql or another tool neither sees, nor changes, nor deletes it, and cannot plant one
in someone else's name. The team's suggestions (``for_annotator_id`` NULL) stay open to every
login, as before: any teammate runs the rules or a model, and each run replaces the undecided
ones of its source. The admin (the tables' owner) and superusers bypass it, as for spans.
Cascades (a document, a label deleted) still take every row: the server runs them as the owner.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SECURITY DEFINER as 0008's helpers: the policy reads ``annotator`` as its owner. Unlike
# annotator_may_write, a reviewer does not stand in for an annotator without a login: personal
# suggestions are that person's view of their own labels, not labels to be kept. The helper gives
# the login's annotator ids (one per project) as a set, in a sub-select: PostgreSQL reads it once
# per statement, not once per row (a row-wise call costs ~5 µs a row on a long listing).
FUNCTION = "annotator_ids_of(who text)"
BODY = "SELECT id FROM annotator WHERE login = who"
MINE = "for_annotator_id IS NULL OR for_annotator_id IN (SELECT annotator_ids_of(current_user::text))"
TABLES = ("suggestion", "relation_suggestion")
COMMANDS = {  # policy name's suffix: its command, with the same rule for old rows and new
    "read": f"FOR SELECT USING ({MINE})",
    "insert": f"FOR INSERT WITH CHECK ({MINE})",
    "update": f"FOR UPDATE USING ({MINE}) WITH CHECK ({MINE})",
    "delete": f"FOR DELETE USING ({MINE})",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION} RETURNS SETOF integer LANGUAGE sql STABLE SECURITY DEFINER "
        f'SET search_path = "{schema}", pg_temp AS $fn${BODY}$fn$'
    )
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for suffix, rule in COMMANDS.items():
            op.execute(f"CREATE POLICY {table}_{suffix} ON {table} {rule}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        for suffix in COMMANDS:
            op.execute(f"DROP POLICY IF EXISTS {table}_{suffix} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}")
