"""Who may change what, conflicting edits, and the audit log of every change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from annotator.audit import history
from annotator.errors import ConflictError, ValidationError
from annotator.model import AuditEntry, Project, RelationType
from annotator.ops.annotations import create_span, delete_spans, update_span
from annotator.ops.relations import create_relation, delete_relation
from annotator.store import Actor, Store
from tests.core.helpers import add_doc, annotator_id, label_id


def _setup(store: Store, project: Project) -> tuple[int, int, int, Actor, Actor]:
    doc = add_doc(store, project.id, "Mayor Ana Ruiz said the bridge opens in May.")
    actor = label_id(store, project.id, "ACTOR")
    claim = label_id(store, project.id, "CLAIM")
    alice = Actor("alice", annotator_id(store, project.id, "alice"))
    bob = Actor("bob", annotator_id(store, project.id, "bob"))
    return doc, actor, claim, alice, bob


def test_an_annotator_changes_only_their_own_annotations(store: Store, project: Project) -> None:
    doc, actor, claim, alice, bob = _setup(store, project)
    assert alice.id is not None and bob.id is not None
    with store.transaction(actor=alice) as tx:
        span = create_span(tx, doc, 6, 14, actor, alice.id)
        said = create_span(tx, doc, 20, 44, claim, alice.id)
        speaker = tx.session.scalars(select(RelationType.id).where(RelationType.name == "claimant")).one()
        rel = create_relation(tx, said.id, span.id, speaker, alice.id)
    with pytest.raises(ValidationError, match="another annotator's name"), store.transaction(actor=bob) as tx:
        create_span(tx, doc, 0, 5, actor, alice.id)
    with (
        pytest.raises(ValidationError, match="belongs to another annotator"),
        store.transaction(actor=bob) as tx,
    ):
        update_span(tx, span.id, label_id=claim)
    with (
        pytest.raises(ValidationError, match="belongs to another annotator"),
        store.transaction(actor=bob) as tx,
    ):
        delete_spans(tx, [span.id])
    with (
        pytest.raises(ValidationError, match="belongs to another annotator"),
        store.transaction(actor=bob) as tx,
    ):
        delete_relation(tx, rel.id)
    with store.transaction(actor=alice) as tx:
        update_span(tx, span.id, end=15)


def test_concurrent_edit_of_one_span_is_refused_not_overwritten(store: Store, project: Project) -> None:
    doc, actor, claim, alice, _bob = _setup(store, project)
    assert alice.id is not None
    with store.transaction() as tx:
        span = create_span(tx, doc, 6, 14, actor, alice.id)
    seen_by_first = seen_by_second = span.version
    with store.transaction() as tx:
        update_span(tx, span.id, label_id=claim, expected_version=seen_by_first)
    with pytest.raises(ConflictError, match="changed by someone else"), store.transaction() as tx:
        update_span(tx, span.id, end=10, expected_version=seen_by_second)
    with store.session() as s:
        rows = history(s, "annotation", span.id)
    assert [r.action for r in rows] == ["created", "updated"]


def test_every_change_is_audited_with_who_and_what(store: Store, project: Project) -> None:
    doc, actor, claim, alice, _bob = _setup(store, project)
    assert alice.id is not None
    with store.transaction(actor=alice) as tx:
        span = create_span(tx, doc, 6, 14, actor, alice.id)
    with store.transaction(actor=alice) as tx:
        update_span(tx, span.id, label_id=claim)
    with store.transaction(actor=alice) as tx:
        delete_spans(tx, [span.id])
    with store.session() as s:
        rows = history(s, "annotation", span.id)
        imports = s.scalars(select(AuditEntry).where(AuditEntry.entity == "document")).all()
    assert [(r.action, r.actor) for r in rows] == [
        ("created", "alice"),
        ("updated", "alice"),
        ("deleted", "alice"),
    ]
    assert rows[1].detail == {
        "before": {"start": 6, "end": 14, "label_id": actor, "label": "ACTOR", "text": "Ana Ruiz"},
        "after": {"start": 6, "end": 14, "label_id": claim, "label": "CLAIM", "text": "Ana Ruiz"},
    }
    assert rows[0].documents == [doc]
    assert [(e.action, e.actor.startswith("system")) for e in imports] == [("created", True)]


def test_a_failed_action_leaves_no_audit_entry(store: Store, project: Project) -> None:
    doc, actor, _claim, alice, _bob = _setup(store, project)
    assert alice.id is not None
    with store.session() as s:
        before = len(s.scalars(select(AuditEntry)).all())
    with pytest.raises(ValidationError), store.transaction(actor=alice) as tx:
        create_span(tx, doc, 6, 14, actor, alice.id)
        create_span(tx, doc, 6, 14, actor, alice.id)
    with store.session() as s:
        assert len(s.scalars(select(AuditEntry)).all()) == before


def test_poll_reports_other_clients_changes_only(store: Store, project: Project, backend_url: str) -> None:
    from annotator.store import REMOTE, open_store

    doc, actor, _claim, alice, _bob = _setup(store, project)
    assert alice.id is not None
    assert store.poll() is None  # sets the starting point
    other = open_store(backend_url)
    seen: list[object] = []
    store.bus.subscribe(lambda cs: seen.append(cs.origin))
    with store.transaction(actor=alice) as tx:  # our own change: published locally, not again by poll
        create_span(tx, doc, 0, 5, actor, alice.id)
    with other.transaction(actor=alice) as tx:
        theirs = create_span(tx, doc, 6, 14, actor, alice.id)
    changes = store.poll()
    assert changes is not None and changes.origin == REMOTE
    assert [(c.entity, c.action, c.ids) for c in changes.changes] == [("annotation", "created", (theirs.id,))]
    assert changes.document_ids() == {doc}
    assert store.poll() is None
    assert seen == [None, REMOTE]
    other.close()
