"""Codebook edits are undo steps: renaming an attribute moves its values, and undo moves them
back, on spans and on documents; a deleted definition comes back with its id."""

from __future__ import annotations

from sqlalchemy import select

from annotator import undo as undo_log
from annotator.attributes import define_attribute, delete_attribute, get_attribute, update_attribute
from annotator.attributes_documents import set_document_value
from annotator.attributes_values import set_value
from annotator.model import Annotation, AttributeDef, DocumentAttribute, Project
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator
from annotator.store import Actor, Store
from annotator.undo import schema_step
from tests.core.helpers import add_doc, annotator_id, label_id


def _setup(store: Store, project: Project) -> tuple[Actor, int, int, int]:
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "ana")
    ana = Actor("ana", annotator_id(store, project.id, "ana"))
    doc = add_doc(store, project.id, '"We stay," Ana Ruiz said.')
    quote = label_id(store, project.id, "QUOTE")
    with store.transaction(actor=ana) as tx:
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
        define_attribute(tx, project.id, "", "genre", "choice", ["news", "opinion"], scope="document")
        span = create_span(tx, doc, 0, 10, quote, ana.id).id
        set_value(tx, "span", span, "type", "direct")
        assert ana.id is not None
        set_document_value(tx, doc, ana.id, "genre", "news")
    return ana, doc, quote, span


def _state(store: Store) -> tuple[list[str], list[object], list[object]]:
    with store.session() as s:
        names = sorted(s.scalars(select(AttributeDef.name)))
        spans = [a.attributes for a in s.scalars(select(Annotation))]
        docs = [d.attributes for d in s.scalars(select(DocumentAttribute))]
    return names, spans, docs


def test_renaming_attributes_undoes_with_their_values(store: Store, project: Project) -> None:
    ana, _doc, quote, _span = _setup(store, project)
    before = _state(store)
    with store.transaction(actor=ana) as tx, schema_step(tx, "Rename QUOTE.type", project.id, labels=[quote]):
        update_attribute(tx, get_attribute(tx.session, project.id, "QUOTE", "type"), name="kind")
    with store.transaction(actor=ana) as tx, schema_step(tx, "Rename genre", project.id, doc_values=True):
        update_attribute(tx, get_attribute(tx.session, project.id, "", "genre", "document"), name="section")
    renamed = _state(store)
    assert renamed[0] == ["kind", "section"] and renamed[1] == [{"kind": "direct"}]
    assert renamed[2] == [{"section": "news"}]
    with store.transaction(actor=ana) as tx:
        undo_log.undo(tx)
        undo_log.undo(tx)
    assert _state(store) == before
    with store.transaction(actor=ana) as tx:
        undo_log.redo(tx)
        undo_log.redo(tx)
    assert _state(store) == renamed


def test_a_deleted_definition_comes_back_with_its_id(store: Store, project: Project) -> None:
    ana, _doc, _quote, _span = _setup(store, project)
    with store.transaction(actor=ana) as tx:
        define_attribute(tx, project.id, "ACTOR", "role", "text")
    with store.session() as s:
        role = s.scalar(select(AttributeDef.id).where(AttributeDef.name == "role"))
    with store.transaction(actor=ana) as tx, schema_step(tx, "Delete ACTOR.role", project.id):
        delete_attribute(tx, get_attribute(tx.session, project.id, "ACTOR", "role"))
    with store.transaction(actor=ana) as tx:
        undo_log.undo(tx)
    with store.session() as s:
        assert s.scalar(select(AttributeDef.id).where(AttributeDef.name == "role")) == role
