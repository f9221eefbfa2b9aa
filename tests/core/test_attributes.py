"""Typed attributes (the codebook): definitions and values, checked, undoable and audited, on
SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from annotator import undo as log
from annotator.attributes import (
    define_attribute,
    delete_attribute,
    get_attribute,
    list_attributes,
    update_attribute,
)
from annotator.attributes_values import parse_value, set_value, set_value_step
from annotator.errors import AnnotatorError, NotFoundError, ValidationError
from annotator.model import Annotation, AuditEntry, Project, Relation, RelationType
from annotator.ops.annotations import create_span, update_span
from annotator.ops.relations import create_relation
from annotator.store import Store
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Mayor Ana Ruiz said the bridge opens in May. Critics doubt it."


def _codebook(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect", "mixed"])
        define_attribute(tx, project.id, "QUOTE", "topics", "multi", ["economy", "traffic"])
        define_attribute(tx, project.id, "QUOTE", "verified", "bool")
        define_attribute(tx, project.id, "QUOTE", "confidence", "number")
        define_attribute(tx, project.id, "ACTOR", "role", "text", description="the speaker's office")


def _span(store: Store, project: Project, label: str = "QUOTE", who: str = "alice") -> int:
    doc = add_doc(store, project.id, TEXT)
    with store.transaction() as tx:
        return create_span(
            tx, doc, 20, 44, label_id(store, project.id, label), annotator_id(store, project.id, who)
        ).id


def _values(store: Store, span_id: int) -> Any:
    with store.session() as s:
        return s.scalar(select(Annotation.attributes).where(Annotation.id == span_id))


def test_definitions_are_listed_in_order_with_their_owner(store: Store, project: Project) -> None:
    _codebook(store, project)
    with store.session() as s:
        rows = list_attributes(s, project.id)
    assert [a.qualified for a in rows if a.owner == "QUOTE"] == [
        "QUOTE.type",
        "QUOTE.topics",
        "QUOTE.verified",
        "QUOTE.confidence",
    ]
    role = next(a for a in rows if a.name == "role")
    assert (role.kind, role.description) == ("text", "the speaker's office")


@pytest.mark.parametrize(
    ("owner", "name", "kind", "choices", "message"),
    [
        ("QUOTE", "type", "choice", ["a"], "has an attribute 'type' already"),
        ("NOPE", "x", "text", [], "no label 'NOPE'"),
        ("QUOTE", "x", "choice", [], "needs its values"),
        ("QUOTE", "x", "bool", ["a"], "takes no --values"),
        ("QUOTE", "x", "colour", [], "is not one of choice"),
        ("QUOTE", "x", "choice", ["a", "a"], "listed twice"),
    ],
)
def test_bad_definitions_are_refused(
    store: Store, project: Project, owner: str, name: str, kind: str, choices: list[str], message: str
) -> None:
    _codebook(store, project)
    with pytest.raises(AnnotatorError, match=message), store.transaction() as tx:
        define_attribute(tx, project.id, owner, name, kind, choices)


def test_values_are_checked_and_nothing_is_written_when_bad(store: Store, project: Project) -> None:
    _codebook(store, project)
    span = _span(store, project)
    bad: list[tuple[str, Any, type[Exception], str]] = [
        ("type", "quoted", ValidationError, "not one of direct, indirect, mixed"),
        ("type", 3, ValidationError, "not one of"),
        ("verified", "yes", ValidationError, "yes/no"),
        ("confidence", "high", ValidationError, "is a number"),
        ("confidence", True, ValidationError, "is a number"),
        ("topics", ["economy", "sport"], ValidationError, "'sport' is not one of"),
        ("stance", "pro", NotFoundError, "no attribute 'stance'"),
    ]
    for name, value, error, message in bad:
        with pytest.raises(error, match=message), store.transaction() as tx:
            set_value(tx, "span", span, name, value)
    with pytest.raises(NotFoundError, match="no span with id 999"), store.transaction() as tx:
        set_value(tx, "span", 999, "type", "direct")
    assert _values(store, span) is None


def test_set_clear_undo_redo_and_audit(store: Store, project: Project) -> None:
    _codebook(store, project)
    span = _span(store, project)
    alice = annotator_id(store, project.id, "alice")
    with store.transaction() as tx:
        set_value_step(tx, "span", span, "type", "direct")
    with store.transaction() as tx:
        set_value_step(tx, "span", span, "topics", ["traffic", "economy"])
    assert _values(store, span) == {"type": "direct", "topics": ["economy", "traffic"]}
    with store.transaction() as tx:
        set_value_step(tx, "span", span, "type", None)
    assert _values(store, span) == {"topics": ["economy", "traffic"]}
    with store.transaction() as tx:
        log.undo(tx, alice)
    assert _values(store, span) == {"type": "direct", "topics": ["economy", "traffic"]}
    with store.transaction() as tx:
        log.undo(tx, alice)
        log.undo(tx, alice)
    assert _values(store, span) is None
    with store.transaction() as tx:
        log.redo(tx, alice)
    assert _values(store, span) == {"type": "direct"}
    with store.session() as s:
        details = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "annotation"))]
    assert {"attribute": "QUOTE.type", "before": None, "after": "direct"} in details


def test_values_of_the_label_only(store: Store, project: Project) -> None:
    """An ACTOR span has ACTOR's attributes, not QUOTE's."""
    _codebook(store, project)
    span = _span(store, project, "ACTOR")
    with pytest.raises(NotFoundError, match="its attributes: role"), store.transaction() as tx:
        set_value(tx, "span", span, "type", "direct")
    with store.transaction() as tx:
        set_value(tx, "span", span, "role", "mayor")
    assert _values(store, span) == {"role": "mayor"}


def test_relation_attributes(store: Store, project: Project) -> None:
    _codebook(store, project)
    quote = _span(store, project)
    with store.session() as s:
        rtype = s.scalars(select(RelationType).where(RelationType.project_id == project.id)).first()
        assert rtype is not None
        doc = s.get(Annotation, quote).document_id  # type: ignore[union-attr]
    with store.transaction() as tx:
        define_attribute(tx, project.id, rtype.name, "certain", "bool", scope="relation")
        actor = create_span(
            tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), annotator_id(store, project.id, "alice")
        )
        rel = create_relation(tx, quote, actor.id, rtype.id, annotator_id(store, project.id, "alice")).id
    with store.transaction() as tx:
        set_value_step(tx, "relation", rel, "certain", True)
    with store.session() as s:
        assert s.scalar(select(Relation.attributes).where(Relation.id == rel)) == {"certain": True}


def test_delete_is_refused_while_in_use_and_rename_moves_values(store: Store, project: Project) -> None:
    _codebook(store, project)
    span = _span(store, project)
    with store.transaction() as tx:
        set_value(tx, "span", span, "type", "mixed")
    with pytest.raises(ValidationError, match="set on 1 span"), store.transaction() as tx:
        delete_attribute(tx, get_attribute(tx.session, project.id, "QUOTE", "type"))
    with pytest.raises(ValidationError, match="'mixed' is used by 1 span"), store.transaction() as tx:
        update_attribute(
            tx, get_attribute(tx.session, project.id, "QUOTE", "type"), choices=["direct", "indirect"]
        )
    with store.transaction() as tx:
        update_attribute(tx, get_attribute(tx.session, project.id, "QUOTE", "type"), name="kind")
    assert _values(store, span) == {"kind": "mixed"}
    with store.transaction() as tx:
        set_value(tx, "span", span, "kind", None)
        delete_attribute(tx, get_attribute(tx.session, project.id, "QUOTE", "kind"))
    with store.session() as s:
        assert "kind" not in [a.name for a in list_attributes(s, project.id)]


def test_another_annotators_values_are_refused(store: Store, project: Project) -> None:
    from annotator.store import Actor

    _codebook(store, project)
    span = _span(store, project, who="alice")
    bob = Actor("bob", annotator_id(store, project.id, "bob"), "annotator")
    with (
        pytest.raises(ValidationError, match="belongs to another annotator"),
        store.transaction(actor=bob) as tx,
    ):
        set_value_step(tx, "span", span, "type", "direct")
    assert _values(store, span) is None


def test_parse_value_reads_text_of_each_kind(store: Store, project: Project) -> None:
    _codebook(store, project)
    with store.session() as s:
        rows = {a.name: a for a in list_attributes(s, project.id)}
    assert parse_value(rows["verified"], "Yes") is True
    assert parse_value(rows["confidence"], "2") == 2
    assert parse_value(rows["confidence"], "2.5") == 2.5
    assert parse_value(rows["topics"], "traffic,economy") == ["economy", "traffic"]
    with pytest.raises(ValidationError, match="neither"):
        parse_value(rows["verified"], "maybe")


def test_relabelling_keeps_values_only_of_attributes_the_new_label_has(
    store: Store, project: Project
) -> None:
    _codebook(store, project)
    span = _span(store, project)
    with store.transaction() as tx:
        set_value(tx, "span", span, "type", "direct")
    with store.transaction() as tx:
        update_span(tx, span, label_id=label_id(store, project.id, "CLAIM"))
    assert _values(store, span) is None
