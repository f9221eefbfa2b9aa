"""The references of spans and relations hold on both backends: a row naming a missing document,
label, annotator, span or relation type is refused (one row by INSERT, many by the import's bulk
path, COPY on PostgreSQL), deleting a document or span takes what hangs on it along, and what is
still referenced cannot be deleted or renumbered. On PostgreSQL these are statement-level
triggers since migration 0019, not foreign keys: the same guarantees, checked here."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from annotator.bulk import bulk_insert
from annotator.model import Annotation, Project, Relation, utcnow
from annotator.ops.annotations import create_span
from annotator.ops.labels import add_label, add_relation_type
from annotator.ops.relations import create_relation
from annotator.store import Store
from tests.core.helpers import add_doc, annotator_id, label_id

ANNOTATION: Table = Annotation.__table__  # type: ignore[assignment]
RELATION: Table = Relation.__table__  # type: ignore[assignment]
MISSING = 999_999
# The bulk path's COPY goes through the driver's cursor: its errors are the driver's own.
REFUSED = (IntegrityError, psycopg.errors.IntegrityError)
TEXT = "Mayor Ana Ruiz said the bridge opens in May."


@dataclass
class Linked:
    """A document with two spans and a relation between them, and the ids of their parents."""

    doc: int
    label: int
    annotator: int
    rtype: int
    source: int
    target: int
    relation: int


@pytest.fixture
def linked(store: Store, project: Project) -> Linked:
    doc = add_doc(store, project.id, TEXT)
    label = label_id(store, project.id, "CLAIM")
    who = annotator_id(store, project.id, "alice")
    with store.transaction() as tx:
        rtype = add_relation_type(tx, project.id, "about").id
        source = create_span(tx, doc, 0, 5, label, who).id
        target = create_span(tx, doc, 6, 14, label, who).id
        relation = create_relation(tx, source, target, rtype, who).id
    return Linked(doc, label, who, rtype, source, target, relation)


@pytest.fixture
def conn(store: Store, linked: Linked) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back (the store's engine: SQLite enforces
    its foreign keys there)."""
    with store.engine.connect() as connection, connection.begin() as outer:
        yield connection
        outer.rollback()


def _span_row(linked: Linked, **change: int) -> dict[str, Any]:
    now = utcnow()
    row = {
        "document_id": linked.doc,
        "annotator_id": linked.annotator,
        "label_id": linked.label,
        "start": 15,
        "end": 19,
        "text": TEXT[15:19],
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    return row | change


def _relation_row(linked: Linked, **change: int) -> dict[str, Any]:
    row = {
        "document_id": linked.doc,
        "source_id": linked.target,
        "target_id": linked.source,
        "type_id": linked.rtype,
        "annotator_id": linked.annotator,
        "created_at": utcnow(),
    }
    return row | change


def _write(conn: Connection, table: Table, rows: list[dict[str, Any]], how: str) -> None:
    if how == "insert":
        conn.execute(insert(table), rows)
    else:  # the import's path: COPY on PostgreSQL, multi-row INSERT on SQLite
        bulk_insert(conn, table, list(rows[0]), [tuple(row.values()) for row in rows], binary=True)


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.parametrize("how", ["insert", "bulk"])
@pytest.mark.parametrize("column", ["document_id", "label_id", "annotator_id"])
def test_a_span_naming_a_missing_row_is_refused(
    conn: Connection, linked: Linked, column: str, how: str
) -> None:
    good = _span_row(linked)
    bad = _span_row(linked, start=20, end=23, **{column: MISSING})
    with pytest.raises(REFUSED) as caught:
        _write(conn, ANNOTATION, [good, bad], how)
    if conn.dialect.name == "postgresql":
        assert getattr(getattr(caught.value, "orig", caught.value), "sqlstate", None) == "23503"
        assert f"({column})=({MISSING})" in str(caught.value)


@pytest.mark.parametrize("how", ["insert", "bulk"])
@pytest.mark.parametrize("column", ["document_id", "source_id", "target_id", "type_id", "annotator_id"])
def test_a_relation_naming_a_missing_row_is_refused(
    conn: Connection, linked: Linked, column: str, how: str
) -> None:
    with pytest.raises(REFUSED) as caught:
        _write(conn, RELATION, [_relation_row(linked, **{column: MISSING})], how)
    if conn.dialect.name == "postgresql":
        assert f"({column})=({MISSING})" in str(caught.value)


def test_rows_naming_existing_rows_are_written(conn: Connection, linked: Linked) -> None:
    _write(conn, ANNOTATION, [_span_row(linked), _span_row(linked, start=20, end=23)], "bulk")
    _write(conn, RELATION, [_relation_row(linked)], "bulk")
    assert (_count(conn, ANNOTATION), _count(conn, RELATION)) == (4, 2)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        (ANNOTATION, "document_id"),
        (ANNOTATION, "label_id"),
        (ANNOTATION, "annotator_id"),
        (RELATION, "document_id"),
        (RELATION, "source_id"),
        (RELATION, "target_id"),
        (RELATION, "type_id"),
        (RELATION, "annotator_id"),
    ],
)
def test_changing_a_reference_to_a_missing_row_is_refused(
    conn: Connection, linked: Linked, table: Table, column: str
) -> None:
    with pytest.raises(IntegrityError):
        conn.execute(table.update().values({column: MISSING}))


def test_deleting_a_document_removes_its_spans_and_relations(conn: Connection, linked: Linked) -> None:
    _write(conn, ANNOTATION, [_span_row(linked)], "bulk")
    conn.execute(text("DELETE FROM document WHERE id = :d"), {"d": linked.doc})
    assert (_count(conn, ANNOTATION), _count(conn, RELATION)) == (0, 0)


@pytest.mark.parametrize("end", ["source", "target"])
def test_deleting_a_span_removes_its_relations(conn: Connection, linked: Linked, end: str) -> None:
    conn.execute(text("DELETE FROM annotation WHERE id = :s"), {"s": getattr(linked, end)})
    assert (_count(conn, ANNOTATION), _count(conn, RELATION)) == (1, 0)


@pytest.mark.parametrize(
    ("table", "attr"), [("label", "label"), ("annotator", "annotator"), ("relation_type", "rtype")]
)
def test_a_referenced_label_annotator_or_relation_type_cannot_be_deleted(
    conn: Connection, linked: Linked, table: str, attr: str
) -> None:
    with pytest.raises(IntegrityError):
        conn.execute(text(f"DELETE FROM {table} WHERE id = :i"), {"i": getattr(linked, attr)})


@pytest.mark.parametrize(
    ("table", "attr"),
    [
        ("document", "doc"),
        ("label", "label"),
        ("annotator", "annotator"),
        ("relation_type", "rtype"),
        ("annotation", "source"),
    ],
)
def test_a_referenced_id_cannot_change(conn: Connection, linked: Linked, table: str, attr: str) -> None:
    with pytest.raises(IntegrityError):
        conn.execute(
            text(f"UPDATE {table} SET id = :new WHERE id = :i"), {"i": getattr(linked, attr), "new": MISSING}
        )


def test_an_unreferenced_label_can_be_deleted(
    conn: Connection, linked: Linked, project: Project, store: Store
) -> None:
    with store.transaction() as tx:
        unused = add_label(tx, project.id, "UNUSED").id
    conn.execute(text("DELETE FROM label WHERE id = :i"), {"i": unused})
    assert conn.execute(text("SELECT count(*) FROM label WHERE id = :i"), {"i": unused}).scalar() == 0


def _postgres(store: Store) -> None:
    if store.is_sqlite:
        pytest.skip("PostgreSQL only")


def test_truncating_a_referenced_table_leaves_no_orphans(
    conn: Connection, linked: Linked, store: Store
) -> None:
    """PostgreSQL's TRUNCATE ... CASCADE followed foreign keys; it does not follow the triggers of
    0019, which refuse it instead: either way no span or relation is left without its document."""
    _postgres(store)
    with contextlib.suppress(DBAPIError), conn.begin_nested():
        conn.execute(text("TRUNCATE document CASCADE"))
    for table in ("annotation", "relation"):
        orphans = f"SELECT count(*) FROM {table} c WHERE NOT EXISTS (SELECT 1 FROM document d WHERE d.id = c.document_id)"
        assert conn.execute(text(orphans)).scalar() == 0


def test_deleting_a_parent_outside_read_committed_is_refused(linked: Linked, store: Store) -> None:
    """There the check could not see children committed after the snapshot (see 0019)."""
    _postgres(store)
    with store.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with pytest.raises(DBAPIError) as caught:
            connection.execute(text("DELETE FROM document WHERE id = :d"), {"d": linked.doc})
        assert getattr(caught.value.orig, "sqlstate", None) == "40001"
        connection.rollback()
    with store.engine.connect() as connection:
        assert _count(connection, ANNOTATION) == 2
