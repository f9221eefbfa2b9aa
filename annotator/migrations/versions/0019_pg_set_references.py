"""PostgreSQL: the references of spans and relations checked once per statement, not once per row

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 06:45:00.000000

Why: a foreign key checks every inserted row with a query of its own (PostgreSQL's RI trigger
runs ``SELECT 1 FROM parent WHERE id = $1 FOR KEY SHARE`` per row and per key). An import of
10,000 documents × 20 spans writes ~200,000 spans (3 keys each) and ~70,000 relations (5 keys
each): a million such queries, 60 % of the server's CPU and more than the whole SQLite import
(issue 19). Here the eight foreign keys of ``annotation`` and ``relation`` become triggers that
check each statement's new rows as one set: one join per key, the same ``FOR KEY SHARE`` lock of
every referenced row (so a concurrent delete of a document, label or annotator still waits for
the inserting transaction, or makes its check fail, exactly as with the foreign key), and
set-based ``ON DELETE CASCADE`` / ``RESTRICT`` on the referenced tables. A referenced row this
same transaction wrote (its ``xmin``: an import's new documents and spans) is not locked: no
other transaction sees it before this one commits, so none can delete it meanwhile (locking
the 140,000 spans an import's relations name cost a third of the check).

What each foreign key did and what replaces it (same SQLSTATE 23503, same constraint names):
- insert into the child: ``references_inserted`` (statement, transition table ``new_rows``);
- change of a key column of a child row: ``reference_updated`` (row, only when the key changed,
  as the RI trigger);
- delete from the parent: ``references_deleted`` (statement, ``old_rows``): cascade or restrict;
- change of a parent's id: ``reference_key_changed`` (row, only when the id changed): refused
  while referenced (NO ACTION);
- TRUNCATE of a parent: ``references_truncated`` refuses it while child rows remain (a foreign
  key refused any TRUNCATE of the parent alone; TRUNCATE ... CASCADE no longer follows these).
The functions are SECURITY DEFINER, as the RI triggers run as the table owner: row-level
security does not hide a parent from the check nor a child from a cascade.

annotator's transactions run in READ COMMITTED (PostgreSQL's default), where each check sees
what other transactions committed, as the RI queries do. In REPEATABLE READ or SERIALIZABLE a
check would not see children committed after the transaction's snapshot (the RI trigger also
checks with a fresh snapshot and fails when the two differ): there deleting from, truncating or
changing the ids of document, label, annotator, relation_type and annotation is refused with a
serialization failure, to be retried in READ COMMITTED. Inserting children works in any level.

SQLite keeps its foreign keys: its checks are index probes inside the same call, not the cost.
Later migrations that rebuild these tables on PostgreSQL must keep the triggers (``TRIGGERS``).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (constraint, child table, column, parent table, ON DELETE)
REFERENCES = (
    ("fk_annotation_document_id_document", "annotation", "document_id", "document", "CASCADE"),
    ("fk_annotation_label_id_label", "annotation", "label_id", "label", "RESTRICT"),
    ("fk_annotation_annotator_id_annotator", "annotation", "annotator_id", "annotator", "RESTRICT"),
    ("fk_relation_document_id_document", "relation", "document_id", "document", "CASCADE"),
    ("fk_relation_source_id_annotation", "relation", "source_id", "annotation", "CASCADE"),
    ("fk_relation_target_id_annotation", "relation", "target_id", "annotation", "CASCADE"),
    ("fk_relation_type_id_relation_type", "relation", "type_id", "relation_type", "RESTRICT"),
    ("fk_relation_annotator_id_annotator", "relation", "annotator_id", "annotator", "RESTRICT"),
)

_MISSING = (
    'RAISE EXCEPTION \'insert or update on table "%" violates foreign key constraint "%"\', '
    "TG_TABLE_NAME, name USING ERRCODE = 'foreign_key_violation', CONSTRAINT = name, "
    "TABLE = TG_TABLE_NAME, COLUMN = col, "
    "DETAIL = format('Key (%s)=(%s) is not present in table \"%s\".', col, coalesce(missing, '?'), parent);"
)
_REFERENCED = (
    'RAISE EXCEPTION \'update or delete on table "%" violates foreign key constraint "%" on table "%"\', '
    "TG_TABLE_NAME, name, child USING ERRCODE = 'foreign_key_violation', CONSTRAINT = name, "
    "TABLE = child, DETAIL = format('Key (id)=(%s) is still referenced from table \"%s\".', held, child);"
)

# Outside READ COMMITTED a check would not see children committed after the transaction's
# snapshot (the RI trigger checks with a fresh snapshot besides it and fails when they differ):
# there a change to a referenced table's keys is refused, to be retried in READ COMMITTED.
_SNAPSHOT = (
    "IF current_setting('transaction_isolation') NOT IN ('read committed', 'read uncommitted') THEN "
    'RAISE EXCEPTION \'deleting from or changing keys of "%" needs READ COMMITTED (its references are '
    "checked there)', TG_TABLE_NAME USING ERRCODE = 'serialization_failure'; END IF;"
)

# name(arguments) → body; every argument list is a repetition of a fixed group (TG_ARGV).
FUNCTIONS = {
    # After an INSERT statement into a child: groups of (constraint, column, parent).
    "references_inserted": f"""
DECLARE
  i int := 0; name text; col text; parent text; ok boolean; missing text;
  me xid := pg_current_xact_id()::xid;
BEGIN
  WHILE i < TG_NARGS LOOP
    name := TG_ARGV[i]; col := TG_ARGV[i + 1]; parent := TG_ARGV[i + 2];
    -- f: the referenced rows found; those this transaction wrote (xmin) no other one can see,
    -- delete or lock before it commits, so only the others are locked (l). One index probe per
    -- distinct key (LATERAL ... LIMIT 1): a join could pick a scan of the whole parent table,
    -- whose statistics lag behind an import's growth
    EXECUTE format(
      'WITH k AS (SELECT DISTINCT %1$I AS v FROM new_rows WHERE %1$I IS NOT NULL), '
      'f AS (SELECT k.v, x.own FROM k CROSS JOIN LATERAL '
      '(SELECT p.xmin = $1 AS own FROM %2$I p WHERE p.id = k.v LIMIT 1) x), '
      'l AS (SELECT y.id FROM f CROSS JOIN LATERAL '
      '(SELECT p.id FROM %2$I p WHERE p.id = f.v FOR KEY SHARE OF p LIMIT 1) y WHERE NOT f.own) '
      'SELECT (SELECT count(*) FROM k) = (SELECT count(*) FROM f WHERE own) + (SELECT count(*) FROM l)',
      col, parent) USING me INTO ok;
    IF NOT ok THEN
      EXECUTE format(
        'SELECT n.%1$I::text FROM new_rows n WHERE n.%1$I IS NOT NULL '
        'AND NOT EXISTS (SELECT 1 FROM %2$I p WHERE p.id = n.%1$I) LIMIT 1', col, parent) INTO missing;
      {_MISSING}
    END IF;
    i := i + 3;
  END LOOP;
  RETURN NULL;
END""",
    # After a child row's key changed: (constraint, column, parent).
    "reference_updated": f"""
DECLARE
  name text := TG_ARGV[0]; col text := TG_ARGV[1]; parent text := TG_ARGV[2]; missing text; hit int;
BEGIN
  EXECUTE format('SELECT ($1).%I::text', col) USING NEW INTO missing;
  IF missing IS NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT 1 FROM %I p WHERE p.id = ($1).%I FOR KEY SHARE OF p', parent, col)
    USING NEW INTO hit;
  IF hit IS NULL THEN
    {_MISSING}
  END IF;
  RETURN NULL;
END""",
    # After a DELETE statement on a parent: groups of (constraint, child, column, CASCADE|RESTRICT).
    "references_deleted": f"""
DECLARE
  i int := 0; name text; child text; col text; held text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
    RETURN NULL;
  END IF;
  {_SNAPSHOT}
  WHILE i < TG_NARGS LOOP
    name := TG_ARGV[i]; child := TG_ARGV[i + 1]; col := TG_ARGV[i + 2];
    IF TG_ARGV[i + 3] = 'CASCADE' THEN
      EXECUTE format('DELETE FROM %I c WHERE c.%I IN (SELECT id FROM old_rows)', child, col);
    ELSE
      EXECUTE format(
        'SELECT c.%2$I::text FROM %1$I c WHERE c.%2$I IN (SELECT id FROM old_rows) '
        'LIMIT 1 FOR KEY SHARE OF c', child, col) INTO held;
      IF held IS NOT NULL THEN
        {_REFERENCED}
      END IF;
    END IF;
    i := i + 4;
  END LOOP;
  RETURN NULL;
END""",
    # After a parent's id changed: groups of (constraint, child, column); NO ACTION.
    "reference_key_changed": f"""
DECLARE
  i int := 0; name text; child text; col text; held text;
BEGIN
  {_SNAPSHOT}
  WHILE i < TG_NARGS LOOP
    name := TG_ARGV[i]; child := TG_ARGV[i + 1]; col := TG_ARGV[i + 2];
    EXECUTE format(
      'SELECT c.%2$I::text FROM %1$I c WHERE c.%2$I = $1 '
      'AND NOT EXISTS (SELECT 1 FROM %3$I p WHERE p.id = $1) LIMIT 1 FOR KEY SHARE OF c',
      child, col, TG_TABLE_NAME) USING OLD.id INTO held;
    IF held IS NOT NULL THEN
      {_REFERENCED}
    END IF;
    i := i + 3;
  END LOOP;
  RETURN NULL;
END""",
    # After TRUNCATE of a parent: groups of (constraint, child, column).
    "references_truncated": f"""
DECLARE
  i int := 0; held int;
BEGIN
  {_SNAPSHOT}
  WHILE i < TG_NARGS LOOP
    EXECUTE format('SELECT 1 FROM %I WHERE %I IS NOT NULL LIMIT 1', TG_ARGV[i + 1], TG_ARGV[i + 2]) INTO held;
    IF held IS NOT NULL THEN
      RAISE EXCEPTION 'cannot truncate a table referenced in a foreign key constraint'
        USING ERRCODE = 'feature_not_supported', CONSTRAINT = TG_ARGV[i],
        DETAIL = format('Table "%s" references "%s".', TG_ARGV[i + 1], TG_TABLE_NAME);
    END IF;
    i := i + 3;
  END LOOP;
  RETURN NULL;
END""",
}


def _args(*values: str) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _triggers() -> list[tuple[str, str, str]]:
    """(trigger name, table, CREATE TRIGGER statement) for every reference."""
    made: list[tuple[str, str, str]] = []
    for child in dict.fromkeys(ref[1] for ref in REFERENCES):
        groups = [_args(name, col, parent) for name, table, col, parent, _ in REFERENCES if table == child]
        trigger = f"{child}_references_inserted"
        made.append(
            (
                trigger,
                child,
                f"CREATE TRIGGER {trigger} AFTER INSERT ON {child} REFERENCING NEW TABLE AS new_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION references_inserted({', '.join(groups)})",
            )
        )
    for name, child, col, parent, _ in REFERENCES:
        trigger = f"{child}_{col}_updated"
        made.append(
            (
                trigger,
                child,
                f"CREATE TRIGGER {trigger} AFTER UPDATE OF {col} ON {child} FOR EACH ROW "
                f"WHEN (OLD.{col} IS DISTINCT FROM NEW.{col}) "
                f"EXECUTE FUNCTION reference_updated({_args(name, col, parent)})",
            )
        )
    for parent in dict.fromkeys(ref[3] for ref in REFERENCES):
        mine = [ref for ref in REFERENCES if ref[3] == parent]
        deleted = ", ".join(_args(name, child, col, action) for name, child, col, _, action in mine)
        held = ", ".join(_args(name, child, col) for name, child, col, _, _ in mine)
        made += [
            (
                f"{parent}_references_deleted",
                parent,
                f"CREATE TRIGGER {parent}_references_deleted AFTER DELETE ON {parent} "
                f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION references_deleted({deleted})",
            ),
            (
                f"{parent}_reference_key_changed",
                parent,
                f"CREATE TRIGGER {parent}_reference_key_changed AFTER UPDATE OF id ON {parent} FOR EACH ROW "
                f"WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION reference_key_changed({held})",
            ),
            (
                f"{parent}_references_truncated",
                parent,
                f"CREATE TRIGGER {parent}_references_truncated AFTER TRUNCATE ON {parent} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION references_truncated({held})",
            ),
        ]
    return made


TRIGGERS = _triggers()


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    for function, body in FUNCTIONS.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
            f'SET search_path = "{schema}", pg_temp AS $fn${body}$fn$'
        )
    for name, child, *_ in REFERENCES:
        op.execute(f"ALTER TABLE {child} DROP CONSTRAINT {name}")
    for _trigger, _table, create in TRIGGERS:
        op.execute(create)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for trigger, table, _create in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for name, child, col, parent, action in REFERENCES:
        op.execute(
            f"ALTER TABLE {child} ADD CONSTRAINT {name} FOREIGN KEY ({col}) "
            f"REFERENCES {parent} (id) ON DELETE {action}"
        )
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
