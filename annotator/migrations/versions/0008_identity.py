"""identity: annotators' database logins, the account in the audit log, row-level security

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-04 09:00:00.000000

On PostgreSQL each teammate logs in as themselves, and the server enforces who writes what with
row-level security (the admin who owns the tables, and superusers, bypass it):

- a span or relation is written only by the login of its annotator, or by a reviewer of the
  project when its annotator has no login (the gold layer, imported names);
- span and relation rejections (review decisions) only by the project's reviewers;
- annotators' roles change only by reviewers (or anyone while the project has none), nobody makes
  a row the gold layer, and a login claims only the name that is its own;
- audit rows are added under one's own login and never changed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Helpers run as their owner (SECURITY DEFINER) so that a policy on ``annotator`` may read
# ``annotator`` without recursing into its own policy; the login is passed in from the policy,
# where current_user is the teammate's.
FUNCTIONS = {
    "annotator_may_write(owner integer, who text)": """
        SELECT EXISTS (
            SELECT 1 FROM annotator a
            WHERE a.id = owner AND (
                a.login = who
                OR (a.login IS NULL AND EXISTS (
                    SELECT 1 FROM annotator r
                    WHERE r.project_id = a.project_id AND r.login = who AND r.role = 'reviewer'))))""",
    "annotator_reviews(project integer, who text)": """
        SELECT EXISTS (
            SELECT 1 FROM annotator WHERE project_id = project AND login = who AND role = 'reviewer')""",
    "annotator_project_has_reviewer(project integer)": """
        SELECT EXISTS (SELECT 1 FROM annotator WHERE project_id = project AND role = 'reviewer')""",
    "annotator_reviews_document(doc integer, who text)": """
        SELECT EXISTS (
            SELECT 1 FROM document d JOIN annotator r ON r.project_id = d.project_id
            WHERE d.id = doc AND r.login = who AND r.role = 'reviewer')""",
}

OWN_WORK = "annotator_may_write(annotator_id, current_user::text)"
REVIEWS = "annotator_reviews(project_id, current_user::text)"
NO_REVIEWER = "NOT annotator_project_has_reviewer(project_id)"
DECIDES = "annotator_reviews_document(document_id, current_user::text)"
ME = "name = current_user::text"

POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    # table: (policy, command, USING, WITH CHECK)
    "annotation": [
        ("annotation_read", "SELECT", "true", None),
        ("annotation_insert", "INSERT", None, OWN_WORK),
        ("annotation_update", "UPDATE", OWN_WORK, OWN_WORK),
        ("annotation_delete", "DELETE", OWN_WORK, None),
    ],
    "relation": [
        ("relation_read", "SELECT", "true", None),
        ("relation_insert", "INSERT", None, OWN_WORK),
        ("relation_update", "UPDATE", OWN_WORK, OWN_WORK),
        ("relation_delete", "DELETE", OWN_WORK, None),
    ],
    "rejection": [
        ("rejection_read", "SELECT", "true", None),
        ("rejection_write", "ALL", DECIDES, DECIDES),
    ],
    "relation_rejection": [
        ("relation_rejection_read", "SELECT", "true", None),
        ("relation_rejection_write", "ALL", DECIDES, DECIDES),
    ],
    "annotator": [
        ("annotator_read", "SELECT", "true", None),
        (
            "annotator_insert",
            "INSERT",
            None,
            f"{REVIEWS} OR (role = 'annotator' AND (login IS NULL OR (login = current_user::text AND {ME})))"
            f" OR (role = 'reviewer' AND login = current_user::text AND {ME} AND {NO_REVIEWER})",
        ),
        (
            "annotator_update",
            "UPDATE",
            f"role <> 'gold' AND ({REVIEWS} OR {NO_REVIEWER} OR (login IS NULL AND {ME}))",
            f"role <> 'gold' AND ({REVIEWS} OR {NO_REVIEWER}"
            f" OR (login = current_user::text AND {ME} AND role = 'annotator'))",
        ),
    ],
    "audit": [
        ("audit_read", "SELECT", "true", None),
        ("audit_insert", "INSERT", None, "login = current_user::text"),
    ],
}


def upgrade() -> None:
    with op.batch_alter_table("annotator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("os_account", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_annotator_project_id_login", ["project_id", "login"], unique=True)
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=200), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        _row_level_security()


def _row_level_security() -> None:
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar()
    for signature, body in FUNCTIONS.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {signature} RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER "
            f'SET search_path = "{schema}", pg_temp AS $fn${body}$fn$'
        )
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
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for signature in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_column("login")
    with op.batch_alter_table("annotator", schema=None) as batch_op:
        batch_op.drop_index("ix_annotator_project_id_login")
        batch_op.drop_column("os_account")
        batch_op.drop_column("login")
