"""A keystroke's write runs as few statements as its checks and its undo step need (issue 19:
each costs the GUI thread a fraction of a millisecond), with the same refusals and audit as before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, AuditEntry, DocStatus, Document, Project, UndoStep
from annotator.ops.annotations import create_span, update_span
from annotator.ops.documents import set_status
from annotator.ops.projects import create_project
from annotator.store import Actor, Store
from annotator.undo import Step, undo, undoable
from annotator.undo.log import save
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Mayor Ana Ruiz said the bridge opens in May."


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _an_actor_span(store: Store, project: Project) -> tuple[int, int, int, tuple[int, int]]:
    """alice's ACTOR span in a new document: the document, alice, the span, (ACTOR, CLAIM)."""
    doc = add_doc(store, project.id, TEXT)
    alice = annotator_id(store, project.id, "alice")
    actor, claim = label_id(store, project.id, "ACTOR"), label_id(store, project.id, "CLAIM")
    with store.transaction(actor=Actor("alice", alice)) as tx:
        span = create_span(tx, doc, 0, 5, actor, alice).id
    return doc, alice, span, (actor, claim)


def test_a_relabel_reads_its_two_labels_once_and_audits_both_names(store: Store, project: Project) -> None:
    doc, alice, span, (actor, claim) = _an_actor_span(store, project)
    who = Actor("alice", alice)
    with (
        statements(store) as seen,
        store.transaction(actor=who) as tx,
        undoable(tx, "Relabel", [doc], spans=[span]),
    ):
        update_span(tx, span, label_id=claim)
    assert len([s for s in seen if "FROM label" in s]) == 1, seen
    with store.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == span, AuditEntry.action == "updated")
        ).one()
    assert (entry.detail["before"]["label"], entry.detail["after"]["label"]) == ("ACTOR", "CLAIM")
    with store.transaction(actor=who) as tx:
        undo(tx, alice)  # the step is exact: back to ACTOR
    with store.session() as session:
        assert session.scalars(select(Annotation.label_id).where(Annotation.id == span)).one() == actor


def test_labels_still_refused_when_missing_or_of_another_project(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT)
    alice = annotator_id(store, project.id, "alice")
    with store.transaction() as tx:
        other = create_project(tx, "other")
    foreign = label_id(store, other.id, "ACTOR")
    who = Actor("alice", alice)
    with pytest.raises(NotFoundError), store.transaction(actor=who) as tx:
        create_span(tx, doc, 0, 5, 987654, alice)
    with pytest.raises(ValidationError, match="another project"), store.transaction(actor=who) as tx:
        create_span(tx, doc, 0, 5, foreign, alice)
    with store.transaction(actor=who) as tx:
        span = create_span(tx, doc, 0, 5, label_id(store, project.id, "ACTOR"), alice).id
    with pytest.raises(NotFoundError), store.transaction(actor=who) as tx:
        update_span(tx, span, label_id=987654)
    with pytest.raises(ValidationError, match="another project"), store.transaction(actor=who) as tx:
        update_span(tx, span, label_id=foreign)


def test_a_step_reads_no_table_it_keeps_and_refuses_to_change_one(store: Store, project: Project) -> None:
    """``undoable(keeps=...)``: a relabel leaves the document row and the suggestion decisions
    alone, so its step reads neither; a block that changes a kept table after all is refused
    whole (nothing written), never recorded without that row's before image."""
    doc, alice, span, (actor, claim) = _an_actor_span(store, project)
    who = Actor("alice", alice)
    kept = ("document", "suggestion_decision")
    with (
        statements(store) as seen,
        store.transaction(actor=who) as tx,
        undoable(tx, "Relabel", [doc], spans=[span], keeps=kept) as step,
    ):
        update_span(tx, span, label_id=claim)
    assert not [s for s in seen if "FROM document" in s or "FROM suggestion_decision" in s], seen
    assert [(c.table, c.id) for c in step.changes] == [("annotation", span)]
    with (
        pytest.raises(ValidationError, match="document rows it said it keeps"),
        store.transaction(actor=who) as tx,
        undoable(tx, "Sneaky", [doc], spans=[span], keeps=kept),
    ):
        update_span(tx, span, label_id=actor)
        set_status(tx, [doc], DocStatus.DONE)
    with store.session() as session:
        assert session.scalars(select(Annotation.label_id).where(Annotation.id == span)).one() == claim
        assert session.scalars(select(Document.status).where(Document.id == doc)).one() != "done"
    with (
        pytest.raises(ValueError, match="may be kept"),
        store.transaction(actor=who) as tx,
        undoable(tx, "Odd", [doc], spans=[span], keeps=("annotation",)),
    ):
        pass
    with store.transaction(actor=who) as tx:
        undo(tx, alice)  # the kept-table step is exact: back to ACTOR
    with store.session() as session:
        assert session.scalars(select(Annotation.label_id).where(Annotation.id == span)).one() == actor


def test_a_step_is_saved_with_its_project_in_one_statement(store: Store, project: Project) -> None:
    """The step's project comes from the annotator's row inside the INSERT (a read before, once);
    an annotator that is gone is still refused by name."""
    doc = add_doc(store, project.id, TEXT)
    alice = annotator_id(store, project.id, "alice")
    with (
        statements(store) as seen,
        store.transaction(actor=Actor("alice", alice)) as tx,
        undoable(tx, "Label", [doc], spans=()) as step,
    ):
        create_span(tx, doc, 0, 5, label_id(store, project.id, "ACTOR"), alice)
    assert not [s for s in seen if s.startswith("SELECT annotator.project_id")], seen
    with store.session() as session:
        saved = session.get(UndoStep, step.id)
        assert saved is not None and (saved.project_id, saved.annotator_id) == (project.id, alice)
        assert saved.documents == [doc] and saved.title == "Label" and saved.state == "done"
    with pytest.raises(NotFoundError, match="no annotator"), store.transaction() as tx:
        save(tx, 987654, Step("Nobody's", "annotate", documents=(doc,)))
