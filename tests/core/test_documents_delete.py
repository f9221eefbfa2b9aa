"""Deleting documents: everything on them goes, undo brings back the same rows and ids, a
tombstone keeps merges and imports from silently bringing them back, ids are never reused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from annotator.errors import ConflictError, NotFoundError, ValidationError
from annotator.model import AuditEntry, Base, DeletedDocument, Document
from annotator.ops.annotations import create_span, delete_spans
from annotator.ops.documents import (
    batch_documents,
    batches,
    delete_documents,
    deleted_hashes,
    restore_documents,
    set_status,
)
from annotator.ops.importer import import_as_batch, import_records
from annotator.ops.labels import add_label, get_label, remove_label
from annotator.ops.relations import create_relation, delete_relation
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.review.gold import accept_spans, reject
from annotator.review.merge import merge
from annotator.store import Actor, Store
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Mayor Ada Stone said the bridge opens in May."


def _relation_type(store: Store, project_id: int, name: str = "speaker") -> int:
    from annotator.model import RelationType

    with store.session() as s:
        return s.scalars(
            select(RelationType.id).where(RelationType.project_id == project_id, RelationType.name == name)
        ).one()


def _everything(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the audit log and the tombstones, by table."""
    skip = {"audit", "deleted_document", "alembic_version"}
    with store.session() as s:
        return {
            t.name: [tuple(r) for r in s.execute(select(t).order_by(t.c.id))]
            for t in Base.metadata.sorted_tables
            if t.name not in skip
        }


def _annotated(store: Store, project_id: int, text: str = TEXT) -> tuple[int, list[int], int]:
    """A document with alice's quote and actor linked, bob's claim, a gold span and a rejection."""
    doc = add_doc(store, project_id, text, title="Bridge")
    alice, bob = annotator_id(store, project_id, "alice"), annotator_id(store, project_id, "bob")
    quote, actor, claim = (label_id(store, project_id, n) for n in ("QUOTE", "ACTOR", "CLAIM"))
    with store.transaction() as tx:
        a = create_span(tx, doc, 0, 14, actor, alice).id
        q = create_span(tx, doc, 15, 44, quote, alice).id
        c = create_span(tx, doc, 25, 44, claim, bob).id
        create_relation(tx, q, a, _relation_type(store, project_id), alice)
        set_status(tx, [doc], "done")
    reviewer = Actor("riley", None, "reviewer")
    with store.transaction(actor=reviewer) as tx:
        accept_spans(tx, [a])
        reject(tx, doc, claim, 25, 44)
    return doc, [a, q, c], alice


def test_delete_then_undo_restores_every_row_with_the_same_ids(store: Store, project: Any) -> None:
    doc, _spans, _alice = _annotated(store, project.id)
    other = add_doc(store, project.id, "Another text that stays.")
    before = _everything(store)
    with store.transaction() as tx:
        deleted = delete_documents(tx, [doc])
    assert (deleted.spans, deleted.relations) == (4, 1)
    after = _everything(store)
    assert [r[0] for r in after["document"]] == [other]
    assert after["annotation"] == [] and after["relation"] == [] and after["rejection"] == []
    with store.session() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "document", AuditEntry.action == "deleted")
        ).one()
        assert entry.entity_id == doc
        assert entry.detail is not None
        assert entry.detail["title"] == "Bridge" and entry.detail["spans"] == 4
        assert len(entry.detail["content_hash"]) == 64
        assert s.scalars(select(DeletedDocument.document_id)).all() == [doc]
    with store.transaction() as tx:
        restore_documents(tx, deleted)
    assert _everything(store) == before
    with store.session() as s:
        assert deleted_hashes(s, project.id) == set()


def test_unknown_document_deletes_nothing(store: Store, project: Any) -> None:
    doc = add_doc(store, project.id, TEXT)
    with pytest.raises(NotFoundError), store.transaction() as tx:
        delete_documents(tx, [doc, doc + 100])
    with store.session() as s:
        assert s.get(Document, doc) is not None


def test_an_annotator_may_not_delete_a_document_with_others_labels(store: Store, project: Any) -> None:
    doc, _spans, alice = _annotated(store, project.id)
    bob = annotator_id(store, project.id, "bob")
    with pytest.raises(ValidationError, match="reviewer"), store.transaction(actor=Actor("bob", bob)) as tx:
        delete_documents(tx, [doc])
    mine = add_doc(store, project.id, "Only alice works here.")
    with store.transaction() as tx:
        create_span(tx, mine, 0, 4, label_id(store, project.id, "CLAIM"), alice)
    with store.transaction(actor=Actor("alice", alice)) as tx:
        assert delete_documents(tx, [mine]).spans == 1


def test_ids_of_deleted_rows_are_never_handed_out_again(store: Store, project: Any) -> None:
    """A new span must not get a deleted span's id (its history would mix with the old one's)."""
    alice = annotator_id(store, project.id, "alice")
    actor, quote = label_id(store, project.id, "ACTOR"), label_id(store, project.id, "QUOTE")
    doc = add_doc(store, project.id, TEXT)
    with store.transaction() as tx:
        a = create_span(tx, doc, 0, 14, actor, alice).id
        q = create_span(tx, doc, 15, 44, quote, alice).id
        rel = create_relation(tx, q, a, _relation_type(store, project.id), alice).id
    with store.transaction() as tx:
        delete_relation(tx, rel)
        delete_spans(tx, [q])
    with store.transaction() as tx:
        q2 = create_span(tx, doc, 15, 44, quote, alice).id
        rel2 = create_relation(tx, q2, a, _relation_type(store, project.id), alice).id
    assert q2 > q and rel2 > rel
    with store.transaction() as tx:
        delete_documents(tx, [doc])
    assert add_doc(store, project.id, TEXT + " Again.") > doc
    with store.transaction() as tx:
        place = add_label(tx, project.id, "PLACE").id
    with store.transaction() as tx:
        remove_label(tx, get_label(tx, project.id, "PLACE"))
    with store.transaction() as tx:
        assert add_label(tx, project.id, "TOWN").id > place


def test_a_bulk_import_numbers_spans_above_deleted_ones(store: Store, project: Any) -> None:
    """Imports that hand out span ids themselves (SQLite) start above every id ever used."""
    alice = annotator_id(store, project.id, "alice")
    doc = add_doc(store, project.id, TEXT)
    with store.transaction() as tx:
        last = create_span(tx, doc, 0, 14, label_id(store, project.id, "ACTOR"), alice).id
    with store.transaction() as tx:
        delete_spans(tx, [last])
    record = DocRecord(
        text="Critic Bo Lind replied that it will not.",
        spans=[
            SpanRecord(0, 14, "ACTOR", "alice", key="a"),
            SpanRecord(15, 40, "QUOTE", "alice", key="q"),
        ],
        relations=[RelationRecord("q", "a", "speaker", "alice")],
    )
    with store.transaction() as tx:
        import_records(tx, project.id, [record])
    with store.session() as s:
        from annotator.model import Annotation, Relation

        spans = {a.start: a.id for a in s.scalars(select(Annotation))}
        assert min(spans.values()) > last
        rel = s.scalars(select(Relation)).one()
        assert (rel.source_id, rel.target_id) == (spans[15], spans[0])


def _doc(text: str, *spans: SpanRecord) -> DocRecord:
    return DocRecord(text=text, title=text[:10], spans=list(spans))


def test_import_skips_deleted_texts_unless_asked(store: Store, project: Any) -> None:
    with store.transaction() as tx:
        batch, result = import_as_batch(tx, project.id, [_doc(TEXT), _doc("Second text.")], "two.jsonl")
    first = result.document_ids[0]
    with store.transaction() as tx:
        delete_documents(tx, [first])
    with store.transaction() as tx:
        again = import_records(tx, project.id, [_doc(TEXT, SpanRecord(0, 5, "ACTOR", "alice"))])
    assert again.documents_added == 0 and again.documents_deleted == 1 and again.spans_added == 0
    assert "1 document(s) skipped: deleted" in again.summary()
    with store.transaction() as tx:
        back = import_records(tx, project.id, [_doc(TEXT)], restore_deleted=True)
    assert back.documents_added == 1 and back.document_ids[0] > first
    with store.session() as s:
        assert deleted_hashes(s, project.id) == set()
        rows = batches(s, project.id)
        assert [(r.id, r.source, r.added, r.remaining) for r in rows] == [(batch, "two.jsonl", 2, 1)]
        assert len(batch_documents(s, project.id, batch)) == 1


def test_merge_does_not_resurrect_a_deleted_document(store: Store, project: Any) -> None:
    teammate = [
        _doc(TEXT, SpanRecord(0, 14, "ACTOR", "carol", key="a")),
        _doc("Kept text here.", SpanRecord(0, 4, "CLAIM", "carol")),
    ]
    summary = merge(store, project.id, teammate)
    with store.session() as s:
        doc = s.scalars(select(Document.id).where(Document.title == TEXT[:10])).one()
    with store.transaction() as tx:
        delete_documents(tx, [doc])
    summary = merge(store, project.id, teammate)
    assert summary.documents_added == 0 and summary.documents_deleted == 1
    assert "1 document(s) skipped: deleted" in summary.summary()
    with store.session() as s:
        assert s.scalars(select(Document.title)).all() == ["Kept text "]
    summary = merge(store, project.id, teammate, restore_deleted=True)
    assert summary.documents_added == 1 and summary.spans_added == 1


def test_db_copy_carries_batches_and_tombstones(store: Store, project: Any, tmp_path: Any) -> None:
    from annotator.dbcopy import copy_projects
    from annotator.store import open_store

    with store.transaction() as tx:
        _batch, result = import_as_batch(tx, project.id, [_doc(TEXT), _doc("Second text.")], "two.jsonl")
    with store.transaction() as tx:
        delete_documents(tx, [result.document_ids[0]])
    copy = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        copy_projects(store, copy)
        with copy.session() as s:
            copied = s.scalars(select(Document.project_id)).one()
            (row,) = batches(s, copied)
            assert (row.source, row.added, row.remaining) == ("two.jsonl", 2, 1)
            assert len(deleted_hashes(s, copied)) == 1
    finally:
        copy.close()


def test_undo_after_the_label_went_is_refused_cleanly(store: Store, project: Any) -> None:
    alice = annotator_id(store, project.id, "alice")
    doc = add_doc(store, project.id, TEXT)
    with store.transaction() as tx:
        place = add_label(tx, project.id, "PLACE").id
        create_span(tx, doc, 0, 5, place, alice)
    with store.transaction() as tx:
        deleted = delete_documents(tx, [doc])
    with store.transaction() as tx:
        remove_label(tx, get_label(tx, project.id, "PLACE"))
    with pytest.raises(ConflictError, match="cannot come back"), store.transaction() as tx:
        restore_documents(tx, deleted)
    with store.session() as s:
        assert s.get(Document, doc) is None and deleted_hashes(s, project.id)
