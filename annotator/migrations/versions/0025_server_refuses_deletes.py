"""the server refuses the deletes the app refuses: documents others labelled, whole projects

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 22:50:00.000000

Every label table has row-level security, but ``document`` and ``project`` had none: any team
login could ``DELETE FROM document`` a document teammates labelled (0024's trash brings it back,
if someone notices) or ``DELETE FROM project`` a whole project (nothing brings that back). Now,
on PostgreSQL:

- a login deletes a document only if it reviews the document's project, or the document holds no
  span or relation of another annotator (gold and names without a login count as others): the
  core's rule (``ops.documents._check_may_delete``), with its message;
- no login deletes a project.

The admin (a superuser or a member of the role owning the tables: who bypasses the label tables'
row-level security, as ``identity.database_login`` tells) bypasses both, so a project the admin
deletes still takes its documents. Reading, inserting and updating are unchanged for everyone.

Why triggers and not row-level security: a policy would filter silently (0 rows deleted, and the
app would tombstone and report documents still there), and row-level security on ``document``
would make PostgreSQL refuse COPY into it for every login, so each teammate's import would write
its documents row by row (``bulk._copy_allowed``). A refused delete here is an error naming the
document (SQLSTATE 42501) and the whole statement is undone. The documents' check runs once per
statement over its transition table, before 0019's ``document_references_deleted`` cascade takes
the spans (triggers of one event fire in the order of their names: keep this one's name first).

SQLite: nothing (one person, whom the core's checks serve).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SECURITY DEFINER as 0008's helpers: it reads every annotator, span and relation, whatever the
# login's own row-level security shows it. The first of the deleted documents (ids, with their
# projects) that ``who`` may not delete, or NULL. A reviewer's projects are skipped as a set, so a
# reviewer's delete of thousands of documents probes no span at all.
UNDELETABLE = "annotator_first_undeletable(docs integer[], projects integer[], who text)"
UNDELETABLE_BODY = """
    SELECT min(g.id) FROM unnest(docs, projects) AS g(id, project_id)
    WHERE g.project_id NOT IN (SELECT project_id FROM annotator WHERE login = who AND role = 'reviewer')
      AND (EXISTS (SELECT 1 FROM annotation a WHERE a.document_id = g.id
                   AND a.annotator_id NOT IN (SELECT id FROM annotator WHERE login = who))
        OR EXISTS (SELECT 1 FROM relation r WHERE r.document_id = g.id
                   AND r.annotator_id NOT IN (SELECT id FROM annotator WHERE login = who)))"""

# Who acts as the system (not SECURITY DEFINER: current_user is the deleting role; in a cascade
# from a project the admin deleted, the tables' owner).
ADMIN = "annotator_acts_as_admin()"
ADMIN_BODY = """
    SELECT r.rolsuper OR pg_has_role(current_user, t.tableowner, 'MEMBER')
    FROM pg_roles r LEFT JOIN pg_tables t ON t.tablename = 'document' AND t.schemaname = current_schema()
    WHERE r.rolname = current_user"""

DOCUMENTS = """
DECLARE
    refused integer;
BEGIN
    IF annotator_acts_as_admin() THEN
        RETURN NULL;
    END IF;
    SELECT annotator_first_undeletable(array_agg(g.id), array_agg(g.project_id), current_user::text)
    INTO refused FROM gone g;
    IF refused IS NOT NULL THEN
        RAISE EXCEPTION 'document % holds other annotators'' labels; only a reviewer may delete it',
            refused USING ERRCODE = '42501';
    END IF;
    RETURN NULL;
END
"""

PROJECTS = """
BEGIN
    IF NOT annotator_acts_as_admin() THEN
        RAISE EXCEPTION 'project % is deleted only by the team''s admin', OLD.id USING ERRCODE = '42501';
    END IF;
    RETURN OLD;
END
"""

# (signature, what it returns and how it runs, body), in the order they are created
FUNCTIONS = (
    (UNDELETABLE, "integer LANGUAGE sql STABLE SECURITY DEFINER", UNDELETABLE_BODY),
    (ADMIN, "boolean LANGUAGE sql STABLE", ADMIN_BODY),
    ("annotator_document_delete_allowed()", "trigger LANGUAGE plpgsql", DOCUMENTS),
    ("annotator_project_delete_allowed()", "trigger LANGUAGE plpgsql", PROJECTS),
)
TRIGGERS = {  # name: (table, CREATE TRIGGER's middle, function)
    "document_delete_allowed": (
        "document",
        "AFTER DELETE ON document REFERENCING OLD TABLE AS gone FOR EACH STATEMENT",
        "annotator_document_delete_allowed",
    ),
    "project_delete_allowed": (
        "project",
        "BEFORE DELETE ON project FOR EACH ROW",
        "annotator_project_delete_allowed",
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    for signature, kind, body in FUNCTIONS:
        op.execute(
            f"CREATE OR REPLACE FUNCTION {signature} RETURNS {kind} "
            f'SET search_path = "{schema}", pg_temp AS $fn${body}$fn$'
        )
    for name, (_table, when, function) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, _when, _function) in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for signature, _kind, _body in reversed(FUNCTIONS):
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
