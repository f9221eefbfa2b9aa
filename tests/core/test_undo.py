"""The core undo log: every kind of edit undoes exactly and redoes, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from annotator import undo as log
from annotator.errors import AnnotatorError, ConflictError, NotFoundError, ValidationError
from annotator.model import (
    Annotation,
    AuditEntry,
    Document,
    Label,
    Project,
    Rejection,
    Relation,
    RelationType,
    Role,
    UndoStep,
)
from annotator.ops.annotations import create_span, delete_spans, update_span
from annotator.ops.documents import set_status
from annotator.ops.projects import ensure_annotator
from annotator.ops.relations import create_relation, delete_relation
from annotator.review.gold import accept_spans, reject
from annotator.review.gold_edit import edit_gold_span
from annotator.store import Actor, Store
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Mayor Ana Ruiz said the bridge opens in May. Critics doubt it."
BOOKKEEPING = {"version", "updated_at"}


def state(store: Store) -> dict[str, Any]:
    """Every row undo may touch, bookkeeping aside."""
    with store.session() as s:
        return {
            model.__tablename__: {
                row.id: {k: v for k, v in vars(row).items() if not k.startswith("_") and k not in BOOKKEEPING}
                for row in s.scalars(select(model))
            }
            for model in (Annotation, Relation, Rejection, Document)
        }


def actor(store: Store, project: Project, name: str) -> Actor:
    with store.session() as s:
        from annotator.model import Annotator

        person = s.scalars(
            select(Annotator).where(Annotator.project_id == project.id, Annotator.name == name)
        ).one()
        return Actor(person.name, person.id, person.role)


@pytest.fixture
def doc(store: Store, project: Project) -> int:
    return add_doc(store, project.id, TEXT)


def _span(store: Store, project: Project, who: Actor, doc: int, word: str, label: str) -> int:
    start = TEXT.index(word)
    with store.transaction(actor=who) as tx, log.undoable(tx, f"Label {word}", [doc]):
        return create_span(
            tx, doc, start, start + len(word), label_id(store, project.id, label), who.id or 0
        ).id


def _round_trip(store: Store, who: Actor, before: dict[str, Any], after: dict[str, Any]) -> None:
    with store.transaction(actor=who) as tx:
        log.undo(tx)
    assert state(store) == before
    with store.transaction(actor=who) as tx:
        log.redo(tx)
    assert state(store) == after


def test_each_edit_undoes_exactly_and_redoes(store: Store, project: Project, doc: int) -> None:
    alice = actor(store, project, "alice")
    quote, actor_label = label_id(store, project.id, "QUOTE"), label_id(store, project.id, "ACTOR")
    start = TEXT.index("the bridge")

    def step(title: str, action: Any) -> None:
        before = state(store)
        with store.transaction(actor=alice) as tx, log.undoable(tx, title, [doc]):
            action(tx)
        _round_trip(store, alice, before, state(store))

    step("Label", lambda tx: create_span(tx, doc, start, start + 10, quote, alice.id))
    with store.session() as s:
        span = s.scalars(select(Annotation.id)).one()
    step("Resize", lambda tx: update_span(tx, span, end=start + 24))
    step("Relabel", lambda tx: update_span(tx, span, label_id=actor_label))
    step("Relabel back", lambda tx: update_span(tx, span, label_id=quote))
    ana = TEXT.index("Ana Ruiz")
    step("Actor", lambda tx: create_span(tx, doc, ana, ana + 8, actor_label, alice.id))
    with store.session() as s:
        speaker = s.scalars(select(RelationType.id).where(RelationType.name == "speaker")).one()
        actor_span = s.scalars(select(Annotation.id).where(Annotation.label_id == actor_label)).one()
    step("Link", lambda tx: create_relation(tx, span, actor_span, speaker, alice.id))
    with store.session() as s:
        relation = s.scalars(select(Relation.id)).one()
    step("Unlink", lambda tx: delete_relation(tx, relation))
    with store.transaction(actor=alice) as tx:
        log.undo(tx)  # the relation is back
    step("Delete both spans", lambda tx: delete_spans(tx, [span, actor_span]))
    with store.transaction(actor=alice) as tx:
        log.undo(tx)
    with store.session() as s:  # ids survive, and so does the relation between them
        assert s.scalars(select(Relation.source_id)).one() == span
        assert {span, actor_span} == set(s.scalars(select(Annotation.id)))
    step("Done", lambda tx: set_status(tx, [doc], "done"))
    with store.session() as s:
        assert s.get_one(Document, doc).status == "done"
        audit = s.scalars(select(AuditEntry.detail).where(AuditEntry.entity == "annotation")).all()
    assert any(d and d.get("undo") for d in audit) and any(d and d.get("redo") for d in audit)


def test_undo_and_redo_of_review_steps(store: Store, project: Project, doc: int) -> None:
    alice = actor(store, project, "alice")
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
    riley = actor(store, project, "riley")
    span = _span(store, project, alice, doc, "the bridge opens in May", "QUOTE")
    before = state(store)
    with store.transaction(actor=riley, review=True) as tx, log.undoable(tx, "Accept", [doc], review=True):
        [gold] = accept_spans(tx, [span])
    accepted = state(store)
    _round_trip(store, riley, before, accepted)
    with store.transaction(actor=riley, review=True) as tx, log.undoable(tx, "Edit", [doc], review=True):
        edit_gold_span(tx, gold, end=TEXT.index("bridge") + 6)
    _round_trip(store, riley, accepted, state(store))
    quote = label_id(store, project.id, "QUOTE")
    edited = state(store)
    with store.transaction(actor=riley, review=True) as tx, log.undoable(tx, "Reject", [doc], review=True):
        reject(tx, doc, quote, 0, 5)
    _round_trip(store, riley, edited, state(store))
    with store.session() as s:  # the gold span keeps its id throughout
        assert s.get(Annotation, gold) is not None


def test_nothing_to_undo_and_another_annotators_step(store: Store, project: Project, doc: int) -> None:
    alice, bob = actor(store, project, "alice"), actor(store, project, "bob")
    with pytest.raises(NotFoundError, match="nothing to undo for bob"), store.transaction(actor=bob) as tx:
        log.undo(tx)
    _span(store, project, alice, doc, "Critics", "ACTOR")
    with store.session() as s:
        step = s.scalars(select(UndoStep.id)).one()
    with pytest.raises(ValidationError, match="another annotator"), store.transaction(actor=bob) as tx:
        log.undo(tx, step_id=step)
    with pytest.raises(NotFoundError, match="nothing to redo"), store.transaction(actor=alice) as tx:
        log.redo(tx)


def test_undo_refuses_when_someone_changed_the_rows_since(store: Store, project: Project, doc: int) -> None:
    alice = actor(store, project, "alice")
    span = _span(store, project, alice, doc, "Critics", "ACTOR")
    with store.transaction() as tx:  # another process (a script) relabels it
        update_span(tx, span, label_id=label_id(store, project.id, "CLAIM"))
    changed = state(store)
    refused = pytest.raises(ConflictError, match=r"span \d+ .*'Critics'.* was changed since")
    with refused, store.transaction(actor=alice) as tx:
        log.undo(tx)
    assert state(store) == changed  # their work is untouched


def test_a_new_step_drops_the_redo_list(store: Store, project: Project, doc: int) -> None:
    alice = actor(store, project, "alice")
    _span(store, project, alice, doc, "Critics", "ACTOR")
    with store.transaction(actor=alice) as tx:
        log.undo(tx)
    _span(store, project, alice, doc, "Mayor", "ACTOR")
    with pytest.raises(NotFoundError, match="nothing to redo"), store.transaction(actor=alice) as tx:
        log.redo(tx)
    with store.session() as s:
        assert s.scalars(select(Annotation.text)).all() == ["Mayor"]


def test_the_log_is_per_annotator(store: Store, project: Project, doc: int) -> None:
    alice, bob = actor(store, project, "alice"), actor(store, project, "bob")
    _span(store, project, alice, doc, "Critics", "ACTOR")
    _span(store, project, bob, doc, "Mayor", "ACTOR")
    with store.transaction(actor=alice) as tx:
        step = log.undo(tx)
    assert step.title == "Label Critics"
    with store.session() as s:
        assert s.scalars(select(Annotation.text)).all() == ["Mayor"]
    assert annotator_id(store, project.id, "bob") == bob.id


def _exhaust(store: Store, who: Actor, move: Any) -> None:
    """Undo (or redo) until there is nothing left to."""
    while True:
        try:
            with store.transaction(actor=who) as tx:
                move(tx)
        except NotFoundError:
            return


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "resize", "relabel", "delete", "link", "unlink", "done"]), st.integers(0, 50)
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
@pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)
def test_random_edits_all_undone_give_the_start_and_all_redone_the_end(
    store: Store, project: Project, ops: list[tuple[str, int]]
) -> None:
    doc = add_doc(store, project.id, TEXT + f" {uuid.uuid4().hex}")
    alice = actor(store, project, "alice")
    with store.session() as s:
        labels = list(s.scalars(select(Label.id).where(Label.project_id == project.id)))
        speaker = s.scalars(select(RelationType.id).where(RelationType.project_id == project.id)).first()
    start_state = state(store)
    for kind, n in ops:
        with store.session() as s:
            mine = list(s.scalars(select(Annotation.id).where(Annotation.document_id == doc)))
            links = list(s.scalars(select(Relation.id).where(Relation.document_id == doc)))
        span = mine[n % len(mine)] if mine else None
        try:
            with store.transaction(actor=alice) as tx, log.undoable(tx, kind, [doc]):
                if kind == "add" or span is None:
                    create_span(tx, doc, n, n + 1 + n % 7, labels[n % len(labels)], alice.id or 0)
                elif kind == "resize":
                    update_span(tx, span, end=min(len(TEXT), n + 9) if n < len(TEXT) - 1 else None)
                elif kind == "relabel":
                    update_span(tx, span, label_id=labels[n % len(labels)])
                elif kind == "delete":
                    delete_spans(tx, [span])
                elif kind == "link" and len(mine) > 1 and speaker is not None:
                    create_relation(tx, span, mine[(n + 1) % len(mine)], speaker, alice.id or 0)
                elif kind == "unlink" and links:
                    delete_relation(tx, links[n % len(links)])
                else:
                    set_status(tx, [doc], ["new", "in progress", "done"][n % 3])
        except AnnotatorError:
            pass  # a refused edit changes nothing and records no step
    end_state = state(store)
    _exhaust(store, alice, log.undo)
    assert state(store) == start_state
    _exhaust(store, alice, log.redo)
    assert state(store) == end_state
    with store.transaction(actor=alice) as tx:  # the next example starts with an empty history
        tx.session.execute(delete(UndoStep))


def test_deleting_documents_is_a_step_and_redo_spares_work_added_since(
    store: Store, project: Project, doc: int
) -> None:
    from annotator.undo.log import delete_step

    alice = actor(store, project, "alice")
    _span(store, project, alice, doc, "Critics", "ACTOR")
    before = state(store)
    with store.transaction(actor=alice) as tx:
        delete_step(tx, [doc], "Delete document", alice.id or 0)
    assert state(store)["document"] == {}
    with store.transaction(actor=alice) as tx:
        log.undo(tx)
    assert state(store) == before  # same ids, spans and all
    with store.transaction() as tx:  # a script adds a span meanwhile (not an undoable step)
        create_span(tx, doc, 0, 5, label_id(store, project.id, "ACTOR"), alice.id or 0)
    refused = pytest.raises(ConflictError, match="added to these documents since")
    with refused, store.transaction(actor=alice) as tx:
        log.redo(tx)
    assert len(state(store)["annotation"]) == 2


def test_deleting_a_document_with_stored_tokens_is_undone_with_its_tokens(
    store: Store, project: Project, doc: int
) -> None:
    """A document imported with its source's tokens (IOB, spaCy…) holds bytes; the step keeps them
    (as base64) and undo writes back the very same bytes (before, the step could not be saved)."""
    from annotator.undo.log import delete_step

    packed = bytes(range(256)) * 3
    alice = actor(store, project, "alice")
    with store.transaction() as tx:
        tx.session.execute(update(Document).where(Document.id == doc).values(tokens=packed))
    with store.transaction(actor=alice) as tx:
        delete_step(tx, [doc], "Delete document", alice.id or 0)
    with store.transaction(actor=alice) as tx:
        log.undo(tx)
    with store.session() as s:
        assert s.scalar(select(Document.tokens).where(Document.id == doc)) == packed
    with store.transaction(actor=alice) as tx:
        log.redo(tx)
    with store.session() as s:
        assert s.get(Document, doc) is None
