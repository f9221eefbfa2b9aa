"""Rejecting a relation disagreement in review: the core op, who may, undo, accept, cascades."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import (
    Annotation,
    Document,
    Label,
    Project,
    Relation,
    RelationRejection,
    RelationType,
    Role,
)
from annotator.ops.importer import import_records
from annotator.ops.labels import remove_label, remove_relation_type
from annotator.ops.projects import ensure_annotator
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.review.curation import State, load_curation
from annotator.review.gold import SpanKey, accept_relations, reject_relation, unreject_relation
from annotator.review.state import GoldChange, apply_change, capture, diff
from annotator.store import Actor, Store, Tx
from tests.core.helpers import annotator_id

TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree.'
QUOTE, RUIZ = '"The bridge opens in May."', "Ana Ruiz"


def _span(sub: str, label: str, who: str, key: str) -> SpanRecord:
    start = TEXT.index(sub)
    return SpanRecord(start, start + len(sub), label, who, sub, key)


def _doc(store: Store, project: Project, bob_quote: str = QUOTE) -> int:
    """alice and bob agree on Ana Ruiz (and by default on the quote); only alice links the quote
    to its speaker."""
    record = DocRecord(
        TEXT,
        spans=[
            _span(RUIZ, "ACTOR", "alice", "1"),
            _span(QUOTE, "QUOTE", "alice", "2"),
            _span(RUIZ, "ACTOR", "bob", "3"),
            _span(bob_quote, "QUOTE", "bob", "4"),
        ],
        relations=[RelationRecord("2", "1", "speaker", "alice")],
    )
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        return import_records(tx, project.id, [record]).document_ids[0]


def _riley(store: Store, project: Project) -> Actor:
    return Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)


def _relation(store: Store, doc: int) -> tuple[int, int, SpanKey, SpanKey]:
    """alice's relation: its id, type id and its ends' (start, end, label id)."""
    with store.session() as s:
        rel = s.scalars(select(Relation).where(Relation.document_id == doc)).one()
        source, target = s.get_one(Annotation, rel.source_id), s.get_one(Annotation, rel.target_id)
        return (
            rel.id,
            rel.type_id,
            (source.start, source.end, source.label_id),
            (target.start, target.end, target.label_id),
        )


def _unit_state(store: Store, project: Project, doc: int) -> State:
    people = [annotator_id(store, project.id, n) for n in ("alice", "bob")]
    with store.session() as s:
        cur = load_curation(s, doc, people)
    (unit,) = [u for u in cur.disagreements() if u.links]
    return cur.unit_state(unit)


def _rejections(store: Store) -> list[tuple[object, ...]]:
    with store.session() as s:
        return [
            (
                r.type_id,
                r.source_start,
                r.source_end,
                r.source_label_id,
                r.target_start,
                r.target_end,
                r.target_label_id,
                r.reviewer_id,
            )
            for r in s.scalars(select(RelationRejection))
        ]


def _act(store: Store, actor: Actor, doc: int, action) -> GoldChange:  # type: ignore[no-untyped-def]
    with store.transaction(actor=actor) as tx:
        before = capture(tx.session, doc)
        action(tx)
        tx.session.flush()
        return diff(before, capture(tx.session, doc))


def test_a_reviewer_rejects_a_relation_and_it_counts_as_resolved(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    riley = _riley(store, project)
    _rel, kind, source, target = _relation(store, doc)
    assert _unit_state(store, project, doc) == State.OPEN
    with store.transaction(actor=riley) as tx:
        first = reject_relation(tx, doc, kind, source, target)
        assert reject_relation(tx, doc, kind, source, target) == first  # once is enough
        changes = list(tx.changes)
    assert _rejections(store) == [(kind, *source, *target, riley.id)]
    assert changes[-1].detail == {"rejected_relation": [kind, list(source), list(target)]}
    assert _unit_state(store, project, doc) == State.REJECTED
    with store.session() as s:
        assert s.get_one(Document, doc).review_status == "in review"
    with store.transaction(actor=riley) as tx:
        unreject_relation(tx, first)
    assert _rejections(store) == [] and _unit_state(store, project, doc) == State.OPEN
    with pytest.raises(NotFoundError), store.transaction(actor=riley) as tx:
        unreject_relation(tx, first)


def test_only_reviewers_reject_relations(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    _rel, kind, source, target = _relation(store, doc)
    alice = Actor("alice", annotator_id(store, project.id, "alice"))
    with pytest.raises(ValidationError, match="not a reviewer"), store.transaction(actor=alice) as tx:
        reject_relation(tx, doc, kind, source, target)
    assert _rejections(store) == []
    with store.transaction(actor=_riley(store, project)) as tx:
        rejection = reject_relation(tx, doc, kind, source, target)
    with pytest.raises(ValidationError, match="not a reviewer"), store.transaction(actor=alice) as tx:
        unreject_relation(tx, rejection)
    assert len(_rejections(store)) == 1


def test_accepting_removes_the_rejection_and_rejecting_removes_the_gold_relation(
    store: Store, project: Project
) -> None:
    doc = _doc(store, project)
    riley = _riley(store, project)
    rel, kind, source, target = _relation(store, doc)
    with store.transaction(actor=riley) as tx:
        reject_relation(tx, doc, kind, source, target)
        (gold,) = accept_relations(tx, [rel])
    assert _rejections(store) == [] and _unit_state(store, project, doc) == State.ACCEPTED
    with store.transaction(actor=riley) as tx:
        reject_relation(tx, doc, kind, source, target)
    with store.session() as s:
        assert s.get(Relation, gold) is None  # out of gold; its spans stay
        gold_spans = s.scalars(select(Annotation.text).where(Annotation.sources.is_not(None))).all()
        assert sorted(gold_spans) == sorted([QUOTE, RUIZ])
    assert _unit_state(store, project, doc) == State.REJECTED


def test_undo_and_redo_of_a_relation_reject(store: Store, project: Project) -> None:
    doc = _doc(store, project)
    riley = _riley(store, project)
    rel, kind, source, target = _relation(store, doc)
    accepted = _act(store, riley, doc, lambda tx: accept_relations(tx, [rel]))
    rejected = _act(store, riley, doc, lambda tx: reject_relation(tx, doc, kind, source, target))
    assert len(rejected.relation_rejections) == 1 and len(rejected.links) == 1 and not rejected.spans
    (rejection_id,) = rejected.relation_rejections
    with store.transaction(actor=riley) as tx:
        apply_change(tx, rejected, undo=True)
    assert _rejections(store) == [] and _unit_state(store, project, doc) == State.ACCEPTED
    with store.transaction(actor=riley) as tx:
        apply_change(tx, accepted, undo=True)
    assert _unit_state(store, project, doc) == State.OPEN
    with store.session() as s:
        assert s.get_one(Document, doc).review_status == "unreviewed"
    with store.transaction(actor=riley) as tx:
        apply_change(tx, accepted, undo=False)
        apply_change(tx, rejected, undo=False)
    assert _rejections(store) == [(kind, *source, *target, riley.id)]
    with store.session() as s:
        assert s.scalars(select(RelationRejection.id)).one() == rejection_id  # the very same row
    assert _unit_state(store, project, doc) == State.REJECTED
    alice = Actor("alice", annotator_id(store, project.id, "alice"))
    with pytest.raises(ValidationError, match="not a reviewer"), store.transaction(actor=alice) as tx:
        apply_change(tx, rejected, undo=True)


def _reject(store: Store, project: Project, doc: int) -> None:
    _rel, kind, source, target = _relation(store, doc)
    with store.transaction(actor=_riley(store, project)) as tx:
        reject_relation(tx, doc, kind, source, target)
    assert len(_rejections(store)) == 1


def _remove_type(tx: Tx) -> None:
    rtype = tx.session.scalars(select(RelationType).where(RelationType.name == "speaker")).one()
    remove_relation_type(tx, rtype, delete_relations=True)


def _remove_label(tx: Tx) -> None:
    label = tx.session.scalars(select(Label).where(Label.name == "ACTOR")).one()
    remove_label(tx, label, delete_annotations=True)


@pytest.mark.parametrize("removal", [_remove_type, _remove_label], ids=["type", "label"])
def test_removing_a_type_or_label_takes_its_relation_rejections(
    store: Store, project: Project, removal: Callable[[Tx], None]
) -> None:
    doc = _doc(store, project)
    _reject(store, project, doc)
    with store.transaction() as tx:
        removal(tx)
    assert _rejections(store) == []
