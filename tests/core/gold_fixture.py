"""A project where a reviewer adjudicated bob's reading into gold, and alice differs from it in
each way a comparison names; a second document of alice's is still unreviewed (gold hidden)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from annotator.model import Annotation, Relation, Role
from annotator.ops.importer import import_records
from annotator.ops.projects import ensure_annotator
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.review.gold import accept_relations, accept_spans, set_review_status
from annotator.store import Actor, Store
from tests.core.helpers import annotator_id

TEXT = "Minister Leo Park said the port will close. Unions called it a mistake. Nobody else spoke."
OTHER = "The harbour board met on Tuesday and said little."


def sp(sub: str, label: str, who: str, key: str, text: str = TEXT) -> SpanRecord:
    start = text.index(sub)
    return SpanRecord(start, start + len(sub), label, who, sub, key)


@dataclass(frozen=True)
class Adjudicated:
    done: int  # adjudicated: alice may compare
    open: int  # alice's work, review not finished: gold stays hidden
    reviewer: Actor


def adjudicated(store: Store, project_id: int) -> Adjudicated:
    first = DocRecord(
        TEXT,
        title="Port closure",
        spans=[
            sp("Leo Park", "ACTOR", "bob", "b1"),
            sp("the port will close", "QUOTE", "bob", "b2"),
            sp("it a mistake", "CLAIM", "bob", "b3"),
            sp("Nobody", "ACTOR", "bob", "b4"),
            sp("Leo Park", "ACTOR", "alice", "a1"),  # same as gold
            sp("the port will close", "CLAIM", "alice", "a2"),  # label differs
            sp("Unions", "ACTOR", "alice", "a3"),  # extra
            sp("called it a mistake", "CLAIM", "alice", "a4"),  # boundaries differ
        ],
        relations=[
            RelationRecord("b2", "b1", "speaker", "bob"),  # gold: missing for alice
            RelationRecord("a2", "a1", "claimant", "alice"),  # extra
        ],
    )
    second = DocRecord(OTHER, title="Board", spans=[sp("harbour board", "ACTOR", "alice", "c1", OTHER)])
    with store.transaction() as tx:
        ensure_annotator(tx, project_id, "riley", Role.REVIEWER)
        done, still_open = import_records(tx, project_id, [first, second]).document_ids
    riley = Actor("riley", annotator_id(store, project_id, "riley"), Role.REVIEWER.value)
    bob = annotator_id(store, project_id, "bob")
    with store.transaction(actor=riley) as tx:
        spans = tx.session.scalars(select(Annotation.id).where(Annotation.annotator_id == bob)).all()
        accept_spans(tx, list(spans))
        accept_relations(
            tx, tx.session.scalars(select(Relation.id).where(Relation.annotator_id == bob)).all()
        )
        set_review_status(tx, [done], "adjudicated")
    return Adjudicated(done, still_open, riley)
