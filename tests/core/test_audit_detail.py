"""The audit log alone tells what happened: deletes say what was deleted, renames both names."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from annotator.model import AuditEntry, Project, RelationType
from annotator.ops.annotations import create_span, delete_spans, update_span
from annotator.ops.labels import get_label, remove_label, remove_relation_type, update_label
from annotator.ops.relations import create_relation, delete_relation
from annotator.ops.span_restore import restore
from annotator.store import Actor, Store
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Mayor Ana Ruiz said the bridge opens in May."


def _log(store: Store, entity: str, entity_id: int | None = None) -> list[AuditEntry]:
    with store.session() as s:
        query = select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == entity_id)
        return list(s.scalars(query))


def replay(entries: list[AuditEntry]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """A span's states, from its audit entries only: (action, who, the span after it)."""
    states: list[tuple[str, str, dict[str, Any] | None]] = []
    state: dict[str, Any] | None = None
    for entry in entries:
        detail = entry.detail or {}
        if entry.action == "created":
            state = {k: detail[k] for k in ("start", "end", "label", "text", "annotator")}
        elif entry.action == "updated":
            assert state is not None
            assert {k: state[k] for k in detail["before"] if k in state} == {
                k: v for k, v in detail["before"].items() if k in state
            }
            state = {**state, **{k: v for k, v in detail["after"].items() if k != "label_id"}}
        else:
            assert {k: detail[k] for k in ("start", "end", "label", "text", "annotator")} == state
            state = None
        states.append((entry.action, entry.actor, state))
    return states


def test_a_spans_history_is_rebuilt_from_the_log_alone(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT)
    alice = Actor("alice", annotator_id(store, project.id, "alice"))
    assert alice.id is not None
    with store.transaction(actor=alice) as tx:
        span = create_span(tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), alice.id)
    with store.transaction(actor=alice) as tx:
        update_span(tx, span.id, start=0, label_id=label_id(store, project.id, "CLAIM"))
    with store.transaction(actor=alice) as tx:
        gone = delete_spans(tx, [span.id])
    with store.transaction(actor=alice) as tx:
        restore(tx, *gone)  # an undo
    with store.transaction() as tx:  # the label goes, and its spans with it
        remove_label(tx, get_label(tx, project.id, "CLAIM"), delete_annotations=True)
    # Nothing of the span is left in the database; its log tells the whole story.
    common = {"annotator": "alice"}
    assert replay(_log(store, "annotation", span.id)) == [
        ("created", "alice", {"start": 6, "end": 14, "label": "ACTOR", "text": "Ana Ruiz", **common}),
        ("updated", "alice", {"start": 0, "end": 14, "label": "CLAIM", "text": "Mayor Ana Ruiz", **common}),
        ("deleted", "alice", None),
        ("created", "alice", {"start": 0, "end": 14, "label": "CLAIM", "text": "Mayor Ana Ruiz", **common}),
        ("deleted", _log(store, "label")[-1].actor, None),
    ]
    assert _log(store, "annotation", span.id)[2].detail["document"] == doc  # type: ignore[index]


def test_relation_deletes_record_type_ends_and_owner(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT)
    alice = annotator_id(store, project.id, "alice")
    with store.transaction() as tx:
        who = create_span(tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), alice)
        said = create_span(tx, doc, 20, 44, label_id(store, project.id, "CLAIM"), alice)
        kind = tx.session.scalars(select(RelationType).where(RelationType.name == "claimant")).one()
        first = create_relation(tx, said.id, who.id, kind.id, alice)
    with store.transaction() as tx:
        delete_relation(tx, first.id)
    with store.transaction() as tx:
        second = create_relation(tx, said.id, who.id, kind.id, alice)
    with store.transaction() as tx:
        delete_spans(tx, [who.id])  # takes the relation with it
    with store.transaction() as tx:
        third = create_relation(
            tx,
            said.id,
            create_span(tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), alice).id,
            kind.id,
            alice,
        )
    with store.transaction() as tx:
        remove_relation_type(tx, tx.session.get_one(RelationType, kind.id), delete_relations=True)
    expected = {
        "document": doc,
        "type": "claimant",
        "annotator": "alice",
        "source": {"start": 20, "end": 44, "label": "CLAIM", "text": "the bridge opens in May."},
        "target": {"start": 6, "end": 14, "label": "ACTOR", "text": "Ana Ruiz"},
    }
    entries = _log(store, "relation")
    assert [(e.action, e.entity_id) for e in entries] == [
        (action, r.id) for r in (first, second, third) for action in ("created", "deleted")
    ]
    for entry in entries:
        detail = dict(entry.detail or {})
        for end in ("source", "target"):
            detail[end] = {k: v for k, v in detail[end].items() if k != "id"}
        assert {k: detail[k] for k in expected} == expected


def test_label_renames_record_both_names(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        update_label(tx, get_label(tx, project.id, "ACTOR"), name="SPEAKER", color="#112233")
    with store.transaction() as tx:
        remove_label(tx, get_label(tx, project.id, "SPEAKER"), delete_annotations=True)
    renamed, removed = _log(store, "label")[-2:]
    assert renamed.detail is not None and removed.detail is not None
    assert renamed.detail["before"]["name"] == "ACTOR" and renamed.detail["after"]["name"] == "SPEAKER"
    assert renamed.detail["after"]["color"] == "#112233"
    assert removed.detail["name"] == "SPEAKER"
